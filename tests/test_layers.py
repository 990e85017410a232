"""The layers of `reader/` hold: every import runs downward, siblings stay apart, no circles.

The layer order lives in one place, `[tool.importlinter]` in pyproject.toml (described in
docs/architecture.md); import-linter walks every import in `reader/`, lazy and type-only
ones included.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_imports_follow_the_layers_and_never_circle(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "path", list(sys.path))  # lint_imports adds the working directory
    code = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert code == 0, report
    assert "Contracts: 2 kept, 0 broken." in report

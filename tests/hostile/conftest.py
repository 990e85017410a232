"""Fixtures for the hostile-input suite: a `byline` runner in a fresh data dir."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
Run = Callable[..., subprocess.CompletedProcess[bytes]]


@pytest.fixture
def byline(tmp_path: Path) -> Run:
    """Run `python -m reader --data-dir <tmp> ARGS…` with a hard timeout; bytes out."""
    data = tmp_path / "byline-data"

    def run(*args: str, timeout: float = 60, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
        full_env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(REPO), **(env or {})}
        full_env.pop("BYLINE_DEBUG", None)
        return subprocess.run([sys.executable, "-m", "reader", "--data-dir", str(data), *args],
                              capture_output=True, timeout=timeout, env=full_env,
                              cwd=cwd or tmp_path, stdin=subprocess.DEVNULL, check=False)

    return run

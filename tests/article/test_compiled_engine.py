"""The wheel's compiled quote engine (hatch_build.py): built by pip as a user's `pip install .`
builds it, it finds exactly the quotes and speakers the pure-Python source finds; and when it
cannot be compiled the wheel is pure Python and still installs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from reader.article import speakers
from reader.article.model import Block
from reader.article.quotes import find_quotes

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "quotes"
SHARED = ROOT.parent / "shared" / "corpora"
COMPILED = ("quotes", "quotemarks", "speakers", "names", "sentences")

pytestmark = pytest.mark.slow

_FIND = """
import json, sys
from reader.article import names, quotemarks, quotes, sentences, speakers
from reader.article.model import Block
modules = (quotes, quotemarks, speakers, names, sentences)
assert all(not m.__file__.endswith(".py") for m in modules), [m.__file__ for m in modules]
found = []
for paragraphs in json.load(sys.stdin):
    qs = quotes.find_quotes([Block("paragraph", p) for p in paragraphs])
    found.append([[q.text, q.speaker, q.block, q.kind] for q in qs])
print(json.dumps(found))
"""


def _build_wheel(out: Path, **env: str) -> Path:
    """`pip wheel` of the project (in pip's isolated build environment, as `pip install .`)."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out),
                    str(ROOT)], check=True, capture_output=True, env={**os.environ, **env})
    (wheel,) = out.glob("byline-*.whl")
    return wheel


def _articles() -> list[list[str]]:
    """Our quote fixtures, and the shared reference article and real pages when present."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.txt"))]
    reference = SHARED / "articles" / "chechnya-global.txt"
    if reference.exists():
        texts.append(reference.read_text(encoding="utf-8"))
    pages = SHARED / "scrapinghub" / "ground-truth.json"
    if pages.exists():
        texts += [v["articleBody"] for v in json.loads(pages.read_text(encoding="utf-8")).values()]
    return [[p for p in t.split("\n") if p.strip()] for t in texts]


def _has_compiler() -> bool:
    cc = sysconfig.get_config_var("CC") or "cc"
    return shutil.which(cc.split()[0]) is not None and Path(
        sysconfig.get_paths()["include"], "Python.h").exists()


@pytest.fixture(scope="module")
def compiled_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not _has_compiler():
        pytest.skip("no C compiler or Python headers here: wheels are pure Python")
    return _build_wheel(tmp_path_factory.mktemp("wheel"))


def test_the_wheel_holds_the_compiled_engine(compiled_wheel: Path) -> None:
    names = zipfile.ZipFile(compiled_wheel).namelist()
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    for module in COMPILED:
        assert f"reader/article/{module}{suffix}" in names
    assert "-py3-none-any" not in compiled_wheel.name  # tagged for this Python and platform


def test_compiled_and_pure_find_the_same_quotes(compiled_wheel: Path, tmp_path: Path) -> None:
    assert speakers.__file__ and speakers.__file__.endswith(".py")  # this process: the source
    zipfile.ZipFile(compiled_wheel).extractall(tmp_path / "site")
    articles = _articles()
    done = subprocess.run([sys.executable, "-c", _FIND], input=json.dumps(articles),
                          capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(tmp_path / "site")},
                          cwd=tmp_path)
    pure = [[[q.text, q.speaker, q.block, q.kind]
             for q in find_quotes([Block("paragraph", p) for p in paragraphs])]
            for paragraphs in articles]
    compiled = json.loads(done.stdout)
    assert sum(len(found) for found in pure) > 50  # the fixtures alone hold 57
    assert compiled == pure


@pytest.mark.parametrize("env", [{"BYLINE_PURE_PYTHON": "1"}, {"CC": "/nonexistent/cc"}],
                         ids=["asked-for", "no-compiler"])
def test_without_compiling_the_wheel_is_pure_python(env: dict[str, str], tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path, **env)
    assert wheel.name.endswith("-py3-none-any.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "reader/article/speakers.py" in names
    assert not [n for n in names if n.endswith((".so", ".pyd"))]

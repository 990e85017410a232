"""The pattern cache: programs rebuilt from the file are the very programs `re` compiles; a bad
or unwritable file costs only the speed-up; the console script keeps one per cache dir."""

from __future__ import annotations

import marshal
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reader.pattern_cache import PatternCache, cache_file

SAMPLE = Path(__file__).resolve().parents[2] / "reader" / "samples" / "harbour-ferry.txt"
PATTERNS = [
    (r"(?P<who>[A-Z][a-z]+)\s+(?:said|says|told)\b", 0),
    (r"(?<![\w-])(?:a(?:dded|sked)|s(?:aid|tated))(?![\w])", re.IGNORECASE),
    (r"^\s*[“\"«„](?P<inner>.*?)[”\"»“]\s*$", re.MULTILINE | re.DOTALL),
    (r"(\w+) and \1", 0),
    (r"(<)?\w+@\w+(?(1)>|)", 0),
    (r"""(?x) \d+ (?: [.,] \d+ )?   # a number
         \s* (?:per\s?cent|%)""", 0),
    (r"(?>a+)b|c*+d", 0),
    (r"[^\W\d_][\w’'-]*", re.ASCII),
    (r"Ünïcödé\s+[À-ÖØ-Þ]", re.IGNORECASE),
]
TEXTS = ["Mayor Osei said so", "he ADDED that", "  “Quoted words,” \n", "this and this",
         "<ann@example> ann@example", "up 4.5 per cent, 7%", "aaab ccd", "Ünïcödé É", ""]


def _matches(pattern: re.Pattern[str]) -> list[list[tuple[int, int]]]:
    return [[m.span() for m in pattern.finditer(text)] for text in TEXTS]


def test_patterns_from_the_file_are_the_programs_re_compiles(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               ) -> None:
    file = tmp_path / "patterns.marshal"
    original = re._compiler.compile  # type: ignore[attr-defined]
    with PatternCache(file):
        stored = [re.compile(p, f) for p, f in PATTERNS]
    assert re._compiler.compile is original  # type: ignore[attr-defined]
    re.purge()
    plain = [re.compile(p, f) for p, f in PATTERNS]

    def parse(*_: object) -> None:
        raise AssertionError("a stored pattern was parsed again")

    re.purge()
    with monkeypatch.context() as m, PatternCache(file) as cache:
        m.setattr(re._parser, "parse", parse)  # type: ignore[attr-defined]
        rebuilt = [re.compile(p, f) for p, f in PATTERNS]
    assert not cache.added
    for a, b, c in zip(stored, plain, rebuilt, strict=True):
        assert a == b == c  # equal patterns: same text, flags and program
        assert (c.groups, c.groupindex) == (b.groups, b.groupindex)
        assert _matches(c) == _matches(b)
    re.purge()


def test_an_unreadable_file_is_replaced(tmp_path: Path) -> None:
    file = tmp_path / "patterns.marshal"
    file.write_bytes(b"\x00not marshal at all")
    with PatternCache(file):
        re.compile(r"unreadable (file)?", re.IGNORECASE)
    entries = marshal.loads(file.read_bytes())
    assert (r"unreadable (file)?", int(re.IGNORECASE)) in entries
    re.purge()


def test_only_plain_strings_are_stored(tmp_path: Path) -> None:
    class Text(str):  # lxml hands XPath's regular expressions over as a str subclass
        pass

    file = tmp_path / "patterns.marshal"
    with PatternCache(file):
        sub = re.compile(Text("sub(class)?"))
        re.compile("plain (string)?")
    assert sub.match("subclass")
    assert list(marshal.loads(file.read_bytes())) == [("plain (string)?", 0)]
    re.purge()


def test_a_program_this_build_refuses_is_compiled_again(tmp_path: Path) -> None:
    file = tmp_path / "patterns.marshal"
    flags = int(re.IGNORECASE | re.UNICODE)
    file.write_bytes(marshal.dumps({(r"bad (program)", int(re.IGNORECASE)):
                                    (flags, [999, 1, 2], 1, {}, (None, None))}))
    re.purge()
    with PatternCache(file) as cache:
        got = re.compile(r"bad (program)", re.IGNORECASE)
    assert cache.added
    re.purge()
    assert got == re.compile(r"bad (program)", re.IGNORECASE)
    assert got.search("a BAD PROGRAM").group(1) == "PROGRAM"  # type: ignore[union-attr]
    re.purge()


def test_the_file_is_per_interpreter(tmp_path: Path) -> None:
    name = cache_file(tmp_path).name
    assert sys.implementation.cache_tag in name and f"{sys.hexversion:x}" in name


def _read(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reader", "read", str(SAMPLE), "--format",
                           "json"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env})


def test_the_console_script_keeps_patterns_in_its_cache_dir(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = _read({"BYLINE_HOME": str(home)})
    assert first.returncode == 0, first.stderr
    (file,) = (home / "cache").glob("patterns-*.marshal")
    assert len(marshal.loads(file.read_bytes())) > 100
    before = file.stat().st_mtime_ns
    second = _read({"BYLINE_HOME": str(home)})
    assert second.returncode == 0 and second.stdout == first.stdout
    assert file.stat().st_mtime_ns == before  # nothing new to write


def test_a_cache_dir_that_cannot_be_written_costs_only_speed(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    home = tmp_path / "home"
    normal = _read({"BYLINE_HOME": str(home)})
    got = _read({"BYLINE_HOME": str(blocked)})  # the cache dir would be inside a file
    assert got.returncode == 0 and got.stderr == ""
    assert got.stdout == normal.stdout

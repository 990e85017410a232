"""Hostile filters (`byline list --filter`, `byline search`, `[[views]]`): one clean line each."""

from __future__ import annotations

import pytest

from hostile.checks import assert_clean_bytes, assert_one_line_error
from hostile.conftest import Run


@pytest.mark.parametrize(("expr", "reason"), [
    ("colour:\x1b[31mred", "unknown field 'colour:'"),
    ('"\x1b[2J unclosed', "unclosed quote"),
    ("@\x07\x1b]0;title\x07", "is not a date or an age"),
    ("tag:", "tag: needs a value"),
    ("has:\u202equotes", "unknown has:"),
    ("-\x00", "nothing to search for"),
    ("a" * 5000, "too long"),
    ("@2026-02-30..", "is not a date or an age"),
])
def test_bad_filters_are_one_clean_line(byline: Run, expr: str, reason: str) -> None:
    done = byline("list", "--filter", expr.replace("\x00", ""))
    line = assert_one_line_error(done, reason, "bad filter")
    assert_clean_bytes(done.stderr)
    assert line.startswith("byline: bad filter: ") or "cannot list" in line


@pytest.mark.parametrize("query", ['"', "colour:red", "@7x", "tag:", "-", "\x1b[2J", "a" * 5000])
def test_search_never_fails_on_filter_syntax(byline: Run, query: str) -> None:
    done = byline("search", query)
    assert done.returncode == 0, done.stderr
    assert_clean_bytes(done.stdout + done.stderr)


def test_a_view_with_control_bytes_is_reported_cleanly(byline: Run, tmp_path) -> None:
    data = tmp_path / "byline-data"
    data.mkdir()
    (data / "config.toml").write_text(
        '[[views]]\nname = "\\u001b[2JEvil"\nfilter = "tag: \\u001b]0;x\\u0007"\n',
        encoding="utf-8")
    done = byline("--check-config")
    assert done.returncode == 1
    assert_clean_bytes(done.stdout + done.stderr)
    assert "[[views]] 'Evil': bad filter: tag: needs a value" in done.stdout.decode()
    assert_one_line_error(byline("list", "--view", "Evil"), "bad filter: tag: needs a value")
    assert_one_line_error(byline("list", "--view", "\x1b[2JEVIL"), "bad filter")
    unknown = byline("list", "--view", "\x1b[2JNope")
    assert_one_line_error(unknown, "no view named 'Nope' (views: 'Evil')")
    assert_clean_bytes(unknown.stderr)


@pytest.mark.parametrize(("rule", "reason"), [
    ('title = "\\u001b[31m(("', "title: bad regular expression '[31m(('"),
    ('"\\u001b]0;x\\u0007field" = "a"', "unknown field ']0;xfield'"),
    ('title = ""', "title must be a regular expression of 1 to 500 characters"),
    ('author = ["a"]', "author must be a regular expression"),
])
def test_bad_kill_rules_are_one_clean_line(byline: Run, tmp_path, rule: str,
                                           reason: str) -> None:
    data = tmp_path / "byline-data"
    data.mkdir()
    (data / "config.toml").write_text(f"[[hide]]\n{rule}\n", encoding="utf-8")
    for args in (("refresh",), ("--check-config",), ("add", "http://127.0.0.1:9/feed")):
        done = byline(*args)
        assert_one_line_error(done, reason, "[hide] number 1")
        assert_clean_bytes(done.stderr)

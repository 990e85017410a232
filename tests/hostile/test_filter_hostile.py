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


def test_macro_output_with_control_bytes_is_shown_clean(byline: Run, tmp_path) -> None:
    import json
    import sys

    from reader.library.store import Library, NewEntry
    from reader.paths import resolve_paths

    data = tmp_path / "byline-data"
    with Library.open(resolve_paths(data).library_file) as lib:
        feed = lib.add_feed("https://harbour.example/rss")
        lib.store_entries(feed, [NewEntry(key="1", title="t", raw="<p>x</p>",
                                          link="https://harbour.example/1")])
    script = tmp_path / "evil.py"
    script.write_text("import sys\nsys.stdout.write('\\x1b[2J\\x1b]0;pwned\\x07ok [bold]x[/] "
                      "\\x9b31m')\nsys.stderr.write('\\x1b[31mboom\\r\\x00')\n"
                      "sys.exit(int(sys.argv[-1].endswith('1')))\n", encoding="utf-8")
    (data / "config.toml").write_text(
        f"[commands]\nevil = [{json.dumps(sys.executable)}, {json.dumps(str(script))}]\n",
        encoding="utf-8")
    done = byline("pipe", "1", "evil")
    assert_one_line_error(done, "evil failed (exit status 1)", "boom")
    assert_clean_bytes(done.stderr)


# Every place that reads the config reports a bad table in the same clean line.
_CONFIG_READERS = (("refresh",), ("--check-config",), ("add", "http://127.0.0.1:9/feed"))
_PIPE_READERS = (("pipe", "1", "evil"), ("--check-config",))


@pytest.mark.parametrize(("config", "reason", "where", "commands"), [
    # [[hide]] kill rules
    ('[[hide]]\ntitle = "\\u001b[31m(("', "title: bad regular expression '[31m(('",
     "[hide] number 1", _CONFIG_READERS),
    ('[[hide]]\n"\\u001b]0;x\\u0007field" = "a"', "unknown field ']0;xfield'",
     "[hide] number 1", _CONFIG_READERS),
    ('[[hide]]\ntitle = ""', "title must be a regular expression of 1 to 500 characters",
     "[hide] number 1", _CONFIG_READERS),
    ('[[hide]]\nauthor = ["a"]', "author must be a regular expression", "[hide] number 1",
     _CONFIG_READERS),
    # [commands]
    ('[commands]\nevil = "rm -rf /"', "'evil' must be a command list", "[commands]",
     _PIPE_READERS),
    ('[commands]\n"\\u001b[2Jx" = { run = ["a"], send = "\\u001b]0;" }',
     "'[2Jx': send must be url", "[commands]", _PIPE_READERS),
    # [[feed]] settings
    ('[[feed]]\nurl = "https://x.example/f"\nuser_agent = "a\\r\\nX-Evil: 1"',
     "one line of printable", "[feed] number 1", _CONFIG_READERS),
    ('[[feed]]\nurl = "javascript:alert(1)"', 'needs url = "https://', "[feed] number 1",
     _CONFIG_READERS),
    ('[[feed]]\nurl = "https://x.example/f"\n"\\u001b[2Jkey" = 1', "unknown key '[2Jkey'",
     "[feed] number 1", _CONFIG_READERS),
])
def test_bad_config_tables_are_one_clean_line(byline: Run, tmp_path, config: str, reason: str,
                                              where: str,
                                              commands: tuple[tuple[str, ...], ...]) -> None:
    data = tmp_path / "byline-data"
    data.mkdir()
    (data / "config.toml").write_text(f"{config}\n", encoding="utf-8")
    for args in commands:
        done = byline(*args)
        assert_one_line_error(done, reason, where)
        assert_clean_bytes(done.stderr)

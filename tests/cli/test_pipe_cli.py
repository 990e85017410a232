"""`byline pipe ID COMMAND` as a subprocess: the article's link or text reaches a real
command of `[commands]` (no shell), its output is printed, a failure is one line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from reader.library.store import Library, NewEntry
from reader.paths import resolve_paths
from tests.cli.test_filters_cli import byline

SCRIPT = """import sys
data = sys.stdin.read()
print("args:", " ".join(sys.argv[1:]), "| words:", len(data.split()))
"""


def _data(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    with Library.open(resolve_paths(home).library_file) as lib:
        feed = lib.add_feed("https://harbour.example/rss", title="Harbour Desk")
        lib.store_entries(feed, [NewEntry(key="1", title="Tide tables",
                                          raw="<p>High water at noon today.</p>",
                                          link="https://harbour.example/tides")])
    script = tmp_path / "count.py"
    script.write_text(SCRIPT, encoding="utf-8")
    (home / "config.toml").write_text(
        "[commands]\n"
        f"later = [{json.dumps(sys.executable)}, {json.dumps(str(script))}]\n"
        f"words = {{ run = [{json.dumps(sys.executable)}, {json.dumps(str(script))}], "
        'send = "text" }\n'
        f"fail = [{json.dumps(sys.executable)}, \"-c\", \"import sys; sys.exit('no room')\"]\n",
        encoding="utf-8")
    return home


def test_pipe_sends_the_link_or_the_text(tmp_path: Path) -> None:
    data = _data(tmp_path)
    done = byline(data, "pipe", "1", "later")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "later: args: https://harbour.example/tides | words: 0\n"
    text = byline(data, "pipe", "https://harbour.example/tides", "words")
    assert text.returncode == 0 and text.stdout.startswith("words: args: | words: ")
    assert int(text.stdout.split()[-1]) >= 5   # title, meta line and the paragraph


def test_pipe_failures_are_one_line(tmp_path: Path) -> None:
    data = _data(tmp_path)
    failed = byline(data, "pipe", "1", "fail")
    assert failed.returncode == 1 and failed.stdout == ""
    assert failed.stderr == "byline: fail failed (exit status 1): no room\n"
    unknown = byline(data, "pipe", "1", "nope")
    assert unknown.stderr == "byline: no command named 'nope' (commands: fail, later, words)\n"
    missing = byline(data, "pipe", "99", "later")
    assert missing.stderr == "byline: no article 99 in the library (see byline list)\n"


def test_piped_text_is_cleaned_with_the_config_rules(tmp_path: Path) -> None:
    """The text sent is the article the reader shows: `[rules]` and the feed's own rules
    apply, and the first open (here, by pipe) caches it cleaned with them."""
    home = tmp_path / "home"
    with Library.open(resolve_paths(home).library_file) as lib:
        feed = lib.add_feed("https://harbour.example/rss", title="Harbour Desk")
        lib.store_entries(feed, [NewEntry(
            key="1", title="Tide tables", link="https://harbour.example/tides",
            raw="<p>High water at noon today, and the ferry keeps to its timetable.</p>"
                "<p>SITE-PROMO: buy a tide clock in our shop</p>"
                "<p>FEED-PROMO: the harbour quiz is back</p>"
                "<p>Low water follows in the evening, as it does every day.</p>")])
    script = tmp_path / "show.py"
    script.write_text("import sys\nprint(' '.join(sorted(set(sys.stdin.read().split()) & "
                      "{'SITE-PROMO:', 'FEED-PROMO:', 'ferry'})))\n", encoding="utf-8")
    (home / "config.toml").write_text(
        "[rules]\nremove = ['SITE-PROMO:.*']\n\n"
        "[commands]\n"
        f"show = {{ run = [{json.dumps(sys.executable)}, {json.dumps(str(script))}], "
        'send = "text" }\n\n'
        '[[feed]]\nurl = "https://harbour.example/rss"\n'
        "[feed.rules]\nremove = ['FEED-PROMO:.*']\n", encoding="utf-8")
    done = byline(home, "pipe", "1", "show")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "show: ferry\n"
    shown = byline(home, "read", "1")
    assert "ferry" in shown.stdout and "PROMO" not in shown.stdout

"""`byline remove` keeps what the reader starred (all with --keep-all), says what it keeps and
deletes, takes a title, id or URL and asks on a terminal; `byline mark` and `byline read ID`
change read and starred state from the command line."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

from test_library_cli import REPO, byline, rss

from reader.library.store import Library


def subscribed(feed_server: Any, tmp_path: Path, count: int = 5,
               title: str = "Harbour Desk") -> tuple[Path, str, list[dict[str, Any]]]:
    data = tmp_path / "home"
    url = feed_server.add("/harbour.xml", rss("harbour", count, title=title))
    added = byline(data, "add", url)
    assert added.returncode == 0, added.stderr
    listed = json.loads(byline(data, "list", "--format", "json").stdout)
    return data, url, listed


def test_removing_a_feed_keeps_its_starred_articles_readable_offline(feed_server, tmp_path):
    data, url, listed = subscribed(feed_server, tmp_path)
    starred = [listed[0]["id"], listed[3]["id"]]
    marked = byline(data, "mark", *map(str, starred), "--star")
    assert marked.returncode == 0 and marked.stdout.strip() == \
        f"Marked {starred[0]}, {starred[1]} starred"

    removed = byline(data, "remove", url)
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout.strip() == (f"Unsubscribed from Harbour Desk ({url}): kept 2 starred "
                                      "articles (under Removed feeds), deleted 3")
    assert json.loads(byline(data, "feeds", "--format", "json").stdout) == []
    feed_server.reset()   # the server forgets the feed: nothing can come from the network
    for entry_id in starred:
        shown = byline(data, "--offline", "read", str(entry_id))
        assert shown.returncode == 0, shown.stderr
        title = next(e["title"] for e in listed if e["id"] == entry_id)
        assert shown.stdout.startswith(title)
        words = title.split()[-1]   # "harbour story 3" -> "Words about harbour number 3."
        assert f"number {words}" in shown.stdout
    left = json.loads(byline(data, "list", "--format", "json").stdout)
    assert sorted(e["id"] for e in left) == sorted(starred)
    assert all(e["starred"] for e in left)
    hits = json.loads(byline(data, "search", "harbour", "--format", "json").stdout)
    assert sorted(h["id"] for h in hits) == sorted(starred)
    with Library.open(data / "library.db") as library:
        sources = {row.key: (row.label, row.total) for row in library.sources()}
        assert sources["removed"] == ("Removed feeds", 2)
        assert sources["starred"][1] == 2
        assert sorted(library.entry_ids("removed")) == sorted(starred)
    # subscribing again brings the feed back with what was kept
    assert byline(data, "--offline", "add", url).returncode == 0
    feeds = json.loads(byline(data, "feeds", "--format", "json").stdout)
    assert [(f["url"], f["title"], f["total"]) for f in feeds] == [(url, "Harbour Desk", 2)]
    with Library.open(data / "library.db") as library:
        assert "removed" not in {row.key for row in library.sources()}


def test_keep_all_keeps_every_article(feed_server, tmp_path):
    data, url, _listed = subscribed(feed_server, tmp_path, count=4)
    removed = byline(data, "remove", url, "--keep-all")
    assert removed.stdout.strip() == (f"Unsubscribed from Harbour Desk ({url}): kept 4 articles "
                                      "(under Removed feeds), deleted 0")
    assert len(json.loads(byline(data, "list", "--format", "json").stdout)) == 4


def test_nothing_starred_deletes_the_feed_and_its_articles(feed_server, tmp_path):
    data, url, _ = subscribed(feed_server, tmp_path, count=3)
    removed = byline(data, "remove", url)
    assert removed.stdout.strip() == f"Unsubscribed from Harbour Desk ({url}): deleted 3 articles"
    assert json.loads(byline(data, "list", "--format", "json").stdout) == []
    with Library.open(data / "library.db") as library:
        assert "removed" not in {row.key for row in library.sources()}


def test_a_feed_is_named_by_title_or_id(feed_server, tmp_path):
    data, _url, _ = subscribed(feed_server, tmp_path, count=1)
    other = feed_server.add("/other.xml", rss("other", 1, title="Other Desk"))
    assert byline(data, "add", other).returncode == 0
    feeds = {f["title"]: f["id"] for f in json.loads(byline(data, "feeds", "--format",
                                                            "json").stdout)}
    assert byline(data, "remove", "harbour desk").returncode == 0   # any case
    assert byline(data, "remove", str(feeds["Other Desk"])).returncode == 0
    assert json.loads(byline(data, "feeds", "--format", "json").stdout) == []
    missing = byline(data, "remove", "Harbour Desk")
    assert missing.returncode == 1
    assert missing.stderr == "byline: not subscribed: Harbour Desk (see byline feeds)\n"


def test_two_feeds_with_one_title_need_the_id_or_url(feed_server, tmp_path):
    data, url, _ = subscribed(feed_server, tmp_path, count=1)
    twin = feed_server.add("/twin.xml", rss("twin", 1, title="Harbour Desk"))
    assert byline(data, "add", twin).returncode == 0
    both = byline(data, "remove", "Harbour Desk")
    assert both.returncode == 1 and both.stderr.count("\n") == 1
    assert "2 feeds are titled 'Harbour Desk'; give the id or URL" in both.stderr
    assert url in both.stderr and twin in both.stderr
    assert len(json.loads(byline(data, "feeds", "--format", "json").stdout)) == 2


def answer_on_a_terminal(data: Path, answer: bytes, *args: str) -> tuple[int, str]:
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "reader", "--data-dir", str(data),
                                 "remove", *args], cwd=REPO, stdin=follower, stdout=follower,
                                stderr=follower, env=dict(os.environ, BYLINE_DEBUG=""))
        os.close(follower)
        shown = b""
        while b"[y/N]" not in shown:
            chunk = os.read(leader, 4096)
            assert chunk, shown
            shown += chunk
        os.write(leader, answer + b"\n")
        code = proc.wait(60)
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    return code, shown.decode()


def test_on_a_terminal_remove_asks_first(feed_server, tmp_path):
    data, url, listed = subscribed(feed_server, tmp_path, count=3)
    assert byline(data, "mark", str(listed[0]["id"]), "--star").returncode == 0
    code, shown = answer_on_a_terminal(data, b"n", url)
    assert code == 1
    assert (f"Unsubscribe from Harbour Desk ({url})? It keeps 1 starred article under Removed "
            "feeds and deletes 2. [y/N]") in shown
    assert "Nothing removed" in shown
    assert len(json.loads(byline(data, "feeds", "--format", "json").stdout)) == 1
    code, shown = answer_on_a_terminal(data, b"y", url)
    assert code == 0 and "kept 1 starred article (under Removed feeds), deleted 2" in shown
    assert json.loads(byline(data, "feeds", "--format", "json").stdout) == []


def test_yes_skips_the_question_on_a_terminal(feed_server, tmp_path):
    data, url, _ = subscribed(feed_server, tmp_path, count=2)
    leader, follower = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "reader", "--data-dir", str(data),
                               "remove", url, "--yes"], cwd=REPO, stdin=follower,
                              capture_output=True, text=True,
                              timeout=60)
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 0 and "deleted 2 articles" in done.stdout


def test_mark_and_read_by_id(feed_server, tmp_path):
    data, _url, listed = subscribed(feed_server, tmp_path, count=3)
    first, second = listed[0]["id"], listed[1]["id"]
    assert not any(e["read"] for e in listed)
    assert byline(data, "--offline", "read", str(first)).returncode == 0
    state = {e["id"]: e for e in json.loads(byline(data, "list", "--format", "json").stdout)}
    assert state[first]["read"] and not state[second]["read"]
    assert byline(data, "mark", str(first), "--unread").stdout.strip() == f"Marked {first} unread"
    done = byline(data, "mark", str(second), listed[2]["url"] or str(listed[2]["id"]), "--read",
                  "--star")
    assert done.returncode == 0, done.stderr
    state = {e["id"]: e for e in json.loads(byline(data, "list", "--format", "json").stdout)}
    assert not state[first]["read"]
    assert state[second]["read"] and state[second]["starred"]
    assert state[listed[2]["id"]]["read"] and state[listed[2]["id"]]["starred"]
    assert byline(data, "mark", str(second), "--unstar").stdout.strip() == \
        f"Marked {second} unstarred"


def test_mark_refuses_unknown_articles_and_missing_flags(feed_server, tmp_path):
    data, _url, listed = subscribed(feed_server, tmp_path, count=1)
    unknown = byline(data, "mark", str(listed[0]["id"]), "99999", "--read")
    assert unknown.returncode == 1
    assert unknown.stderr == "byline: no article 99999 in the library (see byline list)\n"
    assert not json.loads(byline(data, "list", "--format", "json").stdout)[0]["read"]
    nothing = byline(data, "mark", str(listed[0]["id"]))
    assert nothing.returncode == 1
    assert "--read, --unread, --star, --unstar, --hide or --unhide" in nothing.stderr
    both = byline(data, "mark", str(listed[0]["id"]), "--read", "--unread")
    assert both.returncode == 2 and "not allowed with" in both.stderr

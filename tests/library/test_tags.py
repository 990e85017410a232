"""Tags ignore case: "News" from OPML and "news" from a URL list are one tag, in the sources
pane, in lists and in refresh; a library from before is merged by its migration."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reader.library.schema import migrate
from reader.library.store import Library, NewEntry


def _entries(prefix: str, count: int) -> list[NewEntry]:
    return [NewEntry(key=f"{prefix}{i}", title=f"{prefix} {i}", raw=f"<p>{prefix} {i}</p>")
            for i in range(count)]


def test_one_tag_whatever_its_case(tmp_path: Path) -> None:
    with Library.open(tmp_path / "library.db") as lib:
        a = lib.add_feed("https://a.example/feed", title="A", tags=["News", "Tech"])
        b = lib.add_feed("https://b.example/feed", title="B", tags=["news", "NEWS"])
        lib.store_entries(a, _entries("a", 2))
        lib.store_entries(b, _entries("b", 3))
        assert lib.feed(b).tags == ["News"]   # spelt as the library already spells it
        tags = [(row.key, row.label, row.total) for row in lib.sources()
                if row.key.startswith("tag:")]
        assert tags == [("tag:News", "News", 5), ("tag:Tech", "Tech", 2)]
        assert lib.count("tag:news") == lib.count("tag:News") == 5
        lib.set_tags(a, ["tech", "TECH", "Économie", "économie"])
        assert lib.feed(a).tags == ["Tech", "Économie"]


def test_an_older_library_merges_its_tags(tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, until=5)
    for feed_id, url in ((1, "https://a.example/feed"), (2, "https://b.example/feed")):
        conn.execute("INSERT INTO feeds (id, url, added) VALUES (?, ?, 0)", (feed_id, url))
    conn.executemany("INSERT INTO feed_tags VALUES (?, ?)",
                     [(1, "News"), (1, "news"), (2, "news"), (2, "Sport")])
    conn.close()
    with Library.open(path) as lib:
        assert {f.url: f.tags for f in lib.feeds()} == {
            "https://a.example/feed": ["News"], "https://b.example/feed": ["News", "Sport"]}
        assert [r.label for r in lib.sources() if r.key.startswith("tag:")] == ["News", "Sport"]


def test_opml_and_a_url_list_share_their_tags(tmp_path: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    opml = tmp_path / "subs.opml"
    opml.write_text('<?xml version="1.0"?><opml version="2.0"><body><outline text="News">'
                    '<outline type="rss" text="A" xmlUrl="https://a.example/feed"/>'
                    "</outline></body></opml>", encoding="utf-8")
    urls = tmp_path / "urls"
    urls.write_text("https://b.example/feed news\n", encoding="utf-8")

    def byline(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "reader", "--data-dir",
                               str(tmp_path / "home"), *args], cwd=repo, capture_output=True,
                              text=True, timeout=60, env=dict(os.environ, BYLINE_DEBUG=""))
        assert done.returncode == 0, done.stderr
        return done.stdout

    byline("import", str(opml))
    byline("import", str(urls))
    feeds = json.loads(byline("feeds", "--format", "json"))
    assert [f["tags"] for f in feeds] == [["News"], ["News"]]

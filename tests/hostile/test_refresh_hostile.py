"""Misbehaving servers and hostile feeds through `refresh_feeds` and the `Library`
(reliability-notes section 6, "the rule for every case"): the refresh finishes, each feed gets
an error status with a short reason, entries stored earlier stay readable and unchanged, and
nothing outside the data dir is touched."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from hostile import payloads as P
from hostile.checks import integrity, is_terminal_safe
from reader.library.ingest import store_parsed
from reader.library.packing import unpack
from reader.library.refresh import refresh_feeds
from reader.library.store import Library
from reader.sources.feeds import parse_feed

FAST = {"deadline": 3.0, "timeout": 2.0, "connect_timeout": 2.0, "per_host": 64,
        "trust_env": False}

# builtin loopback path -> (reason in the feed's error, status) (cases 1-7, 12-16, 18)
SERVER_FAULTS = {
    "/huge": ("too large", "error"),
    "/huge-chunked": ("too large", "error"),
    "/gzip-bomb": ("too large", "error"),
    "/trickle": ("timeout", "error"),
    "/hang": ("timeout", "error"),
    "/loop": ("redirect loop", "error"),
    "/loop-a": ("redirect loop", "error"),
    "/chain/8": ("redirect loop", "error"),
    "/to-file": ("unsafe url", "error"),
    "/to-ftp": ("unsafe url", "error"),
    "/to-javascript": ("unsafe url", "error"),
    "/404": ("404", "error"),
    "/410": ("gone", "gone"),
    "/500": ("server error", "error"),
    "/short": ("truncated", "error"),
    "/html": ("not a feed", "error"),
}
# bodies served with 200 (parse layer through refresh, cases 19-24, 35)
BAD_BODIES = {
    "/bad/empty.xml": (b"", "empty response"),
    "/bad/bom.xml": (b"\xef\xbb\xbf\n", "empty response"),
    "/bad/png.xml": (P.PNG, "not a feed"),
    "/bad/random.xml": (P.RANDOM, "not a feed"),
    "/bad/laughs.xml": (P.billion_laughs(), "unsafe XML"),
    "/bad/laughs-line.xml": (P.billion_laughs_one_line(), "unsafe XML"),
    "/bad/quadratic.xml": (P.quadratic_blowup(), "unsafe XML"),
    "/bad/json.json": (P.json_feed(["x"]), "malformed"),
}


def _seed(library: Library, url: str, n: int = 2) -> list[str]:
    """Subscribe to `url` and store `n` entries as an earlier good fetch would have."""
    feed_id = library.add_feed(url)
    prefix = "Seed" + str(feed_id)
    store_parsed(library, feed_id, parse_feed(P.plain_rss(n, prefix=prefix), url=url),
                 etag=None, last_modified=None)
    return [f"{prefix} {i}" for i in range(n)]


def _snapshot(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT f.url, e.key, e.title, e.raw, e.read, e.starred FROM entries e "
                            "JOIN feeds f ON f.id = e.feed_id ORDER BY e.id").fetchall()
        out: dict[str, list[tuple[Any, ...]]] = {}
        for url, *rest in rows:
            out.setdefault(url, []).append(tuple(rest))
        return out
    finally:
        conn.close()


async def test_a_storm_of_misbehaving_servers(feed_server, tmp_path: Path) -> None:
    """Every fetch- and parse-layer fault at once, in one refresh: each feed gets its reason,
    no stored entry changes, and the refresh ends within the deadlines."""
    db = tmp_path / "data" / "library.db"
    urls = {feed_server.url(p): r for p, r in SERVER_FAULTS.items()}
    for path, (body, reason) in BAD_BODIES.items():
        urls[feed_server.add(path, body)] = (reason, "error")
    refused = "http://127.0.0.1:9/closed.xml"  # nothing listens on the discard port
    urls[refused] = ("connection failed", "error")
    with Library.open(db) as library:
        for url in urls:
            _seed(library, url)
        library.set_starred(library.entry_ids("all")[0], True)
        library.set_read(library.entry_ids("all")[1], True)
    before = _snapshot(db)
    started = time.monotonic()
    summary = await refresh_feeds(db, fetcher_options=FAST)
    assert time.monotonic() - started < 30
    assert (summary.feeds_ok, summary.feeds_failed, summary.new_articles) == (0, len(urls), 0)
    with Library.open(db) as library:
        for feed in library.feeds():
            reason, status = urls[feed.url]
            assert reason in summary.errors[feed.url], (feed.url, summary.errors[feed.url])
            assert feed.last_status == status and reason in (feed.last_error or "")
            assert "\n" not in (feed.last_error or "") and len(feed.last_error or "") <= 500
    assert _snapshot(db) == before
    assert integrity(db) == "ok"
    assert {p.name for p in db.parent.iterdir()} <= {"cache", "library.db", "library.db-shm",
                                                     "library.db-wal"}


@pytest.mark.parametrize(("path", "low", "high"), [("/429", 100, 121), ("/429-date", 3000, 3601),
                                                   ("/503", 20, 31)])
async def test_retry_after_is_honoured_without_a_retry_storm(feed_server, tmp_path: Path,
                                                             path: str, low: int,
                                                             high: int) -> None:
    """Cases 14-15: the wait is recorded, the next refresh skips the host, entries are kept."""
    db = tmp_path / "library.db"
    url = feed_server.url(path)
    with Library.open(db) as library:
        titles = _seed(library, url)
    first = await refresh_feeds(db, fetcher_options=FAST)
    assert first.feeds_failed == 1
    with Library.open(db) as library:
        row = library.feed(url)
        assert row is not None and row.retry_after_until is not None
        assert low < row.retry_after_until - time.time() <= high
        assert sorted(e.title for e in library.entries("all", limit=10)) == titles
    second = await refresh_feeds(db, fetcher_options=FAST)
    assert url in second.skipped and second.feeds_failed == 0
    assert len(feed_server.requests(path)) == 1


async def test_not_modified_keeps_everything(feed_server, tmp_path: Path) -> None:
    """Case 11: a 304 changes only the status; no new items, nothing reparsed."""
    db = tmp_path / "library.db"
    url = feed_server.url("/ok")
    with Library.open(db) as library:
        library.add_feed(url)
    first = await refresh_feeds(db, fetcher_options=FAST)
    before = _snapshot(db)
    second = await refresh_feeds(db, fetcher_options=FAST)
    assert first.new_articles == 2 and second.new_articles == 0
    assert feed_server.requests("/ok")[-1].get("if-none-match")
    assert _snapshot(db) == before
    with Library.open(db) as library:
        row = library.feed(url)
        assert row is not None and row.last_status == "not modified"


def _hostile_feed() -> bytes:
    title = P.xml_text(P.HOSTILE_TITLE)
    return P.rss([
        {"title": title, "link": "javascript:alert(1)", "guid": "../../../../tmp/escape.txt",
         "pubDate": "0000-00-00", "description": P.xml_text("<p>" + P.HOSTILE_TITLE + "</p>")},
        {"title": "Surrogate &#xD800; and &#x110000; refs", "guid": "a\x00b/..\\..\\CON".replace(
            "\x00", "&#0;"), "pubDate": "2050-01-01T00:00:00Z",
         "description": "&lt;p&gt;Body with &#xDFFF; in it.&lt;/p&gt;"},
        {"title": "Twin first", "guid": "twin", "link": "data:text/html,x"},
        {"title": "Twin second", "guid": "twin"},
        {"title": "No ids", "description": "only a summary"},
        {"title": "[@click=app.quit]x[/]", "guid": "%2e%2e%2fetc%2fpasswd",
         "link": "file:///etc/passwd", "pubDate": "not a date"},
    ], title=title)


async def test_hostile_feed_is_stored_clean_and_stable(feed_server, tmp_path: Path) -> None:
    """Cases 28, 37-40, 43, 47-53: stored text is clean, links are safe, keys are stable,
    read state survives a refetch, and no file is written outside the data dir."""
    db = tmp_path / "data" / "library.db"
    url = feed_server.add("/hostile.xml", _hostile_feed())
    with Library.open(db) as library:
        library.add_feed(url)
    outside_before = sorted(os.listdir(tmp_path))
    first = await refresh_feeds(db, fetcher_options=FAST)
    assert first.feeds_ok == 1 and first.new_articles == 5
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT title, link, guid, key, text, published, raw FROM entries"
                            ).fetchall()
        feed_title = conn.execute("SELECT title FROM feeds").fetchone()[0]
    finally:
        conn.close()
    for title, link, guid, key, text, published, raw in rows:
        for value in (title, guid or "", key, unpack(text), feed_title):
            assert is_terminal_safe(value), repr(value)
        assert is_terminal_safe(unpack(raw))
        assert link is None or link.startswith("http")
        assert published is None or published.startswith("19") or published.startswith("20")
    titles = sorted(r[0] for r in rows)
    assert "Twin first" in titles and "Twin second" not in titles
    assert "[@click=app.quit]x[/]" in titles
    assert any(t.startswith("Alert") and "Read more" in t for t in titles)
    # refetch: no duplicates, and read/starred state kept
    with Library.open(db) as library:
        ids = library.entry_ids("all")
        library.set_read(ids[0], True)
        library.set_starred(ids[1], True)
    again = await refresh_feeds(db, fetcher_options={**FAST, "per_host": 2})
    assert again.new_articles == 0 and again.feeds_ok == 1
    with Library.open(db) as library:
        assert library.count("all") == 5
        flags = {e.id: (e.read, e.starred) for e in library.entries("all", limit=10)}
        assert flags[ids[0]][0] and flags[ids[1]][1]
        for entry_id in ids:  # every stored article opens and renders clean
            article = library.article(entry_id)
            assert all(is_terminal_safe(b.text) for b in article.blocks)
    assert sorted(os.listdir(tmp_path)) == outside_before
    assert not Path("/tmp/escape.txt").exists()


@pytest.mark.parametrize("status", ["301", "302", "307", "308"])
async def test_one_redirect_keeps_the_subscription(feed_server, tmp_path: Path,
                                                   status: str) -> None:
    """Cases 9-10: a redirect is followed, but one permanent redirect does not yet move the
    feed (it takes repeated ones), and a temporary one never does."""
    db = tmp_path / "library.db"
    url = feed_server.url(f"/redirect/{status}")
    with Library.open(db) as library:
        library.add_feed(url)
    summary = await refresh_feeds(db, fetcher_options=FAST)
    assert summary.feeds_ok == 1 and summary.new_articles == 2
    with Library.open(db) as library:
        row = library.feed(url)
        assert row is not None and row.url == url
        assert (row.permanent_url is not None) == (status in ("301", "308"))


async def test_full_text_fetch_of_hostile_links(feed_server, tmp_path: Path) -> None:
    """`refresh --full` follows entry links: bombs, loops and unsafe redirects are skipped,
    a hostile page is cached clean, and every entry stays readable."""
    page = ("<html><head><title>" + P.xml_text(P.HOSTILE_TITLE) + "</title></head><body>"
            "<article><p>" + P.xml_text("".join(P.ESCAPES)) + "Full text of the story, long "
            "enough to be the main content of the page it sits on.</p></article></body></html>")
    page_url = feed_server.add("/full/page.html", page.encode(),
                               headers={"Content-Type": "text/html"})
    links = [feed_server.url(p) for p in ("/gzip-bomb", "/huge", "/loop", "/to-file", "/404")]
    items = [{"title": f"Linked {i}", "guid": f"full-{i}", "link": link,
              "description": "&lt;p&gt;Short summary.&lt;/p&gt;"}
             for i, link in enumerate([*links, page_url])]
    url = feed_server.add("/full/feed.xml", P.rss(items))
    db = tmp_path / "library.db"
    with Library.open(db) as library:
        library.add_feed(url)
    summary = await refresh_feeds(db, full=True, fetcher_options=FAST)
    assert summary.feeds_ok == 1 and summary.new_articles == len(items)
    assert summary.pages == 1
    with Library.open(db) as library:
        for entry_id in library.entry_ids("all"):
            article = library.article(entry_id)
            assert all(is_terminal_safe(b.text) for b in article.blocks)
        cached = [library.article(e.id) for e in library.entries("all", limit=10)
                  if e.url == page_url]
        assert "Full text of the story" in " ".join(b.text for b in cached[0].blocks)
    assert integrity(db) == "ok"

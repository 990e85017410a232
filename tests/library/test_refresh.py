"""Refresh and subscribe against the loopback `feed_server` (real HTTP, no mocks)."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from reader.errors import BylineError
from reader.library import ingest
from reader.library import refresh as refresh_module
from reader.library.refresh import refresh_feeds
from reader.library.store import Library
from reader.library.subscribe import subscribe
from tests.hostile.checks import integrity

FAST = {"deadline": 1.5, "timeout": 1.0, "connect_timeout": 1.0}


def rss(*items: tuple[str, str | None, str | None, str], title: str = "Loop Feed") -> bytes:
    """An RSS document; items are (title, guid, link, description HTML)."""
    parts = []
    for item_title, guid, link, desc in items:
        parts.append("<item>" + f"<title>{item_title}</title>"
                     + (f"<guid>{guid}</guid>" if guid else "")
                     + (f"<link>{link}</link>" if link else "")
                     + f"<description><![CDATA[{desc}]]></description></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{title}</title><link>http://127.0.0.1/</link>{''.join(parts)}"
            "</channel></rss>").encode()


@pytest.fixture
def lib_path(tmp_path: Path) -> Path:
    return tmp_path / "library.db"


@pytest.fixture
def worker_starts(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The library path of every set of worker processes started while the test runs."""
    starts: list[Path] = []
    real_workers = ingest.Workers

    def workers(path: Path) -> Any:
        starts.append(path)
        return real_workers(path)

    monkeypatch.setattr(ingest, "Workers", workers)
    return starts


def subscribe_urls(path: Path, *urls: str) -> list[int]:
    with Library.open(path) as lib:
        return [lib.add_feed(u) for u in urls]


def titles(path: Path) -> list[str]:
    with Library.open(path) as lib:
        return sorted(r.title for r in lib.entries("all", limit=1000))


def feed_row(path: Path, url: str) -> Any:
    with Library.open(path) as lib:
        row = lib.feed(url)
        assert row is not None
        return row


async def test_refresh_stores_new_then_updated_entries(feed_server: Any, lib_path: Path) -> None:
    url = feed_server.add("/news.xml", rss(("One", "g1", None, "<p>first</p>"),
                                           ("Two", "g2", None, "<p>second</p>")))
    subscribe_urls(lib_path, url)
    seen: list[tuple[int, int]] = []
    summary = await refresh_feeds(lib_path, progress=lambda d, t, _l: seen.append((d, t)))
    assert (summary.feeds_ok, summary.feeds_failed, summary.new_articles) == (1, 0, 2)
    assert seen[-1] == (1, 1)
    assert summary.line().startswith("1 feed ok, 0 failed, 2 new articles in ")
    assert feed_row(lib_path, url).title == "Loop Feed"
    feed_server.add("/news.xml", rss(("One, corrected", "g1", None, "<p>first</p>"),
                                     ("Two", "g2", None, "<p>second</p>"),
                                     ("Three", "g3", None, "<p>third</p>")))
    summary = await refresh_feeds(lib_path)
    assert summary.new_articles == 1
    assert titles(lib_path) == ["One, corrected", "Three", "Two"]


async def test_conditional_get_304_parses_and_writes_nothing(
        feed_server: Any, lib_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # reliability-notes case 11.
    url = feed_server.add("/cond.xml", rss(("Only", "c1", None, "<p>x</p>")),
                          etag='"v7"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT")
    subscribe_urls(lib_path, url)
    await refresh_feeds(lib_path)
    parsed: list[str] = []
    real_parse = ingest.parse
    monkeypatch.setattr(ingest, "parse",
                        lambda body, u, ct: parsed.append(u) or real_parse(body, u, ct))
    summary = await refresh_feeds(lib_path)
    second = feed_server.requests("/cond.xml")[-1]
    assert second["if-none-match"] == '"v7"'
    assert second["if-modified-since"] == "Mon, 01 Jan 2024 00:00:00 GMT"
    assert parsed == [] and summary.new_articles == 0 and summary.feeds_ok == 1
    assert feed_row(lib_path, url).last_status == "not modified"
    assert titles(lib_path) == ["Only"]


async def test_gzip_and_wrong_charset(feed_server: Any, lib_path: Path) -> None:
    subscribe_urls(lib_path, feed_server.url("/gzip"), feed_server.url("/wrong-charset"))
    summary = await refresh_feeds(lib_path)
    assert summary.feeds_ok == 2, summary.errors
    # reliability-notes case 29: UTF-8 declared as Latin-1 still reads correctly.
    assert "Café story — naïve" in titles(lib_path)


async def test_permanent_redirect_moves_feed_after_three(feed_server: Any,
                                                         lib_path: Path) -> None:
    # reliability-notes cases 9 and 10.
    moved = feed_server.url("/redirect/301")
    temporary = feed_server.url("/redirect/302")
    subscribe_urls(lib_path, moved, temporary)
    await refresh_feeds(lib_path)
    row = feed_row(lib_path, moved)
    assert (row.permanent_url, row.redirect_count) == (feed_server.url("/ok"), 1)
    assert feed_row(lib_path, temporary).permanent_url is None
    await refresh_feeds(lib_path)
    await refresh_feeds(lib_path)
    with Library.open(lib_path) as lib:
        urls = {f.url for f in lib.feeds()}
    assert urls == {feed_server.url("/ok"), temporary}


async def test_failures_keep_stored_entries(feed_server: Any, lib_path: Path) -> None:
    # reliability-notes cases 12 and 13, and "the rule for every case".
    url = feed_server.add("/flaky.xml", rss(("Keep me", "k1", None, "<p>x</p>")))
    gone = feed_server.add("/gone.xml", rss(("Old news", "o1", None, "<p>y</p>")))
    subscribe_urls(lib_path, url, gone)
    await refresh_feeds(lib_path)
    feed_server.add("/flaky.xml", b"not found", status=404)
    feed_server.add("/gone.xml", b"removed", status=410)
    summary = await refresh_feeds(lib_path)
    assert (summary.feeds_ok, summary.feeds_failed) == (0, 2)
    assert "404" in summary.errors[url] and summary.gone == [gone]
    assert titles(lib_path) == ["Keep me", "Old news"]
    assert feed_row(lib_path, gone).gone and feed_row(lib_path, url).last_status == "error"
    feed_server.add("/flaky.xml", b"<html><body>oops</body></html>",
                    headers={"Content-Type": "text/html"})
    summary = await refresh_feeds(lib_path, only=[url])
    assert "not a feed" in summary.errors[url]
    assert titles(lib_path) == ["Keep me", "Old news"]


async def test_429_retry_after_is_honoured_for_the_host(feed_server: Any,
                                                        lib_path: Path) -> None:
    # reliability-notes case 14: no refetch of that host before Retry-After.
    limited = feed_server.url("/429")
    subscribe_urls(lib_path, limited)
    first = await refresh_feeds(lib_path)
    assert first.feeds_failed == 1 and "rate limited" in first.errors[limited]
    row = feed_row(lib_path, limited)
    assert 100 < row.retry_after_until - time.time() <= 121
    subscribe_urls(lib_path, feed_server.url("/ok"))  # same host: also waits
    second = await refresh_feeds(lib_path)
    assert len(feed_server.requests("/429")) == 1 and feed_server.requests("/ok") == []
    assert set(second.skipped) == {limited, feed_server.url("/ok")}
    assert second.feeds_failed == 0


async def test_503_backs_off_without_parsing_the_html(feed_server: Any, lib_path: Path) -> None:
    # reliability-notes case 15.
    url = feed_server.url("/503")
    subscribe_urls(lib_path, url)
    summary = await refresh_feeds(lib_path)
    assert "server error" in summary.errors[url]
    assert 20 < feed_row(lib_path, url).retry_after_until - time.time() <= 31
    assert titles(lib_path) == []


@pytest.mark.parametrize(("path", "reason"), [
    ("/trickle", "timeout"), ("/hang", "timeout"), ("/huge", "too large"),
    ("/huge-chunked", "too large"), ("/short", "truncated"), ("/html", "not a feed"),
    ("/to-file", "unsafe url"), ("/loop", "redirect loop"),
])
async def test_misbehaving_servers_fail_fast_with_a_reason(feed_server: Any, lib_path: Path,
                                                          path: str, reason: str) -> None:
    # reliability-notes cases 1, 2, 4, 5, 6, 7, 16, 18.
    url = feed_server.url(path)
    subscribe_urls(lib_path, url)
    started = time.monotonic()
    summary = await refresh_feeds(lib_path, fetcher_options=FAST)
    assert time.monotonic() - started < 10
    assert summary.feeds_failed == 1 and reason in summary.errors[url]
    row = feed_row(lib_path, url)
    assert row.last_status == "error" and reason in row.last_error


async def test_dedupe_is_stable_across_refetches(feed_server: Any, lib_path: Path) -> None:
    # reliability-notes cases 47 and 48.
    body = rss(("Twin A", "twin", None, "<p>a</p>"), ("Twin B", "twin", None, "<p>b</p>"),
               ("No ids", None, None, "<p>nothing to key on</p>"),
               ("No ids either", None, None, "<p>still nothing</p>"))
    url = feed_server.add("/dupes.xml", body)
    subscribe_urls(lib_path, url)
    first = await refresh_feeds(lib_path)
    assert first.new_articles == 3
    again = await refresh_feeds(lib_path)
    assert again.new_articles == 0
    assert titles(lib_path) == ["No ids", "No ids either", "Twin A"]


async def test_many_feeds_parse_in_worker_processes(
        feed_server: Any, lib_path: Path, monkeypatch: pytest.MonkeyPatch,
        worker_starts: list[Path]) -> None:
    urls = [feed_server.add(f"/many/{i}.xml",
                            rss(*[(f"Feed {i} item {j}", f"m{i}-{j}", None, "<p>t</p>")
                                  for j in range(5)], title=f"Feed {i}"))
            for i in range(ingest.PROCESS_POOL_MIN_FEEDS + 2)]
    subscribe_urls(lib_path, *urls)
    parsers = lib_path.parent / "parser-pids"
    real_parse = ingest.parse

    def parse(*args: Any) -> Any:  # runs in the forked workers, which inherit this patch
        with parsers.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return real_parse(*args)

    monkeypatch.setattr(ingest, "parse", parse)
    summary = await refresh_feeds(lib_path)
    pids = set(parsers.read_text().split())
    assert len(worker_starts) == 1 and pids and str(os.getpid()) not in pids
    assert summary.feeds_ok == len(urls) and summary.new_articles == 5 * len(urls)
    assert feed_row(lib_path, urls[3]).title == "Feed 3"
    assert integrity(lib_path) == "ok"
    with Library.open(lib_path) as lib:  # the workers' rows are in the search index
        assert [h.title for h in lib.search("Feed 7 item 4")][:1] == ["Feed 7 item 4"]


async def test_full_text_fetches_summary_only_pages(feed_server: Any, lib_path: Path) -> None:
    page = feed_server.add("/articles/long.html", (
        "<html><head><title>The long read</title></head><body><article>"
        "<h1>The long read</h1>"
        + "".join(f"<p>Paragraph {i} of the complete article, with enough words to count as "
                  "real content for the extractor to keep.</p>" for i in range(12))
        + "</article></body></html>").encode(), headers={"Content-Type": "text/html"})
    url = feed_server.add("/summaries.xml", rss(("The long read", "s1", page,
                                                 "<p>Just a teaser.</p>")))
    subscribe_urls(lib_path, url)
    summary = await refresh_feeds(lib_path, full=True)
    assert summary.pages == 1, summary
    with Library.open(lib_path) as lib:
        entry_id = lib.entries("all", limit=1)[0].id
        article = lib.article(entry_id)
        assert any("Paragraph 11 of the complete article" in b.text for b in article.blocks)
        assert lib.summary_only_entries() == []  # cached: not fetched again


async def test_offline_and_only(feed_server: Any, lib_path: Path) -> None:
    a, b = feed_server.url("/ok"), feed_server.url("/gzip")
    subscribe_urls(lib_path, a, b)
    summary = await refresh_feeds(lib_path, offline=True)
    assert summary.skipped == {a: "offline", b: "offline"} and feed_server.requests("/ok") == []
    summary = await refresh_feeds(lib_path, only=[b])
    assert summary.feeds_ok == 1 and feed_server.requests("/ok") == []
    with pytest.raises(BylineError):
        await refresh_feeds(lib_path, only=["https://not.subscribed/feed"])


async def test_subscribe_discovers_feed_from_page(feed_server: Any, lib_path: Path) -> None:
    with Library.open(lib_path) as lib:
        done = await subscribe(lib, feed_server.url("/html"), tags=["blogs"])
        assert done.url == feed_server.url("/ok")
        assert done.discovered_from == feed_server.url("/html")
        assert done.title == "Loopback Times" and done.new_articles == 2
        row = lib.feed(done.url)
        assert row is not None and row.tags == ["blogs"] and row.etag == '"loopback-v1"'


async def test_subscribe_refuses_pages_without_feeds(feed_server: Any, lib_path: Path) -> None:
    url = feed_server.add("/plain.html", b"<html><body>nothing here</body></html>",
                          headers={"Content-Type": "text/html"})
    with Library.open(lib_path) as lib:
        with pytest.raises(BylineError, match="names no feed"):
            await subscribe(lib, url)
        offline = await subscribe(lib, url, offline=True)
        assert not offline.fetched and lib.feed(url) is not None
    assert feed_server.requests("/plain.html") and len(feed_server.requests("/plain.html")) == 1


def test_refresh_from_a_worker_thread_parses_in_threads(
        feed_server: Any, lib_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The TUI refreshes from a thread: no fork there, and the result is the same."""
    import asyncio
    import threading

    def no_fork(*args: object, **kwargs: object) -> None:
        raise AssertionError("worker processes were started from a worker thread")

    monkeypatch.setattr(ingest, "Workers", no_fork)

    urls = [feed_server.add(f"/thread/{i}.xml", rss((f"T{i}", f"t{i}", None, "<p>x</p>")))
            for i in range(ingest.PROCESS_POOL_MIN_FEEDS + 1)]
    subscribe_urls(lib_path, *urls)
    results: list[Any] = []
    worker = threading.Thread(target=lambda: results.append(asyncio.run(refresh_feeds(lib_path))))
    worker.start()
    worker.join(60)
    assert results and results[0].feeds_ok == len(urls) and results[0].new_articles == len(urls)


async def test_the_workers_store_long_texts_packed_and_they_read_back_exactly(
        feed_server: Any, lib_path: Path, worker_starts: list[Path]) -> None:
    """A refresh by worker processes packs each entry's original and search text and indexes
    the search text as it was before packing: the index matches what the library holds, and
    every text comes back whole."""
    import random

    from reader.library.packing import register
    from reader.sanitize import clean_text

    rng = random.Random(4)
    words = ["ferry", "tide", "quay", "gull", "pier", "café", "Zürich", "東京", "lighthouse"]
    bodies = {f"w{i}-{j}": "".join(f"<p>{' '.join(rng.choices(words, k=30))}.</p>"
                                    for _ in range(1 + j))
              for i in range(ingest.PROCESS_POOL_MIN_FEEDS + 1) for j in range(4)}
    urls = [feed_server.add(f"/packed/{i}.xml", rss(*[(f"Story {i} {j}", f"w{i}-{j}", None,
                                                       bodies[f"w{i}-{j}"]) for j in range(4)]))
            for i in range(ingest.PROCESS_POOL_MIN_FEEDS + 1)]
    subscribe_urls(lib_path, *urls)
    summary = await refresh_feeds(lib_path)
    assert worker_starts == [lib_path] and summary.new_articles == len(bodies)
    conn = sqlite3.connect(lib_path, isolation_level=None)
    register(conn)
    kinds = conn.execute("SELECT count(*), sum(typeof(raw) = 'blob'), sum(typeof(text) = 'blob') "
                         "FROM entries").fetchone()
    assert kinds == (len(bodies), len(bodies), len(bodies))
    # FTS5 reads every entry's text back through the unpacking view and compares the index
    conn.execute("INSERT INTO entries_fts(entries_fts, rank) VALUES ('integrity-check', 1)")
    conn.close()
    with Library.open(lib_path) as lib:
        rows = lib.entries("all", limit=100)
        assert len(rows) == len(bodies)
        for row in rows:
            i, j = row.title.split()[1:]
            body = bodies[f"w{i}-{j}"]
            assert lib.article(row.id).raw == clean_text(body)
            phrase = " ".join(body.removeprefix("<p>").split()[3:6])
            assert row.id in [h.entry_id for h in lib.search(f'"{phrase}"', limit=100)]


async def test_changed_feeds_with_validators_parse_in_worker_processes(
        feed_server: Any, lib_path: Path, worker_starts: list[Path]) -> None:
    """Feeds with an ETag usually answer 304; when they change after all, the workers parse
    and store them as usual."""
    count = ingest.PROCESS_POOL_MIN_FEEDS + 1
    paths = [f"/validated/{i}.xml" for i in range(count)]
    urls = [feed_server.add(p, rss((f"V{i} old", f"v{i}-1", None, "<p>x</p>")), etag='"1"')
            for i, p in enumerate(paths)]
    subscribe_urls(lib_path, *urls)
    first = await refresh_feeds(lib_path)
    assert first.feeds_ok == count and all(feed_row(lib_path, u).etag == '"1"' for u in urls)
    for i, path in enumerate(paths):
        feed_server.add(path, rss((f"V{i} old", f"v{i}-1", None, "<p>x</p>"),
                                  (f"V{i} new", f"v{i}-2", None, "<p>y</p>")), etag='"2"')
    worker_starts.clear()  # the first refresh started workers too
    second = await refresh_feeds(lib_path)
    assert worker_starts == [lib_path] and second.feeds_ok == count and second.new_articles == count
    assert f"V{count - 1} new" in titles(lib_path)


async def test_refresh_uses_an_open_library_and_leaves_it_open(
        feed_server: Any, lib_path: Path) -> None:
    url = feed_server.add("/open.xml", rss(("Kept open", "o1", None, "<p>x</p>")))
    with Library.open(lib_path) as lib:
        lib.add_feed(url)
        summary = await refresh_feeds(lib)
        assert summary.new_articles == 1
        assert [r.title for r in lib.entries("all", limit=5)] == ["Kept open"]  # still open


async def test_a_failing_batch_is_reported_and_the_refresh_goes_on(
        feed_server: Any, lib_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in parse-and-store fails its feeds only: no hang on the pipeline's slots."""
    urls = [feed_server.add(f"/bug/{i}.xml", rss((f"B{i}", f"b{i}", None, "<p>x</p>")))
            for i in range(3)]
    subscribe_urls(lib_path, *urls)

    def broken(*args: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(refresh_module, "parse_and_store", broken)
    summary = await asyncio.wait_for(refresh_feeds(lib_path), 30)
    assert summary.feeds_failed == 3 and summary.feeds_ok == 0
    assert set(summary.errors.values()) == {"not stored: RuntimeError"}
    assert titles(lib_path) == []


async def test_workers_that_cannot_open_the_library_fail_their_feeds(
        feed_server: Any, lib_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    urls = [feed_server.add(f"/closed/{i}.xml", rss((f"C{i}", f"c{i}", None, "<p>x</p>")))
            for i in range(ingest.PROCESS_POOL_MIN_FEEDS)]
    subscribe_urls(lib_path, *urls)

    def cannot_open() -> Any:  # inherited by the forked workers
        raise BylineError("cannot open the library: gone")

    monkeypatch.setattr(ingest, "_own_library", cannot_open)
    summary = await asyncio.wait_for(refresh_feeds(lib_path), 30)
    assert summary.feeds_failed == len(urls)
    assert set(summary.errors.values()) == {"not stored: cannot open the library: gone"}


async def test_waiting_for_a_full_batch_cannot_stall_the_pipeline(
        feed_server: Any, lib_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Consumers that wait for MIN_BATCH bodies hold pipeline slots: with more consumers than
    the pipeline fits, they must stop waiting once no slot is left."""
    urls = [feed_server.add(f"/stall/{i}.xml", rss((f"S{i}", f"s{i}", None, "<p>x</p>")))
            for i in range(7)]
    subscribe_urls(lib_path, *urls)
    monkeypatch.setattr(refresh_module, "WORKERS", 3)
    monkeypatch.setattr(refresh_module, "PIPELINE", 4)
    monkeypatch.setattr(refresh_module, "MIN_BATCH", 3)
    summary = await asyncio.wait_for(refresh_feeds(lib_path), 30)
    assert summary.feeds_ok == 7 and summary.new_articles == 7


async def test_without_fork_threads_parse(
        feed_server: Any, lib_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where `fork` is missing (Windows), a big refresh parses and stores in threads."""
    import multiprocessing

    urls = [feed_server.add(f"/nofork/{i}.xml", rss((f"N{i}", f"n{i}", None, "<p>x</p>")))
            for i in range(ingest.PROCESS_POOL_MIN_FEEDS + 1)]
    subscribe_urls(lib_path, *urls)
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])

    def no_fork(*args: object) -> None:
        raise AssertionError("worker processes were started without fork")

    monkeypatch.setattr(ingest, "Workers", no_fork)
    summary = await refresh_feeds(lib_path)
    assert summary.feeds_ok == len(urls) and summary.new_articles == len(urls)

"""Refresh: fetch every feed concurrently, parse off the event loop, store as they come.

Outcomes are written in short transactions (the feeds ready together share one; each feed
is all or nothing), so a crash or `kill -9` loses at most the batch being written
(reliability case 55), and a failed fetch or parse only records a status: stored entries
are never touched (section 6, "the rule for every case").
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from reader.errors import BylineError
from reader.library.store import FeedRow, Library, NewEntry, prepare_entries

# An entry whose HTML is shorter than this is a summary: `--full` fetches its page.
FULL_TEXT_MIN_HTML = 1000
# Pages fetched per `--full` refresh, newest first (the rest on the next run).
FULL_TEXT_PER_RUN = 300
# Backoff after a server error without Retry-After: 60 s doubling per failure, at most 6 h.
BACKOFF_BASE = 60.0
BACKOFF_MAX = 6 * 3600.0
# At most this many feeds are written in one transaction.
WRITE_BATCH = 32
# At most this many fetched feeds are being parsed or waiting to be written.
PIPELINE = 32
# Parsing runs in worker processes only when there is enough work to pay for them.
PROCESS_POOL_MIN_FEEDS = 8

Progress = Callable[[int, int, str], None]


@dataclass
class RefreshSummary:
    """What a refresh did; `errors` maps a feed URL to a short reason."""

    feeds_ok: int
    feeds_failed: int
    new_articles: int
    seconds: float
    errors: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # feed URL -> why it was not fetched
    gone: list[str] = field(default_factory=list)          # feeds that answered 410
    pages: int = 0                                         # full-text pages cached (--full)

    def line(self) -> str:
        """The one summary line: `12 feeds ok, 1 failed, 340 new articles in 3.2 s`."""
        parts = [f"{self.feeds_ok} feed{'s' if self.feeds_ok != 1 else ''} ok",
                 f"{self.feeds_failed} failed"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        text = ", ".join(parts)
        text += f", {self.new_articles} new article{'s' if self.new_articles != 1 else ''}"
        if self.pages:
            text += f", {self.pages} full text{'s' if self.pages != 1 else ''} cached"
        return f"{text} in {self.seconds:.1f} s"


async def refresh_feeds(library: Path | Library, *, full: bool = False, offline: bool = False,
                        only: list[str] | None = None, progress: Progress | None = None,
                        fetcher_options: dict[str, Any] | None = None) -> RefreshSummary:
    """Fetch all feeds (or the URLs/ids in `only`) and store what changed.

    `library` is a path, or an open `Library` (used and left open: opening checks the file).
    Feeds whose `retry_after_until` lies ahead, or whose host asked us to wait, are skipped.
    With `offline`, nothing is fetched and every feed is reported as skipped.
    `fetcher_options` are passed to `reader.sources.http.Fetcher` (deadlines, caps).
    """
    started = time.perf_counter()
    if isinstance(library, Library):
        opened = False
    else:
        library, opened = Library.open(library), True
    try:
        feeds = _selected(library.feeds(), only)
        summary = RefreshSummary(0, 0, 0, 0.0)
        if offline:
            summary.skipped = {f.url: "offline" for f in feeds}
        else:
            run = _Run(library, summary, progress, fetcher_options or {})
            await run.feeds(feeds)
            if full:
                await run.pages([f.id for f in feeds])
        summary.seconds = time.perf_counter() - started
        return summary
    finally:
        if opened:
            library.close()


def _selected(feeds: list[FeedRow], only: Sequence[str] | None) -> list[FeedRow]:
    if not only:
        return feeds
    wanted = {o.strip() for o in only}
    chosen = [f for f in feeds if f.url in wanted or str(f.id) in wanted]
    unknown = wanted - {f.url for f in chosen} - {str(f.id) for f in chosen}
    if unknown:
        raise BylineError(f"not subscribed: {', '.join(sorted(unknown))[:200]}")
    return chosen


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


@dataclass
class _Outcome:
    """What one feed's fetch came to, waiting for the writer."""

    feed: FeedRow
    result: Any = None                 # FetchResult when the fetch succeeded
    prepared: _Prepared | None = None  # rows to store (None for a 304 or a failure)
    error: str | None = None
    retry_until: float | None = None
    gone: bool = False
    skipped: str | None = None         # why it was not fetched after all
    holds_slot: bool = False           # counts against `_Run.pipeline` until written


class _Run:
    """One refresh: shared fetcher, parse executor, per-host waits, the writer, the totals.

    Fetch and parse run concurrently; one writer stores outcomes as they arrive, grouping
    the ones that are ready together into one short transaction (each feed all or nothing).
    """

    def __init__(self, library: Library, summary: RefreshSummary, progress: Progress | None,
                 fetcher_options: dict[str, Any]) -> None:
        self.library = library
        self.summary = summary
        self.progress = progress
        self.fetcher_options = fetcher_options
        self.host_wait: dict[str, float] = {}  # host -> epoch seconds before which we wait
        self.written = 0
        # Bounds the fetched bodies and parsed rows held in memory, waiting to be stored.
        self.pipeline = asyncio.Semaphore(PIPELINE)

    async def feeds(self, feeds: list[FeedRow]) -> None:
        from reader.sources.http import Fetcher

        now = time.time()
        for feed in feeds:
            if feed.retry_after_until and feed.retry_after_until > now:
                host = _host(feed.url)
                self.host_wait[host] = max(self.host_wait.get(host, 0.0), feed.retry_after_until)
        due = []
        for feed in feeds:
            wait = self.host_wait.get(_host(feed.url), 0.0)
            if wait > now:
                self.summary.skipped[feed.url] = f"asked to wait until {_clock(wait)}"
            else:
                due.append(feed)
        if self.progress:
            self.progress(0, len(due), "")
        queue: asyncio.Queue[_Outcome | None] = asyncio.Queue()
        writer = asyncio.create_task(self._writer(queue, len(due)))
        executor = _parse_executor(due)
        try:
            async with Fetcher(**self.fetcher_options) as fetcher:
                await asyncio.gather(*(self._one(fetcher, executor, f, queue) for f in due))
        finally:
            await queue.put(None)
            await writer
            if executor is not None:
                executor.shutdown(wait=False, cancel_futures=True)

    async def _one(self, fetcher: Any, executor: Executor | None, feed: FeedRow,
                   queue: asyncio.Queue[_Outcome | None]) -> None:
        """Fetch and parse one feed; queue the outcome (a failure too) for the writer."""
        from reader.sources.http import FetchError

        wait = self.host_wait.get(_host(feed.url), 0.0)
        if wait > time.time():
            await queue.put(_Outcome(feed, skipped=f"asked to wait until {_clock(wait)}"))
            return
        try:
            result = await fetcher.fetch(feed.url, etag=feed.etag,
                                         last_modified=feed.last_modified)
        except FetchError as exc:
            await queue.put(self._failure(feed, exc.kind, _reason(exc, feed.url),
                                          exc.retry_after))
            return
        if result.not_modified:
            await queue.put(_Outcome(feed, result))
            return
        await self.pipeline.acquire()  # released by the writer once the feed is stored
        parsed = await asyncio.get_running_loop().run_in_executor(
            executor, _parse, result.body, result.url, result.content_type)
        if isinstance(parsed, str):
            outcome = self._failure(feed, "parse", parsed, None)
        else:
            outcome = _Outcome(feed, result, parsed)
        outcome.holds_slot = True
        await queue.put(outcome)

    def _failure(self, feed: FeedRow, kind: str, reason: str,
                 retry_after: float | None) -> _Outcome:
        until = None
        if retry_after is not None:
            until = time.time() + retry_after
            host = _host(feed.url)
            self.host_wait[host] = max(self.host_wait.get(host, 0.0), until)
        elif kind in ("server error", "rate limited"):
            until = time.time() + min(BACKOFF_MAX, BACKOFF_BASE * 2 ** feed.failures)
        return _Outcome(feed, error=reason, retry_until=until, gone=kind == "gone")

    async def _writer(self, queue: asyncio.Queue[_Outcome | None], total: int) -> None:
        """Store outcomes in arrival order; whatever is queued meanwhile goes in one batch."""
        loop = asyncio.get_running_loop()
        finished = False
        while not finished:
            item = await queue.get()
            batch: list[_Outcome] = []
            while item is not None:
                batch.append(item)
                if len(batch) >= WRITE_BATCH or queue.empty():
                    break
                item = queue.get_nowait()
            finished = item is None
            if batch:
                await loop.run_in_executor(None, self._write_batch, batch)
                for outcome in batch:
                    if outcome.holds_slot:
                        self.pipeline.release()
                self.written += len(batch)
                if self.progress:
                    self.progress(self.written, total, batch[-1].feed.label)

    def _write_batch(self, batch: list[_Outcome]) -> None:
        try:
            with self.library.transaction():
                counts = [self._write(o) for o in batch]
        except BylineError:  # the library stayed busy: retry one feed at a time
            counts = []
            for outcome in batch:
                try:
                    counts.append(self._write(outcome))
                except BylineError as exc:
                    outcome.error, outcome.prepared = f"not stored: {exc.message}", None
                    counts.append(0)
        for outcome, new in zip(batch, counts, strict=True):
            self._count(outcome, new)

    def _write(self, o: _Outcome) -> int:
        """Record one outcome; return how many entries were new."""
        feed = o.feed
        if o.skipped:
            return 0
        if o.error is not None:
            self.library.record_failure(feed.id, o.error, retry_after_until=o.retry_until,
                                        gone=o.gone)
            return 0
        new = 0
        if o.prepared is None:
            self.library.record_not_modified(feed.id)
        else:
            p = o.prepared
            new = self.library.store_prepared(feed.id, p.rows, title=p.title, link=p.link,
                                              etag=o.result.etag,
                                              last_modified=o.result.last_modified,
                                              problems=p.problems)
        if o.result.permanent_url or feed.permanent_url:
            self.library.record_redirect(feed.id, o.result.permanent_url)
        return new

    def _count(self, o: _Outcome, new: int) -> None:
        if o.skipped:
            self.summary.skipped[o.feed.url] = o.skipped
        elif o.error is not None:
            self.summary.feeds_failed += 1
            self.summary.errors[o.feed.url] = o.error
            if o.gone:
                self.summary.gone.append(o.feed.url)
        else:
            self.summary.feeds_ok += 1
            self.summary.new_articles += new

    async def pages(self, feed_ids: list[int]) -> None:
        """`--full`: fetch the linked page of summary-only entries and cache its clean text."""
        from reader.sources.files import decode_bytes
        from reader.sources.http import Fetcher, FetchError

        todo = self.library.summary_only_entries(feed_ids)[:FULL_TEXT_PER_RUN]
        if not todo:
            return
        loop = asyncio.get_running_loop()
        if self.progress:
            self.progress(0, len(todo), "full text")

        async def one(entry_id: int, link: str) -> None:
            if self.host_wait.get(_host(link), 0.0) > time.time():
                return
            try:
                result = await fetcher.fetch(link)
            except FetchError as exc:
                if exc.retry_after is not None:
                    self.host_wait[_host(link)] = time.time() + exc.retry_after
                return
            try:
                page = decode_bytes(result.body, link, charset=result.charset)[1]
                article = await loop.run_in_executor(None, _page_article, self.library,
                                                     entry_id, page, result.url)
                await loop.run_in_executor(None, self.library.store_page, entry_id, page,
                                           article)
            except BylineError:  # not a page (binary), or the library stayed busy
                return
            except Exception:  # an engine bug on a hostile page must not end the refresh
                return  # the entry keeps its summary; the next --full tries again
            self.summary.pages += 1

        done = 0
        async with Fetcher(**self.fetcher_options) as fetcher:
            for finished in asyncio.as_completed([one(i, link) for i, link in todo]):
                await finished
                done += 1
                if self.progress:
                    self.progress(done, len(todo), "full text")


def new_entries(parsed: Any) -> list[NewEntry]:
    """A `ParsedFeed`'s entries as the store takes them."""
    return [
        NewEntry(key=e.key, title=e.title, raw=e.content_html or e.summary_html, guid=e.guid,
                 link=e.link, authors=e.authors, published=e.published,
                 published_raw=e.published_raw,
                 summary_only=len(e.content_html or "") < FULL_TEXT_MIN_HTML)
        for e in parsed.entries
    ]


def store_parsed(library: Library, feed_id: int, parsed: Any, *, etag: str | None,
                 last_modified: str | None) -> int:
    """Store a `ParsedFeed`'s entries and metadata for a feed; return how many were new."""
    return library.store_entries(feed_id, new_entries(parsed), title=parsed.title,
                                 link=parsed.link, etag=etag, last_modified=last_modified,
                                 problems=parsed.problems)


@dataclass
class _Prepared:
    """A parsed feed reduced to what the store writes (built in a worker, sent back)."""

    title: str
    link: str | None
    problems: list[str]
    rows: list[tuple[Any, ...]]


def _parse(body: bytes, url: str, content_type: str | None) -> _Prepared | str:
    """Parse and prepare a feed's rows (in a worker); a failure comes back as one line."""
    from reader.sources.feeds import parse_feed

    try:
        parsed = parse_feed(body, url=url, content_type=content_type)
    except BylineError as exc:
        return exc.message
    except Exception as exc:  # a parser bug on hostile input is a feed error, not a crash
        return f"malformed feed ({type(exc).__name__})"
    return _Prepared(parsed.title, parsed.link, list(parsed.problems),
                     prepare_entries(new_entries(parsed), time.time()))


def _parse_executor(due: list[FeedRow]) -> Executor | None:
    """Worker processes for parsing when a refresh is big enough to use both cores.

    Only from the main thread: forking a process whose other threads may hold locks (the
    TUI runs refresh in a worker thread) is not safe, so there parsing uses threads."""
    if (len(due) < PROCESS_POOL_MIN_FEEDS
            or threading.current_thread() is not threading.main_thread()):
        return None
    import multiprocessing

    if sum(1 for f in due if not (f.etag or f.last_modified)) >= PROCESS_POOL_MIN_FEEDS:
        # Feeds that cannot be answered 304 will be parsed: import the parser once, here,
        # for both workers. Otherwise (most feeds unchanged, a warm refresh) each worker
        # imports it with its first feed, if one comes.
        import reader.sources.feeds  # noqa: F401

    pool = ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("fork"))
    # The first task forks the workers now, before the event loop starts its helper threads;
    # nothing waits for it.
    pool.submit(int)
    return pool


def _page_article(library: Library, entry_id: int, page: str, url: str) -> Any:
    from reader.article.build import Meta, from_html

    row = library.entry_meta(entry_id)
    meta = Meta(title=row["title"] or None, url=row["link"], authors=row["authors"],
                published=row["published"])
    return from_html(page, url, url=url, meta=meta, extra_rules=library.extra_rules)


def _reason(exc: BylineError, url: str) -> str:
    """A fetch error without the `cannot fetch URL:` prefix the feed list does not need."""
    text = exc.message
    prefix = f"cannot fetch {url}: "
    return text[len(prefix):] if text.startswith(prefix) else text


def _clock(epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(epoch))

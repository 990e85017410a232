"""Refresh: fetch every feed concurrently, parse and store off the event loop as they come.

Fetched feeds are parsed and written in short transactions (the feeds ready together share
one; each feed is all or nothing), so a crash or `kill -9` loses at most the batch being
written (reliability case 55), and a failed fetch or parse only records a status: stored
entries are never touched (section 6, "the rule for every case"). A big refresh from the main
thread parses and stores in worker processes (`reader.library.ingest`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.config import FeedSettings, HideRule
from reader.errors import BylineError
from reader.library.feed_settings import merged_rules, request_headers
from reader.library.feeds import SAMPLE_PREFIX
from reader.library.ingest import (
    WORKERS,
    Body,
    Stored,
    Workers,
    open_for_refresh,
    parse_and_store,
    write_each,
)
from reader.library.schedule import Schedule, host_of, host_waits
from reader.library.store import FeedRow, Library

# Pages fetched per `--full` refresh, newest first (the rest on the next run).
FULL_TEXT_PER_RUN = 300
# A page that failed is tried again after this long (a week), unless it is not there at all.
PAGE_RETRY = 7 * 86400.0
# A page is worth caching when its article has more words than the entry: more than
# PAGE_GAIN times as many, plus PAGE_GAIN_WORDS.
PAGE_GAIN = 1.2
PAGE_GAIN_WORDS = 5
# Backoff after a server error without Retry-After: 60 s doubling per failure, at most 6 h.
BACKOFF_BASE = 60.0
BACKOFF_MAX = 6 * 3600.0
# At most this many feeds are written in one transaction, and at least this many when they
# come within BATCH_WAIT seconds (see `_Run._collect`).
WRITE_BATCH = 32
MIN_BATCH = 16
BATCH_WAIT = 0.05
# At most this many fetched feeds are waiting to be parsed and stored.
PIPELINE = 40
# Progress names the hosts it waits on once a request has run this long; checked every TICK.
SLOW_SHOWN = 2.0
TICK = 0.5

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
    pages_not_needed: int = 0      # pages with no more text than their entry (--full)
    page_errors: dict[str, str] = field(default_factory=dict)  # page URL -> why not cached
    hidden: int = 0                # new articles a kill rule hid (`[[hide]]`)
    not_due: int = 0               # feeds a schedule left for later (`--due`, the reader's timer)

    def line(self) -> str:
        """The one summary line: `12 feeds ok, 1 failed, 340 new articles in 3.2 s`."""
        parts = [f"{self.feeds_ok} feed{'s' if self.feeds_ok != 1 else ''} ok",
                 f"{self.feeds_failed} failed"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        if self.not_due:
            parts.append(f"{self.not_due} not due")
        text = ", ".join(parts)
        text += f", {self.new_articles} new article{'s' if self.new_articles != 1 else ''}"
        if self.hidden:
            text += f" ({self.hidden} hidden by rules)"
        if self.pages:
            text += f", {self.pages} full text{'s' if self.pages != 1 else ''} cached"
        if self.page_errors:
            failed = len(self.page_errors)
            text += f", {failed} full text{'s' if failed != 1 else ''} failed"
        if self.pages_not_needed:
            text += f", {self.pages_not_needed} already complete"
        return f"{text} in {self.seconds:.1f} s"


async def refresh_feeds(library: Path | Library, *, full: bool = False, offline: bool = False,
                        only: list[str] | None = None, progress: Progress | None = None,
                        fetcher_options: dict[str, Any] | None = None,
                        workers: Workers | None = None,
                        hide: Sequence[HideRule] = (),
                        feed_settings: Mapping[str, FeedSettings] | None = None,
                        schedule: Schedule | None = None,
                        ) -> RefreshSummary:
    """Fetch all feeds (or the URLs/ids in `only`) and store what changed.

    `library` is a path, or an open `Library` (used and left open: opening checks the file).
    Feeds whose `retry_after_until` lies ahead, or whose host asked us to wait, are skipped.
    With `offline`, nothing is fetched and every feed is reported as skipped.
    `fetcher_options` are passed to `reader.sources.http.Fetcher` (deadlines, caps).
    `workers` (opened with an open `library` by `ingest.open_for_refresh`) parse and store;
    without them, threads of this process do, unless `library` is a path and
    `open_for_refresh` finds the refresh big enough for worker processes.
    New entries that a kill rule of `hide` matches are hidden before it returns.
    `feed_settings` (`[[feed]]` by URL) give feeds their own headers (User-Agent, basic
    auth), full pages always cached (`full`) and a title of their own.
    With a `schedule`, only the feeds it finds due are fetched (the others count as not due).
    """
    started = time.perf_counter()
    with ExitStack() as stack:
        if isinstance(library, Library):
            lib = library
        else:
            lib, workers = stack.enter_context(open_for_refresh(library, only, start=not offline))
        feeds = _selected([f for f in lib.feeds() if f.remote_id is None], only)  # not synced
        summary = RefreshSummary(0, 0, 0, 0.0)
        bundled = [f for f in feeds if f.url.startswith(SAMPLE_PREFIX)]
        if only:   # named: say why nothing happens; otherwise they are simply not fetched
            summary.skipped = {f.url: "bundled with Byline: nothing to fetch" for f in bundled}
        feeds = [f for f in feeds if f not in bundled]
        if schedule is not None:
            due = schedule.due(feeds)
            summary.not_due = len(feeds) - len(due)
            feeds = due
        if offline:
            summary.skipped.update({f.url: "offline" for f in feeds})
        else:
            if workers is not None:
                lib.write_lock = workers.lock
                stack.callback(setattr, lib, "write_lock", None)
            settings = dict(feed_settings or {})
            lib.feed_rules.update({url: s.rules for url, s in settings.items() if s.rules})
            run = _Run(lib, summary, progress, fetcher_options or {}, workers, settings)
            newest = lib.last_entry_id()
            await run.feeds(feeds)
            if hide:
                summary.hidden = await asyncio.get_running_loop().run_in_executor(
                    None, lambda: lib.hide_matching(hide, after_id=newest))
            titles = {f.id: s.title for f in feeds if (s := settings.get(f.url)) and s.title}
            if titles:
                await asyncio.get_running_loop().run_in_executor(None, lib.set_titles, titles)
            paged = [f.id for f in feeds
                     if full or ((s := settings.get(f.url)) is not None and s.full)]
            if paged:
                await run.pages(paged)
        summary.seconds = time.perf_counter() - started
        return summary


async def cache_pages(library: Library, feed_ids: list[int], *,
                      progress: Progress | None = None) -> int:
    """`--full`'s page step on its own (for `byline sync --full`): cache the linked page of the
    feeds' summary-only entries; returns how many pages were cached."""
    summary = RefreshSummary(0, 0, 0, 0.0)
    await _Run(library, summary, progress, {}, None).pages(feed_ids)
    return summary.pages


def _selected(feeds: list[FeedRow], only: Sequence[str] | None) -> list[FeedRow]:
    if not only:
        return feeds
    wanted = {o.strip() for o in only}
    chosen = [f for f in feeds if f.url in wanted or str(f.id) in wanted]
    unknown = wanted - {f.url for f in chosen} - {str(f.id) for f in chosen}
    if unknown:
        raise BylineError(f"not subscribed: {', '.join(sorted(unknown))[:200]}")
    return chosen


def _by_host(feeds: list[FeedRow]) -> list[FeedRow]:
    """Feeds of the hosts with the most feeds first: with a few connections a host, those
    hosts take longest, so they start at once instead of at the back of the queue."""
    counts: dict[str, int] = {}
    for feed in feeds:
        counts[host_of(feed.url)] = counts.get(host_of(feed.url), 0) + 1
    return sorted(feeds, key=lambda f: -counts[host_of(f.url)])


def _waiting(waits: list[tuple[str, float]]) -> str:
    """`waiting on a.example 12 s, b.example 9 s +3`: the longest requests on the wire."""
    seen: dict[str, float] = {}
    for host, seconds in waits:
        seen.setdefault(host, seconds)
    shown = list(seen.items())[:2]
    text = "waiting on " + ", ".join(f"{host} {seconds:.0f} s" for host, seconds in shown)
    return text + (f" +{len(seen) - len(shown)}" if len(seen) > len(shown) else "")


@dataclass
class _Outcome:
    """A fetch that brought no body (a 304, a failure, a skip), waiting for the writer."""

    feed: FeedRow
    result: Any = None                 # the FetchResult of a 304
    error: str | None = None
    retry_until: float | None = None
    gone: bool = False
    skipped: str | None = None         # why it was not fetched after all


class _Run:
    """One refresh: shared fetcher, per-host waits, the parse-and-store consumers, the writer
    of statuses, the totals.

    Fetching runs on the event loop; fetched bodies go to two consumers, each handing whatever
    is ready (up to `WRITE_BATCH` feeds) to a worker that parses and stores them in one short
    transaction (`reader.library.ingest`). Outcomes without a body (304, failures) go to one
    writer here, grouped the same way.
    """

    def __init__(self, library: Library, summary: RefreshSummary, progress: Progress | None,
                 fetcher_options: dict[str, Any], workers: Workers | None,
                 settings: dict[str, FeedSettings] | None = None) -> None:
        self.library = library
        self.summary = summary
        self.progress = progress
        self.fetcher_options = fetcher_options
        self.workers = workers
        self.settings = settings or {}
        self.host_wait: dict[str, float] = {}  # host -> epoch seconds before which we wait
        self.written = 0
        self.total = 0
        self.label = ""
        # Bounds the fetched bodies held in memory, waiting to be parsed and stored.
        self.pipeline = asyncio.Semaphore(PIPELINE)
        self.bodies: asyncio.Queue[tuple[FeedRow, Body] | None] = asyncio.Queue()
        self.collecting = asyncio.Lock()
        self.checkpointing: asyncio.Future[None] | None = None

    async def feeds(self, feeds: list[FeedRow]) -> None:
        from reader.sources.http import Fetcher

        now = time.time()
        for host, until in host_waits(feeds).items():
            self.host_wait[host] = max(self.host_wait.get(host, 0.0), until)
        due = []
        for feed in feeds:
            wait = self.host_wait.get(host_of(feed.url), 0.0)
            if wait > now:
                self.summary.skipped[feed.url] = f"asked to wait until {_clock(wait)}"
            else:
                due.append(feed)
        self.total = len(due)
        if self.progress:
            self.progress(0, len(due), "")
        queue: asyncio.Queue[_Outcome | None] = asyncio.Queue()
        writer = asyncio.create_task(self._writer(queue))
        consumers = [asyncio.create_task(self._consume()) for _ in range(WORKERS)]
        ticker = None
        try:
            async with Fetcher(**self.fetcher_options) as fetcher:
                if self.progress:
                    ticker = asyncio.create_task(self._tick(fetcher))
                await asyncio.gather(*(self._one(fetcher, f, queue) for f in _by_host(due)))
        finally:
            if ticker is not None:
                ticker.cancel()
            await self.bodies.put(None)
            await asyncio.gather(*consumers)
            await queue.put(None)
            await writer
            if self.checkpointing is not None:
                await self.checkpointing

    async def _one(self, fetcher: Any, feed: FeedRow,
                   queue: asyncio.Queue[_Outcome | None]) -> None:
        """Fetch one feed; hand its body to the consumers, or queue what became of it."""
        from reader.sources.http import FetchError

        wait = self.host_wait.get(host_of(feed.url), 0.0)
        if wait > time.time():
            await queue.put(_Outcome(feed, skipped=f"asked to wait until {_clock(wait)}"))
            return
        try:
            headers = await self._headers(feed)
        except BylineError as exc:  # its password command failed: the feed is not fetched
            await queue.put(self._failure(feed, "password", exc.message, None))
            return
        try:
            result = await fetcher.fetch(feed.url, etag=feed.etag,
                                         last_modified=feed.last_modified, headers=headers)
        except FetchError as exc:
            if not exc.tried and exc.retry_after is not None:  # another feed's Retry-After
                until = time.time() + exc.retry_after
                await queue.put(_Outcome(feed, skipped=f"asked to wait until {_clock(until)}"))
                return
            await queue.put(self._failure(feed, exc.kind, _reason(exc, feed.url),
                                          exc.retry_after))
            return
        if result.not_modified:
            await queue.put(_Outcome(feed, result))
            return
        await self.pipeline.acquire()  # released once the feed is stored
        await self.bodies.put((feed, Body(feed.id, result.url, result.body, result.content_type,
                                          result.etag, result.last_modified,
                                          result.permanent_url, bool(feed.permanent_url),
                                          result.max_age)))

    async def _headers(self, feed: FeedRow) -> dict[str, str] | None:
        """A feed's own request headers (`[[feed]]`), its password command run off the loop."""
        settings = self.settings.get(feed.url)
        if settings is None:
            return None
        return await asyncio.get_running_loop().run_in_executor(None, request_headers,
                                                                settings)

    async def _consume(self) -> None:
        """Parse and store the bodies that are ready, one batch at a time, until the end."""
        loop = asyncio.get_running_loop()
        pool = self.workers.pool if self.workers is not None else None
        library = None if self.workers is not None else self.library
        while True:
            async with self.collecting:  # consumers do not split the bodies between them
                batch, item = await self._collect()
            if batch:
                try:
                    stored = await loop.run_in_executor(
                        pool, parse_and_store, [b for _, b in batch], library)
                except BrokenProcessPool:
                    stored = [Stored(error="not stored: a parser process stopped")] * len(batch)
                except BylineError as exc:  # e.g. a worker could not open the library
                    stored = [Stored(error=f"not stored: {exc.message}")] * len(batch)
                except Exception as exc:  # a bug must not stall the other feeds' slots
                    stored = [Stored(error=f"not stored: {type(exc).__name__}")] * len(batch)
                for (feed, _body), outcome in zip(batch, stored, strict=True):
                    self.pipeline.release()
                    self._tally(feed, outcome.new, outcome.error)
                self._advance(len(batch), batch[-1][0].label)
                if self.workers is not None:
                    self._checkpoint()
            if item is None:
                await self.bodies.put(None)  # the other consumers stop too
                return

    async def _collect(self) -> tuple[list[tuple[FeedRow, Body]], tuple[FeedRow, Body] | None]:
        """The next batch, and None as second item when the bodies have come to an end.

        A batch waits up to `BATCH_WAIT` seconds for `MIN_BATCH` bodies while more can come
        (the pipeline has room): a transaction has a fixed cost (storing the corpus 1 / 8 / 16
        feeds at a time: 0.56 / 0.34 / 0.27 s of CPU), and a worker idle meanwhile loses less.
        """
        item = await self.bodies.get()
        batch: list[tuple[FeedRow, Body]] = []
        until = asyncio.get_running_loop().time() + BATCH_WAIT
        while item is not None:
            batch.append(item)
            if len(batch) >= WRITE_BATCH:
                break
            if not self.bodies.empty():
                item = self.bodies.get_nowait()
                continue
            if len(batch) >= MIN_BATCH or self.pipeline.locked():
                break  # enough, or no more can come before a batch is stored
            try:
                async with asyncio.timeout_at(until):
                    item = await self.bodies.get()
            except TimeoutError:
                break
        return batch, item

    def _checkpoint(self) -> None:
        """Start copying the log into the database unless a copy is under way: the workers
        leave that to this process, mostly idle by now, so they hold the write lock less."""
        if self.checkpointing is None or self.checkpointing.done():
            loop = asyncio.get_running_loop()
            self.checkpointing = loop.run_in_executor(None, self.library.checkpoint)

    def _failure(self, feed: FeedRow, kind: str, reason: str,
                 retry_after: float | None) -> _Outcome:
        until = None
        if retry_after is not None:
            until = time.time() + retry_after
            host = host_of(feed.url)
            self.host_wait[host] = max(self.host_wait.get(host, 0.0), until)
        elif kind in ("server error", "rate limited"):
            until = time.time() + min(BACKOFF_MAX, BACKOFF_BASE * 2 ** feed.failures)
        return _Outcome(feed, error=reason, retry_until=until, gone=kind == "gone")

    async def _writer(self, queue: asyncio.Queue[_Outcome | None]) -> None:
        """Record statuses in arrival order; whatever is queued meanwhile goes in one batch."""
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
                stored = await loop.run_in_executor(
                    None, write_each, self.library,
                    [lambda o=o: self._write(o) for o in batch])
                for outcome, result in zip(batch, stored, strict=True):
                    if outcome.skipped:
                        self.summary.skipped[outcome.feed.url] = outcome.skipped
                    else:
                        self._tally(outcome.feed, result.new, result.error, gone=outcome.gone)
                self._advance(len(batch), batch[-1].feed.label)

    def _write(self, o: _Outcome) -> Stored:
        """Record one outcome without a body; a failed fetch comes back as its error."""
        feed = o.feed
        if o.skipped:
            return Stored()
        if o.error is not None:
            self.library.record_failure(feed.id, o.error, retry_after_until=o.retry_until,
                                        gone=o.gone)
            return Stored(error=o.error)
        self.library.record_not_modified(feed.id, o.result.max_age)
        if o.result.permanent_url or feed.permanent_url:
            self.library.record_redirect(feed.id, o.result.permanent_url)
        return Stored()

    def _tally(self, feed: FeedRow, new: int, error: str | None, *, gone: bool = False) -> None:
        if error is not None:
            self.summary.feeds_failed += 1
            self.summary.errors[feed.url] = error
            if gone:
                self.summary.gone.append(feed.url)
        else:
            self.summary.feeds_ok += 1
            self.summary.new_articles += new

    def _advance(self, count: int, label: str) -> None:
        self.written += count
        self.label = label
        if self.progress:
            self.progress(self.written, self.total, label)

    async def _tick(self, fetcher: Any) -> None:
        """Say what the refresh waits on: the hosts whose requests have run longest, once
        one has run for `SLOW_SHOWN` seconds (a silent host no longer looks like a hang)."""
        assert self.progress is not None
        while True:
            await asyncio.sleep(TICK)
            waits = fetcher.waiting_on()
            if waits and waits[0][1] >= SLOW_SHOWN:
                self.progress(self.written, self.total, _waiting(waits))

    async def pages(self, feed_ids: list[int]) -> None:
        """`--full`: fetch the linked page of summary-only entries and cache its clean text.

        A page that fails is remembered with when to try it again (a 404 or 410: never), a
        page with no more text than its entry as 'not needed', so the next run fetches
        neither; failures are listed in the summary.
        """
        from reader.sources.files import decode_bytes
        from reader.sources.http import Fetcher, FetchError

        todo = self.library.summary_only_entries(feed_ids)[:FULL_TEXT_PER_RUN]
        if not todo:
            return
        loop = asyncio.get_running_loop()
        if self.progress:
            self.progress(0, len(todo), "full text")

        async def one(entry_id: int, link: str) -> None:
            if self.host_wait.get(host_of(link), 0.0) > time.time():
                return
            try:
                result = await fetcher.fetch(link)
            except FetchError as exc:
                if exc.retry_after is not None:
                    self.host_wait[host_of(link)] = time.time() + exc.retry_after
                if exc.tried:
                    await self._page_failed(entry_id, link, _reason(exc, link),
                                            _page_retry(exc))
                return
            try:
                page = decode_bytes(result.body, link, charset=result.charset)[1]
                article, words = await loop.run_in_executor(None, _page_article, self.library,
                                                            entry_id, page, result.url)
                if article.word_count <= words * PAGE_GAIN + PAGE_GAIN_WORDS:
                    await loop.run_in_executor(None, self.library.record_page, entry_id,
                                               "not needed")
                    self.summary.pages_not_needed += 1
                    return
                await loop.run_in_executor(None, self.library.store_page, entry_id, page,
                                           article)
            except BylineError as exc:  # not a page (binary), or the library stayed busy
                await self._page_failed(entry_id, link, exc.message, time.time() + PAGE_RETRY)
                return
            except Exception as exc:  # an engine bug on a hostile page must not end the refresh
                await self._page_failed(entry_id, link, f"internal error ({type(exc).__name__})",
                                        time.time() + PAGE_RETRY)
                return
            self.summary.pages += 1

        done = 0
        async with Fetcher(**self.fetcher_options) as fetcher:
            for finished in asyncio.as_completed([one(i, link) for i, link in todo]):
                await finished
                done += 1
                if self.progress:
                    self.progress(done, len(todo), "full text")

    async def _page_failed(self, entry_id: int, link: str, reason: str,
                           retry_at: float | None) -> None:
        """Count and remember a page that could not be cached (a busy library: not this time)."""
        self.summary.page_errors[link] = reason
        with suppress(BylineError):
            await asyncio.get_running_loop().run_in_executor(
                None, self.library.record_page, entry_id, f"failed: {reason}", retry_at)


def _page_retry(exc: Any) -> float | None:
    """When a page that failed may be fetched again: never when it is not there (404, 410)
    or not fit to fetch, after the server's Retry-After, else after `PAGE_RETRY`."""
    if exc.status in (404, 410) or exc.kind in ("gone", "http 404", "unsafe url", "too large"):
        return None
    return time.time() + (exc.retry_after if exc.retry_after is not None else PAGE_RETRY)


def _page_article(library: Library, entry_id: int, page: str, url: str) -> tuple[Any, int]:
    """The article cleaned from an entry's page, and the word count of the entry's own text."""
    from reader.article.build import Meta, from_html

    row = library.entry_meta(entry_id)
    meta = Meta(title=row["title"] or None, url=row["link"], authors=row["authors"],
                published=row["published"])
    rules = merged_rules(library.extra_rules, library.feed_rules.get(row["feed_url"]))
    return from_html(page, url, url=url, meta=meta, extra_rules=rules), row["words"]


def _reason(exc: BylineError, url: str) -> str:
    """A fetch error without the `cannot fetch URL:` prefix the feed list does not need."""
    text = exc.message
    prefix = f"cannot fetch {url}: "
    return text[len(prefix):] if text.startswith(prefix) else text


def _clock(epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(epoch))

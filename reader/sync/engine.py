"""One sync: push what was queued here, then pull the server's feeds, new items and state.

Order matters for convergence. Queued changes go first, oldest first, so the server holds
every local action before its state is read back; then the server's unread and starred lists
are applied to every synced entry, except a field whose change is still queued (a push cut
short). An item read on the phone and starred here ends read and starred; one marked unread
here after the phone read it ends unread (the latest local action wins, the other change is
kept).

Items are stored a few pages at a time, with the cursor past them in one transaction, so a
sync killed at any point resumes where it stopped and leaves no half-stored page; the next
pages are fetched meanwhile, and a first pull's items are cleaned in worker processes.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager, closing, nullcontext
from dataclasses import dataclass, field
from itertools import groupby
from types import SimpleNamespace

from reader.config import HideRule
from reader.library.ingest import Workers, can_fork, summary_only
from reader.library.store import Library, NewEntry, prepare_entries
from reader.library.sync_state import FEED_CHANGES, ITEM_PREFIX
from reader.sync.ahead import run_ahead
from reader.sync.api import SyncError
from reader.sync.backend import Backend, Item, Page
from reader.sync.settings import Secret, SyncSettings
from reader.sync.subscriptions import send_subscriptions

Progress = Callable[[int, int, str], None]
# `prepare_entries` rows and their search texts by library feed id
Rows = dict[int, tuple[list[tuple[object, ...]], list[str]]]
STORE_BATCH = 500     # items stored in one transaction (whole pages)
PREFETCH = 8          # pages fetched ahead of the one being stored
CLEANING = 3          # batches handed to the worker processes and not yet stored


@dataclass
class SyncSummary:
    """What a sync did."""

    feeds: int = 0
    new: int = 0          # entries added
    pushed: int = 0       # queued changes the server took
    unknown: int = 0      # queued changes for items the server no longer has (dropped)
    changed: int = 0      # entries whose read/starred state came from the server
    hidden: int = 0       # new entries a kill rule (`[[hide]]`) hid
    pages: int = 0        # full pages cached (--full)
    seconds: float = 0.0
    refused: list[str] = field(default_factory=list)   # subscription changes refused

    def line(self) -> str:
        text = (f"Synced {self.feeds} feed{'s' if self.feeds != 1 else ''}: {self.new} new, "
                f"{self.pushed} change{'s' if self.pushed != 1 else ''} sent, {self.changed} "
                f"updated from the server")
        if self.unknown:
            text += f", {self.unknown} for items the server no longer has"
        if self.hidden:
            text += f", {self.hidden} hidden by [[hide]] rules"
        if self.pages:
            text += f", {self.pages} full text{'s' if self.pages != 1 else ''} cached"
        if self.refused:
            count = len(self.refused)
            text += f", {count} subscription change{'s' if count != 1 else ''} refused"
        return f"{text} ({self.seconds:.1f} s)"


def open_backend(settings: SyncSettings, password: Secret | None = None) -> Backend:
    """The backend for `[sync]`; the password is fetched now unless given."""
    secret = password if password is not None else settings.password()
    if settings.api == "fever":
        from reader.sync.fever import Fever

        return Fever(settings, secret)
    from reader.sync.greader import GoogleReader

    return GoogleReader(settings, secret)


def sync(library: Library, settings: SyncSettings, backend: Backend, *,
         progress: Progress | None = None, hide: Sequence[HideRule] = ()) -> SyncSummary:
    """Push the queue, pull feeds, items and state; on failure the library records the error
    (what was done stays done) and the `SyncError` goes on. New entries that a kill rule of
    `hide` matches are hidden, as refresh hides them."""
    started = time.perf_counter()
    summary = SyncSummary()
    cursor = library.sync_start(settings.server)
    newest = library.last_entry_id()
    tell = progress or (lambda done, total, label: None)
    with _cleaners(library, first=cursor is None) as workers:   # forked before any socket
        try:
            tell(0, 0, "logging in")
            backend.login()
            _push(library, backend, summary, tell)
            tell(0, 0, "feeds")
            feeds = library.sync_feeds(backend.feeds())
            summary.feeds = len(feeds)
            _pull(library, backend, cursor, feeds, workers, summary, tell)
            tell(0, 0, "read and starred")
            unread, starred = backend.unread_and_starred()
            summary.changed = library.apply_server_state(unread, starred)
        except SyncError as exc:
            library.hide_matching(hide, after_id=newest)
            library.sync_finished(exc.message)
            raise
    summary.hidden = library.hide_matching(hide, after_id=newest)
    library.sync_finished(None)
    summary.seconds = time.perf_counter() - started
    return summary


def _cleaners(library: Library, *, first: bool) -> AbstractContextManager[Workers | None]:
    """The refresh's worker processes, to clean the items of a first pull while this process
    fetches and stores (the first pull is the big one: later ones run here, where forking
    would cost more than it saves). Only from the main thread, where `fork` exists (as for a
    refresh: `ingest.start_workers`); the workers never open the library."""
    if not first or not can_fork():
        return nullcontext()
    return closing(Workers(library.path))


def _pull(library: Library, backend: Backend, cursor: str | None, feeds: dict[str, int],
          workers: Workers | None, summary: SyncSummary, tell: Progress) -> None:
    """Pull the items after `cursor`: each batch is cleaned (by `workers`, up to `CLEANING`
    batches at once, or here) and stored in order, with its cursor. When the server fails,
    the batches it gave before are still stored, then the error goes on. A worker that dies
    (killed, out of memory) leaves its batches to be cleaned here."""
    pool = workers.pool if workers is not None else None
    cleaning: deque[tuple[Page, dict[str, int], Future[Rows] | None]] = deque()

    def store_oldest() -> None:
        page, known, rows = cleaning.popleft()
        try:
            prepared = rows.result() if rows is not None else _rows(page.items, known)
        except BrokenProcessPool:
            prepared = _rows(page.items, known)
        summary.new += library.store_synced(prepared,
                                            {i.id: (i.read, i.starred) for i in page.items},
                                            page.cursor)
        tell(summary.new, 0, f"{summary.new} new items")

    try:
        for page in _batches(_prefetched(backend.items(cursor))):
            if any(i.feed_id not in feeds for i in page.items):
                feeds = library.sync_feeds(backend.feeds())   # subscribed since the list
            cleaning.append((page, feeds, _submit(pool, page.items, feeds)))
            while cleaning and (len(cleaning) > CLEANING or cleaning[0][2] is None
                                or cleaning[0][2].done()):
                store_oldest()
    except SyncError:
        while cleaning:
            store_oldest()
        raise
    while cleaning:
        store_oldest()


def _submit(pool: ProcessPoolExecutor | None, items: list[Item],
            feeds: dict[str, int]) -> Future[Rows] | None:
    """The items' rows being made by `pool`; None: to make here (no pool, or one that broke:
    its `submit` refuses at once)."""
    if pool is None:
        return None
    try:
        return pool.submit(_rows, items, feeds)
    except BrokenProcessPool:
        return None


def _batches(pages: Iterator[Page]) -> Iterator[Page]:
    """Pages joined up to `STORE_BATCH` items, with the last one's cursor: one transaction
    stores each (a Fever page is 50 items, and a transaction per 50 cost a third of a sync).
    When a page fails, the whole pages before it are still handed on, then the error."""
    items: list[Item] = []
    cursor: str | None = None
    moved = False      # a cursor not yet handed on (a page may move it without items)
    try:
        for page in pages:
            items += page.items
            moved = moved or page.cursor != cursor
            cursor = page.cursor
            if len(items) >= STORE_BATCH:
                yield Page(items, cursor)
                items, moved = [], False
    except SyncError:
        if items or moved:
            yield Page(items, cursor)
        raise
    if items or moved:
        yield Page(items, cursor)


def _prefetched(pages: Iterator[Page]) -> Iterator[Page]:
    """The pages, fetched by a thread of their own up to `PREFETCH` ahead while the caller
    stores the ones before (the server's time and the library's overlap)."""
    for _, page in run_ahead([pages], PREFETCH):
        if page is not None:
            yield page


def _push(library: Library, backend: Backend, summary: SyncSummary, tell: Progress) -> None:
    """Send the queue oldest first, subscriptions first; each run of one kind of change goes
    in one call where the API allows, and leaves the queue only once the server has taken
    it."""
    if library.queued(FEED_CHANGES, limit=1):
        tell(summary.pushed, 0, "sending subscriptions")
        sent = send_subscriptions(library, backend)
        summary.pushed += sent.subscribed + sent.labelled + sent.unsubscribed
        summary.refused += sent.refused
    while batch := library.queued():
        tell(summary.pushed, 0, "sending changes")
        # Only the last change of an item's read (or starred) state counts, where it was made.
        last: dict[tuple[str, bool], int] = {}
        for q in batch:
            last[(q.item, "star" in q.change)] = q.seq
        todo = [q for q in batch if last[(q.item, "star" in q.change)] == q.seq]
        sent_upto = 0
        for change, group in groupby(todo, key=lambda q: q.change):
            run = list(group)
            unknown = backend.mark([q.item for q in run], change)
            summary.pushed += len(run) - len(unknown)
            summary.unknown += len(unknown)
            upto = run[-1].seq
            library.unqueue(q.seq for q in batch if sent_upto < q.seq <= upto)
            sent_upto = upto
        # superseded changes after the last run
        library.unqueue(q.seq for q in batch if q.seq > sent_upto)


def _rows(items: list[Item], feeds: dict[str, int]) -> Rows:
    """Items as `prepare_entries` rows, with their search texts, by library feed id (items
    of unknown feeds dropped)."""
    now = time.time()
    by_feed: dict[int, list[NewEntry]] = {}
    for item in items:
        feed_id = feeds.get(item.feed_id)
        if feed_id is None:
            continue
        by_feed.setdefault(feed_id, []).append(NewEntry(
            key=ITEM_PREFIX + item.id, title=item.title, raw=item.html, link=item.url,
            authors=[item.author] if item.author else [], published=item.published,
            summary_only=summary_only(SimpleNamespace(   # one body: like a feed's description
                link=item.url, content_html="", summary_html=item.html))))
    rows: Rows = {}
    for feed_id, entries in by_feed.items():
        texts: list[str] = []
        rows[feed_id] = (prepare_entries(entries, now, texts), texts)
    return rows

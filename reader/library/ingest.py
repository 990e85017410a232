"""Parse fetched feed bodies and store them: in worker processes for a big refresh, or threads.

A worker process holds its own SQLite connection and writes the feeds it parsed in one short
transaction, so parsing, cleaning, search indexing and the writes spread over the cores while
the main process only fetches. The workers are forked before the main process opens the library
(SQLite connections must not cross a `fork`), and writers take one cross-process lock around
each transaction, so they hand the library over at once instead of polling SQLite's busy
handler.
"""

from __future__ import annotations

import html
import multiprocessing
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from multiprocessing.util import Finalize
from pathlib import Path
from typing import Any

from reader.errors import BylineError
from reader.library.schedule import FeedHints
from reader.library.store import Library, LibraryBusy, NewEntry, feed_count, prepare_entries

# An entry with only a description shorter than this (HTML) is a summary: `--full` fetches
# its page. An entry with content of its own is full text unless it ends cut short.
FULL_TEXT_MIN_HTML = 1000
# How an entry cut short ends: "…", "[…]", "Read more", "Continue reading …".
_CUT_SHORT = re.compile(
    r"(?:\.\.\.|…|\[(?:\.\.\.|…)\]|\b(?:read more|continue reading|read the full "
    r"(?:story|article|post)|full story|more\s*(?:»|>>|→))\W*)\s*$", re.IGNORECASE)
# A `_CUT_SHORT` match is non-word characters at the very end, after at most this many
# characters of its longest phrase ("read the full article"), so only they are searched.
_CUT_SHORT_WORDS = 24
_NON_WORD = re.compile(r"\W*")
_TAG = re.compile(r"<[^>]*>")
WORKERS = 2
ORPHAN_CHECK_SECONDS = 0.25
# Feed entries' paragraphs are mostly this long or longer (`_warm_up`).
PARAGRAPH_CHARS = 161
# Parsing runs in worker processes only when there is enough work to pay for them.
PROCESS_POOL_MIN_FEEDS = 8


@dataclass
class Body:
    """A fetched feed body waiting to be parsed and stored."""

    feed_id: int
    url: str                     # the final URL, after redirects
    body: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    permanent_url: str | None    # where permanent redirects pointed, else None
    had_redirect: bool           # the feed had a recorded permanent redirect before
    max_age: float | None = None  # the answer's Cache-Control max-age


@dataclass
class Stored:
    """What storing one body came to: new entries, or why nothing was stored."""

    new: int = 0
    error: str | None = None


@dataclass
class Prepared:
    """A parsed feed reduced to what the store writes."""

    title: str
    link: str | None
    problems: list[str]
    rows: list[tuple[Any, ...]]
    hints: FeedHints
    texts: list[str]  # the rows' search texts, unpacked (`prepare_entries`)


def new_entries(parsed: Any) -> list[NewEntry]:
    """A `ParsedFeed`'s entries as the store takes them."""
    return [
        NewEntry(key=e.key, title=e.title, raw=e.content_html or e.summary_html, guid=e.guid,
                 link=e.link, authors=e.authors, published=e.published,
                 published_raw=e.published_raw, summary_only=summary_only(e),
                 enclosures=e.enclosures)
        for e in parsed.entries
    ]


def summary_only(entry: Any) -> bool:
    """Whether a feed entry carries only a summary of its article (`refresh --full` fetches
    its page): it ends cut short ("…", "Read more"), or it has no content of its own beside
    its description and that description is short. A short entry with its own content (a
    link post, a note) is the whole article."""
    if not entry.link:
        return False
    content = entry.content_html or ""
    body = content or entry.summary_html or ""
    tail = html.unescape(_TAG.sub(" ", body[-600:]))
    if _cut_short(tail):
        return True
    if content.strip() and _words(content) != _words(entry.summary_html or ""):
        return False
    return len(body) < FULL_TEXT_MIN_HTML


def _cut_short(text: str) -> bool:
    """Whether `text` ends cut short: `_CUT_SHORT` searched only from where a match can
    begin (a search of the whole text tried its alternatives at every character)."""
    trailing = _NON_WORD.match(text[::-1])  # the non-word characters it ends with
    start = len(text) - (trailing.end() if trailing else 0) - _CUT_SHORT_WORDS
    return _CUT_SHORT.search(text, max(0, start)) is not None


def _words(fragment: str) -> list[str]:
    return html.unescape(_TAG.sub(" ", fragment)).split()


def store_parsed(library: Library, feed_id: int, parsed: Any, *, etag: str | None,
                 last_modified: str | None, max_age: float | None = None) -> int:
    """Store a `ParsedFeed`'s entries and metadata for a feed; return how many were new."""
    return library.store_entries(feed_id, new_entries(parsed), title=parsed.title,
                                 link=parsed.link, etag=etag, last_modified=last_modified,
                                 problems=parsed.problems,
                                 hints=FeedHints.of(parsed, max_age))


def parse(body: bytes, url: str, content_type: str | None) -> Prepared | str:
    """Parse and prepare a feed's rows; a failure comes back as one line."""
    from reader.sources.feeds import parse_feed

    try:
        parsed = parse_feed(body, url=url, content_type=content_type)
    except BylineError as exc:
        return exc.message
    except Exception as exc:  # a parser bug on hostile input is a feed error, not a crash
        return f"malformed feed ({type(exc).__name__})"
    texts: list[str] = []
    rows = prepare_entries(new_entries(parsed), time.time(), texts)
    return Prepared(parsed.title, parsed.link, list(parsed.problems), rows,
                    FeedHints.of(parsed), texts)


def parse_and_store(bodies: list[Body], library: Library | None = None) -> list[Stored]:
    """Parse `bodies` and store them in one transaction (each feed all or nothing).

    `library` is the caller's (threads); a worker process passes None and uses its own.
    """
    lib = library if library is not None else _own_library()
    prepared = [parse(b.body, b.url, b.content_type) for b in bodies]
    return write_each(lib, [lambda b=b, p=p: _store(lib, b, p)
                            for b, p in zip(bodies, prepared, strict=True)])


def write_each(library: Library, writes: list[Any]) -> list[Stored]:
    """Run `writes` (callables returning a `Stored`) in one transaction; if that fails (a full
    disk), one at a time, so that one feed's failure to be stored costs only that feed. When
    another process held the library past the busy timeout, the whole batch is reported
    not stored at once: waiting that long again for each feed would only multiply the wait."""
    try:
        with library.transaction():
            return [write() for write in writes]
    except LibraryBusy as exc:
        return [Stored(error=f"not stored: {exc.message}")] * len(writes)
    except BylineError:
        results = []
        for write in writes:
            try:
                results.append(write())
            except BylineError as exc:
                results.append(Stored(error=f"not stored: {exc.message}"))
        return results


def _store(library: Library, b: Body, p: Prepared | str) -> Stored:
    if isinstance(p, str):
        library.record_failure(b.feed_id, p)
        return Stored(error=p)
    new = library.store_prepared(b.feed_id, p.rows, title=p.title, link=p.link, etag=b.etag,
                                 last_modified=b.last_modified, problems=p.problems,
                                 hints=replace(p.hints, max_age=b.max_age),
                                 search_texts=p.texts)
    if b.permanent_url or b.had_redirect:
        library.record_redirect(b.feed_id, b.permanent_url)
    return Stored(new=new)


class Workers:
    """Worker processes that parse and store for a refresh of the library at `path`.

    Create them before this process opens the library: they are forked at once. Close them
    before this process closes it: its connection, closed last, folds the write-ahead log
    into the database (closed before them, the two workers closing at once may each leave
    it to the other: 19 MB of log stayed after the benchmark's refresh). `open_for_refresh`
    keeps that order.
    """

    def __init__(self, path: Path) -> None:
        _warm_up()
        context = multiprocessing.get_context("fork")
        self.lock = context.Lock()
        self.pool = ProcessPoolExecutor(max_workers=WORKERS, mp_context=context,
                                        initializer=_start, initargs=(Path(path), self.lock))
        self.pool.submit(int)  # forks the workers now; nothing waits for it

    def close(self) -> None:
        """Stop the workers (they close their connections); safe to call twice."""
        self.pool.shutdown(wait=True, cancel_futures=True)


def _warm_up() -> None:
    """Import the feed parser and the quick clean, and compile the rules that paragraphs are
    matched with, once, before the workers fork: each would otherwise do it in its first
    batch."""
    import reader.sources.feeds  # noqa: F401
    from reader.article.rules import load_rules
    from reader.library.search_text import entry_text

    entry_text("", "text")  # imports the boilerplate pass
    load_rules().compile_long(PARAGRAPH_CHARS)


def start_workers(path: Path, only: Sequence[str] | None = None) -> Workers | None:
    """Worker processes for a refresh of the library at `path`, if it is worth them.

    Call before this process opens the library: the workers are forked at once, and an open
    SQLite connection must not be carried across a fork (a quick read-only count, closed
    again, decides). Only from the main thread: forking a process whose other threads may
    hold locks (the TUI refreshes in a worker thread) is not safe, so there threads parse; so
    do systems without `fork` (Windows). This module does not import asyncio or httpx, so
    `byline refresh` forks before it imports them.
    """
    if not can_fork():
        return None
    count = feed_count(path)
    if only:
        count = min(count, len(only))
    return Workers(path) if count >= PROCESS_POOL_MIN_FEEDS else None


def can_fork() -> bool:
    """Whether worker processes may be forked here: from the main thread only, on a system
    with `fork` (see `start_workers`)."""
    return (threading.current_thread() is threading.main_thread()
            and "fork" in multiprocessing.get_all_start_methods())


@contextmanager
def open_for_refresh(path: Path, only: Sequence[str] | None = None, *, start: bool = True,
                     meanwhile: Callable[[], object] | None = None,
                     open_library: Callable[[Path], Library] = Library.open,
                     ) -> Iterator[tuple[Library, Workers | None]]:
    """The one lifecycle of a refresh: start the workers (with `start`, when `start_workers`
    finds them worth it), then open the library; on the way out, stop the workers, then close
    the library (see `Workers`). `meanwhile` runs between the fork and the opening."""
    with ExitStack() as stack:
        workers = start_workers(path, only) if start else None
        if workers is not None:
            stack.callback(workers.close)  # in case opening the library fails
        if meanwhile is not None:
            meanwhile()
        library = open_library(path)
        stack.callback(library.close)
        if workers is not None:
            stack.callback(workers.close)  # first: see Workers
        yield library, workers


_path: Path | None = None
_lock: Any = None
_library: Library | None = None


def _start(path: Path, lock: Any) -> None:
    """Worker initializer: remember where the library is, follow the parent. Ctrl-C is the
    main process's to handle: it stops the workers once the batch they are writing is stored
    (a worker interrupted on its own printed a traceback)."""
    global _path, _lock
    _path, _lock = path, lock
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_follow_parent, args=(os.getppid(),), daemon=True).start()


def _follow_parent(parent: int) -> None:
    """End this worker when the refresh that forked it is gone (`kill -9`): the pool's pipes
    stay open in the workers themselves, so they would otherwise wait forever. A write in
    progress is not committed, so the library keeps everything committed before."""
    while os.getppid() == parent:
        time.sleep(ORPHAN_CHECK_SECONDS)
    os._exit(1)


def _own_library() -> Library:
    """The worker's connection, opened at its first batch (the main process checked the file)."""
    global _library
    if _library is None:
        assert _path is not None, "parse_and_store without a library outside a worker"
        _library = Library.open(_path, check=False)
        _library.write_lock = _lock
        # The main process copies the log into the database while the workers write.
        _library.leave_checkpoints()
        Finalize(_library, _library.close, exitpriority=10)
    return _library

"""Iterators run ahead of their consumer, each in a thread of its own: a sync fetches the next
pages from the server while the pages before are cleaned and stored, and a first pull walks
several parts of the server's items at once.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Sequence
from typing import TypeVar, cast

T = TypeVar("T")

_DONE = object()


def run_ahead(sources: Sequence[Iterator[T]], limit: int) -> Iterator[tuple[int, T | None]]:
    """Run each of `sources` in a thread, at most `limit` values ahead in all; yield
    `(index, value)` as they come, and `(index, None)` once source `index` is exhausted.

    A source's error is raised here, after the values it gave before it. Leaving early
    (an error of the consumer, or closing the generator) stops every thread before it
    returns: a thread in the middle of a value finishes that one first.
    """
    ahead: queue.Queue[tuple[int, object]] = queue.Queue(limit)
    stop = threading.Event()

    def offer(index: int, got: object) -> bool:
        while not stop.is_set():
            try:
                ahead.put((index, got), timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def drain(index: int, source: Iterator[T]) -> None:
        try:
            for value in source:
                if not offer(index, value):
                    return
            offer(index, _DONE)
        except BaseException as exc:  # handed to the consumer, raised there
            offer(index, exc)
        finally:
            close = getattr(source, "close", None)
            if close is not None:   # a generator that runs threads of its own stops them
                close()

    threads = [threading.Thread(target=drain, args=(i, s), name=f"sync-fetch-{i}", daemon=True)
               for i, s in enumerate(sources)]
    for thread in threads:
        thread.start()
    try:
        running = len(threads)
        while running:
            index, got = ahead.get()
            if isinstance(got, BaseException):
                raise got
            if got is _DONE:
                running -= 1
                yield index, None
            else:
                yield index, cast(T, got)
    finally:
        stop.set()
        for thread in threads:
            thread.join()

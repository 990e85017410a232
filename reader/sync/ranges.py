"""A big pull in parallel: the item ids after the cursor cut into parts, each part walked page
by page in a thread of its own, the pages handed on as they come.

The Fever API hands over items 50 at a time after a given id (`since_id`, lowest ids first),
so one walk through 10,000 new items is 200 calls one after the other. The ids of the unread
and saved items, asked for first, tell where to cut the range after the cursor into parts
of about as many items; each part is walked from its start until a page reaches the next
part's. Every id of the range falls in exactly one part whatever ids the server holds (the
known ids only choose where the cuts fall), so items read long ago come too.

The cursor handed on with each page is past the parts walked to their end and as far as the
first unfinished part has come: a sync cut short starts there again, and the items that later
parts had stored are matched by id, not stored twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from reader.sync.ahead import run_ahead
from reader.sync.api import SyncError
from reader.sync.backend import Item, Page

AHEAD = 6       # pages fetched and not yet handed on, all parts together


def cuts(after: int, known: Iterable[int], parts: int, least: int) -> list[int]:
    """Where the parts after `after` start: `after`, then the ids among `known` above it that
    cut them into at most `parts` parts of about equal count, each with `least` at least. A
    part runs from after its start up to and with the next part's start."""
    ids = sorted({i for i in known if i > after})
    count = max(1, min(parts, len(ids) // max(1, least)))
    return [after] + [ids[len(ids) * k // count - 1] for k in range(1, count)]


def walk_parts(after_id: Callable[[int], list[Item]], starts: list[int],
               max_pages: int) -> Iterator[Page]:
    """Walk the parts beginning at `starts` (from `cuts`) at once; `after_id(n)` is one page
    of the items after id `n`, lowest first."""
    last = len(starts) - 1

    def walk(part: int) -> Iterator[tuple[list[Item], int]]:
        since = starts[part]
        end = starts[part + 1] if part < last else None
        for _ in range(max_pages):
            items = after_id(since)
            if not items:
                return
            newest = max(int(i.id) for i in items)
            if newest <= since:
                raise SyncError("the server keeps sending items it sent before")
            if end is not None and newest >= end:   # the next part's items are its own
                yield [i for i in items if int(i.id) <= end], end
                return
            yield items, newest
            since = newest
        raise SyncError("the server sent more items than any library holds")

    reached = list(starts)       # how far each part's walk has come
    done = [False] * len(starts)
    cursor = str(starts[0])
    for part, got in run_ahead([walk(p) for p in range(len(starts))], AHEAD):
        if got is None:
            done[part] = True
            items: list[Item] = []
        else:
            items, reached[part] = got
        first = next((p for p, finished in enumerate(done) if not finished), last)
        moved = str(reached[first])
        if items or moved != cursor:
            cursor = moved
            yield Page(items, cursor)

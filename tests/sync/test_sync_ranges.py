"""A big pull walks several id ranges at once (`reader.sync.ranges`): every item comes once,
whichever ids the server holds, and the cursor handed on never passes an item not handed on.

The pages come from a function over a list of ids (the Fever `since_id` rule: the lowest 50
ids after the one given); the real server's side is in test_sync_coldsweat.py.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable

import pytest

from reader.sync.api import SyncError
from reader.sync.backend import Item
from reader.sync.ranges import cuts, walk_parts


def _item(number: int) -> Item:
    return Item(id=str(number), feed_id="1", title=f"t{number}", html="", url=None,
                author="", published=None, read=False, starred=False)


def _server(ids: list[int], fail_after: int | None = None) -> Callable[[int], list[Item]]:
    held = sorted(ids)
    lock = threading.Lock()
    calls = [0]

    def after_id(since: int) -> list[Item]:
        with lock:
            calls[0] += 1
            if fail_after is not None and since >= fail_after:
                raise SyncError("the server answered 500")
        return [_item(i) for i in held if i > since][:50]

    return after_id


def _walk(ids: list[int], starts: list[int],
          fail_after: int | None = None) -> tuple[list[int], list[str]]:
    """The ids handed on and the cursors, checking at each page that every id up to the
    cursor was handed on by then."""
    seen: list[int] = []
    cursors: list[str] = []
    try:
        for page in walk_parts(_server(ids, fail_after), starts, 10_000):
            seen += [int(i.id) for i in page.items]
            cursors.append(str(page.cursor))
            handed = set(seen)
            missing = [i for i in ids if starts[0] < i <= int(str(page.cursor))
                       and i not in handed]
            assert missing == [], f"cursor {page.cursor} passed {missing[:3]}"
    except SyncError:
        cursors.append("error")
    return seen, cursors


def test_cuts_fall_where_the_known_ids_are():
    known = list(range(1001, 4001))
    assert cuts(1000, known, 3, 500) == [1000, 2000, 3000]
    assert cuts(1000, known, 8, 500) == [1000, 1500, 2000, 2500, 3000, 3500]
    assert cuts(1000, known[:700], 3, 500) == [1000]      # too few to cut
    assert cuts(5000, known, 3, 500) == [5000]            # none after the start
    assert cuts(0, [7, 7, 7, 3], 2, 1) == [0, 3]          # repeated ids count once


def test_every_item_comes_once_whatever_ids_the_server_holds():
    rng = random.Random(7)
    ids = sorted(rng.sample(range(1, 60_000), 3000))      # sparse, with gaps
    known = rng.sample(ids[300:], 400)                    # the unread: not where most are
    starts = cuts(ids[0] - 1, known, 3, 100)
    assert len(starts) == 3
    seen, cursors = _walk(ids, starts)
    assert sorted(seen) == ids and len(seen) == len(set(seen))
    assert cursors[-1] == str(ids[-1])


def test_one_part_is_a_plain_walk():
    ids = list(range(1, 181))
    seen, cursors = _walk(ids, [0])
    assert seen == ids
    assert cursors == ["50", "100", "150", "180"]


def test_a_failure_is_raised_after_what_came_before_with_a_safe_cursor():
    ids = list(range(1, 3001))
    seen, cursors = _walk(ids, [0, 1000, 2000], fail_after=1100)
    assert cursors[-1] == "error"
    assert int(cursors[-2]) <= 1100       # the part cut short holds the cursor back
    assert set(range(1, int(cursors[-2]) + 1)) <= set(seen)


def test_a_server_repeating_itself_is_cut_off():
    def stuck(since: int) -> list[Item]:
        return [_item(5)]

    with pytest.raises(SyncError, match="sent before"):
        list(walk_parts(stuck, [10, 100], 100))

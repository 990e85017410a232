"""Article lists: a source, narrowed by a filter, optionally unread only, in a chosen order.

One `Listing` describes what the library screen, `byline list` and a saved view show; the
`Listings` methods count it, read a page of it, list its ids and mark it read. Pages read
their ids from the newest-first index alone (the wide rows are read for the page only).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reader.errors import BylineError
from reader.library.database import Database
from reader.library.filters import TAGGED, compile_filter
from reader.sanitize import clean_line

#: Orders a list can take: name -> (what it is, SQL on `entries e`).
SORTS: dict[str, tuple[str, str]] = {
    "date": ("newest first", "e.sort_time DESC, e.id DESC"),
    "feed": ("by feed, newest first in each",
             "lower(coalesce(nullif(f.title, ''), f.url)), f.id, e.sort_time DESC, e.id DESC"),
    "title": ("by title", "e.title COLLATE NOCASE, e.id DESC"),
    "minutes": ("shortest read first", "e.reading_minutes, e.sort_time DESC, e.id DESC"),
}
# The feed order walks feeds by title (`feeds_sort`), then each feed's entries in order.
_TABLES = {"feed": "feeds f CROSS JOIN entries e ON e.feed_id = f.id"}


@dataclass
class EntryRow:
    """One line of an article list."""

    id: int
    title: str
    source: str
    published: str | None
    read: bool
    starred: bool
    reading_minutes: int
    url: str | None


@dataclass(frozen=True)
class Listing:
    """What a list shows: a source key, a filter (`reader.library.filters`), unread only or
    not, and an order (a key of `SORTS`)."""

    source: str = "all"
    filter: str = ""
    unread_only: bool = False
    sort: str = "date"

    def where(self, now: float | None = None) -> tuple[str, tuple[Any, ...]]:
        """The SQL condition on `entries e` and its parameters."""
        where, params = source_condition(self.source)
        clauses = [where]
        values = list(params)
        if self.filter.strip():
            compiled = compile_filter(self.filter, now)
            clauses.append(compiled.where)
            values.extend(compiled.params)
        if self.unread_only:
            clauses.append("+e.read = 0")   # on the covering index (see filters.STATES)
        return " AND ".join(f"({c})" for c in clauses), tuple(values)

    def tables(self) -> str:
        """The FROM clause the order needs (the feed's title for `feed`)."""
        return _TABLES.get(self.sort, "entries e")

    def order(self) -> str:
        if self.sort not in SORTS:
            raise BylineError(f"unknown sort {clean_line(self.sort)[:40]!r} "
                              f"(sorts: {', '.join(SORTS)})")
        return SORTS[self.sort][1]


class Listings(Database):
    """What the library does with a `Listing` (a part of `Library`)."""

    def listing_count(self, listing: Listing) -> int:
        return self.listing_counts(listing)[1]

    def listing_counts(self, listing: Listing) -> tuple[int, int]:
        """(unread, total) of a listing, in one pass: summed from the per-feed counts
        (`feed_counts`) when no filter or list of ids narrows it, so no entry is read."""
        if not listing.filter.strip() and not listing.source.startswith("ids:"):
            return self._feed_counts(listing)
        where, params = listing.where()
        row = self._query_one(
            f"SELECT coalesce(sum(e.read = 0), 0), count(*) FROM entries e WHERE {where}",
            params)
        return (int(row[0]), int(row[1])) if row else (0, 0)

    def _feed_counts(self, listing: Listing) -> tuple[int, int]:
        unread, total = {"unread": ("unread", "unread"),
                         "starred": ("starred_unread", "starred"),
                         "hidden": ("hidden_unread", "hidden")}.get(listing.source,
                                                                    ("unread", "total"))
        source = "all" if listing.source in ("unread", "starred", "hidden") else listing.source
        where, params = _shown_source(source)
        # Aliased `e`: the feed conditions of `source_condition` apply to it as they are.
        row = self._query_one(
            f"SELECT coalesce(sum({unread}), 0), coalesce(sum({total}), 0) FROM feed_counts e "
            f"WHERE {where}", params)
        counts = (int(row[0]), int(row[1])) if row else (0, 0)
        return (counts[0], counts[0]) if listing.unread_only else counts

    def listing_page(self, listing: Listing, *, limit: int, offset: int = 0) -> list[EntryRow]:
        """A page of a listing, in its order."""
        where, params = listing.where()
        order = listing.order()
        rows = self._query(
            f"""SELECT e.id, e.title, f.title, f.url, e.published, e.read, e.starred,
                       e.reading_minutes, e.link
                FROM entries e JOIN feeds f ON f.id = e.feed_id
                WHERE e.id IN (SELECT e.id FROM {listing.tables()} WHERE {where}
                               ORDER BY {order} LIMIT ? OFFSET ?)
                ORDER BY {order}""",
            (*params, max(0, limit), max(0, offset)))
        return [EntryRow(r[0], r[1], r[2] or r[3], r[4], bool(r[5]), bool(r[6]), r[7], r[8])
                for r in rows]

    def listing_ids(self, listing: Listing, limit: int = -1) -> list[int]:
        """Every id of a listing (the first `limit`), in its order."""
        where, params = listing.where()
        order = listing.order()
        with self._lock:
            cursor = self._conn.cursor()
            cursor.row_factory = None  # plain tuples: no Row object per id
            try:
                cursor.execute(f"SELECT e.id FROM {listing.tables()} WHERE {where} "
                               f"ORDER BY {order} LIMIT ?", (*params, limit))
                return [r[0] for r in cursor]
            except sqlite3.OperationalError as exc:
                raise BylineError(f"cannot list the library: {exc}") from None

    def mark_listing_read(self, listing: Listing) -> list[int]:
        """Mark every unread entry of a listing read; return the ids that changed (for undo)."""
        where, params = listing.where()
        with self._write() as conn:
            ids = [r[0] for r in conn.execute(
                f"SELECT e.id FROM entries e WHERE e.read = 0 AND {where}", params)]
            conn.executemany("UPDATE entries SET read = 1 WHERE id = ?", [(i,) for i in ids])
        return ids

    def set_read_many(self, entry_ids: Sequence[int], read: bool) -> None:
        """Set the read state of several entries in one transaction (undo of a mark-all)."""
        with self._write() as conn:
            conn.executemany("UPDATE entries SET read = ? WHERE id = ?",
                             [(int(read), i) for i in entry_ids])

    def _query(self, sql: str, params: Sequence[Any]) -> list[sqlite3.Row]:
        try:
            return self._all(sql, params)
        except sqlite3.OperationalError as exc:
            raise BylineError(f"cannot list the library: {exc}") from None

    def _query_one(self, sql: str, params: Sequence[Any]) -> sqlite3.Row | None:
        try:
            return self._one(sql, params)
        except sqlite3.OperationalError as exc:
            raise BylineError(f"cannot list the library: {exc}") from None


def source_condition(key: str) -> tuple[str, tuple[Any, ...]]:
    """SQL condition on `entries e` for a library source key (see `SourceRow`): entries a
    kill rule hid are in the source "hidden" only (and "any": every entry, for search)."""
    if key == "hidden":
        return "+e.hidden = 1", ()
    if key == "any":
        return "1", ()
    where, params = _shown_source(key)
    return f"+e.hidden = 0 AND {where}", params


def _shown_source(key: str) -> tuple[str, tuple[Any, ...]]:
    if key == "all":
        return "1", ()
    if key == "unread":
        return "+e.read = 0", ()
    if key == "starred":
        return "+e.starred = 1", ()
    if key == "local":
        return "e.feed_id IN (SELECT id FROM feeds WHERE kind = 'local')", ()
    if key == "removed":
        return "e.feed_id IN (SELECT id FROM feeds WHERE kind = 'removed')", ()
    if key.startswith("ids:"):   # the entries given, e.g. the files just opened
        ids = tuple(int(i) for i in key[4:].split(",") if i.isdigit())
        return f"e.id IN ({','.join('?' * len(ids))})", ids
    kind, _, value = key.partition(":")
    if kind == "feed" and value.isdigit():
        return "e.feed_id = ?", (int(value),)
    if kind == "tag" and value:
        return TAGGED, (value,)
    raise BylineError(f"unknown library source: {clean_line(key)[:100]}")

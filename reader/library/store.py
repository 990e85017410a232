"""The offline library: one SQLite file holding feeds, entries, read state and full-text
search, behind one `Library` object shared by the CLI commands, refresh and the TUI.

Each concern lives in its own module (docs/library.md lists them), and `Library` is their
sum: `database` (the file and its write transactions), `feeds` (subscriptions and the library
screen's counts), `listings` (a source narrowed, ordered, counted, paged), `entries`
(articles, read/starred state, storing fetched entries), `search` (full-text search),
`hiding` (kill rules), `sync_state` (the feed server's feeds, entries, cursor and the queue of
changes for it; built on feeds and entries). The names callers use are importable from here.
"""

from __future__ import annotations

from reader.library.database import LibraryBusy, feed_count
from reader.library.entries import LOCAL_FEED_URL, build_article
from reader.library.entry_rows import MAX_TITLE, NewEntry, prepare_entries, sort_time
from reader.library.feeds import (
    HIDDEN_LABEL,
    LOCAL_LABEL,
    REMOVED_LABEL,
    FeedRow,
    Removed,
    SourceRow,
)
from reader.library.hiding import Hiding
from reader.library.listings import EntryRow, Listing
from reader.library.search import Search, SearchHit
from reader.library.sync_state import SyncedFeed, SyncState, SyncStatus

__all__ = [
    "HIDDEN_LABEL",
    "LOCAL_FEED_URL",
    "LOCAL_LABEL",
    "MAX_TITLE",
    "REMOVED_LABEL",
    "EntryRow",
    "FeedRow",
    "Library",
    "LibraryBusy",
    "Listing",
    "NewEntry",
    "Removed",
    "SearchHit",
    "SourceRow",
    "SyncStatus",
    "SyncedFeed",
    "build_article",
    "feed_count",
    "prepare_entries",
    "sort_time",
]


class Library(SyncState, Search, Hiding):   # SyncState is Feeds and Entries
    """The library API (thread-safe): open with `Library.open(path)`."""

    def is_empty(self) -> bool:
        """True when there is no subscription and no article."""
        return self._one("SELECT 1 FROM entries LIMIT 1") is None and \
            self._one("SELECT 1 FROM feeds WHERE kind = 'feed' LIMIT 1") is None

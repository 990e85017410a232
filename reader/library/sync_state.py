"""What the library keeps for sync with a feed server (reader/sync/): the server it is linked
to and where the next pull starts, the synced feeds (`feeds.remote_id`), the synced entries
(key `i:<item id>`), and the queue of read/star changes made here.

The queue is filled by triggers (the schema step for sync) in the transaction that changes an
entry, so a change is queued exactly when it is made, whoever makes it (the reader, `byline
mark`, mark-all-read), and a kill -9 loses neither. Sync applies the server's state with a row
in `sync_quiet`, so what it writes is not queued back. Subscribing and unsubscribing on the
server (`byline add`, `byline remove` with a Google Reader server) are queued the same way,
in the transaction that adds or removes the feed here: `subscribe` names the feed's URL,
`label` the URL and a tag (JSON), `unsubscribe` the server's feed id.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from reader.library.entries import Entries
from reader.library.entry_rows import MAX_TITLE
from reader.library.feeds import Feeds
from reader.sanitize import clean_line, safe_url

ITEM_PREFIX = "i:"   # the key of a synced entry: this, then the server's item id
CHANGES = ("read", "unread", "star", "unstar")          # of an item
FEED_CHANGES = ("subscribe", "label", "unsubscribe")    # of a subscription
_AFTER_ITEMS = "i;"  # the first key after every `ITEM_PREFIX` one (";" follows ":")
# Whether a feed holds an entry Byline fetched itself (a key without `ITEM_PREFIX`): the keys
# on either side of the synced ones, two seeks of the (feed_id, key) index rather than a scan
# of all the feed's keys.
_FETCHED_HERE = """SELECT EXISTS (SELECT 1 FROM entries WHERE feed_id = ?1 AND key < ?2)
                       OR EXISTS (SELECT 1 FROM entries WHERE feed_id = ?1 AND key >= ?3)"""


@dataclass
class SyncedFeed:
    """A subscription as the server lists it."""

    remote_id: str
    url: str
    title: str = ""
    link: str | None = None
    tags: list[str] = field(default_factory=list)


@dataclass
class Queued:
    """A change made here, waiting for the next sync (`seq` orders them)."""

    seq: int
    item: str     # the server's item id; for FEED_CHANGES what `sync_state` says
    change: str   # one of CHANGES or FEED_CHANGES


@dataclass
class SyncStatus:
    """The link to a server, as the status bar and `byline sync --check` show it."""

    server: str
    cursor: str | None
    last_sync: float | None
    last_error: str | None
    queued: int


class SyncState(Feeds, Entries):
    """Sync's side of the library: feeds and entries from the server, the queue, the cursor."""

    def sync_start(self, server: str) -> str | None:
        """Link the library to `server` (its API and URL) and return where the pull resumes.

        Linking to another server than before starts afresh: its item ids mean nothing
        here, so the cursor and the queue are cleared, and the entries of the old server stay
        as ordinary entries of their feeds (found again by link if the new server has them).
        """
        with self._write() as conn:
            row = conn.execute("SELECT server, cursor FROM sync_state").fetchone()
            if row is not None and row[0] == server:
                return str(row[1]) if row[1] is not None else None
            if row is not None:   # a subscription by URL means as much to the new server
                conn.execute("DELETE FROM sync_queue WHERE change NOT IN ('subscribe', "
                             "'label')")
                conn.execute("UPDATE feeds SET remote_id = NULL")
                conn.execute("UPDATE entries SET key = 'was:' || key "
                             "WHERE substr(key, 1, 2) = ?", (ITEM_PREFIX,))
            conn.execute("INSERT OR REPLACE INTO sync_state (id, server) VALUES (1, ?)",
                         (server,))
        return None

    def sync_status(self) -> SyncStatus | None:
        row = self._one("SELECT server, cursor, last_sync, last_error FROM sync_state")
        if row is None:
            return None
        queued = self._one("SELECT count(*) FROM sync_queue")
        return SyncStatus(row[0], row[1], row[2], row[3], int(queued[0]) if queued else 0)

    def sync_finished(self, error: str | None) -> None:
        """Record how the sync ended (`last_sync` only moves on success)."""
        with self._write() as conn:
            if error is None:
                conn.execute("UPDATE sync_state SET last_sync = ?, last_error = NULL",
                             (time.time(),))
            else:
                conn.execute("UPDATE sync_state SET last_error = ?", (clean_line(error)[:500],))

    # -- the queue -------------------------------------------------------------------------

    def queued(self, changes: Sequence[str] = CHANGES, limit: int = 1000) -> list[Queued]:
        """The oldest queued changes of these kinds, in the order they were made."""
        rows = self._all(f"SELECT seq, item, change FROM sync_queue WHERE change IN "
                         f"({','.join('?' * len(changes))}) ORDER BY seq LIMIT ?",
                         (*changes, limit))
        return [Queued(int(r[0]), str(r[1]), str(r[2])) for r in rows]

    def queue_subscribe(self, url: str, tags: Sequence[str] = ()) -> bool:
        """Queue subscribing the server to the feed at `url` (unless it is synced already),
        and labelling it there: with `tags` (in their order: a server that holds a feed in
        one category keeps the last), after the feed's other tags when it is new there.
        Inside the caller's transaction when there is one (`subscribe` adds the feed in
        it). Returns whether anything was queued."""
        with self._write() as conn:
            row = conn.execute("SELECT id, remote_id FROM feeds WHERE url = ? AND kind = 'feed'",
                               (url,)).fetchone()
            if row is None:
                return False
            stored = {str(t).casefold(): str(t) for (t,) in conn.execute(
                "SELECT tag FROM feed_tags WHERE feed_id = ? ORDER BY tag", (row[0],))}
            given = list(dict.fromkeys(stored[f] for t in tags
                                       if (f := clean_line(t)[:100].casefold()) in stored))
            labels = given
            if row[1] is None:
                labels = [t for t in stored.values() if t not in given] + given
                if conn.execute("SELECT 1 FROM sync_queue WHERE change = 'subscribe' AND "
                                "item = ?", (url,)).fetchone() is None:
                    _queue(conn, "subscribe", url)
            for label in labels:   # queued again: it moves to the end
                item = json.dumps([url, label])
                conn.execute("DELETE FROM sync_queue WHERE change = 'label' AND item = ?",
                             (item,))
                _queue(conn, "label", item)
            return row[1] is None or bool(labels)

    def queue_unsubscribe(self, url: str, remote_id: str | None) -> bool:
        """Queue unsubscribing the server from a feed removed here (by its server id), and
        forget what is still queued to subscribe it or label it. Returns whether the server
        will hear of it (False: it never had it)."""
        with self._write() as conn:
            conn.execute("DELETE FROM sync_queue WHERE change = 'subscribe' AND item = ?",
                         (url,))
            conn.executemany("DELETE FROM sync_queue WHERE seq = ?", [
                (seq,) for seq, item in conn.execute(
                    "SELECT seq, item FROM sync_queue WHERE change = 'label'")
                if label_target(str(item))[0] == url])
            if remote_id is None:
                return False
            _queue(conn, "unsubscribe", remote_id)
            return True

    def link_remote(self, url: str, remote_id: str) -> bool:
        """Make the feed at `url` the server's feed `remote_id` (just subscribed there);
        False when another feed here already is."""
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM feeds WHERE remote_id = ? AND url != ?",
                            (remote_id, url)).fetchone() is not None:
                return False
            conn.execute("UPDATE feeds SET remote_id = ? WHERE url = ? AND kind = 'feed'",
                         (remote_id, url))
            return True

    def unqueue(self, seqs: Iterable[int]) -> None:
        """Forget changes the server has taken."""
        with self._write() as conn:
            conn.executemany("DELETE FROM sync_queue WHERE seq = ?", [(s,) for s in seqs])

    # -- what the server holds ------------------------------------------------------------

    def sync_feeds(self, feeds: Sequence[SyncedFeed]) -> dict[str, int]:
        """Make the library's synced feeds the server's: add new ones (a feed already followed
        here, by URL, becomes synced), update titles and tags (the server's groups), and
        unsubscribe those the server no longer lists (starred articles stay, as `remove`
        keeps them). Returns feed ids by the server's feed id."""
        wanted = {f.remote_id: (url, f) for f in feeds if (url := safe_url(f.url))}
        ids: dict[str, int] = {}
        with self._write() as conn:
            known = {str(r[0]): int(r[1]) for r in conn.execute(
                "SELECT remote_id, id FROM feeds WHERE remote_id IS NOT NULL")}
            for remote_id, (url, feed) in wanted.items():
                title = clean_line(feed.title)[:MAX_TITLE]
                link = safe_url(feed.link)
                feed_id = known.get(remote_id)
                if feed_id is None:
                    row = conn.execute("SELECT id FROM feeds WHERE url = ? AND kind != 'local'",
                                       (url,)).fetchone()
                    if row is not None:
                        feed_id = int(row[0])
                        conn.execute("UPDATE feeds SET remote_id = ?, kind = 'feed' "
                                     "WHERE id = ?", (remote_id, feed_id))
                    else:
                        feed_id = int(conn.execute(
                            """INSERT INTO feeds (url, title, link, added, remote_id)
                               VALUES (?, ?, ?, ?, ?) RETURNING id""",
                            (url, title, link, time.time(), remote_id),
                        ).fetchone()[0])
                conn.execute("""UPDATE feeds SET title = coalesce(user_title, CASE WHEN
                                ? != '' THEN ? ELSE title END), link = coalesce(?, link)
                                WHERE id = ?""",
                             (title, title, link, feed_id))
                self.set_tags(feed_id, feed.tags)
                ids[remote_id] = feed_id
            for remote_id, feed_id in known.items():
                if remote_id not in wanted:
                    conn.execute("UPDATE feeds SET remote_id = NULL WHERE id = ?", (feed_id,))
                    self.remove_feed(feed_id)
        return ids

    def store_synced(self, rows: Mapping[int, tuple[Sequence[tuple[Any, ...]], Sequence[str]]],
                     flags: dict[str, tuple[bool, bool]], cursor: str | None) -> int:
        """Store one page of the server's items and move the cursor past it, all at once.

        `rows` are `prepare_entries` rows (keys `i:<item id>`) and their search texts by feed
        id (new entries are indexed from those: `store_prepared`); `flags` the server's (read,
        starred) by item id, applied unless a change made here is still queued for that
        item. An entry this library had before the feed was synced (a
        standalone feed the server also has) becomes the server's item, found by its link.
        Returns how many entries are new.
        """
        new = 0
        current: dict[str, tuple[int, bool, bool]] = {}
        with self._write() as conn, _quiet(conn):
            for feed_id, (prepared, texts) in rows.items():
                if conn.execute(_FETCHED_HERE, (feed_id, ITEM_PREFIX, _AFTER_ITEMS)).fetchone()[0]:
                    conn.executemany(
                        """UPDATE entries SET key = ? WHERE feed_id = ? AND link = ?
                           AND substr(key, 1, 2) != ? AND NOT EXISTS
                               (SELECT 1 FROM entries o WHERE o.feed_id = ? AND o.key = ?)""",
                        [(p[0], feed_id, p[2], ITEM_PREFIX, feed_id, p[0])
                         for p in prepared if p[2]])
                new += self.store_prepared(feed_id, prepared, search_texts=texts)
                keys = [p[0] for p in prepared if str(p[0])[len(ITEM_PREFIX):] in flags]
                for key, entry_id, read, starred in conn.execute(   # CROSS: by the unique index
                        """SELECT e.key, e.id, e.read, e.starred FROM json_each(?) j
                           CROSS JOIN entries e ON e.feed_id = ? AND e.key = j.value""",
                        (json.dumps(keys), feed_id)):
                    current[str(key)[len(ITEM_PREFIX):]] = (int(entry_id), bool(read),
                                                            bool(starred))
            _set_state(conn, flags, current)
            conn.execute("UPDATE sync_state SET cursor = ?", (cursor,))
        return new

    def apply_server_state(self, unread: set[str], starred: set[str]) -> int:
        """Make read and starred match the server's lists for every synced entry, except what
        a change made here still waits to send. Returns how many entries changed."""
        with self._write() as conn, _quiet(conn):
            current = {str(r[0]): (int(r[1]), bool(r[2]), bool(r[3])) for r in conn.execute(
                """SELECT substr(e.key, 3), e.id, e.read, e.starred
                   FROM entries e JOIN feeds f ON f.id = e.feed_id
                   WHERE f.remote_id IS NOT NULL AND substr(e.key, 1, 2) = ?""",
                (ITEM_PREFIX,))}
            flags = {item: (item not in unread, item in starred) for item in current}
            return _set_state(conn, flags, current)


def label_target(item: str) -> tuple[str, str]:
    """A queued `label` change's feed URL and label."""
    try:
        url, label = json.loads(item)
    except ValueError:
        return "", ""
    return str(url), str(label)


def _queue(conn: sqlite3.Connection, change: str, item: str) -> None:
    conn.execute("INSERT INTO sync_queue (item, change, made) VALUES (?, ?, ?)",
                 (item, change, time.time()))


def _set_state(conn: sqlite3.Connection, flags: dict[str, tuple[bool, bool]],
               current: dict[str, tuple[int, bool, bool]]) -> int:
    """Set (read, starred) from `flags` on the entries in `current` (id, read, starred by
    item), leaving a field that a queued change of this library will set; return how many
    entries changed."""
    pending: dict[str, set[str]] = {}
    for item, change in conn.execute("SELECT item, change FROM sync_queue WHERE change IN "
                                     f"({','.join('?' * len(CHANGES))})", CHANGES):
        pending.setdefault(str(item), set()).add("star" if "star" in change else "read")
    reads: list[tuple[int, int]] = []
    stars: list[tuple[int, int]] = []
    for item, (read, star) in flags.items():
        now = current.get(item)
        if now is None:
            continue
        waiting = pending.get(item, set())
        if now[1] != read and "read" not in waiting:
            reads.append((int(read), now[0]))
        if now[2] != star and "star" not in waiting:
            stars.append((int(star), now[0]))
    conn.executemany("UPDATE entries SET read = ? WHERE id = ?", reads)
    conn.executemany("UPDATE entries SET starred = ? WHERE id = ?", stars)
    return len({i for _, i in reads} | {i for _, i in stars})


@contextmanager
def _quiet(conn: sqlite3.Connection) -> Iterator[None]:
    """Inside a write transaction: changes made here are the server's, not queued."""
    conn.execute("INSERT INTO sync_quiet (applying) VALUES (1)")
    try:
        yield
    finally:
        conn.execute("DELETE FROM sync_quiet")

"""The offline library: feeds, entries, read state and full-text search in one SQLite file.

Every write is a short `BEGIN IMMEDIATE` transaction, so a refresh in one process and the
reader marking articles read in another never deadlock (reliability notes 3.6, case 54), and
a killed process loses only the transaction it was in (case 55).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reader.article.model import Article
from reader.errors import BylineError
from reader.library.schema import migrate
from reader.library.search import HIT_END, HIT_START, fts_query, split_snippet
from reader.library.search_text import (
    html_to_text,
    line_reading_minutes,
    reading_minutes,
)
from reader.sanitize import clean_line, clean_text, safe_url

LOCAL_FEED_URL = "byline:local"
LOCAL_LABEL = "Local files"
REMOVED_LABEL = "Removed feeds"   # what `remove` kept of feeds no longer subscribed
MAX_TITLE = 500  # characters of a title kept (case 33)
BUSY_TIMEOUT_MS = 10_000
FULL_CHECK_MAX_BYTES = 64 * 1024 * 1024  # below this, every open runs PRAGMA quick_check
SEARCH_WINDOW = 5000  # matches of one query that are ranked, newest first


@dataclass
class SourceRow:
    """A line of the library screen; keys: all, unread, starred, local, removed, feed:<id>,
    tag:<name> (and, for lists, ids:<id>,<id>…)."""

    key: str
    label: str
    unread: int
    total: int


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


@dataclass
class SearchHit:
    """A search result; `spans` are the matched ranges inside `snippet`."""

    entry_id: int
    title: str
    source: str
    snippet: str
    rank: float
    spans: list[tuple[int, int]] = field(default_factory=list)
    url: str | None = None
    published: str | None = None


@dataclass
class FeedRow:
    """A subscription with its last fetch status and counts."""

    id: int
    url: str
    title: str
    link: str | None
    tags: list[str]
    last_status: str | None
    last_error: str | None
    last_fetched: float | None
    unread: int
    total: int
    gone: bool
    etag: str | None = None
    last_modified: str | None = None
    retry_after_until: float | None = None
    failures: int = 0
    permanent_url: str | None = None
    redirect_count: int = 0

    @property
    def label(self) -> str:
        return self.title or self.url


@dataclass
class Removed:
    """What `remove_feed` did: the feed, and how many of its articles it kept and deleted."""

    feed: FeedRow
    kept: int
    deleted: int


@dataclass
class NewEntry:
    """An entry as refresh hands it to the store (already cleaned of controls)."""

    key: str
    title: str
    raw: str
    guid: str | None = None
    link: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    published_raw: str | None = None
    raw_kind: str = "html"  # 'html', 'text' or 'markdown'
    summary_only: bool = False


class Library:
    """The library API shared by the CLI commands, refresh and the TUI (thread-safe)."""

    def __init__(self, conn: sqlite3.Connection, path: Path, *,
                 extra_rules: dict[str, Any] | None = None, notice: str | None = None) -> None:
        self._conn = conn
        self._lock = threading.RLock()
        self.path = path
        self.extra_rules = extra_rules
        #: Taken around each write transaction when several processes write at once (a
        #: refresh's workers share a `multiprocessing.Lock`); SQLite's busy timeout still
        #: covers any other process.
        self.write_lock: Any = None
        #: A warning for the user from opening (a damaged file was set aside), else None.
        self.notice = notice

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, extra_rules: dict[str, Any] | None = None,
             check: bool = True) -> Library:
        """Open (creating and migrating) the library at `path`.

        A damaged file is moved aside to `<name>.corrupt-<timestamp>` and a new library is
        started; `notice` then says so. Nothing is ever deleted. `check=False` skips the
        integrity check, for a second connection of a process that just made it.
        """
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BylineError(f"cannot create {path.parent}: {exc.strerror or exc}") from None
        notice = None
        try:
            conn = _connect(path, check=check)
        except _Corrupt as exc:
            backup = _set_aside(path)
            notice = (f"the library {path} was damaged ({exc}); it was moved to {backup} "
                      "and a new, empty library was started")
            conn = _connect(path, check=False)
        return cls(conn, path, extra_rules=extra_rules, notice=notice)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def checkpoint(self) -> None:
        """Copy committed pages from the write-ahead log into the database file (a passive
        checkpoint: writers carry on meanwhile)."""
        # Busy or read-only: SQLite's next checkpoint does it.
        with self._lock, suppress(sqlite3.OperationalError):
            self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def leave_checkpoints(self) -> None:
        """Do not copy the log into the database after commits on this connection (the
        process that writes while another one checkpoints, see `checkpoint`)."""
        with self._lock:
            self._conn.execute("PRAGMA wal_autocheckpoint = 0")

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Group several writes into one transaction (all or nothing); yields the connection
        for the library's own modules (retention)."""
        with self._write() as conn:
            yield conn

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """The connection, held for this thread, outside any transaction (for reads and for
        maintenance that cannot run in one, such as VACUUM)."""
        with self._lock:
            yield self._conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A short write transaction taken with `BEGIN IMMEDIATE` (no lock upgrade deadlocks);
        inside `transaction()` it joins the open one.

        Entries inserted by the transaction are added to the search index just before it
        commits, in one statement (2.5x faster than a trigger per row). Entry ids only grow
        within a transaction: nothing here deletes the newest entry and inserts in the same one.
        """
        with self._lock:
            conn = self._conn
            if conn.in_transaction:
                yield conn
                return
            with self._writers_turn():
                try:
                    conn.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError as exc:
                    if conn.in_transaction:  # begun, then interrupted
                        conn.execute("ROLLBACK")
                    raise LibraryBusy(f"the library is busy ({exc}); try again") from None
                try:
                    newest = conn.execute("SELECT coalesce(max(id), 0) FROM entries").fetchone()[0]
                    yield conn
                    conn.execute("INSERT INTO entries_fts(rowid, title, text) "
                                 "SELECT id, title, text FROM entries WHERE id > ?", (newest,))
                    conn.execute("COMMIT")
                except BaseException as exc:
                    if conn.in_transaction:  # SQLite may have rolled back already (disk full)
                        conn.execute("ROLLBACK")
                    if isinstance(exc, sqlite3.OperationalError):
                        raise BylineError(f"cannot write the library {self.path}: {exc}") from None
                    raise

    @contextmanager
    def _writers_turn(self) -> Iterator[None]:
        """Hold `write_lock`, when there is one, for a whole write transaction."""
        lock = self.write_lock
        if lock is None:
            yield
            return
        if not lock.acquire(timeout=BUSY_TIMEOUT_MS / 1000):
            raise LibraryBusy("the library is busy (another writer held it); try again")
        try:
            yield
        finally:
            lock.release()

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """The rows of a read-only query (for the library's own modules: retention)."""
        return self._all(sql, params)

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        with self._lock:
            row: sqlite3.Row | None = self._conn.execute(sql, params).fetchone()
            return row

    # -- the library screen --------------------------------------------------------------

    def is_empty(self) -> bool:
        """True when there is no subscription and no article."""
        return self._one("SELECT 1 FROM entries LIMIT 1") is None and not self.feeds()

    def sources(self) -> list[SourceRow]:
        """All, unread, starred, local files, then every feed and every tag, with counts."""
        counts = self._all(
            "SELECT feed_id, read, starred, count(*) FROM entries GROUP BY feed_id, read, starred")
        per_feed: dict[int, list[int]] = {}
        total = unread = starred = starred_unread = 0
        for feed_id, read, star, n in counts:
            slot = per_feed.setdefault(feed_id, [0, 0])
            slot[1] += n
            total += n
            if not read:
                slot[0] += n
                unread += n
            if star:
                starred += n
                starred_unread += 0 if read else n
        local = self._one("SELECT id FROM feeds WHERE kind = 'local'")
        local_counts = per_feed.get(local[0], [0, 0]) if local else [0, 0]
        rows = [
            SourceRow("all", "All articles", unread, total),
            SourceRow("unread", "Unread", unread, unread),
            SourceRow("starred", "Starred", starred_unread, starred),
            SourceRow("local", LOCAL_LABEL, local_counts[0], local_counts[1]),
        ]
        removed = [per_feed.get(r[0], [0, 0])
                   for r in self._all("SELECT id FROM feeds WHERE kind = 'removed'")]
        if any(total for _, total in removed):
            rows.append(SourceRow("removed", REMOVED_LABEL, sum(u for u, _ in removed),
                                  sum(t for _, t in removed)))
        tags: dict[str, tuple[str, list[int]]] = {}   # folded -> (spelling, counts)
        for feed in self.feeds():
            c = per_feed.get(feed.id, [0, 0])
            rows.append(SourceRow(f"feed:{feed.id}", feed.label, c[0], c[1]))
            for folded, tag in {t.casefold(): t for t in feed.tags}.items():   # any case: one
                _, slot = tags.setdefault(folded, (tag, [0, 0]))
                slot[0] += c[0]
                slot[1] += c[1]
        rows.extend(SourceRow(f"tag:{name}", name, c[0], c[1])
                    for _, (name, c) in sorted(tags.items()))
        return rows

    def count(self, source_key: str) -> int:
        where, params = _source_filter(source_key)
        row = self._one(f"SELECT count(*) FROM entries e WHERE {where}", params)
        return int(row[0]) if row else 0

    def entries(self, source_key: str, *, limit: int, offset: int = 0) -> list[EntryRow]:
        """A page of a source's entries, newest first."""
        where, params = _source_filter(source_key)
        # The page's ids come from the index alone; only those rows are then read.
        rows = self._all(
            f"""SELECT e.id, e.title, f.title, f.url, e.published, e.read, e.starred,
                       e.reading_minutes, e.link
                FROM entries e JOIN feeds f ON f.id = e.feed_id
                WHERE e.id IN (SELECT e.id FROM entries e WHERE {where}
                               ORDER BY e.sort_time DESC, e.id DESC LIMIT ? OFFSET ?)
                ORDER BY e.sort_time DESC, e.id DESC""",
            (*params, max(0, limit), max(0, offset)),
        )
        return [
            EntryRow(r[0], r[1], r[2] or r[3], r[4], bool(r[5]), bool(r[6]), r[7], r[8])
            for r in rows
        ]

    def entry_ids(self, source_key: str) -> list[int]:
        """Every id of a source, newest first (100,000 in about 50 ms)."""
        where, params = _source_filter(source_key)
        with self._lock:
            cursor = self._conn.cursor()
            cursor.row_factory = None  # plain tuples: no Row object per id
            cursor.execute(f"SELECT e.id FROM entries e WHERE {where} "
                           "ORDER BY e.sort_time DESC, e.id DESC", params)
            return [r[0] for r in cursor]

    # -- one article -----------------------------------------------------------------------

    def article(self, entry_id: int) -> Article:
        """The cleaned article (built from the stored original on first open), `.raw` filled."""
        row = self._one(
            """SELECT e.title, e.link, e.authors, e.published, e.raw, e.raw_kind, e.page,
                      e.article, f.url
               FROM entries e JOIN feeds f ON f.id = e.feed_id WHERE e.id = ?""",
            (entry_id,),
        )
        if row is None:
            raise BylineError(f"no article {entry_id} in the library")
        title, link, authors, published, raw, raw_kind, page, cached, feed_url = row
        original = page or raw
        if cached:
            return Article.from_dict(json.loads(cached), raw=original)
        article = build_article(original, "html" if page else raw_kind,
                                source=link or feed_url, url=link, title=title,
                                authors=json.loads(authors), published=published,
                                extra_rules=self.extra_rules)
        self._cache_article(entry_id, article)
        return article

    def entry_meta(self, entry_id: int) -> dict[str, Any]:
        """An entry's feed metadata: title, link, authors (list), published."""
        row = self._one("SELECT title, link, authors, published FROM entries WHERE id = ?",
                        (entry_id,))
        if row is None:
            raise BylineError(f"no article {entry_id} in the library")
        return {"title": row[0], "link": row[1], "authors": json.loads(row[2]),
                "published": row[3]}

    def _cache_article(self, entry_id: int, article: Article) -> None:
        """Keep a built article for next time; a busy library only means building it again."""
        try:
            with self._write() as conn:
                conn.execute("UPDATE entries SET article = ?, reading_minutes = ? WHERE id = ?",
                             (json.dumps(article.to_dict(), ensure_ascii=False),
                              article.reading_minutes, entry_id))
        except BylineError:
            pass

    def find(self, target: str) -> int | None:
        """The entry for an id, an article URL or guid, or a local file path; None if absent."""
        target = _text_path(target.strip())
        if target.isdigit():
            row = self._one("SELECT id FROM entries WHERE id = ?", (int(target),))
            return int(row[0]) if row else None
        row = self._one("SELECT id FROM entries WHERE link = ? ORDER BY id LIMIT 1", (target,))
        if row is None:
            row = self._one("SELECT id FROM entries WHERE guid = ? ORDER BY id LIMIT 1", (target,))
        if row is None and safe_url(target) is None:
            row = self._one(
                """SELECT e.id FROM entries e JOIN feeds f ON f.id = e.feed_id
                   WHERE f.kind = 'local' AND e.key = ?""", (_local_key(target),))
        return int(row[0]) if row else None

    def set_read(self, entry_id: int, read: bool = True) -> None:
        """Mark read or unread; an entry marked unread is kept by retention until read."""
        with self._write() as conn:
            conn.execute("UPDATE entries SET read = ?, kept = ? WHERE id = ?",
                         (int(read), int(not read), entry_id))

    def mark_all_read(self, source_key: str) -> int:
        """Mark every unread entry of a source read; return how many changed."""
        where, params = _source_filter(source_key)
        with self._write() as conn:
            cur = conn.execute(f"UPDATE entries SET read = 1 WHERE read = 0 AND id IN "
                               f"(SELECT e.id FROM entries e WHERE {where})", params)
            return cur.rowcount

    def set_starred(self, entry_id: int, starred: bool) -> None:
        with self._write() as conn:
            conn.execute("UPDATE entries SET starred = ? WHERE id = ?", (int(starred), entry_id))

    def set_position(self, entry_id: int, position: int) -> None:
        with self._write() as conn:
            conn.execute("UPDATE entries SET position = ? WHERE id = ?",
                         (max(0, int(position)), entry_id))

    def position(self, entry_id: int) -> int:
        row = self._one("SELECT position FROM entries WHERE id = ?", (entry_id,))
        return int(row[0]) if row else 0

    def add_local(self, article: Article) -> int:
        """Keep an opened local file under "Local files"; reopening the same path updates it.

        An article that is an entry of a subscribed (or removed) feed, by its link, is not
        copied: its id in that feed is returned (a saved copy of a subscribed feed adds
        nothing twice). Local files sort by their date, else by when they were first opened.
        """
        if _text_path(article.source) != article.source:
            article = replace(article, source=_text_path(article.source))
        key = _local_key(article.source)
        link = safe_url(article.url)
        text = "\n".join(b.text for b in article.blocks)
        now = time.time()
        with self._write() as conn:
            if link is not None:
                known = conn.execute(
                    """SELECT e.id FROM entries e JOIN feeds f ON f.id = e.feed_id
                       WHERE e.link = ? AND f.kind IN ('feed', 'removed')
                       ORDER BY e.id LIMIT 1""", (link,)).fetchone()
                if known is not None:
                    return int(known[0])
            feed_id = self._local_feed_id(conn)
            row = conn.execute(
                """INSERT INTO entries (feed_id, key, link, title, authors, published, sort_time,
                                        first_seen, raw, raw_kind, article, text,
                                        reading_minutes, hash)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'text', ?, ?, ?, ?)
                   ON CONFLICT (feed_id, key) DO UPDATE SET
                       link = excluded.link, title = excluded.title, authors = excluded.authors,
                       published = excluded.published, raw = excluded.raw,
                       sort_time = CASE WHEN excluded.published IS NULL THEN sort_time
                                        ELSE excluded.sort_time END,
                       article = excluded.article, text = excluded.text,
                       reading_minutes = excluded.reading_minutes, hash = excluded.hash
                   RETURNING id""",
                (feed_id, key, link, clean_line(article.title)[:MAX_TITLE],
                 json.dumps(article.authors), article.published,
                 sort_time(article.published, now), now,
                 clean_text(article.raw), json.dumps(article.to_dict(), ensure_ascii=False),
                 clean_text(text), article.reading_minutes, _digest(article.raw)),
            ).fetchone()
        return int(row[0])

    def _local_feed_id(self, conn: sqlite3.Connection) -> int:
        row = conn.execute("SELECT id FROM feeds WHERE kind = 'local'").fetchone()
        if row:
            return int(row[0])
        cur = conn.execute("INSERT INTO feeds (url, kind, title, added) VALUES (?, 'local', ?, ?)",
                           (LOCAL_FEED_URL, LOCAL_LABEL, time.time()))
        return int(cur.lastrowid or 0)

    # -- search ----------------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """Ranked full-text search (bm25, a title match weighs ten body matches).

        Any input is a valid query (see `fts_query`). A term that matches a large part of
        the library is ranked among its newest `SEARCH_WINDOW` matches only, which keeps a
        search for a very common word fast on a big library.
        """
        match = fts_query(query)
        if match is None:
            return []
        try:
            rows = self._all(
                f"""SELECT e.id, e.title, f.title, f.url,
                           snippet(entries_fts, 1, '{HIT_START}', '{HIT_END}', '…', 16),
                           rank, e.link, e.published
                    FROM entries_fts JOIN entries e ON e.id = entries_fts.rowid
                    JOIN feeds f ON f.id = e.feed_id
                    WHERE entries_fts MATCH ?1 AND entries_fts.rowid >= coalesce(
                        (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?1
                         ORDER BY rowid DESC LIMIT 1 OFFSET ?2), 0)
                    ORDER BY rank LIMIT ?3""",
                (match, SEARCH_WINDOW - 1, max(1, limit)),
            )
        except sqlite3.OperationalError as exc:
            raise BylineError(f"cannot search for {query!r}: {exc}") from None
        hits = []
        for r in rows:
            snippet, spans = split_snippet(r[4] or "")
            hits.append(SearchHit(r[0], r[1], r[2] or r[3], snippet.replace("\n", " "), r[5],
                                  spans, r[6], r[7]))
        return hits

    # -- subscriptions ---------------------------------------------------------------------

    def feeds(self) -> list[FeedRow]:
        """Every subscription (not the local-files pseudo-feed), in title order."""
        rows = self._all(
            """SELECT f.*, coalesce(c.unread, 0), coalesce(c.total, 0),
                      (SELECT group_concat(tag, char(31)) FROM
                          (SELECT tag FROM feed_tags t WHERE t.feed_id = f.id ORDER BY tag))
               FROM feeds f LEFT JOIN
                   (SELECT feed_id, sum(read = 0) AS unread, count(*) AS total
                    FROM entries GROUP BY feed_id) c ON c.feed_id = f.id
               WHERE f.kind = 'feed' ORDER BY lower(coalesce(nullif(f.title, ''), f.url)), f.id""")
        return [_feed_row(r) for r in rows]

    def feed(self, url_or_id: str | int) -> FeedRow | None:
        """One subscription by URL (or id); None when not subscribed."""
        return next((row for row in self.feeds() if url_or_id in (row.id, row.url)), None)

    def add_feed(self, url: str, *, title: str = "", tags: Iterable[str] = (),
                 link: str | None = None) -> int:
        """Subscribe (idempotent: an existing feed keeps its state and gains the tags)."""
        checked = safe_url(url)
        if checked is None:
            raise BylineError(f"not an http(s) feed URL: {clean_line(url)[:200]}")
        with self._write() as conn:
            conn.execute(
                """INSERT INTO feeds (url, title, link, added) VALUES (?, ?, ?, ?)
                   ON CONFLICT (url) DO UPDATE SET kind = 'feed',
                       title = CASE WHEN excluded.title != '' THEN excluded.title ELSE title END,
                       link = coalesce(excluded.link, link)""",
                (checked, clean_line(title)[:MAX_TITLE], safe_url(link), time.time()))
            feed_id = int(conn.execute("SELECT id FROM feeds WHERE url = ?", (checked,))
                          .fetchone()[0])
            conn.executemany("INSERT OR IGNORE INTO feed_tags (feed_id, tag) VALUES (?, ?)",
                             [(feed_id, t) for t in _clean_tags(tags, conn)])
        return feed_id

    def starred_count(self, feed_id: int) -> int:
        """How many of a feed's entries are starred."""
        row = self._one("SELECT count(*) FROM entries WHERE feed_id = ? AND starred = 1",
                        (feed_id,))
        return int(row[0]) if row else 0

    def find_feeds(self, target: str) -> list[FeedRow]:
        """The subscriptions `target` names: its URL, its id, or its title (any case)."""
        target = target.strip()
        feeds = self.feeds()
        for match in (lambda f: f.url == target, lambda f: str(f.id) == target,
                      lambda f: f.title.casefold() == target.casefold()):
            found = [f for f in feeds if match(f)]
            if found:
                return found
        return []

    def remove_feed(self, url_or_id: str | int, *, keep_all: bool = False) -> Removed | None:
        """Unsubscribe. Starred entries (every entry with `keep_all`) stay readable under
        "Removed feeds" (and Starred); the others are deleted. None when not subscribed."""
        feed = self.feed(url_or_id if isinstance(url_or_id, int) else url_or_id.strip())
        if feed is None:
            return None
        with self._write() as conn:
            deleted = 0 if keep_all else conn.execute(
                "DELETE FROM entries WHERE feed_id = ? AND starred = 0", (feed.id,)).rowcount
            kept = conn.execute("SELECT count(*) FROM entries WHERE feed_id = ?",
                                (feed.id,)).fetchone()[0]
            if kept:
                conn.execute("DELETE FROM feed_tags WHERE feed_id = ?", (feed.id,))
                conn.execute("""UPDATE feeds SET kind = 'removed', etag = NULL,
                                last_modified = NULL, retry_after_until = NULL WHERE id = ?""",
                             (feed.id,))
            else:
                conn.execute("DELETE FROM feeds WHERE id = ?", (feed.id,))
        return Removed(feed, kept, deleted)

    def set_tags(self, feed_id: int, tags: Iterable[str]) -> None:
        with self._write() as conn:
            cleaned = _clean_tags(tags, conn)   # spelt as before, this feed's own included
            conn.execute("DELETE FROM feed_tags WHERE feed_id = ?", (feed_id,))
            conn.executemany("INSERT OR IGNORE INTO feed_tags (feed_id, tag) VALUES (?, ?)",
                             [(feed_id, t) for t in cleaned])

    # -- refresh bookkeeping ---------------------------------------------------------------

    def store_entries(self, feed_id: int, entries: Iterable[NewEntry], *, title: str = "",
                      link: str | None = None, etag: str | None = None,
                      last_modified: str | None = None, problems: Sequence[str] = ()) -> int:
        """Upsert a fetched feed's entries and its status in one transaction; return new count.

        Entries are deduplicated by key (first wins); a changed entry is updated in place and
        keeps its read, starred and position state.
        """
        return self.store_prepared(feed_id, prepare_entries(entries, time.time()), title=title,
                                   link=link, etag=etag, last_modified=last_modified,
                                   problems=problems)

    def store_prepared(self, feed_id: int, prepared: Sequence[tuple[Any, ...]], *,
                       title: str = "", link: str | None = None, etag: str | None = None,
                       last_modified: str | None = None, problems: Sequence[str] = ()) -> int:
        """`store_entries` for rows from `prepare_entries` (which refresh runs in workers)."""
        now = time.time()
        with self._write() as conn:
            existing = dict(conn.execute("SELECT key, hash FROM entries WHERE feed_id = ?",
                                         (feed_id,)).fetchall())
            dropped = {r[0] for r in conn.execute("SELECT key FROM dropped WHERE feed_id = ?",
                                                  (feed_id,))}
            if dropped:  # retention deleted them: not new again; forget those the feed left
                carried = {p[0] for p in prepared}
                conn.executemany("DELETE FROM dropped WHERE feed_id = ? AND key = ?",
                                 [(feed_id, k) for k in dropped - carried])
            inserts = [(feed_id, *p) for p in prepared
                       if p[0] not in existing and p[0] not in dropped]
            updates = [p for p in prepared if p[0] in existing and existing[p[0]] != p[-1]]
            conn.executemany(
                """INSERT INTO entries (feed_id, key, guid, link, title, authors, published,
                       published_raw, sort_time, first_seen, raw, raw_kind, summary_only, text,
                       reading_minutes, hash)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", inserts)
            conn.executemany(
                """UPDATE entries SET guid = ?, link = ?, title = ?, authors = ?, published = ?,
                       published_raw = ?, sort_time = CASE WHEN ? IS NULL THEN sort_time ELSE ?
                       END, raw = ?, raw_kind = ?, summary_only = ?, text = ?,
                       reading_minutes = ?, hash = ?, article = NULL, page = NULL
                   WHERE feed_id = ? AND key = ?""",
                [(p[1], p[2], p[3], p[4], p[5], p[6], p[5], p[7], p[9], p[10], p[11], p[12],
                  p[13], p[14], feed_id, p[0]) for p in updates])
            new = len(inserts)
            conn.execute(
                """UPDATE feeds SET title = CASE WHEN ? != '' THEN ? ELSE title END,
                       link = coalesce(?, link), etag = ?, last_modified = ?,
                       last_status = ?, last_error = ?, last_fetched = ?, failures = 0,
                       retry_after_until = NULL, gone = 0 WHERE id = ?""",
                (clean_line(title)[:MAX_TITLE], clean_line(title)[:MAX_TITLE], safe_url(link),
                 etag, last_modified, "ok" if not problems else "ok, with problems",
                 clean_line("; ".join(problems))[:500] or None, now, feed_id))
        return new

    def record_not_modified(self, feed_id: int) -> None:
        """A 304: only the status changes."""
        with self._write() as conn:
            conn.execute("""UPDATE feeds SET last_status = 'not modified', last_error = NULL,
                            last_fetched = ?, failures = 0, retry_after_until = NULL, gone = 0
                            WHERE id = ?""", (time.time(), feed_id))

    def record_failure(self, feed_id: int, error: str, *, retry_after_until: float | None = None,
                       gone: bool = False) -> None:
        """A failed fetch or parse: status and reason only; stored entries are untouched."""
        with self._write() as conn:
            conn.execute("""UPDATE feeds SET last_status = ?, last_error = ?, last_fetched = ?,
                            failures = failures + 1, retry_after_until = ?, gone = ?
                            WHERE id = ?""",
                         ("gone" if gone else "error", clean_line(error)[:500], time.time(),
                          retry_after_until, int(gone), feed_id))

    def record_redirect(self, feed_id: int, new_url: str | None, *, moves_after: int = 3) -> str:
        """Count permanent redirects to `new_url`; after `moves_after` in a row, move the feed.

        Returns the feed's URL afterwards. A fetch without a permanent redirect (`new_url`
        None) resets the count.
        """
        target = safe_url(new_url)
        with self._write() as conn:
            url, previous, count = conn.execute(
                "SELECT url, permanent_url, redirect_count FROM feeds WHERE id = ?",
                (feed_id,)).fetchone()
            if target is None or target == url:
                conn.execute("UPDATE feeds SET permanent_url = NULL, redirect_count = 0 "
                             "WHERE id = ?", (feed_id,))
                return str(url)
            count = count + 1 if previous == target else 1
            taken = conn.execute("SELECT 1 FROM feeds WHERE url = ?", (target,)).fetchone()
            if count >= moves_after and not taken:
                conn.execute("UPDATE feeds SET url = ?, permanent_url = NULL, redirect_count = 0 "
                             "WHERE id = ?", (target, feed_id))
                return target
            conn.execute("UPDATE feeds SET permanent_url = ?, redirect_count = ? WHERE id = ?",
                         (target, count, feed_id))
            return str(url)

    def summary_only_entries(self, feed_ids: Sequence[int] | None = None) -> list[tuple[int, str]]:
        """(entry id, link) of entries that carry only a summary and have no fetched page."""
        sql = ("SELECT id, link FROM entries WHERE summary_only = 1 AND page IS NULL "
               "AND link IS NOT NULL")
        params: tuple[Any, ...] = ()
        if feed_ids is not None:
            sql += f" AND feed_id IN ({','.join('?' * len(feed_ids))})"
            params = tuple(feed_ids)
        return [(r[0], r[1]) for r in self._all(sql + " ORDER BY sort_time DESC", params)]

    def store_page(self, entry_id: int, page_html: str, article: Article) -> None:
        """Cache the linked page of a summary-only entry and the article cleaned from it."""
        with self._write() as conn:
            conn.execute("""UPDATE entries SET page = ?, article = ?, reading_minutes = ?
                            WHERE id = ?""",
                         (clean_text(page_html), json.dumps(article.to_dict(), ensure_ascii=False),
                          article.reading_minutes, entry_id))


# -- helpers -------------------------------------------------------------------------------


class LibraryBusy(BylineError):
    """Another writer held the library for longer than the busy timeout."""


class _Corrupt(Exception):
    """The file is not a usable SQLite database."""


def feed_count(path: Path) -> int:
    """How many feeds the library at `path` has, from a read-only connection that is closed
    again (0 when there is no readable library); for decisions made before opening it."""
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            return int(conn.execute("SELECT count(*) FROM feeds").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def _needs_full_check(path: Path) -> bool:
    """`PRAGMA quick_check` reads the whole file (0.7 s at 100,000 articles), so it runs when
    it is cheap (a small file) or when damage is plausible: a WAL left behind by a process
    that did not close (crash, kill, power loss) or that is still running."""
    try:
        small = path.stat().st_size < FULL_CHECK_MAX_BYTES
        wal = path.with_name(path.name + "-wal")
        return small or (wal.exists() and wal.stat().st_size > 0)
    except OSError:
        return True


def _connect(path: Path, *, check: bool) -> sqlite3.Connection:
    full_check = check and _needs_full_check(path)
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
    except sqlite3.Error as exc:
        raise BylineError(f"cannot open the library {path}: {exc}") from None
    conn.row_factory = sqlite3.Row
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # 8 KiB pages hold two or three entries (raw + text ≈ 2–3 KB) where 4 KiB pages hold
        # one; storing the refresh benchmark's corpus took 0.5 s instead of 0.8 s. Only a new,
        # empty file takes the setting.
        conn.execute("PRAGMA page_size = 8192")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        if full_check:
            result = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
            if result != ["ok"]:
                raise _Corrupt("; ".join(result)[:200])
        migrate(conn)
    except sqlite3.OperationalError as exc:
        conn.close()
        if "locked" in str(exc) or "busy" in str(exc):
            raise BylineError(f"the library {path} is busy ({exc}); try again") from None
        raise BylineError(f"cannot open the library {path}: {exc}") from None
    except sqlite3.DatabaseError as exc:
        conn.close()
        if not check:
            raise BylineError(f"cannot open the library {path}: {exc}") from None
        raise _Corrupt(str(exc)) from None
    except _Corrupt:
        conn.close()
        raise
    return conn


def _set_aside(path: Path) -> Path:
    """Rename a damaged database (and its WAL files) to `<name>.corrupt-<timestamp>`."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    backup = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while backup.exists():
        n += 1
        backup = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    os.replace(path, backup)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, backup.with_name(backup.name + suffix))
    return backup


def _source_filter(key: str) -> tuple[str, tuple[Any, ...]]:
    """SQL condition on `entries e` for a library source key."""
    if key == "all":
        return "1", ()
    if key == "unread":
        return "e.read = 0", ()
    if key == "starred":
        return "e.starred = 1", ()
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
        return ("e.feed_id IN (SELECT feed_id FROM feed_tags WHERE tag = ? COLLATE NOCASE)",
                (value,))
    raise BylineError(f"unknown library source: {clean_line(key)[:100]}")


def _feed_row(r: sqlite3.Row) -> FeedRow:
    unread, total, tags = r[-3], r[-2], r[-1]
    return FeedRow(
        id=r["id"], url=r["url"], title=r["title"], link=r["link"],
        tags=tags.split("\x1f") if tags else [], last_status=r["last_status"],
        last_error=r["last_error"], last_fetched=r["last_fetched"], unread=unread, total=total,
        gone=bool(r["gone"]), etag=r["etag"], last_modified=r["last_modified"],
        retry_after_until=r["retry_after_until"], failures=r["failures"],
        permanent_url=r["permanent_url"], redirect_count=r["redirect_count"],
    )


def _clean_tags(tags: Iterable[str], conn: sqlite3.Connection) -> list[str]:
    """Tags as stored: cleaned, one per spelling regardless of case, and spelt as the library
    already spells them ("news" from a URL list joins "News" from OPML)."""
    known = {tag.casefold(): tag for (tag,) in
             conn.execute("SELECT DISTINCT tag FROM feed_tags ORDER BY tag")}
    chosen: dict[str, str] = {}
    for tag in tags:
        cleaned = clean_line(tag)[:100]
        if cleaned:
            folded = cleaned.casefold()
            chosen.setdefault(folded, known.get(folded, cleaned))
    return sorted(chosen.values())


def _local_key(source: str) -> str:
    source = _text_path(source)
    return source if safe_url(source) else os.path.abspath(os.path.expanduser(source))


def _text_path(path: str) -> str:
    """`path` storable as text: surrogate escapes (a file name that is not UTF-8) as `\\xNN`."""
    try:
        raw = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = path.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "backslashreplace")


def _digest(*parts: str | None) -> str:
    """SHA-256 of the parts, each followed by a NUL (stored hashes depend on this layout)."""
    joined = "\0".join([part or "" for part in parts]) + "\0"
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()


def sort_time(published: str | None, first_seen: float) -> float:
    """When an entry sorts: its date if plausible (1970 to a day ahead), else first seen."""
    if not published:
        return first_seen
    try:
        moment = datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        return first_seen
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        stamp = moment.timestamp()
    except (OverflowError, ValueError, OSError):
        return first_seen
    return stamp if 0 <= stamp <= first_seen + 86_400 else first_seen


def prepare_entries(entries: Iterable[NewEntry], now: float) -> list[tuple[Any, ...]]:
    """Clean entries into column values for `Library.store_prepared`; first of a key wins.

    Pure CPU work (text cleaning, the search text, hashes), so refresh runs it in its parse
    workers, leaving only SQL for the process that owns the database.
    """
    rows = []
    seen: set[str] = set()
    for entry in entries:
        if entry.key not in seen:
            seen.add(entry.key)
            rows.append(_prepare(entry, now))
    return rows


def _prepare(entry: NewEntry, now: float) -> tuple[Any, ...]:
    """The column values of an entry, in `store_prepared` order, hash last."""
    title = clean_line(entry.title)[:MAX_TITLE]
    raw = clean_text(entry.raw)
    if entry.raw_kind == "html":
        text = html_to_text(raw, cleaned=True)
        minutes = line_reading_minutes(text)
    else:
        text = raw
        minutes = reading_minutes(text)
    names = [name for x in entry.authors if (name := clean_line(x)[:200])]
    joined = '", "'.join(names)
    if not names:
        authors = "[]"
    elif joined.isascii() and joined.isprintable() and '"' not in joined and "\\" not in joined:
        authors = f'["{joined}"]'  # what `json.dumps` writes, for a tenth of its cost
    else:
        authors = json.dumps(names)
    link = safe_url(entry.link)
    guid = clean_line(entry.guid or "")[:2000] or None
    return (
        clean_line(entry.key)[:2000] or _digest(entry.key), guid, link, title, authors,
        entry.published, clean_line(entry.published_raw or "")[:200] or None,
        sort_time(entry.published, now), now, raw, entry.raw_kind, int(entry.summary_only),
        text, minutes,
        _digest(title, link, entry.published, raw, authors),
    )


def build_article(original: str, kind: str, *, source: str, url: str | None, title: str,
                  authors: list[str], published: str | None,
                  extra_rules: dict[str, Any] | None = None) -> Article:
    """Clean a stored original with the article engine, keeping the feed's metadata."""
    from reader.article.build import Meta, from_html, from_text

    meta = Meta(title=title or None, url=url, authors=authors, published=published)
    if kind == "html":
        return from_html(original, source, url=url, meta=meta, extra_rules=extra_rules)
    return from_text(original, source, markdown=kind == "markdown", meta=meta,
                     extra_rules=extra_rules)


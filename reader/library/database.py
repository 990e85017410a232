"""The library file: opening it (checked, migrated, set aside when damaged) and the write
transactions every part of the library uses.

Every write is a short `BEGIN IMMEDIATE` transaction, so a refresh in one process and the
reader marking articles read in another never deadlock (reliability notes 3.6, case 54), and
a killed process loses only the transaction it was in (case 55).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from reader.errors import BylineError
from reader.library.schema import migrate

BUSY_TIMEOUT_MS = 10_000
FULL_CHECK_MAX_BYTES = 64 * 1024 * 1024  # below this, every open runs PRAGMA quick_check


class Database:
    """One connection to the library file, shared by threads, with its write transactions;
    `Library` adds what the library holds (feeds, entries, search)."""

    def __init__(self, conn: sqlite3.Connection, path: Path, *,
                 extra_rules: dict[str, Any] | None = None, notice: str | None = None) -> None:
        self._conn = conn
        self._lock = threading.RLock()
        self.path = path
        self.extra_rules = extra_rules
        #: A feed's own cleaning rules by its URL (`[[feed]] rules`), added to `extra_rules`.
        self.feed_rules: dict[str, dict[str, Any]] = {}
        #: Taken around each write transaction when several processes write at once (a
        #: refresh's workers share a `multiprocessing.Lock`); SQLite's busy timeout still
        #: covers any other process.
        self.write_lock: Any = None
        #: A warning for the user from opening (a damaged file was set aside), else None.
        self.notice = notice
        # In a write transaction: the entries up to this id are in the search index (those
        # after it are added as it commits); `_index_inserted` moves it.
        self._indexed = 0

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, extra_rules: dict[str, Any] | None = None,
             check: bool = True) -> Self:
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

    def __enter__(self) -> Self:
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

        Entries inserted by the transaction are added to the search index and counted in
        `feed_counts` just before it commits, in one statement each (2.5x faster than a
        trigger per row), unless `_index_inserted` indexed them already. Entry ids only grow
        within a transaction: nothing here deletes the newest entry and inserts in the same
        one.
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
                    self._indexed = conn.execute(
                        "SELECT coalesce(max(id), 0) FROM entries").fetchone()[0]
                    _count_new(conn)
                    yield conn
                    conn.execute("INSERT INTO entries_fts(rowid, title, text) "
                                 "SELECT id, title, text FROM entries_search WHERE id > ?",
                                 (self._indexed,))
                    _count_new(conn)
                    conn.execute("COMMIT")
                except BaseException as exc:
                    if conn.in_transaction:  # SQLite may have rolled back already (disk full)
                        conn.execute("ROLLBACK")
                    if isinstance(exc, sqlite3.OperationalError):
                        raise BylineError(f"cannot write the library {self.path}: {exc}") from None
                    raise

    def _index_inserted(self, conn: sqlite3.Connection,
                        rows: Sequence[tuple[str, str]]) -> None:
        """Add to the search index the entries just inserted, in order, from their (title,
        search text) as they were before packing, so that the commit does not unpack them
        again (about 9 µs an entry). Only when the entries not yet indexed are exactly these,
        with the ids that follow the last indexed one; otherwise the commit indexes them as
        usual."""
        if not rows:
            return
        last, count = conn.execute("SELECT max(id), count(*) FROM entries WHERE id > ?",
                                   (self._indexed,)).fetchone()
        if count != len(rows) or last != self._indexed + count:
            return
        conn.executemany("INSERT INTO entries_fts(rowid, title, text) VALUES (?, ?, ?)",
                         [(self._indexed + n, title, text)
                          for n, (title, text) in enumerate(rows, 1)])
        self._indexed = last

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


def _count_new(conn: sqlite3.Connection) -> None:
    """Count in `feed_counts` the entries newer than `counted`, then mark every entry counted.

    At the start of a transaction this finds nothing (unless entries were added behind the
    library's back) and moves `counted` down when the newest entries were deleted; at its
    end it counts the entries the transaction inserted, as they are then. `+feed_id`: the
    entries are found by their ids, not by a walk of the whole feed index in feed order
    (0.05 ms instead of 14 ms at 50,000 articles, 100 ms at 1,000,000, twice a write)."""
    conn.execute(
        """INSERT INTO feed_counts (feed_id, total, unread, starred, starred_unread, hidden,
                                  hidden_unread)
           SELECT feed_id, sum(hidden = 0), sum(hidden = 0 AND read = 0),
                  sum(hidden = 0 AND starred = 1), sum(hidden = 0 AND starred = 1 AND read = 0),
                  sum(hidden = 1), sum(hidden = 1 AND read = 0)
           FROM entries WHERE id > (SELECT id FROM counted) GROUP BY +feed_id
           ON CONFLICT (feed_id) DO UPDATE SET total = total + excluded.total,
               unread = unread + excluded.unread, starred = starred + excluded.starred,
               starred_unread = starred_unread + excluded.starred_unread,
               hidden = hidden + excluded.hidden,
               hidden_unread = hidden_unread + excluded.hidden_unread""")
    conn.execute("""UPDATE counted SET id = (SELECT coalesce(max(id), 0) FROM entries)
                    WHERE id IS NOT (SELECT coalesce(max(id), 0) FROM entries)""")


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
        migrate(conn)  # which also gives the connection the SQL functions of the schema
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

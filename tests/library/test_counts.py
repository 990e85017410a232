"""The per-feed counts (schema 9) agree with the entries through every kind of change."""

from __future__ import annotations

import random
import sqlite3
import time
from pathlib import Path

from reader.article.model import Article
from reader.library import retention
from reader.library.listings import Listing
from reader.library.packing import register
from reader.library.schema import migrate
from reader.library.store import Library, NewEntry


def scanned(lib: Library, key: str) -> int:
    """A source's size the slow way: the ids of its list."""
    return len(lib.entry_ids(key))


def assert_counts_true(lib: Library) -> None:
    kept = {r[0]: tuple(r[1:]) for r in lib.query(
        "SELECT feed_id, total, unread, starred, starred_unread FROM feed_counts")}
    real = {r[0]: tuple(r[1:]) for r in lib.query(
        """SELECT feed_id, count(*), sum(read = 0), sum(starred = 1), sum(starred = 1 AND read = 0)
           FROM entries GROUP BY feed_id""")}
    assert {k: v for k, v in kept.items() if v != (0, 0, 0, 0)} == real
    for row in lib.sources():
        assert row.total == scanned(lib, row.key) == lib.count(row.key), row
        if row.key not in ("unread", "starred"):
            assert row.unread == len(set(lib.entry_ids(row.key)) & set(lib.entry_ids("unread")))
        unread_only = Listing(row.key, unread_only=True)
        scanned_unread = len(lib.listing_ids(unread_only))
        assert lib.listing_counts(unread_only) == (scanned_unread, scanned_unread), row
        slow = Listing(row.key, filter="-title:zzzz")   # a filter counts the entries
        assert lib.listing_counts(Listing(row.key)) == lib.listing_counts(slow), row


def entry(key: str, days_ago: float, words: str = "harbour") -> NewEntry:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - days_ago * 86400))
    return NewEntry(key=key, title=f"Story {key}", raw=f"<p>{words} {key}</p>", published=stamp)


def test_counts_follow_every_change(tmp_path: Path) -> None:
    rng = random.Random(5)
    with Library.open(tmp_path / "library.db") as lib:
        feeds = [lib.add_feed(f"https://f{n}.example/feed", tags=["news"] if n < 2 else [])
                 for n in range(3)]
        for n, feed in enumerate(feeds):
            lib.store_entries(feed, [entry(f"{n}-{i}", i) for i in range(40)])
        assert_counts_true(lib)
        for step in range(60):
            ids = lib.entry_ids("all")
            choice = step % 6
            if choice == 0:
                lib.set_read(rng.choice(ids), rng.random() < 0.7)
            elif choice == 1:
                lib.set_starred(rng.choice(ids), rng.random() < 0.6)
            elif choice == 2:   # a refetch: new entries, changed ones
                feed = rng.choice(feeds)
                n = feeds.index(feed)
                lib.store_entries(feed, [entry(f"{n}-{i}", i, "changed") for i in range(35, 45)])
            elif choice == 3:
                lib.mark_all_read(rng.choice(["tag:news", f"feed:{rng.choice(feeds)}",
                                              "starred"]))
            elif choice == 4:
                lib.add_local(Article(title=f"Note {step}", source=f"/tmp/note{step % 3}.txt",
                                      blocks=[]))
            else:
                retention.apply(lib, retention.Policy(keep_per_feed=rng.randint(20, 40)))
            assert_counts_true(lib)
        lib.remove_feed(feeds[0])                # starred entries stay under Removed feeds
        assert_counts_true(lib)
        lib.remove_feed(feeds[1], keep_all=True)
        assert_counts_true(lib)


def test_a_library_from_before_the_counts_is_counted_on_open(tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, until=8)
    conn.execute("INSERT INTO feeds (id, url, added) VALUES (1, 'https://a.example/', 0), "
                 "(2, 'https://b.example/', 0)")
    conn.executemany(
        "INSERT INTO entries (feed_id, key, sort_time, first_seen, read, starred) "
        "VALUES (?, ?, 0, 0, ?, ?)",
        [(1 + i % 2, f"k{i}", i % 3 == 0, i % 5 == 0) for i in range(30)])
    conn.close()
    with Library.open(path) as lib:
        assert_counts_true(lib)
        assert lib.count("all") == 30 and lib.count("unread") == 20 and lib.count("starred") == 6


def test_entries_changed_in_the_transaction_that_inserted_them(tmp_path: Path) -> None:
    with Library.open(tmp_path / "library.db") as lib:
        feed = lib.add_feed("https://one.example/feed")
        lib.store_entries(feed, [entry(f"old{i}", i) for i in range(5)])
        with lib.transaction():
            lib.store_entries(feed, [entry(f"new{i}", i) for i in range(5)])
            newest = lib.entry_ids("all")
            lib.set_read(newest[0], True)
            lib.set_starred(newest[1], True)
            retention.apply(lib, retention.Policy(keep_per_feed=8))   # deletes new and old
        assert_counts_true(lib)
        # The newest entries deleted, then new ones (which take their ids) in a later one.
        top = max(lib.entry_ids("all"))
        with lib.transaction() as conn:
            conn.execute("DELETE FROM entries WHERE id >= ?", (top - 1,))
        lib.store_entries(feed, [entry(f"later{i}", i) for i in range(3)])
        assert_counts_true(lib)


def test_entries_added_or_deleted_behind_the_librarys_back(
        tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    with Library.open(path) as lib:
        feed = lib.add_feed("https://one.example/feed")
        lib.store_entries(feed, [entry("a", 1)])
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("INSERT INTO entries (feed_id, key, sort_time, first_seen) VALUES (?, 'b', 0, 0)",
                 (feed,))
    conn.close()
    with Library.open(path) as lib:
        lib.set_read(lib.entry_ids("all")[0], True)
        assert_counts_true(lib)
    conn = sqlite3.connect(path, isolation_level=None)   # the newest entry deleted
    register(conn)  # the delete trigger unpacks the text it takes out of the search index
    conn.execute("DELETE FROM entries WHERE key = 'b'")
    conn.close()
    with Library.open(path) as lib, lib.transaction():
        lib.store_entries(feed, [entry("c", 1)])       # takes the deleted entry's id
        lib.set_starred(lib.find("c"), True)            # type: ignore[arg-type]
    with Library.open(path) as lib:
        assert_counts_true(lib)


def test_a_write_counts_new_entries_without_reading_the_others(tmp_path: Path) -> None:
    """The counting that opens and closes every write transaction finds the new entries by
    their ids: a walk of a whole index cost 100 ms a write at 1,000,000 articles."""
    with Library.open(tmp_path / "library.db") as lib:
        feed = lib.add_feed("https://one.example/feed")
        lib.store_entries(feed, [entry(str(i), i) for i in range(30)])
        statements: list[str] = []
        with lib.connection() as conn:
            conn.set_trace_callback(statements.append)
        lib.set_read(lib.entry_ids("all")[0], True)
        with lib.connection() as conn:
            conn.set_trace_callback(None)
            counting = [s for s in statements if s.lstrip().startswith("INSERT INTO feed_counts")]
            assert len(counting) == 2
            for sql in counting:
                plan = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql)]
                assert any("entries USING INTEGER PRIMARY KEY" in step for step in plan), plan
                assert not any(step.startswith("SCAN entries") for step in plan), plan

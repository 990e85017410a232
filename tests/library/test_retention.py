"""Retention (`[retention]` keep_days / keep_per_feed) and `byline vacuum`."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from reader.article.model import Article
from reader.errors import BylineError
from reader.library import retention
from reader.library.packing import register
from reader.library.retention import Policy
from reader.library.store import Library, NewEntry
from reader.library.vacuum import vacuum
from tests.hostile.checks import integrity

REPO = Path(__file__).resolve().parents[2]
DAY = 86400.0
NOW = time.time()


def dated(key: str, days_ago: float, words: str = "") -> NewEntry:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(NOW - days_ago * DAY))
    return NewEntry(key=key, title=f"Story {key}", raw=f"<p>{words or key} harbour news</p>",
                    guid=key, published=stamp)


def fts_ok(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    register(conn)  # the index reads the packed text through `inflate`
    try:
        conn.execute("INSERT INTO entries_fts(entries_fts, rank) VALUES ('integrity-check', 1)")
    finally:
        conn.close()


def keys(lib: Library) -> list[str]:
    return sorted(r[0] for r in lib.query("SELECT key FROM entries"))


@pytest.fixture
def lib(tmp_path: Path) -> Any:
    with Library.open(tmp_path / "library.db") as library:
        yield library


def test_keep_days_spares_starred_marked_unread_and_local_files(lib: Library) -> None:
    feed = lib.add_feed("https://old.example/feed")
    lib.store_entries(feed, [dated(f"e{i}", i * 10) for i in range(6)])  # 0 … 50 days old
    ids = {lib.find(f"e{i}"): i for i in range(6)}
    by_key = {i: entry_id for entry_id, i in ids.items()}
    lib.set_starred(by_key[4], True)
    lib.set_read(by_key[5], True)
    lib.set_read(by_key[5], False)  # marked unread by the reader: kept
    lib.set_read(by_key[3], True)
    local = lib.add_local(Article(title="A note", source="/tmp/note.txt", blocks=[]))
    result = retention.apply(lib, Policy(keep_days=25), now=NOW)
    assert result.deleted == 1  # e3 only: e4 starred, e5 kept, e0–e2 young enough
    assert keys(lib) == ["/tmp/note.txt", "e0", "e1", "e2", "e4", "e5"]
    assert lib.find("e3") is None and lib.find(str(local)) == local
    assert lib.search("e3") == [] and [h.title for h in lib.search("e4")] == ["Story e4"]
    fts_ok(lib.path)


def test_keep_per_feed_keeps_the_newest(lib: Library) -> None:
    one = lib.add_feed("https://one.example/feed")
    two = lib.add_feed("https://two.example/feed")
    lib.store_entries(one, [dated(f"a{i}", i) for i in range(10)])
    lib.store_entries(two, [dated(f"b{i}", i) for i in range(3)])
    lib.set_starred(lib.find("a9"), True)  # type: ignore[arg-type]
    assert retention.apply(lib, Policy(keep_per_feed=4)).deleted == 5
    assert keys(lib) == ["a0", "a1", "a2", "a3", "a9", "b0", "b1", "b2"]
    assert retention.apply(lib, Policy(keep_per_feed=4)).deleted == 0


def test_deleted_entries_do_not_come_back_while_their_feed_carries_them(lib: Library) -> None:
    feed = lib.add_feed("https://carry.example/feed")
    carried = [dated("new", 1), dated("old", 90)]
    lib.store_entries(feed, carried)
    assert retention.apply(lib, Policy(keep_days=30), now=NOW).deleted == 1
    assert lib.store_entries(feed, carried) == 0  # the next refresh: nothing new
    assert keys(lib) == ["new"]
    lib.store_entries(feed, [dated("new", 1)])    # the feed no longer carries it: forgotten
    assert lib.query("SELECT count(*) FROM dropped")[0][0] == 0
    assert lib.store_entries(feed, carried) == 1  # back in the feed later: new again


def test_an_interrupted_batch_is_rolled_back_whole(lib: Library, monkeypatch: Any) -> None:
    feed = lib.add_feed("https://many.example/feed")
    lib.store_entries(feed, [dated(f"m{i:03}", 100 + i, "river " * 20) for i in range(50)])
    monkeypatch.setattr(retention, "BATCH", 10)
    batches = []

    aborted: list[bool] = []

    def abort() -> int:  # stops the statement (FTS5 ignores a stop inside its own reads)
        aborted.append(True)
        return 1

    def arm(sql: str) -> None:
        with lib.connection() as conn:
            if sql.startswith("DELETE FROM entries") and not aborted:
                conn.set_progress_handler(abort, 20)
            elif sql == "ROLLBACK":   # … then lets the rollback run
                conn.set_progress_handler(None, 0)

    def stop_in_the_third(done: int, total: int) -> None:
        batches.append(done)
        if done == 20:  # abort the next batch in the middle of its DELETE
            with lib.connection() as conn:
                conn.set_trace_callback(arm)

    with pytest.raises(BylineError):
        retention.apply(lib, Policy(keep_days=30), progress=stop_in_the_third, now=NOW)
    with lib.connection() as conn:
        conn.set_progress_handler(None, 0)
        conn.set_trace_callback(None)
    assert aborted
    assert batches == [0, 10, 20]
    assert len(keys(lib)) == 30  # two batches gone, the third rolled back whole
    assert integrity(lib.path) == "ok"
    fts_ok(lib.path)
    assert retention.apply(lib, Policy(keep_days=30), now=NOW).deleted == 30


def test_vacuum_reports_sizes_and_keeps_search_working(lib: Library) -> None:
    feed = lib.add_feed("https://big.example/feed")
    lib.store_entries(feed, [dated(f"v{i}", i, "lantern " * 300) for i in range(300)])
    retention.apply(lib, Policy(keep_per_feed=20))
    phases: list[tuple[str, float]] = []
    sizes = vacuum(lib, progress=lambda phase, fraction: phases.append((phase, fraction)))
    assert sizes.after < sizes.before
    assert phases[-1] == ("compacting", 1.0) and ("search index", 1.0) in phases
    assert len(lib.search("lantern", limit=50)) == 20
    fts_ok(lib.path)


def byline(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reader", "--data-dir", str(data), *args],
                          cwd=REPO, capture_output=True, text=True, timeout=60)


def test_vacuum_command_applies_the_config(tmp_path: Path) -> None:
    with Library.open(tmp_path / "library.db") as library:
        feed = library.add_feed("https://cli.example/feed")
        library.store_entries(feed, [dated(f"c{i}", i * 40) for i in range(4)])
    (tmp_path / "config.toml").write_text("[retention]\nkeep_days = 30\n", encoding="utf-8")
    done = byline(tmp_path, "vacuum")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Retention (keep 30 days; starred and marked-unread articles "
                               "kept): 3 articles deleted in ")
    assert " before, " in lines[1] and lines[1].endswith(" after")
    assert byline(tmp_path, "vacuum", "--no-retention").returncode == 0
    (tmp_path / "config.toml").write_text("[retention]\nkeep_days = 0\n", encoding="utf-8")
    bad = byline(tmp_path, "vacuum")
    assert bad.returncode == 1 and bad.stderr.strip() == (
        f"byline: bad config {tmp_path / 'config.toml'}: [retention] keep_days must be a "
        "whole number of at least 1")

"""Sync against a real Coldsweat (Fever API): speed, and kill -9 in the middle of a sync.

One Coldsweat (the test suite's, `tests/sync/coldsweat/driver.py`: the test extra, a database
in a temporary directory) serves FEEDS feeds of ITEMS items that it fetched from the suite's
loopback feed server. Then:

  * standalone: a cold `refresh_feeds` of the same feeds from the loopback server into a new
    library (what `byline refresh` does when Byline fetches the feeds itself);
  * first sync: `sync()` of every item into another new library, and, for scale, the time
    Coldsweat alone takes to hand over every item (the Fever API gives 50 a call);
  * incremental: `sync()` again with nothing new on either side (median and worst of RUNS);
  * kill -9 trials: `byline sync` as a child process is killed at a random moment, TRIALS
    times, on one library that starts empty (the first trials die while items are pulled).
    Before each, a few read/star changes are made here. After each: `PRAGMA integrity_check`
    is ok; every change ever made here is still the entry's state, and is either still
    queued or already the server's state. A last sync must leave nothing queued and the
    server agreeing with every change.

Usage: python benchmarks/sync_speed.py [--feeds 50] [--items 200] [--runs 5] [--trials 30]
       [--seed 1]
Prints the figures and a summary; exits 1 on any failure. Needs `pip install -e '.[test]'`;
Coldsweat's fetch of the feeds is set-up, not timed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "sync" / "coldsweat"))

import driver  # noqa: E402
from conftest import start_feed_server  # noqa: E402
from hostile import checks  # noqa: E402

from reader.library.refresh import refresh_feeds  # noqa: E402
from reader.library.store import Library  # noqa: E402
from reader.sync.engine import open_backend, sync  # noqa: E402
from reader.sync.settings import SyncSettings  # noqa: E402

ENV = "BYLINE_BENCH_SYNC_PASSWORD"


def _settings(server: driver.Coldsweat) -> SyncSettings:
    return SyncSettings(api="fever", url=server.url, user=driver.USER, password_env=ENV)


def _sync_once(library: Library, settings: SyncSettings) -> tuple[float, int]:
    backend = open_backend(settings)
    try:
        started = time.perf_counter()
        summary = sync(library, settings, backend)
        return time.perf_counter() - started, summary.new
    finally:
        backend.close()


def _server_alone(settings: SyncSettings) -> float:
    """The time the server takes to hand over every item (no storing): a first sync's floor."""
    backend = open_backend(settings)
    try:
        backend.login()
        started = time.perf_counter()
        for _ in backend.items(None):
            pass
        return time.perf_counter() - started
    finally:
        backend.close()


def _standalone(urls: list[str], workdir: Path) -> tuple[float, int]:
    path = workdir / "standalone.db"
    with Library.open(path) as library:
        for url in urls:
            library.add_feed(url)
    started = time.perf_counter()
    asyncio.run(refresh_feeds(path, fetcher_options={"trust_env": False}))
    seconds = time.perf_counter() - started
    with Library.open(path) as library:
        return seconds, library.count("all")


def _state(db: Path) -> tuple[dict[str, tuple[bool, bool]], dict[str, set[str]]]:
    """(read, starred) by item id, and the fields still queued by item id."""
    conn = sqlite3.connect(db)
    try:
        flags = {str(k): (bool(r), bool(s)) for k, r, s in conn.execute(
            "SELECT substr(key, 3), read, starred FROM entries WHERE key LIKE 'i:%'")}
        queued: dict[str, set[str]] = {}
        for item, change in conn.execute("SELECT item, change FROM sync_queue"):
            queued.setdefault(str(item), set()).add("star" if "star" in change else "read")
        return flags, queued
    finally:
        conn.close()


def _check(db: Path, server: driver.Coldsweat, wanted: dict[tuple[str, str], bool],
           final: bool = False) -> list[str]:
    """What is wrong: a change lost here, or neither queued nor on the server."""
    problems = []
    flags, queued = _state(db)
    unread, saved = server.ids("unread_item_ids"), server.ids("saved_item_ids")
    for (item, field), value in wanted.items():
        here = flags[item][0 if field == "read" else 1]
        there = (item not in unread) if field == "read" else (item in saved)
        if here != value:
            problems.append(f"{item} {field}: the change made here was lost")
        elif field not in queued.get(item, set()) and there != value:
            problems.append(f"{item} {field}: neither queued nor on the server")
    if final and queued:
        problems.append(f"{sum(map(len, queued.values()))} changes still queued")
    return problems


def _change(db: Path, rng: random.Random, wanted: dict[tuple[str, str], bool],
            count: int) -> int:
    """Flip read or starred on up to `count` synced entries (queued by the triggers)."""
    with Library.open(db) as library:
        rows = library.query("SELECT id, substr(key, 3), read, starred FROM entries "
                             "WHERE key LIKE 'i:%'")
        for entry_id, item, read, starred in rng.sample(rows, min(count, len(rows))):
            if rng.random() < 0.5:
                library.set_read(int(entry_id), not read)
                wanted[(str(item), "read")] = not read
            else:
                library.set_starred(int(entry_id), not starred)
                wanted[(str(item), "star")] = not starred
        return min(count, len(rows))


def _trials(server: driver.Coldsweat, workdir: Path, trials: int, rng: random.Random) -> bool:
    home = workdir / "home"
    home.mkdir()
    (home / "config.toml").write_text(
        f'[sync]\napi = "fever"\nurl = "{server.url}"\nuser = "{driver.USER}"\n'
        f'password_env = "{ENV}"\n')
    db = home / "library.db"
    Library.open(db).close()
    wanted: dict[tuple[str, str], bool] = {}
    killed = finished = 0
    ok = True
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_PROXY", "_proxy"))}
    for trial in range(1, trials + 1):
        changed = _change(db, rng, wanted, 25)
        child = subprocess.Popen([sys.executable, "-m", "reader", "--data-dir", str(home),
                                  "sync"], env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, start_new_session=True)
        delay = rng.uniform(0.3, 2.0)
        try:
            child.wait(timeout=delay)
            finished += 1
            how = f"finished before {delay:.2f} s"
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            killed += 1
            how = f"killed at {delay:.2f} s"
        integrity = checks.integrity(db)
        problems = _check(db, server, wanted)
        if integrity != "ok":
            problems.append(f"integrity_check: {integrity}")
        flags, queued = _state(db)
        print(f"trial {trial:2d}: {how}; {changed} changes made, {len(flags)} entries, "
              f"{sum(map(len, queued.values()))} queued; "
              f"{'ok' if not problems else '; '.join(problems[:3])}")
        ok = ok and not problems
    settings = _settings(server)
    with Library.open(db) as library:
        _sync_once(library, settings)
    problems = _check(db, server, wanted, final=True)
    print(f"kill -9 trials: {trials} ({killed} killed mid-sync, {finished} finished first); "
          f"{len(wanted)} changes made here in all; after a last sync: "
          f"{'every change on the server, none queued' if not problems else problems[:3]}")
    return ok and not problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ[ENV] = driver.PASSWORD
    feeds = driver.FeedSet(args.feeds, args.items)
    state, http = start_feed_server()
    with tempfile.TemporaryDirectory(prefix="byline-sync-bench-") as tmp:
        workdir = Path(tmp)
        server = driver.Coldsweat(driver.server_python(), workdir / "coldsweat")
        server.workdir.mkdir()
        started = time.perf_counter()
        server.build(feeds, state)
        print(f"Coldsweat fetched {args.feeds} feeds × {args.items} items "
              f"({time.perf_counter() - started:.1f} s, set-up, not timed below)")
        server.start()
        try:
            urls = [state.url(feeds.path(f)) for f in range(args.feeds)]
            cold, stored = _standalone(urls, workdir)
            print(f"standalone cold refresh: {stored} articles in {cold:.2f} s")
            settings = _settings(server)
            with Library.open(workdir / "synced.db") as library:
                first, new = _sync_once(library, settings)
                print(f"first sync: {new} articles in {first:.2f} s "
                      f"({first / cold:.2f}× the cold refresh)")
                again = [_sync_once(library, settings)[0] for _ in range(args.runs)]
            alone = _server_alone(settings)
            print(f"Coldsweat alone handing over the {new} items (50 a call, nothing stored): "
                  f"{alone:.2f} s ({alone / cold:.2f}× the cold refresh)")
            print(f"incremental sync, nothing new: median {statistics.median(again):.3f} s, "
                  f"worst {max(again):.3f} s of {args.runs}")
            ok = new == feeds.total() and _trials(server, workdir, args.trials,
                                                   random.Random(args.seed))
        finally:
            server.stop()
            state.stopping.set()
            http.shutdown()
            http.server_close()
    print("all good" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

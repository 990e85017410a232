"""Sync against a real Coldsweat (Fever API): speed, and kill -9 in the middle of a sync.

Coldsweat (the test suite's, `tests/sync/coldsweat/driver.py`: the test extra, a database in a
temporary directory) serves FEEDS feeds of ITEMS items that it fetched from the suite's
loopback feed server, run two ways at once from copies of one database:

  * threads: one process of threads (werkzeug's server, what the tests use);
  * processes: WORKERS processes under gunicorn, as Coldsweat is deployed.

Then, ROUNDS times in turn (the machine is shared: every ratio compares runs of one round):

  * standalone: a cold `refresh_feeds` of the same feeds from the loopback server into a new
    library (what `byline refresh` does when Byline fetches the feeds itself);
  * first sync: `sync()` of every item into a new library, from each server, and from
    Coldsweat's answers replayed from memory (recorded once, before the rounds, by a first
    sync through the replay): a server that costs next to nothing a call, as the loopback
    feed server costs next to nothing in the standalone refresh, so that this figure is
    Byline's side alone (a real server's CPU is on another machine).

Before: what each kind of Fever call costs Coldsweat's CPU over every item, called in its own
process without HTTP (`harness.py cost`), and where an `items` walk spends it.

And once: the time and CPU each server takes to hand over every item alone (nothing stored),
one `items` call after the other and in Byline's parts at once; an incremental sync with
nothing new (median and worst of RUNS, each server); kill -9 trials: `byline sync` as a child
process is killed at a random moment, TRIALS times, on one library that starts empty (the
first trials die while items are pulled). Before each, a few read/star changes are made here.
After each: `PRAGMA integrity_check` is ok; every change ever made here is still the entry's
state, and is either still queued or already the server's state. A last sync must leave
nothing queued and the server agreeing with every change.

CPU seconds: Byline's own (this process, its threads and the worker processes that a refresh
and a first sync clean in; the loopback feed server and the replay run in this process too)
and Coldsweat's (its processes, from /proc).

Usage: python benchmarks/sync_speed.py [--feeds 50] [--items 200] [--rounds 3] [--workers 2]
       [--runs 5] [--trials 30] [--seed 1]
Prints the figures and a summary; exits 1 on any failure. Needs `pip install -e '.[test]'`;
Coldsweat's fetch of the feeds is set-up, not timed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "sync" / "coldsweat"))

import driver  # noqa: E402
from conftest import start_feed_server  # noqa: E402
from hostile import checks  # noqa: E402

from reader.library.refresh import refresh_feeds  # noqa: E402
from reader.library.store import Library  # noqa: E402
from reader.sync import fever  # noqa: E402
from reader.sync.engine import open_backend, sync  # noqa: E402
from reader.sync.settings import SyncSettings  # noqa: E402

ENV = "BYLINE_BENCH_SYNC_PASSWORD"


def _settings(server: driver.Coldsweat | Replay) -> SyncSettings:
    return SyncSettings(api="fever", url=server.url, user=driver.USER, password_env=ENV)


class Replay:
    """Coldsweat's answers, recorded once and served again from memory: a Fever server that
    costs next to nothing a call, as the loopback feed server costs next to nothing in the
    standalone refresh (a remote server's CPU is not this machine's). A call not seen before
    is passed on to Coldsweat and its answer kept (keyed by the query: one account, one
    `api_key`). It runs in this process, as the feed server does."""

    def __init__(self, upstream: driver.Coldsweat) -> None:
        self.answers: dict[str, tuple[int, bytes]] = {}
        client = httpx.Client(timeout=60, trust_env=False)
        replay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # The body written after the headers would wait for the client's delayed ACK
            # (Nagle's algorithm): 40 ms a call.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                form = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.path not in replay.answers:
                    got = client.post(f"http://127.0.0.1:{upstream.port}{self.path}",
                                      content=form, headers={
                                          "Content-Type": "application/x-www-form-urlencoded"})
                    replay.answers[self.path] = (got.status_code, got.content)
                status, body = replay.answers[self.path]
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._client = client
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}/fever/"
        threading.Thread(target=self._http.serve_forever, name="replay", daemon=True).start()

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()
        self._client.close()


def _sync_once(library: Library, settings: SyncSettings) -> tuple[float, int]:
    backend = open_backend(settings)
    try:
        started = time.perf_counter()
        summary = sync(library, settings, backend)
        return time.perf_counter() - started, summary.new
    finally:
        backend.close()


def _own_cpu() -> float:
    """CPU seconds of this process and of its children that ended (the refresh's workers)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), \
        resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _server_cpu(server: driver.Coldsweat) -> float:
    """CPU seconds of a Coldsweat's processes so far (gunicorn's master and workers)."""
    assert server.process is not None
    root, total = server.process.pid, 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(stat.parent.name) == root or int(fields[1]) == root:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _handover(settings: SyncSettings, server: driver.Coldsweat, walks: int) -> tuple[float, float]:
    """Seconds and Coldsweat CPU seconds to hand over every item (nothing stored), in `walks`
    parts at once (1: one `items` call after the other)."""
    backend = open_backend(settings)
    saved, fever.WALKS = fever.WALKS, walks
    try:
        backend.login()
        cpu = _server_cpu(server)
        started = time.perf_counter()
        for _ in backend.items(None):
            pass
        return time.perf_counter() - started, _server_cpu(server) - cpu
    finally:
        fever.WALKS = saved
        backend.close()


def _standalone(urls: list[str], path: Path) -> tuple[float, float, int]:
    """Seconds, Byline CPU seconds and articles of a cold refresh into a new library."""
    with Library.open(path) as library:
        for url in urls:
            library.add_feed(url)
    cpu = _own_cpu()
    started = time.perf_counter()
    asyncio.run(refresh_feeds(path, fetcher_options={"trust_env": False}))
    seconds = time.perf_counter() - started
    with Library.open(path) as library:
        return seconds, _own_cpu() - cpu, library.count("all")


def _first_sync(server: driver.Coldsweat | Replay, path: Path) -> tuple[float, float, float,
                                                                         int]:
    """Seconds, Byline and Coldsweat CPU seconds and articles of a first sync (from a replay:
    Byline's CPU includes the replay's, Coldsweat's is 0)."""
    measure = _server_cpu if isinstance(server, driver.Coldsweat) else (lambda _: 0.0)
    with Library.open(path) as library:
        cpu, there = _own_cpu(), measure(server)
        seconds, new = _sync_once(library, _settings(server))
        return seconds, _own_cpu() - cpu, measure(server) - there, new


def _span(values: list[float], digits: int = 2) -> str:
    low, high = min(values), max(values)
    return f"{low:.{digits}f}" if f"{low:.{digits}f}" == f"{high:.{digits}f}" \
        else f"{low:.{digits}f}–{high:.{digits}f}"


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
    with Library.open(db) as library:
        _sync_once(library, _settings(server))
    problems = _check(db, server, wanted, final=True)
    print(f"kill -9 trials: {trials} ({killed} killed mid-sync, {finished} finished first); "
          f"{len(wanted)} changes made here in all; after a last sync: "
          f"{'every change on the server, none queued' if not problems else problems[:3]}")
    return ok and not problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ[ENV] = driver.PASSWORD
    feeds = driver.FeedSet(args.feeds, args.items)
    state, http = start_feed_server()
    with tempfile.TemporaryDirectory(prefix="byline-sync-bench-") as tmp:
        workdir = Path(tmp)
        threads = driver.Coldsweat(driver.server_python(), workdir / "coldsweat")
        threads.workdir.mkdir()
        started = time.perf_counter()
        threads.build(feeds, state)
        print(f"Coldsweat fetched {args.feeds} feeds × {args.items} items "
              f"({time.perf_counter() - started:.1f} s, set-up, not timed below)")
        processes = threads.copy_to(workdir / "coldsweat-processes")
        print("Coldsweat's own cost, each call made in its process without HTTP: " +
              threads.copy_to(workdir / "coldsweat-cost").run(
                  "cost", driver.USER, driver.PASSWORD).strip().replace("\n", "; "))
        servers = {"threads": threads, f"{args.workers} processes": processes}
        threads.start()
        processes.start(workers=args.workers)
        replay = Replay(threads)
        try:
            with Library.open(workdir / "recording.db") as library:   # records the answers
                _sync_once(library, _settings(replay))
            ok = _timings(args, feeds, state, servers, replay, workdir) and \
                _trials(threads, workdir, args.trials, random.Random(args.seed))
        finally:
            replay.stop()
            for server in servers.values():
                server.stop()
            state.stopping.set()
            http.shutdown()
            http.server_close()
    print("all good" if ok else "FAILED")
    return 0 if ok else 1


def _timings(args: argparse.Namespace, feeds: driver.FeedSet, state: Any,
             servers: dict[str, driver.Coldsweat], replay: Replay, workdir: Path) -> bool:
    """The rounds, the hand-over alone, the incremental syncs; False when an item is missing."""
    urls = [state.url(feeds.path(f)) for f in range(args.feeds)]
    print(f"load average before: {os.getloadavg()[0]:.1f} (2 cores shared)")
    sources: dict[str, driver.Coldsweat | Replay] = {**servers, "answers replayed": replay}
    ratios: dict[str, list[float]] = {name: [] for name in sources}
    firsts: dict[str, list[float]] = {name: [] for name in sources}
    colds: list[float] = []
    ok = True
    for round_ in range(1, args.rounds + 1):
        cold, cold_cpu, stored = _standalone(urls, workdir / f"standalone-{round_}.db")
        colds.append(cold)
        line = (f"round {round_} (load {os.getloadavg()[0]:.1f}): standalone cold refresh "
                f"{stored} articles {cold:.2f} s (Byline CPU {cold_cpu:.2f} s)")
        for name, server in sources.items():
            seconds, mine, theirs, new = _first_sync(server, workdir / f"{name}-{round_}.db")
            ok = ok and new == feeds.total()
            firsts[name].append(seconds)
            ratios[name].append(seconds / cold)
            line += (f"; first sync, Coldsweat {name}: {new} in {seconds:.2f} s = "
                     f"{seconds / cold:.2f}× (CPU Byline {mine:.2f} s, Coldsweat {theirs:.2f} s)")
        print(line)
    for name, server in servers.items():
        settings = _settings(server)
        alone, cpu = _handover(settings, server, 1)
        parts, parts_cpu = _handover(settings, server, fever.WALKS)
        with Library.open(workdir / f"{name}-1.db") as library:
            again = [_sync_once(library, settings)[0] for _ in range(args.runs)]
        print(f"Coldsweat {name} alone handing over the items: one call after the other "
              f"{alone:.2f} s (CPU {cpu:.2f} s), in {fever.WALKS} parts at once {parts:.2f} s "
              f"(CPU {parts_cpu:.2f} s); incremental sync, nothing new: median "
              f"{statistics.median(again):.3f} s, worst {max(again):.3f} s of {args.runs}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print(f"standalone cold refresh {_span(colds)} s; " + "; ".join(
        f"first sync from Coldsweat {name} {_span(firsts[name])} s = {_span(ratios[name])}×"
        for name in sources) + f" ({args.rounds} rounds)")
    return ok


if __name__ == "__main__":
    sys.exit(main())

"""kill -9 in the middle of a refresh, many times: the library must stay whole (case 55).

Each trial: the loopback feed server (the test suite's own, from tests/conftest.py) serves
FEEDS feeds with ENTRIES new items each; a child process runs `refresh_feeds` on one library
and prints every feed it has finished (after that feed's transaction committed); the parent
kills the child's process group with SIGKILL at a random moment, then checks

  * `PRAGMA integrity_check` is ok and `Library.open` reports no damage;
  * no entry committed by an earlier trial is missing (nothing committed is ever lost);
  * at least as many feeds are complete as the child reported written, and no feed is
    half-stored (a feed's entries are committed all together or not at all).

Usage: python benchmarks/kill9_trials.py [--trials 50] [--feeds 12] [--entries 40] [--seed 1]
Prints one line per trial and a summary line; exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the suite's loopback server and shared checks

from hostile.checks import integrity  # noqa: E402

CHILD = """
import asyncio, sys
from pathlib import Path
from reader.library.refresh import refresh_feeds

def progress(done, total, label):
    if done:
        print("done", done, flush=True)  # called once feeds' outcomes are committed

print("start", flush=True)
asyncio.run(refresh_feeds(Path(sys.argv[1]), progress=progress,
                          fetcher_options={"trust_env": False}))
print("end", flush=True)
"""


@dataclass
class Report:
    """What the trials found."""

    trials: int = 0
    killed_mid_refresh: int = 0
    committed_entries: int = 0
    lost_entries: int = 0
    partial_feeds: int = 0
    integrity_failures: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.lost_entries or self.partial_feeds or self.integrity_failures)

    def line(self) -> str:
        return (f"{self.trials} kill -9 trials ({self.killed_mid_refresh} mid-refresh): "
                f"{self.committed_entries} committed entries, {self.lost_entries} lost, "
                f"{self.partial_feeds} half-stored feeds, "
                f"{self.integrity_failures} integrity failures")


def feed_body(feed: int, trial: int, entries: int) -> bytes:
    items = "".join(
        f"<item><title>Feed {feed} trial {trial} item {j}</title>"
        f"<guid>k-{feed}-{trial}-{j}</guid>"
        f"<link>http://127.0.0.1/kill/{feed}/{trial}/{j}</link>"
        f"<description>&lt;p&gt;Trial {trial} item {j} of feed {feed}. "
        + "Filler words for a body of some length. " * 20
        + "&lt;/p&gt;</description></item>"
        for j in range(entries))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Kill feed {feed}</title><link>http://127.0.0.1/</link>{items}"
            "</channel></rss>").encode()


def _keys(db: Path) -> dict[str, set[str]]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT f.title, f.url, e.key FROM entries e "
                            "JOIN feeds f ON f.id = e.feed_id").fetchall()
    finally:
        conn.close()
    out: dict[str, set[str]] = {}
    for _title, url, key in rows:
        out.setdefault(url, set()).add(key)
    return out


@dataclass
class _Run:
    written: int          # feeds the child reported committed
    killed: bool          # killed before it finished
    first_write: float    # seconds from start to the first reported commit (0: none)
    elapsed: float        # seconds it ran


def _run_child(db: Path, kill_after: float, *, from_first_write: bool = False) -> _Run:
    """Run one refresh; SIGKILL its process group `kill_after` s after it starts refreshing
    (or after its first commit, with `from_first_write`)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(db)], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    assert child.stdout is not None
    lines: list[str] = []
    started, wrote = threading.Event(), threading.Event()
    first_write = [0.0]

    def reader() -> None:
        assert child.stdout is not None
        for raw in child.stdout:
            line = raw.decode().strip()
            lines.append(line)
            if line == "start":
                started.set()
            elif line.startswith("done ") and not wrote.is_set():
                first_write[0] = time.perf_counter()
                wrote.set()
        started.set()
        wrote.set()

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    started.wait(60)
    begun = time.perf_counter()
    if from_first_write:
        wrote.wait(60)
    with contextlib.suppress(subprocess.TimeoutExpired):
        child.wait(kill_after)
    with contextlib.suppress(ProcessLookupError):  # the child's own group: its parse workers too
        os.killpg(child.pid, signal.SIGKILL)
    child.wait(60)
    thread.join(10)
    elapsed = time.perf_counter() - begun
    written = max([int(line[5:]) for line in lines if line.startswith("done ")], default=0)
    return _Run(written, "end" not in lines, max(0.0, first_write[0] - begun) if written else 0.0,
                elapsed)


def run_trials(server: Any, *, trials: int, feeds: int = 12, entries: int = 40,
               seed: int = 1, workdir: Path, log: Any = None) -> Report:
    """Run `trials` kill -9 trials against `server` (a tests/conftest.py `FeedServer`)."""
    from reader.library.store import Library

    rng = random.Random(seed)
    db = workdir / "library.db"
    with Library.open(db) as library:
        for i in range(feeds):
            library.add_feed(server.url(f"/kill/{i}.xml"))
    report = Report()
    committed: dict[str, set[str]] = {}
    # One unkilled refresh measures how long a refresh takes and when it starts writing.
    # A third of the kills then land anywhere in a refresh (start-up, fetching, parsing);
    # the rest land in its writing phase, timed from the first commit.
    for i in range(feeds):
        server.add(f"/kill/{i}.xml", feed_body(i, -1, entries))
    baseline = _run_child(db, kill_after=120)
    duration = max(0.05, baseline.elapsed)
    writing = max(0.05, baseline.elapsed - baseline.first_write)
    committed = _keys(db)
    for trial in range(trials):
        for i in range(feeds):
            server.add(f"/kill/{i}.xml", feed_body(i, trial, entries))
        in_writes = rng.random() >= 1 / 3
        kill_after = rng.uniform(0.0, writing if in_writes else duration)
        run = _run_child(db, kill_after, from_first_write=in_writes)
        done, killed = run.written, run.killed
        report.trials += 1
        report.killed_mid_refresh += killed
        check = integrity(db)
        if check != "ok":
            report.integrity_failures += 1
            report.problems.append(f"trial {trial}: integrity_check: {check}")
        with Library.open(db) as library:
            if library.notice:
                report.integrity_failures += 1
                report.problems.append(f"trial {trial}: {library.notice}")
        now = _keys(db)
        for url, keys in committed.items():
            missing = keys - now.get(url, set())
            report.lost_entries += len(missing)
            if missing:
                report.problems.append(f"trial {trial}: {len(missing)} lost from {url}")
        complete = 0
        for i in range(feeds):
            url = server.url(f"/kill/{i}.xml")
            fresh = sum(1 for k in now.get(url, ()) if k.startswith(f"k-{i}-{trial}-"))
            complete += fresh == entries
            if fresh not in (0, entries):
                report.partial_feeds += 1
                report.problems.append(f"trial {trial}: feed {i}: {fresh} of {entries} stored")
        if complete < done:
            report.lost_entries += (done - complete) * entries
            report.problems.append(f"trial {trial}: {done} feeds reported, {complete} stored")
        committed = now
        if log:
            print(f"trial {trial:3d}: kill at {kill_after:.2f} s "
                  f"{'after the first commit' if in_writes else 'after start'}, "
                  f"{'killed' if killed else 'finished'}, {done}/{feeds} feeds reported, "
                  f"{sum(map(len, now.values()))} entries, integrity {check}", file=log)
    report.committed_entries = sum(map(len, committed.values()))
    return report


def _start_server() -> Any:
    """The test suite's loopback server (tests/conftest.py), started outside pytest."""
    import conftest

    return conftest.start_feed_server()[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--feeds", type=int, default=12)
    parser.add_argument("--entries", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    server = _start_server()
    with tempfile.TemporaryDirectory(prefix="byline-kill9-") as tmp:
        report = run_trials(server, trials=args.trials, feeds=args.feeds, entries=args.entries,
                            seed=args.seed, workdir=Path(tmp), log=sys.stdout)
    for problem in report.problems[:20]:
        print("PROBLEM", problem)
    print(report.line())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())

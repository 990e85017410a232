"""`byline download` of a large enclosure from the loopback server: peak memory, speed, and a
resume after `kill -9`.

The suite's loopback server (tests/conftest.py) serves SIZE MB of distinct bytes with Range
support and an ETag. Three runs of `python -m reader download ID` as child processes, each
measured with `wait4` (its own peak RSS and CPU time):

  1. a whole download;
  2. a download killed with SIGKILL once the `.part` holds half the file;
  3. the same command again: it must resume (a Range request at the `.part`'s size) and end
     with the right bytes (SHA-256 compared).

`python -c 'import httpx'` is measured the same way for scale. Target: peak RSS under 60 MB.

Usage: python benchmarks/download.py [--size 200]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIME = "/usr/bin/time"  # GNU time
sys.path.insert(0, str(ROOT / "tests"))  # the suite's loopback server
sys.path.insert(0, str(ROOT))

from conftest import start_feed_server  # noqa: E402

from reader.article.model import Enclosure  # noqa: E402
from reader.library.store import Library, NewEntry  # noqa: E402


def run(argv: list[str], *, kill_at: Path | None = None, size: int = 0) -> tuple[float, int,
                                                                                  float, int]:
    """Run `argv` under GNU time; (wall s, peak RSS KiB, CPU s, exit status). With `kill_at`,
    SIGKILL the command once that file holds half of `size` bytes. (GNU time measures the
    command alone; `wait4` on a child forked from this process, which holds the served file,
    would count this process's pages the child had before its exec.)"""
    with tempfile.NamedTemporaryFile("r") as out:
        start = time.perf_counter()
        proc = subprocess.Popen([TIME, "-f", "%M %U %S %x", "-o", out.name, *argv], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if kill_at is not None:
            while proc.poll() is None:
                try:
                    if kill_at.stat().st_size >= size // 2:
                        _kill_child(proc.pid)
                        break
                except FileNotFoundError:
                    pass
                time.sleep(0.002)
        proc.wait()
        wall = time.perf_counter() - start
        report = out.read()
        fields = report.split()[-4:]
    rss, user, system, code = int(fields[0]), float(fields[1]), float(fields[2]), int(fields[3])
    if "terminated by signal" in report:
        code = -int(report.split("terminated by signal", 1)[1].split()[0])
    return wall, rss, user + system, code


def _kill_child(time_pid: int) -> None:
    """SIGKILL the command GNU time runs (time itself then reports its figures)."""
    children = Path(f"/proc/{time_pid}/task/{time_pid}/children").read_text().split()
    for pid in children:
        os.kill(int(pid), signal.SIGKILL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=200, help="megabytes (default 200)")
    args = parser.parse_args()
    size = args.size * 1_000_000
    body = random.Random(1).randbytes(size)  # no period: a resume at a wrong offset shows
    want = hashlib.sha256(body).hexdigest()
    state, server = start_feed_server()
    url = state.add("/episode.mp3", body, headers={"Content-Type": "audio/mpeg"},
                    etag='"bench-1"', ranges=True)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        with Library.open(data / "library.db") as lib:
            feed = lib.add_feed("https://pod.example/feed", title="Benchmark")
            lib.store_entries(feed, [NewEntry(key="1", title="A long episode", raw="<p>x</p>",
                                              enclosures=[Enclosure(url, "audio/mpeg", size)])])
            (entry_id,) = lib.entry_ids("all")
        command = [sys.executable, "-m", "reader", "--data-dir", str(data), "download",
                   str(entry_id)]
        downloads = data / "downloads"
        _, base_rss, _, _ = run([sys.executable, "-c", "import httpx"])
        print(f"python -c 'import httpx': peak RSS {base_rss / 1024:.1f} MiB")

        wall, rss1, cpu, code = run(command)
        (saved,) = downloads.iterdir()
        ok = code == 0 and hashlib.sha256(saved.read_bytes()).hexdigest() == want
        print(f"whole download of {args.size} MB: {wall:.2f} s wall ({args.size / wall:.0f} MB/s),"
              f" {cpu:.2f} s CPU, peak RSS {rss1 / 1024:.1f} MiB, bytes "
              f"{'right' if ok else 'WRONG'}")
        saved.unlink()

        wall, rss, cpu, code = run(command, kill_at=downloads / (saved.name + ".part"),
                                   size=size)
        part = downloads / (saved.name + ".part")
        kept = part.stat().st_size if part.exists() else 0
        print(f"killed (status {code}) after {wall:.2f} s with {kept / 1e6:.1f} MB in .part; "
              f"peak RSS {rss / 1024:.1f} MiB")

        wall, rss2, cpu, code = run(command)
        requests = state.requests("/episode.mp3")
        asked = requests[-1].get("range", "none")
        ok2 = code == 0 and hashlib.sha256(saved.read_bytes()).hexdigest() == want
        print(f"resumed (Range: {asked}): {wall:.2f} s wall, {cpu:.2f} s CPU, peak RSS "
              f"{rss2 / 1024:.1f} MiB, bytes {'right' if ok2 else 'WRONG'}")
        peak = max(rss1, rss, rss2) * 1024
        print(f"peak RSS of every run: {peak / 1e6:.1f} MB (target < 60 MB): "
              f"{'PASS' if ok and ok2 and peak < 60_000_000 else 'FAIL'}")
    state.stopping.set()
    server.shutdown()
    return 0 if ok and ok2 else 1


if __name__ == "__main__":
    sys.exit(main())

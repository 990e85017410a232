"""Refresh speed and memory: Byline against newsboat on the same loopback corpus.

Generates FEEDS feeds x ITEMS items of synthetic text (seeded, so every run serves the same
bytes), serves them on 127.0.0.1 with ETag/Last-Modified (304 on a matching conditional GET),
then times, as subprocesses:
  - `byline --data-dir TMP refresh`, cold (empty library) and warm (every feed answers 304);
  - `newsboat -x reload` with its own temp urls/cache/config, cold and warm, with its default
    `reload-threads 1` and with `reload-threads` set to THREADS; skipped with a note when
    newsboat is not installed.
Byline runs as an installed copy does, from a bytecode cache (a private PYTHONPYCACHEPREFIX
filled once), not compiling its modules on every run.
Wall time is measured around each process; CPU time (user + system) and peak RSS come from
the child's `os.wait4` usage, which includes the worker processes it waited for (RSS: the
largest of them). On a shared machine, wall time depends on the load; CPU time much less.

Usage: python benchmarks/refresh_vs_newsboat.py [--feeds 200] [--items 50] [--runs 3]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
THREADS = 8
GNU_TIME = shutil.which("time", path="/usr/bin:/bin") or "/usr/bin/time"
SYLLABLES = ["ka", "lo", "mi", "ren", "sto", "vu", "bel", "dar", "ni", "qua", "tes", "zor",
             "fin", "gal", "hu", "jen", "pol", "ras", "ti", "wen"]


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(word(rng) for _ in range(n)).capitalize() + "."


def make_corpus(feeds: int, items: int, port: int) -> dict[str, bytes]:
    """path -> RSS body; about 1 KB of HTML per item, as typical news feeds carry."""
    rng = random.Random(20261128)
    corpus = {}
    for f in range(feeds):
        parts = []
        for i in range(items):
            paragraphs = "".join(f"<p>{sentence(rng, 25)} {sentence(rng, 20)}</p>"
                                 for _ in range(3))
            day = 1 + (i % 28)
            parts.append(
                f"<item><title>{sentence(rng, 6)}</title>"
                f"<link>http://127.0.0.1:{port}/a/{f}/{i}.html</link>"
                f"<guid isPermaLink=\"false\">feed{f}-item{i}</guid>"
                f"<pubDate>{day:02d} Oct 2026 {i % 24:02d}:00:00 +0000</pubDate>"
                f"<description><![CDATA[{paragraphs}]]></description></item>")
        body = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>Synthetic feed {f}</title><link>http://127.0.0.1:{port}/</link>"
                f"<description>{sentence(rng, 8)}</description>{''.join(parts)}"
                "</channel></rss>")
        corpus[f"/feed/{f}.xml"] = body.encode()
    return corpus


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        # Headers and body go out as separate writes: without NODELAY, Nagle plus the
        # client's delayed ACK adds ~40 ms to every response, for both contenders.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        body = self.server.corpus.get(self.path)
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        modified = self.server.modified
        fresh = self._fresh(etag)
        self.server.count("304" if fresh else "200")
        if fresh:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", modified)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


    def _fresh(self, etag: str) -> bool:
        """RFC 9110: If-None-Match wins; else If-Modified-Since at or after Last-Modified."""
        tags = self.headers.get("If-None-Match")
        if tags:
            return etag in [t.strip() for t in tags.split(",")]
        since = self.headers.get("If-Modified-Since")
        if not since:
            return False
        try:
            return parsedate_to_datetime(since).timestamp() >= self.server.modified_at
        except (TypeError, ValueError):
            return False


class Server(ThreadingHTTPServer):
    daemon_threads = True
    corpus: dict[str, bytes]
    modified_at = float(int(time.time()) - 3600)
    modified = formatdate(modified_at, usegmt=True)

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def count(self, what: str) -> None:
        with self._lock:
            self.counts[what] = self.counts.get(what, 0) + 1

    def take_counts(self) -> dict[str, int]:
        with self._lock:
            counts, self.counts = self.counts, {}
            return counts


Result = tuple[float, int, float]  # wall seconds, peak RSS in MiB, CPU seconds


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int, float, int]:
    """(wall seconds, peak RSS in MiB, CPU seconds, exit status) of one subprocess.

    The peak comes from GNU time's %M (the command's own high-water mark): `wait4`'s
    ru_maxrss would report this benchmark's own size, which Linux carries across the
    child's exec, so every contender would look at least as big as the benchmark.
    """
    with tempfile.NamedTemporaryFile("r") as peak_file:
        wrapped = [GNU_TIME, "-f", "%M", "-o", peak_file.name, *cmd]
        started = time.perf_counter()
        proc = subprocess.Popen(wrapped, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        peak_kib = int(peak_file.read().split()[-1])
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0 and proc.stderr is not None:
        sys.stderr.write(proc.stderr.read().decode("utf-8", "replace")[-2000:])
    if proc.stderr is not None:
        proc.stderr.close()
    return seconds, peak_kib // 1024, usage.ru_utime + usage.ru_stime, proc.returncode


def installed_env(pycache: str) -> dict[str, str]:
    """The environment of an installed `byline`: modules load from a bytecode cache (here a
    private PYTHONPYCACHEPREFIX, filled once) instead of being compiled on every run, which
    PYTHONDONTWRITEBYTECODE=1 with an editable install would do."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = pycache
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "reader")], env=env,
                   check=True, stdout=subprocess.DEVNULL)
    return env


def byline_run(urls: list[str], server: Server, env: dict[str, str]) -> dict[str, Result]:
    """Cold then warm `byline refresh` in a fresh data dir."""
    with tempfile.TemporaryDirectory() as tmp:
        url_file = Path(tmp) / "urls"
        url_file.write_text("\n".join(urls) + "\n", encoding="utf-8")
        base = [sys.executable, "-m", "reader", "--data-dir", tmp]
        subprocess.run([*base, "import", str(url_file)], env=env, cwd=ROOT, check=True,
                       capture_output=True)
        return cold_and_warm("byline", [*base, "refresh"], env, server)


def newsboat_run(urls: list[str], threads: int, server: Server) -> dict[str, Result]:
    """Cold then warm `newsboat -x reload` with its own temp urls, cache and config."""
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        (home / "urls").write_text("\n".join(urls) + "\n", encoding="utf-8")
        (home / "config").write_text(f"reload-threads {threads}\n", encoding="utf-8")
        env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / "xdg"),
                   XDG_DATA_HOME=str(home / "xdgdata"))
        cmd = ["newsboat", "-x", "reload", "-u", str(home / "urls"),
               "-c", str(home / "cache.db"), "-C", str(home / "config")]
        return cold_and_warm(f"newsboat (reload-threads {threads})", cmd, env, server)


def cold_and_warm(name: str, cmd: list[str], env: dict[str, str],
                  server: Server) -> dict[str, Result]:
    """Run `cmd` twice against the server (cold, then warm) and report each run."""
    results: dict[str, Result] = {}
    server.take_counts()
    for phase in ("cold", "warm"):
        seconds, rss, cpu, code = timed(cmd, env)
        counts = server.take_counts()
        if code != 0:
            raise SystemExit(f"{name} failed ({code})")
        results[phase] = (seconds, rss, cpu)
        print(f"  {name} {phase}: {seconds:.2f} s, CPU {cpu:.2f} s, {rss} MiB, "
              f"responses {counts}")
    return results


def med(values: list[Result], index: int) -> float:
    return statistics.median(v[index] for v in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    server = Server()
    port = server.server_address[1]
    server.corpus = make_corpus(args.feeds, args.items, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    urls = [f"http://127.0.0.1:{port}{path}" for path in server.corpus]
    size = sum(len(b) for b in server.corpus.values())
    print(f"corpus: {args.feeds} feeds x {args.items} items, {size / 1e6:.1f} MB, "
          f"{os.cpu_count()} CPUs, median of {args.runs} runs")

    pycache = tempfile.TemporaryDirectory()
    env = installed_env(pycache.name)
    # Contenders take turns within each run, so a busy machine slows them alike.
    contenders: dict[str, Callable[[], dict[str, Result]]] = {
        "byline": lambda: byline_run(urls, server, env)}
    if shutil.which("newsboat"):
        contenders["newsboat (reload-threads 1, default)"] = (
            lambda: newsboat_run(urls, 1, server))
        contenders[f"newsboat (reload-threads {THREADS})"] = (
            lambda: newsboat_run(urls, THREADS, server))
    else:
        print("newsboat is not installed: only Byline is measured "
              "(apt-get install newsboat to compare)")
    runs: dict[str, dict[str, list[Result]]] = {
        name: {"cold": [], "warm": []} for name in contenders}
    for n in range(args.runs):
        print(f"run {n + 1}:")
        for name, run in contenders.items():
            for phase, value in run().items():
                runs[name][phase].append(value)
    rows = list(runs.items())
    mine = runs["byline"]

    print()
    print(f"{'':40} {'cold s':>8} {'warm s':>8} {'peak MiB':>9} {'cold CPU':>9} {'warm CPU':>9}")
    for name, res in rows:
        peak = max(med(res["cold"], 1), med(res["warm"], 1))
        print(f"{name:40} {med(res['cold'], 0):8.2f} {med(res['warm'], 0):8.2f} {peak:9.0f} "
              f"{med(res['cold'], 2):9.2f} {med(res['warm'], 2):9.2f}")
    for name, res in rows[1:]:
        cold = med(mine["cold"], 0) / med(res["cold"], 0)
        warm = med(mine["warm"], 0) / med(res["warm"], 0)
        memory = max(med(mine["cold"], 1), med(mine["warm"], 1)) / max(
            med(res["cold"], 1), med(res["warm"], 1))
        print(f"byline / {name}: cold {cold:.2f}x (target <= 0.5), warm {warm:.2f}x "
              f"(target <= 0.3), peak memory {memory:.2f}x (target <= 2); CPU time: cold "
              f"{med(mine['cold'], 2) / med(res['cold'], 2):.2f}x, "
              f"warm {med(mine['warm'], 2) / med(res['warm'], 2):.2f}x")
    server.shutdown()
    pycache.cleanup()


if __name__ == "__main__":
    main()

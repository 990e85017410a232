"""Start-up of the reader on a 10,000-article library, against `python -c 'import textual.app'`.

Builds a library of ARTICLES entries (one synthetic feed) in a temporary folder, then times,
as fresh processes (median of N runs):
  - `python -c 'import textual.app'` (the baseline; the target is at most 2x of it);
  - `byline --data-dir DIR` in a pseudo-terminal (120x40), from the process start to the
    moment its output holds the first row of the article list, i.e. the first screen as a
    user sees it (sources and the first page of the list); the process is then stopped.

With `--views N`, config.toml holds N saved views (`[[views]]`, filters of every kind: state,
words, tags, ages); their counts are filled in after the first screen, off the UI thread, and
the script also prints how long counting them takes.

Linux/macOS only (uses a pty). Usage: python benchmarks/tui_startup.py [--articles 10000]
[--runs 5] [--views 0]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRST_ROW = b"Benchmark article number"


def build_library(folder: Path, articles: int) -> None:
    sys.path.insert(0, str(ROOT))
    from reader.library.store import Library, NewEntry

    library = Library.open(folder / "library.db")
    feed = library.add_feed("https://feeds.example/bench.xml", title="Bench feed")
    library.store_entries(feed, [
        NewEntry(key=f"e{i}", title=f"Benchmark article number {i}",
                 raw=f"<p>Paragraph of article {i}, with a few words to index.</p>",
                 published=f"20{10 + i % 15}-{1 + i % 12:02d}-{1 + i % 28:02d}")
        for i in range(articles)
    ])
    library.close()


VIEW_FILTERS = ["unread", "starred", "number -article", "@30d unread", "tag:bench paragraph",
                "author:x", "title:benchmark @2020-01-01..", "has:quotes"]


def write_views(folder: Path, count: int) -> list[str]:
    filters = [VIEW_FILTERS[i % len(VIEW_FILTERS)] for i in range(count)]
    (folder / "config.toml").write_text("".join(
        f'[[views]]\nname = "View {i}"\nfilter = "{text}"\n' for i, text in enumerate(filters)),
        encoding="utf-8")
    return filters


def count_views(folder: Path, filters: list[str]) -> float:
    """Seconds the reader's worker spends counting the views (in this process)."""
    from reader.library.listings import Listing
    from reader.library.store import Library

    with Library.open(folder / "library.db") as library:
        start = time.perf_counter()
        for text in filters:
            library.listing_counts(Listing(filter=text))
        return time.perf_counter() - start


def wall(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def first_screen(cmd: list[str], cols: int = 120, rows: int = 40, timeout: float = 20,
                 marker: bytes = FIRST_ROW, env: dict[str, str] | None = None) -> float:
    """Seconds from starting `cmd` (in `env`, default this one's) in a pty until `marker`
    appears in what it draws."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    env = dict(os.environ if env is None else env, TERM="xterm-256color")
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT,
                            start_new_session=True)
    os.close(slave)
    seen = b""
    elapsed = None
    try:
        while elapsed is None and time.perf_counter() - start < timeout:
            if select.select([master], [], [], 0.05)[0]:
                chunk = os.read(master, 65536)
                if not chunk:
                    break
                seen = seen[-4096:] + chunk
                if marker in seen:
                    elapsed = time.perf_counter() - start
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(master)
    if elapsed is None:
        raise SystemExit(f"the first screen never showed {marker!r}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--views", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        build_library(folder, args.articles)
        filters = write_views(folder, args.views)
        counting = count_views(folder, filters) if filters else 0.0
        python = sys.executable
        wall([python, "-c", "import textual.app"], 1)  # warm the file cache
        baseline = wall([python, "-c", "import textual.app"], args.runs)
        byline = [python, "-m", "reader", "--data-dir", str(folder)]
        first_screen(byline)  # warm
        reader = statistics.median(first_screen(byline) for _ in range(args.runs))
    print(f"library: {args.articles} articles, {args.views} saved views; "
          f"median of {args.runs} runs")
    print(f"python -c 'import textual.app'      {baseline * 1000:7.0f} ms")
    print(f"byline start to first screen (pty)  {reader * 1000:7.0f} ms")
    print(f"ratio                               {reader / baseline:7.2f}x (target <= 2x)")
    if filters:
        print(f"counting the views (after the first screen, in a worker): "
              f"{counting * 1000:.0f} ms")


if __name__ == "__main__":
    main()

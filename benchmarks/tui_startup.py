"""Start-up of the reader on a 10,000-article library, against `python -c 'import textual.app'`.

Builds a library of ARTICLES entries (one synthetic feed) in a temporary folder, then times,
as fresh processes (median of N runs):
  - `python -c 'import textual.app'` (the baseline; the target is at most 2x of it);
  - `byline --data-dir DIR` from interpreter start to its first screen painted (headless,
    the library screen with the sources and the first page of the list), then exit.

Usage: python benchmarks/tui_startup.py [--articles 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Run in the child: the real `byline --data-dir DIR` path (CLI, config, launch, app), with the
# app made headless and stopped as soon as its first screen has been painted.
CHILD = """
import sys
from reader.tui import app as tui_app

async def first_screen(pilot):
    await pilot.pause()
    assert pilot.app.screen.entries.count > 0, "the library screen shows no rows"
    pilot.app.exit()

run = tui_app.BylineApp.run
tui_app.BylineApp.run = lambda self, **kw: run(self, headless=True, size=(120, 40),
                                                auto_pilot=first_screen)
from reader.cli import main
sys.exit(main(["--data-dir", sys.argv[1]]))
"""


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


def wall(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        build_library(folder, args.articles)
        python = sys.executable
        wall([python, "-c", "import textual.app"], 1)  # warm the file cache
        baseline = wall([python, "-c", "import textual.app"], args.runs)
        reader = wall([python, "-c", CHILD, str(folder)], args.runs)
    print(f"library: {args.articles} articles; median of {args.runs} runs")
    print(f"python -c 'import textual.app'      {baseline * 1000:7.0f} ms")
    print(f"byline start to first screen        {reader * 1000:7.0f} ms")
    print(f"ratio                               {reader / baseline:7.2f}x (target <= 2x)")


if __name__ == "__main__":
    main()

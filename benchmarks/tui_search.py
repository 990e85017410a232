"""Search in the reader as you type: from a key press to its results on screen.

Opens the reader headless (120x40) on a large library (the one `benchmarks/search.py`
builds: 100,000 articles by default, kept in --keep DIR so a second run skips the build),
presses `/`, then types queries a letter at a time, waiting after each key until its
results are final. For each key it times, from the key event:
  - first results: the list shows hits of the query as typed (the word being typed taken
    whole), and the frame with them has been written out;
  - final results: the list shows the hits with the word being typed as a beginning (found
    on the search's own connection, which the next key would stop; given up after 2 s);
  - the CPU time of the process over the first of those.

Usage: python benchmarks/tui_search.py [--articles 100000] [--keep DIR] [--queries 12]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import library_arguments, synthetic_library


async def measure(data: Path, queries: list[str]) -> list[tuple[float, float, float]]:
    """(first results painted, final results listed, CPU time) in seconds, per key."""
    from textual import events
    from textual.widgets import Input

    from reader.paths import resolve_paths
    from reader.tui.app import BylineApp
    from reader.tui.screens.search import SearchScreen

    app = BylineApp(resolve_paths(data), theme="byline-dark")
    painted = [0.0]   # when the last frame was written out
    display = app._display

    def timed_display(screen: object, renderable: object) -> None:
        display(screen, renderable)  # type: ignore[arg-type]
        if renderable is not None:
            painted[0] = time.perf_counter()

    app._display = timed_display  # type: ignore[method-assign]
    latencies: list[tuple[float, float, float]] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for query in queries:
            app.simulate_key("slash")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, SearchScreen)
            box = screen.query_one(Input)
            for end in range(1, len(query) + 1):
                typed = query[:end]
                char = typed[-1]
                pressed, cpu = time.perf_counter(), time.process_time()
                screen.post_message(events.Key("space" if char == " " else char, char))
                while box.value != typed or screen.shown != typed:
                    await asyncio.sleep(0.0005)
                listed = time.perf_counter()
                while painted[0] < listed:  # the frame with those results
                    await asyncio.sleep(0.0005)
                first, spent = painted[0] - pressed, time.process_time() - cpu
                while screen.complete != typed and screen.gave_up != typed:
                    await asyncio.sleep(0.001)
                if screen.complete == typed:
                    latencies.append((first, time.perf_counter() - pressed, spent))
                else:
                    latencies.append((first, float("nan"), spent))
                await asyncio.sleep(0.02)
            app.simulate_key("escape")
            await pilot.pause()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    library_arguments(parser)
    parser.add_argument("--queries", type=int, default=12)
    args = parser.parse_args()
    library, vocab, _ = synthetic_library(args, "byline-search-")
    data = Path(tempfile.mkdtemp(prefix="byline-tui-search-"))
    shutil.copy(library, data / "library.db")
    rng = random.Random(11)
    queries = [" ".join(rng.choice(vocab[:50] if k % 2 else vocab[200:])
                        for k in range(1 + n % 2)) for n in range(args.queries)]
    try:
        latencies = asyncio.run(measure(data, queries))
    finally:
        shutil.rmtree(data, ignore_errors=True)
    final = [x[1] for x in latencies if x[1] == x[1]]   # not given up
    print(f"{len(latencies) - len(final)} of {len(latencies)} keys: the word's beginning was "
          "given up (too many words share it; the whole-word hits stay)")
    for label, ms in (("first results on screen", sorted(x[0] * 1000 for x in latencies)),
                      ("  CPU time", sorted(x[2] * 1000 for x in latencies)),
                      ("final results listed", sorted(x * 1000 for x in final))):
        print(f"reader search, {args.articles:,} articles, {len(ms)} keys, {label}: median "
              f"{statistics.median(ms):.0f} ms, p95 {ms[int(len(ms) * 0.95) - 1]:.0f} ms, "
              f"max {ms[-1]:.0f} ms")
    print("target: first results < 100 ms after a key")

if __name__ == "__main__":
    main()

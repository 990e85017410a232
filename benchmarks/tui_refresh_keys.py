"""Key latency in the reader while `R` refreshes every feed (the UI must answer within 100 ms).

Serves FEEDS synthetic RSS feeds of ITEMS items each on 127.0.0.1 (seeded text), subscribes a
temporary library to them, starts the reader headless (120x40), presses `R`, and while the
refresh runs moves the cursor in the sources list with `j`/`k`, timing each key from
`simulate_key` to the cursor having moved.

Usage: python benchmarks/tui_refresh_keys.py [--feeds 20] [--items 300]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import threading
import time
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WORDS = ["harbour", "tide", "ferry", "lamp", "quay", "council", "diesel", "timetable",
         "crossing", "evening", "gull", "rope"]


def make_feeds(feeds: int, items: int) -> dict[str, bytes]:
    rng = random.Random(7)
    out = {}
    for f in range(feeds):
        entries = []
        for i in range(items):
            body = " ".join(rng.choice(WORDS) for _ in range(200))
            entries.append(
                f"<item><title>Feed {f} item {i}</title><link>http://127.0.0.1/f{f}/{i}</link>"
                f"<guid>f{f}-{i}</guid><pubDate>Tue, 02 Jan 2024 10:{i % 60:02d}:00 GMT"
                f"</pubDate><description>&lt;p&gt;{body}&lt;/p&gt;</description></item>")
        out[f"/f{f}.xml"] = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {f}'
                             f'</title>{"".join(entries)}</channel></rss>').encode()
    return out


class Handler(BaseHTTPRequestHandler):
    def __init__(self, feeds: dict[str, bytes], *args: object) -> None:
        self.feeds = feeds
        super().__init__(*args)  # type: ignore[arg-type]

    def do_GET(self) -> None:
        body = self.feeds.get(self.path)
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, *args: object) -> None:
        pass


async def measure(base: str, feeds: int) -> tuple[float, list[float], int]:
    from textual.widgets import OptionList

    from reader.library.store import Library
    from reader.paths import resolve_paths
    from reader.tui.app import BylineApp

    paths = resolve_paths(tempfile.mkdtemp())
    library = Library.open(paths.library_file)
    for f in range(feeds):
        library.add_feed(f"{base}/f{f}.xml", title=f"Feed {f}")
    library.close()
    app = BylineApp(paths, theme="byline-dark")
    latencies: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        sources = app.screen.query_one("#sources", OptionList)
        start = time.perf_counter()
        app.simulate_key("R")
        await asyncio.sleep(0.05)
        while any(w.group == "refresh" and w.is_running for w in app.workers):
            before = sources.highlighted
            pressed = time.perf_counter()
            app.simulate_key("j" if before == 0 else "k")
            while sources.highlighted == before:
                await asyncio.sleep(0.001)
            latencies.append(time.perf_counter() - pressed)
            await asyncio.sleep(0.02)
        seconds = time.perf_counter() - start
        await pilot.pause()
        stored = app.library.count("all")
    return seconds, latencies, stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--items", type=int, default=300)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 partial(Handler, make_feeds(args.feeds, args.items)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        seconds, latencies, stored = asyncio.run(measure(base, args.feeds))
    finally:
        server.shutdown()
    print(f"refresh: {args.feeds} feeds x {args.items} items, {stored} entries stored, "
          f"{seconds:.2f} s")
    if latencies:
        print(f"keys during the refresh: {len(latencies)}, median "
              f"{statistics.median(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms "
              "(target < 100 ms)")


if __name__ == "__main__":
    main()

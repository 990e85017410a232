"""How the fetch policy holds against hostile servers, and the cost of huge feeds.

Starts the suite's loopback server (`tests/conftest.py`) in this process and prints, for the
gzip bomb, the 50 MB chunked body, the declared-huge body, a trickle and a silent server: the
outcome, the wall time and the growth of this process's peak RSS. Then times `parse_feed` on a
20,000-item feed, well-formed (lxml path) and with one undefined entity (feedparser path).

Usage: python benchmarks/fetch_limits.py [--deadline 3]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import conftest  # the loopback server of the test suite

from reader.sources.feeds import parse_feed
from reader.sources.http import Fetcher, FetchError


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


async def probe(url: str, deadline: float) -> str:
    async with Fetcher(trust_env=False, deadline=deadline) as fetcher:
        try:
            result = await fetcher.fetch(url)
        except FetchError as exc:
            return exc.kind
        return f"{result.status}, {len(result.body):,} bytes"


def big_feed(items: int, *, broken: bool) -> bytes:
    parts = [f"<item><title>Item {i}</title><guid>g{i}</guid><pubDate>"
             f"{time.strftime('%a, %d %b %Y %H:%M:%S GMT', time.gmtime(1.6e9 + i * 60))}"
             "</pubDate><description>Short text.</description></item>" for i in range(items)]
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>'
            + ("&bogus;" if broken else "") + "".join(parts) + "</channel></rss>").encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deadline", type=float, default=3.0)
    args = parser.parse_args()
    state = conftest.FeedServer()
    server = conftest._Server(("127.0.0.1", 0), conftest._Handler)
    server.state = state
    state.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.gzip_bomb()  # build it before measuring
    print(f"fetch limits (cap 10 MB, deadline {args.deadline:g} s)")
    for path in ("/gzip-bomb", "/huge-chunked", "/huge", "/trickle", "/hang"):
        before = peak_mb()
        started = time.perf_counter()
        outcome = asyncio.run(probe(state.url(path), args.deadline))
        print(f"  {path:14s} {outcome:12s} {time.perf_counter() - started:6.2f} s  "
              f"peak RSS +{peak_mb() - before:.0f} MB")
    state.stopping.set()
    server.shutdown()
    print("20,000-item feed (1,000 kept)")
    for broken in (False, True):
        body = big_feed(20_000, broken=broken)
        started = time.process_time()
        feed = parse_feed(body)
        label = "not well-formed (feedparser)" if broken else "well-formed (lxml)"
        print(f"  {label:30s} {time.process_time() - started:6.2f} s CPU, "
              f"{len(feed.entries)} entries")


if __name__ == "__main__":
    main()

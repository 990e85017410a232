"""Time `find_quotes` on a ~200 KB article built from the quote fixtures; prints figures.

Run: python benchmarks/quotes_speed.py
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from reader.article.model import Block
from reader.article.quotes import find_quotes

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "quotes"
TARGET_BYTES = 200_000
RUNS = 20


def article() -> list[str]:
    paragraphs: list[str] = []
    for path in sorted(FIXTURES.glob("*.txt")):
        chunks = [c.strip() for c in path.read_text(encoding="utf-8").split("\n\n") if c.strip()]
        paragraphs.extend(chunks[1:])
    out: list[str] = []
    while sum(len(p.encode()) for p in out) < TARGET_BYTES:
        out.extend(paragraphs)
    return out


def main() -> None:
    texts = article()
    size = sum(len(p.encode()) for p in texts)
    timings = []
    quotes = 0
    for _ in range(RUNS):
        blocks = [Block("paragraph", t) for t in texts]
        start = time.process_time()
        quotes = len(find_quotes(blocks))
        timings.append((time.process_time() - start) * 1000)
    print(f"article: {size / 1000:.0f} KB, {len(texts)} paragraphs, {quotes} quotes")
    print(f"find_quotes: median {statistics.median(timings):.1f} ms, "
          f"min {min(timings):.1f} ms, max {max(timings):.1f} ms over {RUNS} runs")
    start = time.process_time()
    one = [Block("paragraph", " ".join(texts))]
    find_quotes(one)
    print(f"same text as one block: {(time.process_time() - start) * 1000:.1f} ms")


if __name__ == "__main__":
    main()

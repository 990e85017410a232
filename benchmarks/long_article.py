"""Time to first paint of a 5,000-paragraph article in the article view (reliability case 56).

Builds an article of PARAGRAPHS synthetic paragraphs (seeded; a quote in every tenth), keeps it
in a temporary library, then in one headless app (120x40) measures (median of N runs):
  - open: from `open_articles` to the first painted frame showing the title;
  - full layout: until the background layout of every paragraph has landed;
  - key: from a `j` to the page having scrolled, while that background layout runs;
  - the pure layout (wrap) of the whole article at 72 columns, for reference.
The target is a first paint under 1 s (Textual's Markdown widget took 24 s here).

Usage: python benchmarks/long_article.py [--paragraphs 5000] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reader.article.model import Article, Block, Quote, QuoteSpan
from reader.paths import resolve_paths

WORDS = ["harbour", "tide", "ferry", "lamp", "quay", "council", "diesel", "timetable",
         "crossing", "evening", "gull", "rope", "lantern", "pier", "channel", "fog", "bell",
         "keeper", "storm", "island"]


def long_article(paragraphs: int) -> Article:
    rng = random.Random(56)
    blocks: list[Block] = []
    quotes: list[Quote] = []
    for i in range(paragraphs):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 110))).capitalize() + "."
        spans: list[QuoteSpan] = []
        if i % 10 == 0:
            said = "“The lamps stay lit tonight,”"
            text = f"{said} said Mara Quillon. {text}"
            spans.append(QuoteSpan(0, len(said), "Mara Quillon"))
            quotes.append(Quote("The lamps stay lit tonight,", "Mara Quillon", i))
        blocks.append(Block("paragraph", text, spans))
    return Article("A very long harbour chronicle", "chronicle.txt", blocks=blocks,
                   quotes=quotes, raw="\n\n".join(b.text for b in blocks))


async def measure(folder: Path, article: Article) -> tuple[float, float, float]:
    from reader.tui.app import BylineApp
    from reader.tui.screens.article import ArticleScreen
    from reader.tui.widgets.article_body import ArticleBody

    app = BylineApp(resolve_paths(folder), theme="byline-dark")
    entry = app.library.add_local(article)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        start = time.perf_counter()
        app.open_articles([entry], 0)
        while True:
            await asyncio.sleep(0.002)
            screen = app.screen
            if isinstance(screen, ArticleScreen) and screen.query(ArticleBody) and \
                    "A very long harbour chronicle" in "".join(
                        s.text for s in screen._compositor.render_strips()):
                break
        first_paint = time.perf_counter() - start
        screen = app.screen
        assert isinstance(screen, ArticleScreen)
        body = screen.query_one(ArticleBody)
        page = screen.page
        key_start = time.perf_counter()
        app.simulate_key("j")
        while page.scroll_y == 0:
            await asyncio.sleep(0.001)
        key = time.perf_counter() - key_start
        while not body.complete:
            await asyncio.sleep(0.005)
        full = time.perf_counter() - start
    return first_paint, full, key


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    article = long_article(args.paragraphs)
    from reader.tui.layout import layout_article

    wraps = []
    for _ in range(args.runs):
        start = time.perf_counter()
        lines = len(layout_article(article, 72).lines)
        wraps.append(time.perf_counter() - start)
    results = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            results.append(asyncio.run(measure(Path(tmp), article)))
    first, full, key = (statistics.median(r[i] for r in results) for i in range(3))
    print(f"article: {args.paragraphs} paragraphs, {lines} lines at 72 columns; "
          f"median of {args.runs} runs")
    print(f"open to first paint                 {first * 1000:7.0f} ms (target < 1000 ms)")
    print(f"open to full layout (background)    {full * 1000:7.0f} ms")
    print(f"a key press during the layout       {key * 1000:7.0f} ms")
    print(f"pure layout of the whole article    {statistics.median(wraps) * 1000:7.0f} ms")


if __name__ == "__main__":
    main()

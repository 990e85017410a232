"""Time `find_quotes` (CPU time); prints figures.

1. a ~200 KB article built by repeating the quote fixtures (very quote-dense: two of three
   paragraphs hold a quotation), as paragraphs and as one single block;
2. the real article bodies of the shared scrapinghub corpus, when `../shared` is present;
3. 200 KB of real news: PolNeAR train articles (read from $TMPDIR/polnear, where
   ../shared/tools/polnear/prep.py puts them, when present) one after another as one article.

Run: python benchmarks/quotes_speed.py
It measures the `reader` it imports: the compiled engine of a regular install (`pip install .`,
see hatch_build.py) or the source (an editable install); the first line says which.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

from reader.article import speakers
from reader.article.model import Block
from reader.article.quotes import find_quotes

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "quotes"
CORPUS = ROOT / ".." / "shared" / "corpora" / "scrapinghub" / "ground-truth.json"
POLNEAR = Path(tempfile.gettempdir()) / "polnear" / "articles" / "train"
TARGET_BYTES = 200_000
RUNS = 20


def dense_article() -> list[str]:
    paragraphs: list[str] = []
    for path in sorted(FIXTURES.glob("*.txt")):
        chunks = [c.strip() for c in path.read_text(encoding="utf-8").split("\n\n") if c.strip()]
        paragraphs.extend(chunks[1:])
    out: list[str] = []
    while sum(len(p.encode()) for p in out) < TARGET_BYTES:
        out.extend(paragraphs)
    return out


def timed(blocks: list[Block]) -> tuple[float, int]:
    """CPU milliseconds for one `find_quotes` call, and the number of quotes found."""
    start = time.process_time()
    quotes = len(find_quotes(blocks))
    return (time.process_time() - start) * 1000, quotes


def dense() -> None:
    texts = dense_article()
    size = sum(len(p.encode()) for p in texts)
    runs = [timed([Block("paragraph", t) for t in texts]) for _ in range(RUNS)]
    ms = [t for t, _ in runs]
    print(f"dense article: {size / 1000:.0f} KB, {len(texts)} paragraphs, {runs[0][1]} quotes: "
          f"median {statistics.median(ms):.1f} ms, min {min(ms):.1f} ms over {RUNS} runs")
    one, _ = timed([Block("paragraph", " ".join(texts))])
    print(f"same text as one block: {one:.1f} ms")


def corpus() -> None:
    if not CORPUS.exists():
        print(f"(no corpus at {CORPUS.resolve()}: skipped)")
        return
    bodies = [v["articleBody"] for v in json.loads(CORPUS.read_text(encoding="utf-8")).values()]
    size = sum(len(b.encode()) for b in bodies)
    runs = [timed([Block("paragraph", p) for p in b.split("\n") if p.strip()]) for b in bodies]
    total = sum(t for t, _ in runs)
    quotes = sum(q for _, q in runs)
    print(f"scrapinghub corpus: {len(bodies)} articles, {size / 1000:.0f} KB, {quotes} quotes "
          f"in {total:.0f} ms ({total / (size / 1000):.3f} ms/KB); "
          f"slowest article {max(t for t, _ in runs):.1f} ms")


def real_news() -> None:
    if not POLNEAR.is_dir():
        print(f"(no PolNeAR articles at {POLNEAR}: skipped)")
        return
    paragraphs: list[str] = []
    for path in sorted(POLNEAR.glob("*.txt")):
        paragraphs += [p for p in path.read_text(encoding="utf-8").split("\n") if p.strip()]
        if sum(len(p.encode()) for p in paragraphs) >= TARGET_BYTES:
            break
    size = sum(len(p.encode()) for p in paragraphs)
    runs = [timed([Block("paragraph", p) for p in paragraphs]) for _ in range(RUNS)]
    ms = [t for t, _ in runs]
    print(f"real news (PolNeAR train, one after another): {size / 1000:.0f} KB, "
          f"{len(paragraphs)} paragraphs, {runs[0][1]} quotes: median "
          f"{statistics.median(ms):.1f} ms, min {min(ms):.1f} ms over {RUNS} runs")


if __name__ == "__main__":
    compiled = not (speakers.__file__ or "").endswith(".py")
    print(f"quote engine: {'compiled (mypyc)' if compiled else 'pure Python'}, {speakers.__file__}")
    dense()
    corpus()
    real_news()

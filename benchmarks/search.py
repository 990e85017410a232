"""Search speed over a large library: median and p95 of `Library.search`.

Builds a synthetic library (default 100,000 articles of ~150 words, words drawn with a
Zipf-like frequency so some terms are very common and most are rare), then times a mix of
queries: one common word, one rare word, two words, a prefix, a phrase, and a query full of
FTS syntax; then types queries a letter at a time, as the reader's search does: per key,
the first results (every word whole: the hits listed with snippets, and the count), then the
word being typed as a beginning (the reader runs that on a connection of its own that the
next key stops, so a slow one never delays the next key's first results). Also prints
the cost of opening the library and of a full `PRAGMA quick_check`, of the library screen
(`sources()`), and of article lists (first page, a deep page, all ids).

Usage: python benchmarks/search.py [--articles 100000] [--queries 200] [--keep DIR]
(--keep reuses/keeps the library in DIR, so a second run skips the build.)
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reader.library.store import Library, NewEntry
from reader.tui.screens.search import LIMIT, as_you_type

SYLLABLES = ["ka", "lo", "mi", "ren", "sto", "vu", "bel", "dar", "ni", "qua", "tes", "zor",
             "fin", "gal", "hu", "jen", "pol", "ras", "ti", "wen", "ox", "ul", "pa", "sir"]
FEEDS = 100


def vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def build(path: Path, articles: int, vocab: list[str], rng: random.Random) -> None:
    weights = [1 / (rank + 1) for rank in range(len(vocab))]
    per_feed = articles // FEEDS
    with Library.open(path) as lib:
        for f in range(FEEDS):
            feed = lib.add_feed(f"https://feed{f}.example/rss", title=f"Feed {f}")
            entries = []
            for i in range(per_feed):
                words = rng.choices(vocab, weights, k=150)
                body = "".join(f"<p>{' '.join(words[k:k + 30])}.</p>" for k in range(0, 150, 30))
                entries.append(NewEntry(key=f"{f}-{i}", title=" ".join(words[:6]).capitalize(),
                                        raw=body, link=f"https://feed{f}.example/{i}",
                                        published=f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}"))
            lib.store_entries(feed, entries)
            print(f"\r  built {(f + 1) * per_feed:,} articles", end="", flush=True)
    print()


def library_arguments(parser: argparse.ArgumentParser) -> None:
    """`--articles` and `--keep`, the options of every benchmark on this library."""
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="reuse/keep the library in this folder")


def synthetic_library(args: argparse.Namespace,
                      prefix: str) -> tuple[Path, list[str], random.Random]:
    """The library file (built unless `--keep` holds one already, else in a new temporary
    folder named `prefix`…), its vocabulary, and the random generator that drew them."""
    rng = random.Random(7)
    vocab = vocabulary(rng)
    folder = args.keep or Path(tempfile.mkdtemp(prefix=prefix))
    path = folder / "library.db"
    if not path.exists():
        started = time.perf_counter()
        build(path, args.articles, vocab, rng)
        print(f"build: {time.perf_counter() - started:.1f} s, "
              f"{path.stat().st_size / 1e6:.0f} MB")
    return path, vocab, rng


def timed_ms(fn: object, *args: object, **kwargs: object) -> float:
    started = time.perf_counter()
    fn(*args, **kwargs)  # type: ignore[operator]
    return (time.perf_counter() - started) * 1000


def median_ms(fn: object, *args: object, runs: int = 5, **kwargs: object) -> float:
    """The median of `runs` timings of `fn(*args, **kwargs)`, in milliseconds."""
    return statistics.median(timed_ms(fn, *args, **kwargs) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    library_arguments(parser)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    path, vocab, rng = synthetic_library(args, "byline-search-")

    open_ms = median_ms(lambda: Library.open(path).close())
    check = sqlite3.connect(path)
    check_ms = timed_ms(lambda: check.execute("PRAGMA quick_check").fetchall())
    check.close()
    lib = Library.open(path)
    total = lib.count("all")
    common, rare = vocab[:50], vocab[5000:]
    makers = [
        lambda: rng.choice(common),
        lambda: rng.choice(rare),
        lambda: f"{rng.choice(common)} {rng.choice(rare)}",
        lambda: rng.choice(rare)[:4] + "*",
        lambda: f'"{rng.choice(common)} {rng.choice(common)}"',
        lambda: f'{rng.choice(rare)} OR ( NEAR "{rng.choice(common)}',
    ]
    times = []
    hits = 0
    for n in range(args.queries):
        query = makers[n % len(makers)]()
        started = time.perf_counter()
        hits += len(lib.search(query, limit=20))
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    typed, beginnings = [], []
    for n in range(max(1, args.queries // 20)):
        words = [rng.choice(common if k % 2 else vocab[200:]) for k in range(1 + n % 2)]
        query = " ".join(words)
        for end in range(1, len(query) + 1):
            typed.append(timed_ms(lib.search_results, query[:end], limit=LIMIT))
            if as_you_type(query[:end]) != query[:end]:
                beginnings.append(timed_ms(lib.search_results, as_you_type(query[:end]),
                                           limit=LIMIT))
    typed.sort()
    beginnings.sort()
    sources_ms = median_ms(lib.sources)
    page_ms = median_ms(lib.entries, "all", limit=50)
    unread_ms = median_ms(lib.entries, "unread", limit=50)
    deep_ms = median_ms(lib.entries, "all", limit=50, offset=50_000)
    starred_ms = median_ms(lib.entries, "starred", limit=50)
    ids_ms = median_ms(lib.entry_ids, "all")
    lib.close()
    print(f"library: {total:,} articles in {path}")
    print(f"search ({args.queries} queries, {hits / args.queries:.1f} hits each): "
          f"median {statistics.median(times):.2f} ms, "
          f"p95 {times[int(len(times) * 0.95) - 1]:.2f} ms, max {times[-1]:.2f} ms "
          "(target: median < 10 ms)")
    print(f"as you type ({len(typed)} keys), first results ({LIMIT} hits and the count): "
          f"median {statistics.median(typed):.1f} ms, p95 {typed[int(len(typed) * 0.95) - 1]:.1f}"
          f" ms, max {typed[-1]:.1f} ms (target: < 100 ms); the typed word as a beginning: "
          f"median {statistics.median(beginnings):.0f} ms, "
          f"p95 {beginnings[int(len(beginnings) * 0.95) - 1]:.0f} ms, max {beginnings[-1]:.0f} ms")
    print(f"open: median {open_ms:.0f} ms (a full PRAGMA quick_check, run "
          f"after an unclean exit or below 64 MB: {check_ms:.0f} ms); "
          f"sources(): {sources_ms:.0f} ms; first page of all: {page_ms:.1f} ms; "
          f"of unread: {unread_ms:.1f} ms; page at offset 50,000: {deep_ms:.1f} ms; "
          f"starred (none starred, so the whole index): {starred_ms:.1f} ms; "
          f"entry_ids(all): {ids_ms:.0f} ms")


if __name__ == "__main__":
    main()

"""Feed parsing speed: Byline's `parse_feed` against plain feedparser, in items per second.

Generates FEEDS feeds x ITEMS items of synthetic text (seeded; half RSS 2.0 with
content:encoded, half Atom 1.0), then times (CPU seconds, in this process) the best of RUNS
passes of:
  - `reader.sources.feeds.parse_feed` (lxml fast path; normalised entries);
  - the same bodies made "odd" (one undefined entity each), so every one takes the guarded
    feedparser fallback path;
  - `feedparser.parse` with its defaults;
  - `feedparser.parse(..., sanitize_html=False, resolve_relative_uris=False)`;
and, with --articles, `FeedEntry.to_article` (the article engine) on every parsed entry.

Usage: python benchmarks/parse_feeds.py [--feeds 200] [--items 50] [--runs 3] [--articles]
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import feedparser

from reader.sources.feeds import parse_feed

SYLLABLES = ["an", "bo", "cel", "dri", "em", "fa", "gor", "hin", "is", "jul", "ka", "lem",
             "mo", "nus", "or", "pra", "quo", "ril", "sa", "tem", "ul", "ves", "win", "zen"]


def words(rng: random.Random, n: int) -> str:
    return " ".join("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))
                    for _ in range(n))


def body_html(rng: random.Random) -> str:
    return "".join(f"<p>{words(rng, 40).capitalize()}. “{words(rng, 8)},” said "
                   f"{words(rng, 2).title()}.</p>" for _ in range(3))


def rss_feed(rng: random.Random, f: int, items: int) -> bytes:
    parts = []
    for i in range(items):
        parts.append(
            f"<item><title>{words(rng, 7).capitalize()}</title>"
            f"<link>https://site{f}.example/a/{i}.html</link>"
            f'<guid isPermaLink="false">feed{f}-item{i}</guid>'
            f"<dc:creator>{words(rng, 2).title()}</dc:creator>"
            f"<pubDate>Mon, {1 + i % 28:02d} Jan 2024 {i % 24:02d}:15:00 +0000</pubDate>"
            f"<description>{words(rng, 30)}</description>"
            f"<content:encoded><![CDATA[{body_html(rng)}]]></content:encoded></item>")
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>Site {f}</title><link>https://site{f}.example/</link>"
            + "".join(parts) + "</channel></rss>").encode()


def atom_feed(rng: random.Random, f: int, items: int) -> bytes:
    parts = []
    for i in range(items):
        html = body_html(rng).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        parts.append(
            f"<entry><title>{words(rng, 7).capitalize()}</title>"
            f'<link rel="alternate" href="/posts/{i}"/><id>tag:site{f}.example,2024:{i}</id>'
            f"<author><name>{words(rng, 2).title()}</name></author>"
            f"<updated>2024-01-{1 + i % 28:02d}T{i % 24:02d}:15:00Z</updated>"
            f"<summary>{words(rng, 30)}</summary>"
            f'<content type="html">{html}</content></entry>')
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            f'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://site{f}.example/">'
            f"<title>Site {f}</title><id>tag:site{f}.example,2024:feed</id>"
            '<link rel="alternate" href="/"/>' + "".join(parts) + "</feed>").encode()


def make_feeds(feeds: int, items: int) -> list[bytes]:
    rng = random.Random(20240115)
    return [(rss_feed if f % 2 == 0 else atom_feed)(rng, f, items) for f in range(feeds)]


def make_odd(bodies: list[bytes]) -> list[bytes]:
    """One undefined entity per feed: not well-formed, so the fast path declines."""
    out = []
    for body in bodies:
        marker = b"<title>" if b"<rss" in body[:300] else b"<id>"
        out.append(body.replace(marker, b"&bogus;" + marker, 1))
    return out


def best_of(runs: int, fn: Callable[[], int]) -> tuple[float, int]:
    """Best CPU seconds of `runs` calls (CPU time, not wall time: steadier on a shared box)."""
    best = float("inf")
    count = 0
    for _ in range(runs):
        started = time.process_time()
        count = fn()
        best = min(best, time.process_time() - started)
    return best, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--articles", action="store_true",
                        help="also time FeedEntry.to_article on every entry")
    args = parser.parse_args()
    bodies = make_feeds(args.feeds, args.items)
    odd = make_odd(bodies)
    megabytes = sum(map(len, bodies)) / 1e6
    print(f"{args.feeds} feeds x {args.items} items, {megabytes:.1f} MB, "
          f"best CPU time of {args.runs}")

    def ours(data: list[bytes]) -> Callable[[], int]:
        return lambda: sum(len(parse_feed(b, url="https://example.com/feed").entries)
                           for b in data)

    def fp(**options: bool) -> Callable[[], int]:
        return lambda: sum(len(feedparser.parse(io.BytesIO(b), **options).entries)
                           for b in bodies)

    cases: list[tuple[str, Callable[[], int]]] = [
        ("byline parse_feed (fast path)", ours(bodies)),
        ("byline parse_feed (feedparser fallback)", ours(odd)),
        ("feedparser defaults", fp()),
        ("feedparser no sanitize/resolve", fp(sanitize_html=False, resolve_relative_uris=False)),
    ]
    baseline = None
    for name, fn in cases:
        seconds, count = best_of(args.runs, fn)
        baseline = baseline or seconds
        print(f"{name:42s} {seconds:7.3f} s  {count / seconds:9,.0f} items/s"
              f"  ({seconds / baseline:5.1f}x the fast path)")
    if args.articles:
        parsed = [parse_feed(b, url="https://example.com/feed") for b in bodies]
        seconds, count = best_of(1, lambda: sum(
            len([e.to_article(feed) for e in feed.entries]) for feed in parsed))
        print(f"{'FeedEntry.to_article (article engine)':42s} {seconds:7.3f} s  "
              f"{count / seconds:9,.0f} items/s")


if __name__ == "__main__":
    main()

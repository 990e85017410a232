"""Filter speed over a large library: first page and count of each kind of filter.

Reuses the synthetic library of `benchmarks/search.py` (default 100,000 articles of ~150
Zipf-distributed words in 100 feeds), marks a third of it read, stars one in fifty, tags ten
feeds and gives every entry an author, then times, median of 7 runs each, what the reader does
when a filter is typed or a view is chosen: `listing_page` (the first 100 rows), and
`listing_count` and `listing_counts` (a view's unread/total in the sources pane). Also the
first page of each sort order.

Usage: python benchmarks/filters.py [--articles 100000] [--keep DIR]
(--keep reuses/keeps the library in DIR, so a second run skips the build.)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import library_arguments, median_ms, synthetic_library

from reader.library.listings import Listing
from reader.library.store import Library

RUNS = 7   # timings of each, their median shown

def prepare(lib: Library) -> None:
    """Read state, stars, tags and authors, once per library."""
    if lib._one("SELECT 1 FROM entries WHERE starred = 1 LIMIT 1"):
        return
    with lib._write() as conn:
        conn.execute("UPDATE entries SET read = 1 WHERE id % 3 = 0")
        conn.execute("UPDATE entries SET starred = 1 WHERE id % 50 = 0")
        conn.execute("""UPDATE entries SET authors = json_array(
                            CASE id % 4 WHEN 0 THEN 'Ines Okafor' WHEN 1 THEN 'Dev Lane'
                            WHEN 2 THEN 'Mara Quillon' ELSE 'Ada Lane' END)""")
    for feed in lib.feeds()[:10]:
        lib.set_tags(feed.id, ["news"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    library_arguments(parser)
    args = parser.parse_args()
    path, vocab, _ = synthetic_library(args, "byline-filters-")
    lib = Library.open(path)
    prepare(lib)
    common, rare = vocab[0], vocab[7000]
    filters = [
        "", "unread", "starred", "tag:news", "feed:feed7", "author:okafor", "title:" + rare[:5],
        common, rare, f"unread {common}", f"{common} -{vocab[1]}", f'"{common} {vocab[1]}"',
        "@30d", "@2026-03-01..2026-06-30", f"unread tag:news {common} -starred @2026-02-01..",
        "has:quotes",
    ]
    print(f"library: {lib.count('all'):,} articles in {path}; median of 7 runs, ms")
    print(f"{'filter':<52} {'page':>7} {'count':>7} {'counts':>7} {'rows':>7}")
    worst = 0.0
    for text in filters:
        listing = Listing(filter=text)
        page = median_ms(lib.listing_page, listing, limit=100, runs=RUNS)
        count = median_ms(lib.listing_count, listing, runs=RUNS)
        counts = median_ms(lib.listing_counts, listing, runs=RUNS)
        worst = max(worst, page)
        print(f"{text or '(none)':<52} {page:7.1f} {count:7.1f} {counts:7.1f} "
              f"{lib.listing_count(listing):7,}")
    for sort in ("date", "feed", "title", "minutes"):
        page = median_ms(lib.listing_page, Listing(sort=sort), limit=100, runs=RUNS)
        unread = median_ms(lib.listing_page, Listing(sort=sort, unread_only=True), limit=100,
                           runs=RUNS)
        print(f"sort {sort:<10} first page {page:6.1f} ms, unread only {unread:6.1f} ms")
    print(f"slowest first page of a filter: {worst:.1f} ms (target < 50 ms)")
    lib.close()


if __name__ == "__main__":
    main()

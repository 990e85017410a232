"""What keeping the reader's place costs after a refresh, on a 100,000-article library.

When new articles come in, the library screen looks the highlighted article up among the
first `cursor + new + 100` ids of its list (`LibraryScreen._show_source(keep=True)`): this
prints that look-up's time for a cursor near the top, a thousand rows down and ten thousand
rows down, in the lists All and Unread.

Usage: python benchmarks/keep_place.py [--articles 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import library_arguments, median_ms, synthetic_library

from reader.library.listings import Listing
from reader.library.store import Library
from reader.tui.widgets.entry_list import PAGE

NEW = 40   # articles the refresh brought


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    library_arguments(parser)
    args = parser.parse_args()
    path, _vocab, _rng = synthetic_library(args, "byline-keep-place-")
    with Library.open(path) as library:
        print(f"{library.listing_count(Listing()):,} articles; the look-up of the highlighted "
              "row after a refresh (median of 15):")
        for source in ("all", "unread"):
            for cursor in (20, 1_000, 10_000):
                limit = cursor + NEW + PAGE
                ms = median_ms(library.listing_ids, Listing(source), limit, runs=15)
                print(f"  {source:<7} cursor {cursor:>6,}: {ms:6.2f} ms")
    if not args.keep:
        print(f"(library left in {path.parent}; --keep DIR reuses one)")


if __name__ == "__main__":
    main()

"""The cold refresh's CPU stage by stage, in-process, on refresh_vs_newsboat.py's corpus.

Parses the generated FEEDS x ITEMS feeds the way a refresh's parse workers do, timing each
stage in process time (CPU, so the figures hold on a busy machine):
  parse_feed       the XML parse to entries (enclosures included)
  new_entries      entries as the store takes them (`summary_only` included)
  prepare_entries  cleaning into column values: the quick clean for the search index, hashes
  quick clean      of which `entry_text` alone
  packing          of which deflating the original and the search text (`packing.pack`)
  store            SQL: the inserts, the search index and the counts, 16 feeds a transaction
                   as a refresh's batches
Runs in another checkout too (copy this file there): it falls back to what older commits had.

Usage: python benchmarks/refresh_stages.py [--feeds 200] [--items 50] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from refresh_vs_newsboat import make_corpus

from reader.library import ingest, search_text
from reader.library.store import Library, prepare_entries

try:
    from reader.library.packing import pack
except ImportError:  # before texts were stored packed
    pack = None  # type: ignore[assignment]
from reader.sanitize import clean_text
from reader.sources.feeds import parse_feed

BATCH = 16  # feeds a transaction, as refresh's MIN_BATCH


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.process_time()
    result = work()
    return time.process_time() - started, result


def one_run(items: list[tuple[str, bytes]]) -> dict[str, float]:
    figures: dict[str, float] = {}
    figures["parse_feed"], parsed = timed(lambda: [
        parse_feed(body, url="http://127.0.0.1:8080" + path, content_type="application/rss+xml")
        for path, body in items])
    figures["new_entries"], news = timed(lambda: [ingest.new_entries(p) for p in parsed])
    now = time.time()
    figures["prepare_entries"], rows = timed(lambda: [prepare_entries(n, now) for n in news])
    quick = getattr(search_text, "entry_text", None) or (
        lambda raw, kind: search_text.html_to_text(raw))  # before the quick clean existed
    raws = [(clean_text(e.raw), e.raw_kind) for n in news for e in n]
    figures["  quick clean"], texts = timed(lambda: [quick(raw, kind) for raw, kind in raws])
    if pack is not None:
        figures["  packing"], _ = timed(lambda: [(pack(raw), pack(text)) for (raw, _), text
                                                 in zip(raws, texts, strict=True)])
    with tempfile.TemporaryDirectory() as tmp:
        library = Library.open(Path(tmp) / "library.db")
        ids = [library.add_feed("http://127.0.0.1:8080" + path) for path, _ in items]
        bodies = [ingest.Body(i, "", b"", None, None, None, None, False) for i in ids]
        prepared = [ingest.parse(body, "http://127.0.0.1:8080" + path, "application/rss+xml")
                    for path, body in items]  # as the workers hand them over (untimed)

        def store() -> None:
            for start in range(0, len(ids), BATCH):
                pairs = zip(bodies[start:start + BATCH], prepared[start:start + BATCH],
                            strict=True)
                ingest.write_each(library, [lambda b=b, p=p: ingest._store(library, b, p)
                                            for b, p in pairs])

        figures["store"], _ = timed(store)
        stored = library.query("SELECT count(*) FROM entries")[0][0]
        library.close()
    if stored != sum(len(r) for r in rows):
        raise SystemExit(f"stored {stored} entries, expected {sum(len(r) for r in rows)}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    items = list(make_corpus(args.feeds, args.items, 8080).items())
    runs = [one_run(items) for _ in range(args.runs)]
    print(f"{args.feeds} feeds x {args.items} items, CPU seconds over {args.runs} runs")
    for stage in runs[0]:
        values = [r[stage] for r in runs]
        print(f"{stage:18} min {min(values):.3f}  median {statistics.median(values):.3f}")
    total = [sum(v for k, v in r.items() if not k.startswith(" ")) for r in runs]
    print(f"{'all stages':18} min {min(total):.3f}  median {statistics.median(total):.3f}")


if __name__ == "__main__":
    main()

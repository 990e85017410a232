"""Speed of HTML extraction, in process, on real saved pages of about 200 KB.

Prints, for each scrapinghub page between 170 and 240 KB (or the pages given), the median of
N runs of `parse_html` (extraction alone) and of `from_html` (extraction + cleaning + quotes),
then the median over pages and where the time goes (lxml parse, metadata, related links,
trafilatura, recovery).

Usage: python benchmarks/extraction_speed.py [PAGE.html ...] [--runs N] [--cpu]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from reader.article.build import from_html
from reader.article.html import parse as engine
from reader.article.html.parse import parse_html
from reader.sanitize import clean_text

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "scrapinghub"


CLOCK = time.perf_counter


def median_ms(func: Callable[[], object], runs: int) -> float:
    func()
    times = []
    for _ in range(runs):
        start = CLOCK()
        func()
        times.append(CLOCK() - start)
    return statistics.median(times) * 1000


def pages(paths: list[str]) -> list[tuple[str, str]]:
    if paths:
        return [(p, Path(p).read_bytes().decode("utf-8", "replace")) for p in paths]
    found = []
    for path in sorted((CORPUS / "html").glob("*.html.gz")):
        raw = gzip.decompress(path.read_bytes())
        if 170_000 <= len(raw) <= 240_000:
            found.append((path.name[:12], raw.decode("utf-8", "replace")))
    return found


def stages(html: str, runs: int) -> dict[str, float]:
    """Median ms of each stage of `parse_html` on one page."""
    from reader.article.html.meta import page_meta
    from reader.article.html.recover import recover
    from reader.article.html.related import take_related

    text = clean_text(html)
    out = {"parse": median_ms(lambda: engine._document(text), runs)}
    root = engine._document(text)
    out["metadata"] = median_ms(lambda: page_meta(root, None), runs)
    out["related"] = median_ms(lambda: take_related(engine._document(text), None), runs)
    take_related(root, None)
    engine._prepare(root)
    out["trafilatura"] = median_ms(lambda: engine._main_content(root, None), runs)
    blocks = engine._main_content(root, None)
    out["recover"] = median_ms(lambda: recover(root, blocks), runs) if blocks else 0.0
    out["related"] -= out["parse"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("pages", nargs="*")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--cpu", action="store_true",
                    help="time CPU used by this process instead of wall time (busy machines)")
    args = ap.parse_args()
    global CLOCK
    CLOCK = time.process_time if args.cpu else time.perf_counter
    selected = pages(args.pages)
    if not selected:
        raise SystemExit(f"no pages: give some, or put the corpus at {CORPUS}")
    extract, full = [], []
    split: dict[str, list[float]] = {}
    for name, html in selected:
        e = median_ms(partial(parse_html, clean_text(html), url=None), args.runs)
        f = median_ms(partial(from_html, html, name), args.runs)
        extract.append(e)
        full.append(f)
        for stage, ms in stages(html, args.runs).items():
            split.setdefault(stage, []).append(ms)
        print(f"{name} {len(html) // 1024} KB  extract {e:.1f} ms  whole pipeline {f:.1f} ms")
    print(f"TOTAL pages {len(selected)} median extract {statistics.median(extract):.1f} ms "
          f"median whole pipeline {statistics.median(full):.1f} ms")
    print("median by stage: " + ", ".join(
        f"{stage} {statistics.median(ms):.1f} ms" for stage, ms in split.items()))


if __name__ == "__main__":
    main()

"""Speed of `byline read` and of the article engine.

Prints:
  1. wall time of `byline read ARTICLE --format json` (median of N runs) against
     `python -c 'import rich, httpx'` (the target: at most 1.5x);
  2. in-process time to clean a ~200 KB plain-text article and a ~200 KB HTML page
     (the target: under 50 ms), median of N runs.

Usage: python benchmarks/read_speed.py [ARTICLE] [--runs N]
The default ARTICLE is ../shared/corpora/articles/chechnya-global.txt when present,
else the bundled plain-text sample.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "reader" / "samples"
REFERENCE = ROOT.parent / "shared" / "corpora" / "articles" / "chechnya-global.txt"


def wall(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def in_process(func, runs: int) -> float:  # type: ignore[no-untyped-def]
    func()  # warm: rules compiled, modules imported
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def big_text(size: int) -> str:
    """A long plain-text article made by repeating the bundled sample's body."""
    lines = (SAMPLES / "harbour-ferry.txt").read_text(encoding="utf-8").split("\n", 1)
    body = lines[1]
    return lines[0] + "\n" + body * (size // len(body) + 1)


def big_html(size: int) -> str:
    page = (SAMPLES / "library-reopens.html").read_text(encoding="utf-8")
    head, rest = page.split("<article>", 1)
    article, tail = rest.split("</article>", 1)
    paragraphs = article.split("<aside", 1)[0]
    inner = paragraphs * (size // len(paragraphs) + 1)
    return f"{head}<article>{inner}</article>{tail}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("article", nargs="?", type=Path,
                    default=REFERENCE if REFERENCE.exists() else SAMPLES / "harbour-ferry.txt")
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()

    baseline = wall([sys.executable, "-c", "import rich, httpx"], args.runs)
    read = wall([sys.executable, "-m", "reader", "read", str(args.article), "--format", "json"],
                args.runs)
    read_text = wall([sys.executable, "-m", "reader", "read", str(args.article)], args.runs)
    print(f"python -c 'import rich, httpx'      {baseline * 1000:7.1f} ms")
    print(f"byline read {args.article.name} --format json {read * 1000:7.1f} ms "
          f"({read / baseline:.2f}x, target <= 1.5x)")
    print(f"byline read {args.article.name} (text)        {read_text * 1000:7.1f} ms "
          f"({read_text / baseline:.2f}x)")

    sys.path.insert(0, str(ROOT))
    from reader.article.build import from_html, from_text

    text = big_text(200_000)
    html = big_html(200_000)
    t_text = in_process(lambda: from_text(text, "big.txt"), max(5, args.runs // 2))
    t_html = in_process(lambda: from_html(html, "big.html"), max(5, args.runs // 2))
    print(f"clean {len(text.encode()) // 1024} KB plain text in-process   {t_text * 1000:7.1f} ms"
          " (target < 50 ms)")
    print(f"clean {len(html.encode()) // 1024} KB HTML page in-process    {t_html * 1000:7.1f} ms"
          " (target < 50 ms)")


if __name__ == "__main__":
    main()

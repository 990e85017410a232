"""Speed of `byline read` and of the article engine (issue 2).

Prints:
  1. `byline read ARTICLE --format json` and `byline read ARTICLE` (text) against
     `python -c 'import rich, httpx'` (the target: at most 1.5x), each the median of N runs,
     the three commands interleaved so that the ratios come from the same moments of a shared
     machine's load. Wall time and CPU time (user + system, `getrusage`) are both shown, for
     two start-ups: with a bytecode cache and a pattern cache, as an installed `byline` runs
     from its second run on (a private PYTHONPYCACHEPREFIX and BYLINE_HOME, warmed once), and
     with neither (PYTHONDONTWRITEBYTECODE=1, and a BYLINE_HOME where no pattern cache can be
     written), which compiles every module and regular expression on every run;
  2. the engine's first call in a fresh process (what the command line pays once per run:
     rules and patterns compiled on first use);
  3. in-process time to clean a ~200 KB plain-text article and ~200 KB web pages (the target:
     under 50 ms, after warm-up), median of N runs. The pages are the saved pages of 170 to
     240 KB in ../shared/corpora/scrapinghub (mostly markup, as real pages are) when present,
     else a synthetic page of ~200 KB made of the bundled sample's article.

Usage: python benchmarks/read_speed.py [ARTICLE] [--runs N]
The default ARTICLE is ../shared/corpora/articles/chechnya-global.txt when present,
else the bundled plain-text sample.
"""

from __future__ import annotations

import argparse
import gzip
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Commands run from here, so `python -m reader` imports the installed package (a regular
# install may hold the compiled quote engine), not the checkout's source beside them.
RUN_DIR = Path(tempfile.gettempdir())
SAMPLES = ROOT / "reader" / "samples"
SHARED = ROOT.parent / "shared" / "corpora"
REFERENCE = SHARED / "articles" / "chechnya-global.txt"
PAGES = SHARED / "scrapinghub" / "html"
FIRST_CALL = """
import sys, time
from reader.article.build import from_text
import reader.article.quotes, reader.article.boilerplate
text = open(sys.argv[1], encoding="utf-8").read()
start, cpu = time.perf_counter(), time.process_time()
from_text(text, "first")
first = time.perf_counter() - start, time.process_time() - cpu
start, cpu = time.perf_counter(), time.process_time()
from_text(text, "again")
print(*first, time.perf_counter() - start, time.process_time() - cpu)
"""


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def interleaved(cmds: dict[str, list[str]], runs: int,
                env: dict[str, str]) -> dict[str, tuple[float, float]]:
    """Median (wall, cpu) seconds of each command, the commands run in turn `runs` times."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            cpu, start = _child_cpu(), time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=RUN_DIR)
            times[name].append((time.perf_counter() - start, _child_cpu() - cpu))
    return {name: (statistics.median(t[0] for t in got), statistics.median(t[1] for t in got))
            for name, got in times.items()}


def cli_figures(article: Path, runs: int, env: dict[str, str], label: str) -> None:
    py = sys.executable
    cmds = {
        "python -c 'import rich, httpx'": [py, "-c", "import rich, httpx"],
        f"byline read {article.name} --format json": [py, "-m", "reader", "read", str(article),
                                                     "--format", "json"],
        f"byline read {article.name} (text)": [py, "-m", "reader", "read", str(article)],
    }
    for cmd in cmds.values():  # warm the disk cache (and the bytecode cache, when there is one)
        subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=RUN_DIR)
    got = interleaved(cmds, runs, env)
    base_wall, base_cpu = next(iter(got.values()))
    print(f"{label}:")
    for name, (wall, cpu) in got.items():
        print(f"  {name:44s} wall {wall * 1000:6.1f} ms ({wall / base_wall:.2f}x)   "
              f"cpu {cpu * 1000:6.1f} ms ({cpu / base_cpu:.2f}x)")
    print("  target: byline read <= 1.5x the baseline")


def first_call(article: Path, env: dict[str, str]) -> None:
    out = subprocess.run([sys.executable, "-c", FIRST_CALL, str(article)], check=True,
                         capture_output=True, text=True, env=env, cwd=RUN_DIR).stdout.split()
    wall, cpu, wall2, cpu2 = (float(x) * 1000 for x in out)
    print(f"engine on {article.name} in a fresh process: first call wall {wall:.1f} ms "
          f"(cpu {cpu:.1f}), second call wall {wall2:.1f} ms (cpu {cpu2:.1f})")


def in_process(func: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median (wall, cpu) seconds of `func` after two warm-up calls (rules compiled,
    line-length buckets past their compile threshold)."""
    func()
    func()
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        func()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def big_text(size: int) -> str:
    """A long plain-text article made by repeating the bundled sample's body."""
    lines = (SAMPLES / "harbour-ferry.txt").read_text(encoding="utf-8").split("\n", 1)
    body = lines[1]
    return lines[0] + "\n" + body * (size // len(body) + 1)


def big_html(size: int) -> str:
    """A synthetic page: the bundled sample page's article repeated to `size`."""
    page = (SAMPLES / "library-reopens.html").read_text(encoding="utf-8")
    head, rest = page.split("<article>", 1)
    article, tail = rest.split("</article>", 1)
    paragraphs = article.split("<aside", 1)[0]
    inner = paragraphs * (size // len(paragraphs) + 1)
    return f"{head}<article>{inner}</article>{tail}"


def real_pages() -> list[tuple[str, str]]:
    """Saved pages of 170 to 240 KB from the shared corpus (empty when it is absent)."""
    found = []
    for path in sorted(PAGES.glob("*.html.gz")) if PAGES.is_dir() else []:
        raw = gzip.decompress(path.read_bytes())
        if 170_000 <= len(raw) <= 240_000:
            found.append((path.name[:12], raw.decode("utf-8", "replace")))
    return found


def engine_figures(runs: int) -> None:
    sys.path.insert(0, str(ROOT))
    from reader.article.build import from_html, from_text

    text = big_text(200_000)
    wall, cpu = in_process(lambda: from_text(text, "big.txt"), runs)
    print(f"clean {len(text.encode()) // 1024} KB plain text in-process      "
          f"wall {wall * 1000:6.1f} ms  cpu {cpu * 1000:6.1f} ms (target < 50 ms)")
    pages = real_pages()
    if pages:
        figures = [in_process(partial(from_html, html, "page.html"), max(3, runs // 4))
                   for _name, html in pages]
        walls = sorted(f[0] for f in figures)
        cpus = sorted(f[1] for f in figures)
        print(f"clean {len(pages)} real pages of 170-240 KB in-process: median wall "
              f"{statistics.median(walls) * 1000:.1f} ms, slowest {walls[-1] * 1000:.1f} ms; "
              f"median cpu {statistics.median(cpus) * 1000:.1f} ms, slowest "
              f"{cpus[-1] * 1000:.1f} ms (target < 50 ms)")
    else:
        html = big_html(200_000)
        wall, cpu = in_process(lambda: from_html(html, "big.html"), runs)
        print(f"clean {len(html.encode()) // 1024} KB synthetic HTML page in-process  wall "
              f"{wall * 1000:6.1f} ms  cpu {cpu * 1000:6.1f} ms (no corpus pages found; all of "
              "it article text, so slower than a real page)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("article", nargs="?", type=Path,
                    default=REFERENCE if REFERENCE.exists() else SAMPLES / "harbour-ferry.txt")
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    article = args.article.resolve()

    with tempfile.TemporaryDirectory(prefix="byline-pyc-") as pyc:
        cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cached["PYTHONPYCACHEPREFIX"] = pyc
        cached["BYLINE_HOME"] = str(Path(pyc, "home"))  # its pattern cache, warmed once
        cli_figures(article, args.runs, cached,
                    "with the bytecode and pattern caches (as installed, from the second run)")
        no_home = Path(pyc, "not-a-directory")
        no_home.touch()  # a pattern cache cannot be written under it: every run compiles
        uncached = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "BYLINE_HOME": str(no_home)}
        uncached.pop("PYTHONPYCACHEPREFIX", None)
        cli_figures(article, args.runs, uncached,
                    "without them (as a first run: every module and pattern compiled)")
        first_call(article, cached)
    engine_figures(args.runs)


if __name__ == "__main__":
    main()

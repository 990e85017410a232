"""A library that lives for years: Byline with 1,000,000 articles.

Builds (once, into a cache folder outside the repository: default /tmp/byline-million) a
library of ARTICLES articles from 1,000 feeds on 250 hosts, published over five years and
stored in time order through `Library.store_prepared`, as refreshes would have stored them:

- article sizes drawn from the simulated internet's items (`benchmarks/netsim.py`: long-tailed,
  median 315 bytes of HTML, mean 1.4 KB, tenth percentile 20 bytes, ninetieth 3.5 KB), words
  drawn with a Zipf-like frequency from a 20,000-word vocabulary, some links and images;
- RSS-style (guid is the link) and Atom-style (tag: ids, ISO dates) feeds; 0–2 authors;
- the reader's history: everything older than 30 days read, 0.5 % starred, 0.1 % marked
  unread again (kept by retention), 2 % opened (their cleaned article cached).

Then measures, each step printing its figures (`--steps` picks some):

- size: bytes per article on disk (full-page text is not in this library: the target is
  4 KB per article plus that text), the stored texts packed and unpacked, and with
  `--breakdown` per table and index (dbstat);
- lists: the library screen (`sources()`), pages of the article list at offsets from 0 to
  the end, all ids of the list;
- filters: switching the list to all, unread, starred, a big feed, a small feed, a tag (what
  the TUI does: `count` and the first page);
- search: median and p95 of `Library.search` over a mix of queries (targets < 20 ms, < 100 ms);
- startup: `byline` in a pty to the first row of the list on screen, against
  `python -c 'import textual.app'` (target <= 2x);
- retention: on a copy, a routine pass (`keep_days` that removes the last week's worth) and a
  first pass that removes a year's worth, timed (target < 30 s); then `byline vacuum`'s
  retention interrupted with Ctrl-C and with `kill -9`: the library must pass
  `PRAGMA integrity_check` and the search index's integrity-check, every deleted article must
  be a whole batch and remembered in `dropped`, starred and kept articles all there;
- refresh: the simulated internet's 1,000 feeds refreshed into a copy of the library (its
  feeds point at them), cold and warm, against the same refresh into an empty library;
  entries lost or duplicated are counted against what the feeds carried.

The machine's load average is printed with the figures: other work on the same cores moves
them. Usage:

  python benchmarks/library_million.py [--articles 1000000] [--cache /tmp/byline-million]
      [--steps size,lists,filters,search,startup,retention,refresh] [--breakdown]
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import multiprocessing
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from netsim import Internet  # noqa: E402
from search import median_ms, vocabulary  # noqa: E402

from reader.library.packing import register, unpack  # noqa: E402
from reader.library.store import Library, NewEntry, prepare_entries  # noqa: E402

FEEDS = 1000
HOSTS = 250
TAGS = 30
YEARS = 5
CHUNK = 50_000          # articles per build transaction (in time order)
DAY = 86400.0
STEPS = ("size", "lists", "filters", "search", "startup", "retention", "refresh")


# -- the corpus -------------------------------------------------------------------------------


class Corpus:
    """Everything the build draws from, a function of the seed."""

    def __init__(self, articles: int, seed: int, now: float) -> None:
        rng = random.Random(seed)
        self.seed = seed
        self.now = now
        self.vocab = vocabulary(rng)
        weights = [1 / (rank + 1) for rank in range(len(self.vocab))]
        self.cum = list(itertools.accumulate(weights))
        net = Internet.build(feeds=FEEDS, hosts=HOSTS, seed=seed)
        self.sizes = [max(40, f.item_bytes) for f in net.feeds for _ in f.items]
        self.hosts = [f"www.{self._name(rng)}.example" for _ in range(HOSTS)]
        self.feed_host = [rng.randrange(HOSTS) for _ in range(FEEDS)]
        self.atom = [rng.random() < 0.3 for _ in range(FEEDS)]
        self.tags = [self._name(rng) for _ in range(TAGS)]
        self.authors = [f"{self._name(rng).capitalize()} {self._name(rng).capitalize()}"
                        for _ in range(2000)]
        # Articles per feed: long-tailed (a few feeds publish most), every feed at least one.
        share = [rng.lognormvariate(0, 1.3) for _ in range(FEEDS)]
        self.feed_cum = list(itertools.accumulate(share))
        self.articles = articles
        self.start = now - YEARS * 365 * DAY

    def _name(self, rng: random.Random) -> str:
        return "".join(rng.choice(self.vocab[:3000]) for _ in range(2))[:18]

    def feed_url(self, f: int) -> str:
        return f"https://{self.hosts[self.feed_host[f]]}/feeds/{f}.xml"

    def feed_tags(self, f: int) -> list[str]:
        rng = random.Random(self.seed * 7 + f)
        return rng.sample(self.tags, rng.choice((0, 1, 1, 2)))

    def words(self, rng: random.Random, n: int) -> list[str]:
        return rng.choices(self.vocab, cum_weights=self.cum, k=n)

    def chunk(self, number: int) -> list[tuple[int, list[tuple[Any, ...]]]]:
        """The articles of build chunk `number` (CHUNK of them, in time order), prepared as
        refresh prepares them, grouped by feed: [(feed index, rows)]."""
        rng = random.Random(self.seed * 1000 + number)
        first = number * CHUNK
        count = min(CHUNK, self.articles - first)
        span = (self.now - DAY - self.start) / self.articles
        by_feed: dict[int, list[NewEntry]] = {}
        for k in range(count):
            i = first + k
            when = self.start + (i + rng.random()) * span
            f = bisect.bisect_left(self.feed_cum, rng.random() * self.feed_cum[-1])
            by_feed.setdefault(f, []).append(self.article(rng, f, i, when))
        return [(f, prepare_entries(entries, when)) for f, entries in sorted(by_feed.items())]

    def article(self, rng: random.Random, f: int, i: int, when: float) -> NewEntry:
        host = self.hosts[self.feed_host[f]]
        title_words = self.words(rng, rng.randint(5, 11))
        stamp = time.gmtime(when)
        slug = "-".join(title_words[:rng.randint(3, 6)])
        link = f"https://{host}/{stamp.tm_year}/{stamp.tm_mon:02d}/{slug}-{i}.html"
        guid = f"tag:{host},{stamp.tm_year}:{i}" if self.atom[f] else link
        published = time.strftime("%Y-%m-%dT%H:%M:%SZ", stamp)
        raw_date = published if self.atom[f] else time.strftime(
            "%a, %d %b %Y %H:%M:%S GMT", stamp)
        return NewEntry(key=guid, title=" ".join(title_words).capitalize(),
                        raw=self.html(rng, rng.choice(self.sizes), host), guid=guid, link=link,
                        authors=rng.sample(self.authors, rng.choice((0, 1, 1, 1, 2))),
                        published=published, published_raw=raw_date)

    def html(self, rng: random.Random, size: int, host: str) -> str:
        parts: list[str] = []
        length = 0
        while length < size:
            words = self.words(rng, max(3, min(rng.randint(12, 80), (size - length) // 7)))
            if rng.random() < 0.2:
                at = rng.randrange(len(words))
                words[at] = (f'<a href="https://{host}/topics/{words[at]}">'
                             f"{words[at]} {words[(at + 1) % len(words)]}</a>")
            if rng.random() < 0.1:
                words.append(f'<img src="https://{host}/images/{rng.randrange(10**6)}.jpg" '
                             f'alt="{words[0]}">')
            paragraph = f"<p>{' '.join(words).capitalize()}.</p>"
            parts.append(paragraph)
            length += len(paragraph)
        return "".join(parts)


def _chunk_worker(args: tuple[int, int, float, int]) -> list[tuple[int, list[tuple[Any, ...]]]]:
    articles, seed, now, number = args
    return _corpus(articles, seed, now).chunk(number)


_CORPUS: Corpus | None = None


def _corpus(articles: int, seed: int, now: float) -> Corpus:
    global _CORPUS
    if _CORPUS is None:
        _CORPUS = Corpus(articles, seed, now)
    return _CORPUS


def build(path: Path, articles: int, seed: int) -> None:
    """The library, `CHUNK` articles a transaction in time order; two processes prepare."""
    now = time.time()
    corpus = _corpus(articles, seed, now)
    started = time.perf_counter()
    with Library.open(path) as lib:
        ids = [lib.add_feed(corpus.feed_url(f), title=f"{corpus._name(random.Random(f))} news",
                            tags=corpus.feed_tags(f)) for f in range(FEEDS)]
        chunks = (articles + CHUNK - 1) // CHUNK
        with multiprocessing.get_context("fork").Pool(2) as pool:
            jobs = [(articles, seed, now, n) for n in range(chunks)]
            for n, groups in enumerate(pool.imap(_chunk_worker, jobs)):
                with lib.transaction():
                    for f, rows in groups:
                        lib.store_prepared(ids[f], rows)
                print(f"\r  stored {min(articles, (n + 1) * CHUNK):,} articles "
                      f"({time.perf_counter() - started:.0f} s)", end="", flush=True)
        print()
        history(lib, now)
    print(f"build: {time.perf_counter() - started:.0f} s, {mb(path)} MB")


def history(lib: Library, now: float) -> None:
    """Read, starred, marked unread again, opened: years of a reader's use."""
    with lib.transaction() as conn:
        conn.execute("UPDATE entries SET read = 1 WHERE sort_time < ?", (now - 30 * DAY,))
        conn.execute("UPDATE entries SET starred = 1 WHERE (id * 7919) % 200 = 3")
        conn.execute("UPDATE entries SET read = 0, kept = 1 WHERE (id * 7919) % 1000 = 5")
    opened = [r[0] for r in lib.query("SELECT id FROM entries WHERE (id * 7919) % 50 = 11")]
    started = time.perf_counter()
    for n, entry_id in enumerate(opened):
        lib.article(entry_id)
        if n % 1000 == 0:
            print(f"\r  opened {n:,} of {len(opened):,} articles "
                  f"({time.perf_counter() - started:.0f} s)", end="", flush=True)
    print(f"\r  opened {len(opened):,} articles ({time.perf_counter() - started:.0f} s)")
    lib.checkpoint()


# -- measuring --------------------------------------------------------------------------------


def mb(path: Path) -> int:
    return round(path.stat().st_size / 1e6)


def load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def step_size(path: Path, breakdown: bool) -> None:
    with Library.open(path) as lib:
        articles = lib.query("SELECT count(*) FROM entries")[0][0]
        page, raw, text, article = lib.query(
            "SELECT sum(length(CAST(page AS BLOB))), sum(length(CAST(raw AS BLOB))), "
            "sum(length(CAST(text AS BLOB))), sum(length(CAST(article AS BLOB))) "
            "FROM entries")[0]
        sample = [(unpack(r[0]), unpack(r[1])) for r in lib.query(
            "SELECT raw, text FROM entries WHERE id % 20 = 0")]
        free = lib.query("PRAGMA freelist_count")[0][0] * lib.query("PRAGMA page_size")[0][0]
    size = path.stat().st_size
    unpacked = [sum(len(t[i].encode()) for t in sample) / max(1, len(sample)) for i in (0, 1)]
    print(f"size: {articles:,} articles, {size / 1e9:.2f} GB: {size / articles:,.0f} bytes "
          f"an article (target <= 4,096 plus full-page text: {page or 0:,} bytes here; free "
          f"pages {free / articles:,.0f}); stored originals average {raw / articles:,.0f} "
          f"bytes packed ({unpacked[0]:,.0f} unpacked, 1 in 20 sampled), search text "
          f"{text / articles:,.0f} ({unpacked[1]:,.0f}), cached articles "
          f"{(article or 0) / articles:,.0f}")
    if breakdown:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name "
                            "ORDER BY 2 DESC").fetchall()
        conn.close()
        print("  " + ", ".join(f"{name} {size / articles:,.0f}" for name, size in rows
                               if size / articles >= 1) + " (bytes an article)")


def step_lists(lib: Library) -> None:
    total = lib.count("all")
    sources = median_ms(lib.sources)
    feeds = median_ms(lib.feeds)
    pages = {offset: median_ms(lib.entries, "all", limit=50, offset=offset)
             for offset in (0, 1_000, 100_000, total // 2, max(0, total - 50))}
    ids = median_ms(lib.entry_ids, "all", runs=3)
    print(f"lists ({load()}): sources() {sources:.0f} ms, feeds() {feeds:.0f} ms; a page of 50 "
          "at offset " + ", ".join(f"{o:,}: {t:.1f} ms" for o, t in pages.items())
          + f"; entry_ids(all) {ids:.0f} ms")


def step_filters(lib: Library) -> None:
    sizes = lib.query("SELECT feed_id, count(*) FROM entries GROUP BY feed_id ORDER BY 2")
    tag = lib.query("SELECT tag FROM feed_tags GROUP BY tag ORDER BY count(*) DESC LIMIT 1")
    keys = {"all": "all", "unread": "unread", "starred": "starred",
            f"biggest feed ({sizes[-1][1]:,})": f"feed:{sizes[-1][0]}",
            f"smallest feed ({sizes[0][1]:,})": f"feed:{sizes[0][0]}",
            f"tag ({lib.count('tag:' + tag[0][0]):,})": f"tag:{tag[0][0]}"}
    shown = []
    for label, key in keys.items():
        took = median_ms(lambda k=key: (lib.count(k), lib.entries(k, limit=50)))
        shown.append(f"{label} {took:.1f} ms")
    print(f"filters, count and first page ({load()}): " + ", ".join(shown))


def step_search(lib: Library, corpus_vocab: list[str], queries: int) -> None:
    rng = random.Random(11)
    common, middle, rare = corpus_vocab[:50], corpus_vocab[200:2000], corpus_vocab[5000:]
    makers: dict[str, Callable[[], str]] = {
        "common word": lambda: rng.choice(common),
        "rare word": lambda: rng.choice(rare),
        "two words": lambda: f"{rng.choice(middle)} {rng.choice(rare)}",
        "two common words": lambda: f"{rng.choice(common)} {rng.choice(common)}",
        "prefix": lambda: rng.choice(rare)[:4] + "*",
        "phrase": lambda: f'"{rng.choice(common)} {rng.choice(common)}"',
        "FTS syntax": lambda: f'{rng.choice(rare)} OR ( NEAR "{rng.choice(common)}',
    }
    times: list[float] = []
    kinds: dict[str, list[float]] = {}
    lib.search("warm")
    for n in range(queries):
        kind = list(makers)[n % len(makers)]
        query = makers[kind]()
        started = time.perf_counter()
        lib.search(query, limit=20)
        took = (time.perf_counter() - started) * 1000
        times.append(took)
        kinds.setdefault(kind, []).append(took)
    times.sort()
    print(f"search ({queries} queries, {load()}): median {statistics.median(times):.1f} ms "
          f"(target < 20), p95 {times[int(len(times) * 0.95) - 1]:.1f} ms (target < 100), "
          f"max {times[-1]:.0f} ms; medians by kind: "
          + ", ".join(f"{k} {statistics.median(v):.1f}" for k, v in kinds.items()))


def step_startup(folder: Path, runs: int) -> None:
    """`byline` to the first row of its list, against `import textual.app`, in interleaved
    rounds (each under the same load): from a bytecode cache, as installed, and with
    PYTHONDONTWRITEBYTECODE=1 in this checkout (every module of Byline compiled per run)."""
    from refresh_vs_newsboat import installed_env
    from tui_startup import first_screen, wall

    with Library.open(folder / "library.db") as lib:
        newest = lib.entries("all", limit=1)[0].title
    python = sys.executable
    byline = [python, "-m", "reader", "--data-dir", str(folder)]
    marker = newest[:24].encode()
    pycache = tempfile.TemporaryDirectory()
    envs = {"bytecode cache": installed_env(pycache.name),
            "compiled per run": dict(os.environ, PYTHONDONTWRITEBYTECODE="1")}
    wall([python, "-c", "import textual.app"], 1)
    for env in envs.values():
        first_screen(byline, marker=marker, env=env)
    baseline: list[float] = []
    times: dict[str, list[float]] = {name: [] for name in envs}
    for _ in range(runs):
        baseline.append(wall([python, "-c", "import textual.app"], 1))
        for name, env in envs.items():
            times[name].append(first_screen(byline, marker=marker, env=env))
    pycache.cleanup()
    base = statistics.median(baseline)
    print(f"startup ({load()}, median of {runs}): import textual.app {base * 1000:.0f} ms; "
          "byline to the first row " + ", ".join(
              f"{name} {statistics.median(t) * 1000:.0f} ms: {statistics.median(t) / base:.2f}x"
              for name, t in times.items()) + " (target <= 2x)")


def copy_library(path: Path, into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    target = into / "library.db"
    subprocess.run(["cp", "--reflink=auto", str(path), str(target)], check=True)
    return target


def step_retention(path: Path, scratch: Path) -> None:
    from reader.library import retention
    from reader.library.retention import Policy

    copy = copy_library(path, scratch / "retention")
    with Library.open(copy) as lib:
        total = lib.count("all")
        oldest = lib.query("SELECT min(sort_time) FROM entries")[0][0]
        for label, days in (("routine pass (a week's articles)",
                             (time.time() - oldest) / DAY - 7),
                            ("first pass (a year's articles)", (time.time() - oldest) / DAY - 365)):
            started = time.perf_counter()
            doomed = len(retention.doomed(lib, Policy(keep_days=int(days))))
            choose = time.perf_counter() - started
            result = retention.apply(lib, Policy(keep_days=int(days)))
            print(f"retention, {label} ({load()}): {result.deleted:,} of {total:,} deleted in "
                  f"{result.seconds:.1f} s (target < 30 s; choosing them alone {choose:.1f} s, "
                  f"{doomed:,})")
            total -= result.deleted
    shutil.rmtree(copy.parent)
    interrupted(path, scratch / "interrupt")


def interrupted(path: Path, folder: Path) -> None:
    """`byline vacuum` stopped in its retention by Ctrl-C, then by kill -9: nothing damaged."""
    from reader.library import retention

    copy = copy_library(path, folder)
    with Library.open(copy) as lib:
        before = lib.count("all")
        starred = lib.count("starred")
        kept = lib.query("SELECT count(*) FROM entries WHERE kept = 1")[0][0]
    (folder / "config.toml").write_text("[retention]\nkeep_days = 730\n", encoding="utf-8")
    for how in (signal.SIGINT, signal.SIGKILL):
        with Library.open(copy) as lib:
            gone = before - lib.count("all")
        # Ctrl-C is heard even when this benchmark runs in the background (`nohup … &`
        # starts it with SIGINT ignored, and a child inherits that).
        proc = subprocess.Popen([sys.executable, "-m", "reader", "--data-dir", str(folder),
                                 "vacuum"], cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True,
                                preexec_fn=_hear_ctrl_c)
        deleted = wait_for_deletions(copy, gone + 3 * retention.BATCH, proc)
        os.killpg(proc.pid, how)
        _out, err = proc.communicate(timeout=120)
        verdict = check_after_kill(copy, before, starred, kept)
        print(f"retention interrupted by {how.name} once {deleted:,} were deleted: exit "
              f"{proc.returncode}, {err.strip()[-120:]!r}; {verdict}")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "reader", "--data-dir", str(folder), "vacuum"],
                          cwd=ROOT, capture_output=True, text=True)
    print(f"then byline vacuum to the end: exit {done.returncode} in "
          f"{time.perf_counter() - started:.0f} s: {done.stdout.strip()!r}; "
          f"{check_after_kill(copy, before, starred, kept, batches=False)}")
    shutil.rmtree(folder)


def _hear_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for_deletions(path: Path, at_least: int, proc: subprocess.Popen[str]) -> int:
    """Poll (read-only) until `at_least` articles are remembered as deleted."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        while proc.poll() is None:
            done = conn.execute("SELECT count(*) FROM dropped").fetchone()[0]
            if done >= at_least:
                return int(done)
            time.sleep(0.05)
    finally:
        conn.close()
    raise SystemExit(f"byline vacuum ended before {at_least} deletions: {proc.returncode}")


def check_after_kill(path: Path, before: int, starred: int, kept: int, *,
                     batches: bool = True) -> str:
    from reader.library import retention

    conn = sqlite3.connect(path, isolation_level=None)
    register(conn)  # the search index reads the packed text through `unpack`
    try:
        started = time.perf_counter()
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        try:
            conn.execute("INSERT INTO entries_fts(entries_fts, rank) "
                         "VALUES ('integrity-check', 1)")
            fts = "ok"
        except sqlite3.DatabaseError as exc:
            fts = str(exc)
        left = conn.execute("SELECT count(*) FROM entries").fetchone()[0]
        dropped = conn.execute("SELECT count(*) FROM dropped").fetchone()[0]
        have_starred = conn.execute("SELECT count(*) FROM entries WHERE starred = 1").fetchone()[0]
        have_kept = conn.execute("SELECT count(*) FROM entries WHERE kept = 1").fetchone()[0]
        checked = time.perf_counter() - started
    finally:
        conn.close()
    gone = before - left
    whole = "" if not batches else (" (whole batches)" if gone % retention.BATCH == 0
                                     else " (NOT WHOLE BATCHES)")
    return (f"integrity {integrity}, search index {fts}, {gone:,} deleted{whole}, "
            f"{'all' if dropped == gone else 'NOT ALL'} remembered, starred "
            f"{have_starred}/{starred}, kept {have_kept}/{kept} (checked in {checked:.0f} s)")


def step_refresh(path: Path, scratch: Path) -> None:
    """The simulated internet's feeds refreshed into a copy of the big library, and into an
    empty one, in the same run."""
    from netsim import ServerProcess
    from refresh_internet import check_byline, phases, run_byline
    from refresh_vs_newsboat import installed_env

    internet = Internet.build(feeds=FEEDS, hosts=HOSTS)
    sim = ServerProcess(internet)
    pycache = tempfile.TemporaryDirectory()
    env = installed_env(pycache.name)
    try:
        print(f"refresh into an empty library ({load()}):", flush=True)
        empty = run_byline(sim, env, None)
        folder = scratch / "refresh"
        copy = copy_library(path, folder)
        conn = sqlite3.connect(copy, isolation_level=None)
        ids = [r[0] for r in conn.execute("SELECT id FROM feeds WHERE kind = 'feed' ORDER BY id")]
        conn.execute("BEGIN")
        conn.executemany("UPDATE feeds SET url = ? WHERE id = ?",
                         zip(sim.urls(), ids, strict=False))
        conn.execute("COMMIT")
        articles = conn.execute("SELECT count(*) FROM entries").fetchone()[0]
        conn.close()
        print(f"refresh into the library of {articles:,} articles ({load()}):", flush=True)
        big = phases("byline", [sys.executable, "-m", "reader", "--data-dir", str(folder),
                                "refresh"], env, sim, warm=True)
        check = check_byline(copy, sim)
        shutil.rmtree(folder)
    finally:
        sim.stop()
        pycache.cleanup()
    print(f"refresh of {FEEDS:,} feeds into {articles:,} articles: cold "
          f"{big['cold']['wall']:.1f} s (empty library {empty['cold']['wall']:.1f} s), warm "
          f"{big['warm']['wall']:.1f} s ({empty['warm']['wall']:.1f} s), peak "
          f"{max(big['cold']['rss'], big['warm']['rss']):.0f} MiB "
          f"({max(empty['cold']['rss'], empty['warm']['rss']):.0f}); {check['lost']:.0f} "
          f"entries lost, {check['duplicated']:.0f} duplicated")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/byline-million"),
                        help="where the library is built once and kept")
    parser.add_argument("--steps", default=",".join(STEPS))
    parser.add_argument("--breakdown", action="store_true", help="size per table (dbstat)")
    parser.add_argument("--queries", type=int, default=280)
    parser.add_argument("--runs", type=int, default=5, help="start-up runs")
    args = parser.parse_args()
    steps = args.steps.split(",")
    if unknown := set(steps) - set(STEPS):
        parser.error(f"unknown steps: {', '.join(sorted(unknown))}")
    folder = args.cache / f"{args.articles}"
    path = folder / "library.db"
    if ROOT in path.resolve().parents:
        parser.error("the cache must be outside the repository")
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / "building.db"
        for leftover in folder.glob("building.db*"):
            leftover.unlink()
        build(partial, args.articles, args.seed)
        partial.rename(path)
    print(f"library {path}: {mb(path):,} MB; {load()}", flush=True)
    scratch = Path(tempfile.mkdtemp(prefix="million-", dir=args.cache))
    try:
        if "size" in steps:
            step_size(path, args.breakdown)
        with Library.open(path) as lib:
            if "lists" in steps:
                step_lists(lib)
            if "filters" in steps:
                step_filters(lib)
            if "search" in steps:
                step_search(lib, vocabulary(random.Random(args.seed)), args.queries)
        if "startup" in steps:
            step_startup(folder, args.runs)
        if "retention" in steps:
            step_retention(path, scratch)
        if "refresh" in steps:
            step_refresh(path, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

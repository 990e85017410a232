"""Every file of the shared feed corpora through `byline read`, and through one library refresh.

1. `byline read FILE --format json` on every corpus file (feedparser's tests, gofeed's
   testdata, newsboat's test data, the JSON Feed examples), each with a hard per-file
   timeout. A run is *clean* when it prints JSON and exits 0, or prints exactly one
   `byline: …` line and exits 1; a traceback, an internal error (exit 70) or a timeout is a
   failure. Where the corpus states expected titles and links (feedparser's `Expect:` lines,
   gofeed's expected JSON), they are compared with the JSON output: the pass rate.
2. A library subscribed to every corpus file served by the test suite's loopback server
   (tests/conftest.py) is refreshed once: it must finish, every feed must get a status, and
   no parser exception may be hiding behind a "malformed feed (SomeError)" status.

Usage: python benchmarks/corpus_pass_rate.py [--mode subprocess|inprocess] [--jobs 2]
                                              [--timeout 20] [--no-refresh] [--limit N]
`subprocess` runs the real command per file (slow, the reference); `inprocess` runs
`reader.cli.main` in worker processes that are killed and replaced on a timeout.
Exits 1 on any traceback, hang or refresh crash.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import contextlib
import html
import io
import json
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from queue import Empty, Queue
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora" / "feeds"
SKIP_NAMES = frozenset({"LICENSE", "SOURCE.txt"})

_EXPECT = re.compile(
    r"""(feed|entries\[(\d+)\])\[['"](title|link)['"]\]\s*==\s*(u?'(?:[^'\\]|\\.)*'|u?"(?:[^"\\]|\\.)*")""")
_TAG = re.compile(r"<[^>]*>")


@dataclass
class Expect:
    """One stated fact: `field` is feed.title, feed.link, entry.title or entry.link."""

    field: str
    index: int
    value: str


@dataclass
class Outcome:
    """What one `byline read` did: status ok / error (clean) / crash / hang."""

    path: str
    status: str
    message: str = ""
    doc: dict[str, Any] | None = None


@dataclass
class Report:
    files: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    crashes: list[str] = field(default_factory=list)
    expects_checked: int = 0
    expects_passed: int = 0
    mismatches: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def clean(self) -> bool:
        return not self.crashes

    def lines(self) -> list[str]:
        rate = 100.0 * self.expects_passed / self.expects_checked if self.expects_checked else 0
        return [
            f"byline read: {self.files} corpus files in {self.seconds:.0f} s: "
            f"{self.statuses['ok']} read, {self.statuses['error']} refused with a one-line "
            f"error, {self.statuses['crash']} tracebacks, {self.statuses['hang']} hangs",
            f"expected titles/links: {self.expects_passed} of {self.expects_checked} match "
            f"({rate:.1f}%)",
        ]


# -- the corpus ----------------------------------------------------------------------------


def corpus_files(root: Path = CORPORA) -> list[Path]:
    """Every input file of the corpora (licences, provenance and expectation files left out)."""
    files = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name in SKIP_NAMES or _expectation_of(path):
            continue
        files.append(path)
    return files


def _expectation_of(path: Path) -> bool:
    """gofeed keeps expected output beside the input: X.json for X.xml, X_expected.json."""
    if "gofeed" not in str(path) or path.suffix != ".json":
        return False
    return path.stem.endswith("_expected") or path.with_suffix(".xml").exists()


def expectations(path: Path) -> list[Expect]:
    """Titles and links the corpus states for `path`."""
    if "gofeed" in str(path):
        return _gofeed_expectations(path)
    if "feedparser" in str(path):
        head = path.read_bytes()[:4096].decode("utf-8", "replace")
        line = next((ln for ln in head.splitlines() if ln.strip().startswith("Expect:")), "")
        found = []
        for match in _EXPECT.finditer(line):
            try:
                value = ast.literal_eval(match.group(4))
            except (ValueError, SyntaxError):
                continue
            kind = "feed" if match.group(1) == "feed" else "entry"
            found.append(Expect(f"{kind}.{match.group(3)}", int(match.group(2) or 0), value))
        return found
    return []


def _gofeed_expectations(path: Path) -> list[Expect]:
    for candidate in (path.with_suffix(".json"), path.with_name(path.stem + "_expected.json")):
        if candidate != path and candidate.exists():
            break
    else:
        return []
    try:
        data = json.loads(candidate.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return []
    if not isinstance(data, dict):
        return []
    found = [Expect(f"feed.{key}", 0, data[key]) for key in ("title", "link")
             if isinstance(data.get(key), str)]
    for i, item in enumerate(data.get("items") or []):
        if isinstance(item, dict):
            found += [Expect(f"entry.{key}", i, item[key]) for key in ("title", "link")
                      if isinstance(item.get(key), str)]
    return found


def _norm(text: str) -> str:
    """An expected title as plain text: markup dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(_TAG.sub(" ", text)).split())


def check(doc: dict[str, Any] | None, expects: list[Expect]) -> list[str]:
    """Mismatches between `byline read`'s JSON and the corpus's expectations ([] = all pass).
    Titles compare as plain one-line text: the expected value either as it is (a text-type
    title may hold literal `<b>`) or with its markup dropped (an HTML title); spaces collapse.
    Only absolute http(s) links are compared (Byline drops the others on purpose)."""
    misses = []
    for e in expects:
        if doc is None:
            misses.append(f"{e.field}[{e.index}]: no output")
            continue
        kind, key = e.field.split(".")
        if kind == "feed":
            got = (doc.get("feed") or {}).get(key)
        else:
            articles = doc.get("articles") or []
            article = articles[e.index] if e.index < len(articles) else None
            got = None if article is None else article.get("url" if key == "link" else "title")
        want = e.value
        if key == "link":
            if not want.startswith(("http://", "https://")):
                continue
            ok = got == want
        else:
            shown = " ".join((got or "").split())
            ok = shown in (_norm(want), " ".join(want.split())) or (
                not _norm(want) and got == "Untitled")
        if not ok:
            misses.append(f"{e.field}[{e.index}]: want {want[:60]!r}, got {str(got)[:60]!r}")
    return misses


def _countable(expects: list[Expect]) -> list[Expect]:
    return [e for e in expects
            if not e.field.endswith("link") or e.value.startswith(("http://", "https://"))]


# -- running `byline read` -----------------------------------------------------------------


def classify(path: str, code: int, out: str, err: str) -> Outcome:
    if code == 0:
        try:
            doc = json.loads(out)
        except ValueError:
            return Outcome(path, "crash", "exit 0 without JSON")
        return Outcome(path, "ok", doc=doc)
    lines = err.strip().splitlines()
    if code == 1 and len(lines) == 1 and lines[0].startswith("byline: ") and not out \
            and "internal error" not in lines[0]:
        return Outcome(path, "error", lines[0])
    return Outcome(path, "crash", f"exit {code}: {err.strip()[-300:]}")


def read_subprocess(path: Path, data_dir: str, timeout: float) -> Outcome:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    env.pop("BYLINE_DEBUG", None)
    try:
        proc = subprocess.run([sys.executable, "-m", "reader", "--data-dir", data_dir, "read",
                               str(path), "--format", "json"], capture_output=True,
                              timeout=timeout, env=env, stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        return Outcome(str(path), "hang", f"no answer in {timeout:g} s")
    return classify(str(path), proc.returncode, proc.stdout.decode("utf-8", "replace"),
                    proc.stderr.decode("utf-8", "replace"))


def read_in_process(path: str, data_dir: str) -> Outcome:
    """`reader.cli.main` in this process, stdout and stderr captured."""
    from reader.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["--data-dir", data_dir, "read", path, "--format", "json"])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
    return classify(path, code, out.getvalue(), err.getvalue())


def _worker(conn: Connection, data_dir: str) -> None:
    os.environ.pop("BYLINE_DEBUG", None)
    while True:
        path = conn.recv()
        if path is None:
            return
        conn.send(read_in_process(path, data_dir))


class _Pool:
    """In-process readers in worker processes; a worker that overruns is killed and replaced."""

    def __init__(self, jobs: int, data_dir: str, timeout: float) -> None:
        self.jobs, self.data_dir, self.timeout = jobs, data_dir, timeout
        self.context = multiprocessing.get_context("fork")

    def _start(self) -> tuple[Any, Connection]:
        parent, child = self.context.Pipe()
        proc = self.context.Process(target=_worker, args=(child, self.data_dir), daemon=True)
        proc.start()
        return proc, parent

    def run(self, paths: list[Path]) -> list[Outcome]:
        todo: Queue[Path] = Queue()
        for p in paths:
            todo.put(p)
        results: list[Outcome] = []
        lock = threading.Lock()

        def drive() -> None:
            proc, conn = self._start()
            while True:
                try:
                    path = todo.get_nowait()
                except Empty:
                    break
                conn.send(str(path))
                if conn.poll(self.timeout):
                    try:
                        outcome = conn.recv()
                    except EOFError:
                        outcome = Outcome(str(path), "crash", "reader process died")
                        proc, conn = self._start()
                else:
                    proc.kill()
                    proc.join()
                    outcome = Outcome(str(path), "hang", f"no answer in {self.timeout:g} s")
                    proc, conn = self._start()
                with lock:
                    results.append(outcome)
            conn.send(None)
            proc.join(5)

        threads = [threading.Thread(target=drive) for _ in range(self.jobs)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return results


def read_corpus(paths: list[Path], *, mode: str = "inprocess", jobs: int = 2,
                timeout: float = 20.0) -> Report:
    """Run `byline read` over `paths` and compare with the corpus's expectations."""
    report = Report(files=len(paths))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="byline-corpus-") as data_dir:
        if mode == "subprocess":
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(jobs) as pool:
                outcomes = list(pool.map(lambda p: read_subprocess(p, data_dir, timeout), paths))
        else:
            outcomes = _Pool(jobs, data_dir, timeout).run(paths)
    report.seconds = time.perf_counter() - started
    for outcome in outcomes:
        report.statuses[outcome.status] += 1
        if outcome.status in ("crash", "hang"):
            report.crashes.append(f"{outcome.path}: {outcome.status}: {outcome.message}")
        expects = _countable(expectations(Path(outcome.path)))
        misses = check(outcome.doc, expects)
        report.expects_checked += len(expects)
        report.expects_passed += len(expects) - len(misses)
        report.mismatches += [f"{outcome.path}: {m}" for m in misses]
    return report


# -- one refresh over the whole corpus ----------------------------------------------------

_HIDDEN_CRASH = re.compile(r"malformed feed \(\w+\)")


@dataclass
class RefreshReport:
    feeds: int
    ok: int
    failed: int
    new_articles: int
    seconds: float
    crashes: list[str]
    reasons: Counter[str]

    def line(self) -> str:
        return (f"refresh: {self.feeds} corpus feeds served on loopback in {self.seconds:.0f} s: "
                f"{self.ok} ok, {self.failed} failed with a status, {self.new_articles} "
                f"articles stored, {len(self.crashes)} crashes")


def refresh_corpus(server: Any, paths: list[Path], workdir: Path) -> RefreshReport:
    """Serve every file from `server` (a tests/conftest.py FeedServer), refresh once."""
    from reader.library.refresh import refresh_feeds
    from reader.library.store import Library

    db = workdir / "library.db"
    with Library.open(db) as library, library.transaction():
        for i, path in enumerate(paths):
            library.add_feed(server.add(f"/corpus/{i}/{path.name}", path.read_bytes(),
                                        headers={"Content-Type": "application/xml"}))
    crashes: list[str] = []
    started = time.perf_counter()
    try:
        summary = asyncio.run(refresh_feeds(db, fetcher_options={"trust_env": False,
                                                                 "per_host": 8}))
    except Exception as exc:
        return RefreshReport(len(paths), 0, 0, 0, time.perf_counter() - started,
                             [f"refresh raised {type(exc).__name__}: {exc}"], Counter())
    seconds = time.perf_counter() - started
    reasons: Counter[str] = Counter(r.split(":")[0][:40] for r in summary.errors.values())
    for url, reason in summary.errors.items():
        if _HIDDEN_CRASH.search(reason):
            crashes.append(f"{url}: {reason}")
    if summary.feeds_ok + summary.feeds_failed != len(paths):
        crashes.append(f"{len(paths)} feeds, {summary.feeds_ok} ok + {summary.feeds_failed} "
                       "failed: some got no status")
    return RefreshReport(len(paths), summary.feeds_ok, summary.feeds_failed,
                         summary.new_articles, seconds, crashes, reasons)


def _start_server() -> Any:
    """The test suite's loopback server (tests/conftest.py), started outside pytest."""
    sys.path.insert(0, str(ROOT / "tests"))
    import conftest

    return conftest.start_feed_server()[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["subprocess", "inprocess"], default="subprocess")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("--limit", type=int, default=0, help="only the first N files")
    parser.add_argument("--no-refresh", action="store_true")
    parser.add_argument("--show", type=int, default=15, help="mismatches to list")
    args = parser.parse_args()
    if not CORPORA.is_dir():
        print(f"no corpora at {CORPORA}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    paths = corpus_files()[: args.limit or None]
    report = read_corpus(paths, mode=args.mode, jobs=args.jobs, timeout=args.timeout)
    for crash in report.crashes:
        print("CRASH", crash)
    for miss in report.mismatches[: args.show]:
        print("MISMATCH", miss)
    for line in report.lines():
        print(line)
    ok = report.clean
    if not args.no_refresh:
        with tempfile.TemporaryDirectory(prefix="byline-corpus-refresh-") as tmp:
            refreshed = refresh_corpus(_start_server(), paths, Path(tmp))
        for crash in refreshed.crashes[:20]:
            print("REFRESH CRASH", crash)
        print("refresh failure reasons:", dict(refreshed.reasons.most_common(8)))
        print(refreshed.line())
        ok = ok and not refreshed.crashes
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

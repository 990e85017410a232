"""The shared feed corpora (feedparser's and gofeed's test suites, JSON Feed examples, newsboat).

Every file must parse or fail with a `FeedError` reason, quickly. feedparser's files state their
expectations in a header comment (`Expect: not bozo and entries[0]['title'] == 'x'`); the title
and link clauses are checked without `eval`: only the simple `feed|entries[N] . key == literal`
form is recognised and the literal is read with `ast.literal_eval`. gofeed ships expected JSON.
Pass rates are printed (`pytest -s`) and held above a floor.
"""

from __future__ import annotations

import ast
import json
import re
import time
from pathlib import Path

import pytest

from reader.sources.feeds import FeedError, ParsedFeed, parse_feed
from reader.sources.feedtypes import clean_title

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpora" / "feeds"
BASE = "http://example.com/feeds/feed.xml"
# Measured: titles 498/508, links 29/34, gofeed titles 37/38 and links 11/11. The misses are
# feedparser harness specifics (HTTP headers we do not replay, Mac/TCVN 0x80 decoding, CDF).
TITLE_FLOOR = 0.95
LINK_FLOOR = 0.80
GOFEED_FLOOR = 0.90
HANG = 30.0  # seconds: a hang detector, not a speed target (the slowest file takes ~0.1 s)

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"feed corpus not found at {CORPUS}")

_CLAUSE = re.compile(
    r"""^(?P<where>feed|entries\[(?P<index>\d+)\])
         (?:\[\s*['"](?P<k1>title|link)['"]\s*\]|\.(?P<k2>title|link))
         \s*==\s*(?P<literal>.+)$""",
    re.VERBOSE,
)


def _input_files() -> list[Path]:
    files = []
    for path in sorted(CORPUS.rglob("*")):
        if not path.is_file() or path.suffix in (".txt", ".rst", ".md") or path.name == "LICENSE":
            continue
        files.append(path)
    return files


def _parse(path: Path) -> ParsedFeed | FeedError:
    try:
        return parse_feed(path.read_bytes(), url=BASE)
    except FeedError as exc:
        return exc


def test_every_corpus_file_parses_or_fails_cleanly():
    """No exception other than FeedError, and no file hangs (cases 19–35)."""
    files = _input_files()
    assert len(files) > 1000
    slow = []
    reasons: dict[str, int] = {}
    for path in files:
        started = time.perf_counter()
        outcome = _parse(path)  # anything but FeedError propagates and fails the test
        if time.perf_counter() - started > HANG:
            slow.append(path.name)
        key = outcome.reason if isinstance(outcome, FeedError) else "parsed"
        reasons[key] = reasons.get(key, 0) + 1
    print(f"\ncorpus outcomes: {reasons}")
    assert not slow
    assert set(reasons) <= {"parsed", "not a feed", "empty response", "malformed feed",
                            "unsafe XML (entity expansion)"}
    assert reasons["parsed"] > 0.75 * len(files)


def _expectations(path: Path) -> list[tuple[str, int, str, object]]:
    """(where, index, key, expected) for each title/link clause in the file's header."""
    head = path.read_bytes()[:2000].decode("utf-8", "replace")
    found = []
    for line in head.splitlines():
        line = line.strip()
        if not line.startswith("Expect:"):
            continue
        for clause in line[len("Expect:"):].split(" and "):
            match = _CLAUSE.match(clause.strip())
            if not match:
                continue
            try:
                expected = ast.literal_eval(match["literal"].strip())
            except (ValueError, SyntaxError):
                continue
            index = int(match["index"] or 0)
            found.append((match["where"][:4], index, match["k1"] or match["k2"], expected))
    return found


def _actual(feed: ParsedFeed, where: str, index: int, key: str) -> str | None:
    if where == "feed":
        return feed.title if key == "title" else feed.link
    if index >= len(feed.entries):
        return None
    entry = feed.entries[index]
    return entry.title if key == "title" else entry.link


def test_feedparser_expectations_for_titles_and_links():
    tests = CORPUS / "feedparser-tests" / "tests"
    if not tests.is_dir():
        pytest.skip("feedparser-tests not in the corpus")
    totals = {"title": [0, 0], "link": [0, 0]}
    for path in sorted(tests.rglob("*.xml")):
        checks = _expectations(path)
        if not checks:
            continue
        outcome = _parse(path)
        for where, index, key, expected in checks:
            totals[key][1] += 1
            if isinstance(outcome, FeedError) or not isinstance(expected, str):
                continue
            actual = _actual(outcome, where, index, key)
            # Literal-text titles match as they are; HTML ones once their tags are stripped.
            wanted = {expected, " ".join(expected.split())}
            if key == "title":
                wanted.add(clean_title(expected))
            if actual in wanted:
                totals[key][0] += 1
    rates = {k: v[0] / v[1] for k, v in totals.items() if v[1]}
    print(f"\nfeedparser expectations: titles {totals['title'][0]}/{totals['title'][1]}, "
          f"links {totals['link'][0]}/{totals['link'][1]}")
    assert totals["title"][1] > 50 and totals["link"][1] > 20
    assert rates["title"] >= TITLE_FLOOR
    assert rates["link"] >= LINK_FLOOR


def _gofeed_pairs() -> list[tuple[Path, Path]]:
    parser = CORPUS / "gofeed-testdata" / "testdata" / "parser"
    pairs = []
    for sub in ("rss", "atom"):
        for src in sorted((parser / sub).glob("*.xml")):
            if src.with_suffix(".json").is_file():
                pairs.append((src, src.with_suffix(".json")))
    for src in sorted((parser / "json").glob("*.json")):
        expected = src.with_name(src.stem + "_expected.json")
        if expected.is_file():
            pairs.append((src, expected))
    return pairs


def test_gofeed_expected_titles_and_links():
    pairs = _gofeed_pairs()
    if not pairs:
        pytest.skip("gofeed testdata not in the corpus")
    totals = {"titles": [0, 0], "links": [0, 0]}
    for src, expected_path in pairs:
        expected = json.loads(expected_path.read_text("utf-8"))
        items = [i for i in expected.get("items") or expected.get("entries") or []
                 if isinstance(i, dict)]
        outcome = _parse(src)
        titles = [i.get("title") for i in items]
        if titles and all(isinstance(t, str) for t in titles):
            totals["titles"][1] += 1
            if isinstance(outcome, ParsedFeed) and [e.title for e in outcome.entries] == [
                    clean_title(t) for t in titles]:
                totals["titles"][0] += 1
        # RSS/RDF links: the channel's and each item's, where gofeed expects an http(s) one
        wanted = [(None, expected.get("link"))] + [(n, i.get("link")) for n, i in enumerate(items)]
        for index, link in wanted:
            if not isinstance(link, str) or not link.startswith(("http://", "https://")):
                continue
            totals["links"][1] += 1
            if isinstance(outcome, ParsedFeed):
                if index is None:
                    got = outcome.link
                else:
                    got = outcome.entries[index].link if index < len(outcome.entries) else None
                totals["links"][0] += got == link
    print(f"\ngofeed expected item titles: {totals['titles'][0]}/{totals['titles'][1]}, "
          f"links: {totals['links'][0]}/{totals['links'][1]}")
    assert totals["titles"][1] > 20 and totals["links"][1] > 10
    assert totals["titles"][0] / totals["titles"][1] >= GOFEED_FLOOR
    assert totals["links"][0] / totals["links"][1] >= GOFEED_FLOOR


def test_json_feed_examples_parse():
    examples = sorted((CORPUS / "jsonfeed-examples").glob("*.json"))
    if not examples:
        pytest.skip("jsonfeed-examples not in the corpus")
    for path in examples:
        feed = parse_feed(path.read_bytes(), url=BASE)
        assert feed.version in ("json1", "json11")
        assert feed.entries, path.name
        assert all(e.key for e in feed.entries)


def test_fast_path_agrees_with_feedparser_across_the_corpus():
    """Differential: every file the lxml path accepts, parsed again by feedparser; titles,
    links and guids must agree. Measured: 6 of 1,090 entries differ, on odd test files:
    relative Atom ids, invalid guids feedparser drops, an image title used as item title,
    a podcast chapter guid."""
    from reader.sources.fastxml import parse_fast
    from reader.sources.feedtypes import normalise
    from reader.sources.loosefeed import parse_loose
    from reader.sources.xmlguard import escape_controls, fix_char_refs, to_utf8

    compared = differing = 0
    for path in _input_files():
        if path.suffix == ".json":
            continue
        body = fix_char_refs(escape_controls(to_utf8(path.read_bytes())))
        fast = parse_fast(body, BASE, None)
        if fast is None:
            continue
        try:
            loose = parse_loose(body, None)
        except FeedError:
            continue
        a, b = normalise(fast, BASE), normalise(loose, BASE)
        for x, y in zip(a.entries, b.entries, strict=False):
            compared += 1
            if (x.title, x.link, x.guid) != (y.title, y.link, y.guid):
                differing += 1
    print(f"\nfast path vs feedparser: {differing} of {compared} entries differ")
    assert compared > 1000
    assert differing / compared < 0.015

"""Main-content extraction on a sample of the shared scrapinghub pages (skipped without it).

Same measure as `shared/tools/score_extraction.py`: word 4-gram precision/recall/F1 of the
non-media blocks against the gold article body, averaged over pages.
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
from pathlib import Path

import pytest

from reader.article.build import from_html

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpora" / "scrapinghub"
SAMPLE = 12  # every n-th page of the sorted ids, for a fast but spread-out sample


def shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.casefold())
    return {tuple(words[i:i + n]) for i in range(max(len(words) - n + 1, 1))} if words else set()


def f1(got: str, want: str) -> float:
    g, w = shingles(got), shingles(want)
    if not g or not w:
        return 1.0 if g == w else 0.0
    tp = len(g & w)
    return 2 * tp / (len(g) + len(w))


@pytest.fixture(scope="module")
def sample() -> list[tuple[str, str, str]]:
    gold_file = CORPUS / "ground-truth.json"
    if not gold_file.exists():
        pytest.skip(f"scrapinghub corpus not found at {CORPUS.resolve()}")
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    ids = sorted(gold)[::SAMPLE]
    return [
        (key, gzip.decompress((CORPUS / "html" / f"{key}.html.gz").read_bytes())
         .decode("utf-8", "replace"), gold[key]["articleBody"])
        for key in ids
    ]


def test_sample_mean_f1(sample):
    scores = []
    for key, html, want in sample:
        article = from_html(html, f"{key}.html")
        got = "\n".join(b.text for b in article.blocks if b.kind != "media")
        scores.append(f1(got, want))
    assert len(scores) >= 10
    assert statistics.mean(scores) >= 0.93, scores
    assert min(scores) >= 0.6, scores  # no page loses most of its article


def test_sample_pages_have_titles(sample):
    for key, html, _ in sample:
        article = from_html(html, f"{key}.html")
        assert article.title and article.title != "Untitled", key
        assert "|" not in article.title, article.title

"""Whole articles through the engine: the shared reference article and our own fixture articles.

Each article has a `<name>.expected.json` (the format of `shared/tools/score_articles.py`):
title, text that must go, text that must stay, media captions and related links (with URLs).
The last test checks that cleaning never silently drops a word.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reader.article.boilerplate import clean_blocks
from reader.article.build import from_text
from reader.article.model import BLOCK_KINDS, Article
from reader.article.plaintext import parse_text
from reader.article.rules import load_rules

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpora" / "articles"
REFERENCE = SHARED / "chechnya-global.txt"
QUOTE_MARKS = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def norm(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").translate(QUOTE_MARKS)
    return " ".join(text.split()).casefold()


def read(path: Path) -> Article:
    return from_text(path.read_text(encoding="utf-8"), str(path), markdown=path.suffix == ".md")


def expected(path: Path) -> dict:
    return json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))


def check(article: Article, want: dict) -> None:
    body = " \n ".join(norm(b.text) for b in article.blocks if b.kind != "media")
    media = [norm(b.text) for b in article.blocks if b.kind == "media"]
    related = [(norm(r.title), r.url) for r in article.related]
    assert norm(article.title) == norm(want["title"])
    for text in want.get("must_remove", []):
        assert norm(text) not in body, f"not removed: {text!r}"
    for text in want.get("must_keep", []):
        assert norm(text) in body, f"lost: {text!r}"
    for text in want.get("media", []):
        assert any(norm(text) in m for m in media), f"no media caption: {text!r}"
    for text in want.get("related", []):
        assert any(norm(text) in title for title, _ in related), f"related missing: {text!r}"
    for text, url in want.get("related_urls", {}).items():
        assert (norm(text), url) in related, f"related url missing: {text!r} -> {url}"


def fixture_articles() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if not p.name.endswith(".json"))


@pytest.mark.parametrize("path", fixture_articles(), ids=lambda p: p.name)
def test_fixture_article(path: Path) -> None:
    check(read(path), expected(path))


def test_reference_article() -> None:
    if not REFERENCE.exists():
        pytest.skip(f"shared corpus not found at {SHARED} (CI checks out shared/ beside the repo)")
    article = read(REFERENCE)
    check(article, expected(REFERENCE))
    # The video caption and its blurb line are one media block, not a paragraph.
    first = article.blocks[0]
    assert first.kind == "media"
    assert first.text.startswith("The dangerous fight for gay rights in Russia")
    assert "From intimidation and arrests" in first.text
    assert not any("From intimidation" in b.text for b in article.blocks[1:])
    # Quote paragraphs arrive whole for the quote finder.
    assert any(b.text.startswith("“These are individuals who are displaced")
               and b.text.endswith("said Rainbow Road executive director Kimahli Powell.")
               for b in article.blocks)
    assert article.removed.count("Story continues below advertisement") == 3


# ---------------------------------------------------------------- nothing silently dropped

# URLs, Markdown link targets and reference labels are markup, not words of the article.
_URL = re.compile(r"(?:https?|mailto):\S*|\]\([^)\s]*\)|\]\[[^\]]*\]|^\[[^\]]*\]:\s*\S+", re.M)
_WORD = re.compile(r"[^\W\d_]{2,}")
# Markup words that are not part of the article's text.
_MARKUP = {"python"}


def words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(_URL.sub(" ", text))} - _MARKUP


def every_article() -> list[Path]:
    paths = fixture_articles()
    return [*paths, REFERENCE] if REFERENCE.exists() else paths


@pytest.mark.parametrize("path", every_article(), ids=lambda p: p.name)
def test_nothing_is_silently_dropped(path: Path) -> None:
    article = read(path)
    kept = " ".join([
        article.title, *article.authors, *(b.text for b in article.blocks), *article.removed,
        *(r.title for r in article.related),
    ])
    source = path.read_text(encoding="utf-8")
    if source.startswith("---"):  # front matter keys and values that became metadata
        source = source.split("---", 2)[2]
    source = re.sub(r"-\n\s*", "", source)  # line-break hyphens: "commis-\nsion", "well-\nknown"
    lost = words(source) - words(kept) - words(kept.replace("-", ""))
    assert not lost, f"words lost from {path.name}: {sorted(lost)}"


TOKENS = ["The", "mayor", "said", "Advertisement", "Share", "this", "article", "READ MORE:",
          "Related", "Published", "May 3, 2024", "By", "Ana", "Ruiz", "©", "2024", "Photo:",
          "Getty",
          "Images", "Image caption,", "Click to play video:", "'", "“", "”", "(", ")", "[1]",
          "References", "1.", "https://a.example/x", "-", "*", "#", ">", "|", ".", ",", ":",
          "well-", "known", "Story continues below advertisement", "Sign up for our newsletter",
          "Home", "News", "**", "_", "[", "](https://a.example/y)", "![", "---"]
SEPARATORS = [" ", " ", " ", "\n", "\n\n", "\n   ", "\n- ", "\n* ", "\n1. "]
texts = st.lists(st.tuples(st.sampled_from(TOKENS), st.sampled_from(SEPARATORS)), max_size=60).map(
    lambda parts: "".join(token + sep for token, sep in parts))


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(texts, st.booleans())
@example("Click to play video: ' ' ", False)     # a media line with an empty caption
def test_nothing_is_dropped_from_generated_text(text: str, markdown: bool) -> None:
    draft = parse_text(text, markdown=markdown)
    out = clean_blocks(draft.blocks, load_rules())
    assert all(b.kind in BLOCK_KINDS and b.text.strip() for b in out.blocks)
    kept = " ".join([draft.title or "", *draft.authors, *(b.text for b in out.blocks),
                     *draft.removed, *out.removed, *(r.title for r in draft.related + out.related)])
    kept_words = words(kept) | words(kept.replace("-", ""))
    # A line-break hyphen is either undone ("commis-sion") or kept ("well-known").
    merged = words(re.sub(r"-\n\s*", "", text)) & kept_words
    lost = {w for w in words(re.sub(r"-\n\s*", "-", text)) - kept_words
            if not any(m.startswith(w) or m.endswith(w) for m in merged)}
    assert not lost

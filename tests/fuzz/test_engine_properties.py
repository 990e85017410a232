"""Property tests for the article engine (`from_text`, `from_html`, `find_quotes`) on
strangers' text: it never raises, keeps only words the input had, keeps quote offsets inside
their block, and puts no control character in its output."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from fuzz.invariants import scaled, visible
from fuzz.strategies import article_text, html_document, line
from reader.article.build import from_html, from_text
from reader.article.model import Article, Block
from reader.article.quotes import find_quotes
from reader.sanitize import clean_text

WS = " \t\n\u00a0\u202f"
QUOTE_MARKS = "“”\"'‘’«»„`"
DOUBLED_MARKS = ("''", "``", "‘‘")  # two-character opening marks
_TAG = re.compile(r"<[A-Za-z/!?][^>]*>")  # "< 0" is text, not a tag


def _alnum(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def assert_no_controls(article: Article) -> None:
    values = [article.title, *article.authors, *article.removed]
    values += [b.text for b in article.blocks]
    values += [q.text for q in article.quotes] + [q.speaker or "" for q in article.quotes]
    values += [r.title for r in article.related] + [r.url or "" for r in article.related]
    for value in values:
        bad = [hex(ord(ch)) for ch in value if not visible(ch)]
        assert not bad, (bad, value)


def _pieced(word: str, pieces: list[str]) -> bool:
    """`word` is a run of substrings of `pieces` (text nodes joined across inline tags)."""
    reachable = [True] + [False] * len(word)
    for end in range(1, len(word) + 1):
        reachable[end] = any(reachable[start] and any(word[start:end] in p for p in pieces)
                             for start in range(end))
    return reachable[-1]


def assert_words_from(article: Article, source: str, *, html_nodes: bool = False) -> None:
    """Every kept word (letters and digits, so re-joined hyphenation and dropped Markdown
    syntax still count) occurs in the input; for HTML, a word may join adjacent text nodes
    (`the<span>1</span>` reads "the1")."""
    source += " " + clean_text(source)  # the engine starts from the cleaned text, in which
    # an escape sequence takes the character after ESC with it ("\x1bthe" leaves "he")
    haystack = _alnum(source)
    nodes = [_alnum(html.unescape(n)) for n in _TAG.split(source)] if html_nodes else []
    title = [] if article.title == "Untitled" else [article.title]  # the engine's fallback
    for text in [*title, *(b.text for b in article.blocks)]:
        for word in text.split():
            core = _alnum(word)
            assert core in haystack or (html_nodes and _pieced(core, nodes)), (word, text)


def assert_quotes_consistent(blocks: list[Block], quotes: list) -> None:
    per_block: dict[int, list[str]] = {}
    for q in quotes:
        assert 0 <= q.block < len(blocks)
        per_block.setdefault(q.block, []).append(q.text)
    for i, block in enumerate(blocks):
        spans = block.quotes
        assert [q for q in per_block.get(i, [])] == [
            q.text for q in quotes if q.block == i]
        assert len(spans) == len(per_block.get(i, []))
        previous_end = 0
        for span, said in zip(spans, per_block.get(i, []), strict=True):
            assert 0 <= span.start < span.end <= len(block.text), (span, len(block.text))
            assert span.start >= previous_end, "quote spans overlap"
            previous_end = span.end
            spanned = block.text[span.start:span.end]
            assert spanned[0] in QUOTE_MARKS, spanned
            inner = spanned[2:] if spanned[:2] in DOUBLED_MARKS else spanned[1:]
            candidates = {inner.strip(WS)}
            for closing in ("''", "’’", *QUOTE_MARKS):
                if inner.endswith(closing):
                    candidates.add(inner[:-len(closing)].strip(WS))
            candidates |= {c.rstrip(",;:").rstrip() or c for c in candidates}
            assert said in candidates, (said, spanned)


@given(article_text, st.booleans())
def test_from_text_properties(text: str, markdown: bool) -> None:
    article = from_text(text, "fuzz.txt", markdown=markdown)
    assert article.title
    assert_no_controls(article)
    assert_words_from(article, text)
    assert_quotes_consistent(article.blocks, article.quotes)


@settings(max_examples=scaled(4))  # trafilatura is slower
@given(html_document)
def test_from_html_properties(page: str) -> None:
    article = from_html(page, "fuzz.html", url="https://example.org/a")
    assert_no_controls(article)
    assert_words_from(article, page + " " + html.unescape(_TAG.sub("", page)), html_nodes=True)
    assert_quotes_consistent(article.blocks, article.quotes)
    assert all(r.url is None or r.url.startswith(("http://", "https://"))
               for r in article.related)


@given(st.lists(st.tuples(st.sampled_from(["paragraph", "blockquote", "list_item", "media",
                                           "heading"]), line), max_size=10))
def test_find_quotes_on_raw_blocks(parts: list[tuple[str, str]]) -> None:
    """The quote finder alone, on blocks as any caller might build them."""
    blocks = [Block(kind, text) for kind, text in parts]
    texts = [b.text for b in blocks]
    quotes = find_quotes(blocks)
    assert [b.text for b in blocks] == texts  # block text is never rewritten
    assert_quotes_consistent(blocks, quotes)
    assert all(not b.quotes for b in blocks if b.kind in ("media", "heading"))

"""The article layout (pure): word wrap, quote positions, speakers, raw view."""

from __future__ import annotations

from reader.article.model import Article, Block, QuoteSpan
from reader.tui.layout import layout_article, layout_raw, meta_text, wrap

from .conftest import FIRST, ferry_article


def _lines(text: str, width: int) -> list[str]:
    return [text[a:b].rstrip() for a, b in wrap(text, width)]


def test_wrap_greedy_by_words():
    assert _lines("the tide came in slowly over the flats", 12) == [
        "the tide", "came in", "slowly over", "the flats"]
    assert _lines("short", 12) == ["short"]


def test_wrap_cuts_overlong_words():
    assert _lines("a " + "x" * 25 + " b", 10) == ["a", "x" * 10, "x" * 10, "xxxxx b"]


def test_wrap_counts_wide_characters_as_two_cells():
    lines = _lines("潮が満ちる 夜の渡し船 灯り", 10)
    assert lines == ["潮が満ちる", "夜の渡し船", "灯り"]


def test_layout_places_quotes_and_speaker_lines():
    layout = layout_article(ferry_article(), 40)
    first = layout.lines[layout.quote_lines[0]]
    start, end, number = first.quotes[0]
    assert number == 0 and first.text[start:end].startswith("“We kept")
    # the quote continues on the next line, still marked as quote 0
    follow = layout.lines[layout.quote_lines[0] + 1]
    assert follow.quotes and follow.quotes[0][2] == 0
    speakers = [line.text for line in layout.lines if line.role == "speaker"]
    assert speakers == ["— Mara Quillon", "— Dev Okafor"]
    assert layout.lines[0].role == "title"


def test_every_line_fits_the_width():
    article = ferry_article(paragraphs=20)
    for width in (20, 33, 72):
        assert all(len(line.text) <= width for line in layout_article(article, width).lines)


def test_list_items_and_blockquotes_are_prefixed():
    article = Article("T", "s", blocks=[Block("list_item", "one two three four five six"),
                                        Block("blockquote", "alpha beta gamma delta epsilon")])
    texts = [line.text for line in layout_article(article, 14).lines if line.block >= 0]
    assert texts[0].startswith("• ") and texts[1].startswith("  ")
    quoted = [t for t in texts if t.startswith("│ ")]
    assert len(quoted) >= 2


def test_quote_offsets_shift_with_the_prefix():
    text = "• "
    article = Article("T", "s", blocks=[Block("list_item", FIRST, [QuoteSpan(0, 10, "A")])])
    line = layout_article(article, 60).lines[layout_article(article, 60).quote_lines[0]]
    start, end, _ = line.quotes[0]
    assert line.text[:2] == text and line.text[start:end] == FIRST[:10]


def test_partial_layout_stops_after_max_blocks():
    article = ferry_article(paragraphs=50)
    partial = layout_article(article, 60, max_blocks=5)
    assert len(partial.block_lines) == 5
    assert len(layout_article(article, 60).block_lines) == len(article.blocks)


def test_meta_line_and_raw_layout():
    assert meta_text(ferry_article()) == "By Ada Lane · ferry.txt · 2026-03-14 · 1 min read"
    raw = layout_raw("line one\n\x1b[2Jline\ttwo", 40)
    assert [line.text for line in raw.lines] == ["line one", "line    two"]


def test_a_huge_title_is_cut_for_display():
    # reliability case 33
    article = ferry_article(title="Tide " * 200_000)
    title_lines = [line for line in layout_article(article, 72).lines if line.role == "title"]
    assert len(title_lines) <= 6
    assert title_lines[-1].text.endswith("…")

"""Related links: lynx `[n]` references, Markdown link URLs, menus, dedupe."""

from __future__ import annotations

from reader.article.boilerplate import clean_blocks
from reader.article.model import Block, RelatedLink
from reader.article.plaintext import parse_text
from reader.article.related import (
    LinkedBlock,
    dedupe,
    lynx_links,
    split_references,
    strip_markers,
    url_for,
)
from reader.article.rules import load_rules

REFS = [Block("heading", "References"),
        Block("list_item", "1. https://site.example/"),
        Block("list_item", "2. https://site.example/news/ferry"),
        Block("list_item", "3. javascript:alert(1)")]


def test_split_references_cuts_the_trailing_list() -> None:
    body = [Block("paragraph", "Text [2]Ferry story.")]
    kept, refs_blocks, refs = split_references(body + REFS)
    assert kept == body
    assert refs_blocks == REFS
    assert refs == {1: "https://site.example/", 2: "https://site.example/news/ferry"}


def test_split_references_leaves_a_references_heading_followed_by_prose() -> None:
    blocks = [Block("heading", "References"), Block("paragraph", "Smith, J. (2020). A study.")]
    assert split_references(blocks) == (blocks, [], {})


def test_lynx_links_and_markers() -> None:
    refs = {5: "https://a.example/5", 6: "https://a.example/6"}
    text = "READ MORE: [5]Bus fares rise [6][IMG] Photo gallery"
    assert lynx_links(text, refs) == [("Bus fares rise", "https://a.example/5"),
                                      ("Photo gallery", "https://a.example/6")]
    assert strip_markers(text) == "READ MORE: Bus fares rise Photo gallery"


def test_url_for_prefers_the_matching_anchor() -> None:
    links = [("Home", "https://a.example/"), ("Bus fares rise", "https://a.example/fares")]
    assert url_for("Bus fares rise", links) == "https://a.example/fares"
    assert url_for("Something else", links) is None
    assert url_for("Bus fares rise in April", [("Bus fares rise", "https://a.example/f")]) \
        == "https://a.example/f"


def test_dedupe_keeps_order_and_fills_missing_urls() -> None:
    links = [RelatedLink("Bus fares rise"), RelatedLink("Ferry late"),
             RelatedLink("bus  fares rise", "https://a.example/fares"), RelatedLink("  ")]
    assert dedupe(links) == [RelatedLink("Bus fares rise", "https://a.example/fares"),
                             RelatedLink("Ferry late")]


def test_lynx_related_links_get_urls_and_references_are_removed() -> None:
    blocks = [Block("paragraph", "The ferry is late again."),
              Block("paragraph", "READ MORE: [2]Ferry timetable changes"),
              Block("heading", "Related stories"),
              Block("list_item", "[1]Harbour news"),
              Block("list_item", "[3]Unsafe link title"),
              *REFS]
    out = clean_blocks(blocks, load_rules())
    assert out.related == [
        RelatedLink("Ferry timetable changes", "https://site.example/news/ferry"),
        RelatedLink("Harbour news", "https://site.example/"),
        RelatedLink("Unsafe link title", None),
    ]
    assert out.blocks == [Block("paragraph", "The ferry is late again.")]
    assert "2. https://site.example/news/ferry" in out.removed
    assert "3. javascript:alert(1)" in out.removed


def test_markers_without_a_references_list_are_left_alone() -> None:
    text = "The study [2] found otherwise."
    out = clean_blocks([Block("paragraph", text)], load_rules())
    assert out.blocks == [Block("paragraph", text)]


def test_navigation_menus_of_bare_links_are_removed() -> None:
    menu = [Block("list_item", f"[{i}]{name}") for i, name in
            enumerate(["News", "Sport", "Weather", "Arts"], start=1)]
    refs = [Block("heading", "References"),
            *(Block("list_item", f"{i}. https://site.example/{i}") for i in range(1, 5))]
    story = Block("paragraph", "The ferry is late again.")
    out = clean_blocks([*menu, story, *refs], load_rules())
    assert out.blocks == [story]
    assert out.removed[:4] == ["News", "Sport", "Weather", "Arts"]


def test_a_short_list_with_prose_items_is_not_a_menu() -> None:
    items = [LinkedBlock("list_item", "Read the full report from the agency",
                         links=[("full report", "https://a.example/r")]),
             LinkedBlock("list_item", "Data", links=[("Data", "https://a.example/d")])]
    out = clean_blocks(items, load_rules())
    assert [b.text for b in out.blocks] == [b.text for b in items]


def test_markdown_related_list_keeps_urls_end_to_end() -> None:
    text = ("# Ferry late again\n\nThe ferry is late again.\n\n## More on this story\n\n"
            "- [Timetable changes](https://a.example/timetable)\n"
            "- [Why ferries break](https://a.example/why)\n\n"
            "READ MORE: [Harbour plan approved](https://a.example/plan)\n")
    draft = parse_text(text, markdown=True)
    out = clean_blocks(draft.blocks, load_rules())
    assert out.related == [RelatedLink("Timetable changes", "https://a.example/timetable"),
                           RelatedLink("Why ferries break", "https://a.example/why"),
                           RelatedLink("Harbour plan approved", "https://a.example/plan")]
    assert out.blocks == [Block("paragraph", "The ferry is late again.")]


def test_markdown_menu_of_relative_links_is_removed() -> None:
    text = "# T\n\n- [Home](/)\n- [News](/news)\n- [Sport](/sport)\n\nThe pier reopened.\n"
    out = clean_blocks(parse_text(text, markdown=True).blocks, load_rules())
    assert out.blocks == [Block("paragraph", "The pier reopened.")]
    assert out.removed == ["Home", "News", "Sport"]


def test_lynx_markers_without_references_are_still_stripped() -> None:
    blocks = [Block("paragraph", "Read the [1]report and the [2]reply."),
              Block("paragraph", "READ MORE: [3]Bus fares rise")]
    out = clean_blocks(blocks, load_rules())
    assert out.blocks == [Block("paragraph", "Read the report and the reply.")]
    assert out.related == [RelatedLink("Bus fares rise", None)]


def test_citation_markers_are_not_lynx_markers() -> None:
    text = "The first study.[1] A second one.[2] And a third [3] too."
    out = clean_blocks([Block("paragraph", text)], load_rules())
    assert out.blocks == [Block("paragraph", text)]

"""Plain text and Markdown to a Draft: paragraphs, re-joining, titles, front matter, markup."""

from __future__ import annotations

import textwrap

import pytest

from reader.article.model import Block
from reader.article.plaintext import (
    looks_like_markdown,
    parse_date,
    parse_text,
    split_front_matter,
    strip_markdown,
)
from reader.article.related import LinkedBlock, block_links


def kinds(draft) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in draft.blocks]


# ---------------------------------------------------------------- plain text

def test_title_is_the_first_line_and_leaves_the_blocks() -> None:
    draft = parse_text("Harbour ferry returns to service\n\nThe ferry sailed at nine.\n",
                       markdown=False)
    assert draft.title == "Harbour ferry returns to service"
    assert kinds(draft) == [("paragraph", "The ferry sailed at nine.")]


def test_a_sentence_is_not_taken_as_the_title() -> None:
    text = "The ferry sailed at nine, an hour late, with forty people on board.\n\nIt was calm.\n"
    draft = parse_text(text, markdown=False)
    assert draft.title is None
    assert len(draft.blocks) == 2


def test_unwrapped_text_keeps_one_paragraph_per_line() -> None:
    lines = [
        "Title of the story",
        "",
        "First paragraph, on a single long line, as scrapers often write them out for every "
        "paragraph of an article without any wrapping at all.",
        "Second paragraph straight after it with no blank line in between, which is common in "
        "copied web text where each paragraph ends with a single newline.",
    ]
    draft = parse_text("\n".join(lines), markdown=False)
    assert [b.text for b in draft.blocks] == lines[2:]


WRAPPED = textwrap.fill(
    "The commission met for three hours on Thursday evening and heard from more than forty "
    "residents, most of whom opposed the plan to close the branch library on Elm Street.", 60
) + "\n\n" + textwrap.fill(
    "A final vote is expected next month, after staff report back on the cost of keeping the "
    "building open for two more years.", 60
)


def test_hard_wrapped_lines_are_rejoined_into_paragraphs() -> None:
    draft = parse_text("Library vote delayed\n\n" + WRAPPED, markdown=False)
    assert [b.text for b in draft.blocks] == [
        "The commission met for three hours on Thursday evening and heard from more than forty "
        "residents, most of whom opposed the plan to close the branch library on Elm Street.",
        "A final vote is expected next month, after staff report back on the cost of keeping the "
        "building open for two more years.",
    ]


def test_wrapped_paragraphs_without_blank_lines_split_at_short_lines() -> None:
    text = "Library vote delayed\n\n" + WRAPPED.replace("\n\n", "\n")
    draft = parse_text(text, markdown=False)
    assert len(draft.blocks) == 2
    assert draft.blocks[1].text.startswith("A final vote is expected")


@pytest.mark.parametrize(("lines", "joined"), [
    # the whole word occurs elsewhere in the text: a line-break hyphen
    (["the commis-", "sion met. The commission voted."],
     "the commission met. The commission voted."),
    # a bare suffix is never a word of its own
    (["the replace-", "ment parts"], "the replacement parts"),
    # a compound stays a compound
    (["a well-", "known supplier"], "a well-known supplier"),
    (["a long-", "term plan"], "a long-term plan"),
    # a capitalised continuation is not a broken word
    (["the Franco-", "Prussian war"], "the Franco-Prussian war"),
])
def test_dehyphenation_is_conservative(lines: list[str], joined: str) -> None:
    width = 60
    padded = ["x" * (width - 2), "y" * (width - 2), *lines]  # make the text look hard-wrapped
    text = "Title here\n\n" + "\n".join(f"{ln:<{width}}".rstrip() for ln in padded)
    draft = parse_text(text, markdown=False)
    assert draft.blocks[0].text.endswith(joined)


def test_list_items_and_headings_stay_apart() -> None:
    text = ("Budget plan\n\nThe plan has three parts:\n"
            "- new buses\n- longer hours\n- cheaper fares\n")
    draft = parse_text(text, markdown=False)
    assert kinds(draft) == [("paragraph", "The plan has three parts:"),
                            ("list_item", "new buses"), ("list_item", "longer hours"),
                            ("list_item", "cheaper fares")]


def test_underlined_heading_in_plain_text() -> None:
    draft = parse_text("Budget plan\n\nThe money\n---------\n\nIt costs a lot.\n", markdown=False)
    assert kinds(draft) == [("heading", "The money"), ("paragraph", "It costs a lot.")]


def test_byline_and_date_become_metadata() -> None:
    text = ("Budget plan unveiled\n\nBy Ana Ruiz and Tom Baker\nPublished March 4, 2024\n\n"
            "The plan was unveiled on Monday.\n")
    draft = parse_text(text, markdown=False)
    assert draft.authors == ["Ana Ruiz", "Tom Baker"]
    assert draft.published == "2024-03-04"
    assert kinds(draft) == [("paragraph", "The plan was unveiled on Monday.")]
    assert draft.removed == ["By Ana Ruiz and Tom Baker", "Published March 4, 2024"]


def test_a_sentence_starting_with_by_is_no_byline() -> None:
    text = "River walk\n\nBy the river the path is closed.\n\nIt will reopen in May.\n"
    draft = parse_text(text, markdown=False)
    assert draft.authors == []
    assert draft.blocks[0].text == "By the river the path is closed."


@pytest.mark.parametrize(("text", "iso"), [
    ("2024-03-04", "2024-03-04"),
    ("2024-03-04T09:30:00Z", "2024-03-04T09:30:00+00:00"),
    ("March 4, 2024", "2024-03-04"),
    ("Sept. 14, 2021", "2021-09-14"),
    ("4 March 2024", "2024-03-04"),
    ("Updated 12 January 2023, 14:05 GMT", "2023-01-12"),
    ("2024-02-30", None),
    ("not a date", None),
    ("Smarch 4, 2024", None),
])
def test_parse_date(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


# ---------------------------------------------------------------- lynx dumps

LYNX = """\
                     Pier reopens | Coast News

   [1]Skip to content

Pier reopens after storm repairs

   The pier reopened on Saturday after six months of repairs to its
   timber deck and railings.

   Fishing is allowed again from the end of the pier.

References

   1. https://coast.example/#main
"""


def test_lynx_dump_is_dedented_with_headings_and_page_title() -> None:
    draft = parse_text(LYNX, markdown=False)
    assert draft.title == "Pier reopens after storm repairs"
    assert ("paragraph", "The pier reopened on Saturday after six months of repairs to its "
            "timber deck and railings.") in kinds(draft)
    assert ("heading", "References") in kinds(draft)
    assert ("list_item", "1. https://coast.example/#main") in kinds(draft)
    assert "Pier reopens | Coast News" in draft.removed


# ---------------------------------------------------------------- Markdown

def test_front_matter_yaml() -> None:
    text = textwrap.dedent("""\
        ---
        title: "Night buses return: what changes"
        authors:
          - Ana Ruiz
          - Tom Baker
        date: 2024-05-01
        url: https://news.example/night-buses
        ---
        The first bus leaves at midnight.
        """)
    draft = parse_text(text, markdown=True)
    assert draft.title == "Night buses return: what changes"
    assert draft.authors == ["Ana Ruiz", "Tom Baker"]
    assert draft.published == "2024-05-01"
    assert draft.url == "https://news.example/night-buses"
    assert kinds(draft) == [("paragraph", "The first bus leaves at midnight.")]


def test_front_matter_toml_and_inline_lists() -> None:
    lines, meta = split_front_matter(
        ['+++', 'title = "Ferry news"', 'author = ["A. Writer", \'B. Writer\']', '+++', 'Body'])
    assert lines == ["Body"]
    assert meta == {"title": "Ferry news", "author": ["A. Writer", "B. Writer"]}


def test_text_between_two_rules_is_not_front_matter() -> None:
    # Not front matter (no `key: value`): a rule, then a setext heading, which is the title.
    draft = parse_text("---\nThe pier reopened\n---\n\nAnglers are back.\n", markdown=True)
    assert draft.title == "The pier reopened"
    assert [b.text for b in draft.blocks] == ["Anglers are back."]


def test_front_matter_rejects_unsafe_urls_and_unclosed_blocks() -> None:
    draft = parse_text("---\ntitle: X\nsource: javascript:alert(1)\n---\nBody text.\n",
                       markdown=True)
    assert draft.url is None
    lines, meta = split_front_matter(["---", "title: never closed", "Body"])
    assert meta == {}
    assert lines == ["---", "title: never closed", "Body"]


def test_markdown_heading_is_the_title_when_no_front_matter() -> None:
    draft = parse_text("# Night buses return\n\nThe first bus leaves at midnight.\n\n"
                       "## Routes\n\nFour routes run all night.\n", markdown=True)
    assert draft.title == "Night buses return"
    assert kinds(draft) == [("paragraph", "The first bus leaves at midnight."),
                            ("heading", "Routes"), ("paragraph", "Four routes run all night.")]


def test_markdown_duplicate_h1_of_front_matter_title_is_dropped() -> None:
    draft = parse_text("---\ntitle: Night buses\n---\n\n# Night buses\n\nText.\n", markdown=True)
    assert draft.title == "Night buses"
    assert kinds(draft) == [("paragraph", "Text.")]


def test_markdown_block_kinds() -> None:
    text = textwrap.dedent("""\
        # T

        Setext heading
        ==============

        > A quoted line
        > that goes on.

        1. first step
        2. second step

        * a bullet
          continued here

        ```python
        print("keep   spacing")

        x = 1
        ```

            indented code

        ---

        Last paragraph
        soft-wrapped.
        """)
    draft = parse_text(text, markdown=True)
    assert kinds(draft) == [
        ("heading", "Setext heading"),
        ("blockquote", "A quoted line that goes on."),
        ("list_item", "1. first step"),
        ("list_item", "2. second step"),
        ("list_item", "a bullet continued here"),
        ("preformatted", 'print("keep   spacing")\n\nx = 1'),
        ("preformatted", "indented code"),
        ("paragraph", "Last paragraph soft-wrapped."),
    ]


@pytest.mark.parametrize(("markdown", "plain"), [
    ("**bold** and __strong__", "bold and strong"),
    ("*italic* and _emphasis_ but snake_case_name stays",
     "italic and emphasis but snake_case_name stays"),
    ("`code` and ~~gone~~", "code and gone"),
    ("a [link](https://x.example/a \"title\") here", "a link here"),
    ("an <https://x.example/auto> link", "an https://x.example/auto link"),
    ("tags <b>bold</b> and <br/> breaks", "tags bold and breaks"),
    ("escaped \\*stars\\* and \\[brackets\\]", "escaped *stars* and [brackets]"),
    ("fish &amp; chips", "fish & chips"),
    ("text ![an image](i.png) more", "text more"),
    ("[**nested** link](https://x.example/)", "nested link"),
    ("no <!-- hidden comment --> comment", "no comment"),
])
def test_inline_markup_is_stripped(markdown: str, plain: str) -> None:
    assert strip_markdown(markdown)[0] == plain


def test_links_are_recorded_and_unsafe_urls_blanked() -> None:
    text, links, images = strip_markdown(
        "[Good](https://x.example/good) and [bad](javascript:alert(1)) [rel](/news) ![alt](p.png)")
    assert text == "Good and bad rel"
    assert links == [("Good", "https://x.example/good"), ("bad", ""), ("rel", "")]
    assert images == ["alt"]


def test_reference_links_resolve() -> None:
    draft = parse_text("# T\n\n- [Bus fares rise][fares]\n\n[fares]: https://x.example/fares\n",
                       markdown=True)
    assert isinstance(draft.blocks[0], LinkedBlock)
    assert block_links(draft.blocks[0]) == [("Bus fares rise", "https://x.example/fares")]
    assert draft.blocks[0].text == "Bus fares rise"


def test_images_become_media_with_their_captions() -> None:
    text = ("# T\n\n![Divers at dawn](d.jpg)\n*The search resumed at 6am. Photo: A. Lee*\n\n"
            "Text.\n\n![Second](s.jpg)\n\n_Its caption on the next paragraph_\n\n"
            "![](no-alt.jpg)\n\nEnd.\n")
    draft = parse_text(text, markdown=True)
    assert kinds(draft) == [
        ("media", "Divers at dawn — The search resumed at 6am. Photo: A. Lee"),
        ("paragraph", "Text."),
        ("media", "Second — Its caption on the next paragraph"),
        ("paragraph", "End."),
    ]


def test_blocks_are_plain_blocks_without_links() -> None:
    draft = parse_text("# T\n\nNo links here.\n", markdown=True)
    assert draft.blocks == [Block("paragraph", "No links here.")]


@pytest.mark.parametrize(("line", "authors", "published"), [
    ("Hannah Okoro Environment correspondent", ["Hannah Okoro"], None),
    ("Rowan Tessier · Harbour News · Posted: Apr 22, 2024 5:00 AM EDT", ["Rowan Tessier"],
     "2024-04-22"),
    ("By Ana Ruiz, The Harbour Times", ["Ana Ruiz"], None),
    ("By Jeff Mortimer Global News", ["Jeff Mortimer"], None),
    ("By The Associated Press", ["The Associated Press"], None),
    ("By Ana Ruiz and Tom Baker, Harbour News", ["Ana Ruiz", "Tom Baker"], None),
])
def test_other_byline_forms(line: str, authors: list[str], published: str | None) -> None:
    draft = parse_text(f"Pier reopens after repairs\n\n{line}\n\nThe pier reopened.\n",
                       markdown=False)
    assert draft.authors == authors
    assert draft.published == published
    assert [b.text for b in draft.blocks] == ["The pier reopened."]


@pytest.mark.parametrize(("first", "title"), [
    ("Pier reopens after repairs | Harbour Times", "Pier reopens after repairs"),
    ("Pier reopens after repairs - Coast News", "Pier reopens after repairs"),
    ("Pier reopens after repairs - harbourtimes.com", "Pier reopens after repairs"),
    ("Pier reopens - and the anglers are back", "Pier reopens - and the anglers are back"),
])
def test_site_name_suffix_leaves_the_title(first: str, title: str) -> None:
    draft = parse_text(f"{first}\n\nThe pier reopened.\n", markdown=False)
    assert draft.title == title


def test_menu_lines_and_section_label_above_the_headline_are_skipped() -> None:
    text = "Skip to content\nMenu\n\nLocal\nPier reopens after repairs\n\nThe pier reopened.\n"
    draft = parse_text(text, markdown=False)
    assert draft.title == "Pier reopens after repairs"
    assert "Local" in draft.removed
    assert [b.text for b in draft.blocks] == ["Skip to content", "Menu", "The pier reopened."]


def test_markdown_clipping_with_wiki_link_author_menu_and_repeated_title() -> None:
    text = textwrap.dedent("""\
        ---
        title: "Night buses return"
        author:
          - "[[Jonah Whitfield]]"
        ---
        - [Home](/)
        - [News](/news)

        # Night buses return

        By [Jonah Whitfield](/authors/jonah)

        The first bus leaves at midnight.
        """)
    draft = parse_text(text, markdown=True)
    assert draft.authors == ["Jonah Whitfield"]
    assert [b.text for b in draft.blocks] == ["Home", "News", "The first bus leaves at midnight."]
    assert "By Jonah Whitfield" in draft.removed


def test_all_caps_byline_is_title_cased() -> None:
    draft = parse_text("Volcano erupts\n\nBy TOMAS ALVES\n\nAsh fell.\n", markdown=False)
    assert draft.authors == ["Tomas Alves"]


@pytest.mark.parametrize("before", [
    "Global News", "Valley Times", "citypaper.com", "By Ana Ruiz", "March 4, 2024", "World",
])
def test_site_name_byline_and_date_above_the_headline_are_not_the_title(before: str) -> None:
    draft = parse_text(f"{before}\n\nPier reopens after repairs\n\nThe pier reopened.\n",
                       markdown=False)
    assert draft.title == "Pier reopens after repairs"
    assert [b.text for b in draft.blocks] == ["The pier reopened."]


def test_first_line_indents_separate_paragraphs_in_wrapped_text() -> None:
    first = textwrap.fill("The commission met for three hours on Thursday and heard from more "
                          "than forty residents about the plan.", 60, initial_indent="    ")
    second = textwrap.fill("A final vote is expected next month, after staff report back on "
                           "the cost of keeping the building open.", 60, initial_indent="    ")
    draft = parse_text(f"Library vote delayed\n\n{first}\n{second}\n", markdown=False)
    assert [b.text[:20] for b in draft.blocks] == ["The commission met f", "A final vote is expe"]


def test_soft_hyphens_and_unicode_separators() -> None:
    text = "Pier reopens\n\nThe tran\u00adscribed logs\u2029Second para\u2028graph line."
    draft = parse_text(text, markdown=False)
    # U+2028 is a line break inside the paragraph; U+2029 ends the paragraph.
    assert [b.text for b in draft.blocks] == ["The transcribed logs", "Second para graph line."]


def test_markdown_title_heading_after_a_menu() -> None:
    text = ("- [Home](/)\n- [News](/news)\n- [Sport](/sport)\n- [Arts](/arts)\n\n"
            "# Pier reopens\n\nText.\n")
    assert parse_text(text, markdown=True).title == "Pier reopens"


def test_markdown_section_heading_after_prose_is_not_the_title() -> None:
    text = "The pier reopened on Monday after a long winter of repairs.\n\n## Repairs\n\nText.\n"
    assert parse_text(text, markdown=True).title is None


# Inputs that once took quadratic time (huge joined paragraphs, runs of brackets): they must
# come back whole and sane. Sizes are kept small so the suite stays fast.
@pytest.mark.parametrize(("text", "markdown"), [
    ("[" * 20_000 + "](" * 20_000, True),
    ("![" * 10_000 + "](x)" * 10_000, True),
    ("*_" * 20_000, True),
    ("abc-\ndef-\n" * 10_000, True),
    ("abc-\ndef-\n" * 10_000, False),
    ("".join(f"{i}. https://a.example/{i}\n" for i in range(5_000)), False),
    ("---\n" + "a: b\n" * 5_000, True),
    ("x" * 300_000, False),
], ids=["brackets", "images", "emphasis", "hyphens-md", "hyphens", "numbered", "front-matter",
        "one-line"])
def test_hostile_inputs_come_back_sane(text: str, markdown: bool) -> None:
    draft = parse_text(text, markdown=markdown)
    assert all(b.text for b in draft.blocks)
    assert sum(len(b.text) for b in draft.blocks) <= len(text)


def test_headline_repeated_below_is_dropped() -> None:
    text = "Pier reopens\n\nBy Ana Ruiz\n\nPier reopens\n\nThe pier reopened.\n"
    draft = parse_text(text, markdown=False)
    assert draft.title == "Pier reopens"
    assert [b.text for b in draft.blocks] == ["The pier reopened."]


@pytest.mark.parametrize(("text", "sniffed"), [
    ("---\ntitle: Pier\n---\nText.\n", True),
    ("# Pier reopens\n\nRead the [report](https://a.example/r).\n", True),
    ("Pier reopens\n\n![Pier](p.jpg)\n\n**Bold** claims were made.\n", True),
    ("Pier reopens\n\nThe pier reopened. [1]Home\n", False),
    ("# Pier reopens\n\nThe pier reopened on Monday.\n", False),
    ("Pier reopens\n\n---\n\nThe pier reopened.\n", False),
])
def test_markdown_saved_as_plain_text_is_recognised(text: str, sniffed: bool) -> None:
    assert looks_like_markdown(text.split("\n")) is sniffed


def test_markdown_clipping_saved_as_txt_is_read_as_markdown() -> None:
    text = "# Pier reopens\n\nRead the [**report**](https://a.example/r) first.\n"
    draft = parse_text(text, markdown=False)
    assert draft.title == "Pier reopens"
    assert [b.text for b in draft.blocks] == ["Read the report first."]


def test_unwrapped_line_broken_mid_sentence_is_joined() -> None:
    text = ("Pier reopens\n\n"
            "“We waited all winter for this,” said angler Ruth Ames, who has fished from the\n"
            "pier for forty years. “It feels like spring.”\n"
            "A second paragraph starts here on its own line, as copied text often does.\n")
    draft = parse_text(text, markdown=False)
    assert [b.text[:20] for b in draft.blocks] == ["“We waited all winte", "A second paragraph s"]
    assert draft.blocks[0].text.endswith("for forty years. “It feels like spring.”")


def test_lynx_dump_without_a_page_title_line() -> None:
    draft = parse_text("\n".join(LYNX.split("\n")[2:]), markdown=False)
    assert draft.title == "Pier reopens after storm repairs"


def test_truncated_lynx_dump_link_lines_are_not_the_title() -> None:
    text = "   [1]Skip to content\n\nPier reopens after repairs\n\n   The pier reopened.\n"
    assert parse_text(text, markdown=False).title == "Pier reopens after repairs"

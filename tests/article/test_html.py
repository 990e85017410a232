"""HTML pages and feed fragments to drafts: blocks, metadata, captions, related links, hostility."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from reader.article.build import from_html
from reader.article.html.meta import iso_date
from reader.article.html.parse import parse_html
from reader.article.model import Block
from reader.sanitize import clean_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "html"
PROSE = (
    "The committee met again on Thursday to go through the figures line by line, and several "
    "members asked for the spending plan to be published before the next public meeting. "
)


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def ferry():
    return parse_html(page("harbour-ferry.html"), url=None)


def texts(draft, kind=None):
    return [b.text for b in draft.blocks if kind is None or b.kind == kind]


# --- metadata -------------------------------------------------------------------------------

def test_og_title_wins_over_title_tag_noise(ferry):
    assert ferry.title == "Harbour ferry returns after storm repairs"


def test_title_tag_loses_leading_site_name_and_h1_is_not_repeated_as_a_block():
    draft = parse_html(page("council-budget.html"), url=None)
    assert draft.title == "Council approves library budget after late-night vote"
    assert draft.title not in texts(draft)


def test_canonical_link_is_the_url(ferry):
    assert ferry.url == "https://ledger.example/news/harbour-ferry-returns"


def test_given_url_is_used_when_the_page_names_none():
    draft = parse_html(page("council-budget.html"), url="https://courier.example/budget")
    assert draft.url == "https://courier.example/budget"


def test_jsonld_authors_and_published_date(ferry):
    assert ferry.authors == ["Mira Castellanos", "Tomasz Wren"]
    assert ferry.published == "2026-03-14T08:30:00+00:00"


def test_meta_author_byline_split_and_time_datetime():
    draft = parse_html(page("council-budget.html"), url=None)
    assert draft.authors == ["Anneke Lindqvist", "Joseph Mbeki"]
    assert draft.published == "2025-11-02"


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-05-01T10:00:00Z", "2024-05-01T10:00:00+00:00"),
    ("2024-05-01", "2024-05-01"),
    ("2024-02-30", None),  # not a date: never silently shifted to March (notes case 50)
    ("last Tuesday", None),
    (None, None),
])
def test_iso_date(value, expected):
    assert iso_date(value) == expected


# --- blocks ---------------------------------------------------------------------------------

def test_block_kinds_in_reading_order(ferry):
    kinds = [b.kind for b in ferry.blocks]
    assert kinds[:3] == ["paragraph", "paragraph", "media"]
    assert "What changes for passengers" in texts(ferry, "heading")
    assert texts(ferry, "list_item") == [
        "Contactless payment on board, alongside paper tickets.",
        "An extra late crossing on Fridays and Saturdays.",
        "Bicycles carried free outside the morning rush.",
    ]
    assert texts(ferry, "blockquote") == [
        "We were not going to put her back in the water until every rivet had been checked twice."
    ]


def test_figcaption_becomes_media_after_the_paragraph_it_follows(ferry):
    assert texts(ferry, "media") == [
        "The Kettle makes its first crossing since November. Photo: Ines Baptiste"
    ]
    starts = [(b.kind, b.text[:7]) for b in ferry.blocks]
    assert starts.index(("media", "The Ket")) == starts.index(("paragraph", "Crowds ")) + 1


def test_preformatted_keeps_its_spacing(ferry):
    assert texts(ferry, "preformatted") == [
        "ROUTE  7   OLD TOWN  ->  ISLAND QUARTER\nDEPART 06:10      ARRIVE 06:25"
    ]


def test_scripts_styles_and_handlers_never_become_text(ferry):
    body = "\n".join(texts(ferry))
    for leaked in ("SCRIPT TEXT", "STYLE TEXT", "ONCLICK", "alert(", "tracker"):
        assert leaked not in body


def test_markup_looking_text_is_kept_literally(ferry):
    # notes case 39: the engine never interprets brackets; renderers show them as text
    assert any("[bold]Welcome home[/bold]" in t for t in texts(ferry))


def test_entities_are_unescaped_exactly_once():
    html = "<p>Fish &amp; chips &amp;amp; peas, &lt;b&gt;not bold&lt;/b&gt;, caf&eacute;.</p>"
    assert texts(parse_html(html, url=None)) == ["Fish & chips &amp; peas, <b>not bold</b>, café."]


def test_navigation_and_footer_are_not_article_text(ferry):
    body = "\n".join(texts(ferry))
    assert "Copyright 2026" not in body
    assert "Weather" not in body


# --- related links --------------------------------------------------------------------------

def test_related_aside_gives_absolute_urls_and_drops_unsafe_schemes(ferry):
    related = [(r.title, r.url) for r in ferry.related]
    assert ("Island quarter bridge plan back on the table",
            "https://ledger.example/news/island-quarter-bridge") in related
    assert ("Pontoon works to finish before summer",
            "https://other.example/harbour/pontoon-works") in related
    assert all(url and url.startswith("https://") for _, url in related)
    assert not any("storm photos" in title or "timetable" in title for title, _ in related)


def test_read_more_line_in_the_body_moves_to_related(ferry):
    first = ferry.related[0]
    assert (first.title, first.url) == ("Storm leaves trail of damage across the bay",
                                        "https://ledger.example/news/storm-damage-bay")
    assert not any("Storm leaves trail" in t for t in texts(ferry))


def test_related_links_resolve_against_base_href():
    html = (f"<html><head><base href='https://base.example/dir/'></head><body><p>{PROSE}</p>"
            "<p>Read more: <a href='next-story'>The next story in the series</a></p>"
            "</body></html>")
    draft = parse_html(html, url="https://page.example/a")
    assert [(r.title, r.url) for r in draft.related] == [
        ("The next story in the series", "https://base.example/dir/next-story")
    ]


# --- feed fragments -------------------------------------------------------------------------

def test_short_feed_fragment_is_converted_whole():
    html = ("<p>The bakery on Mill Lane reopens on Monday.</p>"
            "<p>Its owner said <em>everything</em> is baked on site.<br>Queues expected.</p>"
            "<img src='x.jpg' alt='ALT TEXT'><ul><li>Open 7am</li></ul>")
    draft = parse_html(html, url=None)
    assert [(b.kind, b.text) for b in draft.blocks] == [
        ("paragraph", "The bakery on Mill Lane reopens on Monday."),
        ("paragraph", "Its owner said everything is baked on site."),
        ("paragraph", "Queues expected."),
        ("list_item", "Open 7am"),
    ]


def test_fragment_figure_caption_and_hidden_text():
    html = ("<p>Snow closed the pass overnight.</p><figure><img src='p.jpg'>"
            "<figcaption>The pass at dawn. Photo: R. Sato</figcaption></figure>"
            "<div style='display:none'>HIDDEN TRACKING</div><script>SCRIPT</script>")
    draft = parse_html(html, url=None)
    assert [(b.kind, b.text) for b in draft.blocks] == [
        ("paragraph", "Snow closed the pass overnight."),
        ("media", "The pass at dawn. Photo: R. Sato"),
    ]


def test_plain_text_fragment_without_tags():
    assert texts(parse_html("Just a sentence &amp; nothing else.", url=None)) == [
        "Just a sentence & nothing else."
    ]


# --- hostile input (notes section 6) --------------------------------------------------------

@pytest.mark.parametrize("html", ["", "   \n\t", "<!-- only a comment -->", "<html></html>",
                                  "</p></div></body>", "\x00\x01\x02", "<p>\x1b[2J</p>"])
def test_empty_and_degenerate_inputs_give_no_blocks(html):
    assert parse_html(clean_text(html), url=None).blocks == []


def test_five_thousand_nested_divs_do_not_recurse():
    # notes case 34
    html = ("<html><body>" + "<div>" * 5000 + f"<p>{PROSE}</p>" * 3 + "</div>" * 5000
            + "</body></html>")
    draft = parse_html(html, url=None)
    assert draft.blocks and "committee met again" in draft.blocks[0].text


def test_random_bytes_never_raise():
    rng = random.Random(7)
    for _ in range(20):
        junk = bytes(rng.randrange(256) for _ in range(3000)).decode("latin-1")
        draft = parse_html(junk, url=None)
        assert all("\x00" not in b.text for b in draft.blocks)


def test_broken_markup_still_yields_text():
    html = f"<html><body><div><p>{PROSE}<b>bold <i>both</p></div><p>{PROSE}</td></tr></body>"
    body = " ".join(texts(parse_html(html, url=None)))
    assert "committee met again" in body


def test_large_page_is_handled():
    paragraphs = "".join(f"<p>Paragraph {n}. {PROSE}</p>" for n in range(4000))
    html = f"<html><body><article>{paragraphs}</article></body></html>"
    draft = parse_html(html, url=None)
    assert len(draft.blocks) == 4000


def test_escape_sequences_are_stripped_by_the_front_door():
    # notes case 37: from_html runs clean_text before parsing
    html = "<p>Headline \x1b]0;pwned\x07news \x1b[2Jtoday &#27;[31m</p>"
    article = from_html(html, "entry")
    assert all("\x1b" not in b.text and "pwned" not in b.text for b in article.blocks)


def test_javascript_and_data_links_never_become_related():
    html = ("<html><body><article>" + f"<p>{PROSE}</p>" * 3 + "</article><aside><h2>Related</h2>"
            "<a href='javascript:alert(1)'>Click for the full story</a>"
            "<a href='data:text/html;base64,AAAA'>Another full story here</a>"
            "<a href='vbscript:x'>Yet another story to read</a></aside></body></html>")
    assert parse_html(html, url="https://site.example/a").related == []


def test_engine_import_does_not_pull_in_trafilatura_or_lxml():
    code = ("import sys, reader.article.html.parse, reader.article.build; "
            "print(sorted(m for m in ('trafilatura', 'lxml') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- recovering prose the extractor missed ---------------------------------------------------

def test_body_split_around_an_advert_is_read_whole_without_comments():
    draft = parse_html(page("split-body.html"), url=None)
    body = " ".join(texts(draft))
    assert draft.title == "Orchard growers try frost fans this spring"
    assert "Apple growers in the upper valley" in body
    assert "publish the temperature readings" in body
    assert "light small fires between the rows" in body
    assert "Reader comment" not in body
    assert body.index("Apple growers") < body.index("publish the temperature")


def test_teaser_link_run_inside_the_body_moves_to_related():
    prose = [f"<p>Paragraph {n}. {PROSE}</p>" for n in range(6)]
    teasers = ("<p>DON'T MISS</p>"
               "<p><a href='/a/ferry-fares'>Ferry fares rise for the first time in years</a> [NEWS]"
               "<br><a href='/a/bridge'>Bridge closure plan splits the island council</a>"
               " [VIDEO]</p>")
    html = ("<html><body><article><h1>Committee meets again</h1>" + "".join(prose[:3]) + teasers
            + "".join(prose[3:]) + "</article></body></html>")
    draft = parse_html(html, url="https://news.example/story")
    assert [(r.title, r.url) for r in draft.related] == [
        ("Ferry fares rise for the first time in years", "https://news.example/a/ferry-fares"),
        ("Bridge closure plan splits the island council", "https://news.example/a/bridge"),
    ]
    assert draft.removed == ["DON'T MISS"]
    assert len(texts(draft)) == 6


def test_metadata_noise_is_cleaned():
    html = (
        "<html><head><meta property='og:title' content='Opinion | The quiet return of the tram'>"
        "<meta property='og:site_name' content='Metro Herald'>"
        "<meta name='author' content='Analysis by Dana Whitfield, Senior Political Writer, MS'>"
        "<meta property='article:published_time' content='0001-01-01T00:00:00Z'>"
        "</head><body><article><time datetime='2025-06-01T09:00:00+02:00'>1 June</time>"
        + f"<p>{PROSE}</p>" * 3 + "</article></body></html>"
    )
    draft = parse_html(html, url=None)
    assert draft.title == "The quiet return of the tram"
    assert draft.authors == ["Dana Whitfield"]
    assert draft.published == "2025-06-01T09:00:00+02:00"  # the 0001 placeholder is skipped


def test_publisher_is_not_an_author():
    html = ("<html><head><script type='application/ld+json'>{\"@type\": \"NewsArticle\", "
            "\"author\": {\"@type\": \"Organization\", \"name\": \"Metro Herald\"}, "
            "\"publisher\": {\"@type\": \"Organization\", \"name\": \"Metro Herald\"}}</script>"
            "</head><body>" + f"<p>{PROSE}</p>" * 3 + "</body></html>")
    assert parse_html(html, url=None).authors == []


def test_short_entry_wrapped_in_a_document_is_converted_whole():
    html = ("<html><head><title>Entry</title></head><body><p>Ferry delayed.</p>"
            "<p>The 7:10 crossing leaves at 7:40 today.</p>"
            "<p><a href='https://ferry.example/status'>Live status</a></p></body></html>")
    assert texts(parse_html(html, url=None)) == [
        "Ferry delayed.", "The 7:10 crossing leaves at 7:40 today.", "Live status"]


def test_teaser_card_link_becomes_a_related_link_with_its_headline():
    card = ("<a class='read-more-card' href='/news/quay-lights'>"
            "<span class='card__subtitle'>Also on ledger.example</span>"
            "<span class='card__title'>New lights for the old quay are switched on</span></a>")
    html = ("<html><body><article>" + f"<p>Paragraph one. {PROSE}</p>" + card
            + f"<p>Paragraph two. {PROSE}</p>" * 2 + "</article></body></html>")
    draft = parse_html(html, url="https://ledger.example/news/a")
    assert [(r.title, r.url) for r in draft.related] == [
        ("New lights for the old quay are switched on", "https://ledger.example/news/quay-lights")
    ]
    assert not any("quay" in t or "Also on" in t for t in texts(draft))


def test_inline_link_with_a_related_class_stays_in_its_sentence():
    html = ("<html><body><article><p>The harbour board met on Monday and, as "
            "<a class='related-link' href='/board'>reported last week</a>, approved the plan "
            "for the quay after a long debate about costs and timetables.</p>"
            + f"<p>{PROSE}</p>" * 3 + "</article></body></html>")
    draft = parse_html(html, url="https://ledger.example/a")
    assert draft.related == []
    assert "as reported last week, approved the plan" in texts(draft)[0]


def test_page_headline_worded_differently_from_og_title_is_not_repeated():
    html = ("<html><head><meta property='og:title' content='Ferry back after repairs'></head>"
            "<body><article><h1>Harbour ferry back in service after storm repairs</h1>"
            + f"<p>{PROSE}</p>" * 3 + "<h2>Ferry timetable</h2>" + f"<p>{PROSE}</p>"
            + "</article></body></html>")
    draft = parse_html(html, url=None)
    assert draft.title == "Ferry back after repairs"
    assert texts(draft, "heading") == ["Ferry timetable"]


def test_link_heavy_article_with_a_related_heading_keeps_its_prose():
    items = "".join(f"<p><a href='/r{n}'>The harbour board report number {n} on ferry costs</a> "
                    "came out today, said the editor.</p>" for n in range(30))
    html = ("<html><body><div class='post'>" + items + "<h3>Related</h3>"
            "<p><a href='/older'>Last week's links column</a></p></div></body></html>")
    draft = parse_html(html, url="https://links.example/col")
    assert sum("said the editor" in t for t in texts(draft)) == 30


def test_link_blocks_after_prose_colon_or_share_links_stay_in_the_article():
    from lxml.html import fromstring

    from reader.article.html.related import link_texts, take_link_runs

    root = fromstring("<div><a href='https://twitter.com/share?text=x'>Ferries matter more to "
                      "the island than any bridge</a><a href='/a/bridge'>Bridge plan splits "
                      "the island council</a></div>")
    links = link_texts(root)
    tweet = [Block("paragraph", "Here is the thing:"),
             Block("paragraph", "Ferries matter more to the island than any bridge")]
    assert take_link_runs(tweet, links, "https://ledger.example/") == (tweet, [], [])
    watch = [Block("paragraph", "Watch:"),
             Block("paragraph", "Bridge plan splits the island council")]
    blocks, related, removed = take_link_runs(watch, links, "https://ledger.example/")
    assert blocks == []
    assert [(r.title, r.url) for r in related] == [
        ("Bridge plan splits the island council", "https://ledger.example/a/bridge")]
    assert removed == ["Watch:"]


def test_table_rows_become_paragraphs_with_cell_separators():
    html = ("<table><tr><th>Day</th><th>Crossings</th></tr>"
            "<tr><td>Monday</td><td>12</td></tr><tr><td>Sunday</td><td><b>6</b></td></tr></table>")
    assert texts(parse_html(html, url=None)) == ["Day | Crossings", "Monday | 12", "Sunday | 6"]


def test_topic_tags_are_not_related_articles_but_short_cjk_headlines_are():
    html = ("<html><body><article>" + f"<p>{PROSE}</p>" * 3 + "</article>"
            "<aside><h3>Related topics</h3><ul><li><a href='/t/ferries'>Ferries</a></li>"
            "<li><a href='/t/sci'>Science &amp; Health</a></li>"
            "<li><a href='/news/1'>港の新しいフェリー</a></li>"
            "<li><a href='/news/2'>Quay lights switched on</a></li></ul></aside></body></html>")
    draft = parse_html(html, url="https://ledger.example/a")
    assert [r.title for r in draft.related] == ["港の新しいフェリー", "Quay lights switched on"]


def test_a_local_path_as_url_falls_back_to_the_canonical_link_for_related_urls():
    draft = parse_html(page("harbour-ferry.html"), url="saved/harbour-ferry.html")
    assert draft.url == "https://ledger.example/news/harbour-ferry-returns"
    assert all(r.url and r.url.startswith("https://") for r in draft.related)


def test_recover_puts_back_a_bare_text_lead_but_not_what_follows_the_article():
    from lxml.html import document_fromstring

    from reader.article.html.recover import recover

    lead = ("Orchard growers across the upper valley began installing frost fans this month, "
            "after two springs of ruined blossom.")
    paras = [f"Paragraph {n}: each fan protects about six hectares of trees on a still night, "
             "and members share the running costs." for n in range(4)]
    tail = "Sign in to read the comments and join the discussion with other growers today."
    root = document_fromstring(
        "<html><body><div class='article'><div class='content'>" + lead + "<br><br>"
        + "<br><br>".join(paras) + "<br><br>" + tail + "</div></div></body></html>")
    extracted = [Block("paragraph", p) for p in paras]
    assert [b.text for b in recover(root, extracted)] == [lead, *paras]


def test_article_time_wins_over_sidebar_time_and_dates_are_not_authors():
    html = ("<html><body><aside><time datetime='2020-01-01'>1 Jan</time> Popular</aside>"
            "<article><p class='byline'>By Ana Lee | Updated 3 May 2024</p>"
            "<time datetime='2024-05-03T07:00:00Z'>3 May</time>"
            + f"<p>{PROSE}</p>" * 3 + "</article></body></html>")
    draft = parse_html(html, url=None)
    assert draft.published == "2024-05-03T07:00:00+00:00"
    assert draft.authors == ["Ana Lee"]


def test_date_guessed_from_a_page_url_but_never_from_a_fragment():
    html = "<html><body><article>" + f"<p>{PROSE}</p>" * 3 + "</article></body></html>"
    draft = parse_html(html, url="https://ledger.example/news/2024/05/03/ferry-fares")
    assert draft.published == "2024-05-03"
    fragment = "<p>The 2019-06-01 timetable was replaced on 3 May 2024.</p>"
    assert parse_html(fragment, url="https://ledger.example/2024/05/03/x").published is None

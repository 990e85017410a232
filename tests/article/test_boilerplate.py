"""The boilerplate stage: a test per rule family, glued markers, never over-removing, user rules."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from reader.article.boilerplate import _LINE_OUT, _Cleaner, clean_blocks, kept_lines
from reader.article.model import Block
from reader.article.rules import RULES_FILE, Rules, _family, load_rules, packaged_rules
from reader.errors import BylineError

PROSE = Block("paragraph", "The council met on Tuesday to discuss the budget for next year.")

# family name -> lines that family must take out of the body (plain "remove" families).
REMOVED = {
    "advertising": ["Story continues below advertisement", "ADVERTISEMENT", "Advertisement",
                    "Promoted", "Article continues after ad", "SKIP ADVERTISEMENT", "Ad Feedback",
                    "Advertisement - Continue Reading Below", "Sponsor Message"],
    "sponsor": ["Sponsored by Northwind Credit Union", "Presented by the Harbour Arts Fund",
                "In partnership with Lakeside Tourism", "Supported by"],
    "newsletter": ["Sign up for our newsletter", "Subscribe",
                   "Get the Morning Update newsletter delivered to your inbox every weekday.",
                   "Sign up to our free daily email briefing.", "Already a subscriber? Log in.",
                   "Sign up to Harbour Notes, our free weekly newsletter – every Friday at 7am",
                   "Catch up on the markets with the Daily Ledger newsletter. Sign up here.",
                   "after newsletter promotion", "Get breaking National news",
                   "Thanks for reading Small Towns! Subscribe for free to receive new posts.",
                   "Type your email...",
                   "For news from the valley, sign up for breaking news alerts delivered to you.",
                   "Want more stories like this one? Get them in your inbox every morning, free.",
                   "Don't miss a tide: join 40,000 readers who start their day with our briefing.",
                   "Local journalism needs you. Become a member today from £3 a month.",
                   "The Harbour Letter: the week on the coast. Sign up to get it first.",
                   "Get our morning briefing straight to your phone — tap here to join 40,000 "
                   "readers.",
                   "Never miss the tide tables again: tap here to sign up, it's free."],
    "share": ["Share this article", "Share on Facebook", "Tweet", "Email this", "Copy link",
              "Facebook Twitter WhatsApp Email", "Share | Print", "Social Sharing",
              "Reuse this content", "Share full article", "Share this:", "Like this:",
              "Like Loading...", "Share or comment on this article:", "Link Copied",
              "Save articles to read later and create your own reading list."],
    "cookies": ["We use cookies to improve your experience on our site.",
                "By continuing to use this site you agree to our use of cookies.",
                "Accept all cookies", "Cookie settings", "Manage preferences", "Accept"],
    "navigation": ["Skip to content", "Home > News > World", "Back to top", "Next article",
                   "Home › Sport › Cycling", "Listen to this article · 4:12 min",
                   "CLICK HERE TO GET THE LAKESIDE NEWS APP", "Jane Roe's avatar",
                   "toggle caption", "Enlarge this image", "Hide Caption", "LEARN MORE"],
    "copyright": ["© 2024 Lakeside Gazette", "Copyright 2023 Harbour Media. All rights reserved.",
                  "© Copyright Northwind Press 2021"],
    "wire": ["(Reporting by Ana Ruiz; Editing by Tom Baker)", "— The Associated Press",
             "With files from The Canadian Press", "Reuters",
             "The Associated Press contributed to this report.",
             "Reporting by Ana Ruiz in Lisbon; Editing by Tom Baker",
             "Follow AP's coverage of the harbour strike at https://apnews.example/hub/strike",
             "Source: Harbour Statistics Office"],
    "age-notice": ["This article is more than 4 years old", "This article is more than a year old"],
    "comments": ["Comments", "Join the conversation", "View comments", "12 comments",
                 "Comments closed.", "Discussion about this post", "Restacks",
                 "Join our commenting forum"],
    "publication-notes": [
        "A version of this article appears in print on March 4, 2024, Section A, Page 12.",
        "Corrections and clarifications | Submit a news tip",
        "Follow Lakeside News on Facebook, X and Instagram.",
        "Reporting from Lowell Falls, Ohio", 'In "Local News"', "Why you can trust Harbour News",
        "Have a confidential tip for our reporters? Get in touch", "Follow Harbour News:"],
    "timestamps": ["Published", "Updated 14:32 GMT", "3 May 2022", "Published March 4, 2024",
                   "5 hours ago", "Harbour News · Posted: Mar 04, 2024 4:00 AM ET",
                   "Tuesday, March 5, 2024", "Sept. 14, 2021 10:30 a.m. ET",
                   "Posted 3h ago, updated 2h ago"],
}

# family name -> (line, media caption it becomes)
MEDIA = {
    "video-caption": [
        ("Click to play video: 'Flooding closes ring road' Flooding closes ring road",
         "Flooding closes ring road"),
        ("Click to play video: 'Canada's ferry plan' Canada's ferry plan", "Canada's ferry plan"),
        ("Click to play video: 'Storm warning'", "Storm warning"),
        ("Media caption, Divers search the harbour at dawn", "Divers search the harbour at dawn"),
        ("Watch: the moment the bridge span was lifted", "the moment the bridge span was lifted"),
    ],
    "photo-caption": [
        ("Image caption, Residents gathered outside the town hall",
         "Residents gathered outside the town hall"),
        ("Image source, Getty Images", "Image source, Getty Images"),
        ("Photo: Jane Okafor/Reuters", "Photo: Jane Okafor/Reuters"),
        ("(Photo by Sam Lee/Getty Images)", "(Photo by Sam Lee/Getty Images)"),
        ("Getty Images", "Getty Images"),
        ("Jane Okafor/Harbour Radio", "Jane Okafor/Harbour Radio"),
        ("Caption: Divers at the harbour mouth", "Divers at the harbour mouth"),
        ("Pictured: the mayor with the new ferry", "the mayor with the new ferry"),
        ("FILE - Fishing boats sit in the harbour at dawn, May 2, 2021.",
         "Fishing boats sit in the harbour at dawn, May 2, 2021."),
        ("Workers repair the pier on Monday. (AP Photo/Lee Kim, File)",
         "Workers repair the pier on Monday."),
        ("FILE - Workers repair the pier, May 2, 2021. (AP Photo/Lee Kim, File)",
         "Workers repair the pier, May 2, 2021."),
        ("Workers repair the pier on Monday. Photograph: Lee Kim/Reuters",
         "Workers repair the pier on Monday."),
    ],
}

RELATED_LINES = {
    "related-line": [
        ("READ MORE: Council approves new cycle lanes", "Council approves new cycle lanes"),
        ("Read more: Why the ferry keeps breaking down", "Why the ferry keeps breaking down"),
        ("See also: A short history of the harbour", "A short history of the harbour"),
        ("Related: Bus fares to rise in April", "Bus fares to rise in April"),
        ("Related article Why the ferry keeps breaking down", "Why the ferry keeps breaking down"),
        ("MUST READ: Five bridges to walk this spring", "Five bridges to walk this spring"),
        ("Further reading: A short history of the harbour", "A short history of the harbour"),
        ("Previously: Ferry delayed by storm", "Ferry delayed by storm"),
    ],
}

HEADINGS = {
    "related-heading": ["Related", "Related coverage", "More on this story", "Related stories",
                        "See also", "You may also like"],
    "trending": ["Trending", "Most read", "Most popular", "Top stories",
                 "Elsewhere on the Courier", "Don't miss"],
    "topics": ["Related Topics", "Topics", "Explore more on these topics", "Suggested Topics:"],
    "sponsored-links": ["Sponsored content", "Paid content", "From our partners",
                        "Around the web"],
}

ITEMS = ["Council approves new cycle lanes", "Bus fares to rise in April"]


def clean(*blocks: Block):
    return clean_blocks(list(blocks), load_rules())


# family name -> (opening marker, closing marker) of a bracketed promotion.
BRACKETS = {"newsletter-promo": ("skip past newsletter promotion", "after newsletter promotion")}


def test_every_packaged_family_has_a_test() -> None:
    tested = set(REMOVED) | set(MEDIA) | set(RELATED_LINES) | set(HEADINGS) | set(BRACKETS)
    assert {f.name for f in packaged_rules().families} == tested


@pytest.mark.parametrize(("family", "line"),
                         [(f, line) for f, lines in REMOVED.items() for line in lines])
def test_remove_family(family: str, line: str) -> None:
    assert packaged_rules().by_name(family).match(line), f"{family} should match {line!r}"
    out = clean(PROSE, Block("paragraph", line), PROSE)
    assert [b.text for b in out.blocks] == [PROSE.text, PROSE.text]
    assert out.removed == [line]


@pytest.mark.parametrize(("family", "line", "caption"),
                         [(f, line, cap) for f, cases in MEDIA.items() for line, cap in cases])
def test_media_family(family: str, line: str, caption: str) -> None:
    assert packaged_rules().by_name(family).match(line)
    out = clean(Block("paragraph", line), PROSE)
    assert out.blocks[0] == Block("media", caption)
    assert out.blocks[1].text == PROSE.text
    # The caption prefix is not silently dropped: the original line is in `removed`.
    assert caption == line or line in out.removed


def test_video_caption_absorbs_the_blurb_line() -> None:
    blurb = "From floods to fires, Ana Ruiz looks at how towns prepare – June 3, 2021"
    video = "Click to play video: 'Ready for the storm' Ready for the storm"
    out = clean(Block("paragraph", video), Block("paragraph", blurb), PROSE)
    assert out.blocks[0].kind == "media"
    assert out.blocks[0].text.startswith("Ready for the storm")
    assert blurb in out.blocks[0].text
    assert [b.kind for b in out.blocks] == ["media", "paragraph"]


def test_blurb_without_video_caption_is_kept() -> None:
    blurb = "From floods to fires, Ana Ruiz looks at how towns prepare – June 3, 2021"
    out = clean(PROSE, Block("paragraph", blurb))
    assert out.blocks[1] == Block("paragraph", blurb)


@pytest.mark.parametrize(("line", "title"), RELATED_LINES["related-line"])
def test_related_line_family(line: str, title: str) -> None:
    out = clean(PROSE, Block("paragraph", line), PROSE)
    assert [r.title for r in out.related] == [title]
    assert [b.text for b in out.blocks] == [PROSE.text, PROSE.text]


@pytest.mark.parametrize("heading", HEADINGS["related-heading"])
def test_related_heading_family(heading: str) -> None:
    out = clean(PROSE, Block("heading", heading),
                *(Block("list_item", t) for t in ITEMS), Block("heading", "Next section"), PROSE)
    assert [r.title for r in out.related] == ITEMS
    assert heading in out.removed
    assert [b.text for b in out.blocks] == [PROSE.text, "Next section", PROSE.text]


@pytest.mark.parametrize(("family", "heading"),
                         [(f, h) for f in ("trending", "topics", "sponsored-links")
                          for h in HEADINGS[f]])
def test_remove_heading_families(family: str, heading: str) -> None:
    assert packaged_rules().by_name(family).match(heading)
    out = clean(PROSE, Block("paragraph", heading), *(Block("paragraph", t) for t in ITEMS))
    assert out.removed == [heading, *ITEMS]
    assert out.related == []
    assert [b.text for b in out.blocks] == [PROSE.text]


def test_related_section_ends_at_prose() -> None:
    long_para = ("The council will publish its response in the spring, after a public "
                 "consultation that runs for twelve weeks and includes four open meetings.")
    out = clean(Block("paragraph", "Related coverage"), Block("paragraph", ITEMS[0]),
                Block("paragraph", long_para))
    assert [r.title for r in out.related] == [ITEMS[0]]
    assert out.blocks == [Block("paragraph", long_para)]


def test_bare_read_more_marker_opens_a_related_list() -> None:
    out = clean(Block("paragraph", "Read more:"), Block("list_item", ITEMS[0]), PROSE)
    assert [r.title for r in out.related] == [ITEMS[0]]


def test_related_links_are_deduplicated_in_order() -> None:
    out = clean(Block("paragraph", "READ MORE: Bus fares to rise in April"), PROSE,
                Block("paragraph", "Related"), Block("list_item", "Bus fares to rise in April"),
                Block("list_item", "Council approves new cycle lanes"))
    assert [r.title for r in out.related] == ["Bus fares to rise in April",
                                              "Council approves new cycle lanes"]


# ---------------------------------------------------------------- glued markers

@pytest.mark.parametrize(("text", "kept", "cut"), [
    ("Advertisement The mayor said the plan would go ahead.",
     "The mayor said the plan would go ahead.", "Advertisement"),
    ("The vote was close. Story continues below advertisement The mayor said it would go ahead.",
     "The vote was close. The mayor said it would go ahead.",
     "Story continues below advertisement"),
    ("The vote was close. ADVERTISEMENT", "The vote was close.", "ADVERTISEMENT"),
    ("Skip to content The river rose overnight.", "The river rose overnight.", "Skip to content"),
    ("The plant will close in May. (Reporting by Ana Ruiz; Editing by Tom Baker)",
     "The plant will close in May.", "(Reporting by Ana Ruiz; Editing by Tom Baker)"),
    ("It costs nothing. Share this article Facebook Twitter", "It costs nothing.",
     "Share this article Facebook Twitter"),
])
def test_glued_marker_is_cut_from_real_text(text: str, kept: str, cut: str) -> None:
    out = clean(Block("paragraph", text))
    assert [b.text for b in out.blocks] == [kept]
    assert out.removed == [cut]


# ---------------------------------------------------------------- never over-remove

@pytest.mark.parametrize("prose", [
    "Advertisement revenue at the paper fell by a third last year, the owners said.",
    "The advertisement was pulled after viewers complained about its tone.",
    "Share prices rose sharply after the announcement on Monday.",
    "She said she would share the prize money with her coach.",
    "Subscribers to the streaming service will pay more from June.",
    "Home owners in the valley have been told to expect higher insurance premiums.",
    "Comments made by the minister on Friday caused an uproar.",
    "We use cookies, flour and butter in the recipe, said the baker.",
    "Copyright law has not kept up with artificial intelligence, the report argues.",
    "Published in 1998, the novel sold two million copies.",
    "Markets", "Money", "Mayor", "Friends", "Sunshine", "Decisions", "Octopus",
    "9.30 A.M. / 7.00 P.M.",
    "Updated guidelines were released.",
    "Related issues will be discussed next week.",
    "Reuters reported the deal first, citing three people familiar with the talks.",
    "Photo albums from the 1950s were found in the attic.",
    "Tweet by tweet, the campaign unravelled.",
    "Trending topics on the site included the election and the weather.",
    "Supported by volunteers, the shelter stayed open all winter.",
    "He posted a photo: the harbour frozen solid for the first time in decades.",
    "The file was sent to the court in March.",
    "Follow the money, the detective told her, and you will find the answer.",
    "Learn more about the plan at the library on Tuesday.",
    "The AC/DC concert sold out in four minutes.",
    "Sources said the deal was close, but nothing had been signed by Friday evening.",
    "The Associated Press reported that the talks had stalled.",
    "Get the briefing book out, the chair told the clerks before the vote.",
    "Residents who click here and there on the council site find nothing about it.",
])
def test_prose_mentioning_boilerplate_words_is_kept(prose: str) -> None:
    out = clean(Block("paragraph", prose))
    assert out.blocks == [Block("paragraph", prose)]
    assert out.removed == []


def test_preformatted_blocks_are_never_cleaned() -> None:
    code = "Advertisement\nShare this article"
    out = clean(Block("preformatted", code))
    assert out.blocks == [Block("preformatted", code)]


# ---------------------------------------------------------------- user rules

def test_user_remove_rule_applies_and_packaged_rules_stay() -> None:
    rules = load_rules({"remove": [r"listen to this article.*"]})
    out = clean_blocks([Block("paragraph", "Listen to this article (4 min)"),
                        Block("paragraph", "Advertisement"), PROSE], rules)
    assert out.removed == ["Listen to this article (4 min)", "Advertisement"]
    assert out.blocks == [PROSE]


def test_user_related_rule_with_title_group() -> None:
    rules = load_rules({"related": [r"ALSO ON THE SITE >> (?P<title>.+)"]})
    out = clean_blocks([Block("paragraph", "ALSO ON THE SITE >> Bus fares to rise"), PROSE], rules)
    assert [r.title for r in out.related] == ["Bus fares to rise"]


@pytest.mark.parametrize("extra", [
    {"remove": ["(unclosed"]},
    {"remove": "[z-a]"},
    {"nonsense": ["x"]},
    {"remove": [3]},
    {"media": {"a": 1}},
])
def test_bad_user_rules_are_one_line_errors(extra: dict) -> None:
    with pytest.raises(BylineError) as err:
        load_rules(extra)
    assert "\n" not in str(err.value)
    assert "rules" in str(err.value)


def test_packaged_rules_are_compiled_once() -> None:
    assert load_rules() is load_rules(None) is packaged_rules()


@pytest.mark.parametrize("marker", ["Story continues below advertisement", "ADVERTISEMENT"])
def test_distinctive_marker_is_cut_even_mid_sentence(marker: str) -> None:
    out = clean(Block("paragraph", f"The people who have just come {marker} through a hard time."))
    assert [b.text for b in out.blocks] == ["The people who have just come through a hard time."]
    assert out.removed == [marker]


def test_paragraph_cut_in_two_by_a_marker_is_mended() -> None:
    out = clean(Block("paragraph", "The people who have just come"),
                Block("paragraph", "Story continues below advertisement"),
                Block("paragraph", "through a hard time are safe."), PROSE)
    assert [b.text for b in out.blocks] == [
        "The people who have just come through a hard time are safe.", PROSE.text]


def test_paragraphs_are_not_mended_without_a_removal_or_at_a_sentence_end() -> None:
    blocks = [Block("paragraph", "What happens next"), Block("paragraph", "the plan is set."),
              Block("paragraph", "It ended."), Block("paragraph", "Advertisement"),
              Block("paragraph", "then it began.")]
    out = clean(*blocks)
    assert [b.text for b in out.blocks] == [
        "What happens next", "the plan is set.", "It ended.", "then it began."]


def test_back_references_in_rules_work_in_long_texts() -> None:
    # Past the compile threshold the alternation path is used; it must agree with the loop.
    line = "Click to play video: 'Canada's ferry plan' Canada's ferry plan"
    blocks = [Block("paragraph", line)] * 250
    out = clean_blocks(blocks, load_rules())
    assert {b.text for b in out.blocks} == {"Canada's ferry plan"}


def test_wordpress_related_posts() -> None:
    out = clean(PROSE, Block("paragraph", "Related"), Block("paragraph", "Bus fares to rise"),
                Block("paragraph", "March 3, 2024"), Block("paragraph", 'In "Local News"'),
                Block("paragraph", "Ferry timetable changes"))
    assert [r.title for r in out.related] == ["Bus fares to rise", "Ferry timetable changes"]
    assert out.blocks == [PROSE]


def test_needles_are_required_substrings_or_none() -> None:
    from reader.article.rules import needles

    assert needles("(?:story|article) continues below advertisement|(?-i:ADVERTISEMENT)") == (
        " continues below advertisement", "advertisement")
    assert needles("(?:a|b)c") is None  # nothing long enough to test for
    assert needles("foo.*bar|something") is None  # one alternative has no usable literal


@pytest.mark.parametrize(("line", "family"), [
    ("Associated Press writer Lena Moberg contributed to this report.", "wire"),
    ("Copyright 2023 Harbour Media. All rights reserved.", "copyright"),
    ("Catch up on the markets with the Daily Ledger newsletter. Sign up here.", "newsletter"),
    ("Workers repair the pier on Monday. (AP Photo/Lee Kim, File)", "photo-caption"),
    ("Gulls circle the ferry at dawn. Photograph: Lee Kim", "photo-caption"),  # gate ":"
    ("Lee Kim/Getty Images", "photo-caption"),  # gate "/"
])
def test_gated_patterns_agree_in_long_texts(line: str, family: str) -> None:
    # Past the compile threshold, scanning patterns are tried apart from the alternation.
    rules = load_rules()
    for _ in range(250):
        hit = rules.family_for(line)
        assert hit is not None and hit[0].name == family


def test_rules_compiled_ahead_match_as_on_first_use() -> None:
    # A refresh compiles the long lines' buckets before it forks (ingest._warm_up).
    lines = [line for line in _every_test_line() if line.strip()]
    fresh, ahead = _fresh_rules(), _fresh_rules()
    ahead.compile_long(161)
    assert sorted(ahead._alternations) == [200, 300, 400]
    for line in lines * 3:  # past the compile threshold of the other buckets too
        want, got = fresh.family_for(line.strip()), ahead.family_for(line.strip())
        assert (want and (want[0].name, want[1].group(0))) == (got and (got[0].name,
                                                                      got[1].group(0)))


# Characters that case-insensitive patterns match with an ASCII letter they do not lower to.
_FOLDS = [("s", "ſ"), ("i", "ı"), ("I", "İ"), ("k", "K")]


def test_the_quick_pass_skips_tests_only_where_they_cannot_match() -> None:
    # Lines without any needle skip the gated, glued and anywhere tests: the quick pass must
    # keep and cut exactly what the tests one by one do, "ſ" and the like included.
    rules = _fresh_rules()
    rules.compile_long(0)  # every bucket compiled: the needle test is used from the start
    lines = [line for line in _every_test_line() if line.strip()]
    lines += [f"The ferry left at dawn. {line}" for line in lines]
    lines += [line.replace(a, b) for line in lines for a, b in _FOLDS if a in line]
    lines += ["Prices rose. (Edıting by Jane Doe)", "Story contınues below advertısement",
              "The crew went home. ADVERTISEMENT The harbour closed."]
    assert [kept_lines([line], rules) for line in lines] == [
        _kept_the_long_way(line, rules) for line in lines]
    assert _kept_the_long_way("Prices rose. (Edıting by Jane Doe)", rules) == ["Prices rose."]


def _kept_the_long_way(line: str, rules: Rules) -> list[str]:
    """`kept_lines` of one line with every test run."""
    line = line.strip()
    found = rules.family_for(line)
    if not line or (found is not None and found[0].action in _LINE_OUT):
        return []
    glued = rules.glued
    assert glued is not None
    if glued[0].match(line) or glued[1].search(line) or rules.may_contain_anywhere(line):
        line = _Cleaner(rules).cut_glued(line)
    return [line] if line else []


def _fresh_rules() -> Rules:
    """The packaged rules, loaded anew (nothing compiled yet)."""
    data = tomllib.loads(RULES_FILE.read_text(encoding="utf-8"))
    return Rules(tuple(_family(f, "test", check=False) for f in data["family"]))


def _every_test_line() -> list[str]:
    """The string constants of this module: markers, captions and prose."""
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def test_every_packaged_pattern_compiles() -> None:
    # Packaged patterns are compiled on first use, not at load: compile them all here.
    rules = packaged_rules()
    for family in rules.families:
        assert len(family.patterns) == len(family.gates) == len(family.sources) > 0
        assert family.absorbs_source is None or family.absorbs is not None
    assert rules.glued is not None and rules.anywhere is not None


@pytest.mark.parametrize("family", sorted(BRACKETS))
def test_a_bracketed_promotion_goes_with_its_markers(family: str) -> None:
    opening, closing = BRACKETS[family]
    promo = ["The Harbour Letter, every Friday: the week on the coast.", "Privacy first, always."]
    out = clean(PROSE, Block("paragraph", opening), *(Block("paragraph", p) for p in promo),
                Block("paragraph", closing), PROSE)
    assert [b.text for b in out.blocks] == [PROSE.text, PROSE.text]
    assert out.removed == [opening, *promo, closing]


def test_an_unclosed_promotion_bracket_keeps_the_article() -> None:
    body = [Block("paragraph", f"Paragraph {n} of the story goes on about the harbour.")
            for n in range(12)]
    out = clean(Block("paragraph", "skip past newsletter promotion"), *body)
    assert [b.text for b in out.blocks] == [b.text for b in body]
    assert out.removed == ["skip past newsletter promotion"]


@pytest.mark.parametrize("prose", [
    "More than 40,000 readers joined the campaign to save the ferry, the organisers said.",
    "Residents who want more stories about the harbour can visit the museum on Sundays.",
])
def test_prose_about_readers_and_members_is_kept(prose: str) -> None:
    assert clean(Block("paragraph", prose)).removed == []

"""Issue 13, items 6 and 9: links in the article text, numbered and reachable; the header
names the feed (or the file) and shows the article's web address."""

from __future__ import annotations

from textual.widgets import Collapsible

from reader.article.model import Block, LinkSpan
from reader.library.store import NewEntry
from reader.tui.layout import layout_article
from reader.tui.screens.article import ArticleScreen
from reader.tui.widgets.article_body import ArticleBody
from reader.tui.widgets.status_bar import StatusBar

from .conftest import article_ready, ferry_article, notified, screen_text

LINKED = "The board put the new timetable online, with the fare table beside it."


def linked_article(paragraphs: int = 6):
    article = ferry_article(paragraphs=paragraphs)
    start = LINKED.index("new timetable")
    fares = LINKED.index("fare table")
    article.blocks.insert(2, Block("paragraph", LINKED, link_spans=[
        LinkSpan(start, start + len("new timetable"), "https://board.example/timetable"),
        LinkSpan(fares, fares + len("fare table"), "https://board.example/fares")]))
    for quote in article.quotes:
        quote.block += 1 if quote.block >= 2 else 0
    return article


def test_links_are_numbered_after_their_anchor_text() -> None:
    layout = layout_article(linked_article(), 200)
    line = next(line for line in layout.lines if "timetable" in line.text)
    assert "the new timetable[1] online, with the fare table[2] beside it." in line.text
    spans = [(line.text[s:e], n) for s, e, n in line.links]
    assert spans == [("new timetable[1]", 1), ("fare table[2]", 2)]
    assert layout.link_urls == ["https://board.example/timetable",
                                "https://board.example/fares"]


def test_a_quote_keeps_its_span_around_a_numbered_link() -> None:
    text = "“Read the report first,” she said."
    article = ferry_article()
    article.blocks = [Block("paragraph", text, link_spans=[
        LinkSpan(text.index("report"), text.index("report") + 6, "https://a.example/r")])]
    from reader.article.model import QuoteSpan

    article.blocks[0].quotes = [QuoteSpan(0, text.index("”") + 1, "Ann")]
    layout = layout_article(article, 200)
    line = next(line for line in layout.lines if "report" in line.text)
    (start, end, _), = line.quotes
    assert line.text[start:end] == "“Read the report[1] first,”"


async def test_tab_chooses_a_link_o_y_and_enter_act_on_it(make_app, monkeypatch):
    app = make_app(opened=[linked_article()])
    seen: dict[str, list[str]] = {"browser": [], "copy": [], "open": []}
    monkeypatch.setattr(app, "open_in_browser", seen["browser"].append)
    monkeypatch.setattr(app, "copy_link", seen["copy"].append)
    monkeypatch.setattr(app, "open_url_as_article", lambda url, **kw: seen["open"].append(url))
    async with app.run_test(size=(100, 30)) as pilot:
        await article_ready(pilot)
        screen = app.screen
        assert isinstance(screen, ArticleScreen)
        body = screen.query_one(ArticleBody)
        assert "new timetable[1]" in screen_text(app)
        await pilot.press("o")                      # no link chosen: the article's own
        await pilot.press("tab")
        assert body.current_link == 1
        bar = screen.query_one(StatusBar)
        assert bar.left == "[1] https://board.example/timetable"
        assert bar.right.startswith("link 1/2")
        await pilot.press("tab", "o", "y", "enter")
        await pilot.pause()
        assert seen == {"browser": ["https://news.example/ferry", "https://board.example/fares"],
                        "copy": ["https://board.example/fares"],
                        "open": ["https://board.example/fares"]}
        await pilot.press("tab")                    # past the last one: said, not wrapped
        assert body.current_link == 2
        assert notified(app, "No more links")
        await pilot.press("shift+tab")
        assert body.current_link == 1
        await pilot.press("escape")                 # Escape lets the link go, not the article
        assert body.current_link == 0 and app.screen is screen
        assert bar.left == "Harbour council keeps the night ferry"
        # the Related section keeps its fold, and l still opens it
        related = screen.query_one("#related", Collapsible)
        assert related.collapsed
        await pilot.press("l")
        assert not related.collapsed


async def test_an_article_without_links_says_so(make_app):
    app = make_app(opened=[ferry_article()])
    async with app.run_test(size=(100, 30)) as pilot:
        await article_ready(pilot)
        await pilot.press("tab", "enter")
        messages = [n.message for n in app._notifications]
        assert "This article has no links in its text" in messages
        assert any(m.startswith("Tab chooses a link") for m in messages)


async def test_the_header_names_the_feed_and_shows_the_address(make_app, library):
    feed = library.add_feed("http://127.0.0.1:9/desk.xml", title="Harbour Desk")
    library.store_entries(feed, [NewEntry(
        key="k1", title="Tide report", raw="<p>Calm seas all week, said the harbour master.</p>",
        link="http://127.0.0.1:9/tide-report", published="2026-03-01")])
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "enter")
        await article_ready(pilot)
        text = screen_text(app)
        assert "Harbour Desk · 2026-03-01 · 1 min read" in text
        assert "http://127.0.0.1:9/tide-report" in text
        assert "127.0.0.1 ·" not in text

"""Pilot tests of the article screen: every article key, quotes, related links, raw view."""

from __future__ import annotations

from textual.widgets import Collapsible, OptionList

from reader.article.build import from_text
from reader.article.model import Block, Quote, QuoteSpan
from reader.tui.screens.article import ArticleScreen
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.library import LibraryScreen
from reader.tui.screens.quotes import QuotesScreen
from reader.tui.screens.search import SearchScreen
from reader.tui.widgets.article_body import ArticleBody
from reader.tui.widgets.status_bar import StatusBar

from .conftest import article_ready, ferry_article, notified, screen_text


async def test_opens_the_article_with_header_quotes_and_speakers(make_app):
    app = make_app(opened=[ferry_article(paragraphs=1)])
    async with app.run_test(size=(100, 30)) as pilot:
        await article_ready(pilot)
        assert isinstance(app.screen, ArticleScreen)
        text = screen_text(app)
        assert "Harbour council keeps the night ferry" in text
        assert "By Ada Lane · ferry.txt · 2026-03-14 · 1 min read" in text
        assert "▶ Photo: the ferry at dusk" in text
        assert "— Mara Quillon" in text
        assert "Story continues below advertisement" not in text
        assert "Related (2)" in text
        # the related links start folded
        assert app.screen.query_one("#related", Collapsible).collapsed


async def test_measure_is_centred_and_reflows(make_app):
    app = make_app(opened=[ferry_article()])
    async with app.run_test(size=(140, 30)) as pilot:
        await article_ready(pilot)
        body = app.screen.query_one(ArticleBody)
        assert body.outer_size.width == 76
        assert abs(body.region.x - (140 - 76) // 2) <= 1
        await pilot.resize_terminal(50, 30)
        await pilot.pause()
        assert body.size.width <= 50
        assert body.layout_result is not None and body.layout_result.width <= 46


async def test_next_and_previous_quote_scroll_and_highlight(make_app):
    app = make_app(opened=[ferry_article(paragraphs=40)])
    async with app.run_test(size=(80, 24)) as pilot:
        await article_ready(pilot)
        screen = app.screen
        body = screen.query_one(ArticleBody)
        await pilot.press("right_square_bracket")
        assert body.current_quote == 0
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert body.current_quote == 1
        line = body.quote_line(1)
        page = screen.page
        assert page.scroll_y <= body.virtual_region.y + line < page.scroll_y + page.size.height
        assert "quote 2/2" in screen.query_one(StatusBar).right
        await pilot.press("left_square_bracket")
        assert body.current_quote == 0


async def test_quote_is_drawn_in_the_quote_colour(make_app):
    app = make_app(opened=[ferry_article()])
    async with app.run_test(size=(100, 30)) as pilot:
        await article_ready(pilot)
        body = app.screen.query_one(ArticleBody)
        quote_colour = app.theme_variables["quote"]
        line = body.quote_line(0)
        strip = body.render_line(line)
        coloured = "".join(seg.text for seg in strip if seg.style and seg.style.color
                           and seg.style.color.triplet
                           and seg.style.color.triplet.hex == quote_colour.lower())
        assert coloured.startswith("“We kept the lamps lit")


async def test_quotes_list_jumps_to_the_chosen_quote(make_app):
    app = make_app(opened=[ferry_article(paragraphs=40)])
    async with app.run_test(size=(100, 30)) as pilot:
        await article_ready(pilot)
        await pilot.press("Q")
        assert isinstance(app.screen, QuotesScreen)
        assert "Dev Okafor — Nobody should have to swim home" in screen_text(app)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ArticleScreen)
        assert app.screen.query_one(ArticleBody).current_quote == 1
        assert app.screen.page.scroll_y > 0


async def test_quotes_list_drops_the_comma_that_joins_a_quote_to_its_narration(make_app):
    article = from_text("Lantern festival returns to the harbour\n\n“It was magical,” said "
                        "Oona Brisk, who has run the festival since 2011.\n\n“We will be back "
                        "next year; the boats are already booked,” Brisk added.\n", "lanterns.txt")
    app = make_app(opened=[article])
    async with app.run_test(size=(100, 30)) as pilot:
        await article_ready(pilot)
        await pilot.press("Q")
        options = app.screen.query_one("#quotes-list", OptionList)
        listing = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert listing[0].startswith("Oona Brisk — It was magical")
        assert not any(line.endswith(",") or ",  " in line for line in listing), listing
        assert "the boats are already booked" in listing[1]


async def test_partial_quotes_are_highlighted_listed_and_reached_with_brackets(make_app):
    article = ferry_article(paragraphs=2)
    text = "Councillor Ines Roe called the timetable “a fair compromise” on Friday."
    start = text.index("“")
    article.blocks.append(Block("paragraph", text, [
        QuoteSpan(start, text.index("”") + 1, "Ines Roe", "partial")]))
    article.quotes.append(Quote("a fair compromise", "Ines Roe", len(article.blocks) - 1,
                                "partial"))
    app = make_app(opened=[article])
    async with app.run_test(size=(100, 30)) as pilot:
        await article_ready(pilot)
        body = app.screen.query_one(ArticleBody)
        assert body.quote_count == 3
        await pilot.press("right_square_bracket", "right_square_bracket",
                          "right_square_bracket")
        assert body.current_quote == 2
        await pilot.press("Q")
        listing = screen_text(app)
        assert "Ines Roe — “a fair compromise”  partial" in listing
        assert "Dev Okafor — Nobody should have to swim home" in listing
        assert "Nobody should have to swim home  partial" not in listing


async def test_scroll_keys(make_app):
    app = make_app(opened=[ferry_article(paragraphs=60)])
    async with app.run_test(size=(80, 24)) as pilot:
        await article_ready(pilot)
        page = app.screen.page
        await pilot.press("j", "j")
        assert page.scroll_y == 2
        await pilot.press("k")
        assert page.scroll_y == 1
        await pilot.press("space")
        assert page.scroll_y > 10
        await pilot.press("g")
        assert page.scroll_y == 0
        await pilot.press("G")
        await pilot.pause()
        assert page.scroll_y == page.max_scroll_y
        assert app.screen.query_one(StatusBar).right.endswith("100%")
        await pilot.press("pageup")
        assert page.scroll_y < page.max_scroll_y
        await pilot.press("down")
        await pilot.press("home")
        assert page.scroll_y == 0


async def test_bottom_then_l_shows_both_related_links(make_app):
    app = make_app(opened=[ferry_article(paragraphs=30)])
    async with app.run_test(size=(80, 24)) as pilot:
        await article_ready(pilot)
        await pilot.press("G", "l")
        await pilot.pause()
        text = screen_text(app)
        assert "Lighthouse keepers look back" in text
        assert "Tides and timetables" in text
        await pilot.press("l")
        assert app.screen.query_one("#related", Collapsible).collapsed


async def test_enter_on_a_related_link_without_url_searches_for_its_title(make_app):
    app = make_app(opened=[ferry_article()])
    async with app.run_test(size=(100, 30)) as pilot:
        await article_ready(pilot)
        await pilot.press("l", "down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_one("#search-input").value == "Tides and timetables"


async def test_enter_on_a_related_link_with_url_opens_it_as_an_article(make_app, monkeypatch):
    fetched = []

    def fake_load_url(url, rules=None, *, offline=False):
        fetched.append(url)
        return [ferry_article(source=url, title="Lighthouse keepers look back", url=url)]

    monkeypatch.setattr("reader.sources.targets.load_url", fake_load_url)
    app = make_app(opened=[ferry_article()])
    async with app.run_test(size=(100, 30)) as pilot:
        await article_ready(pilot)
        await pilot.press("l", "enter")
        await article_ready(pilot, "Lighthouse keepers look back")
        assert fetched == ["https://news.example/lights"]
        assert isinstance(app.screen, ArticleScreen)
        assert "Lighthouse keepers look back" in screen_text(app)
        await pilot.press("q")
        await pilot.pause()
        assert "Harbour council keeps the night ferry" in screen_text(app)


async def test_raw_view_shows_the_original_with_boilerplate(make_app):
    app = make_app(opened=[ferry_article()])
    async with app.run_test(size=(100, 30)) as pilot:
        await article_ready(pilot)
        await pilot.press("v")
        await pilot.pause()
        text = screen_text(app)
        assert "Story continues below advertisement" in text
        assert "Sponsored content" in text
        assert "RAW" in app.screen.query_one(StatusBar).left
        await pilot.press("v")
        await pilot.pause()
        assert "Sponsored content" not in screen_text(app)


async def test_star_and_read_toggles_reach_the_library(make_app):
    app = make_app(opened=[ferry_article()])
    async with app.run_test(size=(100, 30)) as pilot:
        await article_ready(pilot)
        entry = app.screen.entry_id
        library = app.library
        assert entry not in library.entry_ids("unread")  # opening marks it read
        await pilot.press("s")
        await app.workers.wait_for_complete()
        assert library.entry_ids("starred") == [entry]
        await pilot.press("m")
        await app.workers.wait_for_complete()
        assert library.entry_ids("unread") == [entry]
        await pilot.press("s", "m", "s", "s")  # quick presses flip one at a time
        await app.workers.wait_for_complete()
        assert library.entry_ids("starred") == []
        assert library.entry_ids("unread") == []


async def test_next_previous_and_next_unread(make_app, library):
    ids = [library.add_local(ferry_article(source=f"a{i}.txt", title=f"Story {i}",
                                           published=f"2026-01-0{i + 1}")) for i in range(4)]
    library.set_read(ids[2], True)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.open_articles(ids, 0)
        await article_ready(pilot, "Story 0")
        screen = app.screen
        assert isinstance(screen, ArticleScreen)
        await pilot.press("n")
        await article_ready(pilot, "Story 1")
        assert screen.index == 1 and "Story 1" in screen_text(app)
        await pilot.press("p")
        await article_ready(pilot, "Story 0")
        assert screen.index == 0
        await pilot.press("n")
        await article_ready(pilot, "Story 1")
        await pilot.press("N")  # skips the read article 2
        await article_ready(pilot, "Story 3")
        assert screen.index == 3 and "Story 3" in screen_text(app)


async def test_position_is_remembered(make_app):
    app = make_app(opened=[ferry_article(paragraphs=80)])
    async with app.run_test(size=(80, 24)) as pilot:
        await article_ready(pilot)
        screen = app.screen
        entry = screen.entry_id
        await pilot.press("space", "space")
        top = screen.page.scroll_y
        await pilot.press("q")
        await app.workers.wait_for_complete()
        assert isinstance(app.screen, LibraryScreen)
        assert app.library.position(entry) > 0
        app.open_articles([entry], 0)
        await article_ready(pilot)
        restored = app.screen.page.scroll_y
        assert 0 < restored <= top


async def test_help_lists_every_key(make_app):
    from reader.tui.keys import ACTIONS

    app = make_app(opened=[ferry_article()])
    async with app.run_test(size=(100, 70)) as pilot:   # tall enough for the whole list
        await article_ready(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for action in ACTIONS:
            assert action.description in text
        await pilot.press("escape")
        assert isinstance(app.screen, ArticleScreen)


async def test_q_goes_back_to_the_library(make_app):
    app = make_app(opened=[ferry_article()])
    async with app.run_test(size=(100, 30)) as pilot:
        await article_ready(pilot)
        await pilot.press("q")
        assert isinstance(app.screen, LibraryScreen)
        assert isinstance(app.screen.focused, OptionList | type(app.screen.entries))


async def test_long_article_opens_with_a_partial_layout_and_completes(make_app):
    # reliability case 56: a 5,000-paragraph article must not freeze the first paint
    from reader.tui.widgets.article_body import QUICK_BLOCKS

    article = ferry_article(paragraphs=3 * QUICK_BLOCKS)
    app = make_app(opened=[article])
    async with app.run_test(size=(80, 24)) as pilot:
        await article_ready(pilot)
        body = app.screen.query_one(ArticleBody)
        assert "Harbour council keeps the night ferry" in screen_text(app)
        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.pause()
        # the last quote sits after the quick part: jumping there completed the layout
        assert body.complete and body.current_quote == 1
        assert len(body.layout_result.block_lines) == len(article.blocks)
        assert "Nobody should have to swim home" in screen_text(app)


async def test_mouse_click_on_a_related_link(make_app):
    app = make_app(opened=[ferry_article(paragraphs=1)])
    async with app.run_test(size=(100, 40)) as pilot:
        await article_ready(pilot)
        await pilot.click("#related CollapsibleTitle")
        await pilot.pause()
        assert not app.screen.query_one("#related", Collapsible).collapsed
        await pilot.click("#related-list", offset=(4, 1))
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)


async def test_a_failing_url_target_is_a_notification(make_app, monkeypatch):
    from reader.errors import BylineError

    def failing(url, rules=None, *, offline=False):
        raise BylineError(f"cannot open {url}: http 404")

    monkeypatch.setattr("reader.sources.targets.load_url", failing)
    app = make_app(urls=["https://news.example/gone"])
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert notified(app, "http 404")


async def test_escape_leaves_the_related_list_before_leaving_the_article(make_app):
    app = make_app(opened=[ferry_article()])
    async with app.run_test(size=(100, 30)) as pilot:
        await article_ready(pilot)
        await pilot.press("l")
        assert isinstance(app.screen.focused, OptionList)
        await pilot.press("escape")
        assert isinstance(app.screen, ArticleScreen)
        assert app.screen.focused is app.screen.page
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_a_busy_library_still_shows_the_article(make_app, monkeypatch):
    from reader.errors import BylineError
    from reader.library.store import Library

    def busy(self, entry_id, read=True):
        raise BylineError("the library is busy (database is locked); try again")

    monkeypatch.setattr(Library, "set_read", busy)
    app = make_app(opened=[ferry_article()])
    async with app.run_test(size=(100, 30)) as pilot:
        await article_ready(pilot)
        assert "Harbour council keeps the night ferry" in screen_text(app)


async def test_a_tiny_terminal_does_not_break_anything(make_app):
    app = make_app(opened=[ferry_article()])
    async with app.run_test(size=(24, 8)) as pilot:
        await article_ready(pilot)
        await pilot.press("right_square_bracket", "G", "l", "v", "v", "question_mark", "escape",
                          "q")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("enter", "j", "enter")
        await article_ready(pilot)
        assert app.is_running


async def test_reflow_keeps_the_paragraph_at_the_top(make_app):
    app = make_app(opened=[ferry_article(paragraphs=60)])
    async with app.run_test(size=(120, 30)) as pilot:
        await article_ready(pilot)
        screen = app.screen
        body = screen.query_one(ArticleBody)
        await pilot.press("space", "space", "space")
        block = body.block_at(int(screen.page.scroll_y))
        assert block > 5
        await pilot.resize_terminal(60, 30)
        await pilot.pause()
        await pilot.pause()
        assert body.layout_result.width < 70
        assert body.block_at(int(screen.page.scroll_y)) == block

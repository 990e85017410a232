"""Keys a new user tries in every view: none may silently do nothing (issue 13, items 3, 4, 11).

o, y and Q on a highlighted list row; Space, b, g and G in the help; j and k in the command
palette and the theme picker; the palette's help lines; the reading progress through a
refresh; one refresh notification that covers neither the status bar nor the text; the
footer at 80 columns.
"""

from __future__ import annotations

from textual.command import CommandInput, CommandList
from textual.widgets import OptionList
from textual.widgets._footer import FooterKey
from textual.widgets._toast import Toast

from reader.tui.keys import ACTIONS
from reader.tui.screens.article import ArticleScreen
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.quotes import QuotesScreen
from reader.tui.widgets.article_body import ArticleBody
from reader.tui.widgets.key_footer import KeyFooter
from reader.tui.widgets.status_bar import StatusBar

from .conftest import article_ready, ferry_article, notified


def _calls(app, monkeypatch) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {"browser": [], "copy": []}
    monkeypatch.setattr(app, "open_in_browser", seen["browser"].append)
    monkeypatch.setattr(app, "copy_link", seen["copy"].append)
    return seen


async def test_o_y_and_Q_act_on_the_highlighted_row(make_app, library, monkeypatch):
    library.add_local(ferry_article("old.txt", title="An older story", url=None,
                                    published="2026-01-01"))
    library.add_local(ferry_article())
    app = make_app()
    seen = _calls(app, monkeypatch)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter")          # into the list: the newest article first
        await pilot.press("o", "y")
        await pilot.pause()
        assert seen == {"browser": ["https://news.example/ferry"],
                        "copy": ["https://news.example/ferry"]}
        await pilot.press("Q")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, QuotesScreen)
        await pilot.press("j", "enter")     # the second quote: the article opens there
        await article_ready(pilot)
        screen = app.screen
        assert isinstance(screen, ArticleScreen)
        for _ in range(50):
            if screen.query_one(ArticleBody).current_quote == 1:
                break
            await pilot.pause(0.01)
        assert screen.query_one(ArticleBody).current_quote == 1
        await pilot.press("q", "j", "o")    # the older one has no link: say so
        await pilot.pause()
        assert seen["browser"] == ["https://news.example/ferry"]
        assert notified(app, "no web link")


async def test_o_on_the_sources_pane_of_a_narrow_screen_says_why_not(make_app, library,
                                                                     monkeypatch):
    library.add_local(ferry_article())
    app = make_app()
    seen = _calls(app, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        assert seen["browser"] == []
        assert notified(app, "highlight an article")


async def test_help_pages_with_space_b_g_and_G(make_app):
    app = make_app()
    async with app.run_test(size=(80, 16)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        box = app.screen.query_one("#help-box")
        assert box.max_scroll_y > 5
        await pilot.press("space")
        assert box.scroll_y > 3
        await pilot.press("b")
        assert box.scroll_y == 0
        await pilot.press("G")
        assert box.scroll_y == box.max_scroll_y
        await pilot.press("g")
        assert box.scroll_y == 0
        await pilot.press("j", "j")
        assert box.scroll_y == 2


async def test_help_paging_follows_rebound_keys(make_app, paths):
    paths.config_dir.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text('[keys]\nbottom = "e"\n')
    from reader.config import load_config

    app = make_app(config=load_config(paths))
    async with app.run_test(size=(80, 16)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark", "e")
        box = app.screen.query_one("#help-box")
        assert box.scroll_y == box.max_scroll_y > 0


async def _palette(pilot, key: str):
    await pilot.press(key)
    await pilot.pause()
    await pilot.pause(0.2)   # the commands are gathered in a worker
    return pilot.app.screen


async def test_j_and_k_move_in_the_command_palette_and_the_theme_picker(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for key in ("ctrl+p", "t"):
            palette = await _palette(pilot, key)
            box, commands = palette.query_one(CommandInput), palette.query_one(CommandList)
            await pilot.press("j")
            await pilot.pause()
            first = commands.highlighted
            await pilot.press("j", "j")
            await pilot.pause()
            assert box.value == "" and commands.highlighted == first + 2
            await pilot.press("k")
            assert commands.highlighted == first + 1
            await pilot.press("x", "j")    # once something is typed, j and k type
            assert box.value == "xj"
            await pilot.press("escape")
            await pilot.pause()


async def test_the_palette_explains_each_action(make_app):
    app = make_app(opened=[ferry_article()])
    async with app.run_test(size=(100, 30)) as pilot:
        await article_ready(pilot)
        helps = {c.title: c.help for c in app.get_system_commands(app.screen)}
        for action in ACTIONS:
            if action.description in helps:
                assert "Byline:" not in helps[action.description]
                assert "_" not in helps[action.description]   # no pick_theme & co
        assert helps["Choose a theme"].startswith("Pick one of the themes")


async def test_refresh_keeps_the_reading_progress_and_says_it_once(make_app, library,
                                                                   feed_server):
    """R while reading: the status bar keeps the percentage throughout and after; one
    summary notification, drawn over the footer only."""
    library.add_feed(feed_server.url("/ok"), title="Loopback")
    library.add_feed(feed_server.url("/404"), title="Broken")
    library.add_feed(feed_server.url("/500"), title="Broken too")
    app = make_app(opened=[ferry_article(paragraphs=40)])
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await article_ready(pilot)
        await pilot.press("space")
        bar = app.screen.query_one(StatusBar)
        before = bar.right
        assert before.endswith("%") and before != "0%"
        await pilot.press("R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert bar.right == before and bar.activity == ""
        assert "%" in bar.render().plain
        notes = list(app._notifications)
        assert len(notes) == 1
        assert "1 feed ok, 2 failed" in notes[0].message
        for _ in range(50):
            toasts = list(app.screen.query(Toast))
            if toasts and toasts[0].region.height:
                break
            await pilot.pause(0.02)
        assert toasts
        footer = app.screen.query_one(KeyFooter)
        for toast in toasts:
            assert toast.region.y >= footer.region.y, "the toast covers the status bar"
            assert toast.region.height == 1


async def test_the_footer_fits_80_columns(make_app, library):
    library.add_local(ferry_article())
    app = make_app(opened=[ferry_article()])
    async with app.run_test(size=(80, 24)) as pilot:
        await article_ready(pilot)
        for _ in range(2):   # the article screen, then the library screen
            await pilot.pause(0.1)
            footer = app.screen.query_one(KeyFooter)
            keys = [k for k in footer.query(FooterKey) if k.display]
            palette = next(k for k in keys if k.has_class("-command-palette"))
            shown = [k for k in keys if k is not palette]
            assert shown, "no key hint at all"
            for key in shown:
                assert key.region.right <= palette.region.x, f"{key.description} is cut"
                assert key.region.width == len(key.render().plain)
            await pilot.press("q")


async def test_sources_list_keys_still_work(make_app, library):
    """o/y/Q on the library screen do not take j/k/Enter from the sources pane."""
    library.add_local(ferry_article())
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        sources = app.screen.query_one("#sources", OptionList)
        await pilot.press("j")
        assert sources.highlighted == 1

"""Pilot: `|` lists the commands of `[commands]`, runs the chosen one for the article off
the UI thread and shows its output (or its failure) as a notification."""

from __future__ import annotations

import sys

from reader.config import Command, Config
from reader.library.store import NewEntry
from reader.tui.screens.article import ArticleScreen

from .conftest import article_ready, notified, settle


async def test_pipe_from_the_list_and_the_article(make_app, library):
    feed = library.add_feed("https://harbour.example/rss", title="Harbour Desk")
    library.store_entries(feed, [NewEntry(key="1", title="Tide tables", raw="<p>Noon.</p>",
                                          link="https://harbour.example/tides")])
    echo = (sys.executable, "-c", "import sys; print('saved', sys.argv[1], '\\x1b[31m[b]x')")
    fail = (sys.executable, "-c", "import sys; sys.exit('no room')")
    app = make_app(config=Config(commands={"later": Command("later", echo),
                                           "broken": Command("broken", fail)}))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("tab", "vertical_line")
        await pilot.pause()
        await pilot.press(*"later", "enter")
        await settle(pilot)
        assert notified(app, "later: saved https://harbour.example/tides [b]x")
        await pilot.press("enter")
        await article_ready(pilot)
        assert isinstance(app.screen, ArticleScreen)
        await pilot.press("vertical_line")
        await pilot.pause()
        await pilot.press(*"broken", "enter")
        await settle(pilot)
        errors = [n for n in app._notifications if n.severity == "error"]
        assert [n.message for n in errors] == ["broken failed (exit status 1): no room"]
        assert isinstance(app.screen, ArticleScreen)


async def test_no_commands_says_how_to_add_one(make_app, library):
    feed = library.add_feed("https://harbour.example/rss")
    library.store_entries(feed, [NewEntry(key="1", title="t", raw="<p>x</p>")])
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("tab", "vertical_line")
        await pilot.pause()
        assert notified(app, "No commands yet: add [commands] to config.toml")

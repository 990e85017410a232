"""Pilot tests: saved views as sources with counts, and the live filter (`f`)."""

from __future__ import annotations

from textual.widgets import Input

from reader.config import Config, View
from reader.library.store import NewEntry
from reader.tui.screens.article import ArticleScreen
from reader.tui.screens.library import LibraryScreen

from .conftest import article_ready, notified, screen_text, settle


def _fill(library) -> None:
    harbour = library.add_feed("https://harbour.example/rss", title="Harbour Desk",
                               tags=["news"])
    library.store_entries(harbour, [
        NewEntry(key=str(i), title=f"{topic} story {i}", raw=f"<p>All about {topic}.</p>",
                 published=f"2026-11-{10 + i:02d}")
        for i, topic in enumerate(["climate", "ferry", "climate", "market", "climate"])])
    library.set_read(library.entry_ids("all")[0], True)


async def test_saved_views_show_as_sources_with_counts(make_app, library):
    _fill(library)
    config = Config(views=[View("Climate, unread", "unread climate"),
                           View("Broken", "tag:")])
    app = make_app(config=config)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "⌕ Climate, unread  2/2" in text
        assert "⌕ Broken  bad filter" in text
        # the views sit after the fixed sources, before the feeds
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        assert [row.key for row in screen.sources][3:6] == ["local", "view:0", "view:1"]
        assert screen.sources[6].label == "Harbour Desk"
        await pilot.press("down", "down", "down", "down")   # All, Unread, Starred, Local, view
        await pilot.pause()
        assert screen.source_key == "view:0" and screen.entries.count == 2
        assert "climate story 2" in screen_text(app) and "ferry story" not in screen_text(app)
        # a bad view's filter is a notification at start and in the status bar when chosen
        assert notified(app, "[[views]] 'Broken'")
        await pilot.press("down")
        await pilot.pause()
        assert "bad filter: tag: needs a value" in screen_text(app)


async def test_f_filters_the_list_as_you_type(make_app, library):
    _fill(library)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen) and screen.entries.count == 5
        await pilot.press("f")
        box = screen.query_one("#filter", Input)
        assert box.display and screen.focused is box
        await pilot.press(*"climate unread")
        await pilot.pause(0.3)
        assert screen.entries.count == 2
        assert "filter: climate unread" in screen_text(app)
        # typing q and f goes into the box, it does not quit or reopen
        await pilot.press(*" -tag:q")
        await pilot.pause(0.3)
        assert app.is_running and box.value.endswith("-tag:q")
        # a half-typed term keeps the last good list and says what is wrong
        await pilot.press(*" @7")
        await pilot.pause(0.3)
        assert screen.entries.count == 2 and "is not a date or an age" in screen_text(app)
        await pilot.press("backspace", "backspace", "enter")
        await pilot.pause()
        assert screen.focused is screen.entries and screen.entries.count == 2
        # Enter opens with the filtered list: n walks only the filtered articles
        await pilot.press("f", "escape")
        await pilot.pause()
        assert not box.display and screen.entries.count == 5 and box.value == ""
        assert "filter:" not in screen_text(app)


async def test_the_live_filter_narrows_a_view_and_a_feed(make_app, library):
    _fill(library)
    app = make_app(config=Config(views=[View("Climate", "climate")]))
    async with app.run_test(size=(80, 24)) as pilot:   # narrow: one pane at a time
        await settle(pilot)
        screen = app.screen
        await pilot.press("down", "down", "down", "down")
        await pilot.pause()
        assert screen.source_key == "view:0"
        await pilot.press("f")
        assert screen.query_one("#list-pane").display
        await pilot.press(*"unread", "enter")
        await pilot.pause()
        assert screen.entries.count == 2
        await pilot.press("enter")
        await article_ready(pilot)
        assert isinstance(app.screen, ArticleScreen) and len(app.screen.items) == 2


async def test_mark_all_read_with_undo_unread_only_and_sort(make_app, library):
    _fill(library)
    app = make_app(config=Config(views=[View("Climate", "climate")]))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("down", "down", "down", "down")   # the view "Climate"
        await pilot.pause()
        assert screen.source_key == "view:0"
        await pilot.press("A")
        await settle(pilot)
        assert library.count("unread") == 2   # ferry and market stay unread
        assert notified(app, "Marked 2 articles read (u undoes it)")
        assert "⌕ Climate  3" in screen_text(app)
        await pilot.press("u")
        await settle(pilot)
        assert library.count("unread") == 4 and notified(app, "Marked 2 articles unread again")
        await pilot.press("u")
        await settle(pilot)
        assert notified(app, "Nothing to undo")
        # unread only: the story read at the start leaves the list
        await pilot.press("U")
        await pilot.pause()
        assert screen.entries.count == 2 and "unread only" in screen_text(app)
        await pilot.press("U", "S")   # all again; by feed
        await pilot.pause()
        assert screen.entries.count == 3 and screen.sort == "feed"
        await pilot.press("S")
        await pilot.pause()
        assert screen.sort == "title" and "by title" in screen_text(app)
        assert [screen.entries.row(i).title for i in range(3)] == [
            "climate story 0", "climate story 2", "climate story 4"]
        await pilot.press("S", "S")
        assert screen.sort == "date"
        # a filter narrows what A marks
        await pilot.press("home")   # back to All articles
        await pilot.press("f", *"market", "enter")
        await pilot.pause()
        await pilot.press("A")
        await settle(pilot)
        assert [r.title for r in library.entries("unread", limit=10)] == [
            "climate story 2", "ferry story 1", "climate story 0"]

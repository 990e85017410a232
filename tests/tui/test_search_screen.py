"""The search dialog (`/`): results as you type with a count, Enter never opens a stale hit,
`q` from an opened hit comes back to the results (issue 13, items 2 and 5)."""

from __future__ import annotations

import threading

from textual.widgets import Input, Label, OptionList

from reader.library.search import Searcher, SearchTooSlow
from reader.library.store import NewEntry
from reader.tui.screens.article import ArticleScreen
from reader.tui.screens.library import LibraryScreen
from reader.tui.screens.search import SearchScreen

from .conftest import article_ready, ferry_article, screen_text, settle


def _fill(library) -> None:
    feed = library.add_feed("https://feeds.example/harbour.xml", title="Harbour News")
    library.store_entries(feed, [
        NewEntry(key="a", title="Lantern festival on the quay", raw="<p>Lanterns lit.</p>",
                 published="2026-03-01"),
        NewEntry(key="b", title="Lamplighters return", raw="<p>Two lamplighters hired.</p>",
                 published="2026-03-02"),
        NewEntry(key="c", title="Tide tables", raw="<p>Tides as usual.</p>",
                 published="2026-03-03"),
    ])
    library.add_local(ferry_article())


async def _results(pilot) -> list[str]:
    await settle(pilot)
    listing = pilot.app.screen.query_one("#search-results", OptionList)
    return [str(listing.get_option_at_index(i).prompt).split("\n")[0]
            for i in range(listing.option_count)]


def _count(app) -> str:
    return str(app.screen.query_one("#search-count", Label).content)


async def test_results_and_their_count_as_you_type(make_app, library):
    _fill(library)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", "l", "a", "m")
        found = await _results(pilot)
        assert [line.split("  ")[0] for line in found] == [
            "Lamplighters return", "Harbour council keeps the night ferry"]
        assert _count(app) == "2 matches"
        await pilot.press("p", "l")
        assert len(await _results(pilot)) == 1
        assert _count(app) == "1 match"
        await pilot.press("x")
        assert await _results(pilot) == []
        assert "No match" in screen_text(app)


async def test_whole_words_at_once_then_the_beginning_of_the_last(make_app, library,
                                                                  monkeypatch):
    """The word being typed is first matched whole, at once; its beginning is searched on
    the side (slow here: held until released) and those hits replace the first ones."""
    _fill(library)
    release = threading.Event()
    searched = Searcher.search_results

    def held(self, query, **options):
        release.wait(10)
        return searched(self, query, **options)

    monkeypatch.setattr(Searcher, "search_results", held)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", *"tide")
        for _ in range(100):
            await pilot.pause(0.01)
            if app.screen.shown == "tide":
                break
        listing = app.screen.query_one("#search-results", OptionList)
        assert listing.option_count == 1  # "Tide tables": the word itself
        assert _count(app) == "1 match · looking for words that begin with “tide”…"
        release.set()
        found = await _results(pilot)
        assert [line.split("  ")[0] for line in found] == [
            "Tide tables", "Harbour council keeps the night ferry"]  # … and "tides"
        assert _count(app) == "2 matches"


async def test_a_beginning_too_many_words_share_asks_for_more(make_app, library,
                                                              monkeypatch):
    _fill(library)

    def too_slow(self, query, **options):
        raise SearchTooSlow("stopped")

    monkeypatch.setattr(Searcher, "search_results", too_slow)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", *"tide")
        found = await _results(pilot)
        assert [line.split("  ")[0] for line in found] == ["Tide tables"]  # the word whole
        assert _count(app) == ("1 match · too many words begin with “tide” to search them "
                               "all: type more of it")


async def test_enter_before_the_results_land_opens_the_hit_of_what_was_typed(
        make_app, library, monkeypatch):
    _fill(library)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", *"lante")
        assert [line.split("  ")[0] for line in await _results(pilot)] == [
            "Lantern festival on the quay"]
        # From now on results are slow to land: none arrives before Enter.
        monkeypatch.setattr(SearchScreen, "_search", lambda self, query: None)
        await pilot.press("backspace", "backspace", "backspace", *"mplighter", "enter")
        await article_ready(pilot, "Lamplighters return")


async def test_q_from_a_hit_comes_back_to_the_results(make_app, library):
    _fill(library)
    app = make_app(opened=[ferry_article()])
    async with app.run_test(size=(100, 30)) as pilot:
        await article_ready(pilot)
        first = app.screen
        await pilot.press("slash", *"tide")
        assert await _results(pilot)
        await pilot.press("down", "enter")
        await article_ready(pilot, "Tide tables")
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_one(Input).value == "tide"
        assert await _results(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is first and isinstance(first, ArticleScreen)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)


async def test_letters_typed_in_the_results_go_back_to_the_query(make_app, library):
    _fill(library)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", "l", "a", "m")
        assert await _results(pilot)
        await pilot.press("down", "down")  # into the results, then the second hit
        listing = app.screen.query_one("#search-results", OptionList)
        assert app.screen.focused is listing and listing.highlighted == 1
        await pilot.press("p")
        assert app.screen.query_one(Input).value == "lamp"
        assert isinstance(app.screen.focused, Input)


async def test_results_never_show_what_cleaning_removed(make_app, library):
    """Issue 13, item 1: entries ending "Share this article" showed it in every snippet."""
    feed = library.add_feed("https://feeds.example/quay.xml", title="Quay Weekly")
    library.store_entries(feed, [
        NewEntry(key=f"q{n}", title=f"Ferry notes {n}",
                 raw=f"<p>The ferry left at {n} o'clock.</p><p>Share this article</p>")
        for n in range(3)])
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", *"ferry")
        assert len(await _results(pilot)) == 3
        listing = app.screen.query_one("#search-results", OptionList)
        shown = [str(listing.get_option_at_index(i).prompt) for i in range(3)]
        assert all("The ferry left at" in hit and "Share" not in hit for hit in shown), shown
        await pilot.press(*["backspace"] * 5, *"share this article")
        assert await _results(pilot) == []

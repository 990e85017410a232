"""Pilot tests of the library screen: sources, the virtual list, narrow/wide layouts, refresh."""

from __future__ import annotations

from textual.widgets import OptionList

from reader.library.store import NewEntry
from reader.tui.screens.article import ArticleScreen
from reader.tui.screens.library import LibraryScreen
from reader.tui.screens.search import SearchScreen
from reader.tui.widgets.entry_list import EntryList

from .conftest import article_ready, ferry_article, screen_text


def _fill(library, count: int) -> int:
    feed = library.add_feed("https://feeds.example/harbour.xml", title="Harbour News",
                            tags=["local"])
    library.store_entries(feed, [
        NewEntry(key=f"k{i}", title=f"Tide report {i:05d}", raw=f"<p>Calm seas, day {i}.</p>",
                 published=f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}")
        for i in range(count)
    ])
    return feed


async def test_sources_with_counts_beside_the_list(make_app, library):
    feed = _fill(library, 30)
    library.add_local(ferry_article())
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        text = screen_text(app)
        for label in ("All articles  31/31", "Unread  31/31", "Starred", "Local files  1/1",
                      "Harbour News  30/30", "local  30/30"):
            assert label in text
        assert "Tide report" in text and " ● " in text
        # wide: both panes at once
        assert screen.query_one("#sources").display and screen.query_one("#list-pane").display
        await pilot.press("down", "down", "down")  # -> Local files
        await pilot.pause()
        assert screen.source_key == "local"
        assert screen.entries.count == 1
        await pilot.press("down")
        await pilot.pause()
        assert screen.source_key == f"feed:{feed}"


async def test_enter_drills_in_and_q_backs_out(make_app, library):
    _fill(library, 5)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("enter")
        assert screen.focused is screen.entries
        await pilot.press("j", "j")
        assert screen.entries.cursor == 2
        await pilot.press("k")
        assert screen.entries.cursor == 1
        await pilot.press("G")
        assert screen.entries.cursor == 4
        await pilot.press("g")
        assert screen.entries.cursor == 0
        await pilot.press("enter")
        await article_ready(pilot, "Tide report 00004")
        assert "Tide report 00004" in screen_text(app)
        await pilot.press("q")
        await pilot.pause()
        assert app.screen is screen
        # opening marked it read: the unread count went down
        assert "Unread  4/4" in screen_text(app)
        await pilot.press("escape")
        assert isinstance(screen.focused, OptionList)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_narrow_terminal_shows_one_pane_at_a_time(make_app, library):
    _fill(library, 5)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        sources = screen.query_one("#sources")
        assert sources.display and not screen.query_one("#list-pane").display
        await pilot.press("enter")
        await pilot.pause()
        assert screen.query_one("#list-pane").display and not sources.display
        assert "Tide report" in screen_text(app)
        await pilot.press("q")
        await pilot.pause()
        assert sources.display and not screen.query_one("#list-pane").display
        await pilot.resize_terminal(120, 24)
        await pilot.pause()
        assert sources.display and screen.query_one("#list-pane").display


async def test_ten_thousand_entries_are_virtual(make_app, library, monkeypatch):
    _fill(library, 10_000)
    calls = []
    original = type(library).listing_page

    def counting(self, listing, *, limit, offset=0):
        calls.append((listing, limit, offset))
        return original(self, listing, limit=limit, offset=offset)

    monkeypatch.setattr(type(library), "listing_page", counting)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        entries = screen.query_one(EntryList)
        assert entries.count == 10_000
        assert len(list(entries.walk_children())) == 0   # no widget per row
        assert all(limit <= 100 for _, limit, _ in calls)
        await pilot.press("enter", "G")
        await pilot.pause()
        assert entries.cursor == 9_999
        assert "Tide report 0" in screen_text(app)
        assert max(offset for _, _, offset in calls) == 9_900


async def test_star_and_read_from_the_list(make_app, library):
    _fill(library, 3)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("enter", "s", "m")
        await app.workers.wait_for_complete()
        await pilot.pause()
        first = screen.entries.current
        assert first is not None and first.starred and first.read
        assert "★" in screen_text(app)


async def test_search_opens_the_hit(make_app, library):
    _fill(library, 3)
    library.add_local(ferry_article())
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"lamp")  # the word being typed is a prefix
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Harbour council keeps the night ferry" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ArticleScreen)


async def test_refresh_runs_in_a_worker_and_reports_errors(make_app, library, monkeypatch):
    from reader.library.refresh import RefreshSummary

    feed = _fill(library, 2)
    seen = []

    async def fake_refresh(path, *, only=None, progress=None, **kw):
        seen.append(only)
        progress(1, 1, "Harbour News")
        return RefreshSummary(0, 1, 0, 0.1, errors={"https://feeds.example/x": "http 404"})

    monkeypatch.setattr("reader.library.refresh.refresh_feeds", fake_refresh)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert messages == ["0 feeds ok, 1 failed, 0 new articles in 0.1 s · failed feeds "
                            "are marked ⚠"]
        await pilot.press("down", "down", "down", "down", "r")  # the feed
        await app.workers.wait_for_complete()
        await pilot.press("down", "r")  # its tag
        await app.workers.wait_for_complete()
        assert seen == [None, [str(feed)], [str(feed)]]


async def test_theme_picker_opens_from_t(make_app):
    from textual.command import CommandPalette

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)


async def test_first_run_imports_the_bundled_samples(make_app):
    from reader.paths import samples_dir

    if not any(samples_dir().glob("*.*")):
        import pytest

        pytest.skip("no bundled samples in reader/samples")
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.library.count("all") > 0
        assert app.screen.entries.count > 0


async def test_several_opened_files_show_as_a_list_of_just_those(make_app, library):
    library.add_local(ferry_article(source="older.txt", title="Opened last week"))
    articles = [ferry_article(source=f"f{i}.txt", title=f"Opened {i}") for i in range(3)]
    app = make_app(opened=articles)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        assert screen.source_key == "opened" and screen.focused is screen.entries
        assert screen.entries.count == 3
        text = screen_text(app)
        assert all(f"Opened {i}" in text for i in range(3))
        assert "Opened last week" not in text
        assert "Opened now  3/3" in text and "Local files  4/4" in text
        await pilot.press("enter")
        await article_ready(pilot)
        assert len(app.screen.items) == 3   # n/p walk what was opened
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("q", "down", "down", "down", "down")   # sources: Opened now … Local
        await pilot.pause()
        assert screen.source_key == "local" and screen.entries.count == 4


async def test_local_files_sort_by_the_date_they_show(make_app, library):
    old = library.add_local(ferry_article(source="old.txt", title="Old news",
                                          published="2024-01-05"))
    new = library.add_local(ferry_article(source="new.txt", title="New news",
                                          published="2026-02-01"))
    undated = library.add_local(ferry_article(source="undated.txt", title="No date",
                                              published=None))
    # opened again later: an old date stays where its date puts it
    library.add_local(ferry_article(source="old.txt", title="Old news", published="2024-01-05"))
    assert library.entry_ids("local") == [undated, new, old]
    rows = library.entries("local", limit=10)
    assert [r.published for r in rows] == [None, "2026-02-01", "2024-01-05"]


async def test_a_saved_copy_of_a_subscribed_feed_adds_nothing_twice(make_app, library,
                                                                      tmp_path):
    from reader.sources.targets import load_path

    body = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour News</title>'
            + "".join(f"<item><title>Tide {i}</title><link>https://harbour.example/{i}</link>"
                      f"<guid>tide-{i}</guid><description>Calm seas {i}.</description></item>"
                      for i in range(3)) + "</channel></rss>")
    feed = library.add_feed("https://harbour.example/feed.xml", title="Harbour News")
    library.store_entries(feed, [
        NewEntry(key=f"tide-{i}", title=f"Tide {i}", raw=f"<p>Calm seas {i}.</p>",
                 guid=f"tide-{i}", link=f"https://harbour.example/{i}") for i in range(3)])
    copy = tmp_path / "harbour-copy.xml"
    copy.write_text(body, encoding="utf-8")
    app = make_app(opened=load_path(str(copy)))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert app.library.count("all") == 3 and app.library.count("local") == 0
        screen = app.screen
        assert screen.source_key == "opened" and screen.entries.count == 3
        assert sorted(app.opened_ids) == sorted(app.library.entry_ids(f"feed:{feed}"))


async def test_refresh_all_against_the_loopback_server(make_app, library, feed_server):
    """R with the real refresh: new entries appear, a failing feed's error is shown."""
    library.add_feed(feed_server.url("/ok"), title="Loopback")
    library.add_feed(feed_server.url("/404"), title="Broken")
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert app.screen.entries.count == 0
        await pilot.press("R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.entries.count == 2
        assert "First story" in screen_text(app)
        messages = [n.message for n in app._notifications]
        assert len(messages) == 1 and "1 feed ok, 1 failed" in messages[0]
        # the failing feed stays marked, and its reason shows when it is chosen
        assert "Broken  0  ⚠" in screen_text(app)
        screen = app.screen
        await pilot.press("down", "down", "down", "down")
        await pilot.pause()
        assert screen.source_key.startswith("feed:")
        assert "last refresh failed" in screen.query_one("#status").left


def test_import_samples_reports_a_busy_library(library, monkeypatch):
    from reader.errors import BylineError
    from reader.paths import samples_dir
    from reader.tui.samples import import_samples

    if not any(samples_dir().glob("*.*")):
        import pytest

        pytest.skip("no bundled samples in reader/samples")

    def busy(self, article, **_):
        raise BylineError("the library is busy (database is locked); try again")

    monkeypatch.setattr(type(library), "add_local", busy)
    problems = import_samples(library)
    assert problems[-1].startswith("samples not imported: the library is busy")


def test_search_snippet_marks_the_matches_without_markup():
    from reader.library.search import SearchHit
    from reader.tui.screens.search import snippet_text

    hit = SearchHit(1, "t", "s", "the [bold]lamps[/] were lit", 0.0, spans=[(11, 16)])
    text = snippet_text(hit)
    assert text.plain == "the [bold]lamps[/] were lit"
    assert [(s.start, s.end, str(s.style)) for s in text.spans] == [(11, 16, "bold")]


async def test_a_feed_url_target_is_fetched_kept_and_opened(make_app, feed_server):
    app = make_app(urls=[feed_server.url("/ok")])
    async with app.run_test(size=(120, 30)) as pilot:
        await app.workers.wait_for_complete()
        await article_ready(pilot)
        assert isinstance(app.screen, ArticleScreen)
        assert len(app.screen.items) == 2  # n/p walk the feed's entries
        assert app.library.count("local") == 2
        assert app.screen.article.title in ("First story", "Second story")
        await pilot.press("q")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        assert screen.source_key == "opened" and screen.entries.count == 2


async def test_tags_look_like_tags_and_a_feed_without_title_keeps_one_line(make_app, library):
    long = "https://a-very-long-host-name.example.org/some/long/path/to/the/feed.xml"
    titled = library.add_feed("https://feeds.example/harbour.xml", title="Harbour News",
                              tags=["News"])
    untitled = library.add_feed(long, tags=["news"])
    library.store_entries(titled, [NewEntry(key="a", title="Tide report", raw="<p>x</p>")])
    library.store_entries(untitled, [NewEntry(key="b", title="Storm", raw="<p>x</p>")])
    for width in (120, 70):
        app = make_app()
        async with app.run_test(size=(width, 24)) as pilot:
            await pilot.pause()
            lines = screen_text(app).splitlines()
            pane = [line[:31] if width == 120 else line for line in lines]
            feed_line = next(i for i, line in enumerate(pane) if "a-very-long-host" in line)
            assert "https://" not in pane[feed_line]
            assert pane[feed_line].rstrip().endswith("…  1/1")          # cut, counts kept
            assert pane[feed_line + 1].lstrip().startswith("─")        # nothing wrapped below
            assert "# News  2/2" in "\n".join(pane)                    # one tag, marked
            assert "# news" not in "\n".join(pane)
            rule = next(i for i, line in enumerate(pane) if "Local files" in line) + 1
            assert pane[rule].strip().startswith("─")   # a rule before the feeds

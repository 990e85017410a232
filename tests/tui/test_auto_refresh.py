"""Pilot: the refresh timer ([refresh] interval) against the loopback feed server: new
articles appear in the sources and the list without moving the reader (the highlighted
article, the scroll position, the article being read), the status bar's countdown, failing
hosts, one refresh at a time, and R starting the countdown again.

The timer is driven without waiting on the clock: `app.refresh_due()` is what it calls when
its time has come, and `auto_min_wait = 0` lets it fire at once on a feed that is due.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta

from reader.config import parse_config
from reader.library.refresh import refresh_feeds
from reader.tui.auto_refresh import countdown, next_look
from reader.tui.screens.article import ArticleScreen
from reader.tui.screens.library import LibraryScreen
from reader.tui.widgets.status_bar import StatusBar

from .conftest import article_ready, notified, screen_text, settle

FAST = {"deadline": 5.0, "timeout": 3.0, "connect_timeout": 2.0}
EVERY_HALF_HOUR = parse_config({"refresh": {"interval": "30m"}})
START = datetime(2026, 1, 1, tzinfo=UTC)


def tides(count: int) -> bytes:
    """A feed of `count` tide reports, the last one newest; each long enough to scroll."""
    text = "".join(f"&lt;p&gt;Paragraph {p} of the report: the water rose along the quay, "
                   "the ferries waited, the gulls complained.&lt;/p&gt;" for p in range(30))
    items = "".join(
        f"<item><title>Tide report {i}</title><guid>tide-{i}</guid>"
        f"<pubDate>{(START + timedelta(hours=i)).strftime('%a, %d %b %Y %H:%M:%S +0000')}"
        f"</pubDate><description>{text}</description></item>" for i in range(count))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Tide table</title>'
            f"<link>http://127.0.0.1/</link>{items}</channel></rss>").encode()


async def subscribed(library, feed_server, count: int, path: str = "/tides.xml") -> str:
    """A feed of `count` reports, refreshed, then made due (fetched long ago), with two more
    reports waiting on the server."""
    url = feed_server.add(path, tides(count))
    library.add_feed(url)
    await refresh_feeds(library, only=[url], fetcher_options=FAST)
    feed_server.add(path, tides(count + 2))
    fetched(library, 0.0, url)
    return url


def fetched(library, when: float, url: str | None = None) -> None:
    """Pretend the feed at `url` (default: every feed) was last fetched at `when`."""
    with sqlite3.connect(library.path) as conn:
        conn.execute("UPDATE feeds SET last_fetched = ? WHERE url = coalesce(?, url)",
                     (when, url))


def bar(app) -> StatusBar:
    return app.screen.query_one(StatusBar)


async def until(pilot, condition) -> None:
    """Wait for `condition()` (the app's workers and timers run meanwhile)."""
    for _ in range(400):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the condition never held")


async def test_new_articles_come_in_without_moving_the_reader(make_app, library, feed_server):
    await subscribed(library, feed_server, 60)
    app = make_app(config=EVERY_HALF_HOUR)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        assert "Tide table  60/60" in screen_text(app)
        # Due at once, but the timer leaves the reader a quiet first minute.
        assert bar(app).schedule == "next refresh in 1 min"
        assert "next refresh in 1 min" in screen_text(app)
        entries = screen.entries
        entries.focus()
        entries.move_to(40)
        await pilot.pause()
        chosen, top = entries.current.id, entries.scroll_y
        assert top > 0 and entries.current.title == "Tide report 19"
        shown = _list_rows(app)

        app.refresh_due()
        await settle(pilot)

        assert len(feed_server.requests("/tides.xml")) == 2
        assert "Tide table  62/62" in screen_text(app)
        assert entries.count == 62
        assert entries.current.id == chosen and entries.cursor == 42
        assert entries.scroll_y == top + 2
        # The rows on screen are the rows that were there.
        assert _list_rows(app) == shown
        assert bar(app).schedule == "next refresh in 30 min"
        assert not app._notifications   # quiet: the counts say it


async def test_the_sources_pane_keeps_its_scroll_and_its_choice(make_app, library,
                                                                 feed_server):
    from textual.widgets import OptionList

    from reader.library.store import NewEntry

    for n in range(40):   # fetched just now: not due
        other = library.add_feed(f"https://harbour{n:02d}.example/feed")
        library.store_entries(other, [NewEntry(key="1", title=f"Notice {n}", raw="<p>x</p>")],
                              title=f"Harbour {n:02d}")
    await subscribed(library, feed_server, 3)
    app = make_app(config=EVERY_HALF_HOUR)
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        sources = app.screen.query_one("#sources", OptionList)
        for key in "j" * 30 + "k" * 5:   # the pane scrolled, the choice inside it
            await pilot.press(key)
        await settle(pilot)
        chosen, scrolled = sources.highlighted, sources.scroll_y
        assert scrolled > 0 and app.screen.source_key.startswith("feed:")

        app.refresh_due()
        await settle(pilot)

        assert len(feed_server.requests("/tides.xml")) == 2
        row = next(r for r in app.screen.sources if r.label == "Tide table")
        assert (row.unread, row.total) == (5, 5)
        assert (sources.highlighted, sources.scroll_y) == (chosen, scrolled)


async def test_the_article_being_read_stays_put(make_app, library, feed_server):
    await subscribed(library, feed_server, 30)
    app = make_app(config=EVERY_HALF_HOUR)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.entries.focus()
        screen.entries.move_to(5)
        await pilot.press("enter")
        await article_ready(pilot, "Tide report 24")
        reading = app.screen
        assert isinstance(reading, ArticleScreen)
        await pilot.press("space")
        await pilot.pause()
        scrolled = reading.page.scroll_y
        assert scrolled > 0

        app.refresh_due()
        await settle(pilot)

        assert app.screen is reading and reading.entry_id == reading.items[5]
        assert reading.article.title == "Tide report 24"
        assert reading.page.scroll_y == scrolled
        assert "next refresh in 30 min" in screen_text(app)
        await pilot.press("q")
        await settle(pilot)
        assert app.screen is screen
        assert screen.entries.current.title == "Tide report 24" and screen.entries.cursor == 7
        assert "Tide table  31/32" in screen_text(app)   # one of them read


async def test_the_timer_refreshes_on_its_own(make_app, library, feed_server):
    await subscribed(library, feed_server, 3)
    app = make_app(config=EVERY_HALF_HOUR)
    app.auto_min_wait = 0.0
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: app.screen.entries.count == 5 and not app.refreshing
                    and bar(app).schedule == "next refresh in 30 min")
        assert len(feed_server.requests("/tides.xml")) == 2
        assert "Tide table  5/5" in screen_text(app)
        assert app.refresh_at is not None and app.refresh_at > time.time() + 25 * 60


async def test_a_failing_host_is_said_in_the_status_bar_and_the_timer_goes_on(
        make_app, library, feed_server):
    await subscribed(library, feed_server, 3)
    library.add_feed("http://127.0.0.2:9/down.xml")   # nothing listens there
    app = make_app(config=EVERY_HALF_HOUR)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        app.refresh_due()
        await settle(pilot)
        assert bar(app).schedule == "1 feed failed ⚠ · next refresh in 30 min"
        assert "1 feed failed ⚠ · next refresh in 30 min" in screen_text(app)
        assert not app._notifications and app.refresh_at is not None
        assert app.screen.entries.count == 5   # the other feed's new articles came in
        # Its time comes again: the host is still down, and the reader still up.
        fetched(library, 0.0)
        app.refresh_at = time.time() - 1
        app._tick()
        assert app.refreshing
        await settle(pilot)
        assert not app.refreshing and bar(app).schedule.startswith("1 feed failed ⚠")
        assert len(feed_server.requests("/tides.xml")) == 3


async def test_one_refresh_at_a_time_and_r_starts_the_countdown_again(
        make_app, library, feed_server):
    await subscribed(library, feed_server, 3)
    fetched(library, time.time() - 10 * 60)   # fetched ten minutes ago: due in twenty
    app = make_app(config=EVERY_HALF_HOUR)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert bar(app).schedule == "next refresh in 20 min"
        app.start_refresh(None)
        app.refresh_due()          # the timer, meanwhile: nothing
        app.start_refresh(None)    # R again: said, not started
        await settle(pilot)
        assert notified(app, "A refresh is running")
        assert len(feed_server.requests("/tides.xml")) == 2
        assert notified(app, "1 feed ok, 0 failed, 2 new articles")
        assert bar(app).schedule == "next refresh in 30 min"


def test_the_countdown_counts_minutes_and_wakes_when_they_change() -> None:
    assert countdown(30) == "next refresh in 1 min"
    assert countdown(61) == "next refresh in 2 min"
    assert countdown(59 * 60) == "next refresh in 59 min"
    noon = datetime(2026, 6, 1, 12, 0).timestamp()
    assert countdown(2 * 3600, now=noon) == "next refresh at 14:00"
    assert round(next_look(125), 2) == 5.05      # 3 min → 2 min in five seconds
    assert round(next_look(30), 2) == 30.05      # the refresh itself
    assert round(next_look(4 * 3600), 2) == 60.05   # a minute at most


def _list_rows(app) -> list[str]:
    """The article list's rows as the screen shows them (not its scroll bar)."""
    region = app.screen.entries.scrollable_content_region
    lines = screen_text(app).splitlines()[region.y:region.bottom]
    return [line[region.x:region.right] for line in lines]

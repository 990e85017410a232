"""Pilot tests of kill rules in the reader: R hides what `[[hide]]` matches (loopback
server), "Hidden (N)" lists it, H hides and unhides by hand."""

from __future__ import annotations

from reader.config import parse_config

from .conftest import notified, screen_text, settle


async def test_refresh_hides_and_h_brings_back(make_app, library, feed_server):
    library.add_feed(feed_server.url("/ok"), title="Loopback")
    config = parse_config({"hide": [{"title": "^second"}]})
    app = make_app(config=config)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("R")
        await settle(pilot)
        screen = app.screen
        assert screen.entries.count == 1 and "First story" in screen_text(app)
        assert "Second story" not in screen_text(app)
        assert notified(app, "2 new articles (1 hidden by rules)")
        assert "Hidden  1" in screen_text(app)
        keys = [row.key for row in screen.sources]
        await pilot.press(*["down"] * keys.index("hidden"))
        await pilot.pause()
        assert screen.source_key == "hidden" and screen.entries.count == 1
        assert "Second story" in screen_text(app)
        await pilot.press("tab", "H")   # into the list; unhide
        await settle(pilot)
        assert notified(app, "Shown again")
        assert library.count("all") == 2 and library.count("hidden") == 0
        assert "Hidden  1" not in screen_text(app)
        await pilot.press("home")
        await pilot.pause()
        await pilot.press("tab", "H")   # hide the newest by hand
        await settle(pilot)
        assert notified(app, "Hidden (see Hidden)") and library.count("hidden") == 1
        assert screen.entries.count == 1

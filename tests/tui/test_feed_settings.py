"""Pilot: R in the reader refreshes with `[[feed]]` settings (a title of its own, auth)."""

from __future__ import annotations

import sys

from reader.config import parse_config

from .conftest import screen_text


async def test_refresh_uses_the_feed_settings(make_app, library, feed_server):
    url = feed_server.url("/ok")
    library.add_feed(url)
    config = parse_config({"feed": [{"url": url, "title": "Harbour members",
                                     "username": "ines", "password_command":
                                     [sys.executable, "-c", "print('tide')"]}]})
    app = make_app(config=config)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Harbour members  2" in screen_text(app)
        assert feed_server.requests("/ok")[-1]["authorization"].startswith("Basic ")

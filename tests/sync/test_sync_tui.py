"""`R` in the reader with a `[sync]` server: it syncs (against the Google Reader protocol
fixture), then refreshes the feeds the server does not hold; errors are one notification."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from greader_server import PASSWORD, USER
from sync_helpers import ENV, with_password

from reader.config import parse_config
from reader.paths import resolve_paths
from reader.tui.app import BylineApp

OWN_FEED = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Own desk</title>'
            b'<item><title>Own story one</title><link>https://own.example/1</link>'
            b'<description>The quay lights were fixed.</description></item>'
            b'<item><title>Own story two</title><link>https://own.example/2</link>'
            b'<description>The tide came in late.</description></item></channel></rss>')


def _app(tmp_path: Path, url: str) -> BylineApp:
    config = parse_config({"sync": {"api": "greader", "url": url, "user": USER,
                                    "password_env": ENV}})
    return BylineApp(resolve_paths(tmp_path / "data"), config, theme="byline-dark")


async def test_r_syncs_then_refreshes_the_other_feeds(tmp_path: Path, greader: Any,
                                                      feed_server: Any) -> None:
    with_password(PASSWORD)
    app = _app(tmp_path, greader.url)
    app.library.add_feed(feed_server.add("/own.xml", OWN_FEED))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert len(messages) == 1
        assert messages[0].startswith("Synced 6 feeds: 180 new") and "1 feed ok" in messages[0]
        assert app.library.count("all") == 182
        status = app.library.sync_status()
        assert status is not None and status.last_error is None


async def test_r_with_a_wrong_password_says_so_once_and_asks_again(tmp_path: Path,
                                                                    greader: Any) -> None:
    with_password("sea-fog-and-wrong")
    app = _app(tmp_path, greader.url)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        notes = list(app._notifications)
        assert len(notes) == 1 and notes[0].severity == "error"
        assert "sea-fog" not in notes[0].message and "\n" not in notes[0].message
        assert app.refresh_activity == "Sync failed: R retries"
        with_password(PASSWORD)      # fixed: the next R asks for the password again
        await pilot.press("R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        synced = app.library.query("SELECT count(*) FROM entries WHERE key LIKE 'i:%'")
        assert synced[0][0] == 180 and app.refresh_activity == ""

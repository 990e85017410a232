"""Pilot tests: an entry's enclosures listed in the article view (type, size, duration), `e`
to choose one, Enter to play it with the configured player (no shell), and the browser as
the fallback."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from reader.article.model import Enclosure
from reader.config import Config
from reader.library.store import NewEntry
from reader.tui.player import play_target
from reader.tui.screens.article import ArticleScreen

from .conftest import article_ready, notified, screen_text, settle
from .test_browser import fake_browser, recorded, wait_for_record

EPISODE = [Enclosure("https://pod.example/hh-12.mp3", "audio/mpeg", 48_200_000, 3130,
                     "Episode 12 [bold]audio[/]"),
           Enclosure("https://pod.example/hh-12.mp4;$(reboot)", "video/mp4", 310_000_000, None)]


def _store(library, enclosures=EPISODE) -> None:
    feed = library.add_feed("https://pod.example/feed", title="Harbour Hour")
    library.store_entries(feed, [NewEntry(key="12", title="Episode 12", raw="<p>Crews talk.</p>",
                                          enclosures=enclosures)])


async def _open(app, pilot) -> ArticleScreen:
    await settle(pilot)
    await pilot.press("enter")    # the source "All" …
    await pilot.pause()
    await pilot.press("enter")    # … its one article
    await article_ready(pilot)
    screen = app.screen
    assert isinstance(screen, ArticleScreen)
    return screen


async def test_enclosures_are_listed_with_type_size_and_duration(make_app, library):
    _store(library)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await _open(app, pilot)
        text = screen_text(app)
        assert "Enclosures (2)" in text
        assert "♪ audio/mpeg · 48.2 MB · 52:10 · Episode 12 [bold]audio[/]" in text
        assert "▶ video/mp4 · 310 MB · hh-12.mp4;$(reboot)" in text


async def test_e_chooses_and_enter_plays_with_the_player_as_one_argument(make_app, library,
                                                                        tmp_path):
    _store(library)
    player = fake_browser(tmp_path / "bin", name="fake-player")
    app = make_app(config=Config(player=[str(player), "--no-video"]))
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await _open(app, pilot)
        await pilot.press("e")
        listing = screen.query_one("#enclosure-list", OptionList)
        assert screen.focused is listing and listing.highlighted == 0
        await pilot.press("j", "enter")
        info = await wait_for_record(pilot, player)
        assert info["argv"] == ["--no-video", "https://pod.example/hh-12.mp4;$(reboot)"]
        await pilot.press("e")
        assert screen.focused is not listing


async def test_without_a_player_the_browser_opens_it(make_app, library):
    _store(library)
    app = make_app()
    opened: list[str] = []
    app.open_in_browser = opened.append  # type: ignore[method-assign]
    async with app.run_test(size=(120, 30)) as pilot:
        await _open(app, pilot)
        await pilot.press("e", "enter")
        await pilot.pause()
        assert opened == ["https://pod.example/hh-12.mp3"]


async def test_an_article_without_enclosures_says_so(make_app, library, tmp_path):
    _store(library, enclosures=[])
    player = fake_browser(tmp_path / "bin", name="fake-player")
    app = make_app(config=Config(player=[str(player)]))
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await _open(app, pilot)
        assert not screen.query("#enclosures")
        await pilot.press("e")
        await pilot.pause()
        assert notified(app, "has no enclosures")
        assert recorded(player) is None



async def test_a_terminal_player_runs_and_the_reader_comes_back(make_app, library, tmp_path):
    _store(library)
    player = fake_browser(tmp_path / "bin", name="fake-player")
    app = make_app(config=Config(player=[str(player), "--no-video"], player_terminal=True))
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await _open(app, pilot)
        await pilot.press("e", "enter")
        info = await wait_for_record(pilot, player)
        assert info["argv"] == ["--no-video", "https://pod.example/hh-12.mp3"]
        assert app.screen is screen


def test_only_urls_and_existing_absolute_files_are_played(tmp_path):
    episode = tmp_path / "episode.mp3"
    episode.write_bytes(b"ID3")
    assert play_target(str(episode)) == str(episode)
    assert play_target("https://pod.example/a.mp3") == "https://pod.example/a.mp3"
    for bad in ("episode.mp3", "-episode.mp3", "--input-ipc-server=/tmp/x", str(tmp_path),
                str(tmp_path / "missing.mp3"), "file:///etc/passwd", "javascript:alert(1)"):
        with pytest.raises(OSError):
            play_target(bad)


async def test_d_downloads_with_progress_then_enter_plays_the_file(make_app, library, tmp_path,
                                                                  feed_server):
    body = bytes(range(256)) * 2048
    url = feed_server.add("/hh-12.mp3", body, headers={"Content-Type": "audio/mpeg"},
                          ranges=True)
    _store(library, [Enclosure(url, "audio/mpeg", len(body), 60, "Episode 12")])
    player = fake_browser(tmp_path / "bin", name="fake-player")
    folder = tmp_path / "podcasts"
    app = make_app(config=Config(player=[str(player)], downloads=str(folder)))
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await _open(app, pilot)
        await pilot.press("d")
        for _ in range(300):
            if any(n.message.startswith("Saved ") for n in app._notifications):
                break
            await pilot.pause(0.02)
        (saved,) = folder.iterdir()
        assert saved.read_bytes() == body and saved.name.startswith("Episode-12-")
        assert f"Saved {saved} (524 KB)" in [n.message for n in app._notifications]
        assert screen.download_note == ""
        await pilot.press("e", "enter")
        info = await wait_for_record(pilot, player)
        assert info["argv"] == [str(saved)]      # the file, not the URL
        await pilot.press("d")
        await pilot.pause()
        assert any(n.message == f"Already downloaded: {saved}" for n in app._notifications)


async def test_a_failed_download_is_one_notification(make_app, library, tmp_path, feed_server):
    url = feed_server.add("/hh-12.mp3", b"<html>Sign in</html>",
                          headers={"Content-Type": "text/html"})
    _store(library, [Enclosure(url, "audio/mpeg")])
    app = make_app(config=Config(downloads=str(tmp_path / "podcasts")))
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await _open(app, pilot)
        await pilot.press("d")
        await app.workers.wait_for_complete()
        await pilot.pause()
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert errors == ["not downloaded: the server sent a web page (text/html), not "
                          "audio/mpeg"]
        assert screen.download_note == ""

"""Pilot tests: `i` shows the article's images above the text and hides them again. A headless
app has no graphics protocol, so each image is its text placeholder: what it is, its size, and
whether it is cached for offline reading (`refresh --full`)."""

from __future__ import annotations

import io

from PIL import Image
from textual.widgets import Static

from reader.library.store import NewEntry
from reader.sources.images import image_path

from .conftest import notified, screen_text
from .test_enclosures import _open

HTML = ('<p>The ferry ran late again.</p>'
        '<figure><img src="https://news.example/img/ferry.png" alt="The ferry at [b]dusk[/b]">'
        '<figcaption>The ferry at dusk.</figcaption></figure>'
        '<p><img src="https://news.example/img/pier.jpg"></p>')


def _store(library, raw: str = HTML) -> None:
    feed = library.add_feed("https://news.example/feed", title="Harbour Desk")
    library.store_entries(feed, [NewEntry(key="1", title="Ferry late", raw=raw,
                                          link="https://news.example/ferry")])


async def test_i_shows_placeholders_then_hides_them(make_app, library, paths):
    _store(library)
    folder = paths.images_dir
    folder.mkdir(parents=True)
    picture = io.BytesIO()
    Image.new("RGB", (64, 48)).save(picture, "PNG")
    image_path(folder, "https://news.example/img/ferry.png").write_bytes(picture.getvalue())
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await _open(app, pilot)
        await pilot.press("i")
        await pilot.pause()
        lines = [str(w.render()) for w in screen.query("#images Static").results(Static)]
        assert lines == [f"▣ The ferry at [b]dusk[/b] · PNG 64×48 · {len(picture.getvalue())} B",
                         "▣ pier.jpg · not cached: byline refresh --full"]
        assert "▣ pier.jpg · not cached" in screen_text(app)
        await pilot.press("i")
        await pilot.pause()
        assert not screen.query("#images")


async def test_an_article_without_images_says_so(make_app, library):
    _store(library, "<p>Only words here.</p>")
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await _open(app, pilot)
        await pilot.press("i")
        await pilot.pause()
        assert not screen.query("#images")
        assert notified(app, "has no images")


def test_only_terminals_known_to_draw_images_are_asked():
    from reader.tui.images import graphics_terminal

    assert graphics_terminal({"TERM": "xterm-kitty"})
    assert graphics_terminal({"TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm"})
    assert graphics_terminal({"TERM": "screen", "BYLINE_IMAGES": "1"})
    assert not graphics_terminal({"TERM": "xterm-256color"})
    assert not graphics_terminal({"TERM": "tmux-256color", "TMUX": "/tmp/tmux-0/default"})
    assert not graphics_terminal({"TERM": "xterm-kitty", "BYLINE_IMAGES": "0"})

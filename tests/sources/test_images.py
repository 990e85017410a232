"""The offline image cache against the loopback server: real images kept under hashed names;
web pages, non-images, oversized files and image bombs refused and removed; the article's
image references found in its HTML."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from reader.article.images import MAX_IMAGES, ImageRef, image_refs
from reader.sources.download import DownloadError
from reader.sources.images import cache_image, cached_image, image_path


def png(width: int, height: int, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height)).save(out, "PNG")
    return out.getvalue()


def test_an_image_is_cached_under_a_hashed_name(feed_server: Any, tmp_path: Path) -> None:
    url = feed_server.add("/ferry.png", png(64, 48), headers={"Content-Type": "image/png"})
    path = cache_image(tmp_path, url)
    assert path == image_path(tmp_path, url) == cached_image(tmp_path, url)
    assert len(path.name) == 68 and path.suffix == ".img"
    assert Image.open(path).size == (64, 48)
    assert cache_image(tmp_path, url) == path and len(feed_server.requests("/ferry.png")) == 1


@pytest.mark.parametrize(("body", "content_type", "message"), [
    (b"<html>Log in</html>", "text/html", "the server sent a web page (text/html), not image/*"),
    (b"%PDF-1.4 not an image", "application/pdf", "the server sent application/pdf, not an "
                                                   "image"),
    (bytes(range(256)) * 8, "image/png", "not an image (UnidentifiedImageError)"),
    (png(8000, 6000, "1"), "image/png", "image refused: 8000×6000 pixels (more than "
                                       "40,000,000)"),
    (png(20000, 20000, "1"), "image/png", "image refused: a decompression bomb (too many "
                                         "pixels)"),
])
def test_refused_images_are_one_line_and_leave_nothing(feed_server: Any, tmp_path: Path,
                                                       body: bytes, content_type: str,
                                                       message: str) -> None:
    url = feed_server.add("/bad.png", body, headers={"Content-Type": content_type})
    with pytest.raises(DownloadError, match=f"{re.escape(message)}$"):
        cache_image(tmp_path, url)
    assert os.listdir(tmp_path) == []


def test_an_image_over_the_size_cap_is_refused_before_reading(feed_server: Any,
                                                              tmp_path: Path) -> None:
    url = feed_server.add("/big.png", b"x", headers={"Content-Type": "image/png"},
                          length=50_000_000)
    with pytest.raises(DownloadError, match=r"over the cap of 5\.0 MB"):
        cache_image(tmp_path, url)
    assert os.listdir(tmp_path) == []


def test_image_refs_from_html() -> None:
    html = ('<figure><img src="/img/ferry.jpg" alt="The ferry \x1b[31mat dusk"></figure>'
            '<img src="https://pix.example/t.gif" width="1" height="1">'
            '<img src="data:image/png;base64,AAAA"><img src="javascript:alert(1)">'
            '<img data-src="lazy.png"><img src="/img/ferry.jpg">')
    assert image_refs(html, "https://news.example/a/story") == [
        ImageRef("https://news.example/img/ferry.jpg", "The ferry at dusk"),
        ImageRef("https://news.example/a/lazy.png")]
    many = "".join(f'<img src="/{i}.png">' for i in range(100))
    assert len(image_refs(many, "https://news.example/")) == MAX_IMAGES
    assert image_refs("<p>No pictures</p>", None) == []
    assert image_refs("<img src=relative.png>", None) == []

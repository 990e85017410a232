"""Image bombs and other hostile images through `byline refresh --full` (a subprocess against
the loopback server): the good image is cached, each bad one is refused in one line, nothing
is left behind, and the refresh itself succeeds."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from PIL import Image

from hostile.checks import assert_clean_bytes

REPO = Path(__file__).resolve().parents[2]


def _png(width: int, height: int, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height)).save(out, "PNG")
    return out.getvalue()


def _run(data: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "reader", "--data-dir", str(data), *args],
                          capture_output=True, timeout=120, env=env, stdin=subprocess.DEVNULL,
                          check=False)


def test_image_bombs_and_impostors_are_refused_one_line_each(feed_server: Any,
                                                             tmp_path: Path) -> None:
    images = {
        "ok.png": (_png(40, 30), "image/png", {}),
        "bomb.png": (_png(20000, 20000, "1"), "image/png", {}),
        "wide.png": (_png(8000, 6000, "1"), "image/png", {}),
        "page.png": (b"<html>Subscribe</html>", "text/html", {}),
        "noise.png": (bytes(range(256)) * 4, "image/png", {}),
        "huge.png": (b"x", "image/png", {"length": 900_000_000}),
    }
    for name, (body, kind, extra) in images.items():
        feed_server.add(f"/img/{name}", body, headers={"Content-Type": kind}, **extra)
    tags = "".join(f'&lt;img src="/img/{name}" alt="{name}"&gt;' for name in images)
    tags += '&lt;img src="file:///etc/passwd"&gt;&lt;img src="javascript:alert(1)"&gt;'
    feed = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Pictures</title>'
            f"<item><title>Harbour in pictures</title><guid>p1</guid>"
            f"<link>{feed_server.url('/story')}</link>"
            f"<description>&lt;p&gt;The harbour, in pictures, on a long and calm day when "
            f"the ferry ran late.&lt;/p&gt;{tags}</description></item></channel></rss>")
    url = feed_server.add("/pictures.xml", feed.encode(),
                          headers={"Content-Type": "application/rss+xml"})
    data = tmp_path / "home"
    assert _run(data, "add", url).returncode == 0
    proc = _run(data, "refresh", "--full")
    assert proc.returncode == 0, proc.stderr
    assert_clean_bytes(proc.stdout + proc.stderr)
    assert b"1 image cached for offline reading, 5 refused\n" in proc.stdout
    refused = [line for line in proc.stderr.decode().splitlines() if "image not cached" in line]
    reasons = {line.split("/img/", 1)[1].split(":", 1)[0]: line.split(": image not cached: ")[1]
               for line in refused}
    assert reasons == {
        "bomb.png": "image refused: a decompression bomb (too many pixels)",
        "wide.png": "image refused: 8000×6000 pixels (more than 40,000,000)",
        "page.png": "not downloaded: the server sent a web page (text/html), not image/*",
        "noise.png": "not an image (UnidentifiedImageError)",
        "huge.png": "not downloaded: 900 MB, over the cap of 5.0 MB (the cap on one image)",
    }
    (cached,) = (data / "cache" / "images").iterdir()
    assert Image.open(cached).size == (40, 30)
    again = _run(data, "refresh", "--full")   # a cached image is not fetched again
    assert again.returncode == 0 and b"0 images cached" in again.stdout
    assert len(feed_server.requests("/img/ok.png")) == 1

"""The offline image cache: an article's images fetched by `refresh --full`, each checked.

A cached image is `IMAGES_DIR/<sha256 of its URL>.img` (never a name from the page). It is
fetched like an enclosure download (`download.py`: streamed, capped, redirects checked) with an
image expected, so a web page or any non-image type is refused; then Pillow must recognise it
as an image of at most `MAX_PIXELS` pixels (a decompression bomb declares billions in a few
bytes), read from its header only; otherwise it is deleted.
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from reader.sources.download import DownloadError, download

if TYPE_CHECKING:
    import httpx

MAX_IMAGE_BYTES = 5_000_000
MAX_PIXELS = 40_000_000
IMAGE_TIMEOUT = 15.0


class ImageError(DownloadError):
    """An image that was not cached (one line)."""


def image_path(folder: Path, url: str) -> Path:
    """Where the image of `url` is (or would be) cached."""
    return folder / (hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest() + ".img")


def cached_image(folder: Path, url: str) -> Path | None:
    """The cached file of `url`, if it is there."""
    path = image_path(folder, url)
    return path if path.is_file() and not path.is_symlink() else None


def cache_image(folder: Path, url: str, *, max_bytes: int = MAX_IMAGE_BYTES,
                max_pixels: int = MAX_PIXELS, timeout: float = IMAGE_TIMEOUT,
                client: httpx.Client | None = None) -> Path:
    """Fetch and check the image of `url` into `folder`; its path, or `ImageError`. Many
    images share one `client` (`download_client(IMAGE_TIMEOUT)`) and its connections."""
    path = image_path(folder, url)
    done = download(url, folder, path.name, max_bytes=max_bytes, expected_type="image/*",
                    timeout=timeout, client=client, cap_name="the cap on one image")
    if done.already:
        return path
    try:
        check_image(path, max_pixels)
    except ImageError:
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    return path


def check_image(path: Path, max_pixels: int = MAX_PIXELS) -> tuple[str, int, int]:
    """The format, width and height of the image at `path`, from its header; `ImageError`
    when it is no image Pillow knows or has more than `max_pixels` pixels."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            width, height = image.size
            kind = image.format or "image"
    except Image.DecompressionBombError:
        raise ImageError("image refused: a decompression bomb (too many pixels)") from None
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ImageError(f"not an image ({type(exc).__name__})") from None
    if width * height > max_pixels or width <= 0 or height <= 0:
        raise ImageError(f"image refused: {width}×{height} pixels (more than "
                         f"{max_pixels:,})")
    return kind, width, height

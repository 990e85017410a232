"""Article images in the reader (`i`): drawn in the terminal with textual-image where the
terminal speaks a graphics protocol (Sixel, or kitty's Terminal Graphics Protocol), else a text
placeholder naming the image, its size and whether it is cached for offline reading.

textual-image must ask the terminal what it supports before Textual starts reading the input,
so `detect_graphics` runs in `launch.py` before the app; in a headless app (tests) or a
terminal with no graphics protocol the placeholder is what shows.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from reader.article.images import ImageRef
from reader.errors import BylineError
from reader.sanitize import clean_line

_graphics: Any = None   # textual-image's widget class for this terminal, when it has graphics
# Terminals known to draw Sixel or kitty graphics, by what they set in the environment. Only
# these are asked (a terminal that does not answer costs each query's 0.1 s timeout at start).
_GRAPHIC_TERMS = frozenset({"xterm-kitty", "foot", "foot-extra", "mlterm", "contour",
                            "wezterm", "xterm-ghostty"})
_GRAPHIC_PROGRAMS = frozenset({"iTerm.app", "WezTerm", "ghostty", "mintty", "vscode"})


def graphics_terminal(env: dict[str, str]) -> bool:
    """Whether `env` names a terminal known to draw images (`BYLINE_IMAGES=1` says so too,
    `BYLINE_IMAGES=0` says not)."""
    forced = env.get("BYLINE_IMAGES")
    if forced in ("0", "1"):
        return forced == "1"
    return (env.get("TERM", "") in _GRAPHIC_TERMS or "KITTY_WINDOW_ID" in env
            or env.get("TERM_PROGRAM", "") in _GRAPHIC_PROGRAMS or "KONSOLE_VERSION" in env)


def detect_graphics() -> None:
    """On a terminal known to draw images, let textual-image find out whether it draws Sixel
    or TGP graphics (it asks the terminal, so before Textual reads the keyboard)."""
    global _graphics
    if not (sys.__stdout__ and sys.__stdout__.isatty() and sys.__stdin__
            and sys.__stdin__.isatty() and graphics_terminal(dict(os.environ))):
        return
    try:
        from textual_image import renderable, widget
    except Exception:  # not installed, or the terminal query failed: placeholders it is
        return
    if renderable.Image in (renderable.SixelImage, renderable.TGPImage):
        _graphics = widget.Image


def image_widget(ref: ImageRef, cached: Path | None) -> Widget:
    """The image itself where the terminal can draw it, else its placeholder."""
    if cached is not None and _graphics is not None:
        return _graphics(str(cached), classes="article-image")
    return Static(placeholder(ref, cached), classes="image-placeholder")


def placeholder(ref: ImageRef, cached: Path | None) -> Text:
    """`▣ alt text · JPEG 1200×800 · 240 KB` (cached), or `… · not cached: byline refresh
    --full`: plain text, never markup."""
    from reader.sources.enclosures import human_size
    from reader.sources.images import check_image

    name = clean_line(ref.alt) or clean_line(ref.url.rsplit("/", 1)[-1])[:80] or "image"
    if cached is None:
        return Text(f"▣ {name} · not cached: byline refresh --full")
    try:
        kind, width, height = check_image(cached)
    except BylineError as exc:
        return Text(f"▣ {name} · {exc.message}")
    return Text(f"▣ {name} · {kind} {width}×{height} · {human_size(cached.stat().st_size)}")

"""One line per enclosure, the same in `byline read`, `byline download` and the reader:
kind, type, size and duration as the feed stated them, and a name to know it by."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from reader.article.model import Enclosure
from reader.sanitize import clean_line
from reader.sources.enclosures import human_size

_KIND_MARK = {"audio": "♪", "video": "▶", "image": "▣", "file": "▤"}


def human_duration(seconds: int | None) -> str:
    """`52:10`, `1:02:05`."""
    if seconds is None:
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def enclosure_name(enclosure: Enclosure) -> str:
    """Its title, else the last part of its URL's path (for showing only, never a file name)."""
    if enclosure.title:
        return clean_line(enclosure.title)[:120]
    try:
        path = urlsplit(enclosure.url).path
    except ValueError:
        path = ""
    return clean_line(unquote(path.rstrip("/").rsplit("/", 1)[-1]))[:120] or "(no name)"


def describe(enclosure: Enclosure) -> str:
    """`♪ audio/mpeg · 48.2 MB · 52:10 · Episode 12`: one plain line."""
    parts = [f"{_KIND_MARK[enclosure.kind]} {clean_line(enclosure.type) or 'unknown type'}"]
    parts += [p for p in (human_size(enclosure.length), human_duration(enclosure.duration)) if p]
    parts.append(enclosure_name(enclosure))
    return " · ".join(parts)

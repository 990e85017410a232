"""Enclosures as feeds state them (RSS `<enclosure>`, Atom `rel="enclosure"` links, JSON Feed
`attachments`, Media RSS `media:content`), checked into `Enclosure`s.

Every field is untrusted: the URL must be absolute http(s) after resolution against the feed,
the type must look like a MIME type, sizes and durations must be plain, plausible numbers.
Whatever fails a check is dropped (a bad URL drops the enclosure; a bad size only the size).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reader.article.model import Enclosure
from reader.sanitize import clean_line, resolved_url

MAX_ENCLOSURES = 20           # per entry; a feed listing more is not a podcast
MAX_LENGTH = 1 << 40          # a stated size above 1 TiB is nonsense, not a size
MAX_DURATION = 7 * 24 * 3600  # a stated duration above a week likewise
_MIME = re.compile(r"[a-z0-9][a-z0-9_.+-]{0,63}/[a-z0-9][a-z0-9_.+-]{0,99}")
_CLOCK = re.compile(r"(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})(?:\.\d+)?")
_SECONDS = re.compile(r"\d{1,9}(?:\.\d+)?")
_MEDIUMS = {"audio": "audio", "video": "video", "image": "image"}


@dataclass
class RawEnclosure:
    """An enclosure as a parser found it: every field a string from the document."""

    url: str = ""
    type: str = ""
    length: str = ""
    duration: str = ""
    title: str = ""
    medium: str = ""  # Media RSS `medium` (image, audio, video …), when no type is given


def clean_enclosures(found: list[RawEnclosure], base: str | None) -> list[Enclosure]:
    """The usable enclosures of an entry, first of each URL kept, at most `MAX_ENCLOSURES`."""
    out: list[Enclosure] = []
    seen: set[str] = set()
    for raw in found:
        url = _absolute(raw.url, base)
        if url is None or url in seen:
            continue
        seen.add(url)
        kind = mime_type(raw.type)
        if not kind and raw.medium.strip().lower() in _MEDIUMS:
            kind = _MEDIUMS[raw.medium.strip().lower()] + "/*"
        out.append(Enclosure(url=url, type=kind, length=byte_count(raw.length),
                             duration=seconds(raw.duration), title=clean_line(raw.title)[:200]))
        if len(out) >= MAX_ENCLOSURES:
            break
    return out


def _absolute(link: str, base: str | None) -> str | None:
    link = (link or "").strip()
    if not link or len(link) > 4000:
        return None
    return resolved_url(link, base)


def mime_type(value: str | None) -> str:
    """`value` as a lower-case MIME type without parameters, or "" when it is not one."""
    kind = (value or "").split(";", 1)[0].strip().lower()
    return kind if _MIME.fullmatch(kind) else ""


def byte_count(value: str | None) -> int | None:
    """A stated size in bytes: a plain positive integer up to 1 TiB, else None."""
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 15:
        return None
    number = int(text)
    return number if 0 < number <= MAX_LENGTH else None


def seconds(value: str | None) -> int | None:
    """A stated duration (`3125`, `52:05`, `1:02:05`, `3125.4`) in whole seconds, else None."""
    text = (value or "").strip()
    if not text.isascii():
        return None
    clock = _CLOCK.fullmatch(text)
    if clock:
        hours, minutes, secs = (int(part or 0) for part in clock.groups())
        if (minutes >= 60 and hours) or secs >= 60:
            return None
        total = hours * 3600 + minutes * 60 + secs
    elif _SECONDS.fullmatch(text):
        total = int(float(text))
    else:
        return None
    return total if 0 < total <= MAX_DURATION else None


def human_size(size: int | None) -> str:
    """`48.2 MB`, `512 KB`, `120 B` (powers of 1000, as players and browsers show them)."""
    if size is None:
        return ""
    if size < 1000:
        return f"{size} B"
    value = float(size)
    for unit in ("KB", "MB", "GB"):
        value /= 1000
        if value < 99.95:
            return f"{value:.1f} {unit}"
        if value < 999.5:
            return f"{value:.0f} {unit}"
    return f"{value / 1000:.1f} TB"

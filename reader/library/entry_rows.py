"""Entries as refresh and sync hand them to the library, and their cleaning into column values
(pure CPU work: refresh runs it in its parse workers)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from reader.article.model import Enclosure
from reader.library.packing import pack
from reader.library.search_text import entry_text, line_reading_minutes, reading_minutes
from reader.sanitize import clean_line, clean_text, safe_url

MAX_TITLE = 500  # characters of a title kept (case 33)


@dataclass
class NewEntry:
    """An entry as refresh hands it to the store (already cleaned of controls)."""

    key: str
    title: str
    raw: str
    guid: str | None = None
    link: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    published_raw: str | None = None
    raw_kind: str = "html"  # 'html', 'text' or 'markdown'
    summary_only: bool = False
    enclosures: list[Enclosure] = field(default_factory=list)


def digest(*parts: str | None) -> str:
    """SHA-256 of the parts, each followed by a NUL (stored hashes depend on this layout)."""
    joined = "\0".join([part or "" for part in parts]) + "\0"
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()


def sort_time(published: str | None, first_seen: float) -> float:
    """When an entry sorts: its date if plausible (1970 to a day ahead), else first seen."""
    if not published:
        return first_seen
    try:
        moment = datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        return first_seen
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        stamp = moment.timestamp()
    except (OverflowError, ValueError, OSError):
        return first_seen
    return stamp if 0 <= stamp <= first_seen + 86_400 else first_seen


def prepare_entries(entries: Iterable[NewEntry], now: float,
                    search_texts: list[str] | None = None) -> list[tuple[Any, ...]]:
    """Clean entries into column values for `Library.store_prepared`; first of a key wins.

    Pure CPU work (text cleaning, the search text, packing, hashes), so refresh runs it in
    its parse workers, leaving only SQL for the process that owns the database. Each row's
    search text, unpacked, is appended to `search_texts` when given (`store_prepared` then
    indexes new entries without unpacking them).
    """
    rows = []
    seen: set[str] = set()
    for entry in entries:
        if entry.key not in seen:
            seen.add(entry.key)
            row, text = _prepare(entry, now)
            rows.append(row)
            if search_texts is not None:
                search_texts.append(text)
    return rows


def _prepare(entry: NewEntry, now: float) -> tuple[tuple[Any, ...], str]:
    """The column values of an entry, in `store_prepared` order, hash last (the original
    and the search text packed: `reader.library.packing`), and its search text."""
    title = clean_line(entry.title)[:MAX_TITLE]
    raw = clean_text(entry.raw)
    text = entry_text(raw, entry.raw_kind)
    minutes = line_reading_minutes(text) if entry.raw_kind == "html" else reading_minutes(text)
    names = [name for x in entry.authors if (name := clean_line(x)[:200])]
    joined = '", "'.join(names)
    if not names:
        authors = "[]"
    elif joined.isascii() and joined.isprintable() and '"' not in joined and "\\" not in joined:
        authors = f'["{joined}"]'  # what `json.dumps` writes, for a tenth of its cost
    else:
        authors = json.dumps(names)
    link = safe_url(entry.link)
    guid = clean_line(entry.guid or "")[:2000] or None
    return (
        clean_line(entry.key)[:2000] or digest(entry.key), guid, link, title, authors,
        entry.published, clean_line(entry.published_raw or "")[:200] or None,
        sort_time(entry.published, now), now, pack(raw), entry.raw_kind,
        int(entry.summary_only), pack(text), minutes, enclosures_json(entry.enclosures),
        digest(title, link, entry.published, raw, authors),
    ), text


def read_enclosures(column: str | None) -> list[Enclosure]:
    """The `enclosures` column back as `Enclosure`s, each URL checked again."""
    if not column:
        return []
    try:
        items = json.loads(column)
    except ValueError:
        return []
    found = [Enclosure.from_dict(item) for item in items if isinstance(item, dict)] \
        if isinstance(items, list) else []
    return [e for e in found if safe_url(e.url)]


def enclosures_json(enclosures: list[Enclosure]) -> str | None:
    """The `enclosures` column: the checked enclosures as JSON, None when there are none."""
    kept = [e.to_dict() for e in enclosures if safe_url(e.url)]
    if not kept:
        return None
    for item in kept:
        item["title"] = clean_line(item["title"])[:200]
        item["type"] = clean_line(item["type"])[:200]
    return json.dumps(kept, ensure_ascii=False)

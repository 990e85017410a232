"""JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1), parsed with `json` and type-checked.

feedparser 6.0.14 does not read JSON Feed. Every field is checked for its type: a wrong type
counts as missing (and is reported in `problems`), an item that is not an object is skipped,
and a document whose items are all unusable, or that is not JSON at all, is "malformed feed".
"""

from __future__ import annotations

import json
from typing import Any

from reader.sources.enclosures import RawEnclosure
from reader.sources.feedtypes import FeedError, RawEntry, RawFeed, text_to_html

VERSION_PREFIX = "https://jsonfeed.org/version/"
_BARE_VERSIONS = frozenset({"1", "1.0", "1.1"})  # seen in the wild (gofeed accepts them)


def parse_json_feed(body: bytes) -> RawFeed:
    """Parse a JSON Feed; raise `FeedError` ("malformed feed", "not a feed")."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise FeedError("malformed feed", "JSON Feed is not UTF-8") from None
    except (ValueError, RecursionError):
        raise FeedError("malformed feed", "invalid JSON") from None
    if not isinstance(data, dict):
        raise FeedError("not a feed", "JSON without a feed object")
    version = data.get("version")
    if not isinstance(version, str) or not (version.startswith(VERSION_PREFIX)
                                            or version in _BARE_VERSIONS):
        raise FeedError("not a feed", "JSON without a JSON Feed version")
    items = data.get("items")
    if not isinstance(items, list) and not version.startswith(VERSION_PREFIX):
        raise FeedError("not a feed", "JSON without feed items")
    if not isinstance(items, list):
        raise FeedError("malformed feed", "JSON Feed items is not a list")
    problems: list[str] = []
    feed = RawFeed(version="json11" if version.endswith("1.1") else "json1",
                   title=_field(data, "title", problems), problems=problems,
                   link=_field(data, "home_page_url", problems) or None)
    feed_authors = _authors(data, problems)
    skipped = 0
    for item in items:
        if not isinstance(item, dict):
            skipped += 1
            continue
        feed.entries.append(_item(item, feed_authors, problems))
    if skipped:
        if not feed.entries:
            raise FeedError("malformed feed", "JSON Feed items are not objects")
        problems.append(f"{skipped} items are not objects")
    feed.problems = list(dict.fromkeys(problems))
    return feed


def _field(obj: dict[str, Any], name: str, problems: list[str]) -> str:
    value = obj.get(name)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if name == "id" and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # the spec says string, but numbers are common in the wild
    problems.append(f"{name} has the wrong type")
    return ""


def _authors(obj: dict[str, Any], problems: list[str]) -> list[str]:
    found = obj.get("authors")
    if found is None and obj.get("author") is not None:
        found = [obj.get("author")]  # JSON Feed 1.0
    if found is None:
        return []
    if not isinstance(found, list):
        problems.append("authors has the wrong type")
        return []
    return [a["name"] for a in found
            if isinstance(a, dict) and isinstance(a.get("name"), str) and a["name"].strip()]


def _item(item: dict[str, Any], feed_authors: list[str], problems: list[str]) -> RawEntry:
    text = _field(item, "content_text", problems)
    content = _field(item, "content_html", problems) or (text_to_html(text) if text else "")
    summary = _field(item, "summary", problems)
    return RawEntry(
        guid=_field(item, "id", problems).strip() or None,
        link=(_field(item, "url", problems) or _field(item, "external_url", problems)) or None,
        title=_field(item, "title", problems),
        authors=_authors(item, problems) or feed_authors,
        date=(_field(item, "date_published", problems)
              or _field(item, "date_modified", problems)) or None,
        summary=text_to_html(summary) if summary else "",
        content=content or None,
        enclosures=_attachments(item, problems),
    )


def _attachments(item: dict[str, Any], problems: list[str]) -> list[RawEnclosure]:
    """An item's `attachments`, each checked for its fields' types like the rest."""
    found = item.get("attachments")
    if found is None:
        return []
    if not isinstance(found, list):
        problems.append("attachments has the wrong type")
        return []
    out = []
    for attachment in found:
        if not isinstance(attachment, dict):
            problems.append("attachments has the wrong type")
            continue
        out.append(RawEnclosure(
            url=_field(attachment, "url", problems), type=_field(attachment, "mime_type", problems),
            title=_field(attachment, "title", problems),
            length=_number(attachment.get("size_in_bytes")),
            duration=_number(attachment.get("duration_in_seconds"))))
    return out


def _number(value: object) -> str:
    """A JSON number as the text an XML feed would have given (checked later, as there)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    return str(int(value)) if value == value and abs(value) < 1e15 else ""

"""The guarded feedparser path, for every feed the fast path declines.

feedparser is called the safe way (reliability-notes 2.1): a `BytesIO` (never a str or bytes it
could take for a URL or file name), no sanitizing or URI rewriting (Byline never displays feed
HTML: the article engine turns it into text), and any exception it raises on hostile input
becomes "malformed feed". The feed URL is deliberately *not* passed as `content-location`:
feedparser would then rewrite relative guids into URLs (`<guid>d0</guid>` becomes
`https://host/d0`), so keys would differ from the fast path's; `feedtypes.normalise` resolves
relative links against the feed URL instead (xml:base is still honoured by feedparser).
"""

from __future__ import annotations

import html
import io
import re
from typing import Any

import feedparser

from reader.sources.enclosures import RawEnclosure
from reader.sources.feedtypes import FeedError, RawEntry, RawFeed, author_name, text_to_html


def parse_loose(body: bytes, content_type: str | None) -> RawFeed:
    """Parse any feed feedparser understands; raise `FeedError` when it is none."""
    headers: dict[str, str] = {}
    if content_type:
        headers["content-type"] = content_type
    try:
        result = feedparser.parse(io.BytesIO(body), response_headers=headers,
                                  sanitize_html=False, resolve_relative_uris=False)
        raw = _convert(result)
    except FeedError:
        raise
    except Exception as exc:  # hostile input: re.error, ValueError, OverflowError, Unicode…
        raise FeedError("malformed feed", type(exc).__name__) from None
    if raw.version.startswith("rss"):
        _hints(raw, result.get("feed") or {}, body)
    return raw


_CHANNEL_HEAD = 64 * 1024   # where an RSS channel's own elements are looked for
_FIRST_ITEM = re.compile(rb"<(?:[a-z0-9]{1,20}:)?item\b")
_VALUES = {"skiphours": re.compile(rb"<hour\b[^<>]{0,100}>([^<]{0,20})</hour"),
           "skipdays": re.compile(rb"<day\b[^<>]{0,100}>([^<]{0,20})</day")}


def _hints(raw: RawFeed, feed_info: dict[str, Any], body: bytes) -> None:
    """An RSS channel's `<ttl>` (feedparser's), `<skipHours>` and `<skipDays>` (feedparser
    keeps only the last hour and day of those lists: read from the channel's head, before
    its first item, with bounded patterns)."""
    raw.ttl = _str(feed_info.get("ttl"))
    head = body[:_CHANNEL_HEAD].lower()
    item = _FIRST_ITEM.search(head)
    head = head[:item.start()] if item else head
    found: dict[str, list[str]] = {}
    for name, value in _VALUES.items():
        start = head.find(b"<" + name.encode())
        end = head.find(b"</" + name.encode(), start)
        found[name] = [v.decode("ascii", "replace") for v in value.findall(head, start, end)] \
            if 0 <= start < end else []
    raw.skip_hours, raw.skip_days = found["skiphours"], found["skipdays"]


def _convert(result: Any) -> RawFeed:
    version = _str(result.get("version"))
    entries = result.get("entries") or []
    if not version and not entries:
        raise FeedError("not a feed")
    feed_info = result.get("feed") or {}
    raw = RawFeed(version=version or "unknown", title=_title(feed_info, version),
                  link=_str(feed_info.get("link")) or None)
    if result.get("bozo"):
        exc = result.get("bozo_exception")
        detail = " ".join(str(exc).split())[:160] if exc else ""
        raw.problems.append(f"{type(exc).__name__}: {detail}" if exc else "feed has problems")
    feed_authors = [_str(a.get("name")) for a in feed_info.get("authors") or []
                    if isinstance(a, dict) and _str(a.get("name"))]
    raw.entries = [_entry(e, version) for e in entries if isinstance(e, dict)]
    for entry in raw.entries:
        entry.authors = entry.authors or list(feed_authors)  # Atom: the feed's authors
    return raw


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _entry(e: dict[str, Any], version: str) -> RawEntry:
    guid = _str(e.get("id")).strip() or None
    link = _str(e.get("link")).strip() or None
    entry = RawEntry(guid=guid, link=link, guid_is_link=bool(e.get("guidislink")),
                     title=_title(e, version))
    single = _str(e.get("author"))
    if single and author_name(single) != single:
        # "desk@host.example (Name)": feedparser's own split mangles long TLDs.
        entry.authors = [author_name(single)]
    else:
        names = [_str(a.get("name")) for a in e.get("authors") or [] if isinstance(a, dict)]
        entry.authors = [a for a in names if a] or ([single] if single else [])
    entry.date = (_str(e.get("published")) or _str(e.get("updated"))
                  or _str(e.get("created")) or None)
    entry.summary = _html_of(e.get("summary_detail"), _str(e.get("summary")))
    contents = [c for c in e.get("content") or [] if isinstance(c, dict)]
    preferred = [c for c in contents if "html" in _str(c.get("type"))] or contents
    if preferred:
        entry.content = _html_of(preferred[0], _str(preferred[0].get("value"))) or None
    entry.enclosures = _enclosures(e)
    return entry


def _enclosures(e: dict[str, Any]) -> list[RawEnclosure]:
    """RSS `<enclosure>`s and Atom `rel="enclosure"` links (feedparser's `enclosures`), then
    Media RSS `media:content` (its `media_content`)."""
    duration = _str(e.get("itunes_duration"))
    found = [RawEnclosure(url=_str(d.get("href")) or _str(d.get("url")), type=_str(d.get("type")),
                          length=_str(d.get("length")), title=_str(d.get("title")),
                          duration=duration)
             for d in e.get("enclosures") or [] if isinstance(d, dict)]
    found += [RawEnclosure(url=_str(d.get("url")), type=_str(d.get("type")),
                           length=_str(d.get("filesize")) or _str(d.get("fileSize")),
                           duration=_str(d.get("duration")), medium=_str(d.get("medium")))
              for d in e.get("media_content") or [] if isinstance(d, dict)]
    return found


def _title(obj: dict[str, Any], version: str) -> str:
    """The title as HTML. Atom declares literal-text titles (`text/plain`): escape those.
    For RSS feedparser guesses the type (it calls `a<script>` plain text), so keep the raw
    string and let `clean_title` strip whatever tags it holds, as the fast path does."""
    title = _str(obj.get("title"))
    detail = obj.get("title_detail")
    if (version.startswith("atom") and isinstance(detail, dict)
            and detail.get("type") == "text/plain"):
        return html.escape(title, quote=False)
    return title


def _html_of(detail: object, value: str) -> str:
    """HTML for a feedparser text construct; plain-text ones are escaped."""
    kind = _str(detail.get("type")) if isinstance(detail, dict) else ""
    if kind == "text/plain":
        return text_to_html(value)
    return value

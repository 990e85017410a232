"""Feed data types and the one normalisation step every parser's output goes through.

Parsers (the fast lxml path, the feedparser fallback, JSON Feed) produce `RawFeed`/`RawEntry`
with fields as the document had them; `normalise` turns those into `ParsedFeed`/`FeedEntry`:
clean titles, absolute http(s) links, ISO 8601 dates, stable keys, dedupe, entry cap.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from reader.article.model import Article, Enclosure
from reader.errors import BylineError
from reader.sanitize import clean_line, resolved_url, safe_url
from reader.sources.enclosures import RawEnclosure, clean_enclosures

MAX_TITLE = 300
MAX_ENTRIES = 1000
_TAG = re.compile(r"<[A-Za-z/!?][^>]*>?")
_BREAKING_TAG = re.compile(r"<(?:br|/?p|/?div|/?li|/?h[1-6]|/?tr|/?td)\b[^>]*>", re.IGNORECASE)
_INVISIBLE = re.compile(r"<(script|style)\b.*?(?:</\1\s*>|$)|<!--.*?-->|<!--[^>]*>?",
                        re.IGNORECASE | re.DOTALL)
_EMAIL_NAME = re.compile(r"^\s*\S+@\S+\s*\((.+)\)\s*$")
_RFC822 = re.compile(r"(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{1,2}):"
                     r"(\d{2})(?::(\d{2}))?\s*(?:([+-])(\d{2}):?(\d{2})|GMT|UTC?|Z)\s*$")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_C1 = re.compile("[\x80-\x9f]")
_C1_TO_CP1252 = {
    code: bytes([code]).decode("cp1252") for code in range(0x80, 0xA0)
    if code not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)  # undefined in cp1252
}
_LOOKS_HTML = re.compile(r"<[A-Za-z/!]")
_YMD = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DATES: dict[str, tuple[datetime, str] | None] = {}  # `_utc_date`'s cache
_MAX_DATES = 4096
_DAY = timedelta(days=1)


class FeedError(BylineError):
    """A feed body that cannot be used; `reason` is the short status ("not a feed", …)."""

    def __init__(self, reason: str, detail: str = "", *,
                 alternates: list[str] | None = None) -> None:
        self.reason = reason
        self.detail = detail
        self.alternates = alternates or []  # feeds an HTML page names ("not a feed")
        super().__init__(reason + (f": {detail}" if detail else ""))

    def __reduce__(self) -> tuple[Any, ...]:  # picklable across worker processes
        return (self.__class__, (self.reason, self.detail), {"alternates": self.alternates})


@dataclass
class FeedEntry:
    """One normalised feed item."""

    key: str
    guid: str | None
    link: str | None
    title: str
    authors: list[str]
    published: str | None
    published_raw: str | None
    summary_html: str
    content_html: str | None
    enclosures: list[Enclosure] = field(default_factory=list)

    def to_article(self, feed: ParsedFeed, *, extra_rules: dict | None = None) -> Article:
        """Clean this entry's HTML through the article engine."""
        from reader.article.build import Meta, from_html

        meta = Meta(title=self.title or None, url=self.link, authors=list(self.authors),
                    published=self.published)
        article = from_html(self.content_html or self.summary_html,
                            self.link or feed.url or feed.link or "", url=self.link, meta=meta,
                            extra_rules=extra_rules)
        article.enclosures = list(self.enclosures)
        return article


@dataclass
class ParsedFeed:
    """A parsed feed: metadata, entries (deduplicated, at most `MAX_ENTRIES`), parse problems,
    and the RSS channel's hints on when to fetch it again (`<ttl>` in minutes; the UTC hours
    0–23 and the days, Monday 0 to Sunday 6, of `<skipHours>` and `<skipDays>`)."""

    title: str
    link: str | None
    url: str | None
    version: str
    entries: list[FeedEntry]
    problems: list[str] = field(default_factory=list)
    ttl: int | None = None
    skip_hours: tuple[int, ...] = ()
    skip_days: tuple[int, ...] = ()


@dataclass
class RawEntry:
    """An item as a parser found it (links may be relative, titles may hold HTML)."""

    guid: str | None = None
    link: str | None = None
    guid_is_link: bool = False       # the link came from a permalink <guid>, not <link>
    title: str = ""
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    summary: str = ""
    content: str | None = None
    enclosures: list[RawEnclosure] = field(default_factory=list)


@dataclass
class RawFeed:
    """A feed as a parser found it."""

    version: str
    title: str = ""
    link: str | None = None
    entries: list[RawEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    ttl: str = ""                                          # RSS <ttl>, as written
    skip_hours: list[str] = field(default_factory=list)   # each <skipHours><hour>
    skip_days: list[str] = field(default_factory=list)    # each <skipDays><day>


def clean_title(raw: str | None) -> str:
    """Plain one-line title: HTML tags stripped, entities unescaped once, capped at 300 chars."""
    if not raw:
        return ""
    text = raw[: MAX_TITLE * 20]
    if "<" in text and _LOOKS_HTML.search(text):  # `in` is far cheaper than the regex
        text = _BREAKING_TAG.sub(" ", _INVISIBLE.sub("", text))
        text = html.unescape(_TAG.sub("", text))
    elif "&" in text:
        text = html.unescape(text)
    text = clean_line(text)
    if len(text) > MAX_TITLE:
        text = text[: MAX_TITLE - 1].rstrip() + "…"
    return text


def author_name(value: str) -> str:
    """The name in an RSS `<author>` of the form `email (Name)`, else the value itself."""
    match = _EMAIL_NAME.match(value)
    return match.group(1) if match else value


def text_to_html(text: str) -> str:
    """Plain text as HTML paragraphs (blank lines separate them), every character escaped."""
    paragraphs = (p.strip() for p in re.split(r"\n\s*\n", text))
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p)


def absolute_link(link: str | None, base: str | None, *, guid_only: bool = False) -> str | None:
    """An absolute http(s) link resolved against `base`, else None.

    A link taken from a `<guid>` is only kept when it is already absolute (reliability 49).
    """
    if not link:
        return None
    link = link.strip()
    return safe_url(link) if guid_only else resolved_url(link, base)


def iso_date(raw: str | None, *, now: datetime | None = None) -> str | None:
    """ISO 8601 UTC date-time from RFC 822, ISO 8601 or feedparser's formats; None if invalid.

    Years before 1970 and dates more than a day in the future count as invalid (reliability 50).
    """
    raw = raw.strip() if raw else ""
    parsed = _utc_date(raw[:100]) if raw else None
    if parsed is None:
        return None
    when, text = parsed
    if when > (now or datetime.now(UTC)) + _DAY:
        return None
    return text


def _utc_date(raw: str) -> tuple[datetime, str] | None:
    """`raw` as an aware UTC date-time and its ISO form, None if invalid or before 1970.

    Cached, as a feed's entries (and the feeds of one site) repeat a few date strings; but not
    feedparser's readings, which fill missing fields in from today's date.
    """
    try:
        return _DATES[raw]
    except KeyError:
        pass
    when = _parse_stable(raw)
    if when is None:
        return _to_utc(raw, _parse_feedparser(raw))
    if len(_DATES) >= _MAX_DATES:
        _DATES.clear()
    result = _DATES[raw] = _to_utc(raw, when)
    return result


def _to_utc(raw: str, when: datetime | None) -> tuple[datetime, str] | None:
    """`when`, read from `raw`, in UTC and ISO form; None if missing, no real day or pre-1970."""
    if when is None or not _real_day(raw):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        when = when.astimezone(UTC)
    except OverflowError:  # e.g. 9999-12-31T23:59:59-01:00 lies past year 9999 in UTC
        return None
    if when.year < 1970:
        return None
    return when, when.replace(microsecond=0, tzinfo=None).isoformat() + "Z"  # strftime is slower


def _real_day(raw: str) -> bool:
    """False for an ISO date naming no day (2024-02-30, 2024-13-01): feedparser rolls those
    over into the next month instead of refusing them."""
    ymd = _YMD.match(raw)
    if ymd is None:
        return True
    year, month, day = map(int, ymd.groups())
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(max(year, 1), month)[1]


def _parse_stable(raw: str) -> datetime | None:
    """ISO 8601 and RFC 822 dates: readings that depend on nothing but `raw`."""
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        pass
    when = _rfc822_common(raw)
    if when is not None:
        return when
    try:
        return parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _parse_feedparser(raw: str) -> datetime | None:
    """feedparser's reading of the formats `_parse_stable` does not know, as UTC."""
    from feedparser.datetimes import _parse_date  # broad fallback: W3CDTF variants, Greek, …

    try:
        tm = _parse_date(raw)
        if tm is None:
            return None
        return datetime(tm[0], tm[1], tm[2], tm[3], tm[4], tm[5], tzinfo=UTC)
    except (ValueError, OverflowError, TypeError):
        return None


def _rfc822_common(raw: str) -> datetime | None:
    """The usual RSS date shape (`Mon, 15 Jan 2024 08:30:00 +0000` or `GMT`), parsed several
    times faster than `email.utils`; anything else (zone names, oddities) returns None."""
    match = _RFC822.match(raw)
    if match is None:
        return None
    day, month, year, hour, minute, second, sign, zh, zm = match.groups()
    number = _MONTHS.get(month.lower())
    if number is None:
        return None
    offset = timedelta(0)
    if sign:
        offset = timedelta(hours=int(zh), minutes=int(zm)) * (-1 if sign == "-" else 1)
    try:
        return datetime(int(year), number, int(day), int(hour), int(minute), int(second or 0),
                        tzinfo=timezone(offset))
    except ValueError:
        return None


def entry_key(guid: str | None, link: str | None, title: str, published: str | None,
              summary: str) -> str:
    """Stable dedupe key: guid, else link, else a hash of title, date and summary head."""
    if guid:
        return guid
    if link:
        return link
    digest = hashlib.sha256("\0".join((title, published or "", summary[:200])).encode(
        "utf-8", "replace"))
    return "sha256:" + digest.hexdigest()


def normalise(raw: RawFeed, url: str | None, *, max_entries: int = MAX_ENTRIES) -> ParsedFeed:
    """Turn a parser's `RawFeed` into a `ParsedFeed` (see the module docstring)."""
    feed_link = absolute_link(raw.link, url)
    base = url or feed_link
    entries: list[FeedEntry] = []
    seen: set[str] = set()
    now = datetime.now(UTC)  # one clock reading for the whole feed
    duplicates = 0
    for item in raw.entries:
        guid = clean_line(item.guid or "")[:2000] or None
        link = absolute_link(item.link, base, guid_only=item.guid_is_link)
        title = clean_title(_cp1252_c1(item.title))
        summary = _cp1252_c1(item.summary or "")
        content = _cp1252_c1(item.content or "") or None
        key = entry_key(guid, link, title, item.date, summary or content or "")
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        entries.append(FeedEntry(
            key=key, guid=guid, link=link, title=title,
            authors=[a for a in (clean_line(a)[:200] for a in item.authors) if a],
            published=iso_date(item.date, now=now), published_raw=item.date, summary_html=summary,
            content_html=content,
            enclosures=clean_enclosures(item.enclosures, base) if item.enclosures else [],
        ))
    problems = list(raw.problems)
    if duplicates:
        problems.append(f"{duplicates} duplicate entries dropped")
    if len(entries) > max_entries:
        problems.append(f"{len(entries)} entries, kept the newest {max_entries}")
        entries = _newest(entries, max_entries)
    return ParsedFeed(title=clean_title(_cp1252_c1(raw.title)), link=feed_link, url=url,
                      version=raw.version, entries=entries, problems=problems,
                      ttl=ttl_minutes(raw.ttl), skip_hours=skip_hours(raw.skip_hours),
                      skip_days=skip_days(raw.skip_days))


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_TTL = 100 * 24 * 60   # minutes; a larger <ttl> is taken as this much (the refresh schedule
                          # caps every hint far lower: reader.library.schedule)


def ttl_minutes(raw: str) -> int | None:
    """An RSS `<ttl>` as whole minutes (None when absent, zero or not a number)."""
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 9 or int(text) == 0:
        return None
    return min(int(text), MAX_TTL)


def skip_hours(values: list[str]) -> tuple[int, ...]:
    """`<skipHours>`: the UTC hours 0–23 (24, which some feeds write, is midnight); a list
    that skips every hour says nothing usable and is dropped."""
    hours = set()
    for value in values:
        text = value.strip()
        if text.isascii() and text.isdigit() and len(text) <= 2 and int(text) <= 24:
            hours.add(int(text) % 24)
    return tuple(sorted(hours)) if len(hours) < 24 else ()


def skip_days(values: list[str]) -> tuple[int, ...]:
    """`<skipDays>`: Monday 0 … Sunday 6 (any case); a list of all seven is dropped."""
    days = {_WEEKDAYS.index(v.strip().lower()) for v in values
            if v.strip().lower() in _WEEKDAYS}
    return tuple(sorted(days)) if len(days) < 7 else ()


def _cp1252_c1(text: str) -> str:
    """Map C1 code points to the cp1252 characters they almost always meant (U+0092 → ’),
    as feedparser does; the rest of C1 is removed later by `clean_text`."""
    if text.isascii() or not _C1.search(text):  # isascii() is a flag check, no scan
        return text
    return text.translate(_C1_TO_CP1252)


def _newest(entries: list[FeedEntry], limit: int) -> list[FeedEntry]:
    """The `limit` newest entries (undated ones count as oldest), in document order."""
    order = sorted(range(len(entries)), key=lambda i: (entries[i].published or "", -i),
                   reverse=True)
    keep = sorted(order[:limit])
    return [entries[i] for i in keep]

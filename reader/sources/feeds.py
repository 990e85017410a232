"""Feed parsing: RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed 1/1.1 bytes to a `ParsedFeed`.

The pipeline (docs/sources.md has the measurements behind it):
1. empty, binary and unsafe bodies are refused before any parser runs;
2. JSON Feed goes to `jsonfeed`;
3. well-formed, plain RSS/Atom goes to the fast `lxml` path (`fastxml`);
4. everything else goes to guarded feedparser (`loosefeed`);
5. `feedtypes.normalise` cleans titles, links, dates and keys the same way for all three.
"""

from __future__ import annotations

from reader.sources.fastxml import parse_fast
from reader.sources.feedtypes import (
    MAX_ENTRIES,
    FeedEntry,
    FeedError,
    ParsedFeed,
    RawFeed,
    normalise,
)
from reader.sources.jsonfeed import parse_json_feed
from reader.sources.sniff import looks_like_feed, looks_like_html, sniff_binary
from reader.sources.xmlguard import check_entities, escape_controls, fix_char_refs, to_utf8

__all__ = ["FeedEntry", "FeedError", "ParsedFeed", "looks_like_feed", "parse_feed"]

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _strip_head(body: bytes) -> bytes:
    """`body` without leading whitespace, NULs and byte order marks."""
    body = body.lstrip(b" \t\r\n\x00")
    changed = True
    while changed:
        changed = False
        for bom in _BOMS:
            if body.startswith(bom):
                body = body[len(bom):].lstrip(b" \t\r\n\x00")
                changed = True
    return body


def parse_feed(body: bytes, *, url: str | None = None, content_type: str | None = None,
               max_entries: int = MAX_ENTRIES) -> ParsedFeed:
    """Parse a feed body; raise `FeedError` ("empty response", "not a feed", "unsafe XML (…)",
    "malformed feed") when there is nothing usable. Bozo feeds with entries are kept, their
    problems listed in `ParsedFeed.problems`."""
    head = _strip_head(body[:8192])
    if not head.strip() and not _strip_head(body).strip():
        raise FeedError("empty response")
    binary = sniff_binary(head)
    if binary:
        raise FeedError("not a feed", binary)
    raw: RawFeed | None
    if head.startswith(b"{"):  # no XML document starts with a brace
        raw = parse_json_feed(body)
    elif looks_like_html(head):
        raise _not_a_feed(body, url)  # a web page: no parser needed to say so
    else:
        wide = body
        body = to_utf8(body)
        if body is not wide and content_type:
            content_type = content_type.split(";", 1)[0]  # its charset no longer applies
        check_entities(body)
        body = fix_char_refs(escape_controls(body))
        raw = parse_fast(body, url, content_type)
        if raw is None:
            from reader.sources.loosefeed import parse_loose  # feedparser: imported when needed

            try:
                raw = parse_loose(body, content_type)
            except FeedError as exc:
                if exc.reason == "not a feed":
                    raise _not_a_feed(body, url) from None
                raise
    return normalise(raw, url, max_entries=max_entries)


def _not_a_feed(body: bytes, url: str | None) -> FeedError:
    """ "not a feed", naming the feeds an HTML page links to, if any."""
    from reader.sources.discover import discover_feeds

    alternates = discover_feeds(body[:2 * 1024 * 1024].decode("utf-8", "replace"), url or "")
    detail = ("the page names these feeds: " + ", ".join(alternates[:5])) if alternates else ""
    return FeedError("not a feed", detail, alternates=alternates)

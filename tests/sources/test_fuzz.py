"""Property tests: whatever the bytes, parsing ends in a `ParsedFeed` or a `FeedError`, and what
it returns is clean (no control characters, only http(s) links, bounded titles)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.sources.discover import discover_feeds
from reader.sources.feeds import FeedError, looks_like_feed, parse_feed
from reader.sources.feedtypes import MAX_TITLE

FRAGMENTS = [
    '<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.0" encoding="utf-16"?>',
    '<rss version="2.0">', "</rss>", "<channel>", "</channel>", "<item>", "</item>",
    '<feed xmlns="http://www.w3.org/2005/Atom">', "</feed>", "<entry>", "</entry>",
    "<title>", "</title>", "<link>", "</link>", '<link href="', '"/>', "<guid>", "</guid>",
    "<id>", "</id>", "<pubDate>", "</pubDate>", "<updated>", "</updated>",
    "<description>", "</description>", '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">',
    "</div></content>", "<![CDATA[", "]]>", "<!DOCTYPE r [", '<!ENTITY a "aaaa">', "]>",
    "&a;", "&amp;", "&lt;b&gt;", "&#xD800;", "&#27;", "&#0;", "&bogus;", "\x1b[2J", "\x00",
    "\u202e", "\x9b", "javascript:alert(1)", "http://x.example/", "/rel", "-x", "0000-00-00",
    "Mon, 15 Jan 2024 08:30:00 +0000", "2050-01-01", "[bold]x[/]", " ", "\n", "text",
    '{"version": "https://jsonfeed.org/version/1.1", "items": [', "{", "}", "[", "]", ",",
    '"title": ', '"x"', "null", "1",
]


def _check(feed_body: bytes) -> None:
    try:
        feed = parse_feed(feed_body, url="https://base.example/feed")
    except FeedError as exc:
        assert exc.reason in ("empty response", "not a feed", "malformed feed",
                              "unsafe XML (entity expansion)")
        return
    for entry in feed.entries:
        assert len(entry.title) <= MAX_TITLE
        assert entry.title.isprintable() or entry.title == ""
        assert entry.link is None or entry.link.startswith(("http://", "https://"))
        assert all(a.isprintable() for a in entry.authors)
        assert entry.key
    assert feed.link is None or feed.link.startswith(("http://", "https://"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40))
def test_fragment_soup(parts: list[str]) -> None:
    _check("".join(parts).encode())


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_random_bytes(data: bytes) -> None:
    _check(data)
    assert looks_like_feed(data) in (True, False)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_discovery_never_raises(html: str) -> None:
    for url in discover_feeds(html, "https://base.example/"):
        assert url.startswith(("http://", "https://"))

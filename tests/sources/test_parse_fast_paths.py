"""The parsing fast paths give what the general code gives: `clean_line` and the long way,
`_cp1252_c1` and a full translate, the byte guards and their regexes, the date cache and a
fresh parse, the one-pass RSS/Atom readers and feedparser."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import pytest

from reader.sanitize import clean_line, clean_text
from reader.sources import feedtypes, xmlguard
from reader.sources.fastxml import parse_fast
from reader.sources.feeds import parse_feed
from reader.sources.feedtypes import _C1_TO_CP1252, _cp1252_c1, iso_date, normalise
from reader.sources.loosefeed import parse_loose

URL = "https://site.example/feeds/main.xml"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


# -- text -----------------------------------------------------------------------------------

def test_clean_line_fast_exit_covers_only_text_clean_line_keeps():
    """Every printable character, between others or next to single spaces, is left alone."""
    printable = "".join(c for c in map(chr, range(sys.maxunicode + 1))
                        if c.isprintable() and c != " ")
    assert clean_line(printable) == printable
    spaced = " ".join(printable[i:i + 7] for i in range(0, len(printable), 7))
    assert clean_line(spaced) == spaced


@pytest.mark.parametrize("text", [
    "", " ", "plain title", " lead", "trail ", "double  space", "tab\there", "line\nbreak",
    "nbsp\xa0here", "ideographic\u3000space", "bidi\u202eevil", "zero\u200bwidth", "bom\ufeff",
    "esc\x1b[2Jclear", "c1\x85next", "c1\x92quote", "sep\u2028line", "lone\ud800surrogate",
    "del\x7f", "unassigned\U000e0080", "caf\xe9 \u2014 na\xefve \U0001f600", "\x00", "a\r\nb",
])
def test_clean_line_fast_path_matches_the_long_way(text):
    assert clean_line(text) == " ".join(clean_text(text).split())


@pytest.mark.parametrize("text", [
    "", "ascii only", "caf\xe9", "\x92quoted\x93", "\x81\x8d\x8f\x90\x9d undefined",
    "mixed \x80 \u20ac \x9f", "\U0001f600 \x96",
])
def test_cp1252_fast_path_matches_translate(text):
    assert _cp1252_c1(text) == text.translate(_C1_TO_CP1252)


# -- byte guards ----------------------------------------------------------------------------

@pytest.mark.parametrize("byte", range(0x80))
def test_escape_controls_matches_regex(byte):
    body = b"<rss><channel><title>a" + bytes([byte]) + b"b</title></channel></rss>"
    expected = xmlguard._C0.sub(lambda m: b"&#%d;" % m.group(0)[0], body)
    assert xmlguard.escape_controls(body) == expected


@pytest.mark.parametrize("body", [
    b"<t>no refs</t>", b"<t>&amp; only</t>", b"<t>&#65; fine</t>", b"<t>&#xD800; bad</t>",
    b"<t>&#1114112; &#x10FFFF; &#99999999999;</t>", b"<t>& # &#</t>",
])
def test_fix_char_refs_matches_regex(body):
    assert xmlguard.fix_char_refs(body) == xmlguard._CHAR_REF.sub(xmlguard._fix_one, body)


# -- dates ----------------------------------------------------------------------------------

DATES = [
    "Mon, 15 Jan 2024 08:30:00 +0000", "15 Jan 2024 08:30 GMT", "15 jan 2024 8:30:00 -0530",
    "Tue, 31 Feb 2024 00:00:00 +0000", "2024-02-30T00:00:00Z", "2024-01-15T08:30:00+02:00",
    "2024-01-15", "1969-12-31T23:59:59Z", "Thu, 01 Jan 1970 00:00:00 +0100",
    "Mon, 15 Jan 2024 08:30:00 EST", "2025-06-02T11:59:59Z", "2025-06-02T12:00:01Z",
    "2024-13-01T00:00:00Z", " 2024-01-15T08:30:00Z ", "garbage", "", "   ",
    "Mon, 15 Jan 2024 08:30:61 +0000", "2003-12-31T10:14:55.123Z", "x" * 150,
]


@pytest.mark.parametrize("raw", DATES)
def test_cached_dates_match_a_fresh_parse(raw, monkeypatch):
    monkeypatch.setattr(feedtypes, "_DATES", {})
    fresh = iso_date(raw, now=NOW)
    assert iso_date(raw, now=NOW) == fresh  # now from the cache
    assert iso_date(raw, now=NOW.replace(year=2040)) == iso_date(raw.strip(), now=NOW.replace(
        year=2040))


def test_cached_date_still_checks_the_clock(monkeypatch):
    monkeypatch.setattr(feedtypes, "_DATES", {})
    assert iso_date("2025-06-02T00:00:00Z", now=NOW) == "2025-06-02T00:00:00Z"
    assert iso_date("2025-06-02T00:00:00Z", now=NOW.replace(month=5)) is None


def test_feedparser_dates_are_not_cached(monkeypatch):
    """feedparser fills missing fields in from today's date: its readings may not be kept."""
    monkeypatch.setattr(feedtypes, "_DATES", {})
    assert iso_date("2004-07-08 23:56:58.7 -0700", now=NOW) is not None  # feedparser's format
    assert iso_date("Mon, 15 Jan 2024 08:30:00 +0000", now=NOW) is not None
    assert list(feedtypes._DATES) == ["Mon, 15 Jan 2024 08:30:00 +0000"]


def test_date_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(feedtypes, "_DATES", {})
    monkeypatch.setattr(feedtypes, "_MAX_DATES", 3)
    for day in range(1, 10):
        assert iso_date(f"2024-01-{day:02d}", now=NOW) == f"2024-01-{day:02d}T00:00:00Z"
        assert len(feedtypes._DATES) <= 3


# -- one-pass RSS and Atom readers ----------------------------------------------------------

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel xml:base="https://site.example/blog/"><title>Caf\xc3\xa9 \xc2\x92s</title><link>/</link>
<item><title>First &amp;amp; <![CDATA[<b>bold</b>]]></title><title>Second title</title>
  <link></link><link>posts/1.html</link><link>  </link>
  <author>ann@site.example (Ann Author)</author><dc:creator> Bob </dc:creator>
  <atom:author><atom:name>Cy</atom:name></atom:author>
  <guid isPermaLink="false">id-1</guid><pubDate>Mon, 15 Jan 2024 08:30:00 +0000</pubDate>
  <description>Sum\xc2\x85mary</description><content:encoded>&lt;p&gt;Body&lt;/p&gt;</content:encoded>
</item>
<item xml:base="/other/"><dc:title>Dc title</dc:title><guid>http://g.example/2</guid>
  <dc:date>2024-01-15T08:30:00+02:00</dc:date><description>two</description></item>
<item><title>Atom link</title><atom:link rel="alternate" href="rel/3.html"/>
  <guid isPermaLink="false">http://g.example/3</guid><pubDate>  </pubDate>
  <dc:date>bad</dc:date></item>
<item><title>No link</title><guid isPermaLink=" FALSE ">http://g.example/4</guid></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://site.example/atom/">
<title type="html">A &amp;lt;b&amp;gt;feed</title><link rel="self" href="/self"/><link href="home"/>
<author><name>Feed Author</name></author>
<entry><title>One</title><title>Ignored</title><id>urn:1</id>
  <link rel="enclosure" href="a.mp3"/><link rel="alternate" type="text/plain" href="1.txt"/>
  <link href="1.html" type="text/html"/><author><name> </name></author>
  <author><name>Eve</name></author>
  <updated>2024-01-02T00:00:00Z</updated><published>2024-01-01T00:00:00Z</published>
  <summary>Plain\n\nparagraphs &amp; more</summary>
  <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>X<b>y</b></p></div></content></entry>
<entry xml:base="/deep/"><title type="text">Two &lt;3</title><id>https://site.example/2</id>
  <source><author><name>Source Author</name></author></source>
  <updated>2024-02-30T00:00:00Z</updated>
  <content src="https://cdn.example/2"/></entry>
<entry><id>urn:3</id><link href="3"/><summary type="html">&lt;p&gt;three&lt;/p&gt;</summary></entry>
</feed>"""


def test_rss_one_pass_reader():
    feed = parse_feed(RSS, url=URL)
    assert (feed.title, feed.link, feed.version) == ("Caf\xe9 \u2019s", "https://site.example/",
                                                     "rss20")
    first, second, third, fourth = feed.entries
    assert (first.title, first.link, first.key) == (
        "First & bold", "https://site.example/blog/posts/1.html", "id-1")
    assert first.authors == ["Ann Author", "Bob", "Cy"]
    assert (first.published, first.summary_html) == ("2024-01-15T08:30:00Z", "Sum\u2026mary")
    assert first.content_html == "<p>Body</p>"
    assert (second.title, second.link, second.published) == (
        "Dc title", "http://g.example/2", "2024-01-15T06:30:00Z")
    assert (third.link, third.published, third.published_raw) == (
        "https://site.example/blog/rel/3.html", None, "bad")
    assert (fourth.link, fourth.key) == (None, "http://g.example/4")


def test_atom_one_pass_reader():
    feed = parse_feed(ATOM, url=URL)
    assert (feed.title, feed.link) == ("A <b>feed", "https://site.example/atom/home")
    one, two, three = feed.entries
    assert (one.title, one.link, one.authors) == ("One", "https://site.example/atom/1.html",
                                                  ["Eve"])
    assert one.published == "2024-01-01T00:00:00Z"
    assert one.summary_html == "<p>Plain</p><p>paragraphs &amp; more</p>"
    assert one.content_html == "<p>X<b>y</b></p>"
    assert (two.title, two.link, two.authors) == ("Two <3", "https://site.example/2",
                                                  ["Source Author"])
    assert (two.published, two.content_html) == (None, None)
    assert (three.title, three.link, three.authors) == ("", "https://site.example/atom/3",
                                                        ["Feed Author"])


# feedparser keeps the last <link> even when it is blank; the fast path keeps the last non-blank.
@pytest.mark.parametrize("body", [RSS.replace(b"<link>  </link>", b""), ATOM], ids=["rss", "atom"])
def test_one_pass_readers_agree_with_feedparser(body):
    fast = parse_fast(xmlguard.escape_controls(body), URL, None)
    assert fast is not None
    a, b = normalise(fast, URL), normalise(parse_loose(xmlguard.escape_controls(body), None), URL)
    assert [(e.key, e.link, e.title, e.published) for e in a.entries] == [
        (e.key, e.link, e.title, e.published) for e in b.entries]

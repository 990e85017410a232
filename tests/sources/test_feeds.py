"""Feed parsing: formats, normalisation rules and hostile inputs (reliability-notes section 6)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from reader.sources.fastxml import parse_fast
from reader.sources.feeds import FeedError, looks_like_feed, parse_feed
from reader.sources.feedtypes import MAX_TITLE, iso_date, normalise
from reader.sources.loosefeed import parse_loose

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
URL = "https://gazette.example/feed.xml"


def rss(items: str, *, head: str = "", channel: str = "<title>T</title>") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?>{head}<rss version="2.0"><channel>'
            f"{channel}{items}</channel></rss>").encode()


def item(title: str = "A title", extra: str = "<guid>k1</guid>") -> str:
    return f"<item><title>{title}</title>{extra}</item>"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# -- formats --------------------------------------------------------------------------------

def test_rss20_fixture():
    feed = parse_feed(fixture("rss20.xml"), url=URL)
    assert (feed.version, feed.title, feed.link) == ("rss20", "The Harbour Gazette",
                                                     "https://gazette.example/")
    first, second, third = feed.entries
    assert first.key == "gazette-1001" and first.guid == "gazette-1001"
    assert first.title == "Ferry timetable changes & what they mean"
    assert first.authors == ["Morag Lindqvist"]
    assert first.published == "2024-01-15T08:30:00Z"
    assert "night-shift" in first.content_html and "twenty minutes" in first.summary_html
    assert second.title == "Lighthouse reopens to visitors"
    assert second.link == "https://gazette.example/2024/lighthouse"  # relative, resolved
    assert second.key == second.link  # no guid: the link is the key
    assert second.authors == ["Tomas Okafor"]
    assert second.published == "2024-01-14T16:05:00Z"
    assert third.link == "https://gazette.example/2024/market-day"  # permalink guid
    assert third.published is None and third.published_raw == "not a date at all"
    assert feed.problems == []


def test_atom10_fixture_with_xml_base():
    """Case 46: xml:base on the feed and on an entry."""
    feed = parse_feed(fixture("atom10.xml"), url="https://notes.example/blog/feed.atom")
    assert (feed.version, feed.title, feed.link) == ("atom10", "Field Notes",
                                                     "https://notes.example/blog/")
    swifts, gauge = feed.entries
    assert swifts.title == "Counting swifts at dusk"
    assert swifts.link == "https://notes.example/blog/posts/swifts"
    assert swifts.authors == ["Ada Quill"]  # inherited from the feed
    assert swifts.published == "2024-02-01T18:45:00Z"
    assert swifts.content_html == "<p>Two hundred and <b>twelve</b>.</p>"  # no wrapper div
    assert swifts.summary_html == "<p>Two hundred and twelve, give or take a dozen.</p>"
    assert gauge.title == "Rain gauge <calibration>"  # text construct: literal brackets
    assert gauge.link == "https://other.example/archive/gauge.html"
    assert gauge.authors == ["Basil Ferro"] and gauge.published == "2024-01-20T12:00:00Z"


def test_rss10_fixture():
    feed = parse_feed(fixture("rss10.rdf"), url="https://almanac.example/rss")
    assert feed.version == "rss10" and feed.title == "Village Almanac"
    (entry,) = feed.entries
    assert entry.key == "https://almanac.example/tides/march"
    assert entry.authors == ["Wren Halloway"] and entry.published == "2024-03-01T06:00:00Z"


def test_json_feed_fixture():
    feed = parse_feed(fixture("jsonfeed11.json"), url="https://shelf.example/feed.json")
    assert (feed.version, feed.title, feed.link) == ("json11", "Kitchen Shelf",
                                                     "https://shelf.example/")
    rye, beans = feed.entries
    assert rye.key == "shelf-7" and rye.link == "https://shelf.example/rye-starter"
    assert rye.authors == ["Pim Castellanos"] and rye.published == "2024-04-03T13:00:00Z"
    assert beans.key == "8" and beans.link is None and beans.authors == ["Noor Abbasi"]
    assert beans.content_html == "<p>Three weeks in brine.</p><p>Then into the cellar.</p>"


@pytest.mark.parametrize("name", ["rss20.xml", "atom10.xml", "rss10.rdf"])
def test_fast_path_agrees_with_feedparser(name):
    """Differential check: the lxml path and the feedparser path normalise identically."""
    body = fixture(name)
    fast = parse_fast(body, URL, None)
    assert fast is not None
    a, b = normalise(fast, URL), normalise(parse_loose(body, None), URL)
    assert [(e.key, e.link, e.title, e.published, e.authors) for e in a.entries] == [
        (e.key, e.link, e.title, e.published, e.authors) for e in b.entries]
    assert (a.title, a.link, a.version) == (b.title, b.link, b.version)


def test_atom03_goes_through_feedparser():
    body = (b'<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old</title>'
            b'<entry><title>Hello</title><id>x1</id><issued>2004-01-01T00:00:00Z</issued>'
            b'<link rel="alternate" href="http://old.example/1"/></entry></feed>')
    feed = parse_feed(body)
    assert feed.version == "atom03"
    assert [(e.title, e.link, e.published) for e in feed.entries] == [
        ("Hello", "http://old.example/1", "2004-01-01T00:00:00Z")]


def test_to_article_runs_the_engine():
    feed = parse_feed(fixture("rss20.xml"), url=URL)
    article = feed.entries[0].to_article(feed)
    assert article.title == "Ferry timetable changes & what they mean"
    assert article.url == "https://gazette.example/2024/ferry-timetable"
    assert article.source == article.url
    assert article.authors == ["Morag Lindqvist"]
    assert article.published == "2024-01-15T08:30:00Z"
    assert any("twenty minutes earlier" in b.text for b in article.blocks)
    assert all("<p>" not in b.text for b in article.blocks)


# -- refusals -------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [b"", b"   \n\t", b"\xef\xbb\xbf", b"\xef\xbb\xbf  \n"])
def test_empty_response(body):
    """Case 19."""
    with pytest.raises(FeedError) as info:
        parse_feed(body)
    assert info.value.reason == "empty response"


@pytest.mark.parametrize("body", [b"\x89PNG\r\n\x1a\n" + bytes(200),
                                  b"\x1f\x8b\x08\x00" + bytes(50),
                                  b"%PDF-1.7\n%binary", b"PK\x03\x04zipzip"])
def test_binary_is_not_a_feed(body):
    """Case 21."""
    with pytest.raises(FeedError) as info:
        parse_feed(body)
    assert info.value.reason == "not a feed"


def test_random_bytes_do_not_crash():
    import random

    rng = random.Random(7)
    for _ in range(20):
        body = bytes(rng.randrange(256) for _ in range(2000))
        try:
            parse_feed(body)
        except FeedError as exc:
            assert exc.reason in ("not a feed", "malformed feed")


def test_html_page_is_not_a_feed_and_names_alternates():
    """Case 18."""
    page = (b"<!DOCTYPE html><html><head><title>Blog</title>"
            b'<link rel="alternate" type="application/atom+xml" href="/atom.xml"></head>'
            b"<body><p>Hello <b>there</p></body></html>")
    with pytest.raises(FeedError) as info:
        parse_feed(page, url="https://blog.example/post")
    assert info.value.reason == "not a feed"
    assert info.value.alternates == ["https://blog.example/atom.xml"]
    assert "https://blog.example/atom.xml" in str(info.value)


def test_feed_error_survives_pickling():
    import pickle

    error = FeedError("not a feed", "names feeds", alternates=["https://a.example/rss"])
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.reason, copy.alternates, str(copy)) == (
        "not a feed", ["https://a.example/rss"], "not a feed: names feeds")


def test_wellformed_xhtml_is_not_a_feed():
    page = (b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head>'
            b"<title>x</title></head><body><p>y</p></body></html>")
    with pytest.raises(FeedError) as info:
        parse_feed(page)
    assert info.value.reason == "not a feed" and info.value.alternates == []


# -- hostile XML ----------------------------------------------------------------------------

def test_billion_laughs_refused():
    """Cases 22–23: nested entity references are refused before any parser runs."""
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    body = rss(item("&l9;"), head=f'<!DOCTYPE r [<!ENTITY l0 "lol">{lol}]>')
    with pytest.raises(FeedError) as info:
        parse_feed(body)
    assert info.value.reason == "unsafe XML (entity expansion)"


def test_quadratic_blowup_refused():
    """Case 24: a 100 KB entity referenced 20,000 times."""
    body = rss(item("&a;" * 20000), head=f'<!DOCTYPE r [<!ENTITY a "{"x" * 100_000}">]>')
    with pytest.raises(FeedError) as info:
        parse_feed(body)
    assert info.value.reason == "unsafe XML (entity expansion)"


def test_large_entity_value_in_small_subset_refused():
    body = rss(item("&a;"), head=f'<!DOCTYPE r [<!ENTITY a "{"y" * 2000}">]>')
    with pytest.raises(FeedError) as info:
        parse_feed(body)
    assert "entity" in str(info.value)


def test_closing_bracket_inside_a_value_does_not_end_the_scan():
    head = f'<!DOCTYPE r [<!ENTITY trick "]>"><!ENTITY big "{"z" * 50_000}">]>'
    with pytest.raises(FeedError) as info:
        parse_feed(rss(item("&big;" * 100), head=head))
    assert info.value.reason == "unsafe XML (entity expansion)"


def test_cyclic_and_parameter_entity_nesting_refused():
    cyclic = '<!DOCTYPE r [<!ENTITY a "&b;"><!ENTITY b "&a;">]>'
    params = "".join(f'<!ENTITY % p{i} "{f"%p{i - 1};" * 10}">' for i in range(1, 8))
    for head in (cyclic, f'<!DOCTYPE r [<!ENTITY % p0 "xxxxxxxxxx">{params}]>'):
        with pytest.raises(FeedError) as info:
            parse_feed(rss(item("x"), head=head))
        assert info.value.reason == "unsafe XML (entity expansion)"


def test_long_list_of_small_entities_is_fine():
    """Old feeds declare the whole HTML entity set: about 8 KB of harmless declarations."""
    names = [f"ent{i}" for i in range(250)]
    decls = "".join(f'<!ENTITY {n} "&#{160 + i};">' for i, n in enumerate(names))
    feed = parse_feed(rss(item("Price &ent9; ten"), head=f"<!DOCTYPE rss [{decls}]>"))
    assert feed.entries[0].title == "Price \u00a9 ten"


def test_harmless_entity_declarations_still_parse():
    body = rss(item("Hello &who;"), head='<!DOCTYPE rss [<!ENTITY who "world">]>')
    assert [e.title for e in parse_feed(body).entries] == ["Hello world"]


@pytest.mark.parametrize("target", ["file:///etc/hostname", "file:///etc/passwd",
                                    "http://127.0.0.1:9/evil.dtd"])
def test_external_entities_are_not_read(target):
    """Case 25: no file read, no network; the entity stays unresolved."""
    body = rss(item("A &x; B"), head=f'<!DOCTYPE r [<!ENTITY x SYSTEM "{target}">]>')
    feed = parse_feed(body)
    assert feed.entries[0].title == "A B"
    assert "root:" not in feed.entries[0].title


@pytest.mark.parametrize("ref", ["&#xD800;", "&#x110000;", "&#99999999999;"])
def test_out_of_range_char_refs(ref):
    """Case 26: replaced with U+FFFD instead of crashing feedparser."""
    feed = parse_feed(rss(item(f"A {ref} B")))
    assert feed.entries[0].title == "A \ufffd B"


def test_backslash_entity_value():
    """Case 27: feedparser raises re.error on this unless guarded."""
    feed = parse_feed(rss(item("A &b; B"), head='<!DOCTYPE r [<!ENTITY b "x\\1\\g<0>">]>'))
    assert feed.entries[0].title.startswith("A ")


def test_truncated_xml_keeps_entries_with_problem():
    """Case 20."""
    body = rss(item("One", "<guid>1</guid>") + item("Two", "<guid>2</guid>"))[:-23]
    feed = parse_feed(body)
    assert [e.title for e in feed.entries][:2] == ["One", "Two"]
    assert feed.problems


def test_unknown_entity_is_kept_as_a_bozo_problem():
    """Case 31."""
    feed = parse_feed(rss(item("Fish &bogus; chips")))
    assert feed.entries[0].title.startswith("Fish")
    assert any("entity" in p for p in feed.problems)


def test_latin1_declared_utf8():
    """Case 29."""
    body = rss(item("X")).replace(b"<title>X</title>", b"<title>Caf\xe9 cr\xe8me</title>")
    feed = parse_feed(body)
    assert feed.entries[0].title in ("Café crème", "Caf\ufffd cr\ufffdme")


def test_utf16_without_bom():
    """Case 30."""
    text = ('<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel><title>t</title>'
            "<item><title>Ünïcode title</title><guid>1</guid></item></channel></rss>")
    assert parse_feed(text.encode("utf-16-le")).entries[0].title == "Ünïcode title"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_wide_encodings_with_header_charset(encoding):
    text = (f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel>'
            "<title>t</title><item><title>Ünïcode — title</title><guid>1</guid></item>"
            "</channel></rss>")
    feed = parse_feed(text.encode(encoding), content_type=f"application/xml; charset={encoding}")
    assert feed.entries[0].title == "Ünïcode — title"


def test_utf16_quadratic_blowup_is_refused_too():
    """The entity guard works on bytes: UTF-16 input is re-encoded before it runs."""
    body = rss(item("&a;" * 20000), head=f'<!DOCTYPE r [<!ENTITY a "{"x" * 100_000}">]>')
    with pytest.raises(FeedError) as info:
        parse_feed(body.decode().replace("utf-8", "utf-16").encode("utf-16"))
    assert info.value.reason == "unsafe XML (entity expansion)"


def test_doctype_after_a_long_comment_is_still_checked():
    padding = "<!-- " + "pad " * 50_000 + "-->"
    body = rss(item("&a;" * 100), head=padding + f'<!DOCTYPE r [<!ENTITY a "{"x" * 5000}">]>')
    with pytest.raises(FeedError):
        parse_feed(body)


def test_subset_closing_with_space_is_not_mistaken_for_a_huge_one():
    body = rss(item("Hello &who;"), head='<!DOCTYPE rss [\n<!ENTITY who "world">\n] >')
    assert parse_feed(body).entries[0].title.startswith("Hello")


def test_wrong_charset_header_falls_back_to_feedparser():
    body = rss(item("Café"))
    feed = parse_feed(body, content_type="application/rss+xml; charset=iso-8859-1")
    assert feed.entries[0].title in ("Café", "CafÃ©")
    assert parse_fast(body, None, "application/rss+xml; charset=iso-8859-1") is None


def test_twenty_thousand_items_are_capped_to_newest():
    """Case 32: keep the newest 1,000."""
    def date(i: int) -> str:
        return time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(1_600_000_000 + i * 60))

    items = "".join(item(f"Item {i}", f"<guid>g{i}</guid><pubDate>{date(i)}</pubDate>")
                    for i in range(20_000))
    feed = parse_feed(rss(items))
    assert len(feed.entries) == 1000
    assert feed.entries[0].title == "Item 19000" and feed.entries[-1].title == "Item 19999"
    assert any("kept the newest 1000" in p for p in feed.problems)


def test_huge_title_is_capped():
    """Case 33."""
    feed = parse_feed(rss(item("word " * 200_000)))
    assert len(feed.entries[0].title) == MAX_TITLE
    assert feed.entries[0].title.endswith("…")


def test_deeply_nested_xml():
    """Case 34."""
    body = rss(item("Deep", "<guid>d</guid><description>" + "<div>" * 20_000 + "x"
                    + "</div>" * 20_000 + "</description>"))
    feed = parse_feed(body)
    assert feed.entries[0].title == "Deep"


# -- normalisation ----------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("&lt;b&gt;Bold&lt;/b&gt; &amp;amp;amp; plain", "Bold &amp; plain"),  # 41: unescaped once
    ("<![CDATA[<i>It</i> & co]]>", "It & co"),
    ("A\x00B\x08C\x7fD", "ABCD"),                                        # case 28
    ("Title \x1b]0;pwned\x07 \x1b[2J end", "Title end"),                  # case 37
    ("Title &#27;]52;c;Y2xpcA==&#7; &#27;[6n end", "Title end"),          # case 37
    ("invoice\u202eexe.pdf", "invoiceexe.pdf"),                          # case 40
    ("[bold red]x[/] [@click=app.quit]y[/]", "[bold red]x[/] [@click=app.quit]y[/]"),  # 39
    ("Safe&lt;script&gt;alert(1)&lt;/script&gt; text", "Safe text"),     # case 42
])
@pytest.mark.parametrize("bozo", [False, True])
def test_titles_are_cleaned(raw, expected, bozo):
    """On the fast path and on the feedparser path alike."""
    body = rss(item(raw), channel="<title>T</title>" + ("&bogus;" if bozo else ""))
    feed = parse_feed(body)
    assert feed.entries[0].title == expected


def test_c1_controls_never_reach_a_title():
    """Case 38: U+009B (C1 CSI) and U+009D (C1 OSC)."""
    feed = parse_feed(rss(item("A \x9b31m B \x9d0;x\x07 C")))
    title = feed.entries[0].title
    assert not any(0x80 <= ord(c) <= 0x9F or c in "\x1b\x07" for c in title)
    assert title.startswith("A") and title.endswith("C")


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd",
                                  "vbscript:x", " JavaScript:alert(1)"])
def test_unsafe_links_dropped(link):
    """Case 43."""
    feed = parse_feed(rss(item("x", f"<link>{link}</link><guid>k</guid>")), url=URL)
    assert feed.entries[0].link is None


def test_dash_led_link_is_never_kept_bare():
    """Case 44: without a base it is dropped; with one it is a path on the feed's host."""
    body = rss(item("x", "<link>--renderer-cmd-prefix=xcalc</link><guid>k</guid>"))
    assert parse_feed(body).entries[0].link is None
    assert parse_feed(body, url=URL).entries[0].link == (
        "https://gazette.example/--renderer-cmd-prefix=xcalc")


def test_relative_links_without_base_are_dropped():
    """Case 45: never kept while still relative."""
    feed = parse_feed(rss(item("x", "<link>/posts/1</link>")))
    assert feed.entries[0].link is None


def test_atom_id_is_the_link_only_when_absolute_http():
    body = (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
            b"<entry><title>a</title><id>https://ids.example/1</id></entry>"
            b"<entry><title>b</title><id>tag:ids.example,2024:2</id></entry></feed>")
    assert [e.link for e in parse_feed(body).entries] == ["https://ids.example/1", None]


@pytest.mark.parametrize("bozo", [False, True])
def test_several_links_last_wins(bozo):
    extra = ("<link>https://a.example/1</link><link>https://a.example/2</link>"
             '<link href="https://a.example/3"/><guid>g</guid>')
    body = rss(item("x", extra), channel="<title>T</title>" + ("&bogus;" if bozo else ""))
    assert parse_feed(body).entries[0].link == "https://a.example/3"


def test_media_title_fills_a_missing_title():
    body = rss(item("", '<guid>m</guid><media:group xmlns:media="http://search.yahoo.com/mrss/">'
                    "<media:title>From the media group</media:title></media:group>"))
    body = body.replace(b"<title></title>", b"")
    assert parse_feed(body).entries[0].title == "From the media group"


def test_c1_quotes_become_cp1252_characters():
    """U+0092 in a UTF-8 feed is nearly always a cp1252 apostrophe; feedparser maps it too."""
    body = rss(item("don\u0092t", "<guid>c</guid><description>\u0093quoted\u0094</description>"))
    (entry,) = parse_feed(body).entries
    assert (entry.title, entry.summary_html) == ("don\u2019t", "\u201cquoted\u201d")


def test_guid_as_link_only_when_absolute():
    """Case 49."""
    feed = parse_feed(rss(item("a", "<guid>d0</guid>") + item("b", "<guid>../up</guid>")), url=URL)
    assert [(e.key, e.link) for e in feed.entries] == [("d0", None), ("../up", None)]


def test_guid_kept_verbatim_as_key_on_both_paths():
    body = rss(item("a", "<guid>d0</guid>"))
    bozo = body.replace(b"<title>T</title>", b"<title>T</title>&bogus;")
    assert parse_feed(body, url=URL).entries[0].key == "d0"
    assert parse_feed(bozo, url=URL).entries[0].key == "d0"


def test_duplicate_guids_first_wins():
    """Case 47."""
    feed = parse_feed(rss(item("first", "<guid>same</guid>") + item("second", "<guid>same</guid>")))
    assert [e.title for e in feed.entries] == ["first"]
    assert "1 duplicate entries dropped" in feed.problems


def test_missing_guid_and_link_gets_stable_hash_key():
    """Case 48: same key on every parse; different items, different keys."""
    body = rss(item("No id", "<description>one</description>")
               + item("No id either", "<description>two</description>"))
    first, second = parse_feed(body).entries
    assert first.key.startswith("sha256:") and first.key != second.key
    assert parse_feed(body).entries[0].key == first.key


def test_traversal_guid_is_just_a_key():
    """Case 51: the guid is data, never a path."""
    feed = parse_feed(rss(item("x", "<guid>../../../../home/user/.bashrc</guid>")))
    assert feed.entries[0].key == "../../../../home/user/.bashrc"
    assert feed.entries[0].link is None


@pytest.mark.parametrize(("raw", "expected"), [
    ("Mon, 15 Jan 2024 08:30:00 +0000", "2024-01-15T08:30:00Z"),
    ("2024-01-15T08:30:00+02:00", "2024-01-15T06:30:00Z"),
    ("2024-01-15", "2024-01-15T00:00:00Z"),
    ("not a date", None),
    ("32 Jan 2024 25:61:61", None),
    ("0000-00-00", None),
    ("1969-12-31T23:59:59Z", None),
    ("2050-01-01T00:00:00Z", None),
    ("9999-12-31T00:00:00Z", None),
    ("Mon, 15 Jan 2024 08:30:00 +1400", "2024-01-14T18:30:00Z"),
    ("15 Jan 2024 08:30 GMT", "2024-01-15T08:30:00Z"),
    ("Mon, 15 Jan 2024 08:30:00 EST", "2024-01-15T13:30:00Z"),
    ("Mon, 15 Jan 2024 08:30:00 -0530", "2024-01-15T14:00:00Z"),
    ("Mon, 15 Foo 2024 08:30:00 GMT", None),
    ("2024-01-15T08:30:00.123456Z", "2024-01-15T08:30:00Z"),
    ("", None),
])
def test_dates(raw, expected):
    """Case 50."""
    assert iso_date(raw) == expected


def test_feb_30_does_not_crash():
    assert iso_date("2024-02-30T00:00:00Z") in (None, "2024-03-01T00:00:00Z")


# -- JSON Feed ------------------------------------------------------------------------------

def jf(items: object, **extra: object) -> bytes:
    return json.dumps({"version": "https://jsonfeed.org/version/1", "title": "J",
                       "items": items, **extra}).encode()


def test_json_feed_items_that_are_strings():
    """Case 35."""
    with pytest.raises(FeedError) as info:
        parse_feed(jf(["a", "b"]))
    assert info.value.reason == "malformed feed"


def test_json_feed_wrong_types_are_ignored():
    feed = parse_feed(jf([{"id": "1", "title": ["not", "a", "string"], "url": 5,
                           "content_html": {"x": 1}, "date_published": 20240101},
                          "stray string"]))
    (entry,) = feed.entries
    assert entry.key == "1" and entry.title == "" and entry.link is None
    assert entry.published is None
    assert any("wrong type" in p for p in feed.problems)
    assert "1 items are not objects" in feed.problems


@pytest.mark.parametrize("body", [
    jf([{"id": "1"}])[:-10],
    b'{"version": "https://jsonfeed.org/version/1", "items": {}}',
    b'\xef\xbb\xbf{"version": "https://jsonfeed.org/version/1", "items": 3}',
    b'{"version": "https://jsonfeed.org/version/1", "items": [' + b"[" * 100_000,
])
def test_json_feed_malformed(body):
    with pytest.raises(FeedError) as info:
        parse_feed(body)
    assert info.value.reason == "malformed feed"


def test_json_that_is_not_a_feed():
    with pytest.raises(FeedError) as info:
        parse_feed(b'{"hello": "world"}')
    assert info.value.reason == "not a feed"


def test_json_feed_author_v1():
    feed = parse_feed(jf([{"id": "1", "content_text": "x"}], author={"name": "Solo Writer"}))
    assert feed.entries[0].authors == ["Solo Writer"]


# -- sniffing ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("head", "expected"), [
    (b'<?xml version="1.0"?>\n<!-- c --><rss version="2.0">', True),
    (b'\xef\xbb\xbf<feed xmlns="http://www.w3.org/2005/Atom">', True),
    (b'<rdf:RDF xmlns:rdf="x">', True),
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', True),
    ("<?xml version='1.0'?><rss>".encode("utf-16"), True),
    (b"<!DOCTYPE html><html><head><link rel=alternate>", False),
    (b"<html><body><rss>", False),
    (b"Just some text about <rss> feeds.", False),
    (b'{"hello": 1}', False),
])
def test_looks_like_feed(head, expected):
    assert looks_like_feed(head) is expected

"""Hostile feed bodies through `parse_feed` (reliability-notes section 6, parse and content
layers: cases 19-35, 37-51). Expected behaviour is asserted, not just "no crash"."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from hostile import payloads as P
from hostile.checks import is_terminal_safe
from reader.sources.feeds import FeedError, ParsedFeed, parse_feed

URL = "http://127.0.0.1:1/feeds/main.xml"


def parse(body: bytes, **kw: str) -> ParsedFeed:
    return parse_feed(body, url=kw.get("url", URL), content_type=kw.get("content_type"))


def assert_entries_clean(feed: ParsedFeed) -> None:
    """Titles, authors, guids and keys carry no control character; links are http(s)."""
    for e in [*feed.entries]:
        for value in (e.title, e.guid or "", e.key, *e.authors):
            assert is_terminal_safe(value), repr(value)
            assert "\n" not in value
        assert e.link is None or e.link.startswith(("http://", "https://"))
    assert is_terminal_safe(feed.title)


# -- refused bodies: (body, the FeedError reason) ----------------------------------------------

REFUSED = {
    "empty body": (b"", "empty response"),
    "whitespace only": (b" \r\n\t  \n", "empty response"),
    "BOM only": (b"\xef\xbb\xbf", "empty response"),
    "UTF-16 BOM only": (b"\xff\xfe", "empty response"),
    "NUL padding": (bytes(32), "empty response"),
    "PNG": (P.PNG, "not a feed"),
    "un-gunzipped .gz": (P.GZIP, "not a feed"),
    "random bytes": (P.RANDOM, "not a feed"),
    "HTML page": (b"<!DOCTYPE html><html><head><title>t</title></head>"
                  b"<body><p>Just a page.</p></body></html>", "not a feed"),
    "well-formed XHTML page": (b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml">'
                               b"<head><title>t</title></head><body><p>x</p></body></html>",
                               "not a feed"),
    "plain text": (b"Just some words, not a feed at all.\n", "not a feed"),
    "JSON Feed items are strings": (P.json_feed(["a", "b"]), "malformed feed"),
    "JSON Feed truncated": (P.json_feed([{"id": "1", "title": "x"}])[:60], "malformed feed"),
    "JSON Feed items not a list": (P.json_feed({"id": "1"}), "malformed feed"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_unusable_bodies_give_a_short_reason(case: str) -> None:
    body, reason = REFUSED[case]
    with pytest.raises(FeedError) as info:
        parse(body)
    assert info.value.reason == reason
    assert "\n" not in info.value.message and len(info.value.message) < 300


def test_html_page_names_its_feeds() -> None:
    """Case 18: "not a feed", with the `<link rel=alternate>` feeds it offers."""
    page = (b'<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml">'
            b"</head><body><p>x</p></body></html>")
    with pytest.raises(FeedError) as info:
        parse(page, url="http://127.0.0.1:1/blog/")
    assert info.value.reason == "not a feed"
    assert info.value.alternates == ["http://127.0.0.1:1/rss.xml"]


# -- entity attacks: run in a subprocess so a regression cannot hang or swamp CI ---------------

_PARSE_IN_CHILD = textwrap.dedent("""
    import sys, time
    from reader.sources.feeds import FeedError, parse_feed
    body = sys.stdin.buffer.read()
    start = time.perf_counter()
    try:
        feed = parse_feed(body, url="http://127.0.0.1:1/f.xml")
        outcome = "ok " + repr([e.title for e in feed.entries][:3]) + " " + repr(
            [e.summary_html[:200] for e in feed.entries][:3])
    except FeedError as exc:
        outcome = "error " + exc.reason
    print(outcome)
""")


def parse_in_child(body: bytes, timeout: float = 20) -> str:
    proc = subprocess.run([sys.executable, "-c", _PARSE_IN_CHILD], input=body,
                          capture_output=True, timeout=timeout, check=False)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    return proc.stdout.decode().strip()


@pytest.mark.parametrize("builder", [P.billion_laughs, P.billion_laughs_one_line,
                                     P.quadratic_blowup],
                         ids=["billion laughs", "one-line billion laughs", "quadratic blowup"])
def test_entity_expansion_is_refused_fast(builder) -> None:
    """Cases 22-24: refused as "unsafe XML" before any parser runs (timeout-guarded)."""
    assert parse_in_child(builder(), timeout=20) == "error unsafe XML (entity expansion)"


def test_entity_expansion_refused_in_process_without_expanding() -> None:
    with pytest.raises(FeedError) as info:
        parse(P.quadratic_blowup(value_kb=20, refs=2000))
    assert info.value.reason == "unsafe XML (entity expansion)"


def test_external_entities_are_never_resolved(tmp_path) -> None:
    """Case 25: no file read, no network; the reference stays unresolved."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-CONTENT")
    body = P.xxe().replace(b"file:///etc/hostname", f"file://{secret}".encode())
    outcome = parse_in_child(body)
    assert "TOPSECRET" not in outcome
    assert outcome == "ok ['before &ext; after'] ['body &ext;']"  # left unresolved


def test_out_of_range_character_references() -> None:
    """Case 26: &#xD800; &#x110000; &#99999999999; become U+FFFD (&#0; may just go)."""
    feed = parse(P.bad_char_refs())
    assert [e.title for e in feed.entries][:3] == [
        "surrogate \ufffd end", "beyond \ufffd end", "overflow \ufffd end"]
    assert feed.entries[3].title in ("zero \ufffd end", "zero end")  # NUL: replaced or dropped


def test_backslash_in_entity_value() -> None:
    """Case 27: feedparser raised `re.error` here; we keep the entry."""
    feed = parse(P.backslash_entity())
    assert len(feed.entries) == 1 and feed.entries[0].title.startswith("slash")


def test_truncated_feed_keeps_what_parsed() -> None:
    """Case 20: entries before the cut are kept and a problem is recorded."""
    feed = parse(P.truncated())
    assert [e.title for e in feed.entries][:2] == ["Story 0", "Story 1"]
    assert feed.problems


def test_unknown_named_entity_is_shown_literally() -> None:
    """Case 31."""
    feed = parse(P.rss([{"title": "Fish &bogus; chips", "guid": "e"}]))
    assert feed.entries[0].title == "Fish &bogus; chips"


def test_twenty_thousand_items_are_capped() -> None:
    """Case 32: at most 1,000 stored, the cut is reported."""
    feed = parse(P.many_items(20_000))
    assert len(feed.entries) == 1000
    assert any("20000" in p for p in feed.problems)


def test_one_megabyte_title_is_capped() -> None:
    """Case 33."""
    feed = parse(P.rss([{"title": "word " * 200_000, "guid": "big"}]))
    assert 0 < len(feed.entries[0].title) <= 300


def test_deep_nesting_in_entry_html() -> None:
    """Case 34: 5,000 nested divs in an entry: no RecursionError in our HTML-to-text step."""
    feed = parse(P.deep_nesting(5000))
    article = feed.entries[0].to_article(feed)
    assert "deep words" in " ".join(b.text for b in article.blocks)


def test_deep_xml_nesting() -> None:
    body = P.rss([{"title": "nest", "guid": "n",
                   "description": "<x>" * 20_000 + "t" + "</x>" * 20_000}])
    feed = parse(body)
    assert feed.entries and feed.entries[0].title == "nest"


def test_json_feed_with_wrong_types_keeps_usable_items() -> None:
    """Case 35: wrong types count as missing and are reported; the item survives."""
    feed = parse(P.json_feed([{"id": 5, "title": ["x"], "url": {"a": 1}, "content_html": 3},
                              {"id": "ok", "title": "Fine", "url": "https://example.org/a",
                               "content_text": "Plain words."}]))
    assert [e.title for e in feed.entries][-1] == "Fine"
    assert feed.problems


# -- content layer -------------------------------------------------------------------------


def test_hostile_title_is_cleaned_but_readable() -> None:
    """Cases 28, 37-41: controls, escapes, bidi stripped; markup kept as literal text."""
    items = [{"title": P.xml_text(P.HOSTILE_TITLE), "guid": "raw"},
             {"title": P.xml_text(P.HOSTILE_TITLE).replace("&#27;", "&amp;#27;"), "guid": "ref"},
             {"title": "&lt;b&gt;Bold&lt;/b&gt; &amp;amp; &lt;img src=x onerror=alert(1)&gt;",
              "guid": "html"}]
    feed = parse(P.rss(items))
    assert_entries_clean(feed)
    for entry in feed.entries[:2]:
        for words in P.TITLE_WORDS:
            assert words in entry.title, (words, entry.title)
    # Raw ESC references go as whole sequences. Double-escaped ones (`&amp;#27;`) lose only
    # the ESC (`html.unescape` drops control references), so an inert tail stays visible.
    assert "pwned-title" not in feed.entries[0].title
    assert "[@click=app.quit]Read more[/]" in feed.entries[0].title
    assert feed.entries[2].title == "Bold &"  # tags stripped, entities unescaped once


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,<script>x</script>",
                                  "file:///etc/passwd", "vbscript:msgbox", "  JAVASCRIPT:alert(1)",
                                  "java\tscript:alert(1)", "ftp://127.0.0.1/x"])
def test_unsafe_links_are_dropped(link: str) -> None:
    """Case 43: only absolute http(s) links survive, with or without a base URL."""
    for url in (URL, None):
        feed = parse_feed(P.rss([{"title": "t", "link": P.xml_text(link), "guid": "g"}]), url=url)
        assert feed.entries[0].link is None


def test_dash_led_link_is_never_passed_on_as_is() -> None:
    """Case 44: it can only survive as a relative path resolved to an http(s) URL."""
    body = P.rss([{"title": "t", "link": "--renderer-cmd-prefix=xcalc", "guid": "g"}], link="")
    assert parse_feed(body, url=None).entries[0].link is None
    assert parse(body).entries[0].link == "http://127.0.0.1:1/feeds/--renderer-cmd-prefix=xcalc"


def test_relative_links_resolve_against_the_feed_url() -> None:
    """Case 45."""
    feed = parse(P.rss([{"title": "a", "link": "/posts/1"}, {"title": "b", "link": "../x"}]),
                 url="http://127.0.0.1:1/feeds/main.xml")
    assert [e.link for e in feed.entries] == ["http://127.0.0.1:1/posts/1",
                                              "http://127.0.0.1:1/x"]


def test_atom_xml_base_is_honoured() -> None:
    """Case 46."""
    body = (b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
            b'xml:base="http://127.0.0.1:1/base/"><title>A</title><id>urn:a</id>'
            b"<updated>2024-01-01T00:00:00Z</updated><entry><title>E</title><id>urn:e</id>"
            b'<updated>2024-01-01T00:00:00Z</updated><link href="post/1"/></entry></feed>')
    feed = parse(body)
    assert feed.entries[0].link == "http://127.0.0.1:1/base/post/1"


def test_duplicate_guids_first_wins() -> None:
    """Case 47: deterministic dedupe, reported."""
    feed = parse(P.rss([{"title": "first", "guid": "same"}, {"title": "second", "guid": "same"},
                        {"title": "other", "guid": "else"}]))
    assert [e.title for e in feed.entries] == ["first", "other"]
    assert any("duplicate" in p for p in feed.problems)


def test_missing_guid_and_link_get_stable_distinct_keys() -> None:
    """Case 48: the same body gives the same keys; different items differ."""
    body = P.rss([{"title": "one", "description": "alpha"}, {"title": "two",
                                                            "description": "beta"}])
    first, second = parse(body), parse(body)
    keys = [e.key for e in first.entries]
    assert keys == [e.key for e in second.entries] and len(set(keys)) == 2


def test_guid_used_as_link_only_when_absolute() -> None:
    """Case 49: feedparser turns `<guid>d0</guid>` into link "d0"; we must not."""
    feed = parse(P.rss([{"title": "t", "guid": "d0"},
                        {"title": "u", "guid": "https://example.org/p/1"}]))
    assert feed.entries[0].link is None and feed.entries[0].guid == "d0"
    assert feed.entries[1].link == "https://example.org/p/1"


@pytest.mark.parametrize("raw", ["not a date", "32 Jan 25:61:61", "0000-00-00", "2024-02-30",
                                 "2023-02-29T10:00:00Z", "2024-13-01",
                                 "Tue, 01 Jan 2050 00:00:00 GMT", "9999-12-31T23:59:59Z",
                                 "1969-07-20T20:17:00Z", "-1", "\x00",
                                 # out of datetime's range once in UTC (raised OverflowError)
                                 "31 Dec 9999 23:59:59 -0100", "0001-01-01T00:00:00+01:00"])
def test_invalid_dates_become_none_and_keep_the_raw_string(raw: str) -> None:
    """Case 50: unparseable, pre-1970 and future dates are None; the raw text is kept."""
    feed = parse(P.rss([{"title": "d", "guid": "d", "pubDate": P.xml_text(raw)}]))
    entry = feed.entries[0]
    assert entry.published is None
    assert entry.published_raw is not None or raw == "\x00"


@pytest.mark.parametrize("raw", ["Mon, 01 Jan 2024 10:00:00 +1400", "2024-02-29T12:00:00Z"])
def test_odd_but_valid_dates_parse(raw: str) -> None:
    feed = parse(P.rss([{"title": "d", "guid": "d", "pubDate": raw}]))
    assert (feed.entries[0].published or "").startswith(("2023-12-31", "2024-02-29"))


@pytest.mark.parametrize("guid", ["../../../../home/user/.bashrc", "a\x00b/..\\..\\CON",
                                  "%2e%2e%2fetc%2fpasswd", "/etc/passwd", "C:\\Windows\\x"])
def test_traversal_guids_are_kept_as_opaque_keys(guid: str) -> None:
    """Case 51: a guid is a key string, never a path; controls are stripped from it."""
    feed = parse(P.rss([{"title": "g", "guid": P.xml_text(guid)}]))
    entry = feed.entries[0]
    assert entry.key == entry.guid and "\x00" not in entry.key
    assert entry.link is None


def test_script_and_cdata_tricks_never_become_active_text() -> None:
    """Case 42: the article built from the entry carries no script source."""
    desc = ("<![CDATA[<p>Visible words here.</p><script>alert('x')</script>"
            "<p onclick=\"steal()\">Clicked text.</p>]]]]><![CDATA[>]]>")
    feed = parse(P.rss([{"title": "c", "guid": "c", "description": desc}]))
    article = feed.entries[0].to_article(feed)
    text = " ".join(b.text for b in article.blocks)
    assert "Visible words here." in text and "alert(" not in text and "steal()" not in text


def test_latin1_bytes_declared_utf8() -> None:
    """Case 29: decoded best-effort, entry kept."""
    body = P.rss([{"title": "Caf\u00e9 cr\u00e8me", "guid": "l"}]).decode().encode("latin-1")
    feed = parse(body)
    assert len(feed.entries) == 1 and feed.entries[0].title.startswith("Caf")


def test_discovery_offers_only_http_feeds() -> None:
    """`byline add PAGE` subscribes to what the page names: never a non-http(s) URL."""
    from reader.sources.discover import discover_feeds

    links = "".join(f'<link rel="alternate" type="application/rss+xml" href="{href}">'
                    for href in ("javascript:alert(1)", "file:///etc/passwd", "--x",
                                 "data:text/xml,&lt;rss/&gt;", "/ok.xml", "vbscript:x"))
    page = f"<html><head>{links}</head><body></body></html>"
    found = discover_feeds(page, "http://127.0.0.1:1/blog/")
    assert "http://127.0.0.1:1/ok.xml" in found
    assert all(u.startswith("http://127.0.0.1:1/") for u in found)
    assert discover_feeds(page, "") == []

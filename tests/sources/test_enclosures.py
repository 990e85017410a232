"""Enclosures from every place feeds put them, on the fast path and through feedparser alike,
and their fields checked (reliability: URLs, sizes and durations are untrusted)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from reader.article.model import Enclosure
from reader.sources.enclosures import byte_count, mime_type, seconds
from reader.sources.feeds import parse_feed

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
PODCAST = (FIXTURES / "podcast.xml").read_bytes()
FEED_URL = "https://harbour-hour.example/feed.xml"
EPISODE_12 = [
    Enclosure("https://harbour-hour.example/audio/hh-12.mp3", "audio/mpeg", 48_200_000, 3130),
    Enclosure("https://harbour-hour.example/video/hh-12.mp4", "video/mp4", 310_000_000, 3130),
    Enclosure("https://harbour-hour.example/img/crew.jpg", "image/*", None, None,
              "The crew at dawn"),
]
EPISODE_11 = [Enclosure("https://harbour-hour.example/audio/hh-11.ogg", "audio/ogg", None, 3725)]


def _both_paths(body: bytes) -> list[bytes]:
    """The document as is (the lxml fast path), and with a DOCTYPE (which sends it to
    feedparser)."""
    head, rest = body.split(b"?>", 1)
    return [body, head + b"?><!DOCTYPE rss>" + rest]


@pytest.mark.parametrize("path", ["fast", "feedparser"])
def test_rss_enclosures_media_rss_and_itunes_duration(path):
    body = _both_paths(PODCAST)[path == "feedparser"]
    entries = parse_feed(body, url=FEED_URL).entries
    twelve, eleven = entries
    expected = list(EPISODE_12)
    if path == "feedparser":  # feedparser keeps no media:title inside media:content
        expected[2] = replace(expected[2], title="")
    assert twelve.enclosures == expected
    # javascript: dropped, a negative length is no length, the type loses its parameters
    assert eleven.enclosures == EPISODE_11


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Quay notes</title>
<entry><id>tag:quay.example,2026:1</id><title>Harbour sounds</title>
<link href="https://quay.example/1"/>
<link rel="enclosure" href="sounds/gulls.flac" type="audio/flac" length="9000000"
      title="Gulls at first light"/>
<link rel="enclosure" href="file:///etc/passwd" type="audio/flac"/>
<updated>2026-11-02T08:00:00Z</updated><summary>Recorded on the pier.</summary></entry>
</feed>"""


@pytest.mark.parametrize("body", [ATOM, ATOM.replace(b"?>", b"?><!DOCTYPE feed>", 1)],
                         ids=["fast", "feedparser"])
def test_atom_enclosure_links(body):
    entry = parse_feed(body, url="https://quay.example/feed.atom").entries[0]
    assert entry.link == "https://quay.example/1"
    assert entry.enclosures == [Enclosure("https://quay.example/sounds/gulls.flac",
                                          "audio/flac", 9_000_000, None,
                                          "Gulls at first light")]


def test_json_feed_attachments_are_type_checked():
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "Pier radio", "items": [
        {"id": "7", "content_text": "Seven.", "attachments": [
            {"url": "https://pier.example/7.m4a", "mime_type": "audio/x-m4a",
             "size_in_bytes": 89_970_236, "duration_in_seconds": 6629.5, "title": "Part one"},
            {"url": "https://pier.example/7b.m4a", "mime_type": 5, "size_in_bytes": "big",
             "duration_in_seconds": True},
            {"url": "data:audio/mpeg;base64,AAAA"},
            "not an object"]},
        {"id": "8", "content_text": "Eight.", "attachments": {"url": "x"}}]}
    feed = parse_feed(json.dumps(doc).encode())
    seven, eight = feed.entries
    assert seven.enclosures == [
        Enclosure("https://pier.example/7.m4a", "audio/x-m4a", 89_970_236, 6629, "Part one"),
        Enclosure("https://pier.example/7b.m4a")]
    assert eight.enclosures == []
    assert "attachments has the wrong type" in feed.problems
    assert "mime_type has the wrong type" in feed.problems


def test_one_entry_keeps_at_most_twenty_distinct_enclosures():
    items = "".join(f'<enclosure url="https://a.example/{i % 30}.mp3" type="audio/mpeg"/>'
                    for i in range(200))
    body = (f'<rss version="2.0"><channel><title>t</title><item><guid>g</guid>{items}</item>'
            "</channel></rss>").encode()
    found = parse_feed(body, url="https://a.example/f").entries[0].enclosures
    assert [e.url for e in found] == [f"https://a.example/{i}.mp3" for i in range(20)]


@pytest.mark.parametrize(("text", "expected"), [
    ("3125", 3125), ("52:05", 3125), ("1:02:05", 3725), ("90:00", 5400), ("3125.9", 3125),
    ("", None), ("0", None), ("-3", None), ("1:61", None), ("2:60:00", None), ("abc", None),
    ("٣١٢٥", None), ("99999999", None), ("1e9", None)])
def test_durations(text, expected):
    assert seconds(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("48200000", 48_200_000), (" 12 ", 12), ("0", None), ("-5", None), ("1.5", None),
    ("12 MB", None), ("9" * 16, None), (str(1 << 41), None), ("١٢", None)])
def test_sizes(text, expected):
    assert byte_count(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Audio/MPEG", "audio/mpeg"), ("audio/ogg; codecs=opus", "audio/ogg"), ("mp3", ""),
    ("audio/mpeg\x1b[31m", ""), ("", ""), ("a/" + "b" * 300, "")])
def test_mime_types(text, expected):
    assert mime_type(text) == expected

"""Fuzz harness over the feed and file loaders: on any bytes, only `BylineError` subclasses
may escape, and whatever is returned keeps its invariants."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from fuzz.invariants import inert, scaled
from fuzz.strategies import article_text, mutated_feed
from reader.errors import BylineError
from reader.sources.feeds import ParsedFeed, parse_feed
from reader.sources.files import article_from_document, decode_bytes, load_file

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def check_feed(feed: ParsedFeed) -> None:
    assert inert(feed.title) and "\n" not in feed.title
    keys = [e.key for e in feed.entries]
    assert len(keys) == len(set(keys)) and all(keys)
    for entry in feed.entries:
        assert inert(entry.title) and "\n" not in entry.title and len(entry.title) <= 300
        assert all(inert(a) for a in entry.authors)
        assert entry.link is None or entry.link.startswith(("http://", "https://"))
        assert entry.published is None or _ISO.match(entry.published)


@given(mutated_feed(), st.sampled_from([None, "http://127.0.0.1/feed.xml"]),
       st.sampled_from([None, "application/rss+xml", "application/json", "text/html"]))
def test_parse_feed_on_mutated_feeds(body: bytes, url: str | None,
                                     content_type: str | None) -> None:
    try:
        feed = parse_feed(body, url=url, content_type=content_type)
    except BylineError as exc:
        assert exc.message and "\n" not in exc.message
        return
    check_feed(feed)


@settings(max_examples=scaled(4))
@given(mutated_feed())
def test_feed_entries_become_articles(body: bytes) -> None:
    try:
        feed = parse_feed(body, url="http://127.0.0.1/feed.xml")
    except BylineError:
        return
    for entry in feed.entries[:3]:
        article = entry.to_article(feed)
        assert all(inert(b.text) for b in article.blocks)


@given(st.one_of(st.binary(max_size=600), article_text.map(lambda t: t.encode(
    "utf-8", "surrogatepass")), st.sampled_from(["utf-16-le", "utf-16-be", "cp1252", "latin-1",
                                                 "shift_jis"]).flatmap(
    lambda enc: article_text.map(lambda t: t.encode(enc, "replace")))))
def test_decode_bytes_any_input(data: bytes) -> None:
    try:
        _encoding, text = decode_bytes(data, "fuzz")
    except BylineError as exc:
        assert "binary" in exc.message
        return
    assert isinstance(text, str)


@settings(max_examples=scaled(2))
@given(st.one_of(st.binary(max_size=400), mutated_feed(),
                 article_text.map(lambda t: t.encode("utf-8", "surrogatepass"))),
       st.sampled_from(["a.txt", "a.md", "a.html", "a.xml", "a.json", "a"]))
def test_load_file_then_clean(data: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            doc = load_file(path)
            if doc.kind == "feed":
                check_feed(parse_feed(doc.data))
            else:
                article = article_from_document(doc)
                assert all(inert(b.text) for b in article.blocks)
        except BylineError as exc:
            assert exc.message.startswith(("cannot read", "empty", "not a feed", "malformed",
                                           "unsafe")), exc.message

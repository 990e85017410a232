"""Hostile refresh hints (`reader.library.schedule`): a server or feed that tries to silence a
feed for years, to break the parser with malformed hints, or to make the hint scan crawl.
Rule: the refresh works, nonsense is no hint, and no hint puts a feed off more than a day."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from reader.library.refresh import refresh_feeds
from reader.library.schedule import MAX_HINT, Schedule
from reader.library.store import Library
from reader.sources.feeds import parse_feed

FAST = {"deadline": 3.0, "timeout": 2.0, "connect_timeout": 2.0, "trust_env": False}


def feed(channel: str, doctype: str = "") -> bytes:
    return (f'<?xml version="1.0"?>{doctype}<rss version="2.0"><channel><title>Odd</title>'
            f"{channel}<item><title>One</title><guid>one</guid></item></channel></rss>").encode()


@pytest.mark.parametrize(("headers", "channel"), [
    ({"Cache-Control": "max-age=999999999"}, "<ttl>525600000</ttl>"),     # years
    ({"Cache-Control": "max-age=-5, max-age=abc"}, "<ttl>\x1b[2J</ttl>"),
    ({"Cache-Control": "max-age=60", "Age": "99999"}, "<ttl>-30</ttl>"),
    ({"Cache-Control": "max-age=" + "9" * 5000}, "<ttl>" + "9" * 5000 + "</ttl>"),
    ({"Cache-Control": 'private, max-age="7200", no-store'}, "<ttl>1e9</ttl>"),
])
def test_no_hint_silences_a_feed_for_more_than_a_day(feed_server, tmp_path: Path,
                                                     headers: dict[str, str],
                                                     channel: str) -> None:
    url = feed_server.add("/odd.xml", feed(channel.replace("\x1b", "&#27;")), headers=headers)
    with Library.open(tmp_path / "library.db") as lib:
        lib.add_feed(url)
        summary = asyncio.run(refresh_feeds(lib, fetcher_options=FAST))
        assert summary.feeds_ok == 1, summary.errors
        row = lib.feed(url)
        assert row.max_age is None or 0 <= row.max_age <= 24 * 3600
        due = Schedule().due_at(row)
        assert due is not None and due <= row.last_fetched + MAX_HINT
        assert due <= time.time() + MAX_HINT


@pytest.mark.parametrize("doctype", ["", "<!DOCTYPE rss>"])   # lxml path; feedparser's
def test_a_flood_of_broken_skip_tags_is_no_hint(doctype: str) -> None:
    """60 KB of unclosed `<hour` and `<day` openings inside skipHours and skipDays: the
    bounded scan reads no hour and no day (and does not crawl: the suite's time would show)."""
    flood = ("<skipHours>" + "<hour" * 6000 + "</skipHours><skipDays>" + "<day x" * 5000
             + "</skipDays>")
    body = feed("", doctype).replace(b"<channel>", b"<channel>" + flood.encode(), 1)
    parsed = parse_feed(body)
    assert len(parsed.entries) == 1
    assert (parsed.skip_hours, parsed.skip_days) == ((), ())

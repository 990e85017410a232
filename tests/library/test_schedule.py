"""When feeds are due (`reader.library.schedule`): the feed's own hints (RSS ttl, skipHours,
skipDays, `Cache-Control: max-age`) read from a loopback server and stored by a refresh, the
user's intervals (`[refresh]`, `[[feed]]`), and `refresh_feeds(schedule=…)` fetching only the
feeds that are due."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reader.config import parse_config
from reader.errors import BylineError
from reader.library.feeds import FeedRow
from reader.library.refresh import refresh_feeds
from reader.library.schedule import MAX_HINT, Schedule, skipping
from reader.library.store import Library
from reader.sources.feeds import parse_feed
from tests.library.test_refresh import FAST

HOUR = 3600.0


def hinted(title: str, channel: str, *, items: int = 1) -> bytes:
    """An RSS 2.0 feed whose channel carries `channel` (ttl, skipHours, skipDays …)."""
    entries = "".join(f"<item><title>{title} {i}</title><guid>{title}-{i}</guid>"
                      f"<description>Words {i}.</description></item>" for i in range(items))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>http://127.0.0.1/</link>{channel}{entries}</channel></rss>").encode()


HINTS = ("<ttl>90</ttl><skipHours><hour>2</hour><hour>3</hour><hour> 24 </hour></skipHours>"
         "<skipDays><day>Sunday</day><day>saturday</day><day>Funday</day></skipDays>")


def schedule(**config: object) -> Schedule:
    return Schedule.from_config(parse_config(config))


def feed(**fields: object) -> FeedRow:
    row = FeedRow(1, "https://one.example/feed", "", None, [], "ok", None, None, 0, 0, False)
    for name, value in fields.items():
        setattr(row, name, value)
    return row


# -- the hints as the parsers read them --------------------------------------------------------

@pytest.mark.parametrize("doctype", [b"", b"<!DOCTYPE rss>"])  # fast path; feedparser's
def test_rss_ttl_skip_hours_and_skip_days_are_read(doctype: bytes) -> None:
    body = hinted("Tides", HINTS)
    parsed = parse_feed(body.replace(b"<rss", doctype + b"<rss", 1))
    assert (parsed.ttl, parsed.skip_hours, parsed.skip_days) == (90, (0, 2, 3), (5, 6))


@pytest.mark.parametrize("channel", [
    "<ttl>soon</ttl><skipHours><hour>-1</hour><hour>25</hour><hour>x</hour></skipHours>",
    "<ttl>0</ttl><skipDays></skipDays>",
    "<ttl>99999999999999999999</ttl>",
    "<skipHours>" + "".join(f"<hour>{h}</hour>" for h in range(24)) + "</skipHours>",
    "<skipDays>" + "".join(f"<day>{d}</day>" for d in ("Monday", "Tuesday", "Wednesday",
                                                      "Thursday", "Friday", "Saturday",
                                                      "Sunday")) + "</skipDays>",
])
def test_nonsense_hints_are_no_hints(channel: str) -> None:
    for body in (hinted("Odd", channel), b"<!DOCTYPE rss>" + hinted("Odd", channel)):
        parsed = parse_feed(body)
        assert (parsed.skip_hours, parsed.skip_days) == ((), ())
        assert parsed.ttl is None or parsed.ttl == 100 * 24 * 60   # capped, never overflowing


def test_hints_inside_an_item_are_not_the_channels() -> None:
    body = (b'<!DOCTYPE rss><rss version="2.0"><channel><title>t</title><item><title>a</title>'
            b"<description>&lt;skipHours&gt;&lt;hour&gt;1&lt;/hour&gt;&lt;/skipHours&gt;"
            b"</description></item></channel></rss>")
    assert parse_feed(body).skip_hours == ()


# -- stored by a refresh from the loopback server ----------------------------------------------

def test_a_refresh_stores_ttl_skips_and_max_age_and_a_304_renews_max_age(
        feed_server, tmp_path: Path) -> None:
    url = feed_server.add("/hinted.xml", hinted("Tides", HINTS), etag='"v1"',
                          headers={"Cache-Control": "public, max-age=1800", "Age": "600"})
    plain = feed_server.add("/plain.xml", hinted("Plain", ""),
                            headers={"Cache-Control": "no-cache, max-age=60"})
    with Library.open(tmp_path / "library.db") as lib:
        lib.add_feed(url)
        lib.add_feed(plain)
        summary = asyncio.run(refresh_feeds(lib, fetcher_options=FAST))
        assert summary.feeds_ok == 2
        stored = lib.feed(url)
        assert (stored.ttl, stored.max_age, stored.skip_hours, stored.skip_days) == (
            5400.0, 1200.0, (0, 2, 3), (5, 6))
        other = lib.feed(plain)
        assert (other.ttl, other.max_age, other.skip_hours, other.skip_days) == (
            None, None, (), ())
        feed_server.add("/hinted.xml", hinted("Tides", HINTS), etag='"v1"',
                        headers={"Cache-Control": "max-age=7200"})
        asyncio.run(refresh_feeds(lib, only=[url], fetcher_options=FAST))
        assert feed_server.requests("/hinted.xml")[-1]["if-none-match"] == '"v1"'
        again = lib.feed(url)
        assert again.last_status == "not modified"
        assert (again.ttl, again.max_age, again.skip_hours) == (5400.0, 7200.0, (0, 2, 3))


def test_a_due_refresh_fetches_only_the_feeds_whose_time_has_come(
        feed_server, tmp_path: Path) -> None:
    slow = feed_server.add("/slow-news.xml", hinted("Slow", "<ttl>120</ttl>"))
    cached = feed_server.add("/cached.xml", hinted("Cached", ""),
                             headers={"Cache-Control": "max-age=3600"})
    eager = feed_server.add("/eager.xml", hinted("Eager", "<ttl>120</ttl>"))
    busy = feed_server.add("/busy.xml", hinted("Busy", ""))
    config = parse_config({"refresh": {"interval": "10m"},
                           "feed": [{"url": eager, "interval": "1m", "ignore_hints": True},
                                    {"url": busy, "interval": 0}]})
    plan = Schedule.from_config(config)
    with Library.open(tmp_path / "library.db") as lib:
        for url in (slow, cached, eager, busy):
            lib.add_feed(url)
        first = asyncio.run(refresh_feeds(lib, schedule=plan, fetcher_options=FAST))
        # Never fetched: due at once, except the feed taken off every schedule.
        assert (first.feeds_ok, first.not_due) == (3, 1)
        assert feed_server.requests("/busy.xml") == []
        second = asyncio.run(refresh_feeds(lib, schedule=plan, fetcher_options=FAST))
        assert (second.feeds_ok, second.not_due) == (0, 4)
        assert "4 not due" in second.line()
        times = plan.due_times(lib.feeds())
        fetched = {f.url: f.last_fetched for f in lib.feeds()}
        ids = {f.url: f.id for f in lib.feeds()}
        assert times[ids[slow]] == pytest.approx(fetched[slow] + 2 * HOUR)   # ttl > interval
        assert times[ids[cached]] == pytest.approx(fetched[cached] + HOUR)  # max-age
        assert times[ids[eager]] == pytest.approx(fetched[eager] + 60)      # ignore_hints
        assert ids[busy] not in times
        # An hour and a half later, the 10-minute interval has passed; the hints have not.
        later = time.time() + 1.5 * HOUR
        assert {f.url for f in plan.due(lib.feeds(), now=later)} == {cached, eager}
        # A plain refresh still fetches every feed.
        assert asyncio.run(refresh_feeds(lib, fetcher_options=FAST)).feeds_ok == 4


def test_a_host_that_asked_to_wait_is_not_due_and_failing_hosts_wait_an_interval(
        feed_server, tmp_path: Path) -> None:
    limited = feed_server.url("/429")
    sibling = feed_server.add("/sibling.xml", hinted("Sibling", ""))
    dead = "http://127.0.0.2:9/feed.xml"   # another loopback host; nothing listens there
    plan = schedule(refresh={"interval": "5m"})
    with Library.open(tmp_path / "library.db") as lib:
        for url in (limited, sibling, dead):
            lib.add_feed(url)
        summary = asyncio.run(refresh_feeds(lib, schedule=plan, fetcher_options=FAST))
        assert summary.feeds_failed == 2 and dead in summary.errors
        rows = {f.url: f for f in lib.feeds()}
        times = {f.url: plan.due_times(lib.feeds())[f.id] for f in rows.values()}
        assert times[limited] == pytest.approx(rows[limited].retry_after_until)   # 120 s
        assert times[sibling] >= rows[limited].retry_after_until   # same host, same wait
        assert times[dead] == pytest.approx(rows[dead].last_fetched + 300)
        assert plan.due(lib.feeds()) == []


# -- the rule --------------------------------------------------------------------------------

def test_skipping_moves_to_the_first_hour_that_is_not_skipped() -> None:
    saturday_1am = datetime(2026, 11, 7, 1, 30, tzinfo=UTC).timestamp()
    monday_3am = datetime(2026, 11, 9, 3, 0, tzinfo=UTC).timestamp()
    assert skipping(saturday_1am, [], []) == saturday_1am
    assert skipping(saturday_1am, [0, 1, 2], [5, 6]) == monday_3am
    assert skipping(saturday_1am, [2], []) == saturday_1am      # 1 h is not skipped
    assert skipping(saturday_1am, list(range(24)), []) == saturday_1am   # all: no rule


def test_intervals_hints_and_who_wins() -> None:
    now = time.time()
    hinted_feed = feed(last_fetched=now, ttl=2 * HOUR, max_age=3 * HOUR)
    assert schedule(refresh={"interval": "30m"}).due_at(hinted_feed) == pytest.approx(
        now + 3 * HOUR)                                   # the longest hint wins
    assert schedule(refresh={"interval": "5h"}).due_at(hinted_feed) == pytest.approx(
        now + 5 * HOUR)                                   # … unless the interval is longer
    assert schedule().due_at(hinted_feed) == pytest.approx(now + 3 * HOUR)   # --due, no interval
    huge = feed(last_fetched=now, ttl=30 * 24 * HOUR)
    assert schedule().due_at(huge) == pytest.approx(now + MAX_HINT)
    own = schedule(feed=[{"url": "https://one.example/feed", "interval": "20m",
                          "ignore_hints": True}])
    assert own.due_at(hinted_feed) == pytest.approx(now + 20 * 60)
    assert feed(last_fetched=None).last_fetched is None
    assert schedule().due_at(feed(last_fetched=None)) == 0.0          # never fetched: now
    # The reader's timer takes only the feeds with an interval; --due takes them all.
    assert Schedule(automatic=True).due_at(hinted_feed) is None
    assert not Schedule(automatic=True).active
    assert Schedule.from_config(parse_config({"feed": [
        {"url": "https://one.example/feed", "interval": "1h"}]}), automatic=True).active
    off = schedule(refresh={"interval": "30m"}, feed=[{"url": "https://one.example/feed",
                                                      "interval": "off"}])
    assert off.due_at(hinted_feed) is None
    assert schedule().due_at(feed(url="byline:sample/desk")) is None
    assert schedule().due_at(feed(remote_id="7")) is None


@pytest.mark.parametrize(("config", "message"), [
    ({"refresh": {"interval": "soon"}}, "[refresh] interval must be minutes (30) or a duration"),
    ({"refresh": {"interval": "30s"}}, "[refresh] interval must be 0 (none) or at least a "
                                      "minute"),
    ({"refresh": {"every": "30m"}}, "[refresh] has interval, not 'every'"),
    ({"refresh": "30m"}, "[refresh] must be a table"),
    ({"feed": [{"url": "https://a.example/", "interval": True}]},
     "[feed] number 1: interval must be minutes"),
    ({"feed": [{"url": "https://a.example/", "ignore_hints": "yes"}]},
     "[feed] number 1: ignore_hints must be true or false"),
])
def test_config_mistakes_are_one_line(config: dict[str, object], message: str) -> None:
    with pytest.raises(BylineError) as caught:
        parse_config(config)
    assert message in caught.value.message and "\n" not in caught.value.message


def test_config_durations() -> None:
    assert parse_config({"refresh": {"interval": 45}}).refresh.interval == 45 * 60
    assert parse_config({"refresh": {"interval": "1h30m"}}).refresh.interval == 5400
    assert parse_config({"refresh": {"interval": "off"}}).refresh.interval == 0
    assert parse_config({}).refresh.interval == 0
    settings = parse_config({"feed": [{"url": "https://a.example/", "interval": "2h"},
                                      {"url": "https://b.example/"}]}).feed
    assert settings["https://a.example/"].interval == 7200
    assert settings["https://b.example/"].interval is None

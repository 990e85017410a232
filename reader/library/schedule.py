"""When a feed is due to be fetched again: the user's refresh interval, and the feed's own hints.

The rule (docs/library.md, "Refresh schedule"):

- A feed's interval is its `[[feed]] interval`, else `[refresh] interval` (none: 0).
  `interval = 0` in a feed's own table takes it off every schedule (only `R`, `r` and a plain
  `byline refresh` fetch it).
- A feed never fetched is due at once. Otherwise it is due `wait` seconds after its last
  fetch, where `wait` is the longest of its interval, its RSS `<ttl>` and the `Cache-Control:
  max-age` of its last answer (the hints count for at most `MAX_HINT`); a due time in an hour
  of its `<skipHours>` or a day of its `<skipDays>` (UTC) moves on to the first hour that is
  neither. With `ignore_hints = true` in its `[[feed]]` table, the interval alone counts.
- Whatever the schedule says, a feed whose host asked us to wait (`Retry-After`, or the
  backoff after server errors: `retry_after_until`) is not due before then.

`Schedule.automatic` is the reader's timer: it fetches only the feeds that have an interval;
`byline refresh --due` (for cron, which keeps its own clock) takes every feed by the rule.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from reader.config import Config, FeedSettings
from reader.library.feeds import SAMPLE_PREFIX, FeedRow

if TYPE_CHECKING:
    from reader.sources.feedtypes import ParsedFeed

MAX_HINT = 24 * 3600.0   # a feed's hints put it off a day at most


@dataclass(frozen=True)
class FeedHints:
    """What a feed says about when to ask again: RSS `<ttl>` (seconds), the answer's
    `Cache-Control: max-age` (seconds), and its `<skipHours>` (UTC) and `<skipDays>`
    (Monday 0)."""

    ttl: float | None = None
    max_age: float | None = None
    skip_hours: tuple[int, ...] = ()
    skip_days: tuple[int, ...] = ()

    @classmethod
    def of(cls, parsed: ParsedFeed, max_age: float | None = None) -> FeedHints:
        """The hints of a parsed feed and of the HTTP answer that brought it."""
        return cls(parsed.ttl * 60.0 if parsed.ttl else None, max_age, parsed.skip_hours,
                   parsed.skip_days)


@dataclass(frozen=True)
class Schedule:
    """The user's intervals (`[refresh]`, `[[feed]]`) applied to feeds' hints and statuses."""

    interval: float = 0.0                                  # seconds; 0: none
    feeds: Mapping[str, FeedSettings] = field(default_factory=dict)   # [[feed]] by URL
    automatic: bool = False   # the reader's timer: only feeds with an interval of their own

    @classmethod
    def from_config(cls, config: Config, *, automatic: bool = False) -> Schedule:
        return cls(config.refresh.interval, config.feed, automatic)

    @property
    def active(self) -> bool:
        """Whether any feed has an interval (the reader runs its timer only then)."""
        return self.interval > 0 or any(s.interval for s in self.feeds.values())

    def interval_of(self, url: str) -> float | None:
        """A feed's interval in seconds; None when it is off every schedule."""
        settings = self.feeds.get(url)
        if settings is not None and settings.interval is not None:
            return settings.interval or None
        if self.automatic and not self.interval:
            return None
        return self.interval

    def due_at(self, feed: FeedRow, host_wait: float = 0.0) -> float | None:
        """When `feed` is next due (epoch seconds), or None: never on this schedule.
        `host_wait`: until when its host asked to be left alone."""
        interval = self.interval_of(feed.url)
        if interval is None or feed.url.startswith(SAMPLE_PREFIX) or feed.remote_id:
            return None
        due = 0.0
        if feed.last_fetched is not None:
            settings = self.feeds.get(feed.url)
            if settings is not None and settings.ignore_hints:
                due = feed.last_fetched + interval
            else:
                hint = min(MAX_HINT, max(feed.ttl or 0.0, feed.max_age or 0.0))
                due = skipping(feed.last_fetched + max(interval, hint),
                               feed.skip_hours, feed.skip_days)
        return max(due, feed.retry_after_until or 0.0, host_wait)

    def due_times(self, feeds: Iterable[FeedRow]) -> dict[int, float]:
        """Each scheduled feed's due time by feed id (a host's wait counts for all its feeds)."""
        feeds = list(feeds)
        waits = host_waits(feeds)
        times = {}
        for feed in feeds:
            due = self.due_at(feed, waits.get(host_of(feed.url), 0.0))
            if due is not None:
                times[feed.id] = due
        return times

    def due(self, feeds: Iterable[FeedRow], now: float | None = None) -> list[FeedRow]:
        """The feeds whose time has come."""
        feeds = list(feeds)
        now = time.time() if now is None else now
        times = self.due_times(feeds)
        return [f for f in feeds if f.id in times and times[f.id] <= now]

    def next_due(self, feeds: Iterable[FeedRow]) -> float | None:
        """The earliest due time of the scheduled feeds (None: none is scheduled)."""
        return min(self.due_times(feeds).values(), default=None)


def skipping(when: float, hours: Iterable[int], days: Iterable[int]) -> float:
    """`when`, or the start of the first later UTC hour that is in neither `hours` (0–23)
    nor on one of `days` (Monday 0)."""
    hours, days = set(hours), set(days)
    if not hours and not days:
        return when
    moment = datetime.fromtimestamp(when, UTC)
    for _ in range(24 * 8):   # a week and a day: enough unless every hour is skipped
        if moment.hour not in hours and moment.weekday() not in days:
            return moment.timestamp()
        moment = moment.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return when


def host_of(url: str) -> str:
    """The host a feed's politeness is kept per (lower case)."""
    return (urlsplit(url).hostname or "").lower()


def host_waits(feeds: Iterable[FeedRow]) -> dict[str, float]:
    """Until when each host asked to be left alone: the latest `retry_after_until` of its
    feeds (`Retry-After`, or the backoff after server errors)."""
    waits: dict[str, float] = {}
    for feed in feeds:
        if feed.retry_after_until:
            host = host_of(feed.url)
            waits[host] = max(waits.get(host, 0.0), feed.retry_after_until)
    return waits

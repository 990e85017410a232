"""`byline add`: subscribe to a feed URL, or to the first feed a web page names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reader.errors import BylineError
from reader.library.ingest import store_parsed
from reader.library.store import Library
from reader.sanitize import clean_line, safe_url


@dataclass
class Subscribed:
    """The outcome of `subscribe`."""

    feed_id: int
    url: str
    title: str
    new_articles: int
    discovered_from: str | None = None  # the page URL when the feed was found through it
    fetched: bool = True
    queued: bool = False                # subscribing the feed server to it is queued


async def subscribe(library: Library, url: str, *, tags: list[str] | None = None,
                    offline: bool = False,
                    fetcher_options: dict[str, Any] | None = None,
                    headers: dict[str, str] | None = None,
                    for_server: bool = False) -> Subscribed:
    """Fetch `url`; a feed is subscribed with its entries stored, a web page is searched for
    `<link rel="alternate">` feeds and the first one is subscribed. Offline, the URL is stored
    as it is, to be fetched by the next refresh. With `for_server`, subscribing the feed
    server to it is queued in the transaction that adds it (`queued` says whether it was)."""
    checked = safe_url(url)
    if checked is None:
        raise BylineError(f"not an http(s) URL: {clean_line(url)[:200]}")
    if offline:
        feed_id, queued = _add(library, checked, tags or [], for_server)
        return Subscribed(feed_id, checked, "", 0, fetched=False, queued=queued)

    from reader.sources.feeds import FeedError, parse_feed
    from reader.sources.http import Fetcher

    page: str | None = None
    async with Fetcher(**(fetcher_options or {})) as fetcher:
        result = await fetcher.fetch(checked, headers=headers)
        try:
            parsed = parse_feed(result.body, url=result.url, content_type=result.content_type)
        except FeedError as exc:
            if exc.reason != "not a feed":
                raise BylineError(f"{checked}: {exc.message}") from None
            found = exc.alternates  # the page's <link rel="alternate"> feeds
            if not found:
                raise BylineError(f"{checked} is not a feed, and the page names no feed") from None
            page, checked = checked, found[0]
            result = await fetcher.fetch(checked)
            try:
                parsed = parse_feed(result.body, url=result.url,
                                    content_type=result.content_type)
            except FeedError as inner:
                raise BylineError(f"{checked} (named by {page}): {inner.message}") from None
    feed_id, queued = _add(library, checked, tags or [], for_server, title=parsed.title,
                           link=parsed.link)
    new = store_parsed(library, feed_id, parsed, etag=result.etag,
                       last_modified=result.last_modified, max_age=result.max_age)
    library.record_redirect(feed_id, result.permanent_url)
    return Subscribed(feed_id, checked, parsed.title, new, discovered_from=page, queued=queued)


def _add(library: Library, url: str, tags: list[str], for_server: bool, *, title: str = "",
         link: str | None = None) -> tuple[int, bool]:
    """Add the feed and, `for_server`, queue it for the feed server, all at once."""
    with library.transaction():
        feed_id = library.add_feed(url, title=title, tags=tags, link=link)
        queued = for_server and library.queue_subscribe(url, tags)
    return feed_id, queued

"""`byline add | remove | feeds | import | export`: manage subscriptions."""

from __future__ import annotations

import json
import os
import sys
import time
from argparse import Namespace
from typing import TYPE_CHECKING

from reader.errors import BylineError
from reader.sanitize import safe_url

if TYPE_CHECKING:
    from reader.context import Context
    from reader.library.store import Library

MAX_IMPORT_BYTES = 10 * 1024 * 1024


def open_library(ctx: Context) -> Library:
    """The user's library; a notice from opening (a damaged file set aside) goes to stderr."""
    from reader.library.store import Library

    library = Library.open(ctx.paths.library_file)
    if library.notice:
        print(f"byline: warning: {library.notice}", file=sys.stderr)
    return library


def run(args: Namespace, ctx: Context) -> int:
    library = open_library(ctx)
    try:
        command = {"add": _add, "remove": _remove, "feeds": _feeds, "import": _import,
                   "export": _export}[args.command]
        return command(args, ctx, library)
    finally:
        library.close()


def _add(args: Namespace, ctx: Context, library: Library) -> int:
    import asyncio

    from reader.commands.server_changes import send_subscriptions_now, server_cannot
    from reader.config import load_config
    from reader.library.feed_settings import request_headers
    from reader.library.subscribe import subscribe
    from reader.sanitize import safe_url
    from reader.sync.settings import SyncSettings

    config = load_config(ctx.paths)
    server = SyncSettings.from_config(config)
    settings = config.feed.get(safe_url(args.url.strip()) or "")
    headers = request_headers(settings) if settings and not ctx.offline else None
    known = {f.url for f in library.feeds()}
    newest = library.last_entry_id()
    done = asyncio.run(subscribe(library, args.url, tags=args.tag, offline=ctx.offline,
                                 headers=headers,
                                 for_server=server is not None and server.api == "greader"))
    if settings is not None and settings.title:
        library.set_titles({done.feed_id: settings.title})
        done.title = settings.title
    hidden = library.hide_matching(config.hide, after_id=newest)
    if done.url in known:
        tags = f"; tags: {', '.join(args.tag)}" if args.tag else ""
        print(f"Already subscribed to {done.url}{tags}")
    elif not done.fetched:
        print(f"Subscribed to {done.url} (offline: it will be fetched by the next refresh)")
    else:
        via = f", found on {done.discovered_from}" if done.discovered_from else ""
        print(f"Subscribed to {done.title or done.url} ({done.url}{via}): "
              f"{done.new_articles} new article{'s' if done.new_articles != 1 else ''}"
              + (f" ({hidden} hidden by rules)" if hidden else ""))
    if done.queued and server is not None:
        send_subscriptions_now(library, server, ctx)
    elif server is not None and server.api == "fever" and done.url not in known:
        server_cannot("subscribe", server, "Byline fetches this feed itself (byline refresh)")
    return 0


def _remove(args: Namespace, ctx: Context, library: Library) -> int:
    """Unsubscribe from a feed named by URL, id or title; say what is kept and deleted."""
    from reader.library.store import REMOVED_LABEL
    from reader.sanitize import clean_line

    found = library.find_feeds(args.feed)
    if not found:
        raise BylineError(f"not subscribed: {args.feed} (see byline feeds)")
    if len(found) > 1:
        listed = "; ".join(f"{f.id} {f.url}" for f in found)
        raise BylineError(f"{len(found)} feeds are titled {args.feed!r}; give the id or URL: "
                          f"{listed}")
    feed = found[0]
    keep = feed.total if args.keep_all else library.starred_count(feed.id)
    what = f"{clean_line(feed.label)} ({feed.url})" if feed.title else feed.url
    if not args.yes and sys.stdin.isatty() and sys.stdout.isatty():
        if args.keep_all:
            kept = f"keeps all {_articles(keep)} under {REMOVED_LABEL}"
        elif keep:
            kept = (f"keeps {keep} starred article{'s' if keep != 1 else ''} under "
                    f"{REMOVED_LABEL} and deletes {feed.total - keep}")
        else:
            kept = f"deletes its {_articles(feed.total)} (none starred)"
        try:
            answer = input(f"Unsubscribe from {what}? It {kept}. [y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing removed")
            return 1
    from reader.commands.server_changes import send_subscriptions_now, server_cannot
    from reader.config import load_config
    from reader.sync.settings import SyncSettings

    server = SyncSettings.from_config(load_config(ctx.paths))
    with library.transaction():   # the server's unsubscribing is queued with the removal
        removed = library.remove_feed(feed.id, keep_all=args.keep_all)
        queued = removed is not None and server is not None and server.api == "greader" \
            and library.queue_unsubscribe(feed.url, feed.remote_id)
    if removed is None:  # removed meanwhile by another process
        raise BylineError(f"not subscribed: {args.feed}")
    if removed.kept:
        which = "" if args.keep_all else " starred"
        print(f"Unsubscribed from {what}: kept {removed.kept}{which} "
              f"article{'s' if removed.kept != 1 else ''} (under {REMOVED_LABEL}), "
              f"deleted {removed.deleted}")
    else:
        print(f"Unsubscribed from {what}: deleted {_articles(removed.deleted)}")
    if queued and server is not None:
        send_subscriptions_now(library, server, ctx)
    elif server is not None and server.api == "fever" and feed.remote_id is not None:
        server_cannot("unsubscribe", server, "it still has this feed, and the next byline "
                      "sync brings it back: unsubscribe there")
    return 0


def _articles(n: int) -> str:
    return f"{n} article{'s' if n != 1 else ''}"


def _feeds(args: Namespace, ctx: Context, library: Library) -> int:
    from reader.config import load_config
    from reader.library.schedule import Schedule

    feeds = library.feeds()
    due = Schedule.from_config(load_config(ctx.paths)).due_times(feeds)
    if args.format == "json":
        rows = [{"id": f.id, "url": f.url, "title": f.title, "link": f.link, "tags": f.tags,
                 "last_status": f.last_status, "last_error": f.last_error,
                 "last_fetched": _iso(f.last_fetched), "gone": f.gone,
                 "retry_after": _iso(f.retry_after_until),
                 "next_due": _iso(due[f.id]) if f.id in due else None,
                 "ttl": f.ttl, "max_age": f.max_age, "skip_hours": list(f.skip_hours),
                 "skip_days": list(f.skip_days),
                 "unread": f.unread, "total": f.total} for f in feeds]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not feeds:
        print("No subscriptions yet: byline add URL, or byline import FILE", file=sys.stderr)
        return 0
    for f in feeds:
        tags = f"  [{', '.join(f.tags)}]" if f.tags else ""
        status = f.last_status or "never fetched"
        if safe_url(f.url) is None:   # the sample feed bundled with Byline
            status = "bundled with Byline, never fetched"
        if f.last_error:
            status += f": {f.last_error}"
        if f.gone:
            status += f" (try: byline remove {f.url})"
        if f.retry_after_until and f.retry_after_until > time.time():
            after = time.strftime("%H:%M", time.localtime(f.retry_after_until))
            status += f"; next try after {after}"
        elif due.get(f.id, 0.0) > time.time():
            status += f"; due {_clock(due[f.id])}"
        print(f"{f.label}{tags}\n  {f.url}\n  {f.unread} unread of {f.total}; {status}")
    return 0


def _import(args: Namespace, ctx: Context, library: Library) -> int:
    from reader.library.opml import looks_like_opml, parse_opml
    from reader.library.urllist import parse_url_list
    from reader.sources.files import read_regular

    data = read_regular(os.path.expanduser(args.file), MAX_IMPORT_BYTES)
    if looks_like_opml(data):
        found = parse_opml(data)
    else:
        found = parse_url_list(data.decode("utf-8", "replace"))
    for warning in found.warnings:
        print(f"byline: {warning}", file=sys.stderr)
    known = {f.url for f in library.feeds()}
    added = 0
    for sub in found.subscriptions:
        library.add_feed(sub.url, title=sub.title, tags=sub.tags, own_title=sub.own_title)
        added += sub.url not in known
        known.add(sub.url)
    already = len(found.subscriptions) - added
    print(f"Imported {added} feed{'s' if added != 1 else ''}"
          + (f" ({already} already subscribed)" if already else "")
          + (f", refused {len(found.warnings)}" if found.warnings else "")
          + ("; run byline refresh to fetch them" if added else ""))
    return 0 if found.subscriptions or not found.warnings else 1


def _export(args: Namespace, ctx: Context, library: Library) -> int:
    from reader.library.opml import export_opml

    sys.stdout.write(export_opml([(f.url, f.title, f.link, f.tags) for f in library.feeds()
                                  if safe_url(f.url)]))   # not the bundled sample feed
    return 0


def _clock(epoch: float) -> str:
    """A local time: `14:05` today, `Sat 14:05` within the week, else the date."""
    when = time.localtime(epoch)
    if time.strftime("%Y-%m-%d", when) == time.strftime("%Y-%m-%d"):
        return time.strftime("%H:%M", when)
    return time.strftime("%a %H:%M" if epoch - time.time() < 6 * 86400 else "%Y-%m-%d", when)


def _iso(epoch: float | None) -> str | None:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch)) if epoch else None

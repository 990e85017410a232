"""`byline refresh [--full] [--due]`: fetch every feed (with `--due`, those whose time has
come: `reader.library.schedule`), with a progress bar on a terminal."""

from __future__ import annotations

import contextlib
import sys
from argparse import Namespace
from collections.abc import Iterator
from typing import TYPE_CHECKING

from reader.commands.progress import terminal_bar
from reader.errors import BylineError

if TYPE_CHECKING:
    from reader.config import Config
    from reader.context import Context
    from reader.library.refresh import Progress

MAX_ERRORS_LISTED = 20


def run(args: Namespace, ctx: Context) -> int:
    from reader.library.ingest import open_for_refresh
    from reader.sources.trust import prepare_trust

    if ctx.offline:
        print("byline: --offline: refresh needs the network, nothing was fetched; "
              "the library stays readable offline", file=sys.stderr)
        return 1
    from reader.commands.subscriptions import open_library
    from reader.config import load_config

    config = load_config(ctx.paths)
    # Fork the workers before importing asyncio and httpx, and load the trust store (mostly
    # outside the GIL) while the library opens and they are imported.
    with open_for_refresh(ctx.paths.library_file, args.feeds or None, meanwhile=prepare_trust,
                          open_library=lambda _path: open_library(ctx)) as (library, workers):
        import asyncio

        from reader.library.refresh import refresh_feeds
        from reader.library.schedule import Schedule

        if not library.feeds():
            print("No subscriptions yet: byline add URL, or byline import FILE",
                  file=sys.stderr)
            return 0
        with progress_bar() as progress:
            summary = asyncio.run(refresh_feeds(library, full=args.full,
                                                only=args.feeds or None,
                                                progress=progress, workers=workers,
                                                hide=config.hide,
                                                feed_settings=config.feed,
                                                schedule=Schedule.from_config(config)
                                                if args.due else None))
    from reader.sanitize import clean_line

    for url, reason in list(summary.errors.items())[:MAX_ERRORS_LISTED]:
        print(f"  {url}: {clean_line(reason)[:300]}", file=sys.stderr)  # reasons quote servers
    if len(summary.errors) > MAX_ERRORS_LISTED:
        print(f"  … and {len(summary.errors) - MAX_ERRORS_LISTED} more (see byline feeds)",
              file=sys.stderr)
    for url, why in summary.skipped.items():
        print(f"  {url}: skipped, {why}", file=sys.stderr)
    for url in summary.gone:
        print(f"  {url} is gone for good; unsubscribe with: byline remove {url}",
              file=sys.stderr)
    pages = list(summary.page_errors.items())
    for url, reason in pages[:MAX_ERRORS_LISTED]:
        print(f"  {url}: full text not cached: {clean_line(reason)[:300]}", file=sys.stderr)
    if len(pages) > MAX_ERRORS_LISTED:
        print(f"  … and {len(pages) - MAX_ERRORS_LISTED} more full texts not cached",
              file=sys.stderr)
    print(summary.line())
    if args.full:
        _cache_images(ctx)
    _retain(ctx, config)
    return 0 if summary.feeds_ok or not summary.feeds_failed else 1


MAX_IMAGES_PER_RUN = 200   # the newest articles' images first; the rest on the next run
IMAGE_ARTICLES = 100       # how many of the newest articles' images are kept offline


def _cache_images(ctx: Context) -> None:
    """`--full`: cache the images of the newest articles for offline reading (each checked:
    `reader.sources.images`); one summary line, refusals listed on stderr."""
    from reader.article.images import image_refs
    from reader.commands.subscriptions import open_library
    from reader.sanitize import clean_line
    from reader.sources.download import download_client
    from reader.sources.images import IMAGE_TIMEOUT, cache_image, cached_image

    folder = ctx.paths.images_dir
    library = open_library(ctx)
    try:
        sources = library.image_sources(IMAGE_ARTICLES)
    finally:
        library.close()
    wanted = [ref.url for html, base in sources for ref in image_refs(html, base)
              if cached_image(folder, ref.url) is None]
    cached, refused = 0, []
    with download_client(IMAGE_TIMEOUT) as client:   # one connection per host, reused
        for url in list(dict.fromkeys(wanted))[:MAX_IMAGES_PER_RUN]:
            try:
                cache_image(folder, url, client=client)
                cached += 1
            except BylineError as exc:
                refused.append(f"  {clean_line(url)[:200]}: image not cached: "
                               f"{exc.message[:200]}")
    for line in refused[:MAX_ERRORS_LISTED]:
        print(line, file=sys.stderr)
    if cached or refused:
        print(f"{cached} image{'s' * (cached != 1)} cached for offline reading"
              + (f", {len(refused)} refused" if refused else ""))


def _retain(ctx: Context, config: Config) -> None:
    """Apply `[retention]` after a refresh: what it deletes is said in one line."""
    from reader.library import retention

    policy = retention.Policy.from_config(config.retention)
    if not policy:
        return
    from reader.commands.subscriptions import open_library
    from reader.commands.vacuum import apply_retention

    library = open_library(ctx)
    try:
        result = apply_retention(library, policy)
    finally:
        library.close()
    if result.deleted:
        print(f"Retention ({policy.describe()}): {result.deleted} old article"
              f"{'s' if result.deleted != 1 else ''} deleted")


@contextlib.contextmanager
def progress_bar(verb: str = "Refreshing") -> Iterator[Progress | None]:
    """Feeds done of all and the one at hand (refresh, sync) on a terminal; else None."""
    with terminal_bar(lambda rp: (
            rp.TextColumn(verb), rp.BarColumn(), rp.MofNCompleteColumn(),
            rp.TimeElapsedColumn(),
            rp.TextColumn("{task.description}", markup=False))) as update:  # titles: untrusted
        yield None if update is None else lambda done, total, label: update(
            completed=done, total=total, description=label[:60])

"""`byline read PATH_OR_URL`: print one cleaned article (or a feed's articles).

This path must start fast: it never imports Textual, and imports Rich, httpx, feedparser
and trafilatura only when the input needs them.
"""

from __future__ import annotations

import json
import os
import sys
from argparse import Namespace
from typing import TYPE_CHECKING, Any

from reader.errors import BylineError
from reader.sources.targets import is_url

if TYPE_CHECKING:
    from reader.article.model import Article
    from reader.context import Context
    from reader.sources.feeds import ParsedFeed


def _extra_rules(ctx: Context) -> dict[str, Any] | None:
    if not ctx.paths.config_file.exists():
        return None
    from reader.config import load_config

    return load_config(ctx.paths).rules or None


def _from_library(ctx: Context, target: str) -> tuple[Article, str] | None:
    """A cached copy of `target` from the offline library, if there is one, and where it
    comes from (its feed's title, or its file's name); reading it marks it read (`byline mark
    ID --unread` undoes that)."""
    if not ctx.paths.library_file.exists():
        return None
    from contextlib import suppress

    from reader.library.store import Library

    library = Library.open(ctx.paths.library_file)
    if ctx.paths.config_file.exists():   # [rules] and each feed's own ([[feed]] rules)
        from reader.config import load_config

        config = load_config(ctx.paths)
        library.extra_rules = config.rules or None
        library.feed_rules = config.feed_rules
    try:
        entry_id = library.find(target)
        if entry_id is None:
            return None
        article = library.article(entry_id)
        origin = library.entry_origin(entry_id)
        with suppress(BylineError):  # a busy library: it stays unread, no more
            library.set_read(entry_id, True)
        return article, origin
    finally:
        library.close()


def _load_url(ctx: Context, target: str, rules: dict[str, Any] | None,
              raw: bool) -> tuple[Article | ParsedFeed | str, str]:
    """A cached copy from the library first (the only copy when offline), else a fetch;
    and its origin in the library ("" when fetched)."""
    from reader.sources.targets import checked_url, fetch_original, open_url

    url = checked_url(target)
    cached = _from_library(ctx, url)
    if cached is not None:
        return (cached[0].raw if raw else cached[0]), cached[1]
    if raw:
        return fetch_original(url, offline=ctx.offline), ""
    return open_url(url, rules, offline=ctx.offline), ""


def _load_path(target: str, rules: dict[str, Any] | None, raw: bool) -> Article | ParsedFeed | str:
    if raw:
        from reader.sources.files import load_file

        return load_file(target).text
    from reader.sources.targets import open_path

    return open_path(target, rules)


def _colour_terminal() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _print_articles(articles: list[Article], fmt: str, *, paging: bool = True,
                    origin: str = "") -> None:
    """Markdown, styled text on a colour terminal, else plain text; on a terminal, long
    output goes through a pager. `origin`: a library entry's feed title or file name."""
    if fmt == "markdown":
        from reader.render.markdown import render_markdown

        text = "\n---\n\n".join(render_markdown(a) for a in articles)
    elif _colour_terminal():
        from reader.render.terminal import render_article

        text = ("\n" + "─" * 40 + "\n\n").join(render_article(a, origin) for a in articles)
    else:
        from reader.render.plain import render_plain

        text = ("\n" + "-" * 40 + "\n\n").join(render_plain(a, origin) for a in articles)
    if sys.stdout.isatty():
        from reader.commands.pager import show

        show(text, paging=paging)
    else:
        sys.stdout.write(text)


def run(args: Namespace, ctx: Context) -> int:
    """Print the article at `args.target` in the chosen format."""
    target: str = args.target
    rules = _extra_rules(ctx)
    loaded: Article | ParsedFeed | str
    origin = ""
    if is_url(target):
        loaded, origin = _load_url(ctx, target, rules, args.raw)
    elif target.isdigit() and not os.path.exists(target):
        cached = _from_library(ctx, target)
        if cached is None:
            raise BylineError(f"cannot read {target}: no such file, and no library entry "
                              "with that id (see `byline list`)")
        loaded, origin = (cached[0].raw if args.raw else cached[0]), cached[1]
    else:
        loaded = _load_path(target, rules, args.raw)
    if isinstance(loaded, str):
        from reader.sanitize import clean_text

        sys.stdout.write(clean_text(loaded))
        if not loaded.endswith("\n"):
            sys.stdout.write("\n")
        return 0
    from reader.article.model import Article as ArticleType

    if isinstance(loaded, ArticleType):
        if args.format == "json":
            print(json.dumps(loaded.to_dict(), ensure_ascii=False, indent=2))
        else:
            _print_articles([loaded], args.format, paging=not args.no_pager, origin=origin)
        return 0
    from reader.sources.targets import articles_of

    feed = loaded
    articles = articles_of(feed, rules)
    if args.format == "json":
        doc = {"feed": {"title": feed.title, "url": feed.url, "link": feed.link},
               "articles": [a.to_dict() for a in articles]}
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        _print_articles(articles, args.format, paging=not args.no_pager)
    return 0

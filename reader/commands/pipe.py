"""`byline pipe ID COMMAND`: send an article to a command of `[commands]` (its URL, or its
clean text or Markdown) and print what the command said."""

from __future__ import annotations

from argparse import Namespace
from typing import TYPE_CHECKING

from reader.errors import BylineError

if TYPE_CHECKING:
    from reader.context import Context


def run(args: Namespace, ctx: Context) -> int:
    from reader.commands.subscriptions import open_library
    from reader.config import load_config
    from reader.render.pipe import pipe_article
    from reader.sanitize import clean_line

    config = load_config(ctx.paths)
    commands = config.commands
    command = commands.get(args.name)
    if command is None:
        known = ", ".join(sorted(clean_line(n)[:40] for n in commands)) or \
            "none: add [commands] to config.toml"
        raise BylineError(f"no command named {clean_line(args.name)[:40]!r} (commands: {known})")
    library = open_library(ctx)
    library.extra_rules = config.rules or None   # the article as the reader cleans it
    library.feed_rules = config.feed_rules
    try:
        entry_id = library.find(args.entry)
        if entry_id is None:
            raise BylineError(f"no article {clean_line(args.entry)[:100]} in the library "
                              "(see byline list)")
        article = library.article(entry_id)
        link = library.entry_meta(entry_id)["link"]
    finally:
        library.close()
    result = pipe_article(command, article, link or article.url)
    if not result.ok:
        raise BylineError(result.message)
    print(result.message)
    return 0

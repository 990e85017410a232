"""`byline [PATH_OR_URL ...]`: load the config and local files, then run the reader.

Everything that can fail before the UI exists (a bad config, a file that cannot be read when
it is the only target) fails as one line on stderr; the app itself is imported only here.
"""

from __future__ import annotations

from argparse import Namespace
from typing import TYPE_CHECKING

from reader.config import load_config
from reader.errors import BylineError
from reader.sources.targets import is_url, load_path

if TYPE_CHECKING:
    from reader.article.model import Article
    from reader.context import Context


def run(args: Namespace, ctx: Context) -> int:
    """Open the reader on the library, or on the given files and URLs."""
    config = load_config(ctx.paths)
    from reader.tui.keys import keymap

    keymap(config.keys)  # an unknown action name is a config error, before the screen changes
    targets: list[str] = list(getattr(args, "targets", []) or [])
    opened: list[Article] = []
    urls: list[str] = []
    problems: list[str] = []
    for target in targets:
        if is_url(target):
            urls.append(target)
            continue
        try:
            opened.extend(load_path(target, config.rules or None))
        except BylineError as exc:
            if len(targets) == 1:
                raise
            problems.append(exc.message)
    if targets and not opened and not urls:
        raise BylineError(problems[0] if len(problems) == 1 else
                          f"none of the {len(targets)} files could be read: {problems[0]}")
    from reader.tui.app import BylineApp

    app = BylineApp(ctx.paths, config, offline=ctx.offline, opened=opened, urls=urls,
                    notices=problems)
    app.run()
    return app.return_code or 0

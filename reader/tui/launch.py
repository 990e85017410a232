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
    from reader.config import Config
    from reader.context import Context


def run(args: Namespace, ctx: Context) -> int:
    """Open the reader on the library, or on the given files and URLs (`--check-config`:
    only say what is wrong with the config file)."""
    config = load_config(ctx.paths)
    if getattr(args, "check_config", False):
        return check_config(ctx, config)
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
    from reader.tui.images import detect_graphics

    detect_graphics()  # asks the terminal now: once Textual runs, it owns the input
    app = BylineApp(ctx.paths, config, offline=ctx.offline, opened=opened, urls=urls,
                    notices=problems)
    app.run()
    return app.return_code or 0


def config_report(ctx: Context, config: Config) -> tuple[list[str], list[str]]:
    """(problems, notes) about the config file: each a line, as the reader shows them at
    start-up; notes say how settings combine (which theme wins, which browser `o` runs)."""
    from textual.theme import BUILTIN_THEMES

    from reader.library.filters import view_problems
    from reader.paths import bundled_themes_dir
    from reader.sanitize import clean_line
    from reader.tui.browser import find_browser
    from reader.tui.keys import check_keys
    from reader.tui.themes import load_themes, starting_theme

    problems = list(config.problems)
    problems += check_keys(config.keys)[1]
    problems += view_problems(config.views)
    loaded = load_themes(bundled_themes_dir(), ctx.paths.themes_dir)
    problems += loaded.problems
    known = {t.name for t in loaded.themes} | set(BUILTIN_THEMES)
    notes = []
    if config.theme is not None and config.theme not in known:
        problems.append(f"theme {clean_line(config.theme)[:60]} not found "
                        f"(known: {', '.join(sorted(known))})")
    choice = starting_theme(config.theme, ctx.paths.state_file, ctx.paths.config_file)
    notes.append(choice.note or f"theme: {clean_line(choice.name)[:60]} ({choice.origin})")
    browser = find_browser(config.browser, config.browser_terminal)
    if browser is None:
        notes.append("o: no browser found (set browser in config.toml)")
    else:
        how = "in this terminal, the reader steps aside" if browser.terminal else "detached"
        notes.append(f"o: {' '.join(browser.program) or browser.name} ({how})")
    return problems, notes


def check_config(ctx: Context, config: Config) -> int:
    """`byline --check-config`: every problem on a line of its own; status 1 if any."""
    path = ctx.paths.config_file
    problems, notes = config_report(ctx, config)
    for line in problems:
        print(f"byline: {line}")
    for line in notes:
        print(line)
    found = "no config file, the defaults apply" if not path.exists() else \
        f"{len(problems)} problem{'s' if len(problems) != 1 else ''}" if problems else "ok"
    print(f"{path}: {found}")
    return 1 if problems else 0

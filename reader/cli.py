"""The `byline` command line: argument parsing and dispatch (imports stay lazy for speed).

Every command module exposes `run(args, ctx) -> int`. Failures surface as one line on
stderr (`byline: …`) and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from contextlib import nullcontext, suppress
from typing import NoReturn

from reader import __version__
from reader.context import Context
from reader.errors import BylineError
from reader.paths import resolve_paths
from reader.pattern_cache import PatternCache, cache_file

# command name -> module holding `run(args, ctx)`
COMMANDS: dict[str, str] = {
    "read": "reader.commands.read",
    "add": "reader.commands.subscriptions",
    "remove": "reader.commands.subscriptions",
    "feeds": "reader.commands.subscriptions",
    "import": "reader.commands.subscriptions",
    "export": "reader.commands.subscriptions",
    "refresh": "reader.commands.refresh",
    "list": "reader.commands.listing",
    "search": "reader.commands.listing",
    "mark": "reader.commands.mark",
    "pipe": "reader.commands.pipe",
    "vacuum": "reader.commands.vacuum",
    "sync": "reader.commands.sync",
    "download": "reader.commands.download",
}


def _global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", metavar="DIR", help="keep config, library and cache in DIR "
                        "(also $BYLINE_HOME)")
    parser.add_argument("--offline", action="store_true", help="never touch the network")
    parser.add_argument("--version", action="version", version=f"byline {__version__}")


def build_parser() -> argparse.ArgumentParser:
    """The parser for `byline COMMAND …` (the TUI form `byline [PATH_OR_URL …]` is separate)."""
    parser = argparse.ArgumentParser(
        prog="byline",
        description="A terminal article reader. With no command, opens the reader "
        "(`byline [PATH_OR_URL ...]`).",
    )
    _global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("read", help="print a cleaned article (or a feed's articles)")
    p.add_argument("target", metavar="PATH_OR_URL")
    p.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    p.add_argument("--raw", action="store_true", help="print the original, boilerplate included")
    p.add_argument("--no-pager", action="store_true",
                   help="on a terminal, print long articles without a pager ($PAGER, less)")

    p = sub.add_parser("add", help="subscribe to a feed (a web page URL: discover its feed); "
                       "a Google Reader [sync] server too")
    p.add_argument("url")
    p.add_argument("--tag", action="append", default=[], metavar="TAG")

    p = sub.add_parser("remove", help="unsubscribe from a feed (its starred articles stay); "
                       "a Google Reader [sync] server too")
    p.add_argument("feed", metavar="URL_TITLE_OR_ID")
    p.add_argument("--keep-all", action="store_true",
                   help="keep every article of the feed, not only the starred ones")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask on a terminal")

    p = sub.add_parser("feeds", help="subscriptions with last status and counts")
    p.add_argument("--format", choices=["text", "json"], default="text")

    p = sub.add_parser("import", help="import OPML or a plain list of feed URLs")
    p.add_argument("file")

    sub.add_parser("export", help="print subscriptions as OPML")

    p = sub.add_parser("refresh", help="fetch every feed")
    p.add_argument("feeds", nargs="*", metavar="URL", help="only these feeds (URL or id)")
    p.add_argument("--full", action="store_true",
                   help="also fetch and cache the full text of summary-only entries")
    p.add_argument("--due", action="store_true",
                   help="only the feeds that are due: [refresh] and [[feed]] intervals, the "
                   "feeds' ttl, Cache-Control max-age, skipHours and skipDays (for cron)")

    p = sub.add_parser("sync", help="sync with the [sync] feed server: push queued read/star "
                       "changes, pull feeds and new items")
    p.add_argument("--check", action="store_true",
                   help="log in and say what the server supports; change nothing")
    p.add_argument("--full", action="store_true",
                   help="also fetch and cache the full text of summary-only entries")

    p = sub.add_parser("list", help="list articles in the library")
    p.add_argument("--unread", action="store_true")
    p.add_argument("--filter", metavar="EXPR", default="",
                   help="filter terms: words, \"a phrase\", unread, starred, tag:T, feed:F, "
                   "author:A, title:T, has:quotes, @7d, @2026-11-01.., -TERM (docs/filters.md)")
    p.add_argument("--view", metavar="NAME", help="a saved view of config.toml ([[views]])")
    p.add_argument("--hidden", action="store_true",
                   help="the articles kill rules hid ([[hide]]) instead of the others")
    p.add_argument("--sort", choices=["date", "feed", "title", "minutes"], default="date")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--limit", type=int, default=50)

    p = sub.add_parser("mark", help="mark articles read or unread, starred or not")
    p.add_argument("entries", nargs="*", metavar="ID_OR_URL")
    p.add_argument("--filter", metavar="EXPR",
                   help="every article the filter matches (docs/filters.md), e.g. 'tag:news @7d'")
    read = p.add_mutually_exclusive_group()
    read.add_argument("--read", dest="read", action="store_true", default=None)
    read.add_argument("--unread", dest="read", action="store_false")
    star = p.add_mutually_exclusive_group()
    star.add_argument("--star", dest="star", action="store_true", default=None)
    star.add_argument("--unstar", dest="star", action="store_false")
    hide = p.add_mutually_exclusive_group()
    hide.add_argument("--hide", dest="hide", action="store_true", default=None,
                      help="hide them as a kill rule would (they stay under Hidden)")
    hide.add_argument("--unhide", dest="hide", action="store_false",
                      help="bring hidden articles back to their lists")

    p = sub.add_parser("pipe", help="send an article to a command of [commands] in config.toml")
    p.add_argument("entry", metavar="ID_OR_URL")
    p.add_argument("name", metavar="COMMAND", help="its name in [commands]")

    p = sub.add_parser("vacuum", help="apply [retention], pack the texts an older Byline "
                       "stored unpacked, merge the search index, compact the library (size "
                       "before and after)")
    p.add_argument("--no-retention", action="store_true",
                   help="compact only; delete nothing")

    p = sub.add_parser("download", help="download an article's enclosure (podcast, video) "
                       "to the downloads folder; run again to resume")
    p.add_argument("entry", metavar="ID_OR_URL")
    p.add_argument("--enclosure", "-n", type=int, default=1, metavar="N",
                   help="which of the article's enclosures (1 = the first; see byline read ID)")
    p.add_argument("--to", metavar="DIR", help="this folder instead of the downloads folder")
    p.add_argument("--max-mb", type=int, metavar="MB",
                   help="refuse a file larger than this (default: download_max_mb, 2000)")

    p = sub.add_parser("search", help="offline full-text search of the library")
    p.add_argument("query", help="words and phrases, ranked; filter terms (unread, tag:T, @7d "
                   "…) narrow the matches")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--limit", type=int, default=20)
    return parser


def build_tui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="byline",
        usage="byline [--data-dir DIR] [--offline] [PATH_OR_URL ...] | byline COMMAND ...",
        description="Open the reader on your library, or on the given files and URLs. "
        f"Commands: {', '.join(COMMANDS)} (see `byline COMMAND --help`).",
    )
    _global_options(parser)
    parser.add_argument("--check-config", action="store_true",
                        help="say what is wrong with config.toml (one line each), then exit")
    parser.add_argument("targets", nargs="*", metavar="PATH_OR_URL")
    return parser


def _first_positional(argv: Sequence[str]) -> str | None:
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == "--data-dir":
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def _dispatch(argv: list[str], keep_patterns: bool) -> int:
    if _first_positional(argv) in COMMANDS:
        args = build_parser().parse_args(argv)
        name = COMMANDS[args.command]
    else:
        args = build_tui_parser().parse_args(argv)
        name = "reader.tui.launch"
    ctx = Context(paths=resolve_paths(args.data_dir), offline=args.offline)
    patterns = PatternCache(cache_file(ctx.paths.cache_dir)) if keep_patterns else nullcontext()
    with patterns:
        result: int = importlib.import_module(name).run(args, ctx)
    return result


def console() -> NoReturn:
    """The `byline` console script and `python -m reader`: `main()`, then, after a one-shot
    command, a quick exit.

    A command has closed the library and stopped its workers by the time it returns; the
    interpreter's teardown of every module it imported would only add time (about 30 ms
    after `byline refresh`). The reader (TUI) exits the usual way.
    """
    try:
        code = main(keep_patterns=True)
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    if _first_positional(sys.argv[1:]) not in COMMANDS:
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # a closed pipe or stream: nothing more to say
            stream.flush()
    os._exit(code)


def main(argv: Sequence[str] | None = None, keep_patterns: bool = False) -> int:
    """Run the command line on `argv` (default: `sys.argv[1:]`); return the exit status.
    `keep_patterns`: compile regular expressions through the pattern cache in the cache dir
    (the console script's own process does; a caller's process keeps its `re` as it is)."""
    try:
        return _dispatch(list(sys.argv[1:] if argv is None else argv), keep_patterns)
    except BylineError as exc:
        print(f"byline: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("byline: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`byline read x | head`): not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:  # the last line of defence: never a traceback
        if os.environ.get("BYLINE_DEBUG"):
            raise
        print(f"byline: internal error: {type(exc).__name__}: {' '.join(str(exc).split())[:200]} "
              "(set BYLINE_DEBUG=1 for details)", file=sys.stderr)
        return 70

"""`byline list` and `byline search`: read the offline library (never touches the network)."""

from __future__ import annotations

import json
import sys
from argparse import Namespace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.text import Text

    from reader.context import Context
    from reader.library.listings import EntryRow, Listing
    from reader.library.store import SearchHit


def run(args: Namespace, ctx: Context) -> int:
    from reader.commands.subscriptions import open_library

    library = open_library(ctx)
    try:
        if args.command == "list":
            rows = library.listing_page(_listing(args, ctx), limit=args.limit)
            return _print_entries(rows, args.format)
        return _print_hits(library.search(args.query, limit=args.limit), args.format)
    finally:
        library.close()


def _listing(args: Namespace, ctx: Context) -> Listing:
    """What `byline list` shows: its filter, a saved view's filter, or both (AND)."""
    from reader.library.listings import Listing

    terms = [args.filter]
    if args.view is not None:
        from reader.config import load_config
        from reader.errors import BylineError
        from reader.sanitize import clean_line

        views = load_config(ctx.paths).views
        wanted = clean_line(args.view).casefold()
        view = next((v for v in views if v.name.casefold() == wanted), None)
        if view is None:
            known = ", ".join(repr(v.name) for v in views) or "none in config.toml"
            raise BylineError(f"no view named {clean_line(args.view)[:60]!r} (views: {known})")
        terms.append(view.filter)
    return Listing("hidden" if args.hidden else "all",
                   filter=" ".join(t for t in terms if t.strip()), unread_only=args.unread,
                   sort=args.sort)


def _print_entries(rows: list[EntryRow], fmt: str) -> int:
    if fmt == "json":
        _json([{"id": r.id, "title": r.title, "source": r.source, "url": r.url,
                "published": r.published, "read": r.read, "starred": r.starred,
                "reading_minutes": r.reading_minutes} for r in rows])
        return 0
    if not rows:
        print("No articles: byline add URL, then byline refresh", file=sys.stderr)
        return 0
    lines = []
    for r in rows:
        line = _text(f"{r.id:>6} ")
        line.append("●" if not r.read else " ", style="bold cyan")
        line.append("★ " if r.starred else "  ", style="yellow")
        line.append(r.title, style="" if r.read else "bold")
        line.append(f"  {r.source}", style="dim")
        date = (r.published or "")[:10]
        line.append(f"  {date + ', ' if date else ''}{r.reading_minutes} min", style="dim")
        lines.append(line)
    _print(lines)
    return 0


def _print_hits(hits: list[SearchHit], fmt: str) -> int:
    if fmt == "json":
        _json([{"id": h.entry_id, "title": h.title, "source": h.source, "url": h.url,
                "published": h.published, "snippet": h.snippet, "rank": h.rank} for h in hits])
        return 0
    if not hits:
        print("No matches", file=sys.stderr)
        return 0
    lines = []
    for h in hits:
        line = _text(f"{h.entry_id:>6}  ")
        line.append(h.title, style="bold")
        line.append(f"  {h.source}", style="dim")
        lines.append(line)
        snippet = _text("        " + h.snippet)
        for start, end in h.spans:
            snippet.stylize("bold yellow", start + 8, end + 8)
        lines.append(snippet)
    _print(lines)
    return 0


def _text(plain: str) -> Text:
    from rich.text import Text

    return Text(plain)  # never markup: titles and snippets are untrusted


def _print(lines: list[Text]) -> None:
    """Styled on a terminal, plain text otherwise."""
    if sys.stdout.isatty():
        from rich.console import Console

        console = Console(highlight=False, soft_wrap=True)
        for line in lines:
            console.print(line)
    else:
        sys.stdout.write("".join(line.plain + "\n" for line in lines))


def _json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))

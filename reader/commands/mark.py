"""`byline mark ID … --read/--unread --star/--unstar --hide/--unhide`: change articles' read,
starred and hidden state (`--filter EXPR`: every article the filter matches)."""

from __future__ import annotations

from argparse import Namespace
from typing import TYPE_CHECKING

from reader.errors import BylineError

if TYPE_CHECKING:
    from reader.context import Context


def run(args: Namespace, ctx: Context) -> int:
    """Mark every named article (by id, URL or local path); all are found before any changes."""
    from reader.commands.subscriptions import open_library

    if args.read is None and args.star is None and args.hide is None:
        raise BylineError("mark: say what to mark: --read, --unread, --star, --unstar, "
                          "--hide or --unhide")
    if not args.entries and args.filter is None:
        raise BylineError("mark: name the articles (ids or URLs) or give --filter EXPR")
    library = open_library(ctx)
    try:
        ids = []
        if args.filter is not None:
            from reader.library.listings import Listing

            source = "hidden" if args.hide is False else "all"
            ids = library.listing_ids(Listing(source, filter=args.filter))
        for target in args.entries:
            entry_id = library.find(target)
            if entry_id is None:
                raise BylineError(f"no article {target} in the library (see byline list)")
            ids.append(entry_id)
        changes = []
        if args.read is not None:
            changes.append("read" if args.read else "unread")
        if args.star is not None:
            changes.append("starred" if args.star else "unstarred")
        if args.hide is not None:
            changes.append("hidden" if args.hide else "shown")
        with library.transaction():
            for entry_id in ids:
                if args.read is not None:
                    library.set_read(entry_id, args.read)
                if args.star is not None:
                    library.set_starred(entry_id, args.star)
            if args.hide is not None:
                library.set_hidden(ids, args.hide)
    finally:
        library.close()
    if args.filter is not None:
        print(f"Marked {len(set(ids))} article{'s' * (len(set(ids)) != 1)} "
              f"{' and '.join(changes)}")
        return 0
    shown = ", ".join(str(i) for i in dict.fromkeys(ids))
    print(f"Marked {shown} {' and '.join(changes)}")
    return 0

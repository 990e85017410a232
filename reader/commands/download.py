"""`byline download ID [-n N] [--to DIR]`: an article's enclosure to the downloads folder, with a
progress bar on a terminal; an interrupted download resumes when the command is run again."""

from __future__ import annotations

import contextlib
from argparse import Namespace
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from reader.commands.progress import terminal_bar
from reader.errors import BylineError

if TYPE_CHECKING:
    from reader.context import Context
    from reader.sources.download import Progress


def run(args: Namespace, ctx: Context) -> int:
    from reader.commands.subscriptions import open_library
    from reader.config import load_config
    from reader.sources.download import download, file_name
    from reader.sources.enclosures import human_size

    config = load_config(ctx.paths)
    library = open_library(ctx)
    try:
        entry_id = library.find(args.entry)
        if entry_id is None:
            raise BylineError(f"no article {args.entry} in the library (see byline list)")
        enclosures = library.enclosures(entry_id)
        title = library.entry_meta(entry_id)["title"]
    finally:
        library.close()
    if not enclosures:
        raise BylineError(f"article {entry_id} has no enclosures")
    if not 1 <= args.enclosure <= len(enclosures):
        raise BylineError(f"article {entry_id} has {len(enclosures)} enclosure"
                          f"{'s' * (len(enclosures) != 1)}; -n takes 1 to {len(enclosures)}")
    if ctx.offline:
        raise BylineError("download needs the network (--offline given)")
    if args.max_mb is not None and args.max_mb < 1:
        raise BylineError("--max-mb takes a whole number of at least 1")
    enclosure = enclosures[args.enclosure - 1]
    folder = Path(args.to).expanduser() if args.to else config.downloads_folder(ctx.paths)
    name = file_name(title, enclosure.url, enclosure.type)
    with _progress_bar(name) as progress:
        done = download(enclosure.url, folder, name, expected_type=enclosure.type,
                        max_bytes=(args.max_mb or config.download_max_mb) * 1_000_000,
                        progress=progress)
    if done.already:
        print(f"Already downloaded: {done.path} ({human_size(done.size)})")
    else:
        resumed = f", resumed at {human_size(done.resumed_from)}" if done.resumed_from else ""
        print(f"Saved {done.path} ({human_size(done.size)}{resumed})")
    return 0


@contextlib.contextmanager
def _progress_bar(name: str) -> Iterator[Progress | None]:
    """Bytes, speed and time left of the download on a terminal; else None."""
    with terminal_bar(lambda rp: (
            rp.TextColumn(name[:40], markup=False), rp.BarColumn(), rp.DownloadColumn(),
            rp.TransferSpeedColumn(), rp.TimeRemainingColumn())) as update:
        yield None if update is None else lambda done, total: update(
            completed=done, total=total)

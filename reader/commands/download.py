"""`byline download ID [-n N] [--to DIR]`: an article's enclosure to the downloads folder, with a
progress bar on a terminal; an interrupted download resumes when the command is run again."""

from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
    folder = downloads_folder(ctx, config.downloads, args.to)
    name = file_name(title, enclosure.url, enclosure.type)
    with _ProgressBar(name) as progress:
        done = download(enclosure.url, folder, name, expected_type=enclosure.type,
                        max_bytes=(args.max_mb or config.download_max_mb) * 1_000_000,
                        progress=progress)
    if done.already:
        print(f"Already downloaded: {done.path} ({human_size(done.size)})")
    else:
        resumed = f", resumed at {human_size(done.resumed_from)}" if done.resumed_from else ""
        print(f"Saved {done.path} ({human_size(done.size)}{resumed})")
    return 0


def downloads_folder(ctx: Context, configured: str | None, given: str | None) -> Path:
    """`--to`, else the config's `downloads`, else the data folder's `downloads`."""
    chosen = given or configured
    return Path(chosen).expanduser() if chosen else ctx.paths.downloads_dir


class _ProgressBar:
    """A Rich progress bar (bytes, speed, time left) on stderr when it is a terminal."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._bar: Any = None

    def __enter__(self) -> Progress | None:
        if not sys.stderr.isatty():
            return None
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        self._bar = bar = Progress(
            TextColumn(self.name[:40], markup=False), BarColumn(), DownloadColumn(),
            TransferSpeedColumn(), TimeRemainingColumn(), console=Console(stderr=True),
            transient=True)
        bar.start()
        task = bar.add_task("", total=None)

        def update(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        return update

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

"""`byline vacuum`: apply the retention rules, merge the search index, compact the library."""

from __future__ import annotations

import sys
from argparse import Namespace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reader.context import Context
    from reader.library.store import Library


def run(args: Namespace, ctx: Context) -> int:
    from reader.commands.subscriptions import open_library
    from reader.config import load_config
    from reader.library import retention
    from reader.library.vacuum import vacuum

    config = load_config(ctx.paths)
    policy = retention.Policy.from_config(config.retention)
    library = open_library(ctx)
    try:
        if policy and not args.no_retention:
            result = apply_retention(library, policy)
            print(f"Retention ({policy.describe()}; starred and marked-unread articles kept): "
                  f"{result.deleted} article{'s' if result.deleted != 1 else ''} deleted in "
                  f"{result.seconds:.1f} s")
        with _Bar("Vacuum") as bar:
            sizes = vacuum(library, progress=bar.phase if bar.active else None)
    finally:
        library.close()
    print(f"Library {ctx.paths.library_file}: {_size(sizes.before)} before, "
          f"{_size(sizes.after)} after")
    return 0


def apply_retention(library: Library, policy: Any) -> Any:
    """Apply `policy` with a progress bar on a terminal (also after `byline refresh`)."""
    from reader.library import retention

    with _Bar("Retention") as bar:
        return retention.apply(library, policy, progress=bar.count if bar.active else None)


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return str(n)


class _Bar:
    """A Rich progress bar on stderr when it is a terminal (nothing otherwise)."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.active = sys.stderr.isatty()
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> _Bar:
        if self.active:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

            self._bar = Progress(TextColumn(self.title), BarColumn(), TaskProgressColumn(),
                                 TextColumn("{task.description}", markup=False),
                                 console=Console(stderr=True), transient=True)
            self._bar.start()
            self._task = self._bar.add_task("", total=1.0)
        return self

    def phase(self, name: str, fraction: float) -> None:
        self._bar.update(self._task, completed=fraction, total=1.0, description=name)

    def count(self, done: int, total: int) -> None:
        self._bar.update(self._task, completed=done, total=max(total, 1),
                         description=f"{done:,}/{total:,} articles")

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

"""`byline vacuum`: apply the retention rules, merge the search index, compact the library."""

from __future__ import annotations

import contextlib
from argparse import Namespace
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any

from reader.commands.progress import terminal_bar

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
        with _vacuum_bar() as progress:
            sizes = vacuum(library, progress=progress)
    finally:
        library.close()
    print(f"Library {ctx.paths.library_file}: {_size(sizes.before)} before, "
          f"{_size(sizes.after)} after")
    return 0


def apply_retention(library: Library, policy: Any) -> Any:
    """Apply `policy` with a progress bar on a terminal (also after `byline refresh`)."""
    from reader.library import retention

    with terminal_bar(_columns("Retention"), total=1.0) as update:
        count = None if update is None else lambda done, total: update(
            completed=done, total=max(total, 1), description=f"{done:,}/{total:,} articles")
        return retention.apply(library, policy, progress=count)


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return str(n)


@contextlib.contextmanager
def _vacuum_bar() -> Iterator[Callable[[str, float], None] | None]:
    """The vacuum's phases (a name and the fraction done) on a terminal; else None."""
    with terminal_bar(_columns("Vacuum"), total=1.0) as update:
        yield None if update is None else lambda name, fraction: update(
            completed=fraction, total=1.0, description=name)


def _columns(title: str) -> Callable[[ModuleType], tuple[Any, ...]]:
    return lambda rp: (rp.TextColumn(title), rp.BarColumn(), rp.TaskProgressColumn(),
                       rp.TextColumn("{task.description}", markup=False))

"""The commands' progress bar: Rich, transient, on stderr, and only when stderr is a terminal
(Rich is imported only then)."""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterable, Iterator
from types import ModuleType
from typing import Any

Update = Callable[..., None]   # `Progress.update` of the bar's one task (completed=, total=, …)


@contextlib.contextmanager
def terminal_bar(columns: Callable[[ModuleType], Iterable[Any]], *,
                 total: float | None = None) -> Iterator[Update | None]:
    """A bar of `columns(rich.progress)` with one task; yields its `update`, or None when
    stderr is not a terminal (then nothing is drawn and the caller passes no callback)."""
    if not sys.stderr.isatty():
        yield None
        return
    import rich.progress
    from rich.console import Console

    with rich.progress.Progress(*columns(rich.progress), console=Console(stderr=True),
                                transient=True) as bar:
        yield functools.partial(bar.update, bar.add_task("", total=total))

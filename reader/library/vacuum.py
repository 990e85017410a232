"""`byline vacuum`: merge the search index, compact the file, report its size before and after.

SQLite's VACUUM rebuilds the whole database and says nothing while it works; its progress
handler is called every `STEP` virtual-machine instructions, and the number of instructions
grows with the number of pages in use (about `STEPS_PER_PAGE` callbacks each, 0.62 measured
on libraries of 5,000 and 30,000 articles), which gives the progress bar its estimate. In WAL
mode the rebuilt pages go through the log first: VACUUM needs free disk space of about twice
the library's size while it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from reader.library.store import Library

STEP = 100
STEPS_PER_PAGE = 0.6

Progress = Callable[[str, float], None]  # phase, fraction done (0..1)


@dataclass
class Sizes:
    before: int
    after: int


def library_bytes(path: Path) -> int:
    """The library's size on disk: the database and its write-ahead log."""
    total = 0
    for name in (path, path.with_name(path.name + "-wal")):
        with suppress(OSError):
            total += name.stat().st_size
    return total


def vacuum(library: Library, *, progress: Progress | None = None) -> Sizes:
    """Optimize the search index, then VACUUM; interrupting either leaves the library whole
    (each is one transaction)."""
    before = library_bytes(library.path)
    report = progress or (lambda phase, fraction: None)
    report("search index", 0.0)
    with library.transaction() as conn:
        conn.execute("INSERT INTO entries_fts(entries_fts) VALUES ('optimize')")
    report("search index", 1.0)
    with library.connection() as conn:
        pages = (conn.execute("PRAGMA page_count").fetchone()[0]
                 - conn.execute("PRAGMA freelist_count").fetchone()[0])
        expected = max(1.0, pages * STEPS_PER_PAGE)
        calls = 0

        def step() -> int:
            nonlocal calls
            calls += 1
            if calls % 50 == 0:
                report("compacting", min(0.99, calls / expected))
            return 0

        report("compacting", 0.0)
        conn.set_progress_handler(step, STEP)
        try:
            conn.execute("VACUUM")
        finally:
            conn.set_progress_handler(None, 0)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    report("compacting", 1.0)
    return Sizes(before, library_bytes(library.path))

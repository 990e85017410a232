"""`byline vacuum`: pack what an older Byline stored unpacked, merge the search index, compact
the file, report its size before and after.

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

from reader.library.packing import COLUMNS, MIN_PACKED, pack
from reader.library.store import Library

STEP = 100
PACK_BATCH = 5_000  # ids a packing transaction covers
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
    """Pack the texts stored unpacked (`pack_stored`), optimize the search index, then
    VACUUM; interrupting any of them leaves the library whole."""
    before = library_bytes(library.path)
    report = progress or (lambda phase, fraction: None)
    pack_stored(library, report)
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


def pack_stored(library: Library, report: Progress) -> int:
    """Pack the long texts of entries stored before schema 16 (`reader.library.packing`),
    `PACK_BATCH` ids a transaction: an interruption keeps the batches done (packing changes
    no text, so the search index is not touched). Return how many entries were rewritten
    (a text that deflate does not shrink stays as it is)."""
    low, high = library.query("SELECT coalesce(min(id), 0), coalesce(max(id), -1) "
                              "FROM entries")[0]
    unpacked = " OR ".join(f"(typeof({c}) = 'text' AND length({c}) >= {MIN_PACKED})"
                           for c in COLUMNS)
    changed = 0
    for start in range(low, high + 1, PACK_BATCH):
        report("packing", (start - low) / (high + 1 - low))
        with library.transaction() as conn:
            rows = conn.execute(f"SELECT {', '.join(COLUMNS)}, id FROM entries "
                                f"WHERE id >= ? AND id < ? AND ({unpacked})",
                                (start, start + PACK_BATCH)).fetchall()
            packed = [(*(_packed(v) for v in row[:-1]), row[-1]) for row in rows]
            packed = [new for new, row in zip(packed, rows, strict=True) if new != tuple(row)]
            conn.executemany(f"UPDATE entries SET {' = ?, '.join(COLUMNS)} = ? WHERE id = ?",
                             packed)
        changed += len(packed)
    report("packing", 1.0)
    return changed


def _packed(stored: str | bytes | None) -> str | bytes | None:
    return pack(stored) if isinstance(stored, str) else stored

"""Long texts stored small: `pack` deflates a text when that saves space, `unpack` gives it
back exactly.

The entry columns `raw`, `text`, `page` and `article` hold either TEXT, the text as it is
(short texts, and whatever a library stored before schema 16), or a BLOB: the text's UTF-8
deflated (zlib's raw deflate, no header). In SQL, `UNPACKED` is the text of a column: the
search index reads `text` through the view `entries_search`, and its triggers take what they
delete out of it the same way. It calls the SQL function `inflate` that `register` adds to a
connection: every connection that indexes, searches (snippets) or deletes entries needs it
(`Database` and `Searcher` register it when they connect).
"""

from __future__ import annotations

import functools
import sqlite3
import zlib
from typing import overload

from reader.errors import BylineError

COLUMNS = ("raw", "text", "page", "article")  # the entry columns that hold packed texts
# The text of a packed column in SQL (`UNPACKED.format("text")`).
UNPACKED = "(CASE WHEN typeof({0}) = 'blob' THEN CAST(inflate({0}) AS TEXT) ELSE {0} END)"
# Deflate level 6 (zlib's default): a third of the size of a news article's HTML or text, in
# about 50 µs for 1.4 KB on the benchmark machine; level 1 is twice as fast and 13 % larger.
LEVEL = 6
MIN_PACKED = 100  # characters: shorter texts gain little or nothing and are stored as they are


@overload
def pack(text: str) -> str | bytes: ...
@overload
def pack(text: None) -> None: ...
def pack(text: str | None) -> str | bytes | None:
    """`text` as stored: its deflated UTF-8 when that is shorter, else `text` itself."""
    if text is None or len(text) < MIN_PACKED:
        return text
    data = text.encode("utf-8")
    # The smallest window that covers the text: a smaller state to set up for each text
    # (half the time for an article of a few KB); `unpack` reads any window size.
    packer = zlib.compressobj(LEVEL, zlib.DEFLATED, -max(9, min(15, len(data).bit_length())),
                              8 if len(data) > 16_384 else 4)
    packed = packer.compress(data) + packer.flush()
    return packed if len(packed) < len(data) else text


@overload
def unpack(stored: str | bytes) -> str: ...
@overload
def unpack(stored: None) -> None: ...
def unpack(stored: str | bytes | None) -> str | None:
    """The text `pack` stored (a TEXT value is returned as it is)."""
    if not isinstance(stored, bytes):
        return stored
    try:
        return zlib.decompress(stored, -15).decode("utf-8")
    except (zlib.error, UnicodeDecodeError):
        raise BylineError("a text stored in the library is damaged (it does not unpack)") \
            from None


def register(conn: sqlite3.Connection) -> None:
    """Add the SQL function `inflate(blob)` to `conn`: the UTF-8 of a packed BLOB. It is zlib's
    own function, called from C: a Ctrl-C while SQLite runs it is raised once the statement
    ends (a Python function would turn it into an SQLite error and lose it)."""
    conn.create_function("inflate", 1, functools.partial(zlib.decompress, wbits=-15),
                         deterministic=True)

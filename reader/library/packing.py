"""Long texts stored small: `pack` deflates a text when that saves space, `unpack` gives it
back exactly.

The entry columns `raw`, `text`, `page` and `article` hold either TEXT, the text as it is
(short texts, and whatever a library stored before schema 16), or a BLOB: the text's UTF-8
deflated (raw deflate, no header). Texts are deflated by ISA-L (`isal`), three to five times
faster than zlib, and inflated by zlib, which reads any raw deflate stream (also the zlib
level 6 that Byline packed with before). In SQL, `UNPACKED` is the text of a column: the
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

from isal import isal_zlib

from reader.errors import BylineError

COLUMNS = ("raw", "text", "page", "article")  # the entry columns that hold packed texts
# The text of a packed column in SQL (`UNPACKED.format("text")`).
UNPACKED = "(CASE WHEN typeof({0}) = 'blob' THEN CAST(inflate({0}) AS TEXT) ELSE {0} END)"
# ISA-L's best level (3): 38 % of a news article's 1.3 KB of HTML or text in 11 µs on the
# benchmark machine, where zlib's level 6 took 55 µs for 34 % and its level 1 27 µs for 38 %.
# The cold refresh packs two texts an entry (docs/performance.md).
LEVEL = isal_zlib.ISAL_BEST_COMPRESSION
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
    packed = isal_zlib.compress(data, LEVEL, -15)
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

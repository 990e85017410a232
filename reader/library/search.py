"""Full-text search: user queries made safe for FTS5, ranked hits, snippets with highlight
spans."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field

from reader.errors import BylineError
from reader.library.database import Database

# Markers FTS5 puts around matched terms in snippets. Stored text never contains them:
# `clean_text` strips every C0 control before anything is written.
HIT_START = "\x02"
HIT_END = "\x03"

SEARCH_WINDOW = 5000  # matches of one query that are ranked, newest first
_OPERATORS = frozenset({"OR", "NOT"})
_TERM = re.compile(r"[\w][\w'’.-]*\*?|\"[^\"]*\"")


def fts_query(query: str) -> str | None:
    """Turn what a user typed into an FTS5 query: every term quoted, all terms required.

    Punctuation and FTS5 syntax in the input are treated as text, so no input is a syntax
    error. Kept: a trailing `*` (prefix search), `"a phrase"`, and `AND`/`OR`/`NOT` in capitals
    between two terms. Returns None when the query holds no searchable term.
    """
    parts: list[str] = []
    for match in _TERM.finditer(query):
        term = match.group()
        if term == "AND":  # the default between terms
            continue
        if term in _OPERATORS:
            if parts and parts[-1] not in _OPERATORS:
                parts.append(term)
            continue
        prefix = term.endswith("*") and not term.startswith('"')
        words = term.strip('"*').strip("'’.-")
        if not re.search(r"\w", words):
            continue
        quoted = '"' + words.replace('"', '""') + '"'
        parts.append(quoted + ("*" if prefix else ""))
    while parts and parts[-1] in _OPERATORS:
        parts.pop()
    return " ".join(parts) or None


def split_snippet(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """Remove the hit markers from an FTS5 snippet; return the text and the matched spans."""
    text: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    start: int | None = None
    for piece in re.split(f"([{HIT_START}{HIT_END}])", marked):
        if piece == HIT_START:
            start = length
        elif piece == HIT_END:
            if start is not None and length > start:
                spans.append((start, length))
            start = None
        else:
            text.append(piece)
            length += len(piece)
    return "".join(text), spans


@dataclass
class SearchHit:
    """A search result; `spans` are the matched ranges inside `snippet`."""

    entry_id: int
    title: str
    source: str
    snippet: str
    rank: float
    spans: list[tuple[int, int]] = field(default_factory=list)
    url: str | None = None
    published: str | None = None



class Search(Database):
    """Full-text search of the library."""

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """Ranked full-text search (bm25, a title match weighs ten body matches).

        Any input is a valid query (see `fts_query`). A term that matches a large part of
        the library is ranked among its newest `SEARCH_WINDOW` matches only, which keeps a
        search for a very common word fast on a big library.
        """
        match = fts_query(query)
        if match is None:
            return []
        try:
            rows = self._all(
                f"""SELECT e.id, e.title, f.title, f.url,
                           snippet(entries_fts, 1, '{HIT_START}', '{HIT_END}', '…', 16),
                           rank, e.link, e.published
                    FROM entries_fts JOIN entries e ON e.id = entries_fts.rowid
                    JOIN feeds f ON f.id = e.feed_id
                    WHERE entries_fts MATCH ?1 AND entries_fts.rowid >= coalesce(
                        (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?1
                         ORDER BY rowid DESC LIMIT 1 OFFSET ?2), 0)
                    ORDER BY rank LIMIT ?3""",
                (match, SEARCH_WINDOW - 1, max(1, limit)),
            )
        except sqlite3.OperationalError as exc:
            raise BylineError(f"cannot search for {query!r}: {exc}") from None
        hits = []
        for r in rows:
            snippet, spans = split_snippet(r[4] or "")
            hits.append(SearchHit(r[0], r[1], r[2] or r[3], snippet.replace("\n", " "), r[5],
                                  spans, r[6], r[7]))
        return hits

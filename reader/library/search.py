"""Full-text search: ranked hits (words ranked, other filter terms narrowing them), snippets
with highlight spans."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field

from reader.errors import BylineError
from reader.library.filters import fts_query, split_words
from reader.library.listings import Listing, Listings
from reader.sanitize import clean_line

# Markers FTS5 puts around matched terms in snippets. Stored text never contains them:
# `clean_text` strips every C0 control before anything is written.
HIT_START = "\x02"
HIT_END = "\x03"

SEARCH_WINDOW = 5000  # matches of one query that are ranked, newest first


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


class Search(Listings):
    """Full-text search of the library."""

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """Ranked full-text search (bm25, a title match weighs ten body matches).

        Words and phrases are ranked; the query's other filter terms (`unread`, `tag:news`,
        `@7d`, `-word` …, see `reader.library.filters`) narrow the matches, and a query of
        such terms alone lists its matches newest first. No input is an error (see
        `fts_query`, `split_words`). A term that matches a large part of the library is
        ranked among its newest `SEARCH_WINDOW` matches only, which keeps a search for a very
        common word fast on a big library.
        """
        words, rest = split_words(query, lenient=True)
        match = fts_query(words)
        if match is None:
            if not rest:
                return []
            return [SearchHit(r.id, r.title, r.source, "", 0.0, [], r.url, r.published)
                    for r in self.listing_page(Listing(filter=rest), limit=max(1, limit))]
        where, params = Listing(filter=rest).where()
        try:
            rows = self._all(
                f"""SELECT e.id, e.title, f.title, f.url,
                           snippet(entries_fts, 1, '{HIT_START}', '{HIT_END}', '…', 16),
                           rank, e.link, e.published
                    FROM entries_fts JOIN entries e ON e.id = entries_fts.rowid
                    JOIN feeds f ON f.id = e.feed_id
                    WHERE entries_fts MATCH ? AND {where} AND entries_fts.rowid >= coalesce(
                        (SELECT entries_fts.rowid FROM entries_fts
                         JOIN entries e ON e.id = entries_fts.rowid
                         WHERE entries_fts MATCH ? AND {where}
                         ORDER BY entries_fts.rowid DESC LIMIT 1 OFFSET ?), 0)
                    ORDER BY rank LIMIT ?""",
                (match, *params, match, *params, SEARCH_WINDOW - 1, max(1, limit)),
            )
        except sqlite3.OperationalError as exc:
            raise BylineError(f"cannot search for {clean_line(query)[:100]!r}: {exc}") from None
        hits = []
        for r in rows:
            snippet, spans = split_snippet(r[4] or "")
            hits.append(SearchHit(r[0], r[1], r[2] or r[3], snippet.replace("\n", " "), r[5],
                                  spans, r[6], r[7]))
        return hits

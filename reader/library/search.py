"""Full-text search: ranked hits (words ranked, other filter terms narrowing them) with
snippets, highlight spans and a count; `Searcher`, a connection of its own for searches
another thread may stop."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.errors import BylineError
from reader.library.filters import fts_query, split_words
from reader.library.listings import Listing, Listings
from reader.library.packing import register
from reader.sanitize import clean_line

# Markers FTS5 puts around matched terms in snippets. Stored text never contains them:
# `clean_text` strips every C0 control before anything is written.
HIT_START = "\x02"
HIT_END = "\x03"

SEARCH_WINDOW = 5000  # matches of one query that are counted and ranked, newest first
# A library of more than RANKED_LIBRARY articles ranks a query with up to LARGE_WINDOW matches
# only; one with more lists its newest (see `run_search`).
RANKED_LIBRARY = 100_000
LARGE_WINDOW = 200


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


@dataclass
class SearchResults:
    """The best hits of a search, how many articles matched, and whether more than that did
    (only the newest `SEARCH_WINDOW` matches are counted and ranked)."""

    hits: list[SearchHit]
    matches: int
    more: bool = False
    ranked: bool = True   # False: the newest matches, those matching by their title first


class SearchTooSlow(BylineError):
    """A search ran past the time it was given, or was stopped (`Searcher.interrupt`)."""


class Search(Listings):
    """Full-text search of the library."""

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """The best `limit` hits of `query` (see `run_search`)."""
        return self.search_results(query, limit=limit).hits

    def search_results(self, query: str, *, limit: int = 20,
                       within: float | None = None) -> SearchResults:
        """The best `limit` hits of `query` and how many articles matched (`run_search`)."""
        with self._lock:
            return run_search(self._conn, query, limit, within=within)

    def searcher(self) -> Searcher:
        """A connection of its own for searches that may be stopped midway (the reader's
        search as you type); the caller closes it."""
        return Searcher(self.path)


def run_search(conn: sqlite3.Connection, query: str, limit: int, *,
               within: float | None = None) -> SearchResults:
    """Ranked full-text search on `conn` (the caller keeps other threads off it): bm25, a
    title match weighing ten body matches, the newer article first between equals.

    Words and phrases are ranked; the query's other filter terms (`unread`, `tag:news`,
    `@7d`, `-word` …, see `reader.library.filters`) narrow the matches, and a query of such
    terms alone lists its matches newest first. No input is an error (see `fts_query`,
    `split_words`). Only the newest `SEARCH_WINDOW` matches are counted and ranked, which
    keeps a search for a very common word fast on a big library. In a library of more than
    `RANKED_LIBRARY` articles, a query with more than `LARGE_WINDOW` matches lists the newest
    of them, those matching by their title first, unranked: bm25 reads every match of each
    term to weigh it (30–60 ms for a word in half of 1,000,000 articles), where the newest
    matches lie at the end of the index. `within` seconds: a search
    that takes longer (a word beginning that thousands of words share) stops and raises
    `SearchTooSlow`, as one stopped by `Connection.interrupt` does.
    """
    words, rest = split_words(query, lenient=True)
    match = fts_query(words)
    if match is None and not rest:
        return SearchResults([], 0)
    # "any": hidden articles are found too, as they are without filter terms
    where, params = Listing("any", filter=rest).where() if rest else ("1", ())
    if within is not None:
        deadline = time.monotonic() + within
        conn.set_progress_handler(lambda: time.monotonic() > deadline, 100)
    try:
        if match is None:
            return _listed(conn, where, params, limit)
        return _ranked(conn, match, where, params, limit)
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc):
            raise SearchTooSlow(f"the search for {_shown(query)} was stopped") from None
        raise BylineError(f"cannot search for {_shown(query)}: {exc}") from None
    finally:
        if within is not None:
            conn.set_progress_handler(None, 0)


def _shown(query: str) -> str:
    return repr(clean_line(query)[:100])


def _ranked(conn: sqlite3.Connection, match: str, where: str, params: tuple[object, ...],
            limit: int) -> SearchResults:
    cursor = conn.cursor()
    cursor.row_factory = None
    # The newest matches with their ranks: the index hands them out newest first and stops
    # at the window. Filter terms read the entry's row (only when there are some).
    joined = "" if where == "1" else f"JOIN entries e ON e.id = entries_fts.rowid AND {where}"
    walk = (f"SELECT entries_fts.rowid, {{rank}} FROM entries_fts {joined} "
            "WHERE entries_fts MATCH ? AND entries_fts.rowid >= ? "
            "ORDER BY entries_fts.rowid DESC LIMIT ?")
    articles = cursor.execute("SELECT coalesce(sum(total + hidden), 0) FROM feed_counts")
    large = articles.fetchone()[0] > RANKED_LIBRARY
    ranked: list[tuple[int, float]] = cursor.execute(
        walk.format(rank="0.0" if large else "rank"),
        (*params, match, 0, SEARCH_WINDOW + 1)).fetchall()
    more = len(ranked) > SEARCH_WINDOW
    del ranked[SEARCH_WINDOW:]
    newest = large and len(ranked) > LARGE_WINDOW
    if newest:   # of the newest matches, those matching by their title first
        window = [entry_id for entry_id, _ in ranked[:LARGE_WINDOW]]
        titled = [r[0] for r in cursor.execute(
            walk.format(rank="0.0"), (*params, f"({match}) AND title : ({match})",
                                      window[-1], max(1, limit)))]
        best = list(dict.fromkeys(titled + window))[:max(1, limit)]
    else:
        if large and ranked:   # few matches: ranked after all
            ranked = cursor.execute(walk.format(rank="rank"),
                                    (*params, match, ranked[-1][0], len(ranked))).fetchall()
        best = _best(cursor, ranked, max(1, limit))
    if not best:
        return SearchResults([], 0)
    # Titles and snippets of the best only. The bounds go to the index; the list is checked
    # row by row (`rowid + 0`): handed to the index, it would run the whole query once per id.
    rows = {r[0]: r for r in cursor.execute(
        f"""SELECT e.id, e.title, f.title, f.url,
                   snippet(entries_fts, 1, '{HIT_START}', '{HIT_END}', '…', 12),
                   {"0.0" if newest else "rank"}, e.link, e.published
            FROM entries_fts JOIN entries e ON e.id = entries_fts.rowid
            JOIN feeds f ON f.id = e.feed_id
            WHERE entries_fts MATCH ? AND entries_fts.rowid BETWEEN ? AND ?
                AND entries_fts.rowid + 0 IN ({",".join("?" * len(best))})""",
        (match, min(best), max(best), *best))}
    return SearchResults(_hits(best, rows), len(ranked), more, ranked=not newest)


def _listed(conn: sqlite3.Connection, where: str, params: tuple[object, ...],
            limit: int) -> SearchResults:
    """A search of filter terms alone: its matches newest first, no snippet."""
    cursor = conn.cursor()
    cursor.row_factory = None
    ids = [r[0] for r in cursor.execute(
        f"SELECT e.id FROM entries e WHERE {where} ORDER BY e.sort_time DESC, e.id DESC "
        "LIMIT ?", (*params, SEARCH_WINDOW + 1))]
    more = len(ids) > SEARCH_WINDOW
    del ids[SEARCH_WINDOW:]
    best = ids[:max(1, limit)]
    rows = {r[0]: r for r in cursor.execute(
        f"""SELECT e.id, e.title, f.title, f.url, '', 0.0, e.link, e.published
            FROM entries e JOIN feeds f ON f.id = e.feed_id
            WHERE e.id IN ({",".join("?" * len(best))})""", best)}
    return SearchResults(_hits(best, rows), len(ids), more)


def _hits(best: list[int], rows: dict[int, tuple[Any, ...]]) -> list[SearchHit]:
    """The hits in `best` order from their rows (id, title, feed title, feed URL, marked
    snippet, rank, link, published)."""
    hits = []
    for entry_id in best:
        r = rows.get(entry_id)
        if r is not None:
            snippet, spans = split_snippet(r[4] or "")
            hits.append(SearchHit(entry_id, r[1], r[2] or r[3], snippet.replace("\n", " "),
                                  r[5], spans, r[6], r[7]))
    return hits


def _best(cursor: sqlite3.Cursor, ranked: list[tuple[int, float]], limit: int) -> list[int]:
    """The ids of the `limit` best of (id, rank) pairs; between equal ranks the article that
    sorts newer comes first (its date, then its id)."""
    ranked.sort(key=lambda r: (r[1], -r[0]))
    best = ranked[:limit]
    ranks = {rank for _, rank in best}
    if len(ranks) == len(best) and (len(ranked) == len(best) or ranked[len(best)][1] not in ranks):
        return [entry_id for entry_id, _ in best]   # no tie among them, none at the edge
    tied = [(entry_id, rank) for entry_id, rank in ranked if rank in ranks]
    times: dict[int, float] = {}
    for start in range(0, len(tied), 500):
        chunk = [entry_id for entry_id, _ in tied[start:start + 500]]
        times.update(cursor.execute(
            f"SELECT id, sort_time FROM entries WHERE id IN ({','.join('?' * len(chunk))})",
            chunk).fetchall())
    tied.sort(key=lambda r: (r[1], -times.get(r[0], 0.0), -r[0]))
    return [entry_id for entry_id, _ in tied[:limit]]


class Searcher:
    """Searches on a read-only connection of their own, which `interrupt` stops from any
    thread: the reader searches the beginning of the word being typed here (thousands of
    words may share it), while the library's connection answers everything else at once."""

    def __init__(self, path: Path) -> None:
        try:
            self._conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True,
                                         timeout=10, isolation_level=None,
                                         check_same_thread=False)
        except sqlite3.Error as exc:
            raise BylineError(f"cannot open the library {path}: {exc}") from None
        register(self._conn)  # snippets read the packed text through `entries_search`
        self._lock = threading.Lock()

    def search_results(self, query: str, *, limit: int = 20,
                       within: float | None = None) -> SearchResults:
        """As `run_search`; `SearchTooSlow` when `interrupt` stopped it or `within` passed."""
        with self._lock:
            return run_search(self._conn, query, limit, within=within)

    def interrupt(self) -> None:
        """Stop the search running now, if any (it raises `SearchTooSlow`)."""
        self._conn.interrupt()

    def close(self) -> None:
        self._conn.interrupt()
        with self._lock:
            self._conn.close()

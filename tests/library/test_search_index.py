"""The search index holds what the clean view shows, finds a word as it is typed, and counts.

Issue 13, items 1 and 2: text that cleaning removed ("Share this article") is never found, a
library made before that is re-indexed by its migration, ties list the newer article first.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from reader.library import schema
from reader.library.packing import register
from reader.library.search import SEARCH_WINDOW, SearchTooSlow
from reader.library.store import Library, NewEntry

SHARE = "Share this article"
BODIES = [
    f"<p>Crews rebuilt the ferry ramp over a long weekend of tides.</p><p>{SHARE}</p>",
    f"<p>The bakery on the quay doubled its morning batch.</p><p>Advertisement</p><p>{SHARE}</p>",
    "<p>Nobody asked to share the last ferry of the night, so the crew went home.</p>",
]


@pytest.fixture
def lib(tmp_path: Path):
    library = Library.open(tmp_path / "library.db")
    yield library
    library.close()


def _store(lib: Library, bodies: list[str], *, published: list[str] | None = None) -> list[int]:
    feed = lib.add_feed("https://quay.example/feed", title="Quay Weekly")
    lib.store_entries(feed, [
        NewEntry(key=f"k{i}", title=f"Quay story {i}", raw=body,
                 published=published[i] if published else None)
        for i, body in enumerate(bodies)])
    return [row.id for row in reversed(lib.entries(f"feed:{feed}", limit=100))]


def test_removed_boilerplate_is_not_indexed(lib: Library) -> None:
    _store(lib, BODIES)
    assert lib.search(f'"{SHARE}"') == []
    assert lib.search("advertisement") == []
    # the one article that really says "share" is found, with a clean snippet
    hits = lib.search("share")
    assert [h.title for h in hits] == ["Quay story 2"]
    assert SHARE not in hits[0].snippet
    assert all(SHARE.lower() not in h.snippet.lower() for h in lib.search("ferry"))


def test_opening_an_article_indexes_its_clean_text(lib: Library) -> None:
    # A "More from the quay" section: only the full clean (on opening) knows its items go.
    body = ("<p>The harbour master reopened the north quay on Monday after repairs.</p>"
            "<h3>Related stories</h3><ul><li>Gulls return to the breakwater early</li>"
            "<li>Lighthouse keeper retires after forty winters</li></ul>")
    [entry] = _store(lib, [body])
    assert lib.search("gulls")  # the quick pass keeps section items
    article = lib.article(entry)
    assert "Gulls return to the breakwater early" in [r.title for r in article.related]
    assert lib.search("gulls") == []
    assert [h.entry_id for h in lib.search("harbour")] == [entry]


def test_ties_list_the_newer_article_first_and_are_counted(lib: Library) -> None:
    same = "<p>Tide tables for the week ahead.</p>"
    ids = _store(lib, [same] * 3, published=["2026-01-02", "2026-03-04", "2026-02-03"])
    results = lib.search_results("tide")
    assert results.matches == 3 and not results.more
    march, february, january = ids[2], ids[1], ids[0]   # ids: oldest first
    assert sorted(ids, reverse=True) != [march, february, january]  # nor the newest id first
    assert [h.entry_id for h in results.hits] == [march, february, january]
    assert [h.entry_id for h in lib.search("tide", limit=2)] == [march, february]


def test_a_word_being_typed_is_found_from_its_first_letter(lib: Library) -> None:
    _store(lib, BODIES)
    for prefix in ("b*", "ba*", "bak*", "bake*", "baker*", "bakery*"):
        assert [h.title for h in lib.search(prefix)] == ["Quay story 1"], prefix
    assert lib.search_results("zzz*").matches == 0


def test_the_count_stops_at_the_ranked_window(lib: Library, monkeypatch) -> None:
    monkeypatch.setattr("reader.library.search.SEARCH_WINDOW", 2)
    _store(lib, ["<p>Tide again.</p>"] * 3)
    results = lib.search_results("tide", limit=1)
    assert (results.matches, results.more, len(results.hits)) == (2, True, 1)
    assert SEARCH_WINDOW == 5000


def test_an_older_library_is_reindexed_from_clean_text(tmp_path: Path) -> None:
    """A version-9 library indexed the raw words: its migration indexes the clean text."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn, until=9)
    conn.execute("INSERT INTO feeds (url, title, added) VALUES ('https://old.example/f', "
                 "'Old', 0)")
    cached = {"title": "Built", "source": "x", "blocks": [
        {"kind": "paragraph", "text": "Gulls nest on the old pier."}]}
    rows = [(1, "Raw only", BODIES[0], None, "Crews rebuilt the ferry ramp. " + SHARE),
            (2, "Built", "<p>Gulls nest on the old pier.</p><p>Gulls forever</p>",
             json.dumps(cached), "Gulls nest on the old pier. Gulls forever " + SHARE)]
    for entry_id, title, raw, article, text in rows:
        conn.execute("INSERT INTO entries (id, feed_id, key, title, sort_time, first_seen, raw, "
                     "article, text) VALUES (?, 1, ?, ?, 0, 0, ?, ?, ?)",
                     (entry_id, str(entry_id), title, raw, article, text))
    conn.execute("INSERT INTO entries_fts(entries_fts) VALUES ('rebuild')")
    assert conn.execute("SELECT count(*) FROM entries_fts WHERE entries_fts MATCH "
                        "'\"share this article\"'").fetchone()[0] == 2
    conn.close()

    with Library.open(path) as lib:
        assert lib.search(f'"{SHARE}"') == []
        assert lib.search("forever") == []  # the built article's text, not the original's
        assert [h.title for h in lib.search("ferry")] == ["Raw only"]
        assert [h.title for h in lib.search("gul*")] == ["Built"]
    conn = sqlite3.connect(path)
    register(conn)
    conn.execute("INSERT INTO entries_fts(entries_fts, rank) VALUES ('integrity-check', 1)")
    conn.close()


def test_a_search_given_no_time_stops(lib: Library) -> None:
    _store(lib, BODIES * 100)
    with pytest.raises(SearchTooSlow):
        lib.search_results("fer*", within=0.0)
    assert lib.search_results("fer*", within=5.0).matches == 200
    assert lib.search("ferry")  # the connection works on, untouched


def test_a_searcher_searches_on_its_own_connection(lib: Library) -> None:
    _store(lib, BODIES)
    searcher = lib.searcher()
    try:
        searcher.interrupt()  # nothing running: no effect on what comes next
        mine = searcher.search_results("fer*")
        assert [h.entry_id for h in mine.hits] == [h.entry_id for h in lib.search("fer*")]
        assert mine.matches == 2
        with pytest.raises(sqlite3.OperationalError, match="readonly"):  # it only reads
            searcher._conn.execute("DELETE FROM entries")
    finally:
        searcher.close()
    assert lib.count("all") == 3


def test_a_large_library_lists_the_newest_of_many_matches(lib: Library, monkeypatch) -> None:
    """Past RANKED_LIBRARY articles, a query with more than LARGE_WINDOW matches lists the
    newest, title matches first, unranked; one with fewer is still ranked (both shrunk)."""
    from reader.tui.screens.search import count_text

    monkeypatch.setattr("reader.library.search.RANKED_LIBRARY", 5)
    monkeypatch.setattr("reader.library.search.LARGE_WINDOW", 4)
    feed = lib.add_feed("https://quay.example/feed", title="Quay Weekly")
    stories = [("Harbour history", "Nothing new at the harbour."),
               *[(f"Report {i}", f"Ferries left the harbour {i} times.") for i in range(5)],
               ("Harbour lights", "Lamps were lit."), ("Newest note", "The harbour was quiet."),
               ("Gulls", "Gulls, and a rare ketch.")]
    lib.store_entries(feed, [NewEntry(key=f"k{i}", title=title, raw=f"<p>{body}</p>",
                                      published=f"2026-01-{10 + i}")
                             for i, (title, body) in enumerate(stories)])
    results = lib.search_results("harbour", limit=3)
    # Eight matches; of the newest four, the title match first, then the newest.
    assert [h.title for h in results.hits] == ["Harbour lights", "Newest note", "Report 4"]
    assert (results.matches, results.more, results.ranked) == (8, False, False)
    assert all(h.rank == 0 for h in results.hits) and results.hits[1].spans
    assert count_text(results) == "8 matches, the newest 3 listed (title matches first)"
    narrowed = lib.search("harbour -title:lights", limit=2)
    assert [h.title for h in narrowed] == ["Newest note", "Report 4"]
    few = lib.search_results("harbour history OR ketch")   # two matches: ranked
    assert sorted(h.title for h in few.hits) == ["Gulls", "Harbour history"] and few.ranked
    assert all(h.rank < 0 for h in few.hits)

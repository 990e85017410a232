"""The library store on real SQLite files: state, sources, dedupe, search, recovery, locking."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reader.article.model import Article, Block
from reader.errors import BylineError
from reader.library.packing import register, unpack
from reader.library.schema import MIGRATIONS
from reader.library.store import Library, NewEntry


def _entry(key: str, title: str, body: str = "", **kw: object) -> NewEntry:
    return NewEntry(key=key, title=title, raw=body or f"<p>{title} body text.</p>", **kw)  # type: ignore[arg-type]


@pytest.fixture
def lib(tmp_path: Path) -> Library:
    library = Library.open(tmp_path / "deep" / "library.db")
    yield library
    library.close()


def test_open_creates_file_with_wal_and_schema(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "library.db"
    Library.open(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] == len(MIGRATIONS)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"feeds", "entries", "entries_fts", "feed_tags", "schema_version"} <= tables
    # Opening again does not re-run the migration.
    Library.open(path).close()
    assert conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(MIGRATIONS)


def test_store_entries_lists_newest_first_and_counts(lib: Library) -> None:
    feed = lib.add_feed("https://news.example/feed", title="Example News", tags=["world"])
    new = lib.store_entries(feed, [
        _entry("a", "Older", published="2024-01-01T10:00:00Z", link="https://news.example/a"),
        _entry("b", "Newer", published="2024-03-01T10:00:00Z"),
        _entry("c", "Middle", published="2024-02-01T10:00:00Z"),
    ], title="Example News")
    assert new == 3
    rows = lib.entries("all", limit=10)
    assert [r.title for r in rows] == ["Newer", "Middle", "Older"]
    assert rows[2].url == "https://news.example/a" and rows[2].source == "Example News"
    assert [r.title for r in lib.entries("all", limit=1, offset=1)] == ["Middle"]
    assert lib.count(f"feed:{feed}") == 3 and lib.count("tag:world") == 3
    assert lib.entry_ids("all") == [r.id for r in rows]
    lib.set_read(rows[0].id)
    lib.set_starred(rows[1].id, True)
    by_key = {s.key: s for s in lib.sources()}
    assert (by_key["all"].unread, by_key["all"].total) == (2, 3)
    assert (by_key["unread"].unread, by_key["unread"].total) == (2, 2)
    assert (by_key["starred"].unread, by_key["starred"].total) == (1, 1)
    assert by_key[f"feed:{feed}"].label == "Example News"
    assert (by_key["tag:world"].unread, by_key["tag:world"].total) == (2, 3)
    assert [r.title for r in lib.entries("unread", limit=10)] == ["Middle", "Older"]
    assert [r.title for r in lib.entries("starred", limit=10)] == ["Middle"]
    assert lib.mark_all_read(f"feed:{feed}") == 2
    assert lib.count("unread") == 0


def test_refetch_updates_in_place_and_keeps_reader_state(lib: Library) -> None:
    feed = lib.add_feed("https://news.example/feed")
    lib.store_entries(feed, [_entry("k", "First title")])
    entry_id = lib.entries("all", limit=1)[0].id
    lib.set_read(entry_id)
    lib.set_starred(entry_id, True)
    lib.set_position(entry_id, 7)
    assert lib.store_entries(feed, [_entry("k", "Corrected title")]) == 0
    row = lib.entries("all", limit=5)
    assert len(row) == 1 and row[0].id == entry_id and row[0].title == "Corrected title"
    assert row[0].read and row[0].starred and lib.position(entry_id) == 7
    assert [h.entry_id for h in lib.search("corrected")] == [entry_id]
    assert lib.search("first") == []  # the index follows the update


def test_duplicate_keys_in_one_fetch_first_wins(lib: Library) -> None:
    # reliability-notes case 47: duplicate GUIDs give one entry, deterministically.
    feed = lib.add_feed("https://dup.example/feed")
    new = lib.store_entries(feed, [_entry("same", "Kept"), _entry("same", "Dropped")])
    assert new == 1
    assert [r.title for r in lib.entries("all", limit=5)] == ["Kept"]


def test_hostile_text_is_cleaned_before_storage(lib: Library) -> None:
    # reliability-notes cases 28, 33, 37, 43, 53: controls, huge titles, bad links, surrogates.
    feed = lib.add_feed("https://evil.example/feed")
    lib.store_entries(feed, [
        _entry("x", "Bell\x07 \x1b]0;pwned\x07title\ud800" + "y" * 5000,
               body="<p>body \x1b[2J text</p>", link="javascript:alert(1)"),
    ])
    row = lib.entries("all", limit=1)[0]
    assert "\x1b" not in row.title and "\x07" not in row.title and "\ud800" not in row.title
    assert row.title.startswith("Bell title") and len(row.title) <= 500
    assert row.url is None
    assert [h.entry_id for h in lib.search("body")] == [row.id]


def test_bad_dates_sort_by_first_seen(lib: Library) -> None:
    # reliability-notes case 50: a far-future date must not pin an entry to the top forever.
    feed = lib.add_feed("https://dates.example/feed")
    lib.store_entries(feed, [_entry("old", "Dated", published="2020-01-01T00:00:00Z")])
    lib.store_entries(feed, [_entry("future", "Future", published="2999-01-01T00:00:00Z"),
                             _entry("none", "Undated")])
    titles = [r.title for r in lib.entries("all", limit=5)]
    assert titles[-1] == "Dated" and set(titles[:2]) == {"Future", "Undated"}


def test_article_is_built_lazily_and_cached(lib: Library) -> None:
    feed = lib.add_feed("https://news.example/feed")
    lib.store_entries(feed, [_entry("a", "A headline", link="https://news.example/a",
                                    body="<p>“We will be back,” said Ada Park.</p>"
                                         "<p>Second paragraph of the story.</p>")])
    entry_id = lib.entries("all", limit=1)[0].id
    article = lib.article(entry_id)
    assert article.title == "A headline" and article.url == "https://news.example/a"
    assert any("Second paragraph" in b.text for b in article.blocks)
    assert "<p>" in article.raw  # the original is kept for the raw view
    cached = sqlite3.connect(lib.path).execute(
        "SELECT article FROM entries WHERE id = ?", (entry_id,)).fetchone()[0]
    assert cached and "Second paragraph" in unpack(cached)
    assert lib.article(entry_id).to_dict() == article.to_dict()
    with pytest.raises(BylineError):
        lib.article(9999)


def test_add_local_dedupes_by_path_and_find(lib: Library, tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    first = Article(title="Note", source=str(path), blocks=[Block("paragraph", "alpha words")],
                    raw="alpha words")
    entry_id = lib.add_local(first)
    lib.set_position(entry_id, 3)
    second = Article(title="Note v2", source=str(path), blocks=[Block("paragraph", "beta")],
                     raw="beta")
    assert lib.add_local(second) == entry_id
    assert lib.position(entry_id) == 3
    assert lib.count("local") == 1
    assert lib.article(entry_id).title == "Note v2"
    assert lib.find(str(path)) == entry_id
    assert lib.find(str(entry_id)) == entry_id
    assert lib.find("https://nowhere.example/x") is None
    assert lib.feeds() == []  # the local pseudo-feed is not a subscription
    assert lib.sources()[3].total == 1


def test_find_by_article_url(lib: Library) -> None:
    feed = lib.add_feed("https://news.example/feed")
    lib.store_entries(feed, [_entry("g1", "Linked", guid="g1", link="https://news.example/story")])
    assert lib.find("https://news.example/story") == lib.entries("all", limit=1)[0].id
    assert lib.find("g1") == lib.entries("all", limit=1)[0].id


def test_search_ranks_title_matches_first_with_snippets(lib: Library) -> None:
    feed = lib.add_feed("https://news.example/feed", title="Daily")
    lib.store_entries(feed, [
        _entry("1", "Gardening tips", body="<p>Tomatoes like sun. Nothing about bees.</p>"),
        _entry("2", "Bees return to the valley",
               body="<p>Keepers counted more hives this spring than in ten years.</p>"),
        _entry("3", "Market report", body="<p>Prices rose.</p>"),
    ])
    hits = lib.search("bees")
    assert [h.title for h in hits] == ["Bees return to the valley", "Gardening tips"]
    assert hits[0].rank <= hits[1].rank and hits[1].source == "Daily"
    tips = hits[1]
    assert [tips.snippet[s:e].lower() for s, e in tips.spans] == ["bees"]
    assert lib.search("tomato*")[0].title == "Gardening tips"
    assert lib.search("market OR keepers", limit=5)
    assert len(lib.search("bees", limit=1)) == 1


@pytest.mark.parametrize("query", ['"', "NEAR(", "a AND", "OR", "col:x", "(((", "*", "^x",
                                   "tom'", "-bees", "\x1b[2J", "bees\"OR\"", ""])
def test_search_never_fails_on_user_syntax(lib: Library, query: str) -> None:
    feed = lib.add_feed("https://news.example/feed")
    lib.store_entries(feed, [_entry("1", "Bees and tomatoes")])
    assert isinstance(lib.search(query), list)


def test_feeds_tags_and_remove(lib: Library) -> None:
    a = lib.add_feed("https://a.example/feed", title="A", tags=["tech", "news"])
    lib.add_feed("https://a.example/feed", tags=["extra"])  # idempotent, merges tags
    lib.store_entries(a, [_entry("1", "one"), _entry("2", "two")])
    feed = lib.feed("https://a.example/feed")
    assert feed is not None and feed.title == "A" and feed.tags == ["extra", "news", "tech"]
    assert (feed.unread, feed.total, feed.last_status) == (2, 2, "ok")
    with pytest.raises(BylineError):
        lib.add_feed("file:///etc/passwd")
    assert lib.remove_feed("https://a.example/feed")
    assert not lib.remove_feed("https://a.example/feed")
    assert lib.count("all") == 0 and lib.search("one") == []


def test_failure_and_redirect_bookkeeping(lib: Library) -> None:
    feed = lib.add_feed("https://old.example/feed")
    lib.store_entries(feed, [_entry("1", "kept")])
    lib.record_failure(feed, "http 404")
    row = lib.feed(feed)
    assert row is not None and row.last_status == "error" and row.last_error == "http 404"
    assert lib.count("all") == 1
    for expected in ("https://old.example/feed", "https://old.example/feed",
                     "https://new.example/feed"):
        assert lib.record_redirect(feed, "https://new.example/feed") == expected
    assert lib.feeds()[0].url == "https://new.example/feed"


def test_corrupt_file_is_set_aside_not_deleted(tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    path.write_bytes(b"this is not a database\n" * 200)
    library = Library.open(path)
    try:
        assert library.notice and "damaged" in library.notice
        backups = list(tmp_path.glob("library.db.corrupt-*"))
        assert len(backups) == 1
        assert backups[0].read_bytes().startswith(b"this is not a database")
        assert library.is_empty()
        library.add_feed("https://ok.example/feed")
    finally:
        library.close()


def test_two_processes_write_at_once(tmp_path: Path) -> None:
    # reliability-notes 3.6 / case 54: BEGIN IMMEDIATE + busy timeout, both writers succeed.
    path = tmp_path / "library.db"
    library = Library.open(path)
    feed = library.add_feed("https://busy.example/feed")
    library.close()
    script = textwrap.dedent(f"""
        import sys
        from reader.library.store import Library, NewEntry
        lib = Library.open({str(path)!r})
        tag = sys.argv[1]
        for i in range(150):
            lib.store_entries({feed}, [NewEntry(key=f"{{tag}}-{{i}}", title=f"{{tag}} {{i}}",
                                                raw="<p>x</p>")])
            ids = lib.entry_ids("all")
            lib.set_read(ids[0])
        lib.close()
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script, name]) for name in ("one", "two")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    library = Library.open(path)
    try:
        assert library.count("all") == 300
    finally:
        library.close()


def test_search_index_stays_consistent(lib: Library) -> None:
    """New rows are indexed at commit; updates and deletes keep the FTS index in step."""
    feed = lib.add_feed("https://fts.example/feed")
    with lib.transaction():  # insert then update the same entry before the index sees it
        lib.store_entries(feed, [_entry("a", "Alpha draft")])
        lib.store_entries(feed, [_entry("a", "Alpha final"), _entry("b", "Beta")])
    lib.store_entries(feed, [_entry("b", "Beta revised")])
    assert [h.title for h in lib.search("alpha")] == ["Alpha final"]
    assert lib.search("draft") == []
    assert [h.title for h in lib.search("revised")] == ["Beta revised"]
    conn = sqlite3.connect(lib.path, isolation_level=None)  # autocommit: no lock left held
    register(conn)
    conn.execute("INSERT INTO entries_fts(entries_fts, rank) VALUES ('integrity-check', 1)")
    lib.remove_feed("https://fts.example/feed")
    conn.execute("INSERT INTO entries_fts(entries_fts, rank) VALUES ('integrity-check', 1)")
    assert lib.search("alpha") == [] and lib.search("beta") == []
    conn.close()


def test_damaged_pages_are_caught_by_quick_check(tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    library = Library.open(path)
    feed = library.add_feed("https://pages.example/feed")
    library.store_entries(feed, [_entry(str(i), f"Entry {i}", body="<p>" + "words " * 300)
                                 for i in range(200)])
    library.close()
    with sqlite3.connect(path) as conn:
        page = conn.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    assert len(data) > 20 * page
    data[10 * page:12 * page] = b"\xff" * (2 * page)  # scribble over two B-tree pages
    path.write_bytes(bytes(data))
    reopened = Library.open(path)
    try:
        assert reopened.notice and "damaged" in reopened.notice
        assert reopened.count("all") == 0
        assert len(list(tmp_path.glob("library.db.corrupt-*"))) == 1
    finally:
        reopened.close()

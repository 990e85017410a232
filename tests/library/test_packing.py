"""Long texts stored packed (schema 16): nothing lost, the same search, older libraries
upgraded in place and packed by `byline vacuum`."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import threading
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from reader.article.build import from_html
from reader.article.model import Article, Block
from reader.errors import BylineError
from reader.library import schema, vacuum
from reader.library.packing import MIN_PACKED, UNPACKED, pack, register, unpack
from reader.library.search import run_search
from reader.library.store import Library, NewEntry, prepare_entries
from reader.sanitize import clean_text
from tests.hostile.checks import integrity

WORDS = [
    "harbour", "ferry", "tide", "quay", "gull", "pier", "lighthouse", "keeper", "morning",
    "batch", "bakery", "crew", "ramp", "weekend", "storm", "council", "vote", "budget", "school",
    "bridge", "river", "market", "fishermen", "net", "season", "rain", "wind", "north", "south",
    "café", "naïve", "Zürich", "東京", "über"
]
# The schema step that packs (16), and before which libraries stored everything as it was.
PACKING = 1 + next(n for n, step in enumerate(schema.MIGRATIONS)
                   if isinstance(step, str) and "entries_search" in step)
QUERIES = ["ferry", "tide quay", '"ferry ramp"', "gul*", "zurich", "naive", "東京",
           "title:Story", "ferry -storm", "lighthouse OR bakery", "unread ferry", "starred"]


def _body(rng: random.Random, paragraphs: int) -> str:
    return "".join(f"<p>{' '.join(rng.choices(WORDS, k=rng.randint(8, 40))).capitalize()}.</p>"
                   for _ in range(paragraphs))


def _entries(count: int, seed: int = 7) -> list[NewEntry]:
    rng = random.Random(seed)
    return [NewEntry(key=f"https://quay.example/{i}", title=f"Story {i} {rng.choice(WORDS)}",
                     raw=_body(rng, rng.choice((0, 1, 3, 12))) or "<p>Short.</p>",
                     link=f"https://quay.example/{i}", published=f"2026-01-{1 + i % 28:02d}")
            for i in range(count)]


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    register(conn)
    return conn


def _index_ok(path: Path) -> None:
    conn = _connect(path)
    try:
        conn.execute("INSERT INTO entries_fts(entries_fts, rank) VALUES ('integrity-check', 1)")
    finally:
        conn.close()
    assert integrity(path) == "ok"


def _searches(conn: sqlite3.Connection) -> dict[str, Any]:
    return {q: [(h.entry_id, h.title, h.snippet, h.spans) for h in run_search(conn, q, 50).hits]
            for q in QUERIES}


def _texts(conn: sqlite3.Connection) -> dict[int, dict[str, Any]]:
    """Every entry's columns by name, the packed ones unpacked."""
    cursor = conn.execute("SELECT * FROM entries ORDER BY id")
    names = [d[0] for d in cursor.description]
    return {row[0]: {n: unpack(v) if n in ("raw", "text", "page", "article") else v
                     for n, v in zip(names, row, strict=True)} for row in cursor}


def test_pack_gives_back_exactly_what_it_took() -> None:
    rng = random.Random(3)
    long_text = " ".join(rng.choices(WORDS, k=400))
    samples = [long_text, "é" * 5000 + "\n\t" + long_text, "x" * (MIN_PACKED - 1), "", "短" * 99]
    for text in samples:
        assert unpack(pack(text)) == text
    assert isinstance(pack(long_text), bytes) and len(pack(long_text)) < len(long_text) / 2
    assert pack("x" * (MIN_PACKED - 1)) == "x" * (MIN_PACKED - 1)   # short: as it is
    noise = "".join(chr(rng.randrange(0x21, 0x7F)) for _ in range(MIN_PACKED))
    assert pack(noise) == noise                                      # no smaller: as it is
    assert pack(None) is None and unpack(None) is None
    assert unpack("stored before schema 16") == "stored before schema 16"


def test_texts_packed_by_zlib_read_back_and_packs_are_raw_deflate() -> None:
    """Libraries packed before ISA-L did the deflating hold zlib's level 6 with the smallest
    window that covered each text: they read back exactly; what is packed now is raw deflate,
    which zlib (and so the SQL function `inflate`) reads."""
    rng = random.Random(5)
    for size in (MIN_PACKED, 700, 5_000, 40_000, 300_000):
        text = " ".join(rng.choices(WORDS, k=size // 6))[:size]
        data = text.encode("utf-8")
        for memory in (4, 8):
            old = zlib.compressobj(6, zlib.DEFLATED, -max(9, min(15, len(data).bit_length())),
                                   memory)
            assert unpack(old.compress(data) + old.flush()) == text
        packed = pack(text)
        assert isinstance(packed, bytes)
        assert zlib.decompress(packed, -15) == data
    conn = sqlite3.connect(":memory:")
    register(conn)
    assert conn.execute(f"SELECT {UNPACKED.format('?1')}", (pack(text),)).fetchone() == (text,)
    conn.close()


def test_a_damaged_packed_text_is_a_clear_error() -> None:
    with pytest.raises(BylineError, match="damaged"):
        unpack(b"\xff\x00 not deflate")


def test_entries_are_stored_packed_and_read_back_whole(tmp_path: Path) -> None:
    body = _body(random.Random(1), 20) + "<p>Share this article</p>"
    with Library.open(tmp_path / "library.db") as lib:
        feed = lib.add_feed("https://quay.example/feed", title="Quay")
        lib.store_entries(feed, [NewEntry(key="k", title="The ferry ramp", raw=body,
                                          link="https://quay.example/k")])
        [entry] = lib.entry_ids("all")
        summary = lib.add_feed("https://summary.example/feed")
        lib.store_entries(summary, [NewEntry(key="s", title="Summary", raw="<p>Teaser.</p>",
                                             link="https://summary.example/s",
                                             summary_only=True)])
        [summed] = lib.entry_ids(f"feed:{summary}")
        page = "<html><body><article>" + _body(random.Random(2), 30) + "</article></body></html>"
        lib.store_page(summed, page, from_html(page, "https://summary.example/s"))
        local = lib.add_local(Article(title="A note", source="/tmp/note.txt", raw=body,
                                      blocks=[Block("paragraph", "Gulls over the pier " * 20)]))
        article = lib.article(entry)    # built and cached now
        assert article.raw == clean_text(body)     # the raw view: the original, whole
        assert lib.article(entry).to_dict() == article.to_dict()
        assert lib.article(summed).raw == page
        assert lib.entry_meta(entry)["words"] > 100
    conn = _connect(tmp_path / "library.db")
    kinds = {r[0]: r[1:] for r in conn.execute(
        "SELECT id, typeof(raw), typeof(text), typeof(page), typeof(article) FROM entries")}
    assert kinds[entry] == ("blob", "blob", "null", "blob")
    assert kinds[summed] == ("text", "blob", "blob", "blob")     # a short summary: as it is
    assert kinds[local] == ("blob", "blob", "null", "blob")
    stored, original = conn.execute("SELECT length(raw), length(?) FROM entries WHERE id = ?",
                                    (body, entry)).fetchone()
    assert stored < original / 2
    conn.close()
    with Library.open(tmp_path / "library.db") as lib:
        hits = lib.search('"ferry ramp"')
        assert entry in [h.entry_id for h in hits]
        assert lib.search('"share this article"') == []      # the clean text is indexed
        assert [h.entry_id for h in lib.search("gulls pier")] == [local]
        lib.remove_feed("https://quay.example/feed")           # the delete trigger unpacks
        assert entry not in [h.entry_id for h in lib.search("ferry")]
    _index_ok(tmp_path / "library.db")


def _counting_inflate(lib: Library) -> list[int]:
    """Count the texts SQLite unpacks on `lib`'s connection from now on."""
    calls: list[int] = []

    def inflate(packed: bytes) -> bytes:
        calls.append(1)
        return zlib.decompress(packed, -15)

    with lib.connection() as conn:
        conn.create_function("inflate", 1, inflate, deterministic=True)
    return calls


def _store_in_turns(path: Path, at_hand: bool) -> list[int]:
    """40 entries in four feeds, then two of them changed; with `at_hand`, `store_prepared`
    gets the search texts, except for the third feed (in the same transaction as the fourth).
    Returns how many texts SQLite unpacked for each step."""
    entries = _entries(40)
    unpacked = []
    with Library.open(path) as lib:
        feeds = [lib.add_feed(f"https://quay.example/{n}") for n in range(4)]
        calls = _counting_inflate(lib)

        def store(feed: int, batch: list[NewEntry], with_texts: bool = at_hand) -> None:
            texts: list[str] = []
            rows = prepare_entries(batch, 0.0, texts)
            assert [unpack(row[12]) for row in rows] == texts
            lib.store_prepared(feed, rows, search_texts=texts if with_texts else None)

        for feed, first in zip(feeds[:2], (0, 10), strict=True):
            store(feed, entries[first:first + 10])
            unpacked.append(len(calls))
        with lib.transaction():       # not at hand, then at hand: the commit indexes both
            store(feeds[2], entries[20:30], False)
            store(feeds[3], entries[30:40])
        unpacked.append(len(calls))
        store(feeds[0], [replace(e, raw=e.raw + "<p>A zeppelin mast.</p>")  # updated
                         for e in entries[:2]] + entries[2:10])
        assert len(lib.search("zeppelin", limit=100)) == 2
    return [b - a for a, b in zip([0, *unpacked], unpacked, strict=False)]


def test_new_entries_are_indexed_from_their_text_as_it_was_before_packing(
        tmp_path: Path) -> None:
    """`store_prepared` given the rows' search texts indexes new entries from them, unpacking
    nothing; without them, the commit indexes them through the unpacking view. Either way,
    in any order within one transaction, the index is the one the library's texts make, and
    the same."""
    at_hand = _store_in_turns(tmp_path / "at-hand.db", True)
    entries = _entries(40)
    packed = [sum(isinstance(row[12], bytes) for row in prepare_entries(entries[n:n + 10], 0))
              for n in (0, 10)]   # the search texts stored packed
    assert at_hand[:2] == [0, 0] and at_hand[2] > 0 and min(packed) > 0
    assert _store_in_turns(tmp_path / "unpacked.db", False)[:2] == packed
    searched = []
    for name in ("at-hand.db", "unpacked.db"):
        _index_ok(tmp_path / name)
        conn = _connect(tmp_path / name)
        searched.append((_searches(conn), _texts(conn)))
        assert conn.execute("SELECT count(*) FROM entries_fts_docsize").fetchone() == (40,)
        conn.close()
    assert searched[0] == searched[1]


def _old_library(path: Path) -> None:
    """A library as Byline stored it before packing: texts as they are, a cached article and a
    fetched page, read, starred and a reading position."""
    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn, until=PACKING - 1)
    conn.execute("INSERT INTO feeds (url, title, added) VALUES ('https://quay.example/f', "
                 "'Quay', 0)")
    for i, entry in enumerate(_entries(60)):
        text = " ".join(clean_text(entry.raw).replace("<p>", " ").replace("</p>", " ").split())
        page = article = None
        if i % 10 == 3:
            page = f"<html><body>{entry.raw}<p>Pier lighthouse keeper page {i}.</p></body></html>"
        if i % 7 == 2:
            article = json.dumps(from_html(page or entry.raw, entry.key).to_dict())
        conn.execute(
            "INSERT INTO entries (feed_id, key, guid, link, title, published, sort_time, "
            "first_seen, raw, page, article, text, read, starred, position) "
            "VALUES (1, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?)",
            (entry.key, entry.key, entry.link, entry.title, entry.published, i * 86400.0,
             entry.raw, page, article, text, i % 2, int(i % 9 == 0), i))
    conn.execute("INSERT INTO entries_fts(rowid, title, text) SELECT id, title, text "
                 "FROM entries")   # as it was indexed, at the end of a transaction
    conn.close()


def test_an_older_library_upgrades_in_place_and_vacuum_packs_it(tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    _old_library(path)
    conn = _connect(path)
    before, searched = _texts(conn), _searches(conn)
    conn.close()
    assert all(searched[q] for q in ("ferry", '"ferry ramp"', "gul*", "zurich", "starred"))

    Library.open(path).close()                 # packing: the index built again, nothing else
    conn = _connect(path)
    assert conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] \
        == len(schema.MIGRATIONS)
    assert _texts(conn) == before and _searches(conn) == searched
    assert conn.execute("SELECT count(*) FROM entries WHERE typeof(raw) = 'blob'").fetchone() \
        == (0,)                                # packed only by `byline vacuum`
    conn.close()
    _index_ok(path)

    with Library.open(path) as lib:
        sizes = vacuum.vacuum(lib)
    assert sizes.after < sizes.before
    conn = _connect(path)
    assert _texts(conn) == before and _searches(conn) == searched
    packed = conn.execute("SELECT sum(typeof(raw) = 'blob'), sum(typeof(text) = 'blob'), "
                          "sum(typeof(page) = 'blob'), sum(typeof(article) = 'blob') "
                          "FROM entries").fetchone()
    assert packed[0] > 30 and packed[1] > 30 and packed[2] == 6 and packed[3] >= 5
    conn.close()
    _index_ok(path)

    with Library.open(path) as lib:            # the raw view and the cached articles, whole
        for entry_id, old in before.items():
            article = lib.article(entry_id)
            assert article.raw == (old["page"] or old["raw"])
            if old["article"]:
                assert article.to_dict() == Article.from_dict(json.loads(old["article"])).to_dict()
        assert lib.count("starred") == 7 and lib.count("unread") == 30
        assert [lib.position(i) for i in before] == [old["position"] for old in before.values()]
    _index_ok(path)


def test_packing_leaves_the_search_index_alone_and_resumes_after_an_interruption(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "library.db"
    _old_library(path)
    conn = _connect(path)
    rng = random.Random(9)   # an original deflate cannot shrink: it stays as it is
    noise = "".join(chr(rng.randrange(0x21, 0x7F)) for _ in range(MIN_PACKED))
    conn.execute("UPDATE entries SET raw = ? WHERE id = 5", (noise,))
    searched = _searches(conn)
    conn.close()
    monkeypatch.setattr(vacuum, "PACK_BATCH", 10)
    with Library.open(path) as lib:
        segments = lib.query("SELECT count(*) FROM entries_fts_data")[0][0]
        calls = 0

        def stop(phase: str, fraction: float) -> None:
            nonlocal calls
            calls += 1
            if calls == 4:
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            vacuum.pack_stored(lib, stop)
        packed = lib.query("SELECT count(*) FROM entries WHERE typeof(text) = 'blob'")[0][0]
        assert 0 < packed < 60
        assert vacuum.pack_stored(lib, lambda phase, fraction: None) > 0
        assert lib.query("SELECT count(*) FROM entries_fts_data")[0][0] == segments
        assert lib.query(f"SELECT count(*) FROM entries WHERE typeof(text) = 'text' "
                         f"AND length(text) >= {MIN_PACKED}")[0][0] == 0
        assert vacuum.pack_stored(lib, lambda phase, fraction: None) == 0   # nothing left
        assert lib.query("SELECT raw FROM entries WHERE id = 5")[0][0] == noise
    conn = _connect(path)
    assert _searches(conn) == searched
    conn.close()
    _index_ok(path)


def test_a_connection_without_inflate_checks_and_compacts_but_deletes_nothing(
        tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    with Library.open(path) as lib:
        feed = lib.add_feed("https://quay.example/feed")
        lib.store_entries(feed, _entries(40))
    conn = sqlite3.connect(path, isolation_level=None)    # as the sqlite3 shell would
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.execute("VACUUM")
    assert conn.execute("SELECT count(*) FROM entries WHERE title LIKE 'Story%'").fetchone() \
        == (40,)
    with pytest.raises(sqlite3.OperationalError, match="inflate"):
        conn.execute("DELETE FROM entries")
    assert conn.execute("SELECT count(*) FROM entries").fetchone() == (40,)
    conn.close()
    _index_ok(path)


def test_ctrl_c_while_sqlite_unpacks_is_still_an_interrupt(tmp_path: Path) -> None:
    """A Ctrl-C that lands while SQLite runs `inflate` (a search's snippets, the triggers of a
    deletion) is raised as KeyboardInterrupt once the statement ends: it is zlib's own
    function, not Python code, which would turn the Ctrl-C into an SQLite error."""
    with Library.open(tmp_path / "library.db") as lib:
        feed = lib.add_feed("https://quay.example/feed")
        lib.store_entries(feed, [NewEntry(key=str(i), title=f"Story {i}",
                                          raw=_body(random.Random(i), 6)) for i in range(2000)])
        timer = threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT))
        # Python's own Ctrl-C handler, also when the suite runs in the background (a shell
        # starts background jobs with SIGINT ignored, and Python then keeps it ignored)
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            with lib.connection() as conn, pytest.raises(KeyboardInterrupt):
                timer.start()
                for _ in range(1000):   # seconds of statements that unpack every text
                    conn.execute(
                        f"SELECT count({UNPACKED.format('text')}) FROM entries").fetchone()
        finally:
            timer.join()
            signal.signal(signal.SIGINT, previous)
        assert lib.search("ferry")   # the library works on

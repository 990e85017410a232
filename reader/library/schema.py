"""The library's SQLite schema as ordered migrations, applied once each on open."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

from reader.article.model import Article
from reader.library.packing import UNPACKED, register
from reader.library.search_text import article_text, entry_text

# Each entry upgrades the schema by one version: a SQL script, or a function for what SQL
# alone cannot do. Never edit a released step, append a new one.
MIGRATIONS: list[str | Callable[[sqlite3.Connection], None]] = [
    # 1: feeds, tags, entries, and an external-content FTS5 index kept in sync by triggers.
    """
    CREATE TABLE feeds (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL DEFAULT 'feed',          -- 'feed' or 'local' (opened files)
        title TEXT NOT NULL DEFAULT '',
        link TEXT,
        added REAL NOT NULL,
        etag TEXT,
        last_modified TEXT,
        last_status TEXT,                           -- 'ok', 'not modified', 'error', 'gone' ...
        last_error TEXT,
        last_fetched REAL,
        retry_after_until REAL,
        failures INTEGER NOT NULL DEFAULT 0,
        permanent_url TEXT,
        redirect_count INTEGER NOT NULL DEFAULT 0,
        gone INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE feed_tags (
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        PRIMARY KEY (feed_id, tag)
    ) WITHOUT ROWID;
    CREATE INDEX feed_tags_tag ON feed_tags(tag);
    CREATE TABLE entries (
        id INTEGER PRIMARY KEY,
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        guid TEXT,
        link TEXT,
        title TEXT NOT NULL DEFAULT '',
        authors TEXT NOT NULL DEFAULT '[]',         -- JSON list of names
        published TEXT,                             -- ISO 8601 or NULL
        published_raw TEXT,
        sort_time REAL NOT NULL,                    -- published, clamped; else first_seen
        first_seen REAL NOT NULL,
        raw TEXT NOT NULL DEFAULT '',               -- the original HTML/text as received
        raw_kind TEXT NOT NULL DEFAULT 'html',      -- 'html', 'text', 'markdown'
        summary_only INTEGER NOT NULL DEFAULT 0,
        page TEXT,                                  -- linked page fetched by `refresh --full`
        article TEXT,                               -- Article.to_dict() JSON, built lazily
        text TEXT NOT NULL DEFAULT '',              -- plain text for search
        reading_minutes INTEGER NOT NULL DEFAULT 1,
        hash TEXT NOT NULL DEFAULT '',              -- detects changed entries on refetch
        read INTEGER NOT NULL DEFAULT 0,
        starred INTEGER NOT NULL DEFAULT 0,
        position INTEGER NOT NULL DEFAULT 0,
        UNIQUE (feed_id, key)
    );
    CREATE INDEX entries_sort ON entries(sort_time DESC, id DESC);
    CREATE INDEX entries_feed_sort ON entries(feed_id, sort_time DESC, id DESC);
    CREATE INDEX entries_unread_sort ON entries(read, sort_time DESC, id DESC);
    CREATE INDEX entries_link ON entries(link);
    CREATE VIRTUAL TABLE entries_fts USING fts5(
        title, text, content='entries', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER entries_ai AFTER INSERT ON entries BEGIN
        INSERT INTO entries_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    CREATE TRIGGER entries_ad AFTER DELETE ON entries BEGIN
        INSERT INTO entries_fts(entries_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END;
    CREATE TRIGGER entries_au AFTER UPDATE OF title, text ON entries BEGIN
        INSERT INTO entries_fts(entries_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO entries_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    -- Rank by bm25 with a title match worth ten body matches.
    INSERT INTO entries_fts(entries_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0)');
    """,
    # 2: unread/starred counts per feed from an index instead of a scan of the wide rows.
    """
    CREATE INDEX entries_state ON entries(feed_id, read, starred);
    """,
    # 3: new rows are indexed in bulk at the end of each write transaction (see
    # `Library._write`: 2.5x faster than a trigger per row), so the update and delete
    # triggers touch the index only for rows it already holds.
    """
    DROP TRIGGER entries_ai;
    DROP TRIGGER entries_ad;
    DROP TRIGGER entries_au;
    CREATE TRIGGER entries_ad AFTER DELETE ON entries
    WHEN EXISTS (SELECT 1 FROM entries_fts_docsize WHERE id = old.id) BEGIN
        INSERT INTO entries_fts(entries_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END;
    CREATE TRIGGER entries_au AFTER UPDATE OF title, text ON entries
    WHEN EXISTS (SELECT 1 FROM entries_fts_docsize WHERE id = old.id) BEGIN
        INSERT INTO entries_fts(entries_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO entries_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    """,
    # 4: the newest-first index covers every list filter (feed, read, starred), so a list,
    # its ids or a page deep in it never reads the wide rows it skips.
    """
    DROP INDEX entries_sort;
    CREATE INDEX entries_sort ON entries(sort_time DESC, id DESC, feed_id, read, starred);
    """,
    # 5: retention. `kept`: marked unread by the reader (kept like a starred entry); `dropped`:
    # the keys of entries retention deleted while their feed still carries them, so the next
    # refresh does not bring them back as new.
    """
    ALTER TABLE entries ADD COLUMN kept INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE dropped (
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        PRIMARY KEY (feed_id, key)
    ) WITHOUT ROWID;
    """,
    # 6: tags ignore case ("News" from OPML and "news" from a URL list are one tag, spelt
    # the first way seen); feeds.kind may also be 'removed' (`byline remove` kept some of its
    # entries: no refresh, listed under "Removed feeds").
    """
    CREATE TABLE feed_tags_nocase (
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        tag TEXT NOT NULL COLLATE NOCASE,
        PRIMARY KEY (feed_id, tag)
    ) WITHOUT ROWID;
    INSERT OR IGNORE INTO feed_tags_nocase (feed_id, tag)
        SELECT feed_id, (SELECT min(other.tag) FROM feed_tags other
                         WHERE lower(other.tag) = lower(feed_tags.tag))
        FROM feed_tags ORDER BY feed_id, tag;
    DROP TABLE feed_tags;
    ALTER TABLE feed_tags_nocase RENAME TO feed_tags;
    CREATE INDEX feed_tags_tag ON feed_tags(tag);
    """,
    # 7: what `refresh --full` made of an entry's page: 'cached', 'not needed' (no more text
    # than the entry), or 'failed: <reason>', and when a failed page may be tried again (NULL:
    # never, e.g. a 404), so a run does not fetch the same pages over and over.
    """
    ALTER TABLE entries ADD COLUMN page_status TEXT;
    ALTER TABLE entries ADD COLUMN page_retry REAL;
    """,
    # 8: filters and sorts (reader.library.filters, listings). `quotes` counts the cleaned
    # article's quotations (NULL until it is cleaned); `hidden` marks entries a kill rule hid.
    # The newest-first index also covers title, authors and quotes, so `title:`, `author:`
    # and `has:quotes` never read the wide rows; more indexes serve the other sorts (by
    # feed: feeds in title order, then each feed's entries newest first).
    """
    ALTER TABLE entries ADD COLUMN quotes INTEGER;
    ALTER TABLE entries ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
    UPDATE entries SET quotes = json_array_length(article, '$.quotes')
    WHERE article IS NOT NULL AND json_valid(article);
    DROP INDEX entries_sort;
    CREATE INDEX entries_sort ON entries(sort_time DESC, id DESC, feed_id, read, starred, hidden,
                                         quotes, title, authors);
    CREATE INDEX entries_title ON entries(title COLLATE NOCASE, id DESC, feed_id, read, starred,
                                          hidden);
    CREATE INDEX entries_minutes ON entries(reading_minutes, sort_time DESC, id DESC, feed_id,
                                            read, starred, hidden);
    DROP INDEX entries_feed_sort;
    CREATE INDEX entries_feed_sort ON entries(feed_id, sort_time DESC, id DESC, read, starred,
                                              hidden);
    CREATE INDEX feeds_sort ON feeds(lower(coalesce(nullif(title, ''), url)), id);
    """,
    # 9: each feed's counts (all, unread, starred, starred and unread), so the library screen
    # and the counts of every list never scan the entries (a scan of 1,000,000 takes 0.2 s).
    # Like the search index, new entries are counted in bulk at the end of the transaction
    # that inserted them (`Database._write`; a trigger per inserted row cost 10 µs); `counted`
    # is the newest entry counted so far, and the triggers follow the changes of those only.
    """
    CREATE TABLE feed_counts (
        feed_id INTEGER PRIMARY KEY REFERENCES feeds(id) ON DELETE CASCADE,
        total INTEGER NOT NULL DEFAULT 0,
        unread INTEGER NOT NULL DEFAULT 0,
        starred INTEGER NOT NULL DEFAULT 0,
        starred_unread INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE counted (id INTEGER NOT NULL);
    INSERT INTO counted SELECT coalesce(max(id), 0) FROM entries;
    INSERT INTO feed_counts (feed_id, total, unread, starred, starred_unread)
        SELECT feed_id, count(*), sum(read = 0), sum(starred = 1), sum(starred = 1 AND read = 0)
        FROM entries GROUP BY feed_id;
    CREATE TRIGGER entries_count_ad AFTER DELETE ON entries
    WHEN old.id <= (SELECT id FROM counted) BEGIN
        UPDATE feed_counts SET total = total - 1, unread = unread - (old.read = 0),
            starred = starred - (old.starred = 1),
            starred_unread = starred_unread - (old.starred = 1 AND old.read = 0)
        WHERE feed_id = old.feed_id;
    END;
    CREATE TRIGGER entries_count_au AFTER UPDATE OF feed_id, read, starred ON entries
    WHEN old.id <= (SELECT id FROM counted) AND (old.feed_id IS NOT new.feed_id
         OR (old.read = 0) IS NOT (new.read = 0) OR (old.starred = 1) IS NOT (new.starred = 1))
    BEGIN
        UPDATE feed_counts SET total = total - 1, unread = unread - (old.read = 0),
            starred = starred - (old.starred = 1),
            starred_unread = starred_unread - (old.starred = 1 AND old.read = 0)
        WHERE feed_id = old.feed_id;
        INSERT INTO feed_counts (feed_id, total, unread, starred, starred_unread)
        VALUES (new.feed_id, 1, new.read = 0, new.starred = 1, new.starred = 1 AND new.read = 0)
        ON CONFLICT (feed_id) DO UPDATE SET total = total + 1, unread = unread + excluded.unread,
            starred = starred + excluded.starred,
            starred_unread = starred_unread + excluded.starred_unread;
    END;
    """,
    # 10: the search index holds what the clean view shows (see `_index_clean_text`).
    lambda conn: _index_clean_text(conn),
    # 11: enclosures (podcast episodes, videos, images the feed attached): a JSON list of
    # `Enclosure.to_dict()`, NULL when the entry has none.
    """
    ALTER TABLE entries ADD COLUMN enclosures TEXT;
    """,
    # 12: kill rules (reader.library.hiding): entries with `hidden` set count apart, in
    # `hidden` and `hidden_unread`, and not in the other counts; the count triggers follow
    # `hidden` too.
    """
    ALTER TABLE feed_counts ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE feed_counts ADD COLUMN hidden_unread INTEGER NOT NULL DEFAULT 0;
    DELETE FROM feed_counts;
    INSERT INTO feed_counts (feed_id, total, unread, starred, starred_unread, hidden,
                             hidden_unread)
        SELECT feed_id, sum(hidden = 0), sum(hidden = 0 AND read = 0),
               sum(hidden = 0 AND starred = 1), sum(hidden = 0 AND starred = 1 AND read = 0),
               sum(hidden = 1), sum(hidden = 1 AND read = 0)
        FROM entries WHERE id <= (SELECT id FROM counted) GROUP BY feed_id;
    DROP TRIGGER entries_count_ad;
    DROP TRIGGER entries_count_au;
    CREATE TRIGGER entries_count_ad AFTER DELETE ON entries
    WHEN old.id <= (SELECT id FROM counted) BEGIN
        UPDATE feed_counts SET total = total - (old.hidden = 0),
            unread = unread - (old.hidden = 0 AND old.read = 0),
            starred = starred - (old.hidden = 0 AND old.starred = 1),
            starred_unread = starred_unread - (old.hidden = 0 AND old.starred = 1
                                               AND old.read = 0),
            hidden = hidden - (old.hidden = 1),
            hidden_unread = hidden_unread - (old.hidden = 1 AND old.read = 0)
        WHERE feed_id = old.feed_id;
    END;
    CREATE TRIGGER entries_count_au AFTER UPDATE OF feed_id, read, starred, hidden ON entries
    WHEN old.id <= (SELECT id FROM counted) AND (old.feed_id IS NOT new.feed_id
         OR (old.read = 0) IS NOT (new.read = 0) OR (old.starred = 1) IS NOT (new.starred = 1)
         OR (old.hidden = 1) IS NOT (new.hidden = 1))
    BEGIN
        UPDATE feed_counts SET total = total - (old.hidden = 0),
            unread = unread - (old.hidden = 0 AND old.read = 0),
            starred = starred - (old.hidden = 0 AND old.starred = 1),
            starred_unread = starred_unread - (old.hidden = 0 AND old.starred = 1
                                               AND old.read = 0),
            hidden = hidden - (old.hidden = 1),
            hidden_unread = hidden_unread - (old.hidden = 1 AND old.read = 0)
        WHERE feed_id = old.feed_id;
        INSERT INTO feed_counts (feed_id, total, unread, starred, starred_unread, hidden,
                                 hidden_unread)
        VALUES (new.feed_id, new.hidden = 0, new.hidden = 0 AND new.read = 0,
                new.hidden = 0 AND new.starred = 1,
                new.hidden = 0 AND new.starred = 1 AND new.read = 0,
                new.hidden = 1, new.hidden = 1 AND new.read = 0)
        ON CONFLICT (feed_id) DO UPDATE SET total = total + excluded.total,
            unread = unread + excluded.unread, starred = starred + excluded.starred,
            starred_unread = starred_unread + excluded.starred_unread,
            hidden = hidden + excluded.hidden,
            hidden_unread = hidden_unread + excluded.hidden_unread;
    END;
    """,
    # 13: sync with a feed server (reader/sync/). A synced feed has the server's `remote_id`
    # (refresh leaves it to sync); a synced entry's key is `i:` and the server's item id.
    # `sync_state`: the one server and where the next pull starts (never a secret).
    # `sync_queue`: read/star changes made here, in order, for the next sync; the triggers
    # queue them in the transaction that makes them, unless sync itself is applying the
    # server's state (a row in `sync_quiet`, inside that transaction only).
    """
    ALTER TABLE feeds ADD COLUMN remote_id TEXT;
    CREATE UNIQUE INDEX feeds_remote ON feeds(remote_id) WHERE remote_id IS NOT NULL;
    CREATE TABLE sync_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        server TEXT NOT NULL,                       -- api and URL, nothing secret
        cursor TEXT,                                -- where the next pull of items starts
        last_sync REAL,
        last_error TEXT
    );
    CREATE TABLE sync_queue (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        item TEXT NOT NULL,                         -- the server's item id
        change TEXT NOT NULL,                       -- 'read', 'unread', 'star', 'unstar'
        made REAL NOT NULL
    );
    CREATE TABLE sync_quiet (applying INTEGER);
    CREATE TRIGGER sync_queue_read AFTER UPDATE OF read ON entries
    WHEN old.read != new.read AND substr(new.key, 1, 2) = 'i:'
         AND EXISTS (SELECT 1 FROM sync_state) AND NOT EXISTS (SELECT 1 FROM sync_quiet)
    BEGIN
        INSERT INTO sync_queue (item, change, made)
        VALUES (substr(new.key, 3), CASE WHEN new.read THEN 'read' ELSE 'unread' END,
                (julianday('now') - 2440587.5) * 86400.0);
    END;
    CREATE TRIGGER sync_queue_star AFTER UPDATE OF starred ON entries
    WHEN old.starred != new.starred AND substr(new.key, 1, 2) = 'i:'
         AND EXISTS (SELECT 1 FROM sync_state) AND NOT EXISTS (SELECT 1 FROM sync_quiet)
    BEGIN
        INSERT INTO sync_queue (item, change, made)
        VALUES (substr(new.key, 3), CASE WHEN new.starred THEN 'star' ELSE 'unstar' END,
                (julianday('now') - 2440587.5) * 86400.0);
    END;
    """,
    # 14: a title the user gave a feed in a newsboat urls file (`"~Title"`): refresh and sync
    # keep it over the title the feed gives itself (NULL: none).
    """
    ALTER TABLE feeds ADD COLUMN user_title TEXT;
    """,
    # 15: what a feed says about when to fetch it again (reader.library.schedule): its RSS
    # <ttl> and its last answer's Cache-Control max-age, in seconds (NULL: none), and the UTC
    # hours and the days (Monday 0) of its <skipHours> and <skipDays>, comma-separated.
    """
    ALTER TABLE feeds ADD COLUMN ttl REAL;
    ALTER TABLE feeds ADD COLUMN max_age REAL;
    ALTER TABLE feeds ADD COLUMN skip_hours TEXT NOT NULL DEFAULT '';
    ALTER TABLE feeds ADD COLUMN skip_days TEXT NOT NULL DEFAULT '';
    """,
    # 16: long texts stored packed (reader.library.packing): raw, text, page and article hold
    # TEXT as it is or a BLOB of its deflated UTF-8. The search index reads `text` through
    # the view `entries_search`, which unpacks it, so it is built again from the view (80 s
    # at 1,000,000 articles, load 4); the triggers unpack what they take out of it. Entries
    # stored before stay as they are (TEXT) until `byline vacuum` packs them: packing changes
    # no text, so the update trigger leaves the index alone when neither title nor text
    # changed.
    """
    DROP TRIGGER entries_ad;
    DROP TRIGGER entries_au;
    DROP TABLE entries_fts;
    CREATE VIEW entries_search AS SELECT id, title, {text} AS text FROM entries;
    CREATE VIRTUAL TABLE entries_fts USING fts5(
        title, text, content='entries_search', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    );
    INSERT INTO entries_fts(entries_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0)');
    INSERT INTO entries_fts(entries_fts) VALUES ('rebuild');
    CREATE TRIGGER entries_ad AFTER DELETE ON entries
    WHEN EXISTS (SELECT 1 FROM entries_fts_docsize WHERE id = old.id) BEGIN
        INSERT INTO entries_fts(entries_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, {old});
    END;
    CREATE TRIGGER entries_au AFTER UPDATE OF title, text ON entries
    WHEN EXISTS (SELECT 1 FROM entries_fts_docsize WHERE id = old.id)
         AND (old.title IS NOT new.title OR {old} IS NOT {new}) BEGIN
        INSERT INTO entries_fts(entries_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, {old});
        INSERT INTO entries_fts(rowid, title, text) VALUES (new.id, new.title, {new});
    END;
    """.format(text=UNPACKED.format("text"), old=UNPACKED.format("old.text"),
               new=UNPACKED.format("new.text")),
]


def migrate(conn: sqlite3.Connection, until: int | None = None) -> int:
    """Bring the database to the newest schema (or to version `until`, as a library of an
    earlier release was), one transaction per step; return the version."""
    register(conn)  # the SQL functions of the schema's views and triggers
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    version = row[0] or 0
    last = len(MIGRATIONS) if until is None else until
    for number, script in enumerate(MIGRATIONS[version:last], start=version + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the lock.
            current = conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0
            if current < number:
                if callable(script):
                    script(conn)
                else:
                    for statement in _statements(script):
                        conn.execute(statement)
                conn.execute("INSERT INTO schema_version(version) VALUES (?)", (number,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return last


def _statements(script: str) -> list[str]:
    """Split a migration script into complete statements (triggers contain `;`)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        raise ValueError(f"incomplete SQL in migration: {buffer.strip()[:60]}")
    return statements


def _index_clean_text(conn: sqlite3.Connection) -> None:
    """Each entry's search text becomes what its clean view shows: its cleaned article's
    text where one was built, else the quick clean of its original; then the index is built
    again from those. The index is emptied first, so the update trigger (which touches only
    rows the index holds) stays out of the way: one rebuild is faster than a row at a time."""
    conn.execute("INSERT INTO entries_fts(entries_fts) VALUES ('delete-all')")
    rows = conn.execute("SELECT id, raw, raw_kind, page, article FROM entries")
    while batch := rows.fetchmany(500):
        conn.executemany("UPDATE entries SET text = ? WHERE id = ?",
                         [(_clean_text(raw, kind, page, article), entry_id)
                          for entry_id, raw, kind, page, article in batch])
    conn.execute("INSERT INTO entries_fts(entries_fts) VALUES ('rebuild')")


def _clean_text(raw: str, kind: str, page: str | None, cached: str | None) -> str:
    if cached:
        try:
            return article_text(Article.from_dict(json.loads(cached)))
        except (ValueError, KeyError, TypeError):
            pass  # a damaged cache entry: the original is still there
    return entry_text(page, "html") if page else entry_text(raw, kind)

"""Entries: lists of a source, one article (cleaned on first open), read, starred and
position state, opened local files, and storing what refresh fetched."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit

from reader.article.model import Article, Enclosure
from reader.errors import BylineError
from reader.library.entry_rows import (
    MAX_TITLE,
    NewEntry,
    digest,
    prepare_entries,
    read_enclosures,
    sort_time,
)
from reader.library.feed_settings import merged_rules
from reader.library.feeds import LOCAL_LABEL
from reader.library.listings import EntryRow, Listing, Listings
from reader.library.packing import pack, unpack
from reader.library.schedule import FeedHints
from reader.library.search_text import article_text
from reader.sanitize import clean_line, clean_text, safe_url

LOCAL_FEED_URL = "byline:local"


class Entries(Listings):
    """The entries of the library and their state."""

    def count(self, source_key: str) -> int:
        return self.listing_count(Listing(source_key))

    def entries(self, source_key: str, *, limit: int, offset: int = 0) -> list[EntryRow]:
        """A page of a source's entries, newest first."""
        return self.listing_page(Listing(source_key), limit=limit, offset=offset)

    def entry_ids(self, source_key: str) -> list[int]:
        """Every id of a source, newest first (100,000 in about 50 ms)."""
        return self.listing_ids(Listing(source_key))

    # -- one article -----------------------------------------------------------------------

    def article(self, entry_id: int) -> Article:
        """The cleaned article (built from the stored original on first open), `.raw` filled."""
        row = self._one(
            """SELECT e.title, e.link, e.authors, e.published, e.raw, e.raw_kind, e.page,
                      e.article, f.url, e.enclosures
               FROM entries e JOIN feeds f ON f.id = e.feed_id WHERE e.id = ?""",
            (entry_id,),
        )
        if row is None:
            raise BylineError(f"no article {entry_id} in the library")
        title, link, authors, published, raw, raw_kind, page, cached, feed_url, attached = row
        page = unpack(page)
        original = page or unpack(raw)
        if cached:
            article = Article.from_dict(json.loads(unpack(cached)), raw=original)
        else:
            article = build_article(original, "html" if page else raw_kind,
                                    source=link or feed_url, url=link, title=title,
                                    authors=json.loads(authors), published=published,
                                    extra_rules=merged_rules(self.extra_rules,
                                                             self.feed_rules.get(feed_url)))
            self._cache_article(entry_id, article)
        article.enclosures = read_enclosures(attached)
        return article

    def image_sources(self, limit: int) -> list[tuple[str, str | None]]:
        """(HTML, its URL) of the newest `limit` feed entries kept as HTML (the cached page
        where there is one): where `refresh --full` looks for images to cache."""
        rows = self._all("SELECT coalesce(page, raw), link FROM entries WHERE raw_kind = 'html' "
                         "OR page IS NOT NULL ORDER BY sort_time DESC LIMIT ?", (limit,))
        return [(unpack(r[0]), r[1]) for r in rows]

    def enclosures(self, entry_id: int) -> list[Enclosure]:
        """The enclosures of entry `entry_id` (a `BylineError` when there is no such entry)."""
        row = self._one("SELECT enclosures FROM entries WHERE id = ?", (entry_id,))
        if row is None:
            raise BylineError(f"no article {entry_id} in the library")
        return read_enclosures(row[0])

    def entry_origin(self, entry_id: int) -> str:
        """Where an entry comes from, for people: its feed's title (or URL), or for a local
        file its file name (a page opened by URL: its host)."""
        row = self._one("""SELECT f.kind, f.title, f.url, e.key FROM entries e
                           JOIN feeds f ON f.id = e.feed_id WHERE e.id = ?""", (entry_id,))
        if row is None:
            return ""
        kind, title, url, key = row
        if kind != "local":
            return clean_line(title) or clean_line(url)
        if safe_url(key):
            return urlsplit(key).hostname or key
        return clean_line(PurePath(key).name or key)

    def entry_meta(self, entry_id: int) -> dict[str, Any]:
        """An entry's feed metadata: title, link, authors (list), published, and how many
        words its own text has (`words`)."""
        row = self._one("SELECT e.title, e.link, e.authors, e.published, e.text, f.url "
                        "FROM entries e JOIN feeds f ON f.id = e.feed_id WHERE e.id = ?",
                        (entry_id,))
        if row is None:
            raise BylineError(f"no article {entry_id} in the library")
        return {"title": row[0], "link": row[1], "authors": json.loads(row[2]),
                "published": row[3], "words": len(unpack(row[4]).split()), "feed_url": row[5]}

    def _cache_article(self, entry_id: int, article: Article) -> None:
        """Keep a built article for next time; a busy library only means building it again."""
        try:
            with self._write() as conn:
                # The index takes the clean text now that it exists (see `entry_text`).
                conn.execute("UPDATE entries SET article = ?, reading_minutes = ?, quotes = ?, "
                             "text = ? WHERE id = ?",
                             (pack(json.dumps(article.to_dict(), ensure_ascii=False)),
                              article.reading_minutes, len(article.quotes),
                              pack(article_text(article)), entry_id))
        except BylineError:
            pass

    def find(self, target: str) -> int | None:
        """The entry for an id, an article URL or guid, or a local file path; None if absent."""
        target = _text_path(target.strip())
        if target.isdigit():
            row = self._one("SELECT id FROM entries WHERE id = ?", (int(target),))
            return int(row[0]) if row else None
        row = self._one("SELECT id FROM entries WHERE link = ? ORDER BY id LIMIT 1", (target,))
        if row is None:
            row = self._one("SELECT id FROM entries WHERE guid = ? ORDER BY id LIMIT 1", (target,))
        if row is None and safe_url(target) is None:
            row = self._one(
                """SELECT e.id FROM entries e JOIN feeds f ON f.id = e.feed_id
                   WHERE f.kind = 'local' AND e.key = ?""", (_local_key(target),))
        return int(row[0]) if row else None

    def set_read(self, entry_id: int, read: bool = True) -> None:
        """Mark read or unread; an entry marked unread is kept by retention until read."""
        with self._write() as conn:
            conn.execute("UPDATE entries SET read = ?, kept = ? WHERE id = ?",
                         (int(read), int(not read), entry_id))

    def mark_all_read(self, source_key: str) -> int:
        """Mark every unread entry of a source read; return how many changed."""
        return len(self.mark_listing_read(Listing(source_key)))

    def set_starred(self, entry_id: int, starred: bool) -> None:
        with self._write() as conn:
            conn.execute("UPDATE entries SET starred = ? WHERE id = ?", (int(starred), entry_id))

    def set_position(self, entry_id: int, position: int) -> None:
        with self._write() as conn:
            conn.execute("UPDATE entries SET position = ? WHERE id = ?",
                         (max(0, int(position)), entry_id))

    def position(self, entry_id: int) -> int:
        row = self._one("SELECT position FROM entries WHERE id = ?", (entry_id,))
        return int(row[0]) if row else 0

    def add_local(self, article: Article, *, key: str | None = None) -> int:
        """Keep an opened local file under "Local files"; reopening the same path updates it.

        An article that is an entry of a subscribed (or removed) feed, by its link, is not
        copied: its id in that feed is returned (a saved copy of a subscribed feed adds
        nothing twice). Local files sort by their date, else by when they were first opened.
        `key` names the entry instead of its path (the bundled samples: `byline:sample/…`).
        """
        if _text_path(article.source) != article.source:
            article = replace(article, source=_text_path(article.source))
        key = key or _local_key(article.source)
        link = safe_url(article.url)
        now = time.time()
        with self._write() as conn:
            if link is not None:
                known = conn.execute(
                    """SELECT e.id FROM entries e JOIN feeds f ON f.id = e.feed_id
                       WHERE e.link = ? AND f.kind IN ('feed', 'removed')
                       ORDER BY e.id LIMIT 1""", (link,)).fetchone()
                if known is not None:
                    return int(known[0])
            feed_id = self._local_feed_id(conn)
            row = conn.execute(
                """INSERT INTO entries (feed_id, key, link, title, authors, published, sort_time,
                                        first_seen, raw, raw_kind, article, text,
                                        reading_minutes, hash, quotes)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'text', ?, ?, ?, ?, ?)
                   ON CONFLICT (feed_id, key) DO UPDATE SET
                       link = excluded.link, title = excluded.title, authors = excluded.authors,
                       published = excluded.published, raw = excluded.raw,
                       sort_time = CASE WHEN excluded.published IS NULL THEN sort_time
                                        ELSE excluded.sort_time END,
                       article = excluded.article, text = excluded.text,
                       reading_minutes = excluded.reading_minutes, hash = excluded.hash,
                       quotes = excluded.quotes
                   RETURNING id""",
                (feed_id, key, link, clean_line(article.title)[:MAX_TITLE],
                 json.dumps(article.authors), article.published,
                 sort_time(article.published, now), now,
                 pack(clean_text(article.raw)),
                 pack(json.dumps(article.to_dict(), ensure_ascii=False)),
                 pack(article_text(article)), article.reading_minutes, digest(article.raw),
                 len(article.quotes)),
            ).fetchone()
        return int(row[0])

    def _local_feed_id(self, conn: sqlite3.Connection) -> int:
        row = conn.execute("SELECT id FROM feeds WHERE kind = 'local'").fetchone()
        if row:
            return int(row[0])
        cur = conn.execute("INSERT INTO feeds (url, kind, title, added) VALUES (?, 'local', ?, ?)",
                           (LOCAL_FEED_URL, LOCAL_LABEL, time.time()))
        return int(cur.lastrowid or 0)

    def store_entries(self, feed_id: int, entries: Iterable[NewEntry], *, title: str = "",
                      link: str | None = None, etag: str | None = None,
                      last_modified: str | None = None, problems: Sequence[str] = (),
                      hints: FeedHints | None = None) -> int:
        """Upsert a fetched feed's entries and its status in one transaction; return new count.

        Entries are deduplicated by key (first wins); a changed entry is updated in place and
        keeps its read, starred and position state. `hints`: what the feed and its answer
        said about when to fetch it again (none: no hints).
        """
        texts: list[str] = []
        rows = prepare_entries(entries, time.time(), texts)
        return self.store_prepared(feed_id, rows, title=title, link=link, etag=etag,
                                   last_modified=last_modified, problems=problems, hints=hints,
                                   search_texts=texts)

    def store_prepared(self, feed_id: int, prepared: Sequence[tuple[Any, ...]], *,
                       title: str = "", link: str | None = None, etag: str | None = None,
                       last_modified: str | None = None, problems: Sequence[str] = (),
                       hints: FeedHints | None = None,
                       search_texts: Sequence[str] | None = None) -> int:
        """`store_entries` for rows from `prepare_entries` (which refresh runs in workers).
        `search_texts`: the rows' search texts as `prepare_entries` gave them, unpacked; new
        entries are then indexed from them instead of being unpacked for the index."""
        hints = hints or FeedHints()
        now = time.time()
        with self._write() as conn:
            existing = dict(conn.execute("SELECT key, hash FROM entries WHERE feed_id = ?",
                                         (feed_id,)).fetchall())
            dropped = {r[0] for r in conn.execute("SELECT key FROM dropped WHERE feed_id = ?",
                                                  (feed_id,))}
            if dropped:  # retention deleted them: not new again; forget those the feed left
                carried = {p[0] for p in prepared}
                conn.executemany("DELETE FROM dropped WHERE feed_id = ? AND key = ?",
                                 [(feed_id, k) for k in dropped - carried])
            fresh = [n for n, p in enumerate(prepared)
                     if p[0] not in existing and p[0] not in dropped]
            inserts = [(feed_id, *prepared[n]) for n in fresh]
            updates = [p for p in prepared if p[0] in existing and existing[p[0]] != p[-1]]
            conn.executemany(
                """INSERT INTO entries (feed_id, key, guid, link, title, authors, published,
                       published_raw, sort_time, first_seen, raw, raw_kind, summary_only, text,
                       reading_minutes, enclosures, hash)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", inserts)
            if search_texts is not None:
                self._index_inserted(conn, [(prepared[n][3], search_texts[n]) for n in fresh])
            conn.executemany(
                """UPDATE entries SET guid = ?, link = ?, title = ?, authors = ?, published = ?,
                       published_raw = ?, sort_time = CASE WHEN ? IS NULL THEN sort_time ELSE ?
                       END, raw = ?, raw_kind = ?, summary_only = ?, text = ?,
                       reading_minutes = ?, enclosures = ?, hash = ?, article = NULL,
                       page = NULL, page_status = NULL, page_retry = NULL, quotes = NULL
                   WHERE feed_id = ? AND key = ?""",
                [(p[1], p[2], p[3], p[4], p[5], p[6], p[5], p[7], p[9], p[10], p[11], p[12],
                  p[13], p[14], p[15], feed_id, p[0]) for p in updates])
            # Enclosures are not in the hash (entries stored before they were kept would all
            # count as changed, losing their cached pages): brought up to date on their own.
            conn.executemany(
                "UPDATE entries SET enclosures = ? WHERE feed_id = ? AND key = ? "
                "AND enclosures IS NOT ?",
                [(p[14], feed_id, p[0], p[14]) for p in prepared
                 if p[14] is not None and p[0] in existing and existing[p[0]] == p[-1]])
            new = len(inserts)
            conn.execute(
                """UPDATE feeds SET title = coalesce(user_title,
                                             CASE WHEN ? != '' THEN ? ELSE title END),
                       link = coalesce(?, link), etag = ?, last_modified = ?,
                       last_status = ?, last_error = ?, last_fetched = ?, failures = 0,
                       retry_after_until = NULL, gone = 0, ttl = ?, max_age = ?,
                       skip_hours = ?, skip_days = ? WHERE id = ?""",
                (clean_line(title)[:MAX_TITLE], clean_line(title)[:MAX_TITLE], safe_url(link),
                 etag, last_modified, "ok" if not problems else "ok, with problems",
                 clean_line("; ".join(problems))[:500] or None, now, hints.ttl, hints.max_age,
                 ",".join(map(str, hints.skip_hours)), ",".join(map(str, hints.skip_days)),
                 feed_id))
        return new

    def summary_only_entries(self, feed_ids: Sequence[int] | None = None, *,
                             now: float | None = None) -> list[tuple[int, str]]:
        """(entry id, link) of entries that carry only a summary and whose page is still to
        fetch: never tried, or failed and due again (`now`: the clock)."""
        sql = ("SELECT id, link FROM entries WHERE summary_only = 1 AND page IS NULL "
               "AND link IS NOT NULL AND (page_status IS NULL OR page_retry <= ?)")
        params: tuple[Any, ...] = (time.time() if now is None else now,)
        if feed_ids is not None:
            sql += f" AND feed_id IN ({','.join('?' * len(feed_ids))})"
            params += tuple(feed_ids)
        return [(r[0], r[1]) for r in self._all(sql + " ORDER BY sort_time DESC", params)]

    def store_page(self, entry_id: int, page_html: str, article: Article) -> None:
        """Cache the linked page of a summary-only entry and the article cleaned from it."""
        with self._write() as conn:
            conn.execute("""UPDATE entries SET page = ?, article = ?, reading_minutes = ?,
                            page_status = 'cached', page_retry = NULL, quotes = ?, text = ?
                            WHERE id = ?""",
                         (pack(clean_text(page_html)),
                          pack(json.dumps(article.to_dict(), ensure_ascii=False)),
                          article.reading_minutes, len(article.quotes),
                          pack(article_text(article)), entry_id))

    def record_page(self, entry_id: int, status: str, retry_at: float | None = None) -> None:
        """Remember a page `refresh --full` did not cache: 'not needed', or 'failed: …' with
        when it may be tried again (None: never)."""
        with self._write() as conn:
            conn.execute("UPDATE entries SET page_status = ?, page_retry = ? WHERE id = ?",
                         (clean_line(status)[:300], retry_at, entry_id))



def _local_key(source: str) -> str:
    source = _text_path(source)
    return source if safe_url(source) else os.path.abspath(os.path.expanduser(source))


def _text_path(path: str) -> str:
    """`path` storable as text: surrogate escapes (a file name that is not UTF-8) as `\\xNN`."""
    try:
        raw = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = path.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "backslashreplace")



def build_article(original: str, kind: str, *, source: str, url: str | None, title: str,
                  authors: list[str], published: str | None,
                  extra_rules: dict[str, Any] | None = None) -> Article:
    """Clean a stored original with the article engine, keeping the feed's metadata."""
    from reader.article.build import Meta, from_html, from_text

    meta = Meta(title=title or None, url=url, authors=authors, published=published)
    if kind == "html":
        return from_html(original, source, url=url, meta=meta, extra_rules=extra_rules)
    return from_text(original, source, markdown=kind == "markdown", meta=meta,
                     extra_rules=extra_rules)

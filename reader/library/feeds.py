"""Subscriptions: feeds and their tags, fetch statuses, and the library screen's sources
with their counts."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from reader.errors import BylineError
from reader.library.database import Database
from reader.library.entry_rows import MAX_TITLE
from reader.sanitize import clean_line, safe_url

LOCAL_LABEL = "Local files"
SAMPLE_PREFIX = "byline:sample/"   # the URL of a feed bundled with Byline: never fetched
REMOVED_LABEL = "Removed feeds"   # what `remove` kept of feeds no longer subscribed
HIDDEN_LABEL = "Hidden"           # what kill rules hid (`[[hide]]`)


@dataclass
class SourceRow:
    """A line of the library screen; keys: all, unread, starred, local, removed, hidden,
    feed:<id>,
    tag:<name> (and, for lists, ids:<id>,<id>…)."""

    key: str
    label: str
    unread: int
    total: int


@dataclass
class FeedRow:
    """A subscription with its last fetch status and counts."""

    id: int
    url: str
    title: str
    link: str | None
    tags: list[str]
    last_status: str | None
    last_error: str | None
    last_fetched: float | None
    unread: int
    total: int
    gone: bool
    etag: str | None = None
    last_modified: str | None = None
    retry_after_until: float | None = None
    failures: int = 0
    permanent_url: str | None = None
    redirect_count: int = 0
    remote_id: str | None = None    # the sync server's id: synced, not fetched by refresh
    ttl: float | None = None        # the feed's hints (reader.library.schedule), seconds
    max_age: float | None = None
    skip_hours: tuple[int, ...] = ()
    skip_days: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        return self.title or self.url


@dataclass
class Removed:
    """What `remove_feed` did: the feed, and how many of its articles it kept and deleted."""

    feed: FeedRow
    kept: int
    deleted: int


class Feeds(Database):
    """The subscriptions of the library."""

    def sources(self) -> list[SourceRow]:
        """All, unread, starred, local files, then every feed and every tag, with counts
        (hidden entries count under Hidden only)."""
        per_feed: dict[int, list[int]] = {}
        total = unread = starred = starred_unread = hidden = hidden_unread = 0
        for feed_id, n, n_unread, n_starred, n_starred_unread, n_hidden, n_hidden_unread in \
                self._all("SELECT feed_id, total, unread, starred, starred_unread, hidden, "
                          "hidden_unread FROM feed_counts"):
            per_feed[feed_id] = [n_unread, n]
            total += n
            unread += n_unread
            starred += n_starred
            starred_unread += n_starred_unread
            hidden += n_hidden
            hidden_unread += n_hidden_unread
        local = self._one("SELECT id FROM feeds WHERE kind = 'local'")
        local_counts = per_feed.get(local[0], [0, 0]) if local else [0, 0]
        rows = [
            SourceRow("all", "All articles", unread, total),
            SourceRow("unread", "Unread", unread, unread),
            SourceRow("starred", "Starred", starred_unread, starred),
            SourceRow("local", LOCAL_LABEL, local_counts[0], local_counts[1]),
        ]
        removed = [per_feed.get(r[0], [0, 0])
                   for r in self._all("SELECT id FROM feeds WHERE kind = 'removed'")]
        if any(total for _, total in removed):
            rows.append(SourceRow("removed", REMOVED_LABEL, sum(u for u, _ in removed),
                                  sum(t for _, t in removed)))
        if hidden:
            rows.append(SourceRow("hidden", HIDDEN_LABEL, hidden_unread, hidden))
        tags: dict[str, tuple[str, list[int]]] = {}   # folded -> (spelling, counts)
        for feed in self.feeds():
            c = per_feed.get(feed.id, [0, 0])
            rows.append(SourceRow(f"feed:{feed.id}", feed.label, c[0], c[1]))
            for folded, tag in {t.casefold(): t for t in feed.tags}.items():   # any case: one
                _, slot = tags.setdefault(folded, (tag, [0, 0]))
                slot[0] += c[0]
                slot[1] += c[1]
        rows.extend(SourceRow(f"tag:{name}", name, c[0], c[1])
                    for _, (name, c) in sorted(tags.items()))
        return rows

    def feeds(self) -> list[FeedRow]:
        """Every subscription (not the local-files pseudo-feed), in title order, with its
        counts (from `feed_counts`: no entry is read)."""
        rows = self._all(
            """SELECT f.*, coalesce(c.unread, 0), coalesce(c.total, 0),
                      (SELECT group_concat(tag, char(31)) FROM
                          (SELECT tag FROM feed_tags t WHERE t.feed_id = f.id ORDER BY tag))
               FROM feeds f LEFT JOIN feed_counts c ON c.feed_id = f.id
               WHERE f.kind = 'feed' ORDER BY lower(coalesce(nullif(f.title, ''), f.url)), f.id""")
        return [_feed_row(r) for r in rows]

    def feed(self, url_or_id: str | int) -> FeedRow | None:
        """One subscription by URL (or id); None when not subscribed."""
        return next((row for row in self.feeds() if url_or_id in (row.id, row.url)), None)

    def add_feed(self, url: str, *, title: str = "", tags: Iterable[str] = (),
                 link: str | None = None, own_title: bool = False) -> int:
        """Subscribe (idempotent: an existing feed keeps its state and gains the tags).

        With `own_title` (a urls file's `"~Title"`), `title` is the user's: refresh and sync
        keep it over the title the feed gives itself."""
        checked = safe_url(url)
        if checked is None:
            raise BylineError(f"not an http(s) feed URL: {clean_line(url)[:200]}")
        shown = clean_line(title)[:MAX_TITLE]
        with self._write() as conn:
            conn.execute(
                """INSERT INTO feeds (url, title, link, added, user_title) VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (url) DO UPDATE SET kind = 'feed',
                       title = CASE WHEN excluded.title != '' THEN excluded.title ELSE title END,
                       link = coalesce(excluded.link, link),
                       user_title = coalesce(excluded.user_title, user_title)""",
                (checked, shown, safe_url(link), time.time(),
                 shown if own_title and shown else None))
            feed_id = int(conn.execute("SELECT id FROM feeds WHERE url = ?", (checked,))
                          .fetchone()[0])
            conn.executemany("INSERT OR IGNORE INTO feed_tags (feed_id, tag) VALUES (?, ?)",
                             [(feed_id, t) for t in _clean_tags(tags, conn)])
        return feed_id

    def set_titles(self, titles: Mapping[int, str]) -> None:
        """Give feeds a title of their own (`[[feed]] title`) whatever they call themselves."""
        with self._write() as conn:
            conn.executemany("UPDATE feeds SET title = ? WHERE id = ? AND title IS NOT ?",
                             [(clean_line(t)[:MAX_TITLE], i, clean_line(t)[:MAX_TITLE])
                              for i, t in titles.items()])

    def add_sample_feed(self, name: str, *, title: str, link: str | None) -> int:
        """Subscribe to a feed bundled with Byline (`byline:sample/NAME`): listed like any
        feed, never fetched, left out of `byline export`."""
        url = SAMPLE_PREFIX + name
        with self._write() as conn:
            conn.execute("""INSERT INTO feeds (url, title, link, added) VALUES (?, ?, ?, ?)
                            ON CONFLICT (url) DO UPDATE SET kind = 'feed'""",
                         (url, clean_line(title)[:MAX_TITLE], safe_url(link), time.time()))
            return int(conn.execute("SELECT id FROM feeds WHERE url = ?", (url,)).fetchone()[0])

    def starred_count(self, feed_id: int) -> int:
        """How many of a feed's entries are starred."""
        row = self._one("SELECT starred FROM feed_counts WHERE feed_id = ?", (feed_id,))
        return int(row[0]) if row else 0

    def find_feeds(self, target: str) -> list[FeedRow]:
        """The subscriptions `target` names: its URL, its id, or its title (any case)."""
        target = target.strip()
        feeds = self.feeds()
        for match in (lambda f: f.url == target, lambda f: str(f.id) == target,
                      lambda f: f.title.casefold() == target.casefold()):
            found = [f for f in feeds if match(f)]
            if found:
                return found
        return []

    def remove_feed(self, url_or_id: str | int, *, keep_all: bool = False) -> Removed | None:
        """Unsubscribe. Starred entries (every entry with `keep_all`) stay readable under
        "Removed feeds" (and Starred); the others are deleted. None when not subscribed."""
        feed = self.feed(url_or_id if isinstance(url_or_id, int) else url_or_id.strip())
        if feed is None:
            return None
        with self._write() as conn:
            deleted = 0 if keep_all else conn.execute(
                "DELETE FROM entries WHERE feed_id = ? AND starred = 0", (feed.id,)).rowcount
            kept = conn.execute("SELECT count(*) FROM entries WHERE feed_id = ?",
                                (feed.id,)).fetchone()[0]
            if kept:
                conn.execute("DELETE FROM feed_tags WHERE feed_id = ?", (feed.id,))
                conn.execute("""UPDATE feeds SET kind = 'removed', etag = NULL, remote_id = NULL,
                                last_modified = NULL, retry_after_until = NULL WHERE id = ?""",
                             (feed.id,))
            else:
                conn.execute("DELETE FROM feeds WHERE id = ?", (feed.id,))
        return Removed(feed, kept, deleted)

    def set_tags(self, feed_id: int, tags: Iterable[str]) -> None:
        with self._write() as conn:
            cleaned = _clean_tags(tags, conn)   # spelt as before, this feed's own included
            conn.execute("DELETE FROM feed_tags WHERE feed_id = ?", (feed_id,))
            conn.executemany("INSERT OR IGNORE INTO feed_tags (feed_id, tag) VALUES (?, ?)",
                             [(feed_id, t) for t in cleaned])

    def record_not_modified(self, feed_id: int, max_age: float | None = None) -> None:
        """A 304: only the status changes, and how long the answer stays fresh."""
        with self._write() as conn:
            conn.execute("""UPDATE feeds SET last_status = 'not modified', last_error = NULL,
                            last_fetched = ?, failures = 0, retry_after_until = NULL, gone = 0,
                            max_age = ? WHERE id = ?""", (time.time(), max_age, feed_id))

    def record_failure(self, feed_id: int, error: str, *, retry_after_until: float | None = None,
                       gone: bool = False) -> None:
        """A failed fetch or parse: status and reason only; stored entries are untouched."""
        with self._write() as conn:
            conn.execute("""UPDATE feeds SET last_status = ?, last_error = ?, last_fetched = ?,
                            failures = failures + 1, retry_after_until = ?, gone = ?
                            WHERE id = ?""",
                         ("gone" if gone else "error", clean_line(error)[:500], time.time(),
                          retry_after_until, int(gone), feed_id))

    def record_redirect(self, feed_id: int, new_url: str | None, *, moves_after: int = 3) -> str:
        """Count permanent redirects to `new_url`; after `moves_after` in a row, move the feed.

        Returns the feed's URL afterwards. A fetch without a permanent redirect (`new_url`
        None) resets the count.
        """
        target = safe_url(new_url)
        with self._write() as conn:
            url, previous, count = conn.execute(
                "SELECT url, permanent_url, redirect_count FROM feeds WHERE id = ?",
                (feed_id,)).fetchone()
            if target is None or target == url:
                conn.execute("UPDATE feeds SET permanent_url = NULL, redirect_count = 0 "
                             "WHERE id = ?", (feed_id,))
                return str(url)
            count = count + 1 if previous == target else 1
            taken = conn.execute("SELECT 1 FROM feeds WHERE url = ?", (target,)).fetchone()
            if count >= moves_after and not taken:
                conn.execute("UPDATE feeds SET url = ?, permanent_url = NULL, redirect_count = 0 "
                             "WHERE id = ?", (target, feed_id))
                return target
            conn.execute("UPDATE feeds SET permanent_url = ?, redirect_count = ? WHERE id = ?",
                         (target, count, feed_id))
            return str(url)


def _feed_row(r: sqlite3.Row) -> FeedRow:
    unread, total, tags = r[-3], r[-2], r[-1]
    return FeedRow(
        id=r["id"], url=r["url"], title=r["title"], link=r["link"],
        tags=tags.split("\x1f") if tags else [], last_status=r["last_status"],
        last_error=r["last_error"], last_fetched=r["last_fetched"], unread=unread, total=total,
        gone=bool(r["gone"]), etag=r["etag"], last_modified=r["last_modified"],
        retry_after_until=r["retry_after_until"], failures=r["failures"],
        permanent_url=r["permanent_url"], redirect_count=r["redirect_count"],
        remote_id=r["remote_id"], ttl=r["ttl"], max_age=r["max_age"],
        skip_hours=_numbers(r["skip_hours"]), skip_days=_numbers(r["skip_days"]),
    )


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in text.split(",") if n.isdigit())


def _clean_tags(tags: Iterable[str], conn: sqlite3.Connection) -> list[str]:
    """Tags as stored: cleaned, one per spelling regardless of case, and spelt as the library
    already spells them ("news" from a URL list joins "News" from OPML)."""
    known = {tag.casefold(): tag for (tag,) in
             conn.execute("SELECT DISTINCT tag FROM feed_tags ORDER BY tag")}
    chosen: dict[str, str] = {}
    for tag in tags:
        cleaned = clean_line(tag)[:100]
        if cleaned:
            folded = cleaned.casefold()
            chosen.setdefault(folded, known.get(folded, cleaned))
    return sorted(chosen.values())

"""Kill rules (`[[hide]]` in config.toml, read by `reader.config.hide_rules`): entries they
match are hidden when a refresh brings them, never deleted. Hidden entries leave every list
and count (search still finds them) and show under the source "Hidden"; `byline mark ID
--unhide` (or `H` in the reader) brings one back.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from reader.config import HideRule
from reader.library.database import Database
from reader.library.packing import unpack


class Hiding(Database):
    """Applying kill rules, and hiding or showing entries by hand (a part of `Library`)."""

    def last_entry_id(self) -> int:
        """The highest entry id: entries stored after this call have higher ones."""
        row = self._one("SELECT max(id) FROM entries")
        return int(row[0] or 0) if row else 0

    def hide_matching(self, rules: Sequence[HideRule], *, after_id: int = 0) -> int:
        """Hide the entries with ids above `after_id` that a rule matches; return how many."""
        if not rules:
            return 0
        rows = self._all(
            """SELECT e.id, e.title, e.authors, e.link, e.text, f.title, f.url
               FROM entries e JOIN feeds f ON f.id = e.feed_id
               WHERE e.id > ? AND e.hidden = 0 AND f.kind = 'feed'""", (after_id,))
        hidden = []
        for entry_id, title, authors, link, text, feed_title, feed_url in rows:
            fields = {"title": [title], "author": _names(authors), "link": [link or ""],
                      "text": [unpack(text)], "feed": [feed_title, feed_url]}
            if any(rule.matches(fields) for rule in rules):
                hidden.append(entry_id)
        if hidden:
            self.set_hidden(hidden, True)
        return len(hidden)

    def set_hidden(self, entry_ids: Sequence[int], hidden: bool) -> None:
        """Hide or show entries (nothing else about them changes)."""
        with self._write() as conn:
            conn.executemany("UPDATE entries SET hidden = ? WHERE id = ?",
                             [(int(hidden), i) for i in entry_ids])

    def entry_flags(self, entry_id: int) -> dict[str, bool]:
        """An entry's read, starred and hidden state (all False when it is gone)."""
        row = self._one("SELECT read, starred, hidden FROM entries WHERE id = ?", (entry_id,))
        return {name: bool(row and row[i]) for i, name in enumerate(("read", "starred",
                                                                      "hidden"))}


def _names(authors: str) -> list[str]:
    try:
        names = json.loads(authors)
    except ValueError:
        return []
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []

"""The one small interface both backends implement, and what they hand the engine.

A backend logs in, lists the feeds, pages through items newer than a cursor, gives the ids of
unread and starred items, and marks items. Everything it returns is checked here first:
a server's answer is untrusted input, and a malformed one is a `SyncError`, never a crash.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from reader.library.store import SyncedFeed
from reader.sync.api import SyncError

MAX_ID_LENGTH = 200


@dataclass
class Item:
    """One item of the server, as the library will store it."""

    id: str
    feed_id: str
    title: str
    html: str
    url: str | None
    author: str
    published: str | None     # ISO 8601, UTC
    read: bool
    starred: bool


@dataclass
class Page:
    """Items, and the cursor to store once they are: the next pull starts after it."""

    items: list[Item]
    cursor: str | None


class Backend(Protocol):
    """What the engine asks of a server."""

    #: `fever` or `greader`
    api: str
    #: whether the API can subscribe and unsubscribe the account (the Fever API cannot)
    subscribes: bool

    def login(self) -> None:
        """Check the account (and get a session token where the API has one)."""

    def check(self) -> list[str]:
        """What the server supports and holds, one line each (for `byline sync --check`)."""

    def feeds(self) -> list[SyncedFeed]:
        """Every subscription of the account, with its groups as tags."""

    def items(self, cursor: str | None) -> Iterator[Page]:
        """Pages of the items newer than `cursor` (None: every item)."""

    def unread_and_starred(self) -> tuple[set[str], set[str]]:
        """The ids of the unread items and of the starred ones."""

    def mark(self, items: Sequence[str], change: str) -> set[str]:
        """Apply `change` (read, unread, star, unstar) to the items; return the ids the server
        did not know (they are not retried)."""

    def subscribe(self, url: str) -> str:
        """Subscribe the account to the feed at `url`; return the server's id for it
        (`Refused`: the server cannot)."""

    def label(self, remote_id: str, label: str) -> None:
        """Put a subscription under a label (a folder, a category)."""

    def unsubscribe(self, remote_id: str) -> None:
        """Unsubscribe the account from a feed (`Unknown` or `Refused`: it has no such feed)."""

    def close(self) -> None:
        """Let go of the connection."""


def text(value: Any, limit: int = 100_000) -> str:
    """A string field of an answer (numbers too; anything else is empty)."""
    if isinstance(value, str):
        return value[:limit]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def item_id(value: Any) -> str:
    """An item or feed id: a short string of printable characters, else a SyncError."""
    shown = text(value, MAX_ID_LENGTH + 1)
    if not shown or len(shown) > MAX_ID_LENGTH or not shown.isprintable() or " " in shown:
        raise SyncError("the server sent an item or feed without a usable id")
    return shown


def epoch_iso(value: Any) -> str | None:
    """Seconds since 1970 (a number or digits) as ISO 8601 UTC; None when not plausible."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    if not 0 < seconds < 32_503_680_000:   # before the year 3000
        return None
    return datetime.fromtimestamp(seconds, UTC).isoformat()


def field(answer: Any, name: str, kind: type) -> Any:
    """`answer[name]` when it is of `kind`, else a SyncError naming what was missing."""
    if not isinstance(answer, dict) or not isinstance(answer.get(name), kind):
        raise SyncError(f"the server's answer has no usable {name!r}")
    return answer[name]


def id_list(value: Any) -> set[str]:
    """Ids given as a comma-separated string or a list."""
    if isinstance(value, str):
        parts: list[Any] = [p for p in value.split(",") if p.strip()]
    elif isinstance(value, list):
        parts = value
    else:
        raise SyncError("the server sent an id list that is not a list")
    return {item_id(p.strip() if isinstance(p, str) else p) for p in parts}

"""The Fever API (FreshRSS, Miniflux, Tiny Tiny RSS's plugin, Coldsweat).

Every call is a POST of `api_key` (the MD5 of `user:password`, as the API defines it) to the
endpoint with `?api&<command>`; the answer is JSON with `auth` 1 or 0. Items come 50 a call
by `since_id` (a big pull walks several id ranges at once: `ranges`); read and saved state as
comma-separated id lists; one `mark` call per item.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from typing import Any

from reader.library.store import SyncedFeed
from reader.sync.api import ApiClient, AuthError, Refused, SyncError, Unknown
from reader.sync.backend import Item, Page, epoch_iso, field, id_list, item_id, text
from reader.sync.ranges import cuts, walk_parts
from reader.sync.settings import Secret, SyncSettings

MAX_PAGES = 100_000          # a server that never stops sending new ids is cut off here
PAGE = 50                    # items an `items` call gives (the API's page)
WALKS = 3                    # parts of a big pull walked at once (`ranges`)
PART_LEAST = 500             # known ids a part has at least (smaller pulls walk as one)
MARKS = {"read": "read", "unread": "unread", "star": "saved", "unstar": "unsaved"}
NO_SUBSCRIBING = "the Fever API has no way to subscribe or unsubscribe"


class Fever:
    """A Fever API account."""

    api = "fever"
    subscribes = False

    def __init__(self, settings: SyncSettings, password: Secret,
                 client: ApiClient | None = None) -> None:
        self.client = client or ApiClient(settings.url)
        raw = password.reveal()
        self._key = hashlib.md5(f"{settings.user}:{raw}".encode(),
                                usedforsecurity=False).hexdigest()
        self.client.secrets += [raw, self._key]
        self.endpoint = settings.url
        self._version: str | None = None    # the API version the login answer named

    def close(self) -> None:
        self.client.close()

    def _call(self, command: str = "", form: dict[str, str] | None = None,
              **params: str) -> dict[str, Any]:
        query = "api" + (f"&{command}" if command else "")
        for name, value in params.items():
            query += f"&{name}={value}"
        separator = "&" if "?" in self.endpoint else "?"
        answer = self.client.request("POST", f"{self.endpoint}{separator}{query}",
                                     data={"api_key": self._key, **(form or {})}).json()
        if not isinstance(answer, dict):
            raise SyncError("the server's answer is not a Fever API answer")
        if answer.get("auth") != 1:
            raise AuthError(f"the server {self.client.host} refused the account: check user "
                            "and password")
        return answer

    def login(self) -> None:
        self._version = text(self._call().get("api_version"))

    def check(self) -> list[str]:
        if self._version is None:
            self.login()
        items = self._call("items")
        unread, saved = self.unread_and_starred()
        return [f"Fever API version {self._version or '?'}",
                f"{len(self.feeds())} feeds, {text(items.get('total_items')) or '?'} items, "
                f"{len(unread)} unread, {len(saved)} saved",
                "read, unread, saved and unsaved marks; no subscribing from a client "
                "(the Fever API has none)"]

    def feeds(self) -> list[SyncedFeed]:
        groups = self._call("groups")
        names = {item_id(g.get("id")): text(g.get("title"), 200)
                 for g in field(groups, "groups", list) if isinstance(g, dict)}
        tags: dict[str, list[str]] = {}
        for link in groups.get("feeds_groups") or []:
            if isinstance(link, dict) and names.get(text(link.get("group_id"))):
                for feed in id_list(link.get("feed_ids", "")):
                    tags.setdefault(feed, []).append(names[text(link.get("group_id"))])
        result = []
        for feed in field(self._call("feeds"), "feeds", list):
            if not isinstance(feed, dict):
                continue
            remote = item_id(feed.get("id"))
            result.append(SyncedFeed(remote, text(feed.get("url"), 4000),
                                     text(feed.get("title"), 1000),
                                     text(feed.get("site_url"), 4000) or None,
                                     tags.get(remote, [])))
        return result

    def items(self, cursor: str | None) -> Iterator[Page]:
        """One page after the cursor; when it is full, the rest in `WALKS` parts at once, cut
        where the unread and saved ids fall (`ranges`)."""
        since = int(cursor) if cursor and cursor.isdigit() else 0
        first = self._after(since)
        if not first:
            return
        newest = max(int(i.id) for i in first)
        if newest <= since:
            raise SyncError("the server keeps sending items it sent before")
        yield Page(first, str(newest))
        starts = [newest]
        if len(first) >= PAGE:
            unread, saved = self.unread_and_starred()
            starts = cuts(newest, (int(i) for i in unread | saved if i.isdigit()), WALKS,
                          PART_LEAST)
        yield from walk_parts(self._after, starts, MAX_PAGES)

    def _after(self, since: int) -> list[Item]:
        """A page of the items after id `since` (the API's `since_id`)."""
        answer = self._call("items", since_id=str(since))
        return [_item(i) for i in field(answer, "items", list) if isinstance(i, dict)]

    def unread_and_starred(self) -> tuple[set[str], set[str]]:
        unread = self._call("unread_item_ids")
        saved = self._call("saved_item_ids")
        return (id_list(unread.get("unread_item_ids", "")),
                id_list(saved.get("saved_item_ids", "")))

    def mark(self, items: Sequence[str], change: str) -> set[str]:
        unknown = set()
        for item in items:
            try:
                self._call("", form={"mark": "item", "as": MARKS[change], "id": item})
            except Unknown:
                unknown.add(item)
        return unknown


    def subscribe(self, url: str) -> str:
        raise Refused(NO_SUBSCRIBING)

    def label(self, remote_id: str, label: str) -> None:
        raise Refused(NO_SUBSCRIBING)

    def unsubscribe(self, remote_id: str) -> None:
        raise Refused(NO_SUBSCRIBING)


def _item(raw: dict[str, Any]) -> Item:
    identifier = item_id(raw.get("id"))
    if not identifier.isdigit():
        raise SyncError("the server sent an item id that is not a number")
    return Item(id=identifier, feed_id=item_id(raw.get("feed_id")),
                title=text(raw.get("title"), 2000), html=text(raw.get("html"), 5_000_000),
                url=text(raw.get("url"), 4000) or None, author=text(raw.get("author"), 500),
                published=epoch_iso(raw.get("created_on_time")),
                read=raw.get("is_read") in (1, "1", True),
                starred=raw.get("is_saved") in (1, "1", True))

"""The Google Reader API as FreshRSS and Miniflux implement it (also Inoreader, The Old
Reader, BazQux).

`url` is the API's base: FreshRSS `https://HOST/api/greader.php`, Miniflux `https://HOST`.
ClientLogin (`accounts/ClientLogin`, Email and Passwd) gives an `Auth` token sent as
`Authorization: GoogleLogin auth=…`; writes also carry a short-lived token (`T`) from
`reader/api/0/token`. An expired token (401, or FreshRSS's `X-Reader-Google-Bad-Token`) is
renewed once and the call repeated. Items are paged with `continuation`; item ids are
64-bit numbers, written in long form (`tag:google.com,2005:reader/item/<16 hex digits>`)
or as signed decimals: the library keeps the decimal.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from reader.library.store import SyncedFeed
from reader.sync.api import Answer, ApiClient, AuthError, Refused, SyncError
from reader.sync.backend import Item, Page, epoch_iso, field, item_id, text
from reader.sync.settings import Secret, SyncSettings

API = "/reader/api/0"
READING_LIST = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
LABEL = "user/-/label/"
LONG_PREFIX = "tag:google.com,2005:reader/item/"
PAGE = 250             # items a stream/contents call
IDS_PAGE = 10_000      # ids a stream/items/ids call
MAX_PAGES = 10_000
EDIT_BATCH = 100       # items a single edit-tag call
TAGS = {"read": ("a", READ), "unread": ("r", READ), "star": ("a", STARRED),
        "unstar": ("r", STARRED)}


class GoogleReader:
    """A Google Reader API account."""

    api = "greader"
    subscribes = True

    def __init__(self, settings: SyncSettings, password: Secret,
                 client: ApiClient | None = None) -> None:
        self.client = client or ApiClient(settings.url)
        self.base = settings.url.rstrip("/")
        self._user = settings.user
        self._password = password
        self.client.secrets.append(password.reveal())
        self._auth: str | None = None
        self._token: str | None = None

    def close(self) -> None:
        self.client.close()

    # -- the session -------------------------------------------------------------------------

    def login(self) -> None:
        answer = self.client.request(
            "POST", f"{self.base}/accounts/ClientLogin",
            data={"Email": self._user, "Passwd": self._password.reveal()})
        fields = dict(line.split("=", 1) for line in answer.text().splitlines() if "=" in line)
        auth = fields.get("Auth", "").strip()
        if not auth or not auth.isprintable() or len(auth) > 1000:
            raise AuthError(f"the server {self.client.host} gave no login token: check user "
                            "and password")
        self._auth = auth
        self._token = None
        self.client.secrets.append(auth)

    def _write_token(self) -> str:
        if self._token is None:
            token = self._get(f"{API}/token").text().strip()
            if not token or not token.isprintable() or len(token) > 1000:
                raise SyncError("the server gave no write token")
            self._token = token
            self.client.secrets.append(token)
        return self._token

    def _send(self, method: str, path: str, *, params: Any = None, data: Any = None,
              write: bool = False) -> Answer:
        """A call with the session; an expired login or write token is renewed once."""
        for attempt in (1, 2):
            if self._auth is None:
                self.login()
            form = dict(data or {}) if not isinstance(data, list) else list(data)
            if write:
                token = self._write_token()
                if isinstance(form, list):
                    form.append(("T", token))
                else:
                    form["T"] = token
            try:
                return self.client.request(
                    method, f"{self.base}{path}", params=params, data=form or None,
                    headers={"Authorization": f"GoogleLogin auth={self._auth}"})
            except AuthError:
                if attempt == 2:
                    raise
                self._auth = None   # log in again, and take a new write token
                self._token = None
        raise AssertionError("unreachable")

    def _get(self, path: str, **params: Any) -> Answer:
        return self._send("GET", path, params=params or None)

    # -- the interface ------------------------------------------------------------------------

    def check(self) -> list[str]:
        info = self._get(f"{API}/user-info", output="json").json()
        feeds = self.feeds()
        unread, starred = self.unread_and_starred()
        labels = {t for f in feeds for t in f.tags}
        name = text(info.get("userName")) if isinstance(info, dict) else ""
        return [f"Google Reader API, user {name or self._user}",
                f"{len(feeds)} feeds in {len(labels)} labels, {len(unread)} unread, "
                f"{len(starred)} starred",
                "read and starred through edit-tag; subscribe (quickadd), unsubscribe and "
                "labels through subscription/edit"]

    def feeds(self) -> list[SyncedFeed]:
        answer = self._get(f"{API}/subscription/list", output="json").json()
        result = []
        for sub in field(answer, "subscriptions", list):
            if not isinstance(sub, dict):
                continue
            labels = [text(c.get("label"), 200) for c in sub.get("categories") or []
                      if isinstance(c, dict) and text(c.get("label"))]
            remote = item_id(sub.get("id"))
            url = text(sub.get("url"), 4000) or (remote[5:] if remote.startswith("feed/") else "")
            result.append(SyncedFeed(remote, url, text(sub.get("title"), 1000),
                                     text(sub.get("htmlUrl"), 4000) or None, labels))
        return result

    def items(self, cursor: str | None) -> Iterator[Page]:
        """Newest first, `ot` (older than nothing before `cursor`, seconds); the cursor moves
        to the newest crawl time only with the last page, so an interrupted pull starts over
        (what it stored is matched by id)."""
        since = int(cursor) if cursor and cursor.isdigit() else 0
        continuation = ""
        newest = since
        for _ in range(MAX_PAGES):
            params: dict[str, Any] = {"output": "json", "n": PAGE}
            if since:
                params["ot"] = since
            if continuation:
                params["c"] = continuation
            answer = self._get(f"{API}/stream/contents/{READING_LIST}", **params).json()
            items = [_item(i) for i in field(answer, "items", list) if isinstance(i, dict)]
            for raw in answer["items"]:
                if isinstance(raw, dict):
                    newest = max(newest, _crawl_seconds(raw))
            following = text(answer.get("continuation"), 1000)
            if following and following == continuation:
                raise SyncError("the server repeats the same page of items")
            if not following:
                yield Page(items, str(newest) if newest else None)
                return
            yield Page(items, cursor)
            continuation = following
        raise SyncError("the server sent more pages of items than any library holds")

    def unread_and_starred(self) -> tuple[set[str], set[str]]:
        return (self._ids(READING_LIST, exclude=READ), self._ids(STARRED))

    def _ids(self, stream: str, exclude: str | None = None) -> set[str]:
        ids: set[str] = set()
        continuation = ""
        for _ in range(MAX_PAGES):
            params: dict[str, Any] = {"s": stream, "n": IDS_PAGE, "output": "json"}
            if exclude:
                params["xt"] = exclude
            if continuation:
                params["c"] = continuation
            answer = self._get(f"{API}/stream/items/ids", **params).json()
            refs = answer.get("itemRefs") if isinstance(answer, dict) else None
            if refs is None:
                refs = []
            if not isinstance(refs, list):
                raise SyncError("the server's answer has no usable 'itemRefs'")
            ids.update(decimal_id(r.get("id")) for r in refs if isinstance(r, dict))
            following = text(answer.get("continuation"), 1000)
            if not following or following == continuation:
                return ids
            continuation = following
        raise SyncError("the server sent more ids than any library holds")

    def mark(self, items: Sequence[str], change: str) -> set[str]:
        action, tag = TAGS[change]
        for start in range(0, len(items), EDIT_BATCH):
            form = [("i", long_id(i)) for i in items[start:start + EDIT_BATCH]]
            form.append((action, tag))
            self._send("POST", f"{API}/edit-tag", data=form, write=True)
        return set()

    def subscribe(self, url: str) -> str:
        """`subscription/quickadd` (the URL in the query, where FreshRSS reads it; Miniflux
        reads either): the new subscription's stream id, `feed/<n>` (FreshRSS's older
        versions give the bare number)."""
        answer = self._send("POST", f"{API}/subscription/quickadd", params={"quickadd": url},
                            write=True).json()
        found = answer.get("numResults") if isinstance(answer, dict) else None
        stream = text(answer.get("streamId"), 1000) if found else ""
        if not isinstance(found, int) or found < 1 or not stream:
            raise Refused(f"the server {self.client.host} did not subscribe (no feed there, "
                          "or it has it already)")
        return item_id(f"feed/{stream}" if stream.isdigit() else stream)

    def label(self, remote_id: str, label: str) -> None:
        """`subscription/edit` with `ac=edit` and `a=user/-/label/<name>`: FreshRSS and
        Miniflux move the feed to that category (they hold a feed in one), Inoreader and The
        Old Reader add the folder."""
        self._send("POST", f"{API}/subscription/edit", write=True,
                   data={"ac": "edit", "s": remote_id, "a": f"{LABEL}{label}"})

    def unsubscribe(self, remote_id: str) -> None:
        self._send("POST", f"{API}/subscription/edit", write=True,
                   data={"ac": "unsubscribe", "s": remote_id})


def decimal_id(value: Any) -> str:
    """An item id in the library's form: the signed decimal of its 64 bits."""
    shown = item_id(value)
    try:
        long = shown.startswith(LONG_PREFIX)
        number = int(shown[len(LONG_PREFIX):], 16) if long else int(shown)
    except ValueError:
        raise SyncError("the server sent an item id that is not a Google Reader id") from None
    if not -(1 << 63) <= number < (1 << 64):
        raise SyncError("the server sent an item id out of range")
    return str(number - (1 << 64) if number >= (1 << 63) else number)


def long_id(decimal: str) -> str:
    return f"{LONG_PREFIX}{int(decimal) & 0xFFFF_FFFF_FFFF_FFFF:016x}"


def _crawl_seconds(raw: dict[str, Any]) -> int:
    value = text(raw.get("crawlTimeMsec"))
    return int(value) // 1000 if value.isdigit() else 0


def _href(raw: dict[str, Any], name: str) -> str:
    links = raw.get(name)
    if isinstance(links, list) and links and isinstance(links[0], dict):
        return text(links[0].get("href"), 4000)
    return ""


def _item(raw: dict[str, Any]) -> Item:
    origin = raw.get("origin") if isinstance(raw.get("origin"), dict) else {}
    body = raw.get("content") if isinstance(raw.get("content"), dict) else raw.get("summary")
    categories = [c for c in raw.get("categories") or [] if isinstance(c, str)]
    return Item(
        id=decimal_id(raw.get("id")), feed_id=item_id((origin or {}).get("streamId")),
        title=text(raw.get("title"), 2000),
        html=text(body.get("content"), 5_000_000) if isinstance(body, dict) else "",
        url=(_href(raw, "canonical") or _href(raw, "alternate")) or None,
        author=text(raw.get("author"), 500), published=epoch_iso(raw.get("published")),
        read=any(c.endswith("/state/com.google/read") for c in categories),
        starred=any(c.endswith("/state/com.google/starred") for c in categories))


"""A loopback Google Reader API server for the tests: a protocol fixture, not a real server.

It implements the part of the API that FreshRSS (`/api/greader.php`) and Miniflux document
for clients, as they document it:

- `POST accounts/ClientLogin` (Email, Passwd) answers `SID=…`, `LSID=…`, `Auth=…` lines, or
  401 `Error=BadAuthentication`; later calls send `Authorization: GoogleLogin auth=<Auth>`.
- `GET reader/api/0/token`: the write token (`T`) that every POST must carry; a stale one is
  refused with 401 and `X-Reader-Google-Bad-Token: true`, as FreshRSS does.
- `GET reader/api/0/user-info`, `reader/api/0/subscription/list` (feeds with their label
  categories), `reader/api/0/stream/contents/<stream>` (newest first, `n`, `c` continuation,
  `ot` oldest time in seconds, `xt` excluded tag), `reader/api/0/stream/items/ids` (decimal ids,
  `s`, `xt`, `n`, `c`).
- `POST reader/api/0/edit-tag` (`i` repeated, in long or decimal form; `a` or `r` with the
  read or starred state).
- `POST reader/api/0/subscription/quickadd?quickadd=<url>` (the URL in the query, where
  FreshRSS reads it): `{"numResults": 1, "query", "streamId": "feed/<n>", "streamName"}` as
  Miniflux answers, or `{"numResults": 0}` for a URL it finds no feed at (`no_feed`) or has
  already (FreshRSS refuses a second subscription).
- `POST reader/api/0/subscription/edit`: `ac=subscribe` (`s=feed/<url>`, `a` a label, `t` a
  title), `ac=unsubscribe` (`s=feed/<n>`), `ac=edit` (`s=feed/<n>`, `a=user/-/label/<name>`
  moves the feed to that label, `r` to none: FreshRSS and Miniflux hold a feed in one
  category); an unknown feed is a 400, as FreshRSS answers. Each is kept in `feed_edits`.

`expire_tokens()` makes every login and write token stale (a server restart or a timeout).
Item ids use the top of the 64-bit range, so the signed decimal form is exercised. `canned`
answers requests whose path and query start with a prefix with fixed bytes, whatever the
method (the first prefix that matches): hostile answers for the tests, the Fever ones too.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

BASE = "/api/greader.php"
API = BASE + "/reader/api/0"
USER = "reader"
PASSWORD = "tide-tables-and-gulls"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
READING_LIST = "user/-/state/com.google/reading-list"
LABEL = "user/-/label/"
FIRST_ID = (1 << 63) - 100          # ids cross 2**63: signed decimals in both signs


@dataclass
class GItem:
    id: int
    feed: int
    title: str
    html: str
    href: str
    published: int
    crawl_ms: int
    read: bool = False
    starred: bool = False


@dataclass
class State:
    feeds: dict[int, dict[str, Any]] = field(default_factory=dict)
    items: dict[int, GItem] = field(default_factory=dict)
    auth: set[str] = field(default_factory=set)
    tokens: set[str] = field(default_factory=set)
    logins: int = 0
    edits: list[list[tuple[str, str]]] = field(default_factory=list)
    feed_edits: list[list[tuple[str, str]]] = field(default_factory=list)
    no_feed: set[str] = field(default_factory=set)   # URLs quickadd finds no feed at
    canned: dict[str, tuple[int, bytes, dict[str, str]]] = field(default_factory=dict)
    clock_ms: int = 1_704_067_200_000   # 2024-01-01
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_item(self, feed: int, title: str, html: str | None = None) -> GItem:
        self.clock_ms += 60_000
        number = FIRST_ID + len(self.items)
        item = GItem(number, feed, title, html or f"<p>{title}: a paragraph of news.</p>",
                     f"https://news.example/{feed}/{len(self.items)}", self.clock_ms // 1000,
                     self.clock_ms)
        self.items[number] = item
        return item


def long_id(number: int) -> str:
    return f"tag:google.com,2005:reader/item/{number & 0xFFFF_FFFF_FFFF_FFFF:016x}"


def signed_id(number: int) -> str:
    """An item id as a signed decimal (what `stream/items/ids` gives)."""
    return str(number - (1 << 64) if number >= 1 << 63 else number)


def parse_id(text: str) -> int:
    if text.startswith("tag:google.com,2005:reader/item/"):
        return int(text.rsplit("/", 1)[1], 16)
    number = int(text)
    return number + (1 << 64) if number < 0 else number


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _reply(self, status: int, body: bytes | str | Any, headers: dict[str, str] | None = None,
               ) -> None:
        if isinstance(body, str):
            data, kind = body.encode(), "text/plain; charset=utf-8"
        elif isinstance(body, bytes):
            data, kind = body, "application/octet-stream"
        else:
            data, kind = json.dumps(body).encode(), "application/json"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if "Content-Length" not in (headers or {}):   # a canned answer may declare its own
            self.send_header("Content-Length", str(len(data)))
        else:
            self.close_connection = True
        self.end_headers()
        self.wfile.write(data)

    def _form(self) -> list[tuple[str, str]]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        return [(k, v) for k, vs in parse_qs(raw, keep_blank_values=True).items() for v in vs] \
            if raw else []

    def do_GET(self) -> None:
        self._route("GET", [])

    def do_POST(self) -> None:
        self._route("POST", self._form())

    def _route(self, method: str, form: list[tuple[str, str]]) -> None:
        state = self.server.state
        parts = urlsplit(self.path)
        path = parts.path
        query = parse_qs(parts.query)
        for prefix, (status, body, headers) in state.canned.items():
            if self.path.startswith(prefix):
                self._reply(status, body, headers)
                return
        if path == f"{BASE}/accounts/ClientLogin" and method == "POST":
            values = dict(form)
            if values.get("Email") == USER and values.get("Passwd") == PASSWORD:
                token = f"{USER}/{secrets.token_hex(20)}"
                with state.lock:
                    state.auth.add(token)
                    state.logins += 1
                self._reply(200, f"SID={token}\nLSID=null\nAuth={token}\n")
            else:
                self._reply(401, "Error=BadAuthentication\n")
            return
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("GoogleLogin auth=") or auth[17:] not in state.auth:
            self._reply(401, "Unauthorized!")
            return
        if method == "POST":
            token = dict(form).get("T", "")
            if token not in state.tokens:
                self._reply(401, "Unauthorized!", {"X-Reader-Google-Bad-Token": "true"})
                return
        with state.lock:
            self._api(method, path, query, form)

    def _api(self, method: str, path: str, query: dict[str, list[str]],
             form: list[tuple[str, str]]) -> None:
        state = self.server.state
        one = {k: v[-1] for k, v in query.items()}
        if path == f"{API}/token":
            token = secrets.token_hex(16)
            state.tokens.add(token)
            self._reply(200, token + "\n")
        elif path == f"{API}/user-info":
            self._reply(200, {"userId": "1", "userName": USER, "userEmail": "reader@news.example"})
        elif path == f"{API}/subscription/list":
            self._reply(200, {"subscriptions": list(state.feeds.values())})
        elif path.startswith(f"{API}/stream/contents/"):
            stream = unquote(path[len(f"{API}/stream/contents/"):])
            self._contents(stream, one)
        elif path == f"{API}/stream/items/ids":
            chosen = self._select(one.get("s", READING_LIST), one)
            start = int(one.get("c") or 0)
            n = int(one.get("n") or 20)
            page = chosen[start:start + n]
            answer: dict[str, Any] = {"itemRefs": [{"id": signed_id(i.id)} for i in page]}
            if start + n < len(chosen):
                answer["continuation"] = str(start + n)
            self._reply(200, answer)
        elif path == f"{API}/edit-tag" and method == "POST":
            state.edits.append(form)
            ids = [parse_id(v) for k, v in form if k == "i"]
            values = dict(form)
            for item in (state.items.get(i) for i in ids):
                if item is None:
                    continue
                for action, flag in (("a", True), ("r", False)):
                    if values.get(action) == READ:
                        item.read = flag
                    elif values.get(action) == STARRED:
                        item.starred = flag
            self._reply(200, "OK")
        elif path == f"{API}/subscription/quickadd" and method == "POST":
            state.feed_edits.append([("quickadd", one.get("quickadd", ""))])
            self._reply(200, self._quickadd(one.get("quickadd", "")))
        elif path == f"{API}/subscription/edit" and method == "POST":
            state.feed_edits.append(form)
            self._reply(*self._edit(dict(form)))
        else:
            self._reply(404, "not found")

    def _quickadd(self, url: str) -> dict[str, Any]:
        state = self.server.state
        known = {f["url"] for f in state.feeds.values()}
        if not url.startswith(("http://", "https://")) or url in state.no_feed or url in known:
            return {"numResults": 0}
        number = max(state.feeds, default=0) + 1
        state.feeds[number] = _feed(number, url, f"Quick {number}", labels=[])
        return {"numResults": 1, "query": url, "streamId": f"feed/{number}",
                "streamName": f"Quick {number}"}

    def _edit(self, values: dict[str, str]) -> tuple[int, str]:
        state = self.server.state
        action, stream = values.get("ac"), values.get("s", "")
        if action == "subscribe" and stream.startswith("feed/http"):
            number = max(state.feeds, default=0) + 1
            label = values.get("a", "")
            state.feeds[number] = _feed(number, stream[5:], values.get("t") or stream[5:],
                                        labels=[label[len(LABEL):]] if label else [])
            return 200, "OK"
        number = int(stream[5:]) if stream.startswith("feed/") and stream[5:].isdigit() else 0
        if number not in state.feeds or action not in ("unsubscribe", "edit"):
            return 400, "Bad Request!"
        if action == "unsubscribe":
            del state.feeds[number]
        elif values.get("a", "").startswith(LABEL):
            state.feeds[number]["categories"] = _categories([values["a"][len(LABEL):]])
        elif values.get("r", "").startswith(LABEL):
            state.feeds[number]["categories"] = []
        return 200, "OK"

    def _select(self, stream: str, one: dict[str, str]) -> list[GItem]:
        state = self.server.state
        items = sorted(state.items.values(), key=lambda i: (-i.crawl_ms, -i.id))
        if stream == STARRED:
            items = [i for i in items if i.starred]
        elif stream.startswith("feed/"):
            items = [i for i in items if f"feed/{i.feed}" == stream]
        if one.get("xt") == READ:
            items = [i for i in items if not i.read]
        if one.get("ot"):
            items = [i for i in items if i.crawl_ms >= int(one["ot"]) * 1000]
        return [i for i in items if i.feed in state.feeds]

    def _contents(self, stream: str, one: dict[str, str]) -> None:
        chosen = self._select(stream, one)
        start = int(one.get("c") or 0)
        n = int(one.get("n") or 20)
        page = chosen[start:start + n]
        answer: dict[str, Any] = {"id": stream, "updated": 0, "items": [_entry(i) for i in page]}
        if start + n < len(chosen):
            answer["continuation"] = str(start + n)
        self._reply(200, answer)


def _feed(number: int, url: str, title: str,
          labels: list[str] | None = None) -> dict[str, Any]:
    return {"id": f"feed/{number}", "title": title, "url": url,
            "htmlUrl": f"https://news.example/{number}/",
            "categories": _categories(["Harbour"] if labels is None else labels),
            "iconUrl": ""}


def _categories(labels: list[str]) -> list[dict[str, str]]:
    return [{"id": f"{LABEL}{name}", "label": name} for name in labels]


def _entry(item: GItem) -> dict[str, Any]:
    categories = [READING_LIST, "user/-/label/Harbour"]
    if item.read:
        categories.append(READ)
    if item.starred:
        categories.append(STARRED)
    return {"id": long_id(item.id), "crawlTimeMsec": str(item.crawl_ms),
            "timestampUsec": str(item.crawl_ms * 1000), "published": item.published,
            "title": item.title, "canonical": [{"href": item.href}],
            "alternate": [{"href": item.href, "type": "text/html"}],
            "categories": categories, "author": "Desk writer",
            "summary": {"content": item.html}, "content": {"content": item.html},
            "origin": {"streamId": f"feed/{item.feed}", "title": f"Desk {item.feed}",
                       "htmlUrl": f"https://news.example/{item.feed}/"}}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: State


class GReaderServer:
    """The running fixture: `state`, `url` (the API base), `expire_tokens()`, `stop()`."""

    def __init__(self, state: State) -> None:
        self.state = state
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.state = state
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{BASE}"

    def expire_tokens(self) -> None:
        with self.state.lock:
            self.state.auth.clear()
            self.state.tokens.clear()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def start(feeds: int = 6, items: int = 30) -> GReaderServer:
    state = State()
    for number in range(1, feeds + 1):
        state.feeds[number] = _feed(number, f"https://news.example/{number}/feed.xml",
                                    f"Desk {number}")
    for n in range(items):
        for number in range(1, feeds + 1):
            state.add_item(number, f"Desk {number} story {n}")
    return GReaderServer(state)

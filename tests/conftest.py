"""Shared fixtures. `feed_server`: the one loopback HTTP server the whole suite uses.

A real `ThreadingHTTPServer` on 127.0.0.1 (random port), started once per session. Tests
register their own routes and read request logs:

    feed_server.add("/mine.xml", body=b"<rss …>", headers={"Content-Type": "application/rss+xml"},
                    etag='"v1"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT")
    url = feed_server.url("/mine.xml")
    feed_server.requests("/mine.xml")[0]["if-none-match"]

Routes added by a test are removed (and logs cleared) when it ends. Built-in misbehaving
routes (reliability-notes section 6, fetch layer) are listed in `BUILTIN_ROUTES`.
"""

from __future__ import annotations

import gzip
import re
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

FEED_BODY = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Loopback Times</title><link>http://127.0.0.1/</link>
<item><title>First story</title><link>/stories/1</link><guid>loopback-1</guid>
<pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate>
<description>&lt;p&gt;A short first story about nothing much.&lt;/p&gt;</description></item>
<item><title>Second story</title><link>/stories/2</link><guid>loopback-2</guid>
<pubDate>Wed, 03 Jan 2024 10:00:00 GMT</pubDate>
<description>&lt;p&gt;The second story, also short.&lt;/p&gt;</description></item>
</channel></rss>
"""
HTML_PAGE = b"""<!DOCTYPE html><html><head><title>A blog</title>
<link rel="alternate" type="application/rss+xml" href="/ok" title="RSS">
<link rel="alternate" type="application/atom+xml" href="http://127.0.0.1/atom.xml">
</head><body><p>Not a feed, but it names two.</p></body></html>
"""
FEED_ETAG = '"loopback-v1"'
FEED_LAST_MODIFIED = "Wed, 03 Jan 2024 10:00:00 GMT"
HUGE = 50 * 1024 * 1024

BUILTIN_ROUTES = {
    "/ok": "an RSS feed with ETag and Last-Modified; 304 on a matching conditional GET",
    "/gzip": "the /ok feed gzip-encoded", "/deflate": "the /ok feed, raw deflate",
    "/redirect/301 /302 /307 /308": "one redirect of that status to /ok",
    "/chain/N": "N 301 hops, then /ok", "/loop": "redirects to itself",
    "/loop-a": "redirects to /loop-b, which redirects back",
    "/to-file, /to-ftp, /to-javascript": "redirect to a non-http(s) URL",
    "/404 /410 /500": "that status (500 with an HTML body)",
    "/429": "429 with Retry-After: 120", "/429-date": "429 with an HTTP-date an hour ahead",
    "/503": "503 with Retry-After: 30 and an HTML body",
    "/trickle": "1 byte every 0.2 s (1,000 bytes declared)",
    "/huge": "Content-Length 50 MB declared, nothing sent",
    "/huge-chunked": "50 MB streamed lazily, chunked, no Content-Length",
    "/gzip-bomb": "1 GiB of zeros, gzip, about 1 MB on the wire",
    "/short": "Content-Length 5,000 but 130 bytes, then close",
    "/wrong-charset": "a UTF-8 feed declared as ISO-8859-1 in the header",
    "/html": "an HTML page naming two feeds", "/hang": "accepts and never answers",
    "/slow": "the /ok feed after 0.2 s; `peak_inflight` counts concurrent requests",
}


@dataclass
class Route:
    """A registered response."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    ranges: bool = False             # honour Range and If-Range (206, 416): a media server
    length: int | None = None        # the Content-Length to declare (a lie when it differs)
    stall_after: int | None = None   # send this many body bytes, then hang up
    pace: float = 0.0                # seconds to wait between 64 KiB pieces of the body


class FeedServer:
    """The loopback server's registry and request log (thread-safe)."""

    def __init__(self) -> None:
        self.port = 0
        self._lock = threading.Lock()
        self._routes: dict[str, Route] = {}
        self._log: dict[str, list[dict[str, str]]] = {}
        self.stopping = threading.Event()
        self._bomb: bytes | None = None
        self.inflight = 0
        self.peak_inflight = 0   # most concurrent requests seen on /slow since the last reset

    def add(self, path: str, body: bytes = b"", status: int = 200,
            headers: dict[str, str] | None = None, *, etag: str | None = None,
            last_modified: str | None = None, **media: Any) -> str:
        """Register `path` (query string included, if any); returns its URL. `media`: the
        `Route` fields of a file server (ranges, length, stall_after, pace)."""
        with self._lock:
            self._routes[path] = Route(body, status, dict(headers or {}), etag, last_modified,
                                       **media)
        return self.url(path)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def requests(self, path: str) -> list[dict[str, str]]:
        """Headers (lower-case names) of every request made for `path`, oldest first."""
        with self._lock:
            return [dict(h) for h in self._log.get(path, [])]

    def route(self, path: str) -> Route | None:
        with self._lock:
            return self._routes.get(path)

    def record(self, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self._log.setdefault(path, []).append(headers)

    def reset(self) -> None:
        with self._lock:
            self._routes.clear()
            self._log.clear()
            self.peak_inflight = 0

    def enter(self) -> None:
        with self._lock:
            self.inflight += 1
            self.peak_inflight = max(self.peak_inflight, self.inflight)

    def leave(self) -> None:
        with self._lock:
            self.inflight -= 1

    def gzip_bomb(self) -> bytes:
        """1 GiB of zeros as one valid gzip member, built from repeated full-flush blocks."""
        with self._lock:
            if self._bomb is None:
                self._bomb = _make_bomb(1024)
            return self._bomb


def _make_bomb(mebibytes: int) -> bytes:
    zeros = bytes(1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    # After a full flush the compressor's history is empty, so the same input gives the
    # same bytes: the block can be repeated instead of compressing 1 GiB.
    tail = comp.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    size = (mebibytes << 20) & 0xFFFFFFFF
    trailer = crc.to_bytes(4, "little") + size.to_bytes(4, "little")
    return header + block * mebibytes + tail + trailer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # keep pytest output quiet
        pass

    def do_GET(self) -> None:
        state = self.server.state
        path = self.path
        state.record(path, {k.lower(): v for k, v in self.headers.items()})
        route = state.route(path) or state.route(path.split("?", 1)[0])
        try:
            if route is not None:
                self._serve(route)
            else:
                self._builtin(path.split("?", 1)[0])
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None,
              *, length: int | None = None) -> None:
        self.send_response(status)
        merged = {"Content-Type": "application/rss+xml; charset=utf-8"} if body else {}
        merged.update(headers or {})
        for name, value in merged.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def _serve(self, route: Route) -> None:
        headers = dict(route.headers)
        if route.etag:
            headers["ETag"] = route.etag
        if route.last_modified:
            headers["Last-Modified"] = route.last_modified
        if route.status == 200 and self._fresh(route.etag, route.last_modified):
            self._send(304, b"", headers)
            return
        if route.ranges or route.length is not None or route.stall_after is not None \
                or route.pace:
            self._serve_file(route, headers)
            return
        self._send(route.status, route.body, headers)

    def _serve_file(self, route: Route, headers: dict[str, str]) -> None:
        """A file server: byte ranges, a declared length that may lie, a stall, a pace."""
        body, status = route.body, route.status
        wanted = self.headers.get("Range")
        if_range = self.headers.get("If-Range")
        if route.ranges:
            headers["Accept-Ranges"] = "bytes"
            found = re.fullmatch(r"bytes=(\d+)-", wanted or "")
            if found and (if_range is None or if_range in (route.etag, route.last_modified)):
                start = int(found.group(1))
                if start >= len(body):
                    self._send(416, b"", {**headers, "Content-Range": f"bytes */{len(body)}"})
                    return
                status = 206
                headers["Content-Range"] = f"bytes {start}-{len(body) - 1}/{len(body)}"
                body = body[start:]
        self.send_response(status)
        for name, value in {"Content-Type": "application/octet-stream", **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body) if route.length is None
                                               else route.length))
        self.end_headers()
        limit = len(body) if route.stall_after is None else min(len(body), route.stall_after)
        piece = 64 * 1024
        for start in range(0, limit, piece):
            self.wfile.write(body[start:min(start + piece, limit)])
            if route.pace and self.server.state.stopping.wait(route.pace):
                break
        self.wfile.flush()
        if limit < len(body) or route.length is not None:
            self.close_connection = True

    def _fresh(self, etag: str | None, last_modified: str | None) -> bool:
        sent_etag = self.headers.get("If-None-Match")
        sent_date = self.headers.get("If-Modified-Since")
        if etag and sent_etag:
            return etag in [t.strip() for t in sent_etag.split(",")]
        return bool(last_modified and sent_date and sent_date == last_modified)

    def _redirect(self, status: int, location: str) -> None:
        self._send(status, b"", {"Location": location})

    def _builtin(self, path: str) -> None:
        handler = _BUILTINS.get(path)
        if handler is not None:
            handler(self)
        elif path.startswith("/redirect/") and path[10:] in ("301", "302", "307", "308"):
            self._redirect(int(path[10:]), "/ok")
        elif path.startswith("/chain/") and path[7:].isdigit():
            hops = int(path[7:])
            self._redirect(301, f"/chain/{hops - 1}" if hops > 1 else "/ok")
        else:
            self._send(404, b"<html><body>not found</body></html>",
                       {"Content-Type": "text/html"})

    # -- built-in behaviours ---------------------------------------------------------------

    def ok(self) -> None:
        self._serve(Route(FEED_BODY, 200, {}, FEED_ETAG, FEED_LAST_MODIFIED))

    def gzip_feed(self) -> None:
        self._send(200, gzip.compress(FEED_BODY), {"Content-Encoding": "gzip"})

    def deflate_feed(self) -> None:
        comp = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        self._send(200, comp.compress(FEED_BODY) + comp.flush(), {"Content-Encoding": "deflate"})

    def trickle(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", "1000")
        self.end_headers()
        for _ in range(1000):
            if self.server.state.stopping.wait(0.2):
                break
            self.wfile.write(b"x")
            self.wfile.flush()
        self.close_connection = True

    def huge(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(HUGE))
        self.end_headers()
        self.close_connection = True

    def huge_chunked(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"<!-- padding -->" * 4096  # 64 KiB
        for _ in range(HUGE // len(chunk)):
            self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")

    def gzip_bomb(self) -> None:
        self._send(200, self.server.state.gzip_bomb(), {"Content-Encoding": "gzip"})

    def short(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", "5000")
        self.end_headers()
        self.wfile.write(FEED_BODY[:130])
        self.wfile.flush()
        self.close_connection = True

    def wrong_charset(self) -> None:
        body = FEED_BODY.replace(b"First story", "Caf\u00e9 story \u2014 na\u00efve".encode())
        self._send(200, body, {"Content-Type": "application/rss+xml; charset=iso-8859-1"})

    def html(self) -> None:
        self._send(200, HTML_PAGE, {"Content-Type": "text/html; charset=utf-8"})

    def slow(self) -> None:
        state = self.server.state
        state.enter()
        try:
            state.stopping.wait(0.2)
        finally:
            state.leave()
        self._send(200, FEED_BODY)

    def hang(self) -> None:
        self.server.state.stopping.wait(60)
        self.close_connection = True


_BUILTINS: dict[str, Callable[[_Handler], None]] = {
    "/ok": _Handler.ok,
    "/gzip": _Handler.gzip_feed,
    "/deflate": _Handler.deflate_feed,
    "/loop": lambda h: h._redirect(302, "/loop"),
    "/loop-a": lambda h: h._redirect(302, "/loop-b"),
    "/loop-b": lambda h: h._redirect(302, "/loop-a"),
    "/to-file": lambda h: h._redirect(302, "file:///etc/passwd"),
    "/to-ftp": lambda h: h._redirect(301, "ftp://127.0.0.1/feed.xml"),
    "/to-javascript": lambda h: h._redirect(302, "javascript:alert(1)"),
    "/404": lambda h: h._send(404, b"gone fishing", {"Content-Type": "text/plain"}),
    "/410": lambda h: h._send(410, b"removed", {"Content-Type": "text/plain"}),
    "/500": lambda h: h._send(500, b"<html><body>oops</body></html>",
                              {"Content-Type": "text/html"}),
    "/503": lambda h: h._send(503, b"<html><body>busy</body></html>",
                              {"Content-Type": "text/html", "Retry-After": "30"}),
    "/429": lambda h: h._send(429, b"slow down", {"Content-Type": "text/plain",
                                                  "Retry-After": "120"}),
    "/429-date": lambda h: h._send(429, b"slow down", {
        "Content-Type": "text/plain", "Retry-After": formatdate(time.time() + 3600, usegmt=True)}),
    "/trickle": _Handler.trickle,
    "/huge": _Handler.huge,
    "/huge-chunked": _Handler.huge_chunked,
    "/gzip-bomb": _Handler.gzip_bomb,
    "/short": _Handler.short,
    "/wrong-charset": _Handler.wrong_charset,
    "/html": _Handler.html,
    "/slow": _Handler.slow,
    "/hang": _Handler.hang,
}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: FeedServer

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hanging up mid-response is what these tests do on purpose: stay quiet."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def start_feed_server() -> tuple[FeedServer, _Server]:
    """Start the loopback server in a daemon thread (benchmarks call this outside pytest)."""
    state = FeedServer()
    server = _Server(("127.0.0.1", 0), _Handler)
    server.state = state
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, name="feed-server", daemon=True)
    thread.start()
    return state, server


@pytest.fixture(scope="session")
def _feed_server_session() -> Iterator[FeedServer]:
    state, server = start_feed_server()
    try:
        yield state
    finally:
        state.stopping.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def feed_server(_feed_server_session: FeedServer) -> Iterator[FeedServer]:
    """The loopback feed server; routes and logs added by the test are dropped afterwards."""
    yield _feed_server_session
    _feed_server_session.reset()


@pytest.fixture(scope="session", autouse=True)
def _own_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Commands run without --data-dir keep their caches (the pattern cache) in a directory of
    the test session's, not in the user's own cache dir."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        yield

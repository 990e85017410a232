"""A simulated internet on loopback: many feed hosts, each with its latency, bandwidth and faults.

Every host is its own loopback address (127.0.0.1 … 127.0.0.250), so per-host connection
limits in a client are real. A host has a latency (the time before each response head; a new
connection costs one more, as a handshake would), a bandwidth cap shared by its connections,
and perhaps a fault:

- ``hang``: accepts and reads the request, never answers;
- ``drip``: answers one byte a second, head included;
- ``throttle``: answers 429 or 503 with ``Retry-After`` (seconds or an HTTP-date);
- ``reset``: sends the head and half the body, then resets the connection.

Some feeds are reached through a 301 or 302 redirect; most honour ETag and/or
Last-Modified (304 on a matching conditional GET), some do not. `Internet.advance()` adds new
items to some feeds (and drops as many of their oldest, as real feeds do), so a second
refresh has something to find. Everything is seeded: the same arguments give the same bytes.

Bounded in time and count: hanging and dripping connections are closed after `hold` seconds,
items are capped (10 to 500 a feed), and only loopback addresses are used.

Used by `benchmarks/refresh_internet.py` (1,000 feeds on 250 hosts) and, small and fast, by
the `internet` fixture of the test suite. `SimServer` runs the hosts in a thread with its own
event loop; `ServerProcess` runs one in a child process (its own GIL) behind the same methods.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import math
import multiprocessing
import random
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from typing import Any

FAULTS = ("hang", "drip", "throttle", "reset")
# Share of hosts with each fault (3 % hang, 2 % drip, 2 % throttle, 1 % reset).
FAULT_SHARES = {"hang": 0.03, "drip": 0.02, "throttle": 0.02, "reset": 0.01}
_WORD_LIST = """
harbour ferry council night train river market winter library archive signal garden bridge
mountain village station weather festival museum factory orchard island lantern meadow
quarry valley canal lighthouse harvest parliament treaty reporter engineer teacher farmer
miner sailor baker painter doctor mayor announced reopened delayed measured repaired
planted opened closed crossed found quietly slowly early late north south east west after
before during against
"""
WORDS = tuple(_WORD_LIST.split())
BASE_TIME = 1_790_000_000  # a fixed "now" for item dates (seeded runs serve the same bytes)


@dataclass
class Feed:
    """One feed: where it is served, how, and its items (newest first)."""

    number: int
    host: int                      # index into Internet.hosts
    path: str                      # where the content is served
    entry_path: str                # the subscribed path (differs when it redirects)
    redirect: int | None           # 301 or 302 from entry_path to path, else None
    validators: str                # "both", "etag", "modified" or "none"
    atom: bool
    item_bytes: int                # HTML bytes per item description
    items: list[tuple[str, str, int, int]] = field(default_factory=list)  # guid, title, when, seed
    version: int = 0
    served: set[str] = field(default_factory=set)  # every guid ever in a version


@dataclass
class Host:
    address: str
    latency: float                 # seconds before each response head
    bandwidth: float               # bytes per second, shared by the host's connections
    fault: str | None
    feeds: list[int] = field(default_factory=list)
    port: int = 0


@dataclass
class Internet:
    """The hosts and feeds of one simulated internet (a deterministic function of the seed)."""

    hosts: list[Host]
    feeds: list[Feed]
    seed: int
    hold: float                    # how long hanging and dripping connections are held
    text: str = ""                 # the pool item descriptions are cut from

    @classmethod
    def build(cls, *, feeds: int = 1000, hosts: int = 250, seed: int = 20261205,
              latency: tuple[float, float] = (0.020, 0.800), median_latency: float = 0.08,
              bandwidth: tuple[float, float] = (500e3, 50e6),
              size: tuple[int, int] = (1_000, 2_000_000), median_size: int = 40_000,
              items: tuple[int, int] = (10, 500), max_feeds_per_host: int = 16,
              hold: float = 120.0, every_fault: bool = False) -> Internet:
        """`every_fault`: at least one host of each fault, for small test configurations."""
        if hosts > 250 or feeds < hosts:
            raise ValueError("1 to 250 hosts, and at least one feed per host")
        rng = random.Random(seed)
        low, high = latency
        host_list = []
        for h in range(hosts):
            lat = min(high, max(low, rng.lognormvariate(math.log(median_latency), 0.9)))
            bw = math.exp(rng.uniform(math.log(bandwidth[0]), math.log(bandwidth[1])))
            host_list.append(Host(f"127.0.0.{h + 1}", lat, bw, None))
        order = list(range(hosts))
        rng.shuffle(order)
        at = 0
        for fault in FAULTS:
            count = round(FAULT_SHARES[fault] * hosts)
            if every_fault:
                count = max(1, count)
            for h in order[at:at + count]:
                host_list[h].fault = fault
            at += count
        # Feeds per host: one each, the rest spread with a long tail, capped.
        weights = [rng.lognormvariate(0, 0.8) for _ in range(hosts)]
        per_host = [1] * hosts
        for _ in range(feeds - hosts):
            while True:
                h = rng.choices(range(hosts), weights)[0]
                if per_host[h] < max_feeds_per_host:
                    per_host[h] += 1
                    break
        feed_list: list[Feed] = []
        for h, count in enumerate(per_host):
            for _ in range(count):
                n = len(feed_list)
                total = int(min(size[1], max(size[0], rng.lognormvariate(
                    math.log(median_size), 1.2))))
                n_items = int(min(items[1], max(items[0], rng.lognormvariate(math.log(40), 0.8))))
                n_items = min(n_items, max(items[0], total // 100))
                item_bytes = max(20, total // n_items - 250)
                roll = rng.random()
                redirect = 301 if roll < 0.04 else 302 if roll < 0.06 else None
                path = f"/feeds/{n}.xml"
                entry = f"/old/{n}.xml" if redirect else path
                v = rng.random()
                validators = ("both" if v < 0.7 else "etag" if v < 0.8 else
                              "modified" if v < 0.9 else "none")
                feed = Feed(n, h, path, entry, redirect, validators, rng.random() < 0.25,
                            item_bytes)
                for i in range(n_items):
                    feed.items.append(_item(rng, n, i, BASE_TIME - i * rng.randint(600, 86400)))
                feed.served.update(g for g, *_ in feed.items)
                feed_list.append(feed)
                host_list[h].feeds.append(n)
        pool = random.Random(seed + 1)
        text = " ".join(pool.choice(WORDS) for _ in range(60_000))
        return cls(host_list, feed_list, seed, hold, text)

    def advance(self, share: float = 0.1) -> int:
        """Add 1–5 new items to `share` of the feeds (dropping as many of their oldest);
        return how many items were added."""
        rng = random.Random(self.seed + 1000 + sum(f.version for f in self.feeds))
        added = 0
        for feed in rng.sample(self.feeds, max(1, int(len(self.feeds) * share))):
            feed.version += 1
            newest = feed.items[0][2]
            for k in range(rng.randint(1, 5)):
                index = len(feed.served)
                item = _item(rng, feed.number, index, newest + 600 * (k + 1))
                feed.items.insert(0, item)
                feed.items.pop()
                feed.served.add(item[0])
                added += 1
        return added

    def url(self, feed: Feed) -> str:
        host = self.hosts[feed.host]
        return f"http://{host.address}:{host.port}{feed.entry_path}"

    def healthy(self, feed: Feed) -> bool:
        return self.hosts[feed.host].fault is None

    def body(self, feed: Feed) -> bytes:
        """The feed's current document."""
        return _render(feed, self.text, self.url(feed))

    def ideal_seconds(self, per_host: int = 2) -> float:
        """A lower bound for a refresh that opens at most `per_host` connections a host:
        the slowest healthy host's latency and transfer time, its feeds spread over its
        connections (each connection pays one extra latency to open)."""
        worst = 0.0
        for host in self.hosts:
            if host.fault is not None:
                continue
            sizes = [len(self.body(self.feeds[n])) for n in host.feeds]
            lanes = min(per_host, len(sizes))
            requests = len(sizes) + sum(1 for f in host.feeds if self.feeds[f].redirect)
            rounds = math.ceil(requests / lanes) + 1
            worst = max(worst, rounds * host.latency + sum(sizes) / host.bandwidth)
        return worst


def _item(rng: random.Random, feed: int, index: int, when: int) -> tuple[str, str, int, int]:
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9))).capitalize()
    return (f"sim-{feed}-{index}", title, when, rng.randrange(1 << 30))


def _render(feed: Feed, text: str, url: str) -> bytes:
    parts = []
    base = url.rsplit("/", 2)[0]
    for guid, title, when, seed in feed.items:
        start = seed % (len(text) - feed.item_bytes - 1)
        words = text[start:start + feed.item_bytes]
        html = f"<p>{words}</p>"
        link = f"{base}/posts/{guid}.html"
        if feed.atom:
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when))
            parts.append(f"<entry><title>{title}</title><id>{guid}</id>"
                         f'<link href="{link}"/><updated>{stamp}</updated>'
                         f'<content type="html"><![CDATA[{html}]]></content></entry>')
        else:
            parts.append(f"<item><title>{title}</title><link>{link}</link>"
                         f'<guid isPermaLink="false">{guid}</guid>'
                         f"<pubDate>{formatdate(when, usegmt=True)}</pubDate>"
                         f"<description><![CDATA[{html}]]></description></item>")
    if feed.atom:
        doc = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
               f"<title>Simulated feed {feed.number}</title><id>sim-feed-{feed.number}</id>"
               f'<link href="{base}/"/><updated>2026-09-21T00:00:00Z</updated>'
               f"{''.join(parts)}</feed>")
    else:
        doc = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
               f"<title>Simulated feed {feed.number}</title><link>{base}/</link>"
               f"<description>Feed {feed.number}</description>{''.join(parts)}"
               "</channel></rss>")
    return doc.encode()


# -- serving ---------------------------------------------------------------------------------


class SimServer:
    """Serves an `Internet` from a thread running its own event loop."""

    def __init__(self, internet: Internet) -> None:
        self.internet = internet
        self.counts: dict[str, int] = {}
        self.requests: dict[str, int] = {}   # host address -> requests received
        self._bodies: dict[int, tuple[bytes, str, str]] = {}
        self._pipe_free: dict[str, float] = {}
        self._loop = asyncio.new_event_loop()
        self._servers: list[asyncio.Server] = []
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._lock = threading.Lock()
        self._initial = copy.deepcopy(internet.feeds)

    def start(self) -> SimServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(30)
        self._render_all()
        return self

    def stop(self) -> None:
        async def close() -> None:
            for server in self._servers:
                server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(close(), self._loop).result(30)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(30)

    def urls(self) -> list[str]:
        return [self.internet.url(f) for f in self.internet.feeds]

    def advance(self, share: float = 0.1) -> int:
        added = self.internet.advance(share)
        self._render_all()
        return added

    def reset(self) -> None:
        """Back to the feeds as built (for the next contender of a benchmark)."""
        self.internet.feeds = copy.deepcopy(self._initial)
        self._render_all()

    def take_counts(self) -> dict[str, int]:
        with self._lock:
            counts, self.counts = self.counts, {}
            return counts

    def served(self) -> dict[str, list[str]]:
        """Subscribed URL -> every guid any version of that feed carried."""
        return {self.internet.url(f): sorted(f.served) for f in self.internet.feeds}

    def _render_all(self) -> None:
        bodies = {}
        for feed in self.internet.feeds:
            body = self.internet.body(feed)
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            modified = formatdate(BASE_TIME + 3600 * feed.version, usegmt=True)
            bodies[feed.number] = (body, etag, modified)
        self._bodies = bodies

    def _count(self, what: str, host: str) -> None:
        with self._lock:
            self.counts[what] = self.counts.get(what, 0) + 1
            self.requests[host] = self.requests.get(host, 0) + 1

    async def _listen(self) -> None:
        for host in self.internet.hosts:
            server = await asyncio.start_server(
                lambda r, w, h=host: self._connection(r, w, h), host.address, host.port,
                backlog=512, reuse_address=True)
            host.port = server.sockets[0].getsockname()[1]
            self._servers.append(server)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                          host: Host) -> None:
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        first = True
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                target = lines[0].split(" ")[1] if " " in lines[0] else "/"
                headers = {k.strip().lower(): v.strip() for k, _, v in
                           (line.partition(":") for line in lines[1:] if line)}
                if host.fault == "hang":
                    self._count("hang", host.address)
                    await asyncio.sleep(self.internet.hold)
                    return
                await asyncio.sleep(host.latency * (2 if first else 1))
                first = False
                status, extra, body = self._respond(host, target, headers)
                head_bytes = _head(status, extra, len(body))
                if host.fault == "drip":
                    self._count("drip", host.address)
                    await self._drip(writer, head_bytes + body)
                    return
                writer.write(head_bytes)
                if host.fault == "reset" and body:
                    self._count("reset", host.address)
                    await self._send(writer, host, body[: len(body) // 2])
                    while writer.transport.get_write_buffer_size():
                        await asyncio.sleep(0.005)
                    await asyncio.sleep(0.02)
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    writer.transport.abort()
                    return
                self._count(str(status), host.address)
                await self._send(writer, host, body)
                if headers.get("connection", "").lower() == "close":
                    return
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError,
                IndexError, asyncio.CancelledError):  # cancelled: the server is stopping
            return
        finally:
            writer.close()

    def _respond(self, host: Host, target: str,
                 headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if host.fault == "throttle":
            if host.address.endswith(("1", "3", "5", "7", "9")):
                return 429, {"Retry-After": "3600"}, b""
            later = formatdate(time.time() + 7200, usegmt=True)
            return 503, {"Retry-After": later, "Content-Type": "text/html"}, b"<h1>Busy</h1>"
        for n in host.feeds:
            feed = self.internet.feeds[n]
            if feed.redirect and target == feed.entry_path:
                return feed.redirect, {"Location": feed.path}, b""
            if target == feed.path:
                body, etag, modified = self._bodies[n]
                extra = {"Content-Type": "application/atom+xml" if feed.atom
                         else "application/rss+xml; charset=utf-8"}
                if feed.validators in ("both", "etag"):
                    extra["ETag"] = etag
                if feed.validators in ("both", "modified"):
                    extra["Last-Modified"] = modified
                if _fresh(headers, extra.get("ETag"), extra.get("Last-Modified")):
                    return 304, {k: v for k, v in extra.items() if k == "ETag"}, b""
                return 200, extra, body
        return 404, {}, b""

    async def _send(self, writer: asyncio.StreamWriter, host: Host, body: bytes) -> None:
        """Write `body` through the host's shared pipe of `host.bandwidth` bytes a second."""
        loop = asyncio.get_running_loop()
        for start in range(0, len(body), 16384):
            chunk = body[start:start + 16384]
            free = max(loop.time(), self._pipe_free.get(host.address, 0.0))
            free += len(chunk) / host.bandwidth
            self._pipe_free[host.address] = free
            await asyncio.sleep(free - loop.time())
            writer.write(chunk)
            await writer.drain()

    async def _drip(self, writer: asyncio.StreamWriter, data: bytes) -> None:
        until = asyncio.get_running_loop().time() + self.internet.hold
        for byte in data:
            if asyncio.get_running_loop().time() > until:
                return
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(1.0)


def _head(status: int, extra: dict[str, str], length: int) -> bytes:
    reason = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified",
              404: "Not Found", 429: "Too Many Requests", 503: "Service Unavailable"}[status]
    lines = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in extra.items())]
    if status != 304:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _fresh(headers: dict[str, str], etag: str | None, modified: str | None) -> bool:
    """RFC 9110: If-None-Match wins; else If-Modified-Since at or after Last-Modified."""
    tags = headers.get("if-none-match")
    if tags:
        return etag is not None and etag in [t.strip() for t in tags.split(",")]
    since = headers.get("if-modified-since")
    if not since or modified is None:
        return False
    try:
        return parsedate_to_datetime(since) >= parsedate_to_datetime(modified)
    except (TypeError, ValueError):
        return False


class ServerProcess:
    """A `SimServer` in a child process, so serving does not share the caller's GIL.

    Offers `urls`, `advance`, `reset`, `take_counts`, `served`, `requests` and `stop`,
    answered over a pipe; `internet` is the parent's copy as built (its hosts carry the ports
    the child bound; its feeds do not follow `advance`).
    """

    def __init__(self, internet: Internet) -> None:
        context = multiprocessing.get_context("fork")
        self._pipe, child = context.Pipe()
        self._process = context.Process(target=_serve_child, args=(internet, child), daemon=True)
        self._process.start()
        ports = self._call("ports")
        for host, port in zip(internet.hosts, ports, strict=True):
            host.port = port
        self.internet = internet

    def _call(self, name: str, *args: Any) -> Any:
        self._pipe.send((name, args))
        return self._pipe.recv()

    def urls(self) -> list[str]:
        return [self.internet.url(f) for f in self.internet.feeds]

    def advance(self, share: float = 0.1) -> int:
        return int(self._call("advance", share))

    def reset(self) -> None:
        self._call("reset")

    def take_counts(self) -> dict[str, int]:
        return dict(self._call("take_counts"))

    def served(self) -> dict[str, list[str]]:
        return dict(self._call("served"))

    def requests(self) -> dict[str, int]:
        return dict(self._call("requests"))

    def stop(self) -> None:
        if self._process.is_alive():
            self._call("stop")
            self._process.join(30)


def _serve_child(internet: Internet, pipe: Any) -> None:
    server = SimServer(internet).start()
    while True:
        name, args = pipe.recv()
        if name == "ports":
            pipe.send([h.port for h in internet.hosts])
        elif name == "advance":
            pipe.send(server.advance(*args))
        elif name == "reset":
            pipe.send(server.reset())
        elif name == "take_counts":
            pipe.send(server.take_counts())
        elif name == "served":
            pipe.send(server.served())
        elif name == "requests":
            pipe.send(dict(server.requests))
        elif name == "stop":
            server.stop()
            pipe.send(None)
            return

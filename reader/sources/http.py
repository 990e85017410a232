"""The one HTTP policy: timeouts, a whole-request deadline, redirects, size caps, conditional GET.

Every network read in Byline goes through `Fetcher` (see docs/sources.md and
reliability-notes 3.5). Redirects are followed here, not by httpx, so each hop is checked
(http/https only, no https→http downgrade, at most `max_redirects`). Bodies are read with
`iter_raw()` through a bounded decoder so neither a huge body nor a gzip bomb can use more
memory than the cap plus one chunk.
"""

from __future__ import annotations

import asyncio
import re
import socket
import ssl
import time
import zlib
from contextlib import AsyncExitStack
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from reader import __version__
from reader.errors import BylineError
from reader.sources.trust import trust_store

PROJECT_URL = "https://github.com/byline-reader/byline"
USER_AGENT = f"Byline/{__version__} (+{PROJECT_URL})"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_DEADLINE = 30.0
# A body arriving slower than this (bytes a second, measured once it has run SLOW_AFTER
# seconds) is cut as "too slow": a host dripping bytes would otherwise hold its slot until
# the whole-request deadline.
MIN_RATE = 1024
SLOW_AFTER = 5.0
MAX_RETRY_AFTER = 24 * 3600.0
ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, "
          "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, "
          "text/html;q=0.7, */*;q=0.5")
# No brotli: its Python decoder cannot bound one step's output (a few KB of input can expand
# to gigabytes before we could count them), so "br" is neither advertised nor accepted.
ACCEPT_ENCODING = "gzip, deflate"
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([^;\"'\s]+)", re.IGNORECASE)
_PERMANENT = frozenset({301, 308})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK_LIMIT = 1 << 20  # decompress at most this much per step


@dataclass
class FetchResult:
    """A successful response (2xx or 304) after redirects."""

    url: str                    # the final URL, after redirects
    status: int
    body: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    not_modified: bool
    permanent_url: str | None   # where a leading run of 301/308 redirects pointed, else None
    max_age: float | None = None  # seconds the answer stays fresh (Cache-Control max-age)

    @property
    def charset(self) -> str | None:
        """The Content-Type charset parameter, if any (for `files.decode_bytes(charset=…)`)."""
        match = _CHARSET.search(self.content_type or "")
        return match.group(1) if match else None


class FetchError(BylineError):
    """A fetch that produced no usable body; `kind` is a short status for the feed list.

    `tried` is False when no request was sent: the host had asked this fetcher to wait
    (`retry_after` then says how long is left) or had not answered another feed.
    """

    def __init__(self, kind: str, url: str, detail: str = "", *,
                 retry_after: float | None = None, status: int | None = None,
                 tried: bool = True) -> None:
        self.kind = kind
        self.url = url
        self.detail = detail
        self.retry_after = retry_after
        self.status = status
        self.tried = tried
        super().__init__(f"cannot fetch {url}: {kind}" + (f" ({detail})" if detail else ""))

    def __reduce__(self) -> tuple[Any, ...]:  # picklable across worker processes
        return (self.__class__, (self.kind, self.url, self.detail),
                {"retry_after": self.retry_after, "status": self.status, "tried": self.tried})


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), clamped to 24 h."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d{1,10})\"?\s*(?:,|$)", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|,)\s*(?:no-cache|no-store)\s*(?:[,=]|$)", re.IGNORECASE)


def fresh_for(headers: httpx.Headers) -> float | None:
    """How long an answer stays fresh, in seconds: `Cache-Control: max-age` less the `Age`
    it already spent in caches; None without max-age, or with no-cache or no-store (then
    the server asks to be asked each time). Clamped to 0–24 h."""
    control = ",".join(headers.get_list("cache-control"))
    found = _MAX_AGE.search(control)
    if found is None or _NO_CACHE.search(control):
        return None
    age = (headers.get("age") or "").strip()
    spent = float(age) if age.isascii() and age.isdigit() and len(age) <= 10 else 0.0
    return min(max(float(found.group(1)) - spent, 0.0), MAX_RETRY_AFTER)


class _BoundedDecoder:
    """Decode a Content-Encoding incrementally, refusing to produce more than `limit` bytes."""

    def __init__(self, encoding: str | None, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self._parts: list[bytes] = []
        enc = (encoding or "identity").strip().lower()
        if enc not in ("identity", "", "gzip", "x-gzip", "deflate"):
            raise ValueError(f"unsupported content encoding {enc!r}")
        self._encoding = enc
        self._zlib: zlib._Decompress | None = None
        if enc in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)

    def _take(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise OverflowError
        self._parts.append(data)

    def _inflate(self, decomp: zlib._Decompress, data: bytes) -> None:
        while data:
            self._take(decomp.decompress(data, _CHUNK_LIMIT))
            while decomp.unconsumed_tail:
                self._take(decomp.decompress(decomp.unconsumed_tail, _CHUNK_LIMIT))
            data = b""
            if decomp.eof and decomp.unused_data.startswith(b"\x1f\x8b"):
                # Concatenated gzip members (RFC 1952 allows them): keep decoding. Other
                # trailing bytes after the stream are ignored, as browsers do.
                data = decomp.unused_data
                decomp = self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)

    def feed(self, chunk: bytes) -> None:
        if not chunk:
            return
        if self._encoding == "deflate" and self._zlib is None:
            self._zlib = zlib.decompressobj(_deflate_wbits(chunk))
        if self._zlib is not None:
            if self._zlib.eof:
                pending = self._zlib.unused_data + chunk
                if self._encoding == "deflate" or not pending.startswith(b"\x1f\x8b"):
                    return  # bytes after the end of the stream: ignored, as browsers do
                self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)  # next gzip member
                chunk = pending
            self._inflate(self._zlib, chunk)
        else:
            self._take(chunk)

    def finish(self) -> bytes:
        if self._zlib is not None:
            self._take(self._zlib.flush())
        return b"".join(self._parts)


class _Unanswered(Exception):
    """The server broke the protocol before any response: worth one more try."""


class _Deadline:
    """The whole-request time budget. It starts when the first hop gets its connection slot,
    so waiting in the queue behind other feeds does not count against a feed."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._at: float | None = None

    def when(self) -> float:
        if self._at is None:
            self._at = asyncio.get_running_loop().time() + self.seconds
        return self._at


@dataclass
class _HostState:
    """What one fetcher learnt about a host: its connection slots, whether it ever answered,
    why it is not tried again, until when it asked us to wait."""

    slots: asyncio.Semaphore
    answered: bool = False
    down: FetchError | None = None
    wait_until: float = 0.0  # time.time()


class Fetcher:
    """An async HTTP client with Byline's policy. Use as `async with Fetcher() as f:`.

    Politeness is per host: at most `per_host` connections, a Retry-After (429/503) holds back
    the host's other requests until then, and a host that cannot be reached, or that never
    sent a response head in `head_timeout` seconds, is not tried again by this fetcher (its
    other feeds fail at once with that reason). A whole refresh then costs what its slowest
    healthy host costs, plus at most one timeout for the dead ones, not a timeout per feed.
    """

    def __init__(self, *, max_connections: int = 64, per_host: int = 2,
                 deadline: float = DEFAULT_DEADLINE, max_bytes: int = DEFAULT_MAX_BYTES,
                 max_redirects: int = 5, timeout: float = 10.0, connect_timeout: float = 5.0,
                 head_timeout: float | None = None, min_rate: float = MIN_RATE,
                 slow_after: float = SLOW_AFTER,
                 trust_env: bool = True, user_agent: str = USER_AGENT,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        """`ssl_context` replaces the default trust store (e.g. a private CA); certificate
        verification itself cannot be turned off. `head_timeout` (default `timeout`) bounds
        the wait for a response head, however slowly its bytes drip in."""
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.per_host = per_host
        self.head_timeout = timeout if head_timeout is None else head_timeout
        self.min_rate = min_rate
        self.slow_after = slow_after
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            follow_redirects=False,
            limits=httpx.Limits(max_connections=max_connections,
                                max_keepalive_connections=max_connections),
            headers={"User-Agent": user_agent, "Accept": ACCEPT,
                     "Accept-Encoding": ACCEPT_ENCODING},
            trust_env=trust_env,
            verify=ssl_context if ssl_context is not None else trust_store(trust_env),
        )
        self._slots = asyncio.Semaphore(max_connections)
        self._hosts: dict[str, _HostState] = {}  # by scheme, host and port
        self._host_slots: dict[str, asyncio.Semaphore] = {}
        #: Requests on the wire: id -> (host, loop time it got its connection slot).
        self.in_flight: dict[int, tuple[str, float]] = {}

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    def _host(self, url: str) -> tuple[str, _HostState]:
        """The host's name and what is known of the server at its address and port (the
        connection slots are shared by every port of a host name)."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        server = f"{parts.scheme}://{host}:{parts.port or ''}"
        state = self._hosts.get(server)
        if state is None:
            slots = self._host_slots.get(host)
            if slots is None:
                slots = self._host_slots[host] = asyncio.Semaphore(self.per_host)
            state = self._hosts[server] = _HostState(slots)
        return host, state

    def waiting_on(self) -> list[tuple[str, float]]:
        """(host, seconds) of the requests on the wire, the longest first."""
        now = asyncio.get_running_loop().time()
        return sorted(((host, now - started) for host, started in self.in_flight.values()),
                      key=lambda item: -item[1])

    async def fetch(self, url: str, *, etag: str | None = None,
                    last_modified: str | None = None,
                    headers: dict[str, str] | None = None) -> FetchResult:
        """GET `url` under the policy; raise `FetchError` with a short `kind` on any failure.

        `headers` are sent with this request (a feed's User-Agent, its basic auth); an
        `Authorization` header goes to the URL's own origin only, never across a redirect to
        another scheme, host or port."""
        _check_url(url, url)
        try:
            return await self._follow(url, etag, last_modified, _Deadline(self.deadline),
                                      headers or {})
        except TimeoutError:
            raise FetchError("timeout", url, f"no complete answer in {self.deadline:g} s") from None

    async def _follow(self, url: str, etag: str | None, last_modified: str | None,
                      deadline: _Deadline, extra: dict[str, str]) -> FetchResult:
        original = url
        permanent: str | None = None
        all_permanent = True
        seen = {url}
        for _hop in range(self.max_redirects + 1):
            headers = dict(extra) if _origin(url) == _origin(original) else {
                name: value for name, value in extra.items() if name.lower() != "authorization"}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            outcome = await self._one(url, headers, original, deadline)
            if isinstance(outcome, FetchResult):
                outcome.permanent_url = permanent
                return outcome
            status, target = outcome
            target = urljoin(url, target)
            _check_url(target, original)
            if urlsplit(url).scheme == "https" and urlsplit(target).scheme == "http":
                raise FetchError("unsafe url", original, "redirect from https to http refused")
            if target in seen:
                raise FetchError("redirect loop", original)
            seen.add(target)
            all_permanent = all_permanent and status in _PERMANENT
            if all_permanent:
                permanent = target
            url = target
        raise FetchError("redirect loop", original, f"more than {self.max_redirects} redirects")

    async def _one(self, url: str, headers: dict[str, str], original: str,
                   deadline: _Deadline) -> FetchResult | tuple[int, str]:
        try:
            return await self._exchange(url, headers, original, deadline, last_try=False)
        except _Unanswered:
            # A kept-alive connection that the server had closed, or spoiled (bytes after a
            # 304): a GET may be sent again (RFC 9110 9.2.2), once, on a new connection.
            return await self._exchange(url, headers, original, deadline, last_try=True)

    async def _exchange(self, url: str, headers: dict[str, str], original: str,
                        deadline: _Deadline, *, last_try: bool) -> FetchResult | tuple[int, str]:
        host, state = self._host(url)
        async with state.slots:
            _check_host(state, host, original)
            async with self._slots, asyncio.timeout_at(deadline.when()):
                _check_host(state, host, original)
                key = id(asyncio.current_task())
                self.in_flight[key] = (host, asyncio.get_running_loop().time())
                try:
                    return await self._request(url, headers, original, state, last_try)
                except FetchError as exc:
                    if not state.answered and exc.kind in ("connection failed", "timeout"):
                        state.down = exc
                    if exc.retry_after:
                        state.wait_until = max(state.wait_until, time.time() + exc.retry_after)
                    raise
                finally:
                    self.in_flight.pop(key, None)

    async def _request(self, url: str, headers: dict[str, str], original: str,
                       state: _HostState, last_try: bool) -> FetchResult | tuple[int, str]:
        answered = False
        try:
            async with AsyncExitStack() as stack:
                try:
                    async with asyncio.timeout(self.head_timeout):
                        response = await stack.enter_async_context(
                            self._client.stream("GET", url, headers=headers))
                except TimeoutError:
                    raise FetchError("timeout", original, f"no answer in {self.head_timeout:g} s"
                                     ) from None
                answered = state.answered = True
                return await self._read(response, url, original)
        except httpx.TimeoutException:
            raise FetchError("timeout", original, "the server stopped answering") from None
        except httpx.RemoteProtocolError:
            if not answered and not last_try:
                raise _Unanswered from None
            if answered:
                raise FetchError("truncated", original, _CUT_SHORT) from None
            raise FetchError("connection failed", original,
                             "the server closed the connection without answering") from None
        except (httpx.ConnectError, httpx.NetworkError, httpx.ProxyError) as exc:
            # A connection reset in the middle of a body cuts that body short.
            if answered:
                raise FetchError("truncated", original, _CUT_SHORT) from None
            raise FetchError("connection failed", original, connect_reason(exc, url)) from None
        except httpx.UnsupportedProtocol:
            raise FetchError("unsafe url", original) from None
        except httpx.InvalidURL:  # also raised for a bad Location header
            raise FetchError("unsafe url", original, "malformed URL") from None
        except httpx.HTTPError as exc:
            raise FetchError("connection failed", original, connect_reason(exc, url)) from None

    async def _read(self, response: httpx.Response, url: str,
                    original: str) -> FetchResult | tuple[int, str]:
        status = response.status_code
        h = response.headers
        if status in _REDIRECTS:
            location = h.get("location")
            if not location:
                raise FetchError(f"http {status}", original, "redirect without Location")
            return status, location.strip()
        if status == 304:
            # A 304 has no body (RFC 9110), but reading its end is what returns the connection
            # to the pool: unread, it is closed, and the next feed on the host reconnects.
            await response.aread()
            return FetchResult(url, status, b"", h.get("content-type"), h.get("etag"),
                               h.get("last-modified"), True, None, fresh_for(h))
        if status >= 400 or status < 200:
            raise _status_error(status, original, h.get("retry-after"))
        declared = h.get("content-length")
        if declared and declared.strip().isdigit() and int(declared) > self.max_bytes:
            raise FetchError("too large", original,
                             f"{int(declared):,} bytes declared, limit {self.max_bytes:,}")
        try:
            decoder = _BoundedDecoder(h.get("content-encoding"), self.max_bytes)
        except ValueError as exc:   # our own words: an encoding we do not decode
            raise FetchError("bad encoding", original, str(exc)) from None
        wire = 0
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            async for chunk in response.aiter_raw():
                wire += len(chunk)
                if wire > self.max_bytes:
                    raise OverflowError
                decoder.feed(chunk)
                elapsed = loop.time() - started
                if elapsed > self.slow_after and wire < self.min_rate * elapsed:
                    raise FetchError("too slow", original,
                                     f"{wire / elapsed:.0f} bytes/s after {elapsed:.0f} s")
            body = decoder.finish()
        except OverflowError:
            raise FetchError("too large", original, f"over {self.max_bytes:,} bytes") from None
        except zlib.error:
            raise FetchError("bad encoding", original,
                             "the compressed answer is corrupt") from None
        return FetchResult(url, status, body, h.get("content-type"), h.get("etag"),
                           h.get("last-modified"), False, None, fresh_for(h))


_CUT_SHORT = "the connection broke before the whole answer arrived"


def connect_reason(exc: BaseException, url: str) -> str:
    """Why a connection failed, in one plain phrase of our own (never the HTTP library's
    wording): no such host, refused, a certificate not accepted, or not reachable."""
    host = urlsplit(url).hostname or "the server"
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        cause = pending.pop()
        if cause is None or id(cause) in seen:
            continue
        seen.add(id(cause))
        if isinstance(cause, socket.gaierror):
            return f"no such host: {host}"
        if isinstance(cause, ConnectionRefusedError):
            return f"{host} refused the connection"
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"the certificate of {host} was not accepted"
        if isinstance(cause, ssl.SSLError):
            return f"the secure connection to {host} failed"
        if isinstance(cause, BaseExceptionGroup):
            pending.extend(cause.exceptions)
        pending += [cause.__cause__, cause.__context__]
    text = str(exc).lower()
    if "name or service not known" in text or "nodename nor servname" in text or \
            "name resolution" in text:
        return f"no such host: {host}"
    if "refused" in text:
        return f"{host} refused the connection"
    if "certificate" in text:
        return f"the certificate of {host} was not accepted"
    return f"{host} could not be reached"


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


def _check_host(state: _HostState, host: str, url: str) -> None:
    """Refuse, without a request, a host that asked to wait or did not answer."""
    if state.down is not None:
        raise FetchError(state.down.kind, url, f"host {host} not tried again after "
                         f"{state.down.detail or state.down.kind}", tried=False)
    left = state.wait_until - time.time()
    if left > 0:
        raise FetchError("rate limited", url, f"host {host} asked to wait {left:.0f} s",
                         retry_after=left, tried=False)


def _deflate_wbits(head: bytes) -> int:
    """"deflate" is zlib-wrapped per the RFC but raw deflate in the wild: sniff the header."""
    if len(head) >= 2 and head[0] & 0x0F == 8 and ((head[0] << 8) | head[1]) % 31 == 0:
        return zlib.MAX_WBITS
    return -zlib.MAX_WBITS


def _status_error(status: int, url: str, retry_after: str | None) -> FetchError:
    if status == 404:
        return FetchError("http 404", url, status=status)
    if status == 410:
        return FetchError("gone", url, "the feed was removed; consider unsubscribing",
                          status=status)
    if status == 429:
        return FetchError("rate limited", url, retry_after=parse_retry_after(retry_after),
                          status=status)
    if status >= 500:
        wait = parse_retry_after(retry_after) if status == 503 else None
        return FetchError("server error", url, f"http {status}", retry_after=wait, status=status)
    return FetchError(f"http {status}", url, status=status)


def _check_url(url: str, original: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError:
        raise FetchError("unsafe url", original, "malformed URL") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FetchError("unsafe url", original, f"only http(s) URLs are fetched: {url[:80]!r}")


def fetch_url(url: str) -> FetchResult:
    """Fetch one URL synchronously (for `byline read URL`); not for use inside a running loop."""

    async def one() -> FetchResult:
        async with Fetcher() as fetcher:
            return await fetcher.fetch(url)

    return asyncio.run(one())

"""The fetch policy against the real loopback server (reliability-notes section 6, cases 1–18)."""

from __future__ import annotations

import asyncio
import resource
import socket
import threading
import time
from email.utils import formatdate

import pytest

from reader import __version__
from reader.sources.http import (
    MAX_RETRY_AFTER,
    Fetcher,
    FetchError,
    fetch_url,
    parse_retry_after,
)


async def fetch(url: str, **kwargs: object) -> object:
    options = {k: kwargs.pop(k) for k in ("deadline", "max_bytes", "max_redirects") if k in kwargs}
    async with Fetcher(trust_env=False, **options) as fetcher:  # type: ignore[arg-type]
        return await fetcher.fetch(url, **kwargs)  # type: ignore[arg-type]


async def failure(url: str, **kwargs: object) -> FetchError:
    with pytest.raises(FetchError) as info:
        await fetch(url, **kwargs)
    return info.value


async def test_ok_sends_user_agent_and_returns_body(feed_server):
    result = await fetch(feed_server.url("/ok"))
    assert result.status == 200
    assert b"Loopback Times" in result.body
    assert result.etag == '"loopback-v1"'
    assert result.last_modified == "Wed, 03 Jan 2024 10:00:00 GMT"
    assert result.not_modified is False and result.permanent_url is None
    assert result.content_type.startswith("application/rss+xml")
    sent = feed_server.requests("/ok")[0]
    assert sent["user-agent"].startswith(f"Byline/{__version__} (+https://")
    assert "gzip" in sent["accept-encoding"]


async def test_conditional_get_gives_not_modified(feed_server):
    """Case 11: ETag and Last-Modified are sent back; 304 means keep the cache."""
    result = await fetch(feed_server.url("/ok"), etag='"loopback-v1"',
                         last_modified="Wed, 03 Jan 2024 10:00:00 GMT")
    assert result.not_modified is True and result.status == 304 and result.body == b""
    sent = feed_server.requests("/ok")[-1]
    assert sent["if-none-match"] == '"loopback-v1"'
    assert sent["if-modified-since"] == "Wed, 03 Jan 2024 10:00:00 GMT"


async def test_not_modified_answers_keep_the_connection(feed_server, monkeypatch):
    """A run of 304s reuses one connection: an unread 304 used to close it (a new TCP, or
    TLS, handshake for every unchanged feed)."""
    connections = []
    connect = asyncio.BaseEventLoop.create_connection

    async def counting(self, *args, **kwargs):
        connections.append(args)
        return await connect(self, *args, **kwargs)

    monkeypatch.setattr(asyncio.BaseEventLoop, "create_connection", counting)
    async with Fetcher(trust_env=False, per_host=1) as fetcher:
        first = await fetcher.fetch(feed_server.url("/ok"))
        for _ in range(5):
            again = await fetcher.fetch(feed_server.url("/ok"), etag=first.etag)
            assert again.not_modified and again.body == b""
        changed = await fetcher.fetch(feed_server.url("/ok"), etag='"stale"')
        assert changed.status == 200 and b"Loopback Times" in changed.body
    assert len(connections) == 1


async def test_bytes_after_a_304_do_not_spoil_the_next_fetch():
    """A server that sends a body with a 304 leaves bytes on the kept connection; the next
    request there fails to parse, and is sent once more on a new connection."""
    feed = b"<rss version='2.0'><channel><title>x</title></channel></rss>"
    listener = socket.create_server(("127.0.0.1", 0))
    requests: list[bytes] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                buffered = b""
                while data := conn.recv(65536):
                    buffered += data
                    while b"\r\n\r\n" in buffered:
                        head, buffered = buffered.split(b"\r\n\r\n", 1)
                        requests.append(head)
                        if b"If-None-Match" in head:
                            conn.sendall(b'HTTP/1.1 304 Not Modified\r\nETag: "a"\r\n'
                                         b"Content-Length: 5\r\n\r\nstray")
                        else:
                            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s"
                                         % (len(feed), feed))

    threading.Thread(target=serve, daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/feed.xml"
    try:
        async with Fetcher(trust_env=False, per_host=1, deadline=5) as fetcher:
            assert (await fetcher.fetch(url, etag='"a"')).not_modified
            fresh = await fetcher.fetch(url)
            assert fresh.status == 200 and fresh.body == feed
    finally:
        listener.close()
    assert len(requests) == 3  # the second fetch was sent twice


async def test_stale_etag_gets_full_body(feed_server):
    result = await fetch(feed_server.url("/ok"), etag='"old"')
    assert result.not_modified is False and b"<rss" in result.body


async def test_registered_route_with_last_modified_only(feed_server):
    url = feed_server.add("/lm.xml", b"<rss version='2.0'><channel/></rss>",
                          last_modified="Mon, 01 Jan 2024 00:00:00 GMT")
    first = await fetch(url)
    second = await fetch(url, last_modified=first.last_modified)
    assert first.not_modified is False and second.not_modified is True
    assert "if-modified-since" not in feed_server.requests("/lm.xml")[0]


@pytest.mark.parametrize("path", ["/gzip", "/deflate"])
async def test_compressed_bodies_are_decoded(feed_server, path):
    result = await fetch(feed_server.url(path))
    assert result.body.startswith(b"<?xml") and b"Second story" in result.body


async def test_multi_member_gzip(feed_server):
    import gzip

    url = feed_server.add("/two-members", gzip.compress(b"<rss>first half ")
                          + gzip.compress(b"second half</rss>"),
                          headers={"Content-Encoding": "gzip"})
    assert (await fetch(url)).body == b"<rss>first half second half</rss>"


async def test_zlib_wrapped_deflate(feed_server):
    import zlib

    url = feed_server.add("/zlib", zlib.compress(b"<rss>wrapped</rss>"),
                          headers={"Content-Encoding": "deflate"})
    assert (await fetch(url)).body == b"<rss>wrapped</rss>"


def test_bounded_decoder_members_and_trailing_bytes_at_every_split():
    import gzip

    from reader.sources.http import _BoundedDecoder

    data = gzip.compress(b"first ") + gzip.compress(b"second") + b"\x00\x00trailing junk"
    for split in range(1, len(data)):
        decoder = _BoundedDecoder("gzip", 1000)
        decoder.feed(data[:split])
        decoder.feed(data[split:])
        assert decoder.finish() == b"first second", split


def test_bounded_decoder_stops_a_bomb_inside_one_chunk():
    import zlib

    from reader.sources.http import _BoundedDecoder

    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb = comp.compress(bytes(64 << 20)) + comp.flush()  # 64 MiB in about 64 KB
    decoder = _BoundedDecoder("gzip", 1 << 20)
    with pytest.raises(OverflowError):
        decoder.feed(bomb)
    assert decoder.size <= (1 << 20) + (1 << 20)  # the cap plus at most one step


async def test_corrupt_gzip_is_an_encoding_error(feed_server):
    url = feed_server.add("/bad-gzip", b"\x1f\x8b\x08\x00not really gzip at all",
                          headers={"Content-Encoding": "gzip"})
    error = await failure(url)
    assert error.kind == "bad encoding"


async def test_unknown_content_encoding(feed_server):
    url = feed_server.add("/zstd", b"\x28\xb5\x2f\xfd", headers={"Content-Encoding": "zstd"})
    error = await failure(url)
    assert error.kind == "bad encoding"


async def test_temporary_redirects_keep_original_url(feed_server):
    """Case 10: 302/307 are followed but not recorded as permanent."""
    for status in (302, 307):
        result = await fetch(feed_server.url(f"/redirect/{status}"))
        assert result.url == feed_server.url("/ok")
        assert result.permanent_url is None


async def test_permanent_redirects_are_recorded(feed_server):
    """Case 9: a 301/308 target is reported so the library can update the URL."""
    for status in (301, 308):
        result = await fetch(feed_server.url(f"/redirect/{status}"))
        assert result.permanent_url == feed_server.url("/ok")


async def test_permanent_then_temporary_records_only_the_permanent_part(feed_server):
    feed_server.add("/moved", status=301, headers={"Location": "/redirect/302"})
    result = await fetch(feed_server.url("/moved"))
    assert result.url == feed_server.url("/ok")
    assert result.permanent_url == feed_server.url("/redirect/302")


async def test_redirect_chain_within_limit(feed_server):
    result = await fetch(feed_server.url("/chain/5"))
    assert result.status == 200 and result.url == feed_server.url("/ok")


async def test_redirect_chain_over_limit(feed_server):
    error = await failure(feed_server.url("/chain/6"))
    assert error.kind == "redirect loop"


@pytest.mark.parametrize("path", ["/loop", "/loop-a"])
async def test_redirect_loop(feed_server, path):
    """Case 6."""
    error = await failure(feed_server.url(path))
    assert error.kind == "redirect loop"
    assert len(feed_server.requests(path)) == 1


@pytest.mark.parametrize("path", ["/to-file", "/to-ftp", "/to-javascript"])
async def test_redirect_to_other_schemes_refused(feed_server, path):
    """Case 7: only http(s), never file:, ftp: or javascript:."""
    error = await failure(feed_server.url(path))
    assert error.kind == "unsafe url"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x", "javascript:1",
                                 "-x", "http://"])
async def test_non_http_urls_refused_without_network(url):
    error = await failure(url)
    assert error.kind == "unsafe url"


@pytest.mark.parametrize(("path", "kind"), [("/404", "http 404"), ("/410", "gone"),
                                            ("/500", "server error")])
async def test_error_statuses(feed_server, path, kind):
    """Cases 12, 13, 15."""
    error = await failure(feed_server.url(path))
    assert error.kind == kind
    assert error.retry_after is None
    assert kind in str(error)


async def test_410_suggests_unsubscribing(feed_server):
    error = await failure(feed_server.url("/410"))
    assert "unsubscrib" in str(error)


async def test_429_retry_after_seconds(feed_server):
    """Case 14."""
    error = await failure(feed_server.url("/429"))
    assert error.kind == "rate limited" and error.retry_after == 120


async def test_429_retry_after_http_date(feed_server):
    error = await failure(feed_server.url("/429-date"))
    assert error.kind == "rate limited"
    assert 3500 < error.retry_after <= 3600


async def test_503_retry_after(feed_server):
    """Case 15: 503 is a server error with Retry-After honoured."""
    error = await failure(feed_server.url("/503"))
    assert error.kind == "server error" and error.retry_after == 30


def test_retry_after_is_clamped_and_validated():
    assert parse_retry_after("999999999") == MAX_RETRY_AFTER
    assert parse_retry_after(formatdate(time.time() - 600, usegmt=True)) == 0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 60) == 60


async def test_declared_huge_body_refused_before_reading(feed_server):
    """Case 1: Content-Length over the cap."""
    error = await failure(feed_server.url("/huge"))
    assert error.kind == "too large"
    assert "52,428,800" in str(error)


async def test_chunked_huge_body_stops_at_cap(feed_server):
    """Case 2: no Content-Length; the stream is cut at the cap."""
    error = await failure(feed_server.url("/huge-chunked"), max_bytes=1024 * 1024)
    assert error.kind == "too large"


async def test_gzip_bomb_stops_at_cap(feed_server):
    """Case 3: 1 GiB of zeros in ~1 MB of gzip; memory stays near the cap."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    error = await failure(feed_server.url("/gzip-bomb"))
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert error.kind == "too large"
    assert (after - before) * 1024 < 200 * 1024 * 1024  # ru_maxrss is in KiB on Linux


async def test_truncated_body(feed_server):
    """Case 16: Content-Length larger than the body is a failure, not a partial feed."""
    error = await failure(feed_server.url("/short"))
    assert error.kind == "truncated"


async def test_trickle_hits_the_deadline(feed_server):
    """Case 4: a whole-request deadline, whatever the per-read timeout."""
    error = await failure(feed_server.url("/trickle"), deadline=1.0)
    assert error.kind == "timeout"
    assert len(feed_server.requests("/trickle")) == 1  # gave up; no retry loop


async def test_hanging_server_hits_the_deadline(feed_server):
    """Case 5: accepted, never answered."""
    error = await failure(feed_server.url("/hang"), deadline=1.0)
    assert error.kind == "timeout"


async def test_connection_refused():
    """Case 17: a port that was free a moment ago refuses the connection."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    error = await failure(f"http://127.0.0.1:{port}/feed")
    assert error.kind == "connection failed"
    # one plain sentence of our own, never the HTTP library's ("All connection attempts failed")
    assert error.message == (f"cannot fetch http://127.0.0.1:{port}/feed: connection failed "
                             "(127.0.0.1 refused the connection)")


async def test_dns_failure():
    error = await failure("http://nonexistent.invalid/feed")
    assert error.kind == "connection failed"
    assert error.message.endswith("connection failed (no such host: nonexistent.invalid)")


async def test_a_connection_cut_mid_answer_says_so(feed_server):
    error = await failure(feed_server.url("/short"))
    assert error.kind == "truncated"
    assert error.message.endswith("(the connection broke before the whole answer arrived)")


async def test_wrong_charset_body_is_returned_raw(feed_server):
    result = await fetch(feed_server.url("/wrong-charset"))
    assert "Café".encode() in result.body
    assert result.charset == "iso-8859-1"


async def test_charset_of_a_page(feed_server):
    from reader.sources.files import decode_bytes

    url = feed_server.add("/page.html", "<p>Grüße</p>".encode("latin-1"),
                          headers={"Content-Type": 'text/html; charset="ISO-8859-1"'})
    result = await fetch(url)
    assert result.charset == "ISO-8859-1"
    assert decode_bytes(result.body, url, charset=result.charset)[1] == "<p>Grüße</p>"


async def test_per_host_limit_bounds_concurrency(feed_server):
    """Fetcher(per_host=2): never more than two requests in flight to one host."""
    async with Fetcher(trust_env=False, per_host=2, deadline=10) as fetcher:
        results = await asyncio.gather(*(fetcher.fetch(feed_server.url("/slow"))
                                         for _ in range(6)))
    assert all(r.status == 200 for r in results)
    assert feed_server.peak_inflight == 2


async def test_max_connections_bounds_all_hosts(feed_server):
    async with Fetcher(trust_env=False, max_connections=1, per_host=4, deadline=10) as fetcher:
        await asyncio.gather(*(fetcher.fetch(feed_server.url("/slow")) for _ in range(3)))
    assert feed_server.peak_inflight == 1


async def test_queueing_does_not_count_against_the_deadline(feed_server):
    """Eight 0.2 s requests through one connection take 1.6 s; each gets its own 1 s."""
    async with Fetcher(trust_env=False, max_connections=1, deadline=1.0) as fetcher:
        results = await asyncio.gather(*(fetcher.fetch(feed_server.url("/slow"))
                                         for _ in range(8)))
    assert [r.status for r in results] == [200] * 8


def test_fetch_url_sync_wrapper(feed_server):
    result = fetch_url(feed_server.url("/ok"))
    assert result.status == 200 and b"First story" in result.body


def test_fetch_url_raises_fetch_error(feed_server):
    with pytest.raises(FetchError) as info:
        fetch_url(feed_server.url("/404"))
    assert str(info.value) == f"cannot fetch {feed_server.url('/404')}: http 404"


def test_fetch_error_survives_pickling():
    import pickle

    error = FetchError("rate limited", "https://x.example/feed", "slow down", retry_after=60.0,
                       status=429)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.kind, copy.url, copy.retry_after, copy.status, str(copy)) == (
        "rate limited", "https://x.example/feed", 60.0, 429, str(error))

"""TLS cases on loopback (reliability-notes cases 8 and 17): a throwaway self-signed certificate,
made with the `openssl` command, served by a small HTTPS server next to `feed_server`."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from reader.sources.http import Fetcher, FetchError

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl CLI")


class _TLSHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    plain_port = 0

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/down":
            location = f"http://127.0.0.1:{self.plain_port}/ok"
        elif self.path == "/up":
            location = "/feed"
        else:
            body = b'<rss version="2.0"><channel><title>Secure</title></channel></rss>'
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60)
    return cert, key


@pytest.fixture
def tls_server(certificate, feed_server) -> Iterator[str]:
    cert, key = certificate
    handler = type("Handler", (_TLSHandler,), {"plain_port": feed_server.port})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def trusting(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificate[0]))


async def test_https_with_trusted_certificate(tls_server, certificate):
    async with Fetcher(trust_env=False, ssl_context=trusting(certificate)) as fetcher:
        result = await fetcher.fetch(f"{tls_server}/up")
    assert result.status == 200 and b"Secure" in result.body
    assert result.url == f"{tls_server}/feed"


async def test_https_to_http_redirect_is_refused(tls_server, certificate, feed_server):
    """Case 8: a downgrade is never followed."""
    async with Fetcher(trust_env=False, ssl_context=trusting(certificate)) as fetcher:
        with pytest.raises(FetchError) as info:
            await fetcher.fetch(f"{tls_server}/down")
    assert info.value.kind == "unsafe url"
    assert "https to http" in str(info.value)
    assert feed_server.requests("/ok") == []


async def test_untrusted_certificate_fails(tls_server):
    """Case 17: a self-signed certificate is a connection failure; verification stays on."""
    async with Fetcher(trust_env=False) as fetcher:
        with pytest.raises(FetchError) as info:
            await fetcher.fetch(f"{tls_server}/up")
    assert info.value.kind == "connection failed"
    assert info.value.message.endswith("(the certificate of 127.0.0.1 was not accepted)")


async def test_the_trust_store_is_loaded_once_and_shared(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`prepare_trust` loads it in the background; every later Fetcher reuses that context."""
    from reader.sources import trust

    monkeypatch.setattr(trust, "_contexts", {})
    trust.prepare_trust(trust_env=False)
    async with Fetcher(trust_env=False) as one, Fetcher(trust_env=False) as two:
        contexts = {id(f._client._transport._pool._ssl_context) for f in (one, two)}
    assert len(trust._contexts) == 1 and len(contexts) == 1
    assert contexts == {id(trust._contexts[False].result())}


def test_an_unreadable_trust_store_is_a_one_line_error(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from reader.errors import BylineError
    from reader.sources import trust

    monkeypatch.setattr(trust, "_contexts", {})
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    with pytest.raises(BylineError, match=r"cannot load the TLS trust store.*SSL_CERT_FILE"):
        Fetcher(trust_env=True)


@pytest.mark.parametrize("variable", ["SSL_CERT_FILE", "SSL_CERT_DIR"])
async def test_the_trust_store_follows_the_environment_like_httpx(
        tls_server, certificate, variable: str, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    """SSL_CERT_FILE / SSL_CERT_DIR name the store when `trust_env` (httpx's rule), and are
    ignored without it."""
    from reader.sources import trust

    monkeypatch.delenv("SSL_CERT_FILE", raising=False)  # some machines set it globally
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    if variable == "SSL_CERT_FILE":
        monkeypatch.setenv(variable, str(certificate[0]))
    else:  # a c_rehash-style folder: the certificate under its subject hash
        subject_hash = subprocess.run(
            ["openssl", "x509", "-hash", "-noout", "-in", str(certificate[0])],
            check=True, capture_output=True, text=True, timeout=60).stdout.strip()
        (tmp_path / f"{subject_hash}.0").write_bytes(certificate[0].read_bytes())
        monkeypatch.setenv(variable, str(tmp_path))
    monkeypatch.setattr(trust, "_contexts", {})
    async with Fetcher(trust_env=True) as fetcher:
        result = await fetcher.fetch(f"{tls_server}/up")
    assert result.status == 200 and b"Secure" in result.body
    async with Fetcher(trust_env=False) as fetcher:  # certifi's bundle: not trusted
        with pytest.raises(FetchError):
            await fetcher.fetch(f"{tls_server}/up")

"""The TLS trust store, loaded once per process in a thread.

Loading it takes about 20 ms, mostly outside the GIL, so `byline refresh` starts it first and
imports asyncio and httpx and opens the library meanwhile. The store is httpx's default for
`verify=True` (as `httpx.create_ssl_context` makes it): SSL_CERT_FILE or SSL_CERT_DIR from the
environment when `trust_env`, else certifi's bundle. It is built here with `ssl` and `certifi`
alone, so that the thread does not wait for httpx's import.
"""

from __future__ import annotations

import os
import ssl
import threading
from concurrent.futures import Future

from reader.errors import BylineError, brief

_contexts: dict[bool, Future[ssl.SSLContext]] = {}
_lock = threading.Lock()


def prepare_trust(trust_env: bool = True) -> None:
    """Start loading the trust store in a thread, unless it is loaded or loading."""
    with _lock:
        if trust_env in _contexts:
            return
        future: Future[ssl.SSLContext] = Future()
        _contexts[trust_env] = future

    def load() -> None:
        try:
            future.set_result(_default_context(trust_env))
        except BaseException as exc:  # handed to whoever waits for the context
            future.set_exception(exc)

    # Not a daemon: exiting while OpenSSL still reads the store crashed the interpreter.
    threading.Thread(target=load, name="byline-trust-store").start()


def _default_context(trust_env: bool) -> ssl.SSLContext:
    if trust_env and os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    if trust_env and os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def trust_store(trust_env: bool = True) -> ssl.SSLContext:
    """The loaded trust store (loading it now if nobody started it)."""
    prepare_trust(trust_env)
    try:
        return _contexts[trust_env].result()
    except (OSError, ssl.SSLError) as exc:  # e.g. SSL_CERT_FILE names a missing file
        raise BylineError(f"cannot load the TLS trust store ({brief(exc)}); check "
                          "SSL_CERT_FILE and SSL_CERT_DIR") from None

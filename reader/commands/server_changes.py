"""After `byline add` and `byline remove`: tell the `[sync]` server, or say why not."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from reader.errors import BylineError

if TYPE_CHECKING:
    from reader.context import Context
    from reader.library.store import Library
    from reader.sync.settings import SyncSettings


def send_subscriptions_now(library: Library, settings: SyncSettings, ctx: Context) -> None:
    """After `byline add` or `byline remove`: send the subscription change just queued (and
    any before it) to the server now. When it cannot be (offline, out of reach, no password,
    the library linked to another server), it stays queued for the next sync: one line
    says so."""
    from reader.sync.engine import open_backend
    from reader.sync.subscriptions import send_subscriptions

    host = _host(settings)
    later = "queued, sent at the next byline sync"
    status = library.sync_status()
    if ctx.offline or (status is not None and status.server != settings.server):
        print(f"{host}: {later}" + (" (--offline)" if ctx.offline else ""))
        return
    try:
        backend = open_backend(settings)
        try:
            backend.login()
            sent = send_subscriptions(library, backend)
        finally:
            backend.close()
    except BylineError as exc:
        print(f"byline: {host}: not sent yet ({exc.message}); {later}", file=sys.stderr)
        return
    if sent.subscribed:
        print(f"Subscribed on {host} too: its articles come with byline sync")
    if sent.unsubscribed:
        print(f"Unsubscribed on {host} too")
    refusals(sent.refused)


def server_cannot(what: str, settings: SyncSettings, then: str) -> None:
    """One line: the server's API has no way to `what` (the Fever API), and what follows."""
    print(f"byline: note: the {settings.api} API has no way to {what}: {_host(settings)} is "
          f"not told; {then}", file=sys.stderr)


def refusals(refused: list[str]) -> None:
    for line in refused:
        print(f"byline: {line}", file=sys.stderr)


def _host(settings: SyncSettings) -> str:
    from urllib.parse import urlsplit

    return urlsplit(settings.url).hostname or settings.url

"""`byline sync [--check] [--full]`: sync the library with the `[sync]` feed server."""

from __future__ import annotations

import sys
from argparse import Namespace
from typing import TYPE_CHECKING

from reader.errors import BylineError

if TYPE_CHECKING:
    from reader.config import Config
    from reader.context import Context
    from reader.library.store import Library
    from reader.sync.backend import Backend
    from reader.sync.settings import SyncSettings


def settings_of(config: Config, ctx: Context) -> SyncSettings:
    """`[sync]` from the config, or a one-line error saying how to set it up."""
    from reader.sync.settings import SyncSettings

    settings = SyncSettings.from_config(config)
    if settings is None:
        raise BylineError(f"sync: no [sync] server in {ctx.paths.config_file} (api, url, user, "
                          "password_command or password_env: see the README)")
    return settings


def run(args: Namespace, ctx: Context) -> int:
    if ctx.offline:
        print("byline: --offline: sync needs the network; changes stay queued in the library",
              file=sys.stderr)
        return 1
    from reader.config import load_config

    config = load_config(ctx.paths)
    settings = settings_of(config, ctx)
    from reader.commands.refresh import progress_bar
    from reader.commands.subscriptions import open_library
    from reader.sync.engine import open_backend, sync

    backend = open_backend(settings)
    library = open_library(ctx)
    try:
        if args.check:
            return _check(settings, backend, library)
        with progress_bar("Syncing") as progress:
            summary = sync(library, settings, backend, progress=progress, hide=config.hide)
            if args.full:
                import asyncio

                from reader.library.refresh import cache_pages

                synced = [f.id for f in library.feeds() if f.remote_id is not None]
                summary.pages = asyncio.run(cache_pages(library, synced, progress=progress))
    finally:
        backend.close()
        library.close()
    print(summary.line())
    _refusals(summary.refused)
    return 0


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
    _refusals(sent.refused)


def server_cannot(what: str, settings: SyncSettings, then: str) -> None:
    """One line: the server's API has no way to `what` (the Fever API), and what follows."""
    print(f"byline: note: the {settings.api} API has no way to {what}: {_host(settings)} is "
          f"not told; {then}", file=sys.stderr)


def _refusals(refused: list[str]) -> None:
    for line in refused:
        print(f"byline: {line}", file=sys.stderr)


def _host(settings: SyncSettings) -> str:
    from urllib.parse import urlsplit

    return urlsplit(settings.url).hostname or settings.url


def _check(settings: SyncSettings, server: Backend, library: Library) -> int:
    """Log in and say what the server supports and holds; the password is never shown."""
    print(f"Server: {settings.url} ({settings.api}), user {settings.user}")
    server.login()
    print("Login: ok")
    for line in server.check():
        print(f"  {line}")
    status = library.sync_status()
    if status is None or status.server != settings.server:
        print("Library: not synced with this server yet (byline sync)")
    else:
        import time

        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(status.last_sync)) \
            if status.last_sync else "never completed"
        print(f"Library: last sync {when}, {status.queued} change"
              f"{'s' if status.queued != 1 else ''} queued")
    return 0

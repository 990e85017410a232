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
    from reader.commands.server_changes import refusals
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
    refusals(summary.refused)
    return 0


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

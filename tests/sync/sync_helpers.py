"""What the sync tests share: settings for a server, a backend and a sync against it, the state
comparison."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reader.library.store import Library
from reader.sync.backend import Backend
from reader.sync.engine import SyncSummary, open_backend, sync
from reader.sync.settings import SyncSettings

ENV = "BYLINE_TEST_SYNC_PASSWORD"


def settings(api: str, url: str, user: str) -> SyncSettings:
    return SyncSettings(api=api, url=url, user=user, password_env=ENV)


def with_password(password: str) -> None:
    os.environ[ENV] = password


@contextmanager
def backend_for(api: str, url: str, user: str,
                password: str) -> Iterator[tuple[SyncSettings, Backend]]:
    """The settings for a server and an open backend for them (closed on the way out)."""
    with_password(password)
    config = settings(api, url, user)
    backend = open_backend(config)
    try:
        yield config, backend
    finally:
        backend.close()


def run_sync(library: Library, api: str, url: str, user: str, password: str,
             **options: Any) -> SyncSummary:
    """One sync of `library` with a server (`options` go to `sync`)."""
    with backend_for(api, url, user, password) as (config, backend):
        return sync(library, config, backend, **options)


def local_state(library: Library) -> dict[str, tuple[bool, bool]]:
    """(read, starred) of every synced entry, by item id."""
    return {str(r[0]): (bool(r[1]), bool(r[2])) for r in library.query(
        "SELECT substr(key, 3), read, starred FROM entries WHERE substr(key, 1, 2) = 'i:'")}


def mismatches(library: Library, unread: set[str], starred: set[str]) -> list[str]:
    """Synced entries whose read or starred state differs from the server's lists."""
    return [item for item, (read, star) in local_state(library).items()
            if read != (item not in unread) or star != (item in starred)]


def config_text(api: str, url: str, user: str, extra: str = "") -> str:
    return f'[sync]\napi = "{api}"\nurl = "{url}"\nuser = "{user}"\n{extra}'


def write_config(home: Path, text: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(text)


def entry_ids(library: Library, items: Any) -> list[int]:
    return [int(library.query("SELECT id FROM entries WHERE key = ?", (f"i:{i}",))[0][0])
            for i in items]

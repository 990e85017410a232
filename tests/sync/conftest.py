"""Sync fixtures: a real Coldsweat (Fever API) and a Google Reader protocol fixture.

`coldsweat`: a Coldsweat server of its own for the test, on 127.0.0.1, whose database is a copy
of one built once per session (50 feeds of 40 items from the loopback feed server; see
`coldsweat/driver.py`). `greader`: `greader_server.py`, the Google Reader API as FreshRSS and
Miniflux document it, in this process: a protocol fixture, not a real server.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reader.library.store import Library

HERE = Path(__file__).resolve().parent


def _load(name: str, path: Path) -> Any:
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


driver = _load("coldsweat_driver", HERE / "coldsweat" / "driver.py")
greader_server = _load("greader_server", HERE / "greader_server.py")


@pytest.fixture(scope="session")
def _coldsweat_template(_feed_server_session: Any,
                        tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any]]:
    python = driver.server_python()
    feeds = driver.FeedSet()
    template = driver.Coldsweat(python, tmp_path_factory.mktemp("coldsweat-template"))
    template.build(feeds, _feed_server_session)
    yield template, feeds


@pytest.fixture
def coldsweat(_coldsweat_template: tuple[Any, Any], tmp_path: Path) -> Iterator[Any]:
    """A started Coldsweat with the 50 × 40 feed set; `.feeds` is that `FeedSet` (a copy)."""
    template, feeds = _coldsweat_template
    server = template.copy_to(tmp_path / "coldsweat")
    server.feeds = driver.FeedSet(feeds.feeds, feeds.items, dict(feeds.extra))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def greader() -> Iterator[Any]:
    """The Google Reader protocol fixture, with 6 feeds of 30 items."""
    server = greader_server.start(feeds=6, items=30)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    """A new, empty library."""
    lib = Library.open(tmp_path / "library.db")
    yield lib
    lib.close()

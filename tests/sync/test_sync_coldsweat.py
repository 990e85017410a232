"""Sync against a real Coldsweat (Fever API) on 127.0.0.1: 50 feeds of 40 items.

Each scenario ends with the library's read and starred state equal to the server's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sync_helpers import backend_for, entry_ids, mismatches, run_sync

from reader.library.store import Library
from reader.sync.api import AuthError, SyncError
from reader.sync.engine import sync

pytestmark = pytest.mark.slow


def _sync(library: Library, server: Any, password: str | None = None) -> Any:
    from coldsweat_driver import PASSWORD, USER

    return run_sync(library, "fever", server.url, USER, password or PASSWORD)


def _matches_server(library: Library, server: Any) -> list[str]:
    return mismatches(library, server.ids("unread_item_ids"), server.ids("saved_item_ids"))


def test_first_sync_brings_every_feed_and_item(library: Library, coldsweat: Any) -> None:
    summary = _sync(library, coldsweat)
    assert summary.feeds == 50 and summary.new == 2000
    feeds = library.feeds()
    assert len(feeds) == 50 and all(f.remote_id and f.total == 40 for f in feeds)
    assert {tuple(f.tags) for f in feeds} == {("Harbour",)}
    assert library.count("all") == 2000 and library.count("unread") == 2000
    article = library.article(library.entries("all", limit=1)[0].id)
    assert article.title.startswith("Desk ") and "word5" in article.blocks[0].text
    assert _matches_server(library, coldsweat) == []
    # pulled in parts at once, the cursor is past the newest item
    status = library.sync_status()
    assert status is not None
    assert status.cursor == max(coldsweat.ids("unread_item_ids"), key=int)
    again = _sync(library, coldsweat)
    assert (again.new, again.pushed, again.changed) == (0, 0, 0)


def test_a_coldsweat_of_several_processes_hands_over_every_item_once(
        library: Library, _coldsweat_template: Any, tmp_path: Path) -> None:
    template, _ = _coldsweat_template
    server = template.copy_to(tmp_path / "coldsweat")
    server.start(workers=2)      # gunicorn: the parts of the pull are served side by side
    try:
        assert _sync(library, server).new == 2000
        assert library.query("SELECT count(DISTINCT key) FROM entries")[0][0] == 2000
        assert _matches_server(library, server) == []
    finally:
        server.stop()


def test_incremental_sync_pulls_only_new_items(library: Library, coldsweat: Any,
                                               feed_server: Any) -> None:
    _sync(library, coldsweat)
    coldsweat.feeds.add_items(3, 5)
    coldsweat.feeds.add_items(17, 2)
    coldsweat.fetch(coldsweat.feeds, feed_server)
    summary = _sync(library, coldsweat)
    assert summary.new == 7
    assert library.count("all") == 2007
    keys = library.query("SELECT key, count(*) FROM entries GROUP BY key HAVING count(*) > 1")
    assert keys == []
    assert _matches_server(library, coldsweat) == []


def test_offline_changes_are_queued_and_sent_at_the_next_sync(library: Library,
                                                               coldsweat: Any) -> None:
    _sync(library, coldsweat)
    coldsweat.stop()
    read, starred = entry_ids(library, ["5", "6", "7"]), entry_ids(library, ["9", "10"])
    for entry in read:
        library.set_read(entry, True)
    for entry in starred:
        library.set_starred(entry, True)
    library.set_starred(starred[1], False)   # the later action wins
    with pytest.raises(SyncError, match="cannot reach"):
        _sync(library, coldsweat)
    status = library.sync_status()
    assert status is not None and status.queued == 6 and "cannot reach" in str(status.last_error)
    coldsweat.start()
    summary = _sync(library, coldsweat)
    assert summary.pushed == 5   # star then unstar of item 10: only the last is sent
    assert library.sync_status().queued == 0  # type: ignore[union-attr]
    unread = coldsweat.ids("unread_item_ids")
    assert {"5", "6", "7"}.isdisjoint(unread) and "8" in unread
    assert coldsweat.ids("saved_item_ids") == {"9"}
    assert _matches_server(library, coldsweat) == []


def test_changes_on_both_sides_converge(library: Library, coldsweat: Any) -> None:
    _sync(library, coldsweat)
    # Elsewhere (the phone): 20 and 21 read, 22 saved.
    for item in ("20", "21"):
        coldsweat.mark(item, "read")
    coldsweat.mark("22", "saved")
    # Here: 20 starred, 21 marked read then unread again (after the phone read it), 22 read.
    e20, e21, e22 = entry_ids(library, ["20", "21", "22"])
    library.set_starred(e20, True)
    library.set_read(e21, True)
    library.set_read(e21, False)
    library.set_read(e22, True)
    _sync(library, coldsweat)
    unread, saved = coldsweat.ids("unread_item_ids"), coldsweat.ids("saved_item_ids")
    assert "20" not in unread and "20" in saved      # read there, starred here: both
    assert "21" in unread                            # the latest local action wins
    assert "22" not in unread and "22" in saved      # saved there, read here: both
    assert _matches_server(library, coldsweat) == []


def test_a_server_restart_mid_sync_loses_nothing(library: Library, coldsweat: Any) -> None:
    from coldsweat_driver import PASSWORD, USER

    seen: list[int] = []

    def stop_after_some(done: int, total: int, label: str) -> None:
        seen.append(done)
        if done >= 300 and coldsweat.process is not None:
            coldsweat.stop()

    with (backend_for("fever", coldsweat.url, USER, PASSWORD) as (config, backend),
          pytest.raises(SyncError)):
        sync(library, config, backend, progress=stop_after_some)
    stored = library.count("all")
    assert 300 <= stored < 2000
    coldsweat.start()
    summary = _sync(library, coldsweat)
    assert summary.new == 2000 - stored
    assert library.count("all") == 2000
    assert library.query("PRAGMA integrity_check")[0][0] == "ok"
    assert _matches_server(library, coldsweat) == []


def test_a_wrong_password_changes_nothing(library: Library, coldsweat: Any) -> None:
    with pytest.raises(AuthError, match="refused") as caught:
        _sync(library, coldsweat, password="not-the-password-at-all")
    assert "not-the-password" not in str(caught.value)
    assert library.count("all") == 0 and library.feeds() == []

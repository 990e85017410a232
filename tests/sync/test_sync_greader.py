"""Sync over the Google Reader API, against the protocol fixture (greader_server.py: the API
as FreshRSS and Miniflux document it, not a real server)."""

from __future__ import annotations

from typing import Any

import pytest
from greader_server import PASSWORD, USER, long_id, signed_id
from sync_helpers import backend_for, entry_ids, mismatches, run_sync

from reader.config import hide_rules
from reader.library.store import Library
from reader.sync import greader as api
from reader.sync.api import AuthError, SyncError
from reader.sync.engine import sync


def _server_lists(server: Any) -> tuple[set[str], set[str]]:
    items = [i for i in server.state.items.values() if i.feed in server.state.feeds]
    return ({signed_id(i.id) for i in items if not i.read},
            {signed_id(i.id) for i in items if i.starred})


def _sync(library: Library, server: Any, password: str = PASSWORD, **options: Any) -> Any:
    return run_sync(library, "greader", server.url, USER, password, **options)


def test_first_sync_pages_with_continuation(library: Library, greader: Any,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "PAGE", 40)          # 180 items: five pages
    monkeypatch.setattr(api, "IDS_PAGE", 25)      # id lists paged too
    items = list(greader.state.items.values())
    items[0].read = True
    items[1].starred = True
    summary = _sync(library, greader)
    assert summary.feeds == 6 and summary.new == 180
    assert library.count("all") == 180
    keys = {r[0] for r in library.query("SELECT key FROM entries")}
    assert any(k.startswith("i:-") for k in keys) and any(k[2:].isdigit() for k in keys)
    assert {tuple(f.tags) for f in library.feeds()} == {("Harbour",)}
    assert mismatches(library, *_server_lists(greader)) == []


def test_incremental_sync_asks_only_for_newer_items(library: Library, greader: Any) -> None:
    _sync(library, greader)
    for n in range(3):
        greader.state.add_item(2, f"Late story {n}")
    summary = _sync(library, greader)
    assert summary.new == 3 and library.count("all") == 183
    assert _sync(library, greader).new == 0


def test_changes_go_out_with_edit_tag_in_order(library: Library, greader: Any) -> None:
    _sync(library, greader)
    first, second, third = sorted(greader.state.items)[:3]
    a, b, c = entry_ids(library, [signed_id(i) for i in (first, second, third)])
    library.set_read(a, True)
    library.set_read(b, True)
    library.set_starred(c, True)
    library.set_read(a, False)
    summary = _sync(library, greader)
    assert summary.pushed == 3
    edits = [dict(form) for form in greader.state.edits]
    assert [e.get("a") or e.get("r") for e in edits] == [
        "user/-/state/com.google/read", "user/-/state/com.google/starred",
        "user/-/state/com.google/read"]
    assert dict(greader.state.edits[-1])["i"] == long_id(first) and "r" in edits[-1]
    assert not greader.state.items[first].read and greader.state.items[second].read
    assert greader.state.items[third].starred
    assert mismatches(library, *_server_lists(greader)) == []


def test_an_expired_token_is_renewed_once(library: Library, greader: Any) -> None:
    with backend_for("greader", greader.url, USER, PASSWORD) as (config, backend):
        sync(library, config, backend)
        assert greader.state.logins == 1
        library.set_read(library.entries("all", limit=1)[0].id, True)

        def expire_before_sending(done: int, total: int, label: str) -> None:
            if label == "sending changes":
                greader.expire_tokens()    # login and write tokens both stale mid-sync

        summary = sync(library, config, backend, progress=expire_before_sending)
    assert summary.pushed == 1
    assert greader.state.logins == 3       # each sync logs in, and once more when it expired
    assert mismatches(library, *_server_lists(greader)) == []


def test_a_stale_write_token_is_renewed(library: Library, greader: Any) -> None:
    _sync(library, greader)
    library.set_starred(library.entries("all", limit=1)[0].id, True)
    with backend_for("greader", greader.url, USER, PASSWORD) as (config, backend):

        def stale_write_token(done: int, total: int, label: str) -> None:
            if label == "sending changes":
                backend._write_token()             # type: ignore[attr-defined]
                greader.state.tokens.clear()   # FreshRSS: 401 with X-Reader-Google-Bad-Token

        summary = sync(library, config, backend, progress=stale_write_token)
    assert summary.pushed == 1 and len(greader.state.edits) == 1


def test_a_wrong_password_is_refused(library: Library, greader: Any) -> None:
    with pytest.raises(AuthError) as caught:
        _sync(library, greader, password="sea-fog-and-wrong")
    assert "sea-fog" not in str(caught.value)
    assert library.count("all") == 0


def test_a_feed_gone_from_the_server_keeps_its_starred_articles(library: Library,
                                                                 greader: Any) -> None:
    _sync(library, greader)
    starred = library.entries("feed:1", limit=1)[0].id
    library.set_starred(starred, True)
    _sync(library, greader)
    del greader.state.feeds[1]
    _sync(library, greader)
    assert len(library.feeds()) == 5
    assert library.count("removed") == 1 and library.count("starred") == 1


def test_long_and_signed_ids_round_trip() -> None:
    for number in (1, (1 << 63) - 1, 1 << 63, (1 << 64) - 1):
        decimal = api.decimal_id(long_id(number))
        assert api.decimal_id(decimal) == decimal
        assert api.long_id(decimal) == long_id(number)


def test_kill_rules_hide_synced_articles_as_refresh_does(library: Library,
                                                         greader: Any) -> None:
    summary = _sync(library, greader, hide=hide_rules([{"title": r"story 1\d$"}]))
    assert summary.hidden == 6 * 10 and "60 hidden by [[hide]] rules" in summary.line()
    assert library.count("all") == 180 - 60
    hidden = {r[0] for r in library.query("SELECT title FROM entries WHERE hidden = 1")}
    assert "Desk 2 story 14" in hidden and "Desk 2 story 1" not in hidden


def test_a_server_that_is_down_is_one_error_and_the_queue_stays(library: Library,
                                                                greader: Any) -> None:
    _sync(library, greader)
    entry = library.entries("all", limit=1)[0].id
    library.set_read(entry, True)
    greader.stop()
    with pytest.raises(SyncError) as caught:
        _sync(library, greader)
    assert "\n" not in caught.value.message and "127.0.0.1" in caught.value.message
    status = library.sync_status()
    assert status is not None and status.queued == 1 and status.last_error
    assert library.count("all") == 180

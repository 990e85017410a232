"""Malformed and hostile server answers: a one-line SyncError, the library untouched or
whole, nothing followed elsewhere, untrusted text cleaned as from any feed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from greader_server import PASSWORD, USER
from sync_helpers import run_sync

from reader.library.store import Library
from reader.sync.api import SyncError

GROUPS = {"auth": 1, "groups": [{"id": 1, "title": "Harbour"}],
          "feeds_groups": [{"group_id": 1, "feed_ids": "7"}]}
FEEDS = {"auth": 1, "feeds": [{"id": 7, "title": "Desk", "url": "https://news.example/f.xml",
                               "site_url": "https://news.example/"}]}


def _item(number: int, **extra: Any) -> dict[str, Any]:
    return {"id": number, "feed_id": 7, "title": f"Story {number}", "author": "",
            "html": "<p>text</p>", "url": f"https://news.example/{number}", "is_saved": 0,
            "is_read": 0, "created_on_time": 1704067200, **extra}


def _fever(server: Any, items: Any = None, *, repeat: bool = False,
           raw_items: tuple[int, bytes, dict[str, str]] | None = None) -> None:
    """Make the fixture a Fever server (at /fever/) whose first `items` answer is `items`
    (or `raw_items`), then none (or the same again, with `repeat`)."""
    canned = server.state.canned
    canned.clear()
    canned["/fever/?api&groups"] = (200, json.dumps(GROUPS).encode(), {})
    canned["/fever/?api&feeds"] = (200, json.dumps(FEEDS).encode(), {})
    first = raw_items or (200, json.dumps({"auth": 1, "items": items}).encode(), {})
    canned["/fever/?api&items&since_id=0"] = first
    canned["/fever/?api&items"] = first if repeat else (200, b'{"auth": 1, "items": []}', {})
    canned["/fever/?api&unread_item_ids"] = (200, b'{"auth": 1, "unread_item_ids": ""}', {})
    canned["/fever/?api&saved_item_ids"] = (200, b'{"auth": 1, "saved_item_ids": ""}', {})
    canned["/fever/?api"] = (200, b'{"auth": 1}', {})


def _run(library: Library, server: Any, api: str = "fever") -> Any:
    url = f"http://127.0.0.1:{server.port}/fever/" if api == "fever" else server.url
    return run_sync(library, api, url, USER, PASSWORD)


@pytest.mark.parametrize(("answer", "message"), [
    ((200, b"<html>not json</html>", {}), "not JSON"),
    ((200, b'{"auth": 1, "items": "many"}', {}), "no usable 'items'"),
    ((200, b'{"auth": 1, "items": [{"id": "1 OR 1", "feed_id": 7}]}', {}), "usable id"),
    ((200, b'{"auth": 1, "items": [{"id": "' + b"9" * 500 + b'", "feed_id": 7}]}', {}),
     "usable id"),
    ((200, b"[]", {}), "not a Fever API answer"),
    ((200, b'{"auth": 0}', {}), "refused"),
    ((500, b"<h1>boom</h1>", {}), "answered 500"),
    ((200, b"x", {"Content-Length": str(100 * 1024 * 1024)}), "over the 32 MB limit"),
    ((200, b"\x1f\x8b", {"Content-Encoding": "gzip"}), "compressed answer"),
])
def test_malformed_answers_are_one_line_errors(library: Library, greader: Any,
                                               answer: Any, message: str) -> None:
    _fever(greader, raw_items=answer)
    with pytest.raises(SyncError, match=message) as caught:
        _run(library, greader)
    assert "\n" not in str(caught.value)
    assert library.count("all") == 0
    assert library.query("PRAGMA integrity_check")[0][0] == "ok"


def test_a_server_repeating_itself_is_cut_off(library: Library, greader: Any) -> None:
    _fever(greader, [_item(1), _item(2)], repeat=True)   # ignores since_id: the same page
    with pytest.raises(SyncError, match="sent before"):
        _run(library, greader)
    assert library.count("all") == 2         # the first page was whole and is kept


def test_a_redirect_is_not_followed_with_credentials(library: Library, greader: Any,
                                                     feed_server: Any) -> None:
    elsewhere = feed_server.url("/collect")
    greader.state.canned["/fever/"] = (302, b"", {"Location": elsewhere})
    with pytest.raises(SyncError, match="redirects"):
        _run(library, greader)
    assert feed_server.requests("/collect") == []


def test_untrusted_text_is_cleaned_like_any_feed(library: Library, greader: Any) -> None:
    _fever(greader, [_item(1, title="[bold]Big[/] \x1b]0;pwned\x07news\x9b",
                           author="[@click=app.quit]x[/]", url="javascript:alert(1)"),
                     _item(2, html="<script>alert(1)</script><p>fine</p>")])
    _run(library, greader)
    rows = library.entries("all", limit=5)
    titles = {r.title for r in rows}
    assert "[bold]Big[/] news" in titles and not any("\x1b" in t or "\x9b" in t for t in titles)
    first = library.query("SELECT link FROM entries WHERE key = 'i:1'")[0][0]
    assert first is None


def test_a_greader_server_without_items_field(library: Library, greader: Any) -> None:
    greader.state.canned["/api/greader.php/reader/api/0/stream/contents"] = (
        200, b'{"continuation": "x"}', {})
    with pytest.raises(SyncError, match="no usable 'items'"):
        _run(library, greader, api="greader")
    assert library.count("all") == 0

"""Subscribing and unsubscribing on the server as the library changes here: queued in the
transaction that adds or removes the feed, sent at the next sync (or at once by `byline add`
and `byline remove`), against the Google Reader protocol fixture (greader_server.py). The
Fever API has no way to: one line says so."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from greader_server import PASSWORD, USER
from sync_helpers import backend_for, config_text, run_sync, write_config

from reader.library.store import Library, SyncedFeed
from reader.library.subscribe import subscribe
from reader.sync.engine import sync

TIDES = "/sync/tides.xml"


def _sync(library: Library, server: Any) -> Any:
    return run_sync(library, "greader", server.url, USER, PASSWORD)


def _tide_feed(feed_server: Any) -> str:
    return feed_server.add(TIDES, b"""<?xml version="1.0"?><rss version="2.0"><channel>
<title>Tide Tables</title><link>https://tides.example/</link><item><title>High water at noon
</title><link>https://tides.example/1</link><guid>tide-1</guid><description>&lt;p&gt;The tide
turns.&lt;/p&gt;</description></item></channel></rss>""")


def _add(library: Library, url: str, tags: list[str] | None = None,
         offline: bool = False) -> Any:
    return asyncio.run(subscribe(library, url, tags=tags, offline=offline, for_server=True,
                                 fetcher_options={"trust_env": False}))


def _server_feed(server: Any, url: str) -> dict[str, Any] | None:
    return next((f for f in server.state.feeds.values() if f["url"] == url), None)


def test_a_feed_added_here_is_subscribed_at_the_next_sync(library: Library, greader: Any,
                                                          feed_server: Any) -> None:
    _sync(library, greader)
    url = _tide_feed(feed_server)
    done = _add(library, url, tags=["Tides"])
    assert done.queued and library.sync_status().queued == 2  # type: ignore[union-attr]
    summary = _sync(library, greader)
    there = _server_feed(greader, url)
    assert there is not None and [c["label"] for c in there["categories"]] == ["Tides"]
    assert [e[0] for e in greader.state.feed_edits] == [("quickadd", url), ("ac", "edit")]
    feed = library.feed(url)
    assert feed is not None and feed.remote_id == there["id"] and feed.tags == ["Tides"]
    assert summary.pushed == 2 and library.sync_status().queued == 0  # type: ignore[union-attr]
    assert len(library.feeds()) == 7 and library.feed(url).total == 1  # type: ignore[union-attr]


def test_an_entry_fetched_here_becomes_the_servers_item_with_its_link(
        library: Library, greader: Any, feed_server: Any) -> None:
    _sync(library, greader)
    url = _tide_feed(feed_server)
    _add(library, url)
    _sync(library, greader)
    ((entry_id, key),) = library.query(
        "SELECT e.id, e.key FROM entries e JOIN feeds f ON f.id = e.feed_id WHERE f.url = ?",
        (url,))
    assert not str(key).startswith("i:")  # fetched here, from the feed itself
    there = _server_feed(greader, url)
    assert there is not None
    item = greader.state.add_item(int(there["id"].split("/")[1]), "High water at noon")
    item.href = "https://tides.example/1"  # the server's copy of the same story
    _sync(library, greader)
    rows = library.query(
        "SELECT e.id, e.key FROM entries e JOIN feeds f ON f.id = e.feed_id WHERE f.url = ?",
        (url,))
    assert [r[0] for r in rows] == [entry_id]  # the same entry, not a second copy
    assert str(rows[0][1]).startswith("i:")


def test_a_feed_removed_here_is_unsubscribed_and_keeps_its_starred(library: Library,
                                                                    greader: Any) -> None:
    _sync(library, greader)
    feed = next(f for f in library.feeds() if f.remote_id == "feed/2")
    library.set_starred(library.entries("feed:2", limit=1)[0].id, True)
    with library.transaction():
        library.remove_feed(feed.id)
        assert library.queue_unsubscribe(feed.url, feed.remote_id)
    summary = _sync(library, greader)
    assert 2 not in greader.state.feeds and summary.pushed == 2   # the star, the unsubscribe
    assert len(library.feeds()) == 5 and library.count("removed") == 1


def test_added_then_removed_offline_the_server_never_hears_of_it(library: Library,
                                                                  greader: Any) -> None:
    _sync(library, greader)
    url = "https://tides.example/feed.xml"
    assert _add(library, url, offline=True).queued
    feed = library.feed(url)
    assert feed is not None
    with library.transaction():
        library.remove_feed(feed.id)
        assert not library.queue_unsubscribe(url, feed.remote_id)
    assert library.sync_status().queued == 0  # type: ignore[union-attr]
    _sync(library, greader)
    assert greader.state.feed_edits == []


def test_a_subscription_the_server_refuses_is_one_line_and_stays_here(
        library: Library, greader: Any) -> None:
    _sync(library, greader)
    url = "https://tides.example/not-a-feed"
    greader.state.no_feed.add(url)
    _add(library, url, offline=True)
    summary = _sync(library, greader)
    assert len(summary.refused) == 1 and url in summary.refused[0]
    assert "1 subscription change refused" in summary.line()
    assert "\n" not in summary.refused[0] and "Byline fetches it itself" in summary.refused[0]
    feed = library.feed(url)
    assert feed is not None and feed.remote_id is None      # refresh fetches it
    assert library.sync_status().queued == 0  # type: ignore[union-attr]


def test_a_tag_given_to_a_synced_feed_becomes_its_label(library: Library, greader: Any,
                                                        feed_server: Any) -> None:
    greader.state.feeds[1]["url"] = _tide_feed(feed_server)
    _sync(library, greader)
    url = greader.state.feeds[1]["url"]
    assert _add(library, url).queued is False                  # nothing new for the server
    assert _add(library, url, tags=["Tides"]).queued
    _sync(library, greader)
    assert [c["label"] for c in greader.state.feeds[1]["categories"]] == ["Tides"]
    assert [e[0] for e in greader.state.feed_edits] == [("ac", "edit")]
    assert library.feed(url).tags == ["Tides"]   # type: ignore[union-attr]  # the server's one


def test_an_expired_token_is_renewed_for_subscribing(library: Library, greader: Any,
                                                     feed_server: Any) -> None:
    url = _tide_feed(feed_server)
    with backend_for("greader", greader.url, USER, PASSWORD) as (config, backend):
        sync(library, config, backend)
        _add(library, url, tags=["Tides"])

        def expire_first(done: int, total: int, label: str) -> None:
            if label == "sending subscriptions":
                greader.expire_tokens()

        summary = sync(library, config, backend, progress=expire_first)
    assert summary.pushed == 2 and _server_feed(greader, url) is not None
    assert greader.state.logins == 3


def test_the_queue_outlives_a_server_that_is_down(library: Library, greader: Any) -> None:
    _sync(library, greader)
    url = "https://tides.example/feed.xml"
    _add(library, url, offline=True)
    greader.stop()
    with pytest.raises(Exception, match="cannot reach"):
        _sync(library, greader)
    assert library.sync_status().queued == 1  # type: ignore[union-attr]


# -- the command line ---------------------------------------------------------------------


def _byline(home: Path, *args: str, password: str = PASSWORD) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("BYLINE") and not k.upper().endswith("_PROXY")}
    env["HARBOUR_PW"] = password
    return subprocess.run([sys.executable, "-m", "reader", "--data-dir", str(home), *args],
                          capture_output=True, text=True, timeout=120, env=env, check=False)


def _home(tmp_path: Path, api: str, url: str) -> Path:
    home = tmp_path / "home"
    write_config(home, config_text(api, url, USER, 'password_env = "HARBOUR_PW"\n'))
    return home


def test_byline_add_and_remove_subscribe_on_the_server_at_once(greader: Any, feed_server: Any,
                                                               tmp_path: Path) -> None:
    home = _home(tmp_path, "greader", greader.url)
    url = _tide_feed(feed_server)
    added = _byline(home, "add", url, "--tag", "Tides")
    assert added.returncode == 0, added.stderr
    assert "Subscribed on 127.0.0.1 too" in added.stdout
    there = _server_feed(greader, url)
    assert there is not None and there["categories"][0]["label"] == "Tides"
    synced = _byline(home, "sync")
    assert synced.returncode == 0 and "0 changes sent" in synced.stdout
    removed = _byline(home, "remove", url, "--yes")
    assert removed.returncode == 0, removed.stderr
    assert "Unsubscribed on 127.0.0.1 too" in removed.stdout
    assert _server_feed(greader, url) is None
    for run in (added, synced, removed):
        assert PASSWORD not in run.stdout + run.stderr and "Traceback" not in run.stderr


def test_byline_add_with_the_server_down_queues_it(greader: Any, feed_server: Any,
                                                   tmp_path: Path) -> None:
    home = _home(tmp_path, "greader", greader.url)
    url = _tide_feed(feed_server)
    greader.stop()
    added = _byline(home, "add", url)
    assert added.returncode == 0 and "Subscribed to Tide Tables" in added.stdout
    assert "queued, sent at the next byline sync" in added.stderr
    assert len(added.stderr.strip().splitlines()) == 1 and "Traceback" not in added.stderr
    offline = _byline(home, "--offline", "add", "https://tides.example/other.xml")
    assert offline.returncode == 0 and "(--offline)" in offline.stdout
    with Library.open(home / "library.db") as library:
        assert [q.item for q in library.queued(("subscribe",))] == [
            url, "https://tides.example/other.xml"]


def test_fever_says_in_one_line_that_it_cannot_subscribe(feed_server: Any,
                                                         tmp_path: Path) -> None:
    home = _home(tmp_path, "fever", "http://127.0.0.1:9/fever/")
    url = _tide_feed(feed_server)
    added = _byline(home, "add", url)
    assert added.returncode == 0 and "Subscribed to Tide Tables" in added.stdout
    assert added.stderr.count("\n") == 1
    assert "the fever API has no way to subscribe" in added.stderr
    assert "Byline fetches this feed itself" in added.stderr
    with Library.open(home / "library.db") as library:
        assert library.queued(("subscribe",)) == []
        library.sync_start("fever http://127.0.0.1:9/fever/")
        library.sync_feeds([SyncedFeed("7", "https://quay.example/feed.xml", "Quay")])
    removed = _byline(home, "remove", "https://quay.example/feed.xml", "--yes")
    assert removed.returncode == 0 and "Unsubscribed from Quay" in removed.stdout
    assert "no way to unsubscribe" in removed.stderr and "brings it back" in removed.stderr
    assert removed.stderr.count("\n") == 1

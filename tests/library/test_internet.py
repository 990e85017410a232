"""Refresh over the simulated internet: slow, dead, dripping, throttling and resetting hosts.

What a refresh must do there: every healthy feed stored with exactly the entries it carried
(none lost, none twice, also after the feeds change), every feed of a dead host recorded
with its reason, a dead host costing one timeout rather than one per feed, a host that asked
to wait left alone, and progress naming the hosts it waits on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reader.library import refresh as refresh_module
from reader.library.refresh import refresh_feeds
from reader.library.store import Library
from tests.hostile.checks import integrity
from tests.library.conftest import INTERNET_FETCH


def subscribe_all(path: Path, urls: list[str]) -> None:
    with Library.open(path) as lib:
        for url in urls:
            lib.add_feed(url)


def stored(path: Path) -> tuple[dict[str, list[str]], dict[str, tuple[str, str]]]:
    """URL -> guids stored (with repeats), URL -> (last status, last error)."""
    with Library.open(path) as lib:
        feeds = {f.url: f for f in lib.feeds()}
        rows = lib._all("SELECT feed_id, guid FROM entries")
    guids: dict[str, list[str]] = {url: [] for url in feeds}
    by_id = {f.id: url for url, f in feeds.items()}
    for feed_id, guid in rows:
        guids[by_id[feed_id]].append(guid)
    return guids, {url: (f.last_status or "", f.last_error or "") for url, f in feeds.items()}


def fault_of(internet: Any) -> dict[str, str | None]:
    world = internet.internet
    return {world.url(f): world.hosts[f.host].fault for f in world.feeds}


async def test_a_refresh_over_a_faulty_internet_loses_nothing(internet: Any,
                                                              tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    urls = internet.urls()
    subscribe_all(path, urls)
    faults = fault_of(internet)
    summary = await refresh_feeds(path, fetcher_options=INTERNET_FETCH)
    guids, status = stored(path)
    served = internet.served()
    for url, fault in faults.items():
        if fault is None:
            assert status[url][0] in ("ok", "not modified"), (url, status[url])
            assert sorted(guids[url]) == served[url], url
        else:
            assert guids[url] == []
    # Every feed of a dead host has its reason; the throttled host was asked once or twice.
    expected = {"hang": "timeout", "drip": "timeout", "reset": "truncated"}
    for url, fault in faults.items():
        if fault in expected:
            assert status[url][0] == "error", (fault, status[url])
            assert expected[fault] in status[url][1], (fault, status[url])
    throttled = [url for url, fault in faults.items() if fault == "throttle"]
    recorded = [u for u in throttled if status[u][0] == "error"]
    assert recorded and all(("rate limited" in status[u][1] or "server error" in status[u][1])
                            for u in recorded)
    assert set(throttled) - set(recorded) <= set(summary.skipped)
    # A dead host costs one try per connection, not one per feed.
    world = internet.internet
    for host in world.hosts:
        if host.fault in ("hang", "drip", "throttle"):
            assert internet.requests.get(host.address, 0) <= 2, host
    assert integrity(path) == "ok"

    # The feeds change; the next refresh adds exactly the new items and answers 304s.
    added = internet.advance(0.3)
    internet.take_counts()
    await refresh_feeds(path, fetcher_options=INTERNET_FETCH)
    guids, status = stored(path)
    served = internet.served()
    for url, fault in faults.items():
        if fault is None:
            assert sorted(guids[url]) == served[url], url
    assert sum(len(g) for u, g in guids.items() if faults[u] is None) == sum(
        len(served[u]) for u in urls if faults[u] is None)
    assert added > 0 and internet.take_counts().get("304", 0) > 0


async def test_progress_names_the_hosts_it_waits_on(internet: Any, tmp_path: Path,
                                                    monkeypatch: Any) -> None:
    monkeypatch.setattr(refresh_module, "SLOW_SHOWN", 0.3)
    monkeypatch.setattr(refresh_module, "TICK", 0.05)
    path = tmp_path / "library.db"
    subscribe_all(path, internet.urls())
    labels: list[str] = []
    await refresh_feeds(path, fetcher_options=INTERNET_FETCH,
                        progress=lambda done, total, label: labels.append(label))
    silent = {h.address for h in internet.internet.hosts if h.fault in ("hang", "drip")}
    waiting = [label for label in labels if label.startswith("waiting on ")]
    assert waiting and any(address in label for label in waiting for address in silent)

"""A first pull cleans its items in the refresh's worker processes (real ones, forked by the
sync), later pulls and syncs off the main thread clean them in this process; a worker that
dies leaves its batches to this process; a `byline sync` killed with -9 leaves no worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sync_helpers import ENV, config_text, mismatches, run_sync, write_config

from reader.library.store import Library

pytestmark = pytest.mark.slow


def _stat(pid: str) -> list[str]:
    """The fields of /proc/PID/stat after the command name (state, ppid, pgrp, …)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _living(field: int, value: int) -> set[int]:
    """The living processes whose stat `field` (1: ppid, 2: pgrp) is `value`."""
    return {int(p.name) for p in Path("/proc").glob("[0-9]*")
            if (fields := _stat(p.name)) and fields[field] == str(value) and fields[0] != "Z"}


def _children() -> set[int]:
    """This process's living children."""
    return _living(1, os.getpid())


def _group(pgid: int) -> set[int]:
    """The living processes of process group `pgid`."""
    return _living(2, pgid)


def _sync(library: Library, server: Any, **options: Any) -> Any:
    from coldsweat_driver import PASSWORD, USER

    return run_sync(library, "fever", server.url, USER, PASSWORD, **options)


def _workers_seen(library: Library, server: Any, before: set[int]) -> tuple[Any, set[int]]:
    """A sync, and the children of this process it had while it stored items."""
    seen: set[int] = set()

    def look(done: int, total: int, label: str) -> None:
        if "new items" in label:
            seen.update(_children() - before)

    return _sync(library, server, progress=look), seen


def test_a_first_pull_is_cleaned_in_worker_processes_and_a_later_one_here(
        library: Library, coldsweat: Any, feed_server: Any) -> None:
    before = _children()
    summary, seen = _workers_seen(library, coldsweat, before)
    assert summary.new == 2000 and len(seen) >= 1
    assert _children() - before == set()          # stopped with the sync
    assert mismatches(library, coldsweat.ids("unread_item_ids"),
                      coldsweat.ids("saved_item_ids")) == []
    article = library.article(library.entries("all", limit=1)[0].id)
    assert article.title.startswith("Desk ") and "word5" in article.blocks[0].text
    coldsweat.feeds.add_items(4, 3)
    coldsweat.fetch(coldsweat.feeds, feed_server)
    again, seen = _workers_seen(library, coldsweat, before)
    assert again.new == 3 and seen == set()


def test_a_first_pull_off_the_main_thread_is_cleaned_here(library: Library,
                                                          coldsweat: Any) -> None:
    before = _children()
    result: list[tuple[Any, set[int]]] = []
    thread = threading.Thread(target=lambda: result.append(
        _workers_seen(library, coldsweat, before)))
    thread.start()
    thread.join(timeout=120)
    summary, seen = result[0]
    assert summary.new == 2000 and seen == set()


def test_a_worker_killed_mid_pull_leaves_its_batches_to_this_process(
        library: Library, coldsweat: Any) -> None:
    before = _children()
    killed: set[int] = set()

    def kill_workers(done: int, total: int, label: str) -> None:
        if label == "feeds":       # the workers are started, no batch handed to them yet
            for pid in _children() - before:
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)

    summary = _sync(library, coldsweat, progress=kill_workers)
    assert killed and summary.new == 2000
    assert tuple(library.query("SELECT count(DISTINCT key), count(*) FROM entries")[0]) \
        == (2000, 2000)
    assert library.query("PRAGMA integrity_check")[0][0] == "ok"
    assert mismatches(library, coldsweat.ids("unread_item_ids"),
                      coldsweat.ids("saved_item_ids")) == []


def test_byline_sync_killed_with_minus_9_leaves_no_worker(coldsweat: Any,
                                                          tmp_path: Path) -> None:
    """The server is stopped (SIGSTOP) so the sync waits on it with its workers started; the
    sync alone is killed, not its process group: the workers must end by themselves."""
    from coldsweat_driver import PASSWORD, USER

    home = tmp_path / "home"
    write_config(home, config_text("fever", coldsweat.url, USER, f'password_env = "{ENV}"\n'))
    env = {k: v for k, v in os.environ.items() if not k.upper().endswith("_PROXY")}
    env[ENV] = PASSWORD
    os.kill(coldsweat.process.pid, signal.SIGSTOP)
    proc = subprocess.Popen([sys.executable, "-m", "reader", "--data-dir", str(home), "sync"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while len(_group(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(_group(proc.pid)) >= 2, "the sync started no worker"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 20
        while _group(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _group(proc.pid) == set()
    finally:
        os.kill(coldsweat.process.pid, signal.SIGCONT)
        if proc.poll() is None:
            proc.kill()
        for pid in _group(proc.pid):
            os.kill(pid, signal.SIGKILL)
    with Library.open(home / "library.db") as library:
        assert library.query("PRAGMA integrity_check")[0][0] == "ok"
        assert _sync(library, coldsweat).new == 2000

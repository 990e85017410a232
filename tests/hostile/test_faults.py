"""Faults around the library (cases 54, 55): kill -9 during refresh, disk full, a library
locked by another process, a read-only data dir, a corrupt `library.db`."""

from __future__ import annotations

import importlib.util
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from types import ModuleType

import pytest

from hostile import payloads as P
from hostile.checks import assert_one_line_error, integrity
from reader.errors import BylineError
from reader.library import database, store
from reader.library import refresh as refresh_module
from reader.library.ingest import store_parsed
from reader.library.refresh import refresh_feeds
from reader.library.store import Library
from reader.sources.feeds import parse_feed

REPO = Path(__file__).resolve().parents[2]


def _benchmark(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_kill9_during_refresh_loses_nothing(feed_server, tmp_path: Path) -> None:
    """Case 55, a few trials (benchmarks/kill9_trials.py runs many)."""
    report = _benchmark("kill9_trials").run_trials(feed_server, trials=4, feeds=9, entries=15,
                                                   seed=7, workdir=tmp_path)
    assert report.trials == 4 and report.committed_entries >= 9 * 15
    assert report.ok, report.problems


def _seeded(tmp_path: Path, url: str, n: int = 3) -> Path:
    data = tmp_path / "data"
    with Library.open(data / "library.db") as library:
        feed_id = library.add_feed(url)
        store_parsed(library, feed_id, parse_feed(P.plain_rss(n, prefix="Kept"), url=url),
                     etag=None, last_modified=None)
    return data


def _titles(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return sorted(r[0] for r in conn.execute("SELECT title FROM entries"))
    finally:
        conn.close()


def _limit_file_size(size: int):
    def apply() -> None:  # Python ignores SIGXFSZ, so writes past the limit fail with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    return apply


def test_disk_full_during_refresh_is_reported_cleanly(feed_server, tmp_path: Path) -> None:
    """A size-limited process: the refresh reports the write failure per feed in one line
    each, exits non-zero without a traceback, and stored entries survive intact."""
    big = P.rss([{"title": f"Big {i}", "guid": f"big-{i}",
                  "description": "&lt;p&gt;" + "many words " * 200 + "&lt;/p&gt;"}
                 for i in range(300)])
    url = feed_server.add("/disk-full.xml", big)
    data = _seeded(tmp_path, url)
    db = data / "library.db"
    before = _titles(db)
    limit = max(p.stat().st_size for p in data.iterdir()) + 64 * 1024
    proc = subprocess.run([sys.executable, "-m", "reader", "--data-dir", str(data), "refresh"],
                          capture_output=True, timeout=60, preexec_fn=_limit_file_size(limit),
                          env={**os.environ, "PYTHONPATH": str(REPO)}, check=False)
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert "Traceback" not in err and "internal error" not in err
    assert "cannot write the library" in err
    assert all(len(line) < 400 for line in err.splitlines())
    assert integrity(db) == "ok"
    assert _titles(db) == before


def test_disk_full_on_a_single_write(tmp_path: Path) -> None:
    """In-process: a write that cannot grow the file raises one BylineError, and the
    library still opens and reads afterwards."""
    url = "http://127.0.0.1:1/full.xml"
    data = _seeded(tmp_path, url)
    db = data / "library.db"
    code = textwrap.dedent(f"""
        import resource, sys
        from reader.errors import BylineError
        from reader.library.store import Library, NewEntry
        lib = Library.open({str(db)!r})
        limit = {max(p.stat().st_size for p in data.iterdir()) + 16 * 1024}
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        rows = [NewEntry(key=f"n{{i}}", title=f"New {{i}}", raw="<p>" + "w " * 3000 + "</p>")
                for i in range(200)]
        try:
            lib.store_entries(lib.feeds()[0].id, rows)
        except BylineError as exc:
            print("BylineError", exc.message)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, check=False)
    assert proc.returncode == 0, proc.stderr.decode()[-1500:]
    assert proc.stdout.decode().startswith("BylineError cannot write the library")
    assert integrity(db) == "ok"
    assert _titles(db) == ["Kept 0", "Kept 1", "Kept 2"]


_HOLD_LOCK = textwrap.dedent("""
    import sqlite3, sys, time
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE feeds SET title = title")
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    conn.execute("COMMIT")
""")


def _hold_lock(db: Path, seconds: float) -> subprocess.Popen[bytes]:
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK, str(db), str(seconds)],
                              stdout=subprocess.PIPE)
    assert holder.stdout is not None and holder.stdout.readline().strip() == b"locked"
    return holder


def test_locked_library_is_a_clear_busy_message(tmp_path: Path, monkeypatch) -> None:
    """Case 54: another process holds `BEGIN IMMEDIATE` longer than the busy timeout."""
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 300)
    db = _seeded(tmp_path, "http://127.0.0.1:1/lock.xml") / "library.db"
    library = Library.open(db)
    holder = _hold_lock(db, 30)
    try:
        entry = library.entry_ids("all")[0]
        assert library.count("all") == 3  # reading goes on while another process writes
        with pytest.raises(BylineError) as info:
            library.set_read(entry, True)
        assert "busy" in info.value.message and "\n" not in info.value.message
    finally:
        holder.kill()
        holder.wait()
        library.close()
    assert integrity(db) == "ok"


def test_short_lock_is_waited_out(tmp_path: Path) -> None:
    """Case 54: a lock held for less than the busy timeout only delays the write."""
    db = _seeded(tmp_path, "http://127.0.0.1:1/lock.xml") / "library.db"
    with Library.open(db) as library:
        entry = library.entry_ids("all")[0]
        holder = _hold_lock(db, 0.5)
        started = time.monotonic()
        library.set_starred(entry, True)
        assert time.monotonic() - started >= 0.2
        holder.wait(10)
        assert [e.id for e in library.entries("starred", limit=5)] == [entry]


async def test_refresh_while_locked_keeps_going_and_waits_once_per_batch(
        feed_server, tmp_path: Path, monkeypatch) -> None:
    """A refresh that cannot write reports it per feed; nothing crashes, nothing is lost. Under
    a lock held past the busy timeout a batch is reported not stored at once: no second wait
    per feed (a refresh of 200 feeds would otherwise wait 200 timeouts)."""
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 300)
    # The fetched feeds gather into one batch however slowly a loaded machine fetches them.
    monkeypatch.setattr(refresh_module, "BATCH_WAIT", 5.0)
    urls = [feed_server.add(f"/locked/{i}.xml", P.plain_rss(2, prefix=f"F{i}"))
            for i in range(6)]
    db = _seeded(tmp_path, urls[0]) / "library.db"
    with store.Library.open(db) as library:
        for url in urls[1:]:
            library.add_feed(url)
    waits: list[str] = []
    real_init = store.LibraryBusy.__init__

    def counted(self: store.LibraryBusy, message: str) -> None:
        waits.append(message)
        real_init(self, message)

    monkeypatch.setattr(store.LibraryBusy, "__init__", counted)
    holder = _hold_lock(db, 30)
    try:
        summary = await refresh_feeds(db, fetcher_options={"trust_env": False})
    finally:
        holder.kill()
        holder.wait()
    assert summary.feeds_ok == 0 and summary.feeds_failed == 6
    assert all("busy" in e for e in summary.errors.values())
    # one wait for the batch and at most one for its statuses, never one per feed (6 or more)
    assert 1 <= len(waits) <= 3
    assert _titles(db) == ["Kept 0", "Kept 1", "Kept 2"]


def _read_only_runner(data: Path) -> list[str]:
    """argv prefix that runs a command with `data` read-only (chmod, or a read-only bind
    mount in a private mount namespace when we are root); skips when neither is possible."""
    if os.geteuid() != 0:
        for path in [data, *data.iterdir()]:
            path.chmod(0o555 if path.is_dir() else 0o444)
        return []
    unshare = shutil.which("unshare")
    probe = [unshare or "unshare", "-m", "sh", "-c",
             'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1"', "sh", str(data)]
    if not unshare or subprocess.run(probe, capture_output=True, check=False).returncode != 0:
        pytest.skip("running as root without mount namespaces: cannot make a read-only dir")
    return [unshare, "-m", "sh", "-c",
            'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift && exec "$@"',
            "sh", str(data)]


@pytest.mark.parametrize("existing", [False, True], ids=["empty dir", "existing library"])
def test_read_only_data_dir(tmp_path: Path, existing: bool) -> None:
    """Library commands fail with one clear line; `byline read FILE` still works."""
    data = tmp_path / "data"
    if existing:
        _seeded(tmp_path, "http://127.0.0.1:1/ro.xml")
    else:
        data.mkdir()
    article = tmp_path / "note.txt"
    article.write_text("A title\n\nA paragraph of plain words to read.\n")
    prefix = _read_only_runner(data)
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    for command in (["list"], ["--offline", "add", "http://127.0.0.1:1/new.xml"], ["feeds"]):
        proc = subprocess.run([*prefix, sys.executable, "-m", "reader", "--data-dir", str(data),
                               *command], capture_output=True, timeout=60, env=env, check=False)
        assert_one_line_error(proc, "cannot open the library", "read-only", "cannot write")
    proc = subprocess.run([*prefix, sys.executable, "-m", "reader", "--data-dir", str(data),
                           "read", str(article)], capture_output=True, timeout=60, env=env,
                          check=False)
    assert proc.returncode == 0 and b"plain words" in proc.stdout, proc.stderr


@pytest.mark.parametrize("damage", ["garbage", "truncated", "zeroed header"])
def test_corrupt_library_is_set_aside_not_deleted(tmp_path: Path, byline, damage: str) -> None:
    """A damaged library.db is moved to library.db.corrupt-*, a new one is started, and the
    user is told in one warning line; the damaged bytes are kept byte for byte."""
    data = tmp_path / "byline-data"
    db = data / "library.db"
    _seeded(tmp_path, "http://127.0.0.1:1/c.xml")
    shutil.move(str(tmp_path / "data"), str(data))
    original = db.read_bytes()
    if damage == "garbage":
        bad = bytes((i * 131 + 7) % 256 for i in range(len(original)))
    elif damage == "truncated":
        bad = original[: len(original) // 3]
    else:
        bad = bytes(100) + original[100:]
    db.write_bytes(bad)
    for side in ("library.db-wal", "library.db-shm"):
        (data / side).unlink(missing_ok=True)
    proc = byline("--offline", "add", "http://127.0.0.1:1/after.xml")
    err = proc.stderr.decode()
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "internal error" not in err
    warnings = [line for line in err.splitlines() if "damaged" in line]
    assert len(warnings) == 1 and "corrupt" in warnings[0], err
    backups = sorted(data.glob("library.db.corrupt-*"))
    assert [b.read_bytes() for b in backups if not b.name.endswith(("-wal", "-shm"))] == [bad]
    assert integrity(db) == "ok"
    with Library.open(db) as library:
        assert [f.url for f in library.feeds()] == ["http://127.0.0.1:1/after.xml"]


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "directory"])
def test_library_file_that_is_not_a_file(tmp_path: Path, byline, kind: str) -> None:
    """library.db replaced by a FIFO, a symlink to /dev/zero or a folder: one line, no hang,
    and it is left where it is."""
    data = tmp_path / "byline-data"
    data.mkdir()
    db = data / "library.db"
    if kind == "fifo":
        os.mkfifo(db)
    elif kind == "dev-zero":
        db.symlink_to("/dev/zero")
    else:
        db.mkdir()
    assert_one_line_error(byline("list", timeout=30), "cannot open the library")
    assert db.is_symlink() if kind == "dev-zero" else db.exists()
    assert not list(data.glob("library.db.corrupt-*"))

"""The library commands as a user runs them: `python -m reader --data-dir TMP …` subprocesses."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SUMMARY = re.compile(r"^\d+ feeds? ok, \d+ failed(, \d+ skipped)?, \d+ new articles? in \d+\.\d s$")


def byline(data: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, BYLINE_DEBUG="")
    return subprocess.run([sys.executable, "-m", "reader", "--data-dir", str(data), *args],
                          cwd=REPO, capture_output=True, text=True, timeout=timeout, env=env)


def rss(prefix: str, count: int, title: str = "CLI Feed") -> bytes:
    items = "".join(
        f"<item><title>{prefix} story {i}</title><guid>{prefix}-{i}</guid>"
        f"<description>&lt;p&gt;Words about {prefix} number {i}.&lt;/p&gt;</description></item>"
        for i in range(count))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
            f"{items}</channel></rss>").encode()


def test_add_feeds_refresh_list_search_remove(feed_server: Any, tmp_path: Path) -> None:
    data = tmp_path / "home"
    added = byline(data, "add", feed_server.url("/html"), "--tag", "loop")
    assert added.returncode == 0, added.stderr
    assert "Subscribed to Loopback Times" in added.stdout and "2 new articles" in added.stdout

    feeds = json.loads(byline(data, "feeds", "--format", "json").stdout)
    assert [(f["url"], f["title"], f["tags"], f["unread"], f["total"], f["last_status"])
            for f in feeds] == [(feed_server.url("/ok"), "Loopback Times", ["loop"], 2, 2, "ok")]
    assert "Loopback Times  [loop]" in byline(data, "feeds").stdout
    again = byline(data, "add", feed_server.url("/ok"), "--tag", "more")
    assert again.stdout.strip() == f"Already subscribed to {feed_server.url('/ok')}; tags: more"

    refreshed = byline(data, "refresh")
    assert refreshed.returncode == 0, refreshed.stderr
    lines = refreshed.stdout.strip().splitlines()
    assert SUMMARY.match(lines[-1]) and lines[-1].startswith("1 feed ok, 0 failed, 0 new")
    assert "Refreshing" not in refreshed.stderr  # no progress bar without a terminal

    listed = json.loads(byline(data, "list", "--format", "json").stdout)
    assert [e["title"] for e in listed] == ["Second story", "First story"]
    assert listed[0]["url"] == feed_server.url("/stories/2")
    assert len(json.loads(byline(data, "list", "--format", "json", "--limit", "1").stdout)) == 1
    plain = byline(data, "list", "--unread").stdout
    assert "Second story" in plain and "\x1b" not in plain

    hits = json.loads(byline(data, "search", "second", "--format", "json").stdout)
    assert [h["title"] for h in hits] == ["Second story"] and "second" in hits[0]["snippet"]
    odd = byline(data, "search", 'NEAR("second" OR (')
    assert odd.returncode == 0 and "Traceback" not in odd.stderr

    assert byline(data, "remove", feed_server.url("/ok")).returncode == 0
    again = byline(data, "remove", feed_server.url("/ok"))
    assert again.returncode == 1
    assert again.stderr.strip() == (f"byline: not subscribed: {feed_server.url('/ok')} "
                                    "(see byline feeds)")
    assert json.loads(byline(data, "list", "--format", "json").stdout) == []


def test_refresh_exit_status_and_error_lines(feed_server: Any, tmp_path: Path) -> None:
    data = tmp_path / "home"
    assert byline(data, "--offline", "add", feed_server.url("/404")).returncode == 0
    failed = byline(data, "refresh")
    assert failed.returncode == 1
    assert f"{feed_server.url('/404')}: http 404" in failed.stderr
    assert failed.stdout.strip() == failed.stdout.strip().splitlines()[-1]
    assert SUMMARY.match(failed.stdout.strip())
    byline(data, "--offline", "add", feed_server.url("/ok"))
    mixed = byline(data, "refresh")
    assert mixed.returncode == 0 and mixed.stdout.strip().startswith("1 feed ok, 1 failed")
    one = byline(data, "refresh", feed_server.url("/ok"))
    assert one.returncode == 0 and one.stdout.strip().startswith("1 feed ok, 0 failed")
    unknown = byline(data, "refresh", "https://not.subscribed.example/feed")
    assert unknown.returncode == 1
    assert unknown.stderr.startswith("byline: not subscribed: https://not.subscribed.example/")


def test_a_refresh_with_workers_leaves_no_log_behind(feed_server: Any, tmp_path: Path) -> None:
    """The worker processes close before the command's own connection, which folds the
    write-ahead log into the database. The other way round, the log was left behind in a
    third of the runs (the two workers closing at once each leave it to the other)."""
    data = tmp_path / "home"
    urls = tmp_path / "urls"
    urls.write_text("".join(feed_server.add(f"/wal/{i}.xml", rss(f"w{i}", 50)) + "\n"
                            for i in range(60)))
    assert byline(data, "import", str(urls)).returncode == 0
    refreshed = byline(data, "refresh")
    assert refreshed.returncode == 0 and refreshed.stdout.startswith("60 feeds ok")
    log = data / "library.db-wal"
    assert not log.exists() or log.stat().st_size == 0


def test_an_early_error_never_crashes_the_exit(feed_server: Any, tmp_path: Path) -> None:
    """The trust store loads in a thread from the start of a refresh; an error right away used
    to end the interpreter while OpenSSL was still reading it (a segfault in ~1 of 10 runs)."""
    data = tmp_path / "home"
    assert byline(data, "--offline", "add", feed_server.url("/ok")).returncode == 0
    for _ in range(30):
        unknown = byline(data, "refresh", "https://not.subscribed.example/feed")
        assert unknown.returncode == 1, unknown.returncode


def test_offline_never_touches_the_network(feed_server: Any, tmp_path: Path) -> None:
    data = tmp_path / "home"
    url = feed_server.add("/offline.xml", rss("calm", 2))
    added = byline(data, "--offline", "add", url)
    assert added.returncode == 0 and "offline" in added.stdout
    refreshed = byline(data, "--offline", "refresh")
    assert refreshed.returncode == 1 and "--offline" in refreshed.stderr
    assert feed_server.requests("/offline.xml") == []
    assert byline(data, "refresh").returncode == 0
    assert byline(data, "--offline", "search", "calm").stdout.count("calm story") == 2


def test_import_export_round_trip(tmp_path: Path) -> None:
    data = tmp_path / "home"
    urls = tmp_path / "urls"
    urls.write_text('https://one.example/feed news "~One"\n# comment\n|~/evil.sh\n'
                    "exec:rm -rf ~\nhttps://two.example/rss\n", encoding="utf-8")
    imported = byline(data, "import", str(urls))
    assert imported.returncode == 0
    assert imported.stdout.startswith("Imported 2 feeds, refused 2")
    assert imported.stderr.count("only http(s) feed URLs are imported") == 2
    exported = byline(data, "export")
    assert exported.returncode == 0 and "<opml" in exported.stdout
    opml = tmp_path / "subs.opml"
    opml.write_text(exported.stdout, encoding="utf-8")
    other = tmp_path / "other"
    assert byline(other, "import", str(opml)).returncode == 0
    feeds = json.loads(byline(other, "feeds", "--format", "json").stdout)
    assert {(f["url"], f["title"], tuple(f["tags"])) for f in feeds} == {
        ("https://one.example/feed", "One", ("news",)),
        ("https://two.example/rss", "https://two.example/rss", ()),
    }
    again = byline(other, "import", str(opml))
    assert "Imported 0 feeds (2 already subscribed)" in again.stdout


def test_a_newsboat_urls_file_keeps_its_tags_and_titles_through_refresh(
        feed_server: Any, tmp_path: Path) -> None:
    """`URL tag "tag two" "~Title"`: the tags and the user's title stay after a refresh brings
    the feed's own title ("Loopback Times"); `!` (newsboat's hidden feed) is not a tag."""
    data = tmp_path / "home"
    urls = tmp_path / "urls"
    urls.write_text(f'{feed_server.url("/ok")} news "long reads" ! "~Harbour Desk"\n'
                    f'{feed_server.url("/gzip")} news\n', encoding="utf-8")
    assert byline(data, "import", str(urls)).returncode == 0
    assert byline(data, "refresh").returncode == 0
    feeds = json.loads(byline(data, "feeds", "--format", "json").stdout)
    assert sorted((f["url"], f["title"], f["tags"], f["total"]) for f in feeds) == [
        (feed_server.url("/gzip"), "Loopback Times", ["news"], 2),
        (feed_server.url("/ok"), "Harbour Desk", ["long reads", "news"], 2),
    ]
    listed = json.loads(byline(data, "list", "--filter", "feed:harbour", "--format",
                               "json").stdout)
    assert len(listed) == 2


def test_refresh_due_fetches_only_the_feeds_whose_time_has_come(
        feed_server: Any, tmp_path: Path) -> None:
    """`byline refresh --due` (for cron): the [refresh] interval and the feed's own ttl; a
    plain `byline refresh` still fetches everything."""
    data = tmp_path / "home"
    data.mkdir()
    (data / "config.toml").write_text('[refresh]\ninterval = "30m"\n', encoding="utf-8")
    ttl = feed_server.add("/ttl.xml", rss("ttl", 2).replace(
        b"<title>CLI Feed</title>", b"<title>CLI Feed</title><ttl>120</ttl>"))
    for url in (feed_server.url("/ok"), ttl):
        assert byline(data, "--offline", "add", url).returncode == 0
    first = byline(data, "refresh", "--due")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().startswith("2 feeds ok, 0 failed, 4 new articles")
    again = byline(data, "refresh", "--due")
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip().startswith("0 feeds ok, 0 failed, 2 not due, 0 new articles")
    assert len(feed_server.requests("/ttl.xml")) == 1
    feeds = {f["url"]: f for f in json.loads(byline(data, "feeds", "--format", "json").stdout)}
    fetched = {url: time.mktime(time.strptime(f["last_fetched"], "%Y-%m-%dT%H:%M:%SZ"))
               for url, f in feeds.items()}
    due = {url: time.mktime(time.strptime(f["next_due"], "%Y-%m-%dT%H:%M:%SZ"))
           for url, f in feeds.items()}
    assert due[feed_server.url("/ok")] - fetched[feed_server.url("/ok")] == 30 * 60
    assert due[ttl] - fetched[ttl] == 120 * 60 and feeds[ttl]["ttl"] == 7200
    assert "; due " in byline(data, "feeds").stdout
    everything = byline(data, "refresh")
    assert everything.stdout.strip().startswith("2 feeds ok, 0 failed, 0 new articles")
    assert len(feed_server.requests("/ttl.xml")) == 2


def test_errors_are_one_line(tmp_path: Path) -> None:
    data = tmp_path / "home"
    for args in (("import", str(tmp_path / "missing.opml")), ("import", str(tmp_path)),
                 ("add", "file:///etc/passwd"), ("add", "javascript:alert(1)")):
        done = byline(data, *args)
        assert done.returncode != 0
        assert done.stderr.startswith("byline: ") and len(done.stderr.strip().splitlines()) == 1


def test_corrupt_library_is_reported_and_set_aside(tmp_path: Path) -> None:
    data = tmp_path / "home"
    data.mkdir()
    (data / "library.db").write_bytes(b"\x00garbage" * 500)
    listed = byline(data, "list")
    assert listed.returncode == 0
    assert "byline: warning: the library" in listed.stderr and "damaged" in listed.stderr
    assert list(data.glob("library.db.corrupt-*"))


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs Linux /proc")
def test_ctrl_c_during_refresh_is_one_line_and_keeps_what_was_stored(
        feed_server: Any, tmp_path: Path) -> None:
    """Ctrl-C reaches the whole process group, workers included: only the main process
    answers (`byline: interrupted`, status 130); no worker prints a traceback or stays."""
    data = tmp_path / "home"
    fast = [feed_server.add(f"/ctrlc/{i}.xml", rss(f"c{i}", 20)) for i in range(12)]
    for url in [*fast, feed_server.url("/hang")]:
        assert byline(data, "--offline", "add", url).returncode == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "reader", "--data-dir", str(data), "refresh"], cwd=REPO,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        _wait_for_entries(data, 12 * 20, proc)
        os.killpg(proc.pid, signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130 and err == "byline: interrupted\n", err
    _assert_left_intact(data, 12 * 20).close()


def _wait_for_entries(data: Path, count: int, proc: subprocess.Popen[Any]) -> None:
    """Wait until a running refresh has stored `count` entries (it must still be running)."""
    deadline = time.monotonic() + 30
    stored = 0
    while time.monotonic() < deadline and stored < count:
        time.sleep(0.1)
        with sqlite3.connect(data / "library.db", timeout=10) as conn:
            stored = conn.execute("SELECT count(*) FROM entries").fetchone()[0]
    assert stored == count, "the fast feeds were not stored before the deadline"
    assert proc.poll() is None, "refresh should still be waiting on the slow feeds"


def _assert_left_intact(data: Path, count: int) -> sqlite3.Connection:
    """After a refresh was stopped: no process of it is left, the library is sound and holds
    `count` entries. Returns a connection to it for more checks."""
    deadline = time.monotonic() + 10
    while _processes_using(data) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_using(data) == []
    conn = sqlite3.connect(data / "library.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM entries").fetchone()[0] == count
    return conn


def _processes_using(data: Path) -> list[int]:
    """Pids of live processes whose command line names the data dir (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and str(data).encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue  # gone meanwhile, or not ours to read
    return found


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs Linux /proc")
def test_kill_9_during_refresh_loses_nothing_committed(feed_server: Any, tmp_path: Path) -> None:
    # reliability-notes case 55: after kill -9, integrity is ok and committed feeds remain.
    data = tmp_path / "home"
    fast = [feed_server.add(f"/kill/{i}.xml", rss(f"f{i}", 20)) for i in range(12)]
    slow = [feed_server.url("/hang"), feed_server.url("/trickle")]
    for url in fast + slow:
        assert byline(data, "--offline", "add", url).returncode == 0
    proc = subprocess.Popen([sys.executable, "-m", "reader", "--data-dir", str(data), "refresh"],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_entries(data, 12 * 20, proc)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    # Its worker processes end too (they would otherwise wait on the pool's pipes forever).
    conn = _assert_left_intact(data, 12 * 20)
    status = dict(conn.execute("SELECT url, last_status FROM feeds").fetchall())
    assert all(status[u] == "ok" for u in fast) and all(status[u] is None for u in slow)
    conn.close()
    listed = byline(data, "--offline", "list", "--format", "json", "--limit", "500")
    assert len(json.loads(listed.stdout)) == 240


def test_refresh_progress_bar_on_a_terminal(feed_server: Any, tmp_path: Path) -> None:
    """stderr on a terminal gets a Rich progress bar; hostile feed titles stay plain text."""
    import pty

    data = tmp_path / "home"
    url = feed_server.add("/markup.xml", rss("m", 1, title="[/] [@click=app.quit]x[/] \x1b]0;t"))
    assert byline(data, "--offline", "add", url).returncode == 0
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "reader", "--data-dir", str(data), "refresh"], cwd=REPO,
            stdout=subprocess.PIPE, stderr=follower, text=True, timeout=60,
            env=dict(os.environ, COLUMNS="100", TERM="xterm"))
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: everything is read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    assert done.returncode == 0 and SUMMARY.match(done.stdout.strip())
    assert b"Refreshing" in shown and b"MarkupError" not in shown and b"Traceback" not in shown
    assert b"\x1b]0;t" not in shown  # the title's escape sequence never reaches the terminal


def test_export_imports_into_newsboat_and_back(tmp_path: Path) -> None:
    """Interoperability: newsboat reads Byline's OPML (folders as tags) and the reverse."""
    import shutil

    if shutil.which("newsboat") is None:
        pytest.skip("newsboat is not installed (apt-get install newsboat)")
    data = tmp_path / "home"
    urls = tmp_path / "mine"
    urls.write_text('https://a.example/feed news daily "~A & B"\nhttps://c.example/atom\n',
                    encoding="utf-8")
    assert byline(data, "import", str(urls)).returncode == 0
    opml = tmp_path / "byline.opml"
    opml.write_text(byline(data, "export").stdout, encoding="utf-8")
    nb = tmp_path / "nb"
    nb.mkdir()
    for name in ("urls", "config"):
        (nb / name).write_text("", encoding="utf-8")
    base = ["newsboat", "-u", str(nb / "urls"), "-c", str(nb / "cache.db"),
            "-C", str(nb / "config")]
    env = dict(os.environ, HOME=str(nb))
    subprocess.run([*base, "-i", str(opml)], env=env, check=True, capture_output=True,
                   timeout=60)
    assert (nb / "urls").read_text(encoding="utf-8").splitlines() == [
        'https://a.example/feed "daily"', "https://c.example/atom"]  # first tag, sorted
    back = tmp_path / "newsboat.opml"
    back.write_text(subprocess.run([*base, "-e"], env=env, check=True, capture_output=True,
                                   text=True, timeout=60).stdout, encoding="utf-8")
    other = tmp_path / "other"
    assert byline(other, "import", str(back)).returncode == 0
    feeds = json.loads(byline(other, "feeds", "--format", "json").stdout)
    assert sorted(f["url"] for f in feeds) == ["https://a.example/feed", "https://c.example/atom"]


def test_commands_exit_quickly_with_their_status_and_output(tmp_path: Path) -> None:
    """One-shot commands skip the interpreter's teardown (`reader.cli.console`): their output
    must still be complete and their exit status right."""
    data = tmp_path / "home"
    version = byline(data, "--version")
    assert version.returncode == 0 and version.stdout.startswith("byline ")
    usage = byline(data, "list", "--limit", "many")
    assert usage.returncode == 2 and "invalid int value" in usage.stderr
    urls = tmp_path / "urls"
    urls.write_text("".join(f"https://example.org/{i}.xml\n" for i in range(300)))
    assert byline(data, "import", str(urls)).returncode == 0
    exported = byline(data, "export")  # ~40 KB through a pipe, written just before the exit
    assert exported.returncode == 0 and exported.stdout.rstrip().endswith("</opml>")
    assert exported.stdout.count("<outline ") == 300

ITEM = ("<item><title>Quay story {n}</title><guid>quay-{n}</guid><description>"
        "&lt;p&gt;The bakery on the quay opened at {n} o'clock.&lt;/p&gt;"
        "&lt;p&gt;Share this article&lt;/p&gt;</description></item>")


def test_search_never_finds_what_cleaning_removed(feed_server: Any, tmp_path: Path) -> None:
    items = "".join(ITEM.format(n=n) for n in range(3))
    url = feed_server.add("/quay.xml", (f'<?xml version="1.0"?><rss version="2.0"><channel>'
                                        f"<title>Quay</title>{items}</channel></rss>").encode(),
                          headers={"Content-Type": "application/rss+xml"})
    data = tmp_path / "home"
    assert byline(data, "add", url).returncode == 0
    removed = byline(data, "search", "share this article")
    assert removed.returncode == 0 and removed.stdout == ""
    assert removed.stderr.strip() == "No matches"
    found = json.loads(byline(data, "search", "bakery", "--format", "json").stdout)
    assert len(found) == 3
    assert all("Share" not in hit["snippet"] for hit in found)

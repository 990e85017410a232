"""`o`: a graphical browser is started detached and never killed; a terminal browser gets the
terminal and the reader comes back where it was; only checked http(s) links are handed over,
never through a shell."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
import webbrowser
from pathlib import Path

import pytest

from reader.config import Config
from reader.tui.browser import find_browser
from reader.tui.screens.article import ArticleScreen

from .conftest import article_ready, ferry_article

# The timeout the old launcher killed the browser after (`subprocess.run(..., timeout=60)`).
OLD_TIMEOUT = 60


def fake_browser(folder: Path, name: str = "fake-browser", *, linger: float = 0) -> Path:
    """A program that records its argv, pid and session, then stays open `linger` seconds."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / name
    record = folder / f"{name}.json"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys, time\n"
        f"record = {str(record)!r}\n"
        "with open(record + '.tmp', 'w') as out:\n"
        "    json.dump({'argv': sys.argv[1:], 'pid': os.getpid(), 'sid': os.getsid(0),\n"
        "               'stdout': os.readlink('/proc/self/fd/1')}, out)\n"
        "os.replace(record + '.tmp', record)\n"
        f"time.sleep({linger})\n", encoding="utf-8")
    script.chmod(0o755)
    return script


def recorded(script: Path) -> dict | None:
    path = script.with_name(script.name + ".json")
    return json.loads(path.read_text()) if path.exists() else None


async def wait_for_record(pilot, script: Path) -> dict:
    for _ in range(500):
        found = recorded(script)
        if found is not None:
            return found
        await pilot.pause(0.02)
    raise AssertionError(f"{script.name} never started")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie has exited: reaped or not
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


async def test_a_long_lived_browser_outlives_the_old_timeout_and_the_reader(make_app, tmp_path):
    script = fake_browser(tmp_path / "bin", linger=OLD_TIMEOUT * 10)
    app = make_app(opened=[ferry_article()], config=Config(browser=[str(script), "--new-tab"]))
    pid = None
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await article_ready(pilot)
            started = time.monotonic()
            await pilot.press("o")
            info = await wait_for_record(pilot, script)
            pid = info["pid"]
            # Nothing waits on the browser: the launch is over while it is still open (the
            # old launcher sat in `subprocess.run` until the timeout and then killed it).
            await app.workers.wait_for_complete()
            assert time.monotonic() - started < OLD_TIMEOUT
            assert info["argv"] == ["--new-tab", "https://news.example/ferry"]
            assert info["sid"] == pid != os.getsid(0)   # its own session
            assert info["stdout"] == os.devnull          # its output is not on the reader's screen
            assert alive(pid)
            assert not any(n.severity == "error" for n in app._notifications)
        # The reader has quit; the browser it started has not.
        time.sleep(0.2)
        assert alive(pid)
    finally:
        if pid is not None:
            os.kill(pid, signal.SIGTERM)


async def test_a_browser_that_cannot_start_is_one_notification(make_app, tmp_path):
    app = make_app(opened=[ferry_article()], config=Config(browser=[str(tmp_path / "nope")]))
    async with app.run_test(size=(100, 30)) as pilot:
        await article_ready(pilot)
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert errors == ["Could not start nope: No such file or directory"]


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "--renderer-cmd-prefix=xcalc",
                                 "file:///etc/passwd", None])
async def test_unsafe_links_are_never_handed_over(make_app, tmp_path, bad):
    # reliability notes 3.4, cases 43 and 44
    script = fake_browser(tmp_path / "bin")
    app = make_app(opened=[ferry_article(url=bad)], config=Config(browser=[str(script)]))
    async with app.run_test(size=(100, 30)) as pilot:
        await article_ready(pilot)
        await pilot.press("o", "y")
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        assert recorded(script) is None
        assert app.clipboard == ""


async def test_a_url_with_shell_syntax_reaches_the_browser_as_one_argument(make_app, tmp_path):
    script = fake_browser(tmp_path / "bin")
    url = "https://news.example/a;touch%20x$(id)`id`"
    app = make_app(opened=[ferry_article(url=url)], config=Config(browser=[str(script)]))
    async with app.run_test(size=(100, 30)) as pilot:
        await article_ready(pilot)
        await pilot.press("o")
        info = await wait_for_record(pilot, script)
        assert info["argv"] == [url]


async def test_a_terminal_browser_runs_and_the_reader_comes_back_to_the_same_place(
        make_app, tmp_path):
    script = fake_browser(tmp_path / "bin", name="w3m")   # known by its name
    app = make_app(opened=[ferry_article(paragraphs=40)], config=Config(browser=[str(script)]))
    async with app.run_test(size=(100, 30)) as pilot:
        await article_ready(pilot)
        screen = app.screen
        assert isinstance(screen, ArticleScreen)
        await pilot.press("space", "j", "j")
        await pilot.pause()
        where = (screen.entry_id, screen.page.scroll_y)
        assert where[1] > 0
        await pilot.press("o")
        await pilot.pause()
        # it ran to the end before the reader went on (the reader stepped aside for it)
        assert recorded(script)["argv"] == ["https://news.example/ferry"]
        assert app.screen is screen
        assert (screen.entry_id, screen.page.scroll_y) == where
        await pilot.press("j")
        await pilot.pause()
        assert screen.page.scroll_y > where[1]   # and it still reads keys


def test_the_terminal_setting_overrides_the_name(tmp_path):
    script = fake_browser(tmp_path / "bin", name="my-browser")
    assert not find_browser([str(script)]).terminal
    assert find_browser([str(script)], True).terminal
    assert find_browser(["lynx", "-accept_all_cookies"]).terminal
    assert not find_browser(["w3m"], False).terminal


def test_without_config_the_system_choice_is_used(tmp_path, monkeypatch):
    script = fake_browser(tmp_path / "bin", name="sensible-viewer")
    monkeypatch.setenv("BROWSER", f"{script} --tab %s")
    monkeypatch.setattr(webbrowser, "_tryorder", None)  # webbrowser reads $BROWSER once
    monkeypatch.setattr(webbrowser, "_browsers", {})
    found = find_browser([])
    assert found is not None and not found.terminal
    assert found.argv("https://news.example/x") == [str(script), "--tab",
                                                    "https://news.example/x"]
    with pytest.raises(ValueError):
        found.argv("javascript:alert(1)")


def test_in_a_real_terminal_the_reader_hands_it_over_and_takes_it_back(tmp_path):
    """The whole path in a pty: the terminal browser gets the terminal in its normal mode
    (the reader suspended itself), and the reader draws again and reads keys afterwards."""
    import fcntl
    import pty
    import select
    import struct
    import subprocess
    import termios

    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "lynx"
    record = folder / "lynx.json"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys, termios\n"
        "mode = termios.tcgetattr(0)[3]\n"
        f"json.dump({{'argv': sys.argv[1:], 'tty': os.isatty(0) and os.isatty(1),\n"
        "           'cooked': bool(mode & termios.ICANON and mode & termios.ECHO)},\n"
        f"          open({str(record)!r}, 'w'))\n"
        "print('LYNX WAS HERE')\n", encoding="utf-8")
    script.chmod(0o755)
    data = tmp_path / "home"
    data.mkdir()
    (data / "config.toml").write_text(f"browser = [{str(script)!r}]\n", encoding="utf-8")
    story = tmp_path / "story.md"
    story.write_text("---\ntitle: Night ferry timetable\nsource: https://news.example/ferry\n"
                     "---\n\nThe night ferry keeps its timetable through the winter.\n",
                     encoding="utf-8")
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "reader", "--data-dir", str(data),
                             str(story)], stdin=follower, stdout=follower, stderr=follower,
                            env=dict(os.environ, TERM="xterm-256color"),
                            start_new_session=True)
    os.close(follower)
    shown = b""

    def read_until(marker: bytes, seconds: float = 30) -> bytes:
        nonlocal shown
        start = len(shown)
        deadline = time.monotonic() + seconds
        while marker not in shown[start:] and time.monotonic() < deadline:
            if select.select([leader], [], [], 0.05)[0]:
                try:
                    shown += os.read(leader, 65536)
                except OSError:
                    break
        assert marker in shown[start:], f"{marker!r} never shown"
        return shown[start:]

    try:
        read_until(b"Night ferry timetable")
        os.write(leader, b"o")
        read_until(b"LYNX WAS HERE")
        info = json.loads(record.read_text())
        assert info == {"argv": ["https://news.example/ferry"], "tty": True, "cooked": True}
        read_until(b"Night ferry timetable")   # the reader is back and drew the article again
        for key in b"qqq":   # the article, the list, the sources
            os.write(leader, bytes([key]))
            time.sleep(0.3)
        deadline = time.monotonic() + 30
        while proc.poll() is None and time.monotonic() < deadline:
            if select.select([leader], [], [], 0.05)[0]:   # keep the terminal drained
                try:
                    os.read(leader, 65536)
                except OSError:
                    break
        assert proc.wait(5) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(leader)

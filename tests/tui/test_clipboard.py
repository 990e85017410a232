"""`y` says how it copied the link (a clipboard program, tmux's buffer, the terminal's
OSC 52) or that it could not, instead of "Copied" whatever happened."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from .conftest import article_ready, ferry_article

URL = "https://news.example/ferry"


def tool(folder: Path, name: str, status: int = 0) -> Path:
    """A fake clipboard program that keeps its arguments and input beside itself."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / name
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, sys\n"
        f"with open({str(folder / (name + '.json'))!r}, 'w') as out:\n"
        "    json.dump({'argv': sys.argv[1:], 'input': sys.stdin.read()}, out)\n"
        f"sys.exit({status})\n", encoding="utf-8")
    script.chmod(0o755)
    return script


def got(folder: Path, name: str) -> dict | None:
    import json

    path = folder / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


@pytest.fixture
def session(monkeypatch, tmp_path):
    """A session with only the programs of `tmp_path / bin` and no desktop or tmux."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "TMUX"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    return folder


async def press_y(make_app) -> list[tuple[str, str]]:
    app = make_app(opened=[ferry_article()])
    async with app.run_test(size=(100, 30)) as pilot:
        await article_ready(pilot)
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.clipboard == URL
        return [(n.severity, n.message) for n in app._notifications if "ferry" in n.message]


async def test_a_clipboard_program_is_used_and_named(make_app, session, monkeypatch):
    tool(session, "xclip")
    monkeypatch.setenv("DISPLAY", ":9")
    shown = await press_y(make_app)
    assert shown == [("information", f"Copied {URL} to the clipboard (xclip)")]
    assert got(session, "xclip") == {"argv": ["-selection", "clipboard"], "input": URL}


async def test_inside_tmux_the_link_goes_to_its_buffer(make_app, session, monkeypatch):
    tool(session, "tmux")
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    shown = await press_y(make_app)
    assert shown == [("information", f"Copied {URL} to tmux's paste buffer (tmux)")]
    assert got(session, "tmux") == {"argv": ["load-buffer", "-w", "-"], "input": URL}


async def test_tmux_dropping_the_copy_is_said(make_app, session, monkeypatch):
    tool(session, "tmux", status=1)   # load-buffer fails, and show-options says nothing
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    shown = await press_y(make_app)
    assert len(shown) == 1 and shown[0][0] == "warning"
    assert shown[0][1].startswith("Could not copy the link: tmux drops a program's copy")
    assert shown[0][1].endswith(f"The link: {URL}")


async def test_without_programs_the_terminal_is_named_with_its_caveat(make_app, session):
    shown = await press_y(make_app)
    assert shown == [("information", f"Copied {URL} through the terminal (OSC 52: if pasting "
                      "gives nothing, your terminal does not accept it)")]


async def test_the_linux_console_cannot_copy(make_app, session, monkeypatch):
    monkeypatch.setenv("TERM", "linux")
    shown = await press_y(make_app)
    assert shown[0][0] == "warning" and "the Linux console has no clipboard" in shown[0][1]

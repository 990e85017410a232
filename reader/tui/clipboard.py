"""`y`: copy a link, and say how it was copied, or that it could not be.

A terminal cannot tell an application whether it accepted an OSC 52 copy (tmux, by default,
drops it), so a clipboard program is tried first: wl-copy or xclip/xsel under a desktop,
pbcopy on macOS, `tmux load-buffer -w` inside tmux. Only when none is there does the
copy rest on OSC 52, and the message says so. The link goes to the program on its standard
input, never on a command line or through a shell.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass

from reader.sanitize import safe_url

TOOL_SECONDS = 5
_TMUX_OPTION = ["tmux", "show-options", "-gv", "set-clipboard"]


@dataclass(frozen=True)
class Copied:
    """How the link was copied (`done`), or why it may not have been."""

    done: bool
    how: str


def _tools() -> list[tuple[str, list[str]]]:
    """(what it copies to, command) for the clipboard programs this session can use."""
    env = os.environ
    tools: list[tuple[str, list[str]]] = []
    if env.get("WAYLAND_DISPLAY"):
        tools.append(("the clipboard", ["wl-copy"]))
    if env.get("DISPLAY"):
        tools += [("the clipboard", ["xclip", "-selection", "clipboard"]),
                  ("the clipboard", ["xsel", "--clipboard", "--input"])]
    if sys.platform == "darwin":
        tools.append(("the clipboard", ["pbcopy"]))
    if env.get("TMUX"):
        tools.append(("tmux's paste buffer", ["tmux", "load-buffer", "-w", "-"]))
    return [(where, argv) for where, argv in tools if shutil.which(argv[0])]


def copy_link(url: str) -> Copied:
    """Copy an http(s) link with the first clipboard program that takes it; otherwise say
    what is left (the terminal's OSC 52, which the caller sends) and whether it can work."""
    checked = safe_url(url)
    if checked is None:
        return Copied(False, "only http(s) links are copied")
    for where, argv in _tools():
        if copy_with(argv, checked):
            return Copied(True, f"to {where} ({os.path.basename(argv[0])})")
    if os.environ.get("TMUX") and _tmux_clipboard() != "on":
        return Copied(False, "tmux drops a program's copy unless set-clipboard is on, and no "
                             "clipboard program worked")
    if os.environ.get("TERM") == "linux":
        return Copied(False, "the Linux console has no clipboard")
    return Copied(True, "through the terminal (OSC 52: if pasting gives nothing, your "
                        "terminal does not accept it)")


def copy_with(tool: list[str], text: str) -> bool:
    """Run one clipboard program with `text` on its input; True when it took it."""
    try:
        done = subprocess.run([*tool], input=text.encode("utf-8"), shell=False, check=False,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=TOOL_SECONDS)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _tmux_clipboard() -> str:
    """tmux's `set-clipboard` option ("external" by default), or "" when tmux cannot say."""
    try:
        done = subprocess.run([*_TMUX_OPTION], shell=False, check=False, capture_output=True,
                              timeout=TOOL_SECONDS)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.decode("utf-8", "replace").strip()

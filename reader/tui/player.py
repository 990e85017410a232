"""The media player that plays an enclosure: the config's `player` command, run without a shell,
detached (a graphical player), or in the terminal while the reader steps aside
(`player_terminal = true`, e.g. `mpv --no-video`).

What it is given is either an absolute http(s) URL that passes `safe_url`, or the absolute path
of a downloaded file (a path Byline made, never a name from the feed); nothing else.
"""

from __future__ import annotations

import os
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from reader.sanitize import safe_url
from reader.tui.browser import with_target


@dataclass(frozen=True)
class Player:
    """A player command: `%s` in an argument is replaced by the target, else it is appended."""

    program: list[str]
    terminal: bool

    @property
    def name(self) -> str:
        return os.path.basename(self.program[0])

    def argv(self, checked: str) -> list[str]:
        """The command line for a target `checked` by `play_target`."""
        return with_target(self.program, checked)


def play_target(target: str) -> str:
    """`target` if it is an absolute http(s) URL (`safe_url`) or the absolute path of an
    existing regular file; else `OSError`."""
    checked = safe_url(target)
    if checked is not None:
        return checked
    path = Path(target)
    if not path.is_absolute() or not path.is_file():
        raise OSError("only http(s) URLs and downloaded files are played")
    return str(path)


def start_detached(player: Player, target: str) -> None:
    """Start a graphical player and return at once (its own session, /dev/null for input and
    output, reaped by a thread whenever it exits); `OSError` when it cannot start."""
    checked = safe_url(target) or play_target(target)
    process = subprocess.Popen([*player.argv(checked)], shell=False, close_fds=True,
                               start_new_session=True, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    threading.Thread(target=process.wait, name="player-reaper", daemon=True).start()


def run_attached(player: Player, target: str, *, attached: bool = True) -> int:
    """Run a terminal player until it exits (the reader has suspended itself); its status.
    Without a terminal to hand over (a headless app) it gets /dev/null."""
    checked = safe_url(target) or play_target(target)
    if attached:
        return subprocess.run([*player.argv(checked)], shell=False, check=False).returncode
    return subprocess.run([*player.argv(checked)], shell=False, check=False,
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode

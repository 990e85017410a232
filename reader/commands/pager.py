"""`byline read` on a terminal: output longer than the screen goes through a pager.

The pager is `$PAGER` (empty: none), else `less`, started without a shell with the text on its
input; `less` gets `LESS=FRX` unless the user set `LESS` (colours kept, no screen switch, quit
at once when everything fits). A pager that cannot start means the text is printed as usual.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys


def pager_command() -> list[str] | None:
    """The pager to run, or None when `$PAGER` is set empty or cannot be parsed."""
    configured = os.environ.get("PAGER")
    if configured is None:
        return ["less"]
    try:
        command = shlex.split(configured)
    except ValueError:
        return None
    return command or None


def show(text: str, *, paging: bool = True) -> None:
    """Write `text` to stdout, through the pager when stdout is a terminal it overflows."""
    rows = shutil.get_terminal_size((80, 24)).lines
    command = pager_command() if paging and sys.stdout.isatty() else None
    if command is None or text.count("\n") < rows - 1 or not page(command, text):
        sys.stdout.write(text)


def page(command: list[str], text: str) -> bool:
    """Run the pager on `text` until the reader quits it; False when it cannot start."""
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    sys.stdout.flush()
    try:
        process = subprocess.Popen([*command], stdin=subprocess.PIPE, shell=False, env=env)
    except OSError:
        return False
    try:
        assert process.stdin is not None
        process.stdin.write(text.encode(sys.stdout.encoding or "utf-8", "replace"))
        process.stdin.close()
    except BrokenPipeError:  # quit before reading everything
        pass
    while True:
        try:
            process.wait()
            return True
        except KeyboardInterrupt:  # ctrl+c belongs to the pager while it runs
            continue

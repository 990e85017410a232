"""A password printed by a command of config.toml (`[sync]` and `[[feed]]`
`password_command`): an argv list run without a shell, with no input, its first line taken.

The command's output is never repeated in a message: it could hold the secret.
"""

from __future__ import annotations

import os
import subprocess

from reader.errors import BylineError


def password_from_command(argv: tuple[str, ...], *, label: str, timeout: float) -> str:
    """The first line `argv` prints; `BylineError` (one line, starting with `label`) when it
    cannot run, fails, takes more than `timeout` seconds or prints nothing."""
    name = os.path.basename(argv[0])[:40]
    try:
        done = subprocess.run([*argv], shell=False, stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=timeout, check=False)
    except FileNotFoundError:
        raise BylineError(f"{label} {name!r} was not found") from None
    except subprocess.TimeoutExpired:
        raise BylineError(f"{label} {name!r} gave no answer in {timeout:g} s") from None
    except (OSError, subprocess.SubprocessError) as exc:
        raise BylineError(f"{label} {name!r} could not run ({type(exc).__name__})") from None
    if done.returncode != 0:
        raise BylineError(f"{label} {name!r} failed (exit status {done.returncode})")
    first = done.stdout.decode("utf-8", "replace").split("\n", 1)[0].rstrip("\r")
    if not first:
        raise BylineError(f"{label} {name!r} printed no password")
    return first

"""Which browser `o` starts, and how: detached, or in the terminal while the reader steps aside.

A graphical browser is started in its own session with no timeout and its output sent to
/dev/null, so it outlives the reader and never writes over the screen; only a failure to start
is reported. A terminal browser (w3m, lynx, …, or `browser_terminal = true`) needs the
terminal: the app suspends itself, runs it, and resumes where it was (`BylineApp`).

The program comes from the config file's `browser`, else from Python's `webbrowser` registry
($BROWSER, xdg-open, the browsers it knows); never from feed data, and never through a shell.
Only URLs that pass `safe_url` are handed over (reliability notes 3.4).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass

from reader.sanitize import safe_url

# Browsers that draw in the terminal they are started from.
TERMINAL_BROWSERS = frozenset({"w3m", "lynx", "links", "links2", "elinks", "www-browser",
                               "browsh", "carbonyl", "cha", "netrik", "retawq"})


@dataclass(frozen=True)
class Browser:
    """A browser command (`%s` in an argument is replaced by the URL, else the URL is appended),
    or, for a `webbrowser` controller with no command line, that controller's `open`."""

    program: list[str]
    terminal: bool
    opener: Callable[[str], bool] | None = None

    @property
    def name(self) -> str:
        return os.path.basename(self.program[0]) if self.program else "the system browser"

    def argv(self, url: str) -> list[str]:
        """The command line for `url` (checked: only absolute http(s) URLs are accepted)."""
        checked = safe_url(url)
        if checked is None:
            raise ValueError("only http(s) URLs are opened")
        return with_target(self.program, checked)


def with_target(program: list[str], target: str) -> list[str]:
    """`program` with `%s` in its arguments replaced by `target`, else `target` appended."""
    if any("%s" in arg for arg in program[1:]):
        return [program[0], *(arg.replace("%s", target) for arg in program[1:])]
    return [*program, target]


def is_terminal_browser(program: str) -> bool:
    return os.path.basename(program) in TERMINAL_BROWSERS


def find_browser(configured: list[str], terminal: bool | None = None) -> Browser | None:
    """The browser for `o`: the config's command, else the one `webbrowser` would use.

    `terminal` is the config's `browser_terminal` (None: decided by the program's name).
    """
    if configured:
        return Browser(list(configured), _terminal(configured[0], terminal))
    import webbrowser

    try:
        controller = webbrowser.get()
    except webbrowser.Error:
        return None
    name = getattr(controller, "name", "")
    if isinstance(name, str) and name and shutil.which(name):
        args = list(getattr(controller, "args", ["%s"])) \
            if isinstance(controller, webbrowser.GenericBrowser) else ["%s"]
        return Browser([name, *args], _terminal(name, terminal))
    return Browser([], False, opener=controller.open)


def _terminal(program: str, configured: bool | None) -> bool:
    return is_terminal_browser(program) if configured is None else configured


def launch_detached(browser: Browser, url: str) -> None:
    """Start a graphical browser on `url` and return at once; `OSError` when it cannot start.

    The browser gets its own session (no signal from the reader's terminal reaches it), no
    timeout, and /dev/null for its input and output. A thread reaps it whenever it exits.
    """
    checked = safe_url(url)
    if checked is None:
        raise OSError("only http(s) URLs are opened")
    if browser.opener is not None:
        if not browser.opener(checked):
            raise OSError("the system browser did not start")
        return
    process = subprocess.Popen([*browser.argv(checked)], shell=False, close_fds=True,
                               start_new_session=True, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    threading.Thread(target=process.wait, name="browser-reaper", daemon=True).start()


def run_in_terminal(browser: Browser, url: str, *, attached: bool = True) -> int:
    """Run a terminal browser on `url` until it exits; its exit status.

    `attached`: it shares the reader's terminal (the app has suspended itself). Without a
    terminal to hand over (a headless app), it runs with /dev/null for input and output.
    """
    checked = safe_url(url)
    if checked is None:
        raise OSError("only http(s) URLs are opened")
    if attached:
        return subprocess.run([*browser.argv(checked)], shell=False, check=False).returncode
    return subprocess.run([*browser.argv(checked)], shell=False, check=False,
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode

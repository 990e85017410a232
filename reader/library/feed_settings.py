"""Per-feed settings (`[[feed]]` in config.toml) as a refresh uses them: the request headers
of a feed (its own User-Agent; HTTP basic auth, the password written in the config or printed
by a command run without a shell), the feeds whose full pages are always cached, title
overrides, and each feed's extra cleaning rules.

A password is used for the request and never stored, shown or logged; a password command
that fails is that feed's error (the feed is not fetched), in one line.
"""

from __future__ import annotations

import base64
import os
import subprocess
from collections.abc import Mapping
from typing import Any

from reader.config import FeedSettings
from reader.errors import BylineError

COMMAND_TIMEOUT = 30.0


def request_headers(settings: FeedSettings) -> dict[str, str]:
    """The headers a feed's requests carry beyond the defaults (may run its password command)."""
    headers = {}
    if settings.user_agent:
        headers["User-Agent"] = settings.user_agent
    if settings.username:
        password = settings.password or _password_from(settings.password_command)
        token = base64.b64encode(f"{settings.username}:{password}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    return headers


def _password_from(argv: tuple[str, ...]) -> str:
    """The first line the config's password command prints (its output is never repeated)."""
    name = os.path.basename(argv[0])[:40]
    try:
        done = subprocess.run([*argv], shell=False, stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=COMMAND_TIMEOUT, check=False)
    except FileNotFoundError:
        raise BylineError(f"password_command {name!r} was not found") from None
    except subprocess.TimeoutExpired:
        raise BylineError(f"password_command {name!r} gave no answer in "
                          f"{COMMAND_TIMEOUT:g} s") from None
    except OSError as exc:
        raise BylineError(f"password_command {name!r} could not run "
                          f"({type(exc).__name__})") from None
    if done.returncode != 0:
        raise BylineError(f"password_command {name!r} failed (exit status {done.returncode})")
    first = done.stdout.decode("utf-8", "replace").split("\n", 1)[0].rstrip("\r")
    if not first:
        raise BylineError(f"password_command {name!r} printed no password")
    return first


def merged_rules(extra: Mapping[str, Any] | None,
                 feed: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The config's `[rules]` with a feed's own added (lists joined, the feed's after)."""
    if not feed:
        return dict(extra) if extra else None
    rules: dict[str, Any] = dict(extra or {})
    for name, value in feed.items():
        base = rules.get(name)
        rules[name] = [*base, *value] if isinstance(base, list) and isinstance(value, list) \
            else value
    return rules

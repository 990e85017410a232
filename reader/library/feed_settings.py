"""Per-feed settings (`[[feed]]` in config.toml) as a refresh uses them: the request headers
of a feed (its own User-Agent; HTTP basic auth, the password written in the config or printed
by a command run without a shell), the feeds whose full pages are always cached, title
overrides, and each feed's extra cleaning rules.

A password is used for the request and never stored, shown or logged; a password command
that fails is that feed's error (the feed is not fetched), in one line.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from reader.config import FeedSettings
from reader.password import password_from_command

COMMAND_TIMEOUT = 30.0


def request_headers(settings: FeedSettings) -> dict[str, str]:
    """The headers a feed's requests carry beyond the defaults (may run its password command)."""
    headers = {}
    if settings.user_agent:
        headers["User-Agent"] = settings.user_agent
    if settings.username:
        password = settings.password or password_from_command(
            settings.password_command, label="password_command", timeout=COMMAND_TIMEOUT)
        token = base64.b64encode(f"{settings.username}:{password}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    return headers


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

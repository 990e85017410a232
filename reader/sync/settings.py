"""`[sync]` from config.toml as the sync layer uses it, and the password, fetched when a sync
starts from a command (an argv list, run without a shell) or an environment variable.

The password is held in a `Secret`, whose repr and str never show it, and it is never
written anywhere: not in the library, not in a message, not in a log.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from reader.config import Config
from reader.errors import BylineError
from reader.password import password_from_command

DEFAULT_PASSWORD_ENV = "BYLINE_SYNC_PASSWORD"
COMMAND_TIMEOUT = 60.0


class Secret:
    """A password that does not print itself."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret(hidden)"

    __str__ = __repr__


@dataclass(frozen=True)
class SyncSettings:
    """Which server, which account, and where its password comes from."""

    api: str
    url: str
    user: str
    password_command: tuple[str, ...] = ()
    password_env: str = DEFAULT_PASSWORD_ENV

    @classmethod
    def from_config(cls, config: Config) -> SyncSettings | None:
        """The `[sync]` table (already checked by `reader.config`), or None without one."""
        table = config.sync
        if not table:
            return None
        return cls(api=table["api"], url=table["url"], user=table["user"],
                   password_command=tuple(table.get("password_command", ())),
                   password_env=table.get("password_env", DEFAULT_PASSWORD_ENV))

    @property
    def server(self) -> str:
        """What the library records of the server: the API and URL, nothing secret."""
        return f"{self.api} {self.url}"

    def password(self) -> Secret:
        """Run `password_command` (first line of its output) or read `password_env`."""
        if self.password_command:
            return Secret(password_from_command(
                self.password_command, label="sync: password_command", timeout=COMMAND_TIMEOUT))
        value = os.environ.get(self.password_env)
        if not value:
            raise BylineError(f"sync: no password: set the environment variable "
                              f"{self.password_env} or give [sync] a password_command")
        return Secret(value)

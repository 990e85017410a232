"""`config.toml`: user settings (theme, key bindings, extra cleaning rules, browser command).

The config file is the only place that may name an external command. A malformed file is a
one-line error (`byline: bad config …`), never a traceback.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from typing import Any

from reader.errors import BylineError
from reader.paths import Paths


@dataclass
class Config:
    """Settings with their defaults; unknown keys are ignored."""

    theme: str | None = None
    keys: dict[str, str] = field(default_factory=dict)
    rules: dict[str, Any] = field(default_factory=dict)
    browser: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


def load_config(paths: Paths) -> Config:
    """Read `config.toml` if present; an absent file gives the defaults."""
    path = paths.config_file
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BylineError(f"bad config {path}: {exc}") from None
    return parse_config(data, str(path))


def parse_config(data: dict[str, Any], where: str = "config") -> Config:
    """Validate the parsed TOML into a `Config`."""
    theme = data.get("theme")
    keys = data.get("keys", {})
    rules = data.get("rules", {})
    browser = data.get("browser", [])
    if theme is not None and not isinstance(theme, str):
        raise BylineError(f"bad config {where}: 'theme' must be a string")
    if not isinstance(keys, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in keys.items()
    ):
        raise BylineError(f"bad config {where}: [keys] maps action names to key strings")
    if not isinstance(rules, dict):
        raise BylineError(f"bad config {where}: [rules] must be a table")
    if isinstance(browser, str):
        browser = browser.split()
    if not isinstance(browser, list) or not all(isinstance(b, str) for b in browser):
        raise BylineError(f"bad config {where}: 'browser' must be a command list")
    return Config(theme=theme, keys=dict(keys), rules=dict(rules), browser=list(browser), raw=data)

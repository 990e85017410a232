"""`config.toml`: user settings (theme, key bindings, extra cleaning rules, browser command,
retention, the feed server to sync with).

Every top-level setting is one row of `SETTINGS` (its name is the `Config` field it fills, its
check turns the TOML value into that field or says what is wrong), so a new setting is a field
and a row. A value of the wrong type is a one-line error (`byline: bad config …`); a name that
is not a setting is a one-line warning in `Config.problems` (shown when the reader starts and
by `byline --check-config`), with the setting it most likely meant.

The config file is the only place that may name an external command.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from reader.errors import BylineError
from reader.paths import Paths
from reader.sanitize import clean_line, safe_url


@dataclass(frozen=True)
class View:
    """A saved filter shown as a source in the reader (`[[views]]`)."""

    name: str
    filter: str


@dataclass(frozen=True)
class RefreshSettings:
    """`[refresh]`: how often the reader fetches the feeds that are due on its own
    (`reader.library.schedule`); 0 (the default) leaves it to you."""

    interval: float = 0.0   # seconds


@dataclass
class Config:
    """Settings with their defaults; `problems` are warnings about the file, one line each."""

    theme: str | None = None
    keys: dict[str, str] = field(default_factory=dict)
    rules: dict[str, Any] = field(default_factory=dict)
    browser: list[str] = field(default_factory=list)
    browser_terminal: bool | None = None
    player: list[str] = field(default_factory=list)
    player_terminal: bool = False
    downloads: str | None = None      # the folder `byline download` and `d` save to
    download_max_mb: int = 2000       # the cap on one download, in MB
    retention: dict[str, int] = field(default_factory=dict)  # keep_days, keep_per_feed
    views: list[View] = field(default_factory=list)
    hide: list[HideRule] = field(default_factory=list)
    sync: dict[str, Any] = field(default_factory=dict)  # api, url, user, password_command/_env
    commands: dict[str, Command] = field(default_factory=dict)
    feed: dict[str, FeedSettings] = field(default_factory=dict)  # [[feed]] by URL
    refresh: RefreshSettings = field(default_factory=RefreshSettings)
    raw: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def feed_rules(self) -> dict[str, dict[str, Any]]:
        """Each feed's own cleaning rules (`[feed.rules]`) by its URL, where it has some."""
        return {url: settings.rules for url, settings in self.feed.items() if settings.rules}

    def downloads_folder(self, paths: Paths) -> Path:
        """Where enclosures are downloaded: `downloads`, else the data folder's `downloads`."""
        return Path(self.downloads).expanduser() if self.downloads else paths.downloads_dir


@dataclass(frozen=True)
class Setting:
    """A top-level key of `config.toml`: what it is for, and its check (the value the field
    gets, or `ValueError` saying what the value should be)."""

    help: str
    check: Callable[[Any], Any]


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _table(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("must be a table")
    return dict(value)


def _key_table(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ValueError("maps action names to key strings")
    return dict(value)


def _is_argv(value: Any) -> bool:
    """A program and its arguments as config.toml gives them: a non-empty list of strings,
    the first not blank (run without a shell)."""
    return isinstance(value, list) and bool(value) and \
        all(isinstance(word, str) for word in value) and bool(value[0].strip())


def _command(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("must be a command list")
    return list(value)


def _megabytes(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("must be a whole number of megabytes, at least 1")
    return value


MIN_INTERVAL = 60.0
_DURATION = re.compile(r"(\d{1,6})\s*([smhd])", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def duration(value: Any) -> float:
    """A refresh interval in seconds: a whole number of minutes (`30`), or a string of
    numbers with units (`"90s"`, `"30m"`, `"1h30m"`, `"2d"`); 0 or `"off"` is none. Anything
    else, or more than 0 but under a minute, is a `ValueError` saying what it takes."""
    usage = 'must be minutes (30) or a duration such as "30m", "2h", "1h30m", or 0 for none'
    if isinstance(value, bool):
        raise ValueError(usage)
    if isinstance(value, int):
        seconds = float(value) * 60
    elif isinstance(value, str):
        text = value.strip().lower().replace(" ", "")
        if text in ("off", "0", "none"):
            return 0.0
        if text.isdigit():
            text += "m"
        parts = _DURATION.findall(text)
        if not parts or "".join(n + u for n, u in parts) != text:
            raise ValueError(usage)
        seconds = float(sum(int(n) * _UNITS[u] for n, u in parts))
    else:
        raise ValueError(usage)
    if seconds < 0 or 0 < seconds < MIN_INTERVAL:
        raise ValueError("must be 0 (none) or at least a minute")
    return seconds


def _refresh(value: Any) -> RefreshSettings:
    if not isinstance(value, dict):
        raise ValueError('must be a table: interval = "30m"')
    for name in value:
        if name != "interval":
            raise ValueError(f"has interval, not {clean_line(str(name))[:40]!r}")
    try:
        return RefreshSettings(duration(value.get("interval", 0)))
    except ValueError as exc:
        raise ValueError(f"interval {exc}") from None


def _retention(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        raise ValueError("must be a table: keep_days = N, keep_per_feed = N")
    for name, limit in value.items():
        if name not in ("keep_days", "keep_per_feed"):
            raise ValueError(f"has keep_days and keep_per_feed, not {clean_line(name)[:40]!r}")
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError(f"{name} must be a whole number of at least 1")
    return dict(value)


def _views(value: Any) -> list[View]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ValueError("must be tables: [[views]] name = \"…\" filter = \"…\"")
    views = []
    for number, table in enumerate(value, start=1):
        name, text = table.get("name"), table.get("filter")
        if not isinstance(name, str) or not name.strip() or not isinstance(text, str):
            raise ValueError(f"number {number} needs a name and a filter, both strings")
        views.append(View(clean_line(name)[:100], text))
    return views


SYNC_APIS = ("fever", "greader")
SYNC_KEYS = ("api", "url", "user", "password_command", "password_env")


def is_loopback(url: str) -> bool:
    """True for a URL whose host is this machine (127.0.0.0/8, ::1, localhost)."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _sync(value: Any) -> dict[str, Any]:
    """[sync]: the server's API, URL and user, and where the password comes from (a command or
    an environment variable, never the file)."""
    if not isinstance(value, dict):
        raise ValueError("must be a table: api, url, user, password_command or password_env")
    if "password" in value:
        raise ValueError("must not hold the password: name a password_command (run without a "
                         "shell) or a password_env variable instead")
    for name in value:
        if name not in SYNC_KEYS:
            close = difflib.get_close_matches(name, SYNC_KEYS, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(f"has {', '.join(SYNC_KEYS)}, not {clean_line(name)[:40]!r}{hint}")
    for name in ("api", "url", "user", "password_env"):
        if name in value and not isinstance(value[name], str):
            raise ValueError(f"{name} must be a string")
    if value.get("api") not in SYNC_APIS:
        raise ValueError(f"api must be one of {', '.join(map(repr, SYNC_APIS))}")
    url = value.get("url", "")
    parts = urlsplit(url) if url else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("url must be the server's http(s) address")
    if parts.scheme != "https" and not is_loopback(url):
        raise ValueError("url must use https (plain http only to this machine: 127.0.0.1, "
                         "::1, localhost)")
    if not value.get("user"):
        raise ValueError("user must name the account on the server")
    command = value.get("password_command")
    if command is not None and not _is_argv(command):
        raise ValueError('password_command must be a list of words, e.g. ["pass", "show", "rss"]')
    if command is not None and "password_env" in value:
        raise ValueError("takes password_command or password_env, not both")
    return dict(value)


#: What a kill rule may test: the feed is its title or URL, the author any of the names.
HIDE_FIELDS = {"title": "the article's title", "author": "any of its authors",
          "feed": "its feed's title or URL", "link": "its link", "text": "its text"}
MAX_HIDE_PATTERN = 500


@dataclass(frozen=True)
class HideRule:
    """One `[[hide]]` kill rule: field name -> compiled pattern (all must match); a pattern
    is searched anywhere in the field, ignoring case unless it says otherwise (`(?-i:…)`)."""

    patterns: tuple[tuple[str, re.Pattern[str]], ...]

    def matches(self, fields: dict[str, list[str]]) -> bool:
        return all(any(p.search(value) for value in fields[name])
                   for name, p in self.patterns)


def hide_rules(value: Any) -> list[HideRule]:
    """The `[[hide]]` tables as rules; `ValueError` (one line) on the first mistake."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ValueError("must be tables: [[hide]] title = \"regular expression\"")
    rules = []
    for number, table in enumerate(value, start=1):
        if not table:
            raise ValueError(f"number {number} is empty: name at least one of "
                             f"{', '.join(HIDE_FIELDS)}")
        patterns = []
        for name, pattern in table.items():
            if name not in HIDE_FIELDS:
                raise ValueError(f"number {number}: unknown field {clean_line(str(name))[:40]!r}"
                                 f" (fields: {', '.join(HIDE_FIELDS)})")
            if not isinstance(pattern, str) or not pattern or len(pattern) > MAX_HIDE_PATTERN:
                raise ValueError(f"number {number}: {name} must be a regular expression of 1 "
                                 f"to {MAX_HIDE_PATTERN} characters")
            try:
                patterns.append((name, re.compile(pattern, re.IGNORECASE)))
            except re.error as exc:
                raise ValueError(f"number {number}: {name}: bad regular expression "
                                 f"{clean_line(pattern)[:60]!r} ({exc})") from None
        rules.append(HideRule(tuple(patterns)))
    return rules


@dataclass(frozen=True)
class Command:
    """A command of `[commands]` (what `|` and `byline pipe` run for an article): its
    arguments, and what it is sent: the URL as an argument, or the clean text or Markdown
    on its input (`reader.render.pipe`)."""

    name: str
    run: tuple[str, ...]
    send: str = "url"


SENDS = ("url", "text", "markdown")


def _commands(value: Any) -> dict[str, Command]:
    if not isinstance(value, dict):
        raise ValueError('must be a table: name = ["program", "argument"], or name = '
                         '{ run = ["program"], send = "text" }')
    commands = {}
    for name, spec in value.items():
        shown = clean_line(name)[:40] or "(empty name)"
        send = "url"
        if isinstance(spec, dict):
            unknown = sorted(set(spec) - {"run", "send"})
            if unknown:
                raise ValueError(f"{shown!r}: unknown key {clean_line(unknown[0])[:40]!r} "
                                 "(keys: run, send)")
            send = spec.get("send", "url")
            if send not in SENDS:
                raise ValueError(f"{shown!r}: send must be {', '.join(SENDS)}")
            spec = spec.get("run")
        if not _is_argv(spec):
            raise ValueError(f"{shown!r} must be a command list: [\"program\", \"argument\"]")
        commands[name] = Command(shown, tuple(spec), send)
    return commands


@dataclass(frozen=True)
class FeedSettings:
    """A `[[feed]]` table: one subscription's own settings, by its URL (see
    `reader.library.feed_settings`)."""

    url: str
    title: str = ""                          # shown instead of the feed's own title
    full: bool = False                       # every refresh caches its full pages
    user_agent: str = ""
    username: str = ""                       # HTTP basic auth, with one of:
    password: str = ""                       #   written in the config by the user, or
    password_command: tuple[str, ...] = ()   #   printed by this command (no shell)
    rules: dict[str, Any] = field(default_factory=dict, hash=False)  # extra cleaning rules
    interval: float | None = None            # seconds; None: [refresh]'s; 0: no schedule
    ignore_hints: bool = False               # the interval wins over the feed's own hints


FEED_KEYS = ("url", "title", "full", "user_agent", "username", "password",
             "password_command", "rules", "interval", "ignore_hints")


def _feed_settings(value: Any) -> dict[str, FeedSettings]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ValueError('must be tables: [[feed]] url = "https://…" title = "…"')
    feeds = {}
    for number, table in enumerate(value, start=1):
        where = f"number {number}"
        unknown = sorted(set(table) - set(FEED_KEYS))
        if unknown:
            raise ValueError(f"{where}: unknown key {clean_line(str(unknown[0]))[:40]!r} "
                             f"(keys: {', '.join(FEED_KEYS)})")
        url = table.get("url")
        if not isinstance(url, str) or safe_url(url.strip()) is None:
            raise ValueError(f'{where} needs url = "https://…", the feed\'s http(s) address')
        for key in ("title", "user_agent", "username", "password"):
            if not isinstance(table.get(key, ""), str):
                raise ValueError(f"{where}: {key} must be a string")
        for key in ("title", "user_agent", "username"):
            if table.get(key, "") != clean_line(table.get(key, "")):
                raise ValueError(f"{where}: {key} must be one line of printable text")
        if ":" in table.get("username", ""):
            raise ValueError(f"{where}: username cannot hold ':' (HTTP basic auth)")
        if any(ch in table.get("password", "") for ch in "\r\n\x00"):
            raise ValueError(f"{where}: password must be one line")
        if not isinstance(table.get("full", False), bool):
            raise ValueError(f"{where}: full must be true or false")
        command = table.get("password_command", [])
        if command != [] and not _is_argv(command):
            raise ValueError(f'{where}: password_command must be a list of words, e.g. '
                             '["pass", "show", "feeds/harbour"]')
        secret = bool(table.get("password")) + bool(command)
        if secret > 1:
            raise ValueError(f"{where}: takes password or password_command, not both")
        if bool(table.get("username")) != bool(secret):
            raise ValueError(f"{where}: username and a password (or password_command) go "
                             "together")
        if not isinstance(table.get("rules", {}), dict):
            raise ValueError(f"{where}: rules must be a table, as [rules] is")
        if not isinstance(table.get("ignore_hints", False), bool):
            raise ValueError(f"{where}: ignore_hints must be true or false")
        try:
            interval = duration(table["interval"]) if "interval" in table else None
        except ValueError as exc:
            raise ValueError(f"{where}: interval {exc}") from None
        checked = safe_url(url.strip()) or ""
        feeds[checked] = FeedSettings(checked, table.get("title", ""), table.get("full", False),
                                      table.get("user_agent", ""), table.get("username", ""),
                                      table.get("password", ""), tuple(command),
                                      dict(table.get("rules", {})), interval=interval,
                                      ignore_hints=table.get("ignore_hints", False))
    return feeds


SETTINGS: dict[str, Setting] = {
    "theme": Setting("the theme at start", _string),
    "browser": Setting("the command `o` runs, without a shell", _command),
    "browser_terminal": Setting("the browser runs in the terminal (w3m, lynx …)", _flag),
    "player": Setting("the command that plays an enclosure, without a shell", _command),
    "player_terminal": Setting("the player runs in the terminal (mpv --no-video …)", _flag),
    "downloads": Setting("the folder enclosures are downloaded to", _string),
    "download_max_mb": Setting("the largest enclosure downloaded, in MB", _megabytes),
    "keys": Setting("[keys]: action = \"key\"", _key_table),
    "rules": Setting("[rules]: your own cleaning rules", _table),
    "retention": Setting("[retention]: keep_days = N, keep_per_feed = N (starred and "
                         "marked-unread articles are kept)", _retention),
    "views": Setting("[[views]]: saved filters shown as sources (name, filter)", _views),
    "hide": Setting("[[hide]]: kill rules, regular expressions on title, author, feed, link "
                    "or text; matches are hidden at refresh", hide_rules),
    "sync": Setting("[sync]: api = \"fever\" or \"greader\", url, user, and password_command "
                    "or password_env", _sync),
    "commands": Setting("[commands]: name = [\"program\", \"argument\"], run for an article "
                        "by | and byline pipe, without a shell", _commands),
    "feed": Setting("[[feed]]: one feed's settings by url: title, full, user_agent, username "
                    "with password_command (or password), rules, interval, ignore_hints",
                    _feed_settings),
    "refresh": Setting("[refresh]: interval = \"30m\": the reader fetches the feeds that are "
                       "due on its own", _refresh),
}


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
    """Validate the parsed TOML into a `Config` (unknown names become `problems`)."""
    config = Config(raw=data)
    for name, value in data.items():
        setting = SETTINGS.get(name)
        if setting is None:
            config.problems.append(unknown_setting(name, where))
            continue
        try:
            setattr(config, name, setting.check(value))
        except ValueError as exc:
            tables = ("keys", "rules", "retention", "views", "hide", "sync", "commands", "feed",
                      "refresh")
            shown = f"[{name}]" if isinstance(value, dict) or name in tables else f"'{name}'"
            raise BylineError(f"bad config {where}: {shown} {exc}") from None
    return config


def unknown_setting(name: str, where: str) -> str:
    """The warning for a name that is not a setting, with the likeliest one it meant."""
    shown = clean_line(name)[:60] or "(empty name)"
    close = difflib.get_close_matches(name, list(SETTINGS), n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else \
        f" (settings: {', '.join(SETTINGS)})"
    return f"{where}: unknown setting '{shown}'{hint}; it is ignored"

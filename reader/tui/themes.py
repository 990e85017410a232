"""Reader themes: TOML files (bundled `themes/` and the user's themes folder) as Textual themes.

A theme file names Textual's base colours and Byline's own variables:

    name = "paper"
    dark = false
    primary = "#8a4b2a"
    background = "#f6f1e7"
    [variables]
    quote = "#7a3e9d"
    speaker = "#6b6b6b"
    link = "#1f5fa8"
    media = "#6b6b6b"

A malformed file is reported (returned as a problem line) and skipped, never raised.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from textual.color import Color, ColorParseError
from textual.theme import Theme

from reader.sanitize import clean_line

DEFAULT_THEME = "byline-dark"
# Byline's own theme variables (used by the article view's styles) and their fallbacks for
# Textual's built-in themes.
READER_VARIABLES: dict[str, str] = {
    "quote": "$accent",
    "speaker": "$text-muted",
    "link": "$primary",
    "media": "$text-muted",
}
_COLOUR_KEYS = ("primary", "secondary", "warning", "error", "success", "accent",
                "foreground", "background", "surface", "panel", "boost")


@dataclass
class LoadedThemes:
    """The themes found, and one line per file that could not be used."""

    themes: list[Theme] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def theme_from_toml(text: str, fallback_name: str) -> Theme:
    """Parse one theme file's text into a Theme (ValueError with a reason when malformed)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"not valid TOML ({exc})") from None
    name = data.get("name", fallback_name)
    if not isinstance(name, str) or not clean_line(name):
        raise ValueError("'name' must be a string")
    colours: dict[str, str] = {}
    for key in _COLOUR_KEYS:
        if key in data:
            colours[key] = _colour(key, data[key])
    if "primary" not in colours:
        raise ValueError("'primary' colour is required")
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise ValueError("[variables] must be a table")
    clean_vars = {str(k): _colour(str(k), v) if k in READER_VARIABLES else str(v)
                  for k, v in variables.items()}
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        raise ValueError("'dark' must be true or false")
    return Theme(name=clean_line(name), dark=dark, variables=clean_vars,
                 primary=colours["primary"], secondary=colours.get("secondary"),
                 warning=colours.get("warning"), error=colours.get("error"),
                 success=colours.get("success"), accent=colours.get("accent"),
                 foreground=colours.get("foreground"), background=colours.get("background"),
                 surface=colours.get("surface"), panel=colours.get("panel"),
                 boost=colours.get("boost"))


def _colour(key: str, value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"'{key}' must be a colour string")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ValueError(f"'{key}' is not a colour: {clean_line(value)[:40]}") from None
    return value


def load_themes(*folders: Path) -> LoadedThemes:
    """Every `*.toml` theme in the folders, in order (a later file of the same name wins)."""
    loaded = LoadedThemes()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                theme = theme_from_toml(path.read_text(encoding="utf-8"), path.stem)
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                loaded.problems.append(f"theme {path.name} skipped: {exc}")
                continue
            loaded.themes = [t for t in loaded.themes if t.name != theme.name] + [theme]
    return loaded


def read_state(path: Path) -> dict[str, object]:
    """The UI state file (the chosen theme); anything unreadable counts as empty."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_theme_choice(path: Path, theme: str, config_theme: str | None = None) -> None:
    """Remember the chosen theme in the state file (other keys kept), with the config's
    `theme` at that moment: a later change to the config wins over this choice."""
    state = read_state(path)
    state["theme"] = theme
    state["config_theme"] = config_theme
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=2), encoding="utf-8")
    tmp.replace(path)


@dataclass
class ThemeChoice:
    """The theme to start with, where it comes from, and a line saying which setting won when
    the config and a choice made with `t` disagree (`changed`: the config won this time)."""

    name: str
    origin: str            # "config", "choice" or "default"
    note: str | None = None
    changed: bool = False


def starting_theme(config_theme: str | None, state_file: Path,
                   config_file: Path | None = None) -> ThemeChoice:
    """The newer of the config's `theme` and the last choice made with `t` wins.

    The state file records the config's theme when the choice was made: if the config names
    another theme since, the config was edited after the choice and wins. A state file from
    before that record is compared by modification time with the config file.
    """
    state = read_state(state_file)
    chosen = state.get("theme")
    chosen = chosen if isinstance(chosen, str) and chosen else None
    if chosen is None or config_theme is None or chosen == config_theme:
        if chosen:
            return ThemeChoice(chosen, "choice")
        return ThemeChoice(config_theme, "config") if config_theme else \
            ThemeChoice(DEFAULT_THEME, "default")
    if "config_theme" in state:
        config_newer = state.get("config_theme") != config_theme
    else:
        config_newer = _mtime(config_file) > _mtime(state_file)
    shown_config, shown_choice = clean_line(config_theme)[:60], clean_line(chosen)[:60]
    if config_newer:
        return ThemeChoice(config_theme, "config", changed=True, note=(
            f"theme {shown_config} from config.toml replaces {shown_choice} chosen with t "
            "(the config changed since)"))
    return ThemeChoice(chosen, "choice", note=(
        f"theme {shown_choice} chosen with t wins over config.toml's {shown_config} "
        "(the newer one wins: edit theme in config.toml, or press t)"))


def _mtime(path: Path | None) -> float:
    try:
        return path.stat().st_mtime if path is not None else 0.0
    except OSError:
        return 0.0

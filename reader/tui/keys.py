"""Every key of the reader in one table: default keys, descriptions, and `[keys]` rebinding.

Each action has a binding id (`byline.<action>`), so `config.toml` can rebind it:

    [keys]
    next_quote = "ctrl+n"
    star = "s,f"

The help screen and the command palette are both generated from this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType

from reader.errors import BylineError


@dataclass(frozen=True)
class KeyAction:
    """One user action: its name (config key), default keys, help text and where it applies."""

    name: str
    keys: str
    description: str
    scope: str  # "app", "screen" (lists and articles), "library" or "article"
    short: str = ""      # footer label; the action is shown in the footer only when set

    @property
    def binding_id(self) -> str:
        return f"byline.{self.name}"

    def binding(self) -> Binding:
        return Binding(self.keys, self.name, self.short or self.description,
                       show=bool(self.short), id=self.binding_id, tooltip=self.description)


ACTIONS: tuple[KeyAction, ...] = (
    KeyAction("help", "question_mark", "Show every key", "app", "Keys"),
    KeyAction("search", "slash", "Search the library", "app", "Search"),
    KeyAction("pick_theme", "t", "Choose a theme", "app"),
    KeyAction("refresh_all", "R", "Refresh every feed", "app"),
    KeyAction("back", "q", "Back (quit from the library)", "screen", "Back"),
    KeyAction("escape", "escape", "Back", "screen"),
    KeyAction("down", "j", "Scroll or move down", "screen"),
    KeyAction("up", "k", "Scroll or move up", "screen"),
    KeyAction("page_down", "space,pagedown", "Page down", "screen"),
    KeyAction("page_up", "b,pageup", "Page up", "screen"),
    KeyAction("top", "g,home", "Go to the top", "screen"),
    KeyAction("bottom", "G,end", "Go to the bottom", "screen"),
    KeyAction("open", "enter", "Open", "library", "Open"),
    KeyAction("refresh", "r", "Refresh this feed", "library"),
    KeyAction("star", "s", "Star / unstar", "screen"),
    KeyAction("toggle_read", "m", "Mark read / unread", "screen"),
    KeyAction("next_article", "n", "Next article", "article", "Next"),
    KeyAction("previous_article", "p", "Previous article", "article"),
    KeyAction("next_unread", "N", "Next unread article", "article"),
    KeyAction("next_quote", "right_square_bracket", "Next quote", "article", "Quote"),
    KeyAction("previous_quote", "left_square_bracket", "Previous quote", "article"),
    KeyAction("quotes", "Q", "List the quotes", "article", "Quotes"),
    KeyAction("related", "l", "Fold / unfold related links", "article", "Related"),
    KeyAction("raw", "v", "Raw / clean view", "article", "Raw"),
    KeyAction("browser", "o", "Open in the browser", "article"),
    KeyAction("copy_link", "y", "Copy the link", "article"),
)

BY_NAME: dict[str, KeyAction] = {a.name: a for a in ACTIONS}


def bindings(*scopes: str) -> list[BindingType]:
    """The bindings of the given scopes, for a screen's BINDINGS."""
    return [a.binding() for a in ACTIONS if a.scope in scopes]


def keymap(config_keys: dict[str, str]) -> dict[str, str]:
    """Turn the `[keys]` table (action = "key") into a Textual keymap (binding id -> keys).

    Unknown action names are an error naming the valid ones.
    """
    unknown = sorted(set(config_keys) - set(BY_NAME))
    if unknown:
        raise BylineError(f"bad config: unknown key action {', '.join(unknown)} "
                          f"(known: {', '.join(BY_NAME)})")
    return {BY_NAME[name].binding_id: keys for name, keys in config_keys.items()}

"""Every key of the reader in one table: default keys, descriptions, and `[keys]` rebinding.

Each action has a binding id (`byline.<action>`), so `config.toml` can rebind it:

    [keys]
    next_quote = "ctrl+n"
    star = "s,x"

The help screen and the command palette are both generated from this table.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from textual.binding import Binding, BindingType
from textual.keys import Keys, key_to_character

from reader.errors import BylineError
from reader.sanitize import clean_line


@dataclass(frozen=True)
class KeyAction:
    """One user action: its name (config key), default keys, help text and where it applies."""

    name: str
    keys: str
    description: str
    scope: str  # "app", "screen" (lists and articles), "library" or "article"
    short: str = ""      # footer label; the action is shown in the footer only when set
    help: str = ""       # a sentence for the command palette's second line

    @property
    def binding_id(self) -> str:
        return f"byline.{self.name}"

    def binding(self) -> Binding:
        return Binding(self.keys, self.name, self.short or self.description,
                       show=bool(self.short), id=self.binding_id, tooltip=self.description)


ACTIONS: tuple[KeyAction, ...] = (
    KeyAction("help", "question_mark", "Show every key", "app", "Keys",
              "Every key as currently bound, your [keys] changes included"),
    KeyAction("search", "slash", "Search the library", "app", "Search",
              "Full-text search of every article as you type; filter terms narrow it"),
    KeyAction("pick_theme", "t", "Choose a theme", "app", "",
              "Pick one of the themes: type to narrow the list, j/k or arrows move, Enter "
              "chooses"),
    KeyAction("refresh_all", "R", "Refresh every feed", "app", "",
              "Fetch every subscription (syncing first with a [sync] server); progress in the "
              "status bar, one summary at the end"),
    KeyAction("back", "q", "Back (quit from the library)", "screen", "Back",
              "Back to where you came from; from the sources pane, quit"),
    KeyAction("escape", "escape", "Back", "screen"),
    KeyAction("down", "j", "Scroll or move down", "screen", "",
              "Scroll the article one line, or move down a list"),
    KeyAction("up", "k", "Scroll or move up", "screen", "",
              "Scroll the article one line, or move up a list"),
    KeyAction("page_down", "space,pagedown", "Page down", "screen", "",
              "One screen further"),
    KeyAction("page_up", "b,pageup", "Page up", "screen", "", "One screen back"),
    KeyAction("top", "g,home", "Go to the top", "screen", "",
              "The start of the article or the list"),
    KeyAction("bottom", "G,end", "Go to the bottom", "screen", "",
              "The end of the article or the list"),
    KeyAction("open", "enter", "Open", "screen", "Open",
              "Open the highlighted source or article; in an article, the link chosen with "
              "Tab (fetched into the reader)"),
    KeyAction("refresh", "r", "Refresh this feed", "library", "",
              "Fetch the chosen feed, or every feed of the chosen tag"),
    KeyAction("mark_all_read", "A", "Mark every article of the list read", "library", "",
              "Mark every article the list shows read (u undoes it)"),
    KeyAction("undo_mark_all", "u", "Undo the last mark-all-read", "library", "",
              "Make the articles the last A marked read unread again"),
    KeyAction("unread_only", "U", "Show unread only / all", "library", "",
              "Show only the unread articles of the list, or all of them again"),
    KeyAction("sort", "S", "Sort: date, feed, title, reading time", "library", "",
              "Sort the list by date, then feed, title or reading time in turn"),
    KeyAction("hide", "H", "Hide / unhide the article (shown under Hidden)", "library", "",
              "Hide the highlighted article from every list but Hidden, or bring it back"),
    KeyAction("filter", "f", "Filter the list (words, unread, tag:…, @7d …)", "library",
              "Filter", "Narrow the article list as you type; Enter keeps it, Escape clears it"),
    KeyAction("star", "s", "Star / unstar", "screen", "",
              "Star or unstar the article (the highlighted one in a list)"),
    KeyAction("toggle_read", "m", "Mark read / unread", "screen", "",
              "Mark the article read or unread (the highlighted one in a list)"),
    KeyAction("pipe", "vertical_line", "Send the article to a command ([commands])", "screen",
              "", "Run a command of [commands] for the article (the highlighted one in a "
              "list): its link or its text; the output is a notification"),
    KeyAction("browser", "o", "Open in the browser", "screen", "",
              "Open the article's web page (http and https only; the highlighted one in a "
              "list); in an article with a link chosen, that link"),
    KeyAction("copy_link", "y", "Copy the link", "screen", "",
              "Copy the article's web address (the highlighted one in a list); in an article "
              "with a link chosen, that link"),
    KeyAction("quotes", "Q", "List the quotes", "screen", "Quotes",
              "Every quotation as speaker — quote; Enter jumps to it (from a list: opens the "
              "article there)"),
    KeyAction("next_article", "n", "Next article", "article", "Next",
              "The next article of the list this one was opened from"),
    KeyAction("previous_article", "p", "Previous article", "article", "",
              "The previous article of that list"),
    KeyAction("next_unread", "N", "Next unread article", "article", "",
              "The next unread article of that list"),
    KeyAction("next_quote", "right_square_bracket", "Next quote", "article", "Quote",
              "Scroll to the next quotation and highlight it"),
    KeyAction("previous_quote", "left_square_bracket", "Previous quote", "article", "",
              "Scroll to the previous quotation and highlight it"),
    KeyAction("next_link", "tab", "Next link in the text", "article", "Links",
              "Choose the next numbered link of the article text ([1], [2] …); o opens it, "
              "y copies it"),
    KeyAction("previous_link", "shift+tab", "Previous link in the text", "article", "",
              "Choose the previous numbered link of the article text"),
    KeyAction("related", "l", "Fold / unfold related links", "article", "Related",
              "Show or hide the Related links at the end; unfolded, arrows choose and Enter "
              "opens"),
    KeyAction("enclosures", "e", "Enclosures: choose one (Enter plays it)", "article", "",
              "The podcast, video or file the entry carries; Enter plays it with the "
              "configured player (its download once there is one), or opens it in the "
              "browser"),
    KeyAction("images", "i", "Show / hide the article's images", "article", "",
              "The article's images above the text: drawn where the terminal can (Sixel, "
              "kitty), else a line each naming the image, its size, and whether it is cached"),
    KeyAction("download", "d", "Download the chosen enclosure", "article", "",
              "Download the chosen enclosure (else the first) to the downloads folder, "
              "progress in the status bar; an interrupted one resumes"),
    KeyAction("raw", "v", "Raw / clean view", "article", "Raw",
              "The original text as stored, boilerplate included, or the clean view"),
)

BY_NAME: dict[str, KeyAction] = {a.name: a for a in ACTIONS}


def bindings(*scopes: str) -> list[BindingType]:
    """The bindings of the given scopes, for a screen's BINDINGS."""
    return [a.binding() for a in ACTIONS if a.scope in scopes]


def keymap(config_keys: dict[str, str]) -> dict[str, str]:
    """Turn the `[keys]` table (action = "key") into a Textual keymap (binding id -> keys).

    Unknown action names are an error naming the valid ones; other mistakes are left out of
    the keymap and reported by `check_keys`.
    """
    return check_keys(config_keys)[0]


def check_keys(config_keys: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The keymap for `[keys]`, and one line per mistake in it.

    A key name Textual does not know, or an empty one, is left out (the action keeps its
    other keys, or its defaults when none is left). A key given to one action is taken from
    any other action that had it by default where both apply (`star = "j"` takes `j` from
    scrolling: the line says so); the same key given to two actions is kept by the first.
    """
    unknown = sorted(set(config_keys) - set(BY_NAME))
    if unknown:
        raise BylineError(f"bad config: unknown key action {', '.join(unknown)} "
                          f"(known: {', '.join(BY_NAME)})")
    problems: list[str] = []
    chosen: dict[str, list[str]] = {}
    for name, value in config_keys.items():
        names = [part.strip() for part in value.split(",")]
        good = [key for key in names if is_key_name(key)]
        if not good:
            problems.append(f"[keys] {name} = \"{clean_line(value)[:40]}\": no key name "
                            f"Textual knows; {name} keeps {BY_NAME[name].keys}")
            continue
        for key in names:
            if key not in good:
                shown = f"'{clean_line(key)[:40]}' is not a key name; it" if key else \
                    "an empty key name"
                problems.append(f"[keys] {name}: {shown} is ignored")
        chosen[name] = list(dict.fromkeys(good))
    final = {a.name: chosen.get(a.name, a.keys.split(",")) for a in ACTIONS}
    for action in ACTIONS:
        for key in chosen.get(action.name, []):
            for other in ACTIONS:
                if other is action or key not in final[other.name] or \
                        not _overlap(action.scope, other.scope):
                    continue
                problems.append(_clash(action, other, key, final, other.name in chosen))
    changed = {a.name for a in ACTIONS if final[a.name] and final[a.name] != a.keys.split(",")}
    return ({BY_NAME[name].binding_id: ",".join(final[name]) for name in changed},
            problems)


def _clash(action: KeyAction, other: KeyAction, key: str, final: dict[str, list[str]],
           both_chosen: bool) -> str:
    """Settle `key`, given to `action` by the config and also bound to `other`; the line that
    says who has it now. A screen's binding is met before the app's, so it wins there."""
    said = f"[keys] {action.name} = \"{key}\""
    if action.scope == "app" and other.scope != "app":
        final[action.name].remove(key)
        return (f"{said}: {key} stays with {other.name} ({other.description.lower()}) "
                "where that applies; choose another key")
    final[other.name].remove(key)
    if both_chosen:
        return f"{said}: {key} is also given to {other.name}; {action.name} keeps it"
    left = ", ".join(final[other.name])
    return (f"{said} takes {key} from {other.name} ({other.description.lower()}), "
            + (f"which keeps {left}" if left else "which is left with no key"))


_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_NAMED_KEYS = frozenset(key.value.rsplit("+", 1)[-1] for key in Keys) | frozenset(
    {"slash", "backslash", "at", "minus", "plus", "underscore", "space", "enter", "tab",
     "escape", "backspace", "delete"})


def is_key_name(key: str) -> bool:
    """True for a key Textual can bind: modifiers, then a character or a key's name."""
    if not key or key != key.strip():
        return False
    *modifiers, base = key.split("+")
    if not base or any(m not in _MODIFIERS for m in modifiers):
        return False
    if len(base) == 1:
        return base.isprintable() and not base.isspace()
    if base in _NAMED_KEYS or key_to_character(base) is not None:
        return True
    try:
        unicodedata.lookup(base.replace("_", " "))
    except KeyError:
        return False
    return True


def _overlap(a: str, b: str) -> bool:
    """Whether actions of scopes `a` and `b` can be bound on the same screen."""
    return a == b or "app" in (a, b) or "screen" in (a, b)

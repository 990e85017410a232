"""The help screen (`?`): every key, as currently bound, generated from `keys.ACTIONS`."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.keys import format_key
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from reader.tui.keys import ACTIONS, BY_NAME

SCOPES = (("app", "Everywhere"), ("screen", "Lists and articles"), ("library", "Library"),
          ("article", "Article"))


def key_label(keys: str) -> str:
    """`right_square_bracket,pagedown` -> `], pgdn` for people."""
    names = {"enter": "Enter", "escape": "Esc", "space": "Space", "slash": "/"}
    return ", ".join(names.get(k.strip(), format_key(k.strip()))
                     for k in keys.split(",") if k.strip())


class HelpScreen(ModalScreen[None]):
    """Lists every action with its keys (rebound keys from `[keys]` included)."""

    # The reading keys move here too, under their binding ids, so [keys] rebinding applies.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss(None)", "Close"),
        Binding("down", "down", show=False),
        Binding("up", "up", show=False),
        *(BY_NAME[name].binding() for name in ("down", "up", "page_down", "page_up", "top",
                                                "bottom")),
    ]

    def __init__(self, keymap: dict[str, str]) -> None:
        super().__init__()
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for scope, heading in SCOPES:
            table.add_row(Text(heading, style="underline"), Text(""))
            for action in ACTIONS:
                if action.scope == scope:
                    keys = self.keymap.get(action.binding_id, action.keys)
                    table.add_row(Text(key_label(keys)), Text(action.description))
            table.add_row(Text(""), Text(""))
        table.add_row(Text("ctrl+p"), Text("Command palette (every action by name)"))
        with VerticalScroll(id="help-box", classes="dialog"):
            yield Label("Keys", classes="dialog-title")
            yield Static(table, id="help-table")

    @property
    def _box(self) -> VerticalScroll:
        return self.query_one("#help-box", VerticalScroll)

    def action_down(self) -> None:
        self._box.scroll_relative(y=1, animate=False)

    def action_up(self) -> None:
        self._box.scroll_relative(y=-1, animate=False)

    def action_page_down(self) -> None:
        self._box.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self._box.scroll_page_up(animate=False)

    def action_top(self) -> None:
        self._box.scroll_home(animate=False)

    def action_bottom(self) -> None:
        self._box.scroll_end(animate=False)

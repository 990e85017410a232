"""The command palette (`ctrl+p`) and the theme picker (`t`): Textual's palette, where `j` and
`k` move through the list while the filter is empty (once something is typed, they type)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.command import CommandInput, CommandPalette


class Palette(CommandPalette):
    """Textual's command palette with vim's j/k for moving."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "move(1)", show=False, priority=True),
        Binding("k", "move(-1)", show=False, priority=True),
    ]

    def on_mount(self) -> None:
        box = self.query_one_optional(CommandInput)
        if box is None:   # opened while the app was closing: nothing was composed
            return
        typing = box.check_consume_key

        def consumes(key: str, character: str | None) -> bool:
            """The filter takes j and k only once something is typed."""
            if key in ("j", "k") and not box.value:
                return False
            return typing(key, character)

        setattr(box, "check_consume_key", consumes)  # noqa: B010 (this input only)

    def action_move(self, step: int) -> None:
        if step > 0:
            self._action_cursor_down()
        else:
            self._action_command_list("cursor_up")

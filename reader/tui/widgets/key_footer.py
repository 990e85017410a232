"""The footer: Textual's key hints, showing only the hints that fit the width, in order, so
none is cut in half (at 80 columns "/ Sear▏^p palette" became "/ Search" or nothing)."""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeyFooter(Footer):
    """Hints that do not fit are left out whole, last first; the palette key stays."""

    async def recompose(self) -> None:
        await super().recompose()
        self.call_after_refresh(self.fit)

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self.fit)

    def fit(self) -> None:
        """Show the leading hints that fit beside the palette key; hide the rest."""
        keys = list(self.query_children(FooterKey))
        palette = [k for k in keys if k.has_class("-command-palette")]
        room = self.size.width - sum(_width(k) for k in palette)
        for key in keys:
            if key in palette:
                continue
            need = _width(key)
            key.display = need <= room
            room -= need if key.display else room   # nothing after a hint that is left out


def _width(key: FooterKey) -> int:
    """The cells a hint takes: its text as drawn, its margins and border."""
    styles = key.styles
    border = 1 if styles.border_left[0] else 0
    return cell_len(key.render().plain) + styles.margin.width + styles.padding.width + border

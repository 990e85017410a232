"""The article list: a virtual Line API list that fetches only the pages of rows it shows.

No widget per row: 10,000 entries cost one `count()` and one page of `entries()` to show.
Titles are plain strings turned into Segments (never markup).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.library.store import EntryRow
from reader.sanitize import clean_line
from reader.tui.layout import text_width

PAGE = 100
Fetch = Callable[[int, int], list[EntryRow]]   # (offset, limit) -> rows


def _fit(text: str, width: int) -> str:
    """Cut `text` to `width` cells (with an ellipsis) or pad it."""
    if width <= 0:
        return ""
    if text_width(text) <= width:
        return text + " " * (width - text_width(text))
    out = ""
    for ch in text:
        if text_width(out + ch) > width - 1:
            break
        out += ch
    return out + "…" + " " * (width - 1 - text_width(out))


class EntryList(ScrollView, can_focus=True):
    """Rows of one source: unread marker, star, date, source, title, reading time."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "entry-list--cursor", "entry-list--read", "entry-list--unread", "entry-list--meta",
        "entry-list--star",
    }
    DEFAULT_CSS = """
    EntryList { height: 1fr; overflow-x: hidden; }
    EntryList > .entry-list--cursor { background: $block-cursor-blurred-background; }
    EntryList:focus > .entry-list--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
    }
    EntryList > .entry-list--unread { text-style: bold; }
    EntryList > .entry-list--read { color: $text-muted; }
    EntryList > .entry-list--meta { color: $text-muted; }
    EntryList > .entry-list--star { color: $warning; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "cursor_down", show=False),
        Binding("up", "cursor_up", show=False),
    ]

    cursor: reactive[int] = reactive(0)

    class Selected(Message):
        """An entry was chosen (Enter or a click)."""

        def __init__(self, entry_list: EntryList, row: EntryRow, index: int) -> None:
            super().__init__()
            self.entry_list = entry_list
            self.row = row
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._fetch: Fetch = lambda offset, limit: []
        self._count = 0
        self._pages: dict[int, list[EntryRow]] = {}

    # -- data -------------------------------------------------------------------------------

    def show(self, fetch: Fetch, count: int, cursor: int = 0, top: int | None = None) -> None:
        """Show `count` rows read through `fetch(offset, limit)`, the cursor on row `cursor`,
        and row `top` at the top (default: the cursor's row in the middle)."""
        self._fetch = fetch
        self._count = count
        self._pages.clear()
        self.virtual_size = Size(0, count)
        self.cursor = max(0, min(cursor, count - 1))
        if top is None:
            top = self.cursor - self.scrollable_content_region.height // 2
        self.scroll_to(y=max(0, top), animate=False, immediate=True)
        self.refresh()

    def reload(self) -> None:
        """Forget cached rows (read/starred changed) and repaint."""
        self._pages.clear()
        self.refresh()

    @property
    def count(self) -> int:
        return self._count

    def row(self, index: int) -> EntryRow | None:
        if not 0 <= index < self._count:
            return None
        page = index // PAGE
        if page not in self._pages:
            self._pages[page] = self._fetch(page * PAGE, PAGE)
        rows = self._pages[page]
        offset = index - page * PAGE
        return rows[offset] if offset < len(rows) else None

    @property
    def current(self) -> EntryRow | None:
        return self.row(self.cursor)

    # -- cursor -----------------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, self._count - 1)) if self._count else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_lines(old - int(self.scroll_y))
        self.refresh_lines(new - int(self.scroll_y))
        self.scroll_to_region(Region(0, new, 1, 1), animate=False, immediate=True,
                              force=True)

    def refresh_lines(self, y: int, count: int = 1) -> None:
        self.refresh(Region(0, y, self.size.width, count))

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def move_page(self, direction: int) -> None:
        self.cursor += direction * max(1, self.scrollable_content_region.height - 1)

    def move_to(self, index: int) -> None:
        self.cursor = index

    def select(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Selected(self, row, self.cursor))

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_y) + event.y
        if 0 <= index < self._count:
            self.cursor = index
            self.select()

    # -- rendering --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_y) + y
        base = self.rich_style
        row = self.row(index)
        if row is None:
            return Strip.blank(width, base)
        # Full component styles: Textual blends translucent colours ($text-muted) only there.
        style = self.get_component_rich_style(
            "entry-list--read" if row.read else "entry-list--unread")
        meta = self.get_component_rich_style("entry-list--meta")
        star = self.get_component_rich_style("entry-list--star")
        if index == self.cursor:
            cursor = self.get_component_rich_style("entry-list--cursor")
            over = Style(color=cursor.color, bgcolor=cursor.bgcolor)
            style, meta, star = style + over, meta + over, star + over
        segments = [
            Segment(" ● " if not row.read else "   ", style),
            Segment("★ " if row.starred else "  ", star),
        ]
        minutes = f" {row.reading_minutes:>3}m "
        rest = width - 5 - len(minutes)
        date = clean_line(row.published or "")[:10]
        if rest >= 40:
            segments.append(Segment(_fit(date, 10) + " ", meta))
            rest -= 11
        if rest >= 50:
            source_width = min(20, rest // 4)
            segments.append(Segment(_fit(clean_line(row.source), source_width) + " ", meta))
            rest -= source_width + 1
        segments.append(Segment(_fit(clean_line(row.title) or "Untitled", rest), style))
        segments.append(Segment(minutes, meta))
        return Strip(segments).adjust_cell_length(width, base)

"""A one-line status bar: what is shown on the left, the screen's own figures on the right
(reading progress, "? keys"), and the app's activity (a refresh's progress) before them, or,
while nothing runs, the refresh timer's countdown."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from reader.sanitize import clean_line
from reader.tui.layout import text_width


class StatusBar(Widget):
    """Plain text only: both parts are shown literally (they may hold article titles)."""

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $panel;
        color: $text-muted;
        padding: 0 1;
    }
    """

    left: reactive[str] = reactive("")
    right: reactive[str] = reactive("")
    activity: reactive[str] = reactive("")   # set by the app; never replaces `right`
    schedule: reactive[str] = reactive("")   # the app's countdown, shown when no activity is

    def on_mount(self) -> None:
        self.activity = str(getattr(self.app, "refresh_activity", ""))
        self.schedule = str(getattr(self.app, "refresh_schedule", ""))

    def render(self) -> Content:
        left, right = clean_line(self.left), clean_line(self.right)
        activity = clean_line(self.activity or self.schedule)
        if activity:
            right = f"{activity}  {right}" if right else activity
        width = self.content_size.width
        room = width - text_width(right) - 1
        if text_width(left) > room:
            left = left[: max(0, room - 1)] + "…" if room > 1 else ""
        gap = max(1, width - text_width(left) - text_width(right))
        return Content(left + " " * gap + right)

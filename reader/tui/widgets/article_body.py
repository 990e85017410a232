"""The article text: a Line API widget that renders only the visible lines of the layout.

Text reaches the terminal as Rich `Segment`s built from plain strings, so nothing in an
article is ever read as markup. A long article is laid out in steps: the first screenfuls at
once, the rest in small slices on the event loop, so neither the first paint nor a key press
waits on a 5,000-paragraph wrap.
"""

from __future__ import annotations

import asyncio
from bisect import bisect_right
from itertools import pairwise
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import work
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from reader.article.model import Article
from reader.tui.layout import Layout, extend_layout, layout_article, layout_raw

QUICK_BLOCKS = 120   # blocks laid out before the first paint
STEP_BLOCKS = 20     # blocks laid out per step after it (a few ms, so keys stay responsive)
# Roles with a style of their own; the others (paragraph, list item, raw, blank) use the base.
STYLED_ROLES = ("title", "meta", "heading", "media", "blockquote", "preformatted", "speaker",
                "quote", "quote-current", "link", "link-current")


class ArticleBody(Widget):
    """Renders one article (clean or raw) wrapped to the widget's width."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"article-body--{role}" for role in STYLED_ROLES}
    DEFAULT_CSS = """
    ArticleBody {
        height: auto;
        width: 100%;
        max-width: 76;
        padding: 0 2;
    }
    ArticleBody > .article-body--title { text-style: bold; color: $text; }
    ArticleBody > .article-body--meta { color: $text-muted; }
    ArticleBody > .article-body--heading { text-style: bold; color: $primary; }
    ArticleBody > .article-body--media { color: $media; text-style: italic; }
    ArticleBody > .article-body--blockquote { color: $text-muted; }
    ArticleBody > .article-body--preformatted { color: $text-secondary; }
    ArticleBody > .article-body--speaker { color: $speaker; text-style: italic; }
    ArticleBody > .article-body--quote { color: $quote; }
    ArticleBody > .article-body--quote-current { color: $quote; text-style: reverse; }
    ArticleBody > .article-body--link { color: $link; text-style: underline; }
    ArticleBody > .article-body--link-current { color: $link; text-style: reverse; }
    """

    current_quote: reactive[int] = reactive(-1)
    current_link: reactive[int] = reactive(0)   # the chosen link's number; 0: none
    raw: reactive[bool] = reactive(False)

    class LaidOut(Message):
        """The full layout is ready (line positions of quotes and blocks are final)."""

    def __init__(self, article: Article, *, origin: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self.article = article
        self.origin = origin   # the feed's title or the file's name, for the header
        self.layout_result: Layout | None = None
        self.complete = False
        self._cache: dict[tuple[int, int, int], Strip] = {}

    # -- layout -------------------------------------------------------------------------

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._ensure_layout(width).lines)

    def _ensure_layout(self, width: int) -> Layout:
        width = max(10, width)
        current = self.layout_result
        if current is not None and current.width == width:
            return current
        if current is not None and not self.raw and isinstance(self.parent, Widget):
            # Re-flowed at a new width: keep the paragraph at the top of the screen there.
            self.call_after_refresh(self._scroll_to_block,
                                    self.block_at(int(self.parent.scroll_y)))
        if self.raw:
            result = layout_raw(self.article.raw, width)
            self.complete = True
        else:
            result = layout_article(self.article, width, QUICK_BLOCKS, self.origin)
            self.complete = len(result.block_lines) >= len(self.article.blocks)
            if not self.complete:
                self._layout_rest(result)
        self._set_layout(result)
        return result

    def _scroll_to_block(self, block: int) -> None:
        if isinstance(self.parent, Widget) and block:
            self.parent.scroll_to(y=self.block_line(block), animate=False)

    def _set_layout(self, result: Layout) -> None:
        self.layout_result = result
        self._cache.clear()
        if self.complete:
            self.post_message(self.LaidOut())

    @work(exclusive=True, group="layout")
    async def _layout_rest(self, result: Layout) -> None:
        """Lay out the rest of a long article in small steps, yielding to keys in between."""
        steps = 0
        while not self.complete:
            await asyncio.sleep(0)
            if self.layout_result is not result:
                return
            done = extend_layout(result, self.article, len(result.block_lines) + STEP_BLOCKS)
            steps += 1
            if done:
                self.complete = True
                self.post_message(self.LaidOut())
            if done or steps % 50 == 0:
                self.refresh(layout=True)

    def finish_layout(self) -> None:
        """Lay out the rest of a long article now (a jump to the end or to a quote needs it)."""
        result = self.layout_result
        if result is None or self.complete:
            return
        self.complete = extend_layout(result, self.article, len(self.article.blocks))
        self.post_message(self.LaidOut())
        self.refresh(layout=True)

    def relayout(self) -> None:
        """Drop the layout (article, view or width changed) and lay out again."""
        self.layout_result = None
        self._cache.clear()
        self.refresh(layout=True)

    def watch_raw(self) -> None:
        self.relayout()

    # The cache keys hold the current quote and link of each line: a change redraws, and the
    # lines it does not touch keep their strips.
    def watch_current_quote(self) -> None:
        self.refresh()

    def watch_current_link(self) -> None:
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    # -- queries ------------------------------------------------------------------------

    def quote_line(self, number: int) -> int | None:
        """The first display line of quote `number` (None when unknown)."""
        result = self.layout_result
        if result is None or self.raw or not 0 <= number < len(result.quote_lines):
            return None
        line = result.quote_lines[number]
        return line if line >= 0 else None

    def block_line(self, block: int) -> int:
        result = self.layout_result
        if result is None or not result.block_lines:
            return 0
        return result.block_lines[max(0, min(block, len(result.block_lines) - 1))]

    def block_at(self, line: int) -> int:
        """The index of the article block shown at display line `line` (0 before the first)."""
        result = self.layout_result
        if result is None or self.raw:
            return 0
        return max(0, bisect_right(result.block_lines, line) - 1)

    def link_line(self, number: int) -> int | None:
        """The first display line of link `number` (1-based; None when unknown)."""
        result = self.layout_result
        if result is None or self.raw or not 1 <= number <= len(result.link_lines):
            return None
        line = result.link_lines[number - 1]
        return line if line >= 0 else None

    def link_url(self, number: int) -> str | None:
        result = self.layout_result
        if result is None or self.raw or not 1 <= number <= len(result.link_urls):
            return None
        return result.link_urls[number - 1]

    @property
    def link_count(self) -> int:
        result = self.layout_result
        return len(result.link_urls) if result is not None and not self.raw else 0

    @property
    def quote_count(self) -> int:
        result = self.layout_result
        return len(result.quote_lines) if result is not None and not self.raw else 0

    # -- rendering ----------------------------------------------------------------------

    def _style(self, role: str) -> Style:
        if role not in STYLED_ROLES:
            return self.rich_style
        # The full style: Textual blends translucent colours ($text-muted) only there.
        return self.get_component_rich_style(f"article-body--{role}")

    def render_line(self, y: int) -> Strip:
        result = self.layout_result
        width = self.content_size.width
        base = self.rich_style
        if result is None or y >= len(result.lines):
            return Strip.blank(width, base)
        line = result.lines[y]
        quote = next((n for _, _, n in line.quotes if n == self.current_quote), -1)
        link = next((n for _, _, n in line.links if n == self.current_link), 0)
        key = (y, quote, link)
        strip = self._cache.get(key)
        if strip is not None and strip.cell_length == width:
            return strip
        role_style = self._style(line.role)
        marks = [(s, e, "quote-current" if n == self.current_quote else "quote")
                 for s, e, n in line.quotes]
        marks += [(s, e, "link-current" if n == self.current_link else "link")
                  for s, e, n in line.links]
        cuts = sorted({0, len(line.text), *(x for s, e, _ in marks for x in (s, e))})
        segments: list[Segment] = []
        for start, end in pairwise(cuts):
            style = role_style
            for s, e, name in marks:   # quotes first, so a link's colour wins inside a quote
                if s <= start and end <= e:
                    style = style + self._style(name)
            segments.append(Segment(line.text[start:end], style))
        strip = Strip(segments).adjust_cell_length(width, base)
        if len(self._cache) > 2000:
            self._cache.clear()
        self._cache[key] = strip
        return strip

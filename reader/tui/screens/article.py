"""The article screen: the text at a comfortable measure, quotes, related links, raw view."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Collapsible, OptionList
from textual.widgets.option_list import Option

from reader.article.model import Article, Enclosure
from reader.errors import BylineError
from reader.render.enclosures import describe
from reader.sanitize import clean_line, safe_url
from reader.tui import keys
from reader.tui.layout import MAX_TITLE
from reader.tui.messages import (
    CopyLink,
    DownloadMedia,
    OpenInBrowser,
    OpenLink,
    PipeArticle,
    PlayMedia,
    SavePosition,
    SearchLibrary,
    ToggleFlag,
)
from reader.tui.widgets.article_body import ArticleBody
from reader.tui.widgets.key_footer import KeyFooter
from reader.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from reader.library.store import Library


class ArticleScreen(Screen[None]):
    """Shows entry `index` of `entry_ids` (the list it was opened from); n/p walk that list."""

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("screen", "article")

    def __init__(self, library: Library, entry_ids: list[int], index: int = 0, *,
                 quote: int | None = None, images_dir: Path | None = None) -> None:
        super().__init__()
        self.images_dir = images_dir   # the offline image cache (`i` shows what it holds)
        self.library = library
        self.items = entry_ids
        self.index = index
        self.article: Article | None = None
        self.entry_id: int | None = None
        self._restore_block = 0
        self._jump_quote = quote   # a quote chosen in the list's `Q`: shown once laid out
        self.download_note = ""

    def compose(self) -> ComposeResult:
        yield VerticalScroll(id="page")
        yield StatusBar(id="status")
        yield KeyFooter()

    def on_mount(self) -> None:
        page = self.query_one("#page", VerticalScroll)
        self.watch(page, "scroll_y", self._update_status, init=False)
        page.focus()
        self.load(self.index)

    # -- loading ----------------------------------------------------------------------------

    def load(self, index: int) -> None:
        """Show item `index` (saving the reading position of the one we leave)."""
        self.save_position()
        self.index = index
        self.entry_id = self.items[index]
        self.query_one(StatusBar).left = "Loading…"
        self._load_entry(self.entry_id)

    @work(thread=True, exclusive=True, group="article")
    def _load_entry(self, entry_id: int) -> None:
        library = self.library
        try:
            article = library.article(entry_id)
            position = library.position(entry_id)
            origin = library.entry_origin(entry_id)
        except BylineError as exc:
            self.app.call_from_thread(self.notify, exc.message, markup=False, severity="error")
            return
        except Exception as exc:  # a stored article the engine cannot rebuild: say so, go on
            self.app.call_from_thread(self.notify, f"cannot open this article: internal error "
                                      f"({type(exc).__name__})", markup=False, severity="error")
            return
        with contextlib.suppress(BylineError):  # a busy library: it stays unread, no more
            library.set_read(entry_id, True)
        self.app.call_from_thread(self.call_next, self.show, article, position, origin)

    async def show(self, article: Article, position: int = 0, origin: str = "") -> None:
        """Replace the shown article (its body and related links) with `article`; `origin`
        is the feed's title or the file's name, for the header."""
        self.article = article
        self._restore_block = position
        page = self.query_one("#page", VerticalScroll)
        await page.remove_children()
        body = ArticleBody(article, origin=origin, id="body")
        widgets: list[Widget] = [body]
        if article.enclosures:
            options = [Option(self._enclosure_prompt(e), id=str(i))
                       for i, e in enumerate(article.enclosures)]
            enclosures = Collapsible(OptionList(*options, id="enclosure-list"),
                                     title=f"Enclosures ({len(article.enclosures)}): e to "
                                     "choose, Enter to play", collapsed=False, id="enclosures")
            widgets.insert(0, enclosures)
        if article.related:
            options = [Option(self._related_prompt(link.title, link.url), id=str(i))
                       for i, link in enumerate(article.related)]
            related = Collapsible(OptionList(*options, id="related-list"),
                                  title=f"Related ({len(article.related)})", id="related")
            widgets.append(related)
        await page.mount_all(widgets)
        page.scroll_home(animate=False)
        self._update_status()

    @staticmethod
    def _enclosure_prompt(enclosure: Enclosure) -> Text:
        prompt = Text(describe(enclosure))
        prompt.append("\n" + clean_line(enclosure.url), style="dim")
        return prompt

    @staticmethod
    def _related_prompt(title: str, url: str | None) -> Text:
        prompt = Text(clean_line(title) or "Untitled")
        checked = safe_url(url)
        prompt.append("  " + (checked or "(search the library)"), style="dim")
        return prompt

    @on(ArticleBody.LaidOut)
    def _laid_out(self) -> None:
        if self._jump_quote is not None:
            number, self._jump_quote, self._restore_block = self._jump_quote, None, 0
            self.call_after_refresh(self.jump_to_quote, number)
        if self._restore_block:
            body = self.body
            if body is not None:
                self.page.scroll_to(y=body.virtual_region.y + body.block_line(self._restore_block),
                                    animate=False)
            self._restore_block = 0
        self._update_status()

    # -- parts ------------------------------------------------------------------------------

    @property
    def page(self) -> VerticalScroll:
        return self.query_one("#page", VerticalScroll)

    @property
    def body(self) -> ArticleBody | None:
        return self.query_one_optional("#body", ArticleBody)

    def _ensure_full_layout(self) -> ArticleBody | None:
        body = self.body
        if body is not None and not body.complete and not body.raw:
            body.finish_layout()
        return body

    def save_position(self) -> None:
        body = self.body
        if self.entry_id is None or body is None or body.raw:
            return
        self.app.post_message(SavePosition(self.entry_id,
                                           body.block_at(int(self.page.scroll_y))))

    def _update_status(self) -> None:
        status = self.query_one(StatusBar)
        article = self.article
        if article is None:
            return
        page = self.page
        percent = 100 if page.max_scroll_y <= 0 else round(100 * page.scroll_y / page.max_scroll_y)
        body = self.body
        parts = [clean_line(article.title[:MAX_TITLE])]
        if body is not None and body.raw:
            parts.insert(0, "RAW")
        right = [self.download_note] if self.download_note else []
        link = self._chosen_link()
        if link is not None and body is not None:
            parts = [f"[{body.current_link}] {link}"]
            right.append(f"link {body.current_link}/{body.link_count}")
        if body is not None and body.current_quote >= 0 and not body.raw:
            right.append(f"quote {body.current_quote + 1}/{body.quote_count}")
        if len(self.items) > 1:
            right.append(f"{self.index + 1}/{len(self.items)}")
        right.append(f"{percent}%")
        status.left = " · ".join(parts)
        status.right = "  ".join(right)

    # -- navigation -------------------------------------------------------------------------

    def action_back(self) -> None:
        self.save_position()
        self.dismiss()

    def action_escape(self) -> None:
        body = self.body
        if self._related_focused() is not None:
            self.page.focus()
        elif body is not None and body.current_link:
            body.current_link = 0
            self._update_status()
        else:
            self.action_back()

    def _related_focused(self) -> OptionList | None:
        focused = self.focused
        return focused if isinstance(focused, OptionList) else None

    def action_down(self) -> None:
        related = self._related_focused()
        if related is not None:
            related.action_cursor_down()
        else:
            self.page.scroll_down(animate=False)

    def action_up(self) -> None:
        related = self._related_focused()
        if related is not None:
            related.action_cursor_up()
        else:
            self.page.scroll_up(animate=False)

    def action_page_down(self) -> None:
        self.page.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.page.scroll_page_up(animate=False)

    def action_top(self) -> None:
        self.page.scroll_home(animate=False)

    def action_bottom(self) -> None:
        self._ensure_full_layout()
        self.call_after_refresh(self.page.scroll_end, animate=False)

    def action_next_article(self) -> None:
        if self.index + 1 < len(self.items):
            self.load(self.index + 1)
        else:
            self.notify("This is the last article", timeout=2)

    def action_previous_article(self) -> None:
        if self.index > 0:
            self.load(self.index - 1)
        else:
            self.notify("This is the first article", timeout=2)

    def action_next_unread(self) -> None:
        try:
            unread = set(self.library.entry_ids("unread"))
        except BylineError as exc:
            self.notify(exc.message, markup=False, severity="error")
            return
        for index in range(self.index + 1, len(self.items)):
            if self.items[index] in unread:
                self.load(index)
                return
        self.notify("No more unread articles", timeout=2)

    # -- quotes -----------------------------------------------------------------------------

    def jump_to_quote(self, number: int) -> None:
        body = self._ensure_full_layout()
        if body is None or body.raw:
            return
        line = body.quote_line(number)
        if line is None:
            return
        body.current_quote = number
        self.page.scroll_to(y=max(0, body.virtual_region.y + line - 2), animate=False)
        self._update_status()

    def _step_quote(self, step: int) -> None:
        body = self._ensure_full_layout()
        if body is None or body.raw:
            return
        count = body.quote_count
        if not count:
            self.notify("This article has no quotes", timeout=2)
            return
        current = body.current_quote
        if current < 0:
            top = int(self.page.scroll_y) - body.virtual_region.y
            starts = [body.quote_line(n) or 0 for n in range(count)]
            following = [n for n in range(count) if starts[n] >= top]
            target = (following[0] if following else count) if step > 0 else (
                following[0] - 1 if following else count - 1)
        else:
            target = current + step
        if not 0 <= target < count:
            self.notify("No more quotes" if step > 0 else "No earlier quotes", timeout=2)
            return
        self.jump_to_quote(target)

    def action_next_quote(self) -> None:
        self._step_quote(1)

    def action_previous_quote(self) -> None:
        self._step_quote(-1)

    def action_quotes(self) -> None:
        from reader.tui.screens.quotes import QuotesScreen

        article = self.article
        if article is None:
            return
        if not article.quotes:
            self.notify("This article has no quotes", timeout=2)
            return
        self.app.push_screen(QuotesScreen(article), self._quote_chosen)

    def _quote_chosen(self, number: int | None) -> None:
        if number is not None:
            self.jump_to_quote(number)

    # -- links in the text ------------------------------------------------------------------

    def _chosen_link(self) -> str | None:
        """The URL of the link chosen with Tab, if one is."""
        body = self.body
        if body is None or body.raw or not body.current_link:
            return None
        return safe_url(body.link_url(body.current_link))

    def _step_link(self, step: int) -> None:
        body = self._ensure_full_layout()
        if body is None or body.raw:
            self.notify("The raw view has no numbered links (v: the clean view)", timeout=2)
            return
        count = body.link_count
        if not count:
            self.notify("This article has no links in its text", timeout=2)
            return
        if self._related_focused() is not None:
            self.page.focus()
        page = self.page
        top = int(page.scroll_y) - body.virtual_region.y
        bottom = top + page.scrollable_content_region.height
        lines = [body.link_line(n) or 0 for n in range(1, count + 1)]
        current = body.current_link
        if not current or not top <= lines[current - 1] < bottom:
            # from the screen shown: the first link on it (Tab) or the last (Shift+Tab)
            shown = [n for n in range(1, count + 1) if top <= lines[n - 1] < bottom]
            after = [n for n in range(1, count + 1) if lines[n - 1] >= top]
            target = (shown[0] if shown else after[0] if after else count) if step > 0 else (
                shown[-1] if shown else after[0] - 1 if after else count)
        else:
            target = current + step
        if not 1 <= target <= count:
            self.notify("No more links" if step > 0 else "No earlier links", timeout=2)
            return
        body.current_link = target
        line = lines[target - 1]
        if not top <= line < bottom - 1:
            page.scroll_to(y=max(0, body.virtual_region.y + line - 2), animate=False)
        self._update_status()

    def action_next_link(self) -> None:
        self._step_link(1)

    def action_previous_link(self) -> None:
        self._step_link(-1)

    def action_open(self) -> None:
        """Enter on a chosen link: fetch it into the reader (q comes back here)."""
        url = self._chosen_link()
        if url is None:
            self.notify("Tab chooses a link of the text; Enter then opens it, o in the "
                        "browser, y copies it", timeout=4)
            return
        self.notify(f"Opening {url}", markup=False, timeout=3)
        self.app.post_message(OpenLink(url))

    # -- related links ----------------------------------------------------------------------

    def action_related(self) -> None:
        related = self.query_one_optional("#related", Collapsible)
        if related is None:
            self.notify("No related links", timeout=2)
            return
        related.collapsed = not related.collapsed
        if not related.collapsed:
            self.query_one("#related-list", OptionList).focus()
            self.call_after_refresh(self.page.scroll_to_widget, related, animate=False,
                                    top=False)
        else:
            self.page.focus()

    @on(OptionList.OptionSelected, "#related-list")
    def _open_related(self, event: OptionList.OptionSelected) -> None:
        article = self.article
        if article is None or event.option.id is None:
            return
        link = article.related[int(event.option.id)]
        url = safe_url(link.url)
        if url is None:
            self.app.post_message(SearchLibrary(clean_line(link.title)))
            return
        self.notify(f"Opening {url}", markup=False, timeout=3)
        self.app.post_message(OpenLink(url))

    # -- enclosures -------------------------------------------------------------------------

    def action_enclosures(self) -> None:
        """Move into the enclosure list (unfolding it), or back to the text."""
        enclosures = self.query_one_optional("#enclosures", Collapsible)
        if enclosures is None:
            self.notify("This article has no enclosures", timeout=2)
            return
        listing = self.query_one("#enclosure-list", OptionList)
        if self.focused is listing:
            self.page.focus()
            return
        enclosures.collapsed = False
        listing.focus()
        if listing.highlighted is None:
            listing.highlighted = 0
        self.call_after_refresh(self.page.scroll_to_widget, enclosures, animate=False)

    def chosen_enclosure(self) -> int | None:
        """The index of the highlighted enclosure, else 0 (None when there are none)."""
        article = self.article
        if article is None or not article.enclosures:
            return None
        listing = self.query_one_optional("#enclosure-list", OptionList)
        index = listing.highlighted if listing is not None else None
        return index if index is not None and index < len(article.enclosures) else 0

    @on(OptionList.OptionSelected, "#enclosure-list")
    def _play_enclosure(self, event: OptionList.OptionSelected) -> None:
        if self.entry_id is not None and event.option.id is not None:
            self.app.post_message(PlayMedia(self.entry_id, int(event.option.id)))

    def action_download(self) -> None:
        number = self.chosen_enclosure()
        if number is None or self.entry_id is None:
            self.notify("This article has no enclosures", timeout=2)
            return
        self.app.post_message(DownloadMedia(self.entry_id, number))

    async def action_images(self) -> None:
        """Show the article's images above the text (drawn, or as placeholders), or hide them."""
        shown = list(self.query("#images"))
        if shown:
            await shown[0].remove()
            return
        article = self.article
        if article is None:
            return
        from reader.article.images import image_refs
        from reader.sources.images import cached_image
        from reader.tui.images import image_widget

        refs = image_refs(article.raw, article.url) if "<" in article.raw else []
        if not refs:
            self.notify("This article has no images", timeout=2)
            return
        folder = self.images_dir
        images = Vertical(*(image_widget(ref, cached_image(folder, ref.url) if folder else None)
                            for ref in refs), id="images")
        body = self.body
        await self.page.mount(images, before=body if body is not None else None)
        self.page.scroll_to_widget(images, animate=False, top=True)

    def show_download(self, note: str) -> None:
        """Show how a download started from this screen is going (`""`: none)."""
        self.download_note = note
        self._update_status()

    # -- the rest ---------------------------------------------------------------------------

    def action_raw(self) -> None:
        body = self.body
        article = self.article
        if body is None or article is None:
            return
        if not article.raw and not body.raw:
            self.notify("No original text kept for this article", timeout=2)
            return
        body.raw = not body.raw
        for related in self.query("#related"):
            related.display = not body.raw
        self.page.scroll_home(animate=False)
        self._update_status()

    def _link_or_article(self, missing: str) -> str | None:
        """The link chosen with Tab, else the article's own http(s) link; else None, and
        `missing` said."""
        url = self._chosen_link() or safe_url(self.article.url if self.article else None)
        if url is None:
            self.notify(missing, timeout=3)
        return url

    def action_browser(self) -> None:
        url = self._link_or_article("This article has no web link (only http/https links open)")
        if url is not None:
            self.app.post_message(OpenInBrowser(url))

    def action_copy_link(self) -> None:
        url = self._link_or_article("This article has no web link to copy")
        if url is not None:
            self.app.post_message(CopyLink(url))

    def action_star(self) -> None:
        self.app.post_message(ToggleFlag(self.entry_id, "starred"))

    def action_toggle_read(self) -> None:
        self.app.post_message(ToggleFlag(self.entry_id, "read"))

    def action_pipe(self) -> None:
        self.app.post_message(PipeArticle(self.entry_id))

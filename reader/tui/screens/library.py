"""The library screen: sources (with unread counts) beside the article list of the chosen one.

Below 100 columns only one pane shows at a time: Enter drills into the list, q/Escape goes
back to the sources.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from reader.config import View
from reader.errors import BylineError
from reader.library.listings import SORTS, Listing
from reader.library.store import EntryRow, SourceRow
from reader.sanitize import clean_line, safe_url
from reader.tui import keys
from reader.tui.messages import (
    CopyLink,
    MarkListingRead,
    OpenArticles,
    OpenInBrowser,
    PipeArticle,
    RefreshFeeds,
    ToggleFlag,
    UndoMarkRead,
)
from reader.tui.widgets.entry_list import PAGE, EntryList
from reader.tui.widgets.key_footer import KeyFooter
from reader.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from reader.article.model import Article
    from reader.library.store import Library

NARROW = 100   # below this many columns, one pane at a time
OPENED_LABEL = "Opened now"   # the files and URLs given to `byline PATH_OR_URL …`
FILTER_DELAY = 0.15   # seconds of no typing before the live filter applies


class LibraryScreen(Screen[None]):
    """Sources on the left, entries on the right; Enter opens the article screen."""

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("screen", "library")

    def __init__(self, library: Library, source_key: str = "all", *,
                 focus_entries: bool = False, opened: list[int] | None = None,
                 views: Sequence[View] = ()) -> None:
        super().__init__()
        self.library = library
        self.source_key = source_key
        self._focus_entries = focus_entries
        #: The entries of `byline PATH_OR_URL …` (source "opened"), None when none was given.
        self.opened = opened
        self.views = list(views)
        self.sources: list[SourceRow] = []
        self.problems: dict[str, str] = {}   # source key -> why its last refresh failed
        self.view_counts: dict[str, tuple[int, int] | None] = {}  # None: the filter is bad
        self.live_filter = ""
        self.filter_error = ""
        self.unread_only = False
        self.sort = "date"
        self._filter_timer: Timer | None = None
        self._drawn_width = 0   # the width the sources pane was last drawn for

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield OptionList(id="sources")
            with Vertical(id="list-pane"):
                yield Input(placeholder="filter: words, unread, starred, tag:…, feed:…, "
                            "author:…, @7d, -word", id="filter")
                yield EntryList(id="entries")
        yield StatusBar(id="status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(StatusBar).right = "? keys"
        self.query_one("#filter", Input).display = False
        self.reload()
        self._apply_width(self.app.size.width)
        if self._focus_entries:
            self.entries.focus()
        else:
            self.query_one("#sources", OptionList).focus()

    # -- data -------------------------------------------------------------------------------

    @property
    def entries(self) -> EntryList:
        return self.query_one("#entries", EntryList)

    def reload(self) -> None:
        """Re-read sources and counts, keep the chosen source and the reader's place: the
        highlighted article stays highlighted (where new ones came in above it, the list
        scrolls with it, so the rows on screen stay where they were)."""
        library = self.library
        try:
            self.sources = library.sources()
            if self.opened is not None:
                self.sources.insert(0, self._opened_row())
            self.problems = {f"feed:{feed.id}": feed.last_error or feed.last_status or ""
                             for feed in library.feeds()
                             if feed.last_status in ("error", "gone")}
        except BylineError as exc:
            self.notify(exc.message, markup=False, severity="error")
            return
        fixed = next((i for i, row in enumerate(self.sources)
                      if row.key.startswith(("feed:", "tag:"))), len(self.sources))
        self.sources[fixed:fixed] = [
            SourceRow(f"view:{i}", view.name, *self.view_counts.get(f"view:{i}") or (0, 0))
            for i, view in enumerate(self.views)]
        self._render_sources()
        keys_ = [row.key for row in self.sources]
        if self.source_key not in keys_:
            self.source_key = "all"
        self.query_one("#sources", OptionList).highlighted = keys_.index(self.source_key)
        self._show_source(self.source_key, cursor=self.entries.cursor, keep=True)
        if self.views:
            self.call_after_refresh(self._count_views)   # after the screen is drawn

    def _render_sources(self, *, resized: bool = False) -> None:
        """The sources pane from `self.sources`: one line each, cut to the pane's width; a
        rule before the feeds and before the tags, and tags marked `#`. After a resize, only
        when the pane's width changed (1,000 feeds take 0.3 s to draw), and not before the
        pane is laid out (the pass after the first refresh draws it: `_apply_width`)."""
        listing = self.query_one("#sources", OptionList)
        region = listing.scrollable_content_region
        width = region.width
        if width and not listing.show_vertical_scrollbar and len(self.sources) + 2 > region.height:
            width -= listing.styles.scrollbar_size_vertical   # the scrollbar these will need
        if not width or (resized and width == self._drawn_width):
            return
        self._drawn_width = width
        highlighted = listing.highlighted
        scrolled = listing.scroll_y
        listing.clear_options()
        options: list[Option | None] = []
        previous = ""
        for row in self.sources:
            group = row.key.partition(":")[0] if ":" in row.key else ""
            if group != previous and group in ("view", "feed", "tag") and options:
                options.append(None)
            previous = group
            options.append(Option(self._source_prompt(row, width), id=row.key))
        listing.add_options(options)
        if highlighted is None:   # drawn for the first time
            highlighted = next((i for i, row in enumerate(self.sources)
                                if row.key == self.source_key), None)
        if highlighted is not None and highlighted < len(self.sources):
            listing.scroll_to(y=scrolled, animate=False, immediate=True)   # as it was
            listing.highlighted = highlighted

    def show_opened(self, entry_ids: list[int]) -> None:
        """The entries of the targets given on the command line (URLs arrive later)."""
        self.opened = list(dict.fromkeys(entry_ids))
        self.reload()

    def _opened_row(self) -> SourceRow:
        ids = self.opened or []
        rows = self.library.entries(self._query_key("opened"), limit=len(ids))
        return SourceRow("opened", OPENED_LABEL, sum(not r.read for r in rows), len(rows))

    def _query_key(self, key: str) -> str:
        """The library's source key for a row of the sources pane."""
        if key == "opened":
            return "ids:" + ",".join(str(i) for i in self.opened or [])
        return key

    def _source_prompt(self, row: SourceRow, width: int) -> Content:
        """`label  unread/total` on one line: a long label is cut (…) so the counts show; a
        feed without a title shows its URL without the scheme; a tag is marked `#`, a saved
        view `⌕` (its counts `…` until they are made, `bad filter` when it has a mistake).

        Textual `Content` rather than Rich `Text`: the option list has nothing to convert
        (a library of 1,000 feeds draws its pane 40 % sooner)."""
        label = clean_line(row.label) or row.key
        if row.key.startswith("feed:"):
            label = _short_url(label)
        elif row.key.startswith("tag:"):
            label = f"# {label}"
        elif row.key.startswith("view:"):
            label = f"⌕ {label}"
        counts = f"  {row.unread}/{row.total}" if row.unread else f"  {row.total}"
        if row.key.startswith("view:"):
            counted = self.view_counts.get(row.key, ())
            counts = "  bad filter" if counted is None else counts if counted else "  …"
        mark = "  ⚠" if row.key in self.problems else ""
        room = max(4, width - cell_len(counts + mark))
        prompt = Content(label)
        if cell_len(label) > room:
            prompt = prompt.truncate(room, ellipsis=True)
        if row.key.startswith(("tag:", "view:")):
            prompt = prompt.stylize("dim", 0, 1)
        prompt = prompt.append(
            Content(counts).stylize("bold red" if counts == "  bad filter" else "dim"))
        if mark:
            prompt = prompt.append(Content(mark).stylize("bold red"))
        return prompt.stylize("bold") if row.unread else prompt

    @work(thread=True, exclusive=True, group="view-counts")
    def _count_views(self) -> None:
        """Count each saved view off the UI thread (start-up does not wait for them)."""
        counts: dict[str, tuple[int, int] | None] = {}
        for index, view in enumerate(self.views):
            try:
                counts[f"view:{index}"] = self.library.listing_counts(Listing(filter=view.filter))
            except BylineError:
                counts[f"view:{index}"] = None
        self.app.call_from_thread(self._views_counted, counts)

    def _views_counted(self, counts: dict[str, tuple[int, int] | None]) -> None:
        self.view_counts = counts
        for row in self.sources:
            counted = counts.get(row.key)
            if counted:
                row.unread, row.total = counted
        self._render_sources()

    def listing(self, key: str | None = None) -> Listing:
        """What the list shows for source `key` (default: the chosen one): a view's filter
        and the live filter (`f`) narrow it."""
        source = self._query_key(key or self.source_key)
        terms = [self.live_filter]
        if source.startswith("view:"):
            index = int(source.removeprefix("view:"))
            terms.append(self.views[index].filter if index < len(self.views) else "")
            source = "all"
        return Listing(source, " ".join(t for t in terms if t.strip()), self.unread_only,
                       self.sort)

    def _show_source(self, key: str, cursor: int = 0, *, keep: bool = False) -> bool:
        """Show source `key` with the current filter; False (and the list unchanged) when the
        filter cannot be read (the status bar says why). With `keep`, the highlighted article
        stays highlighted and at the same line of the screen (`cursor` when it is gone)."""
        library = self.library
        self.source_key = key
        listing = self.listing(key)
        entries = self.entries
        try:
            count = library.listing_count(listing)
            self.filter_error = ""
            top = None
            if keep and entries.current is not None:
                top = round(entries.scroll_y)
                # New rows can only have come in above it: look that far, and a page more.
                ids = library.listing_ids(listing, cursor + max(0, count - entries.count)
                                          + PAGE)
                if entries.current.id in ids:
                    found = ids.index(entries.current.id)
                    top, cursor = top + found - cursor, found
        except BylineError as exc:
            self.filter_error = exc.message
            self._update_status()
            return False
        entries.show(lambda offset, limit: library.listing_page(listing, limit=limit,
                                                                offset=offset),
                     count, cursor, top)
        self._update_status()
        return True

    def _update_status(self) -> None:
        label = next((r.label for r in self.sources if r.key == self.source_key), "")
        status = self.query_one(StatusBar)
        count = self.entries.count
        status.left = f"{clean_line(label)} · {count} article{'' if count == 1 else 's'}"
        if self.live_filter:
            status.left += f" · filter: {clean_line(self.live_filter)[:60]}"
        if self.unread_only:
            status.left += " · unread only"
        if self.sort != "date":
            status.left += f" · {SORTS[self.sort][0]}"
        if self.filter_error:
            status.left += f" · {clean_line(self.filter_error)}"
        problem = self.problems.get(self.source_key)
        if problem:
            status.left += f" · last refresh failed: {clean_line(problem)}"

    @on(OptionList.OptionHighlighted, "#sources")
    def _source_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        key = event.option.id or "all"
        if key != self.source_key:
            self._show_source(key)

    @on(OptionList.OptionSelected, "#sources")
    def _source_selected(self, event: OptionList.OptionSelected) -> None:
        self._show_source(event.option.id or "all", cursor=self.entries.cursor
                          if event.option.id == self.source_key else 0)
        self.entries.focus()

    @on(EntryList.Selected)
    def _entry_selected(self, event: EntryList.Selected) -> None:
        try:
            ids = self.library.listing_ids(self.listing())
        except BylineError as exc:
            self.notify(exc.message, markup=False, severity="error")
            return
        index = ids.index(event.row.id) if event.row.id in ids else 0
        self.app.post_message(OpenArticles(list(ids), index))

    # -- layout -----------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        self.set_class(width < NARROW, "-narrow")
        if self.sources:
            self.call_after_refresh(self._render_sources, resized=True)  # cut to the width

    def on_descendant_focus(self) -> None:
        self.set_class(self.focused in (self.entries, self._filter_input),
                       "-entries-focused")

    # -- the live filter (f) ----------------------------------------------------------------

    @property
    def _filter_input(self) -> Input:
        return self.query_one("#filter", Input)

    def action_filter(self) -> None:
        box = self._filter_input
        box.display = True
        box.focus()

    @on(Input.Changed, "#filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_DELAY, lambda: self._apply_filter(event.value))

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self._apply_filter(event.value)
        self.entries.focus()

    def _apply_filter(self, text: str) -> None:
        """Narrow the list to `text`; a filter with a mistake leaves the list as it was and
        says why in the status bar."""
        previous = self.live_filter
        self.live_filter = text.strip()
        if not self._show_source(self.source_key):
            self.live_filter = previous
            self._update_status()

    def _close_filter(self) -> None:
        box = self._filter_input
        if self._filter_timer is not None:
            self._filter_timer.stop()
        box.value = ""
        box.display = False
        self.live_filter = ""
        self.filter_error = ""
        self._show_source(self.source_key)
        self.entries.focus()

    # -- actions ----------------------------------------------------------------------------

    def _focused_list(self) -> EntryList | OptionList:
        focused = self.focused
        if isinstance(focused, (EntryList, OptionList)):
            return focused
        return self.entries

    def action_back(self) -> None:
        if self.focused is self._filter_input:
            self._close_filter()
        elif self.focused is self.entries:
            self.query_one("#sources", OptionList).focus()
        else:
            self.app.exit()

    def action_escape(self) -> None:
        if self.focused is self._filter_input:
            self._close_filter()
        elif self.focused is self.entries:
            self.query_one("#sources", OptionList).focus()

    def action_down(self) -> None:
        self._focused_list().action_cursor_down()

    def action_up(self) -> None:
        self._focused_list().action_cursor_up()

    def _page(self, direction: int) -> None:
        target = self._focused_list()
        if isinstance(target, EntryList):
            target.move_page(direction)
        elif direction > 0:
            target.action_page_down()
        else:
            target.action_page_up()

    def action_page_down(self) -> None:
        self._page(1)

    def action_page_up(self) -> None:
        self._page(-1)

    def action_top(self) -> None:
        target = self._focused_list()
        if isinstance(target, EntryList):
            target.move_to(0)
        else:
            target.action_first()

    def action_bottom(self) -> None:
        target = self._focused_list()
        if isinstance(target, EntryList):
            target.move_to(target.count - 1)
        else:
            target.action_last()

    def action_open(self) -> None:
        target = self._focused_list()
        if isinstance(target, EntryList):
            target.select()
        else:
            target.action_select()

    def _current_entry(self) -> int | None:
        row = self.entries.current
        return row.id if row is not None else None

    def _chosen_row(self) -> EntryRow | None:
        """The highlighted article, when the list is on screen; else None, and why not."""
        row = self.entries.current
        if row is None:
            self.notify("No article here: this list is empty", timeout=3)
        elif self.has_class("-narrow") and not self.has_class("-entries-focused"):
            self.notify("Open a source (Enter) and highlight an article first", timeout=3)
            return None
        return row

    def _chosen_link(self, missing: str) -> str | None:
        """The http(s) link of the highlighted article; else None, and `missing` (or why
        no article is chosen) said."""
        row = self._chosen_row()
        if row is None:
            return None
        url = safe_url(row.url)
        if url is None:
            self.notify(missing, timeout=3)
        return url

    def action_browser(self) -> None:
        url = self._chosen_link("This article has no web link (only http/https links open)")
        if url is not None:
            self.app.post_message(OpenInBrowser(url))

    def action_copy_link(self) -> None:
        url = self._chosen_link("This article has no web link to copy")
        if url is not None:
            self.app.post_message(CopyLink(url))

    def action_quotes(self) -> None:
        row = self._chosen_row()
        if row is not None:
            self._quotes_of(row.id)

    @work(thread=True, exclusive=True, group="quotes")
    def _quotes_of(self, entry_id: int) -> None:
        """The quotes list of a highlighted article (cleaned off the UI thread on first use)."""
        try:
            article = self.library.article(entry_id)
        except BylineError as exc:
            self.app.call_from_thread(self.notify, exc.message, markup=False, severity="error")
            return
        self.app.call_from_thread(self._show_quotes, entry_id, article)

    def _show_quotes(self, entry_id: int, article: Article) -> None:
        from reader.tui.screens.quotes import QuotesScreen

        if not article.quotes:
            self.notify("This article has no quotes", timeout=2)
            return

        def chosen(number: int | None) -> None:
            if number is None:
                return
            try:
                ids = self.library.listing_ids(self.listing())
            except BylineError as exc:
                self.notify(exc.message, markup=False, severity="error")
                return
            if entry_id not in ids:
                ids = [entry_id]
            self.app.post_message(OpenArticles(list(ids), ids.index(entry_id), quote=number))

        self.app.push_screen(QuotesScreen(article), chosen)

    def action_star(self) -> None:
        self.app.post_message(ToggleFlag(self._current_entry(), "starred"))

    def action_toggle_read(self) -> None:
        self.app.post_message(ToggleFlag(self._current_entry(), "read"))

    def action_pipe(self) -> None:
        self.app.post_message(PipeArticle(self._current_entry()))

    def action_hide(self) -> None:
        self.app.post_message(ToggleFlag(self._current_entry(), "hidden"))

    def action_mark_all_read(self) -> None:
        if self.filter_error:
            self.notify(self.filter_error, markup=False, severity="error", timeout=3)
            return
        self.app.post_message(MarkListingRead(self.listing()))

    def action_undo_mark_all(self) -> None:
        self.app.post_message(UndoMarkRead())

    def action_unread_only(self) -> None:
        self.unread_only = not self.unread_only
        self._show_source(self.source_key)

    def action_sort(self) -> None:
        names = list(SORTS)
        self.sort = names[(names.index(self.sort) + 1) % len(names)]
        self._show_source(self.source_key)
        self.notify(f"Sorted {SORTS[self.sort][0]}", timeout=2)

    def action_refresh(self) -> None:
        key = self.source_key
        if key.startswith("feed:"):
            only = [key.removeprefix("feed:")]
        elif key.startswith("tag:"):
            tag = key.removeprefix("tag:").casefold()
            only = [str(feed.id) for feed in self.library.feeds()
                    if tag in {t.casefold() for t in feed.tags}]
        else:
            self.notify("Choose a feed or a tag to refresh it (R refreshes every feed)",
                        timeout=3)
            return
        self.app.post_message(RefreshFeeds(only))


def _short_url(label: str) -> str:
    """A feed URL shown as a label (no title): without `https://` and a final `/`."""
    for scheme in ("https://", "http://"):
        if label.startswith(scheme):
            return label[len(scheme):].rstrip("/") or label
    return label

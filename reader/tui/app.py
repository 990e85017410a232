"""The Byline Textual app: themes, keys, the library and the screens' shared services."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer

from reader.article.model import Article, Enclosure
from reader.config import Command, Config
from reader.errors import BylineError
from reader.library.filters import view_problems
from reader.library.listings import Listing
from reader.library.schedule import Schedule
from reader.library.store import Library
from reader.paths import Paths, bundled_themes_dir
from reader.sanitize import clean_line, safe_url
from reader.sync.settings import Secret, SyncSettings
from reader.tui import keys
from reader.tui.auto_refresh import MIN_WAIT, countdown, next_look
from reader.tui.messages import (
    CopyLink,
    DownloadMedia,
    MarkListingRead,
    OpenArticles,
    OpenInBrowser,
    OpenLink,
    PipeArticle,
    PlayMedia,
    RefreshFeeds,
    SavePosition,
    SearchLibrary,
    ToggleFlag,
    UndoMarkRead,
)
from reader.tui.themes import (
    DEFAULT_THEME,
    READER_VARIABLES,
    load_themes,
    save_theme_choice,
    starting_theme,
)

if TYPE_CHECKING:
    from reader.library.refresh import RefreshSummary
    from reader.tui.browser import Browser
    from reader.tui.player import Player


class BylineApp(App[None]):
    """The reader. `opened` articles (from `byline PATH …`) are kept under Local files."""

    CSS_PATH = "app.tcss"
    TITLE = "Byline"
    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("app")
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, paths: Paths, config: Config | None = None, *, offline: bool = False,
                 opened: list[Article] | None = None, urls: list[str] | None = None,
                 notices: list[str] | None = None, theme: str | None = None) -> None:
        super().__init__()
        self.paths = paths
        self.config = config or Config()
        self.offline = offline
        self.opened = opened or []
        self.urls = urls or []
        self.notices = list(notices or []) + self.config.problems
        self._writes = threading.Lock()
        self._last_marked: list[int] = []   # what the last mark-all-read changed (u undoes)
        self.keymap, key_problems = keys.check_keys(self.config.keys)
        self.notices += key_problems
        self.notices += view_problems(self.config.views)
        self.library = Library.open(paths.library_file, extra_rules=self.config.rules or None)
        self.library.feed_rules = self.config.feed_rules
        self.sync_settings = SyncSettings.from_config(self.config)
        self._sync_password: Secret | None = None
        self._sync_failed = False       # the last sync failed: the status bar keeps saying so
        if self.library.notice:
            self.notices.append(self.library.notice)
        self.opened_ids = [self.library.add_local(article) for article in self.opened]
        loaded = load_themes(bundled_themes_dir(), paths.themes_dir)
        self.notices += loaded.problems
        for found in loaded.themes:
            self.register_theme(found)
        wanted = theme
        if wanted is None:
            choice = starting_theme(self.config.theme, paths.state_file, paths.config_file)
            wanted = choice.name
            if choice.changed and choice.note:
                self.notices.append(choice.note)
                with contextlib.suppress(OSError):
                    save_theme_choice(paths.state_file, wanted, self.config.theme)
        if wanted not in self.available_themes:
            self.notices.append(f"theme {clean_line(wanted)[:60]} not found; using {DEFAULT_THEME}")
            wanted = DEFAULT_THEME
        self.theme = wanted
        self._persist_theme = theme is None
        self.refresh_activity = ""   # a refresh's progress, for every status bar
        # The refresh timer ([refresh] interval, [[feed]] interval): when it refreshes next
        # (epoch seconds; None: no feed is on a schedule), what its last refresh ran into, and
        # the countdown every status bar shows. One refresh at a time, timer's or R's.
        self.schedule = Schedule.from_config(self.config, automatic=True)
        self.refresh_at: float | None = None
        self.auto_trouble = ""
        self.refresh_schedule = ""
        self.auto_min_wait = MIN_WAIT
        self.refreshing = False
        self._timer: Timer | None = None

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(READER_VARIABLES)

    def get_css_variables(self) -> dict[str, str]:
        """Textual's variables plus Byline's; a fallback such as `$accent` is resolved here."""
        variables = super().get_css_variables()
        for name in READER_VARIABLES:
            value = variables[name]
            if value.startswith("$"):
                variables[name] = variables.get(value[1:], "ansi_default")
        self.theme_variables = variables
        return variables

    # -- start-up ---------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        from reader.tui.screens.library import LibraryScreen

        targets = len(self.opened) + len(self.urls)
        if not targets:
            return LibraryScreen(self.library, views=self.config.views)
        return LibraryScreen(self.library, "opened", focus_entries=True, views=self.config.views,
                             opened=list(self.opened_ids))

    def on_mount(self) -> None:
        self.set_keymap(self.keymap)
        ids = self.opened_ids
        if len(ids) == 1 and not self.urls:
            self.open_articles(ids, 0)
        for url in self.urls:
            self.open_url_as_article(url, show=len(ids) + len(self.urls) == 1, target=True)
        for notice in self.notices:
            self.notify(notice, markup=False, severity="warning", timeout=8)
        if not ids and not self.urls and self.library.is_empty():
            self._import_samples()
        self._plan_refresh()

    @work(thread=True, exclusive=True, group="samples")
    def _import_samples(self) -> None:
        from reader.tui.samples import import_samples

        problems = import_samples(self.library)
        for problem in problems:
            self.call_from_thread(self.notify, problem, markup=False, severity="warning")
        self.call_from_thread(self.reload_lists)

    def on_unmount(self) -> None:
        self.library.close()

    # -- services the screens share ---------------------------------------------------------

    def reload_lists(self) -> None:
        """Re-read sources, counts and rows in every library screen on the stack."""
        from reader.tui.screens.library import LibraryScreen

        for screen in self.screen_stack:
            if isinstance(screen, LibraryScreen):
                screen.reload()

    def open_articles(self, entry_ids: Sequence[int], index: int,
                      quote: int | None = None) -> None:
        """Open entry `index` of `entry_ids` (at quote `quote`); n/p walk the list. Lists
        re-read on return."""
        from reader.tui.screens.article import ArticleScreen

        self.push_screen(ArticleScreen(self.library, list(entry_ids), index, quote=quote,
                                       images_dir=self.paths.images_dir),
                         lambda _: self.reload_lists())

    @work(thread=True, group="open-url")
    def open_url_as_article(self, url: str, show: bool = True, target: bool = False) -> None:
        """Fetch a page or feed, keep it in the library, and open it (`target`: one of the
        command line's, listed under "Opened now")."""
        from reader.sources.targets import load_url

        try:
            articles = load_url(url, self.config.rules or None, offline=self.offline)
            ids = [self.library.add_local(a) for a in articles]
        except BylineError as exc:
            self.call_from_thread(self.notify, exc.message, markup=False, severity="error")
            return
        except Exception as exc:  # hostile pages must not take the reader down
            self.call_from_thread(self.notify, f"cannot open {clean_line(url)[:200]}: internal "
                                  f"error ({type(exc).__name__})", markup=False, severity="error")
            return
        if target:
            self.call_from_thread(self._add_opened, ids)
        self.call_from_thread(self.reload_lists)
        if show and ids:
            self.call_from_thread(self.open_articles, ids, 0)

    def _add_opened(self, ids: list[int]) -> None:
        from reader.tui.screens.library import LibraryScreen

        self.opened_ids += ids
        for screen in self.screen_stack:
            if isinstance(screen, LibraryScreen) and screen.opened is not None:
                screen.show_opened(self.opened_ids)

    def toggle_flag(self, entry_id: int | None, flag: str) -> None:
        """Flip an entry's starred, read or hidden state (written off the UI thread)."""
        if entry_id is None:
            self.notify("Nothing selected", timeout=2)
            return
        self._toggle_flag(entry_id, flag)

    @work(thread=True, group="writes")
    def _toggle_flag(self, entry_id: int, flag: str) -> None:
        # A refresh in another process may hold the library for a moment: wait here, not in
        # the UI; one toggle at a time, so a quick double press flips twice.
        library = self.library
        with self._writes:
            try:
                now = library.entry_flags(entry_id)[flag]
                if flag == "starred":
                    library.set_starred(entry_id, not now)
                    message = "Unstarred" if now else "Starred"
                elif flag == "hidden":
                    library.set_hidden([entry_id], not now)
                    message = "Shown again" if now else "Hidden (see Hidden)"
                else:
                    library.set_read(entry_id, not now)
                    message = "Marked unread" if now else "Marked read"
            except BylineError as exc:
                self.call_from_thread(self.notify, exc.message, markup=False, severity="error")
                return
        self.call_from_thread(self.notify, message, timeout=2)
        self.call_from_thread(self.reload_lists)

    def choose_command(self, entry_id: int | None) -> None:
        """`|`: pick a command of `[commands]` for the article (the command palette lists
        them with what each is sent); it runs in a worker and says what came of it."""
        from textual.command import SimpleCommand
        from textual.markup import escape

        if entry_id is None:
            self.notify("Nothing selected", timeout=2)
            return
        if not self.config.commands:
            self.notify("No commands yet: add [commands] to config.toml, e.g. "
                        'later = ["wallabag", "add"]', markup=False, timeout=5)
            return
        sent = {"url": "its link", "text": "its text", "markdown": "its Markdown"}
        self.search_commands(
            # the palette reads names and help as markup: escaped, and control bytes removed
            [SimpleCommand(escape(command.name), partial(self.pipe_article, entry_id, command),
                           escape(clean_line(" ".join(command.run))[:60]
                                  + f" ← {sent[command.send]}"))
             for command in self.config.commands.values()],
            placeholder="Send the article to…")

    @work(thread=True, group="pipe")
    def pipe_article(self, entry_id: int, command: Command) -> None:
        """Run `command` for the entry off the UI thread; its output or failure is a
        notification (plain text, never markup)."""
        from reader.render.pipe import pipe_article

        try:
            article = self.library.article(entry_id)
            link = self.library.entry_meta(entry_id)["link"]
        except BylineError as exc:
            self.call_from_thread(self.notify, exc.message, markup=False, severity="error")
            return
        self.call_from_thread(self.notify, f"Sending to {command.name}…", markup=False,
                              timeout=2)
        result = pipe_article(command, article, link or article.url)
        self.call_from_thread(self.notify, result.message, markup=False, timeout=8,
                              severity="information" if result.ok else "error")

    @work(thread=True, group="writes")
    def mark_listing_read(self, listing: Listing) -> None:
        """Mark a list read; remember what changed so `u` can undo it."""
        with self._writes:
            try:
                ids = self.library.mark_listing_read(listing)
            except BylineError as exc:
                self.call_from_thread(self.notify, exc.message, markup=False, severity="error")
                return
            if ids:
                self._last_marked = ids
        count = len(ids)
        self.call_from_thread(self.notify, f"Marked {count} article{'s' * (count != 1)} read"
                              + (" (u undoes it)" if count else ""), timeout=4)
        self.call_from_thread(self.reload_lists)

    @work(thread=True, group="writes")
    def undo_mark_read(self) -> None:
        """Make the articles of the last mark-all-read unread again (once)."""
        with self._writes:
            ids, self._last_marked = self._last_marked, []
            if not ids:
                self.call_from_thread(self.notify, "Nothing to undo", timeout=2)
                return
            try:
                self.library.set_read_many(ids, False)
            except BylineError as exc:
                self._last_marked = ids
                self.call_from_thread(self.notify, exc.message, markup=False, severity="error")
                return
        count = len(ids)
        self.call_from_thread(self.notify, f"Marked {count} article{'s' * (count != 1)} "
                              "unread again", timeout=4)
        self.call_from_thread(self.reload_lists)

    @work(thread=True, group="writes")
    def save_position(self, entry_id: int, block: int) -> None:
        """Remember where reading stopped (a busy library just forgets it this time)."""
        with self._writes, contextlib.suppress(BylineError):
            self.library.set_position(entry_id, block)

    def open_in_browser(self, url: str) -> None:
        """Open an http(s) URL: a graphical browser detached, a terminal one with the reader
        stepping aside (suspended, then back at the same place)."""
        from reader.tui.browser import find_browser

        checked = safe_url(url)
        if checked is None:
            self.notify("Only http(s) links can be opened", severity="error", timeout=3)
            return
        browser = find_browser(self.config.browser, self.config.browser_terminal)
        if browser is None:
            self.notify(f"No browser found (set browser in config.toml); the link: {checked}",
                        markup=False, severity="error", timeout=8)
            return
        if browser.terminal:
            self._run_terminal_browser(browser, checked)
            return
        self.notify(f"Opening {checked}", markup=False, timeout=4)
        self._launch_browser(browser, checked)

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Textual's own link opening (widgets, links in styles) takes the same checked path."""
        self.open_in_browser(url)

    @work(thread=True, group="browser")
    def _launch_browser(self, browser: Browser, url: str) -> None:
        from reader.tui.browser import launch_detached

        try:
            launch_detached(browser, url)
        except OSError as exc:
            self.call_from_thread(self.notify, f"Could not start {browser.name}: "
                                  f"{exc.strerror or exc}", markup=False, severity="error")

    def _run_terminal_browser(self, browser: Browser, url: str) -> None:
        """Hand the terminal to a terminal browser until it exits, then come back as we were."""
        from textual.app import SuspendNotSupported

        from reader.tui.browser import run_in_terminal

        try:
            try:
                with self.suspend():
                    status = run_in_terminal(browser, url)
            except SuspendNotSupported:
                if not self.is_headless:
                    self.notify(f"{browser.name} needs the terminal, and this one cannot be "
                                f"handed over; the link: {url}", markup=False,
                                severity="error", timeout=8)
                    return
                status = run_in_terminal(browser, url, attached=False)  # no terminal to share
        except OSError as exc:
            self.notify(f"Could not start {browser.name}: {exc.strerror or exc}",
                        markup=False, severity="error")
            return
        self.refresh(layout=True)
        if status:
            self.notify(f"{browser.name} exited with status {status}", markup=False,
                        severity="warning", timeout=4)

    def _enclosure(self, entry_id: int, number: int) -> tuple[Enclosure, Path] | None:
        """Enclosure `number` of an entry and the path its download has (or would have)."""
        from reader.sources.download import file_name

        try:
            enclosure = self.library.enclosures(entry_id)[number]
            title = self.library.entry_meta(entry_id)["title"]
        except (BylineError, IndexError) as exc:
            self.notify(exc.message if isinstance(exc, BylineError) else "No such enclosure",
                        markup=False, severity="error")
            return None
        folder = self.config.downloads_folder(self.paths)
        return enclosure, folder / file_name(title, enclosure.url, enclosure.type)

    @work(thread=True, group="download")
    def _download(self, enclosure: Enclosure, path: Path, screen: Screen) -> None:
        """Download in a worker thread; progress in the status bar of the screen that asked."""
        from reader.sources.download import download
        from reader.sources.enclosures import human_size

        shown = [""]

        def progress(done: int, total: int | None) -> None:
            note = f"↓ {done * 100 // total}%" if total else f"↓ {human_size(done)}"
            if note != shown[0]:  # a few dozen updates, not one per read
                shown[0] = note
                self.call_from_thread(self._download_note, screen, note)

        try:
            done = download(enclosure.url, path.parent, path.name, expected_type=enclosure.type,
                            max_bytes=self.config.download_max_mb * 1_000_000,
                            progress=progress)
        except BylineError as exc:
            self.call_from_thread(self._download_note, screen, "")
            self.call_from_thread(self.notify, exc.message, markup=False, severity="error",
                                  timeout=10)
            return
        self.call_from_thread(self._download_note, screen, "")
        self.call_from_thread(self.notify, f"Saved {done.path} ({human_size(done.size)})",
                              markup=False, timeout=8)

    def _download_note(self, screen: Screen, note: str) -> None:
        show = getattr(screen, "show_download", None)
        if show is not None and screen.is_attached:
            show(note)

    def play_media(self, target: str) -> None:
        """Play an enclosure with the config's `player`; without one, open its http(s) URL in
        the browser. A terminal player gets the terminal, as a terminal browser does."""
        from reader.tui.player import Player, start_detached

        if not self.config.player:
            if safe_url(target) is None:
                self.notify("Set player in config.toml to play downloaded files", timeout=6)
                return
            self.notify("No player set in config.toml (player = [\"mpv\"]): opening it in "
                        "the browser", timeout=6)
            self.open_in_browser(target)
            return
        player = Player(list(self.config.player), self.config.player_terminal)
        try:
            if not player.terminal:
                start_detached(player, target)
                self.notify(f"Playing with {player.name}", markup=False, timeout=4)
                return
            status = self._hand_over(player, target)
        except OSError as exc:
            self.notify(f"Could not start {player.name}: {exc.strerror or exc}",
                        markup=False, severity="error")
            return
        if status:
            self.notify(f"{player.name} exited with status {status}", markup=False,
                        severity="warning", timeout=4)

    def _hand_over(self, player: Player, target: str) -> int:
        """Run a terminal player with the terminal handed over, then come back as we were."""
        from textual.app import SuspendNotSupported

        from reader.tui.player import run_attached

        try:
            with self.suspend():
                status = run_attached(player, target)
        except SuspendNotSupported:
            status = run_attached(player, target, attached=False)
        self.refresh(layout=True)
        return status

    def copy_link(self, url: str) -> None:
        """Copy an http(s) link: a clipboard program if there is one, else the terminal."""
        checked = safe_url(url)
        if checked is None:
            self.notify("Only http(s) links are copied", severity="error", timeout=3)
            return
        self.copy_to_clipboard(checked)   # the terminal's OSC 52, and Textual's own clipboard
        self._copy_link(checked)

    @work(thread=True, group="clipboard")
    def _copy_link(self, url: str) -> None:
        from reader.tui.clipboard import copy_link

        copied = copy_link(url)
        if copied.done:
            self.call_from_thread(self.notify, f"Copied {url} {copied.how}", markup=False,
                                  timeout=5)
        else:
            self.call_from_thread(self.notify, f"Could not copy the link: {copied.how}. "
                                  f"The link: {url}", markup=False, severity="warning",
                                  timeout=10)

    # -- app-wide actions -------------------------------------------------------------------

    def action_help(self) -> None:
        from reader.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.keymap))

    def action_search(self, query: str = "") -> None:
        from reader.tui.screens.search import SearchScreen

        if isinstance(self.screen, SearchScreen):
            return
        self.push_screen(SearchScreen(self.library, query))

    def action_pick_theme(self) -> None:
        from textual.theme import ThemeProvider

        from reader.tui.screens.palette import Palette

        self.push_screen(Palette(providers=[ThemeProvider], placeholder="Search for themes…"))

    def watch_theme(self, name: str) -> None:
        if getattr(self, "_persist_theme", False):
            try:
                save_theme_choice(self.paths.state_file, name, self.config.theme)
            except OSError as exc:
                self.notify(f"Could not save the theme choice: {exc}", markup=False)

    def action_refresh_all(self) -> None:
        self.start_refresh(None)

    def start_refresh(self, only: list[str] | None) -> None:
        if self.offline:
            self.notify("Offline (--offline): nothing is fetched", timeout=3)
            return
        if self.refreshing:
            self.notify("A refresh is running: its progress is in the status bar", timeout=3)
            return
        self.refreshing = True
        self._refresh(only)

    def refresh_due(self) -> None:
        """The timer's refresh: the feeds that are due, in the worker `R` uses, quietly (no
        notification: new counts appear in the lists, trouble in the status bar). Nothing
        while a refresh runs; that one plans the next when it ends."""
        if self.refreshing or self.offline:
            return
        self.refreshing = True
        self._refresh(None, due=True)

    @work(thread=True, exclusive=True, group="refresh")
    def _refresh(self, only: list[str] | None, due: bool = False) -> None:
        """Run the refresh in a thread (the UI loop never waits on it); `R` with a `[sync]`
        server syncs with it first, then refreshes only the feeds the server does not hold.
        `due`: the timer's refresh, of the feeds that are due only (no sync)."""
        lines: list[str] = []
        severities: list[SeverityLevel] = []
        if only is None and not due and self.sync_settings is not None:
            line, severity = self._sync_now(self.sync_settings)
            lines.append(line)
            severities.append(severity)
            if all(f.remote_id is not None for f in self.library.feeds()):
                self.call_from_thread(self._refresh_done, lines, severity=_worst(severities))
                return
        line, severity, summary = self._refresh_now(only, self.schedule if due else None)
        if due:
            self.call_from_thread(self._due_refresh_done, _trouble(line, summary))
            return
        self.call_from_thread(self._refresh_done, [*lines, line],
                              severity=_worst([*severities, severity]))

    def _refresh_now(self, only: list[str] | None, schedule: Schedule | None = None,
                     ) -> tuple[str, SeverityLevel, RefreshSummary | None]:
        """Refresh on an event loop of its own (with a `schedule`, the feeds it finds due);
        one line for the summary notification, and the summary when there is one."""
        import asyncio

        from reader.library.refresh import refresh_feeds

        def progress(done: int, total: int, label: str) -> None:
            self.call_from_thread(self._set_refresh_status,
                                  f"Refreshing {done}/{total} {clean_line(label)[:60]}")

        self.call_from_thread(self._set_refresh_status, "Refreshing…")
        try:
            summary = asyncio.run(refresh_feeds(self.paths.library_file, only=only,
                                                progress=progress, hide=self.config.hide,
                                                feed_settings=self.config.feed,
                                                schedule=schedule))
        except BylineError as exc:
            return exc.message, "error", None
        except Exception as exc:  # stored articles stay readable whatever the refresh hit
            return f"refresh failed: internal error ({type(exc).__name__})", "error", None
        text = summary.line()   # one line; the failed feeds are marked ⚠ in the sources
        if summary.errors:
            return text + " · failed feeds are marked ⚠", "warning", summary
        return text, "information", summary

    def _sync_now(self, settings: SyncSettings) -> tuple[str, SeverityLevel]:
        """One sync with the `[sync]` server (the password is asked for once a session);
        progress in the status bar, one line for the summary notification."""
        from reader.sync.api import AuthError
        from reader.sync.engine import open_backend, sync

        def progress(done: int, total: int, label: str) -> None:
            self.call_from_thread(self._set_refresh_status, f"Syncing: {clean_line(label)[:60]}")

        self.call_from_thread(self._set_refresh_status, "Syncing…")
        self._sync_failed = True
        try:
            if self._sync_password is None:
                self._sync_password = settings.password()
            backend = open_backend(settings, self._sync_password)
            try:
                summary = sync(self.library, settings, backend, progress=progress,
                               hide=self.config.hide)
            finally:
                backend.close()
        except AuthError as exc:
            self._sync_password = None     # asked for again at the next sync
            return exc.message, "error"
        except BylineError as exc:         # changes made here stay queued for the next sync
            return exc.message, "error"
        except Exception as exc:
            return f"sync failed: internal error ({type(exc).__name__})", "error"
        self._sync_failed = False
        return summary.line(), "information"

    def _refresh_done(self, lines: list[str], severity: SeverityLevel) -> None:
        """Clear the progress (a failed sync stays said until the next one), show one summary
        notification, re-read the lists, plan the timer's next refresh (R starts its
        countdown again)."""
        self.auto_trouble = ""
        self.notify(" ".join(lines), markup=False, severity=severity, timeout=8)
        self._refresh_ended()

    def _due_refresh_done(self, trouble: str | None) -> None:
        """The timer's refresh ended: new counts in the lists (each keeps its place), what
        went wrong in the status bar (None: it fetched nothing, what was said stays), and
        the next one planned."""
        if trouble is not None:
            self.auto_trouble = trouble
        self._refresh_ended()

    def _refresh_ended(self) -> None:
        """Either refresh ended: clear its progress (a failed sync stays said until the next
        one), re-read the lists, plan the timer's next refresh."""
        self.refreshing = False
        self._set_refresh_status("Sync failed: R retries" if self._sync_failed else "")
        self.reload_lists()
        self._plan_refresh()

    # -- the refresh timer ------------------------------------------------------------------

    def _plan_refresh(self) -> None:
        """Plan the timer's next refresh, if a feed is on a schedule (read off the UI thread)."""
        if self.schedule.active and not self.offline:
            self._next_due()

    @work(thread=True, exclusive=True, group="schedule")
    def _next_due(self) -> None:
        try:
            due = self.schedule.next_due(self.library.feeds())
        except BylineError:   # the library is busy: look again after the shortest wait
            due = time.time()
        self.call_from_thread(self._set_refresh_at, due)

    def _set_refresh_at(self, due: float | None) -> None:
        self.refresh_at = None if due is None else max(due, time.time() + self.auto_min_wait)
        self._tick()

    def _tick(self) -> None:
        """Show the countdown, or start the refresh when its time has come. The timer wakes
        when the minute shown changes (a minute at most), not every second."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.refresh_at is None:
            self._set_schedule(self.auto_trouble)
            return
        left = self.refresh_at - time.time()
        if left <= 0:
            self.refresh_due()
            return
        self._set_schedule(" · ".join(filter(None, [self.auto_trouble, countdown(left)])))
        self._timer = self.set_timer(next_look(left), self._tick)

    def _set_schedule(self, text: str) -> None:
        from reader.tui.widgets.status_bar import StatusBar

        self.refresh_schedule = text
        for screen in {*self.screen_stack, self.screen}:
            for bar in screen.query(StatusBar):
                bar.schedule = text

    def _set_refresh_status(self, text: str) -> None:
        """Show refresh progress in the status bar of every screen (beside, never instead of,
        what the screen itself shows there: the reading progress, "? keys")."""
        from reader.tui.widgets.status_bar import StatusBar

        self.refresh_activity = text
        for screen in {*self.screen_stack, self.screen}:
            for bar in screen.query(StatusBar):
                bar.activity = text

    # -- what screens ask for (reader.tui.messages; handled by name) ------------------------

    def on_open_articles(self, message: OpenArticles) -> None:
        self.open_articles(message.entry_ids, message.index, message.quote)

    def on_open_link(self, message: OpenLink) -> None:
        self.open_url_as_article(message.url)

    def on_open_in_browser(self, message: OpenInBrowser) -> None:
        self.open_in_browser(message.url)

    def on_play_media(self, message: PlayMedia) -> None:
        found = self._enclosure(message.entry_id, message.number)
        if found is not None:
            enclosure, path = found
            self.play_media(str(path) if path.is_file() else enclosure.url)

    def on_download_media(self, message: DownloadMedia) -> None:
        found = self._enclosure(message.entry_id, message.number)
        if found is None:
            return
        enclosure, path = found
        if path.is_file():
            self.notify(f"Already downloaded: {path}", markup=False, timeout=5)
            return
        self.notify(f"Downloading to {path}", markup=False, timeout=4)
        self._download(enclosure, path, self.screen)

    def on_copy_link(self, message: CopyLink) -> None:
        self.copy_link(message.url)

    def on_search_library(self, message: SearchLibrary) -> None:
        self.action_search(message.query)

    def on_toggle_flag(self, message: ToggleFlag) -> None:
        self.toggle_flag(message.entry_id, message.flag)

    def on_save_position(self, message: SavePosition) -> None:
        self.save_position(message.entry_id, message.block)

    def on_pipe_article(self, message: PipeArticle) -> None:
        self.choose_command(message.entry_id)

    def on_mark_listing_read(self, message: MarkListingRead) -> None:
        self.mark_listing_read(message.listing)

    def on_undo_mark_read(self, message: UndoMarkRead) -> None:
        self.undo_mark_read()

    def on_refresh_feeds(self, message: RefreshFeeds) -> None:
        self.start_refresh(message.only)

    # -- the command palette lists every action ---------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for action in keys.ACTIONS:
            target: App[None] | Screen = self if action.scope == "app" else screen
            method = getattr(target, f"action_{action.name}", None)
            if method is not None and action.name != "escape":
                yield SystemCommand(action.description, action.help or action.description,
                                    method)

    def action_command_palette(self) -> None:
        """The command palette, where j and k move while nothing is typed."""
        from reader.tui.screens.palette import Palette

        if self.use_command_palette and not isinstance(self.screen, Palette):
            self.push_screen(Palette(id="--command-palette"))



def _trouble(line: str, summary: RefreshSummary | None) -> str | None:
    """What the status bar keeps saying after a timer's refresh: nothing when all went well,
    None when it fetched nothing (what it said before still holds)."""
    if summary is None:
        return f"refresh failed: {clean_line(line)[:60]}"
    if not summary.feeds_ok and not summary.feeds_failed:
        return None
    if summary.errors:
        failed = len(summary.errors)
        return f"{failed} feed{'s' if failed != 1 else ''} failed ⚠"
    return ""


def _worst(severities: Sequence[SeverityLevel]) -> SeverityLevel:
    """The most serious of the severities (one notification says them all)."""
    order: tuple[SeverityLevel, ...] = ("information", "warning", "error")
    return max(severities, key=order.index, default="information")

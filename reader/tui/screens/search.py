"""Library search (`/`): results as you type, with their count; Enter opens a hit.

The search stays open under the article it opened, so `q` there comes back to the results;
Escape closes it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from reader.errors import BylineError
from reader.library.search import (
    SEARCH_WINDOW,
    Searcher,
    SearchHit,
    SearchResults,
    SearchTooSlow,
)
from reader.sanitize import clean_line, clean_text
from reader.tui.messages import OpenArticles

if TYPE_CHECKING:
    from reader.library.store import Library

LIMIT = 30   # hits listed (more only cost time: the count says how many matched)


ENTER_WITHIN = 0.5   # seconds Enter waits for the beginning of a word to be searched
BEGINNING_WITHIN = 2.0   # seconds a beginning is searched before the reader asks for more
_LAST_WORD = re.compile(r"(\w+)$")


def typed_word(query: str) -> str:
    """The word being typed: the last one, when no space or punctuation ended it."""
    found = _LAST_WORD.search(query)
    return found.group(1) if found else ""


def as_you_type(query: str) -> str:
    """Search the word being typed as a beginning (`zeb` finds zebras); a space ends it."""
    return query + "*" if typed_word(query) else query


def snippet_text(hit: SearchHit) -> Text:
    """The hit's snippet with the matched words in bold (plain text, never markup)."""
    snippet = clean_text(hit.snippet)
    text = Text(snippet, style="italic")
    if snippet == hit.snippet:  # offsets still line up with the text shown
        for start, end in hit.spans:
            text.stylize("bold", start, end)
    return text


def count_text(results: SearchResults) -> str:
    """`No match`, `1 match`, `236 matches, the best 50 listed`, `5,000+ matches …`."""
    if not results.matches:
        return "No match"
    if results.more:
        found = f"More than {SEARCH_WINDOW:,} matches"
        found += f": the newest {SEARCH_WINDOW:,} are ranked" if results.ranked else ""
    else:
        found = f"{results.matches:,} match{'' if results.matches == 1 else 'es'}"
    if not results.ranked:
        found += f", the newest {len(results.hits)} listed (title matches first)"
    elif len(results.hits) < results.matches:
        found += f", the best {len(results.hits)} listed"
    return found


class SearchScreen(ModalScreen[None]):
    """Type to search; Enter (or choosing a hit) opens it above this screen.

    Each key runs two searches: at once on the library's connection, with the word being
    typed as a whole word (quick on any library), then on a `Searcher` of its own with that
    word as a beginning, which the next key stops: thousands of words may share a short
    beginning, and merging them all can take seconds on a big library.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Close"),
        Binding("down", "focus_results", show=False),
    ]

    def __init__(self, library: Library, query: str = "") -> None:
        super().__init__()
        self.library = library
        self.initial = clean_text(query)
        self.hits: list[SearchHit] = []
        self.shown: str | None = None      # the query whose hits are listed
        self.complete: str | None = None   # … when those are its final hits
        self._searcher: Searcher | None = None
        self._found = ""                   # the count of the hits listed
        self.gave_up: str | None = None   # a query whose beginning took too long

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box", classes="dialog"):
            yield Label("Search the library", classes="dialog-title")
            yield Input(self.initial, placeholder="words to find…", id="search-input")
            yield Label("", id="search-count")
            yield OptionList(id="search-results")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        if self.initial:
            self._search(self.initial)

    def on_unmount(self) -> None:
        if self._searcher is not None:
            self._searcher.close()

    @property
    def searcher(self) -> Searcher:
        if self._searcher is None:
            self._searcher = self.library.searcher()
        return self._searcher

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        cleaned = clean_text(event.value)
        if cleaned != event.value:  # a paste can carry escape sequences: the box shows none
            event.input.value = cleaned
            return
        self._search(event.value)

    def _search(self, query: str) -> None:
        if self._searcher is not None:
            self._searcher.interrupt()   # the beginning of an older word: no longer wanted
        self._first(query)
        if as_you_type(query) != query:
            self._beginning(query)

    @work(thread=True, exclusive=True, group="search")
    def _first(self, query: str) -> None:
        """The hits with every word whole (the word being typed too): at once."""
        try:
            results = (self.library.search_results(query, limit=LIMIT) if query.strip()
                       else SearchResults([], 0))
        except BylineError as exc:
            self.app.call_from_thread(self.notify, exc.message, markup=False, severity="error")
            return
        self.app.call_from_thread(self._show, query, results, as_you_type(query) == query)

    @work(thread=True, exclusive=True, group="search-beginning")
    def _beginning(self, query: str) -> None:
        """The hits with the word being typed as a beginning, unless a newer key stops it."""
        try:
            results = self.searcher.search_results(as_you_type(query), limit=LIMIT,
                                                   within=BEGINNING_WITHIN)
        except SearchTooSlow:   # a newer key stopped it, or too many words share it
            self.app.call_from_thread(self._too_many, query)
            return
        except BylineError as exc:
            self.app.call_from_thread(self.notify, exc.message, markup=False, severity="error")
            return
        self.app.call_from_thread(self._show, query, results, True)

    def _too_many(self, query: str) -> None:
        """The word typed as a beginning took too long: the whole-word hits stay, and the
        count line says to type more."""
        if query != self.query_one(Input).value:
            return  # a newer key stopped it: its own search says what it finds
        self.gave_up = query
        if self.shown == query and self.complete != query:
            self.query_one("#search-count", Label).update(self._count_line(query, False))

    def _count_line(self, query: str, complete: bool) -> str:
        if complete:
            return self._found
        if self.gave_up == query:
            return (f"{self._found} · too many words begin with “{typed_word(query)}” to "
                    "search them all: type more of it")
        return f"{self._found} · looking for words that begin with “{typed_word(query)}”…"

    def _show(self, query: str, results: SearchResults, complete: bool) -> None:
        if query != self.query_one(Input).value or (self.complete == query and not complete):
            return  # an older search, or the quick one after the full one: keep what is shown
        self.hits = results.hits
        self.shown = query
        self.complete = query if complete else None
        self._found = count_text(results) if query.strip() else ""
        self.query_one("#search-count", Label).update(self._count_line(query, complete))
        options = []
        for i, hit in enumerate(results.hits):
            prompt = Text(clean_line(hit.title) or "Untitled", style="bold")
            prompt.append("  " + clean_line(hit.source), style="dim")
            prompt.append("\n")
            prompt.append_text(snippet_text(hit))
            options.append(Option(prompt, id=str(i)))
        listing = self.query_one("#search-results", OptionList)
        listing.set_options(options)
        if options:
            listing.highlighted = 0

    def action_focus_results(self) -> None:
        if self.hits:
            self.query_one("#search-results", OptionList).focus()

    def on_key(self, event: events.Key) -> None:
        """Typing in the results goes back to the query."""
        box = self.query_one(Input)
        if (self.focused is not box and event.is_printable and event.character
                and event.key not in self.active_bindings):
            box.focus()
            box.insert_text_at_cursor(event.character)
            event.stop()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter opens the first hit of what is typed, searched now if its final hits have
        not been listed yet (never the hit of an older query)."""
        query = event.value
        if self.complete != query:
            if self._searcher is not None:
                self._searcher.interrupt()
            try:
                try:
                    results = self.library.search_results(as_you_type(query), limit=LIMIT,
                                                          within=ENTER_WITHIN)
                except SearchTooSlow:  # a beginning too many words share: the word whole
                    results = self.library.search_results(query, limit=LIMIT)
            except BylineError as exc:
                self.notify(exc.message, markup=False, severity="error")
                return
            self._show(query, results, True)
        self._open(0)

    @on(OptionList.OptionSelected, "#search-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self._open(int(event.option.id or 0))

    def _open(self, index: int) -> None:
        if 0 <= index < len(self.hits):
            self.app.post_message(OpenArticles([h.entry_id for h in self.hits], index))

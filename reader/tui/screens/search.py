"""Library search (`/`): full-text search as you type; Enter opens the chosen article."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from reader.errors import BylineError
from reader.library.store import SearchHit
from reader.sanitize import clean_line, clean_text

if TYPE_CHECKING:
    from reader.library.store import Library


def as_you_type(query: str) -> str:
    """Search the word being typed as a prefix (`zeb` finds zebras); a space ends the word."""
    return query + "*" if query[-1:].isalnum() else query


def snippet_text(hit: SearchHit) -> Text:
    """The hit's snippet with the matched words in bold (plain text, never markup)."""
    snippet = clean_text(hit.snippet)
    text = Text(snippet, style="italic")
    if snippet == hit.snippet:  # offsets still line up with the text shown
        for start, end in hit.spans:
            text.stylize("bold", start, end)
    return text


class SearchScreen(ModalScreen[tuple[list[int], int] | None]):
    """Dismisses with (hit entry ids, chosen index), or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Close"),
        Binding("down", "focus_results", show=False),
    ]

    def __init__(self, library: Library, query: str = "") -> None:
        super().__init__()
        self.library = library
        self.initial = clean_text(query)
        self.hits: list[SearchHit] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box", classes="dialog"):
            yield Label("Search the library", classes="dialog-title")
            yield Input(self.initial, placeholder="words to find…", id="search-input")
            yield OptionList(id="search-results")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        if self.initial:
            self._search(self.initial)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        cleaned = clean_text(event.value)
        if cleaned != event.value:  # a paste can carry escape sequences: the box shows none
            event.input.value = cleaned
            return
        self._search(event.value)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, query: str) -> None:
        try:
            hits = self.library.search(as_you_type(query), limit=50) if query.strip() else []
        except BylineError as exc:
            self.app.call_from_thread(self.notify, exc.message, markup=False, severity="error")
            return
        self.app.call_from_thread(self._show, query, hits)

    def _show(self, query: str, hits: list[SearchHit]) -> None:
        if query != self.query_one(Input).value:
            return  # an older search finished late: the newer one shows its own hits
        self.hits = hits
        results = self.query_one(OptionList)
        results.clear_options()
        for i, hit in enumerate(hits):
            prompt = Text(clean_line(hit.title) or "Untitled", style="bold")
            prompt.append("  " + clean_line(hit.source), style="dim")
            prompt.append("\n")
            prompt.append_text(snippet_text(hit))
            results.add_option(Option(prompt, id=str(i)))
        if hits:
            results.highlighted = 0

    def action_focus_results(self) -> None:
        self.query_one(OptionList).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        if self.hits:
            self.dismiss(([h.entry_id for h in self.hits], 0))

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(([h.entry_id for h in self.hits], int(event.option.id or 0)))

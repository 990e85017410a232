"""The quotes list (`Q`): every quotation as "speaker — quote" (partial quotes, a few words inside
reported speech, in their marks and tagged "partial"); Enter jumps to it."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from reader.article.model import Article
from reader.sanitize import clean_line


def quote_numbers(article: Article) -> list[int]:
    """For each `article.quotes` entry, the number of its highlighted span in reading order."""
    first: list[int] = []
    total = 0
    for block in article.blocks:
        first.append(total)
        total += len(block.quotes)
    seen: dict[int, int] = {}
    numbers = []
    for quote in article.quotes:
        if not 0 <= quote.block < len(article.blocks):
            numbers.append(-1)
            continue
        ordinal = seen.get(quote.block, 0)
        seen[quote.block] = ordinal + 1
        in_block = len(article.blocks[quote.block].quotes)
        numbers.append(first[quote.block] + min(ordinal, max(0, in_block - 1))
                       if in_block else -1)
    return numbers


class QuotesScreen(ModalScreen[int | None]):
    """Dismisses with the chosen quote's span number (None when closed)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,Q", "dismiss(None)", "Close"),
        Binding("j", "move(1)", show=False),
        Binding("k", "move(-1)", show=False),
    ]

    def __init__(self, article: Article) -> None:
        super().__init__()
        self.article = article
        self.numbers = quote_numbers(article)

    def compose(self) -> ComposeResult:
        options = []
        for i, quote in enumerate(self.article.quotes):
            prompt = Text(clean_line(quote.speaker or "") or "(unattributed)", style="bold")
            prompt.append(" — ")
            if quote.kind == "partial":  # a few quoted words inside reported speech
                prompt.append(f"“{clean_line(quote.text)}”")
                prompt.append("  partial", style="italic dim")
            else:
                prompt.append(clean_line(quote.text))
            options.append(Option(prompt, id=str(i), disabled=self.numbers[i] < 0))
        with Vertical(id="quotes-box", classes="dialog"):
            yield Label(f"Quotes ({len(options)})", classes="dialog-title")
            yield OptionList(*options, id="quotes-list")

    def action_move(self, step: int) -> None:
        listing = self.query_one(OptionList)
        if step > 0:
            listing.action_cursor_down()
        else:
            listing.action_cursor_up()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.numbers[int(event.option.id or 0)])

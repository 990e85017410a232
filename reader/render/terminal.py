"""An article styled for a colour terminal with Rich (text is never parsed as markup)."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console, Group
from rich.padding import Padding
from rich.rule import Rule
from rich.text import Text

from reader.article.model import Article, Block
from reader.render.enclosures import describe
from reader.render.plain import meta_line, speakers_of
from reader.sanitize import clean_line, clean_text

MEASURE = 76
QUOTE_STYLE = "italic #d7875f"
SPEAKER_STYLE = "bold #5f87af"
MEDIA_STYLE = "dim italic"
LINK_STYLE = "underline #5f87af"


def _block_text(block: Block) -> Text:
    """The block's text with its quotation spans highlighted."""
    text = Text(clean_text(block.text))
    for span in block.quotes:
        if 0 <= span.start < span.end <= len(block.text):
            text.stylize(QUOTE_STYLE, span.start, span.end)
    return text


def _render_block(block: Block) -> list[Text | Padding]:
    if block.kind == "heading":
        return [Text(clean_line(block.text), style="bold")]
    if block.kind == "media":
        return [Padding(Text("▶ " + clean_line(block.text), style=MEDIA_STYLE), (0, 0, 0, 2))]
    if block.kind == "preformatted":
        return [Padding(Text(clean_text(block.text), style="dim"), (0, 0, 0, 4))]
    body = _block_text(block)
    if block.kind == "list_item":
        body = Text("• ") + body
    rendered: list[Text | Padding] = [
        Padding(body, (0, 0, 0, 2)) if block.kind in ("blockquote", "list_item") else body
    ]
    speakers = speakers_of(block)
    if speakers:
        rendered.append(Text("    — " + ", ".join(clean_line(s) for s in speakers),
                             style=SPEAKER_STYLE))
    return rendered


def article_renderable(article: Article, origin: str = "") -> Group:
    """Everything `byline read` shows, as one Rich renderable."""
    parts: list[Text | Padding | Rule] = [
        Text(clean_line(article.title), style="bold"),
        Text(meta_line(article, origin), style="dim"),
        Text(""),
    ]
    if article.enclosures:
        parts.append(Rule(f"Enclosures ({len(article.enclosures)})", align="left", style="dim"))
        for number, enclosure in enumerate(article.enclosures, 1):
            line = Text(f"{number}. ") + Text(describe(enclosure), style=MEDIA_STYLE)
            line.append("  " + clean_line(enclosure.url), style=LINK_STYLE)
            parts.append(line)
        parts.append(Text(""))
    for block in article.blocks:
        parts.extend(_render_block(block))
        parts.append(Text(""))
    if article.related:
        parts.append(Rule(f"Related ({len(article.related)})", align="left", style="dim"))
        for link in article.related:
            line = Text("• ") + Text(clean_line(link.title))
            if link.url:
                line.append("  " + clean_line(link.url), style=LINK_STYLE)
            parts.append(line)
    return Group(*parts)


def render_article(article: Article, origin: str = "") -> str:
    """The article as this terminal shows it (its colours, within a comfortable measure),
    as a string: printed, or handed to a pager."""
    terminal = Console(highlight=False)
    colours: Any = terminal.color_system   # the name of the terminal's colour system, or None
    console = Console(file=io.StringIO(), force_terminal=True, color_system=colours,
                      width=min(terminal.width, MEASURE), highlight=False, emoji=False,
                      soft_wrap=False)
    console.print(article_renderable(article, origin))
    return console.file.getvalue()  # type: ignore[attr-defined]

"""The search text of an entry: what the clean view shows, as words for the index.

The full article engine (`reader.article.build.from_html`) runs lazily when an entry is
opened, and the index then takes that article's text (`article_text`). Until then refresh
indexes a quick version of it (`entry_text`): regex passes that never recurse, block by
block, with the boilerplate rules that match whole lines applied.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import TYPE_CHECKING

from reader.sanitize import clean_text

if TYPE_CHECKING:
    from reader.article.model import Article
    from reader.article.rules import Rules

_HIDDEN = re.compile(r"<(?:script|style|noscript|template)\b", re.IGNORECASE)
_DROP = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# A tag with the tags and spaces right after it: one separator, so the words of two paragraphs
# are not left two spaces apart. Spaces only: other whitespace decides where an escape sequence
# that decoded entities bring back ends, so cleaning must still see it.
_TAGS = re.compile(r"<[^>]*>(?:[ ]*<[^>]*>)*[ ]*")
MAX_TEXT = 200_000  # characters of text indexed per entry
# Tags that end a block of text: the unit the boilerplate rules match whole.
_BLOCK_TAGS = re.compile(
    r"<(?:br|hr|/?(?:p|div|li|dt|dd|h[1-6]|blockquote|pre|tr|td|th|figcaption|figure|section"
    r"|article|header|footer|aside|nav|ul|ol|dl|table|main|details|summary))\b[^>]*>",
    re.IGNORECASE)


def html_to_text(markup: str, *, cleaned: bool = False) -> str:
    """Visible words of an HTML fragment on one line: tags dropped, entities decoded,
    controls stripped, whitespace collapsed (search and snippets need nothing more).

    `cleaned`: `markup` went through `clean_text` already, so only decoded entities can
    bring control characters back."""
    if not markup:
        return ""
    text = markup[: MAX_TEXT * 4]
    if "<" in text:
        text = _TAGS.sub(" ", _visible(text))
    if "&" in text:
        text = html.unescape(text)
        cleaned = False
    if not cleaned:
        text = clean_text(text)
    if "  " not in text and _spaces_only(text):
        return text.strip(" ")[:MAX_TEXT]  # the words are one space apart already
    return " ".join(text.split())[:MAX_TEXT]


def _visible(markup: str) -> str:
    """`markup` without its comments and script, style, noscript and template elements."""
    if _HIDDEN.search(markup):
        markup = _DROP.sub(" ", markup)
    if "<!--" in markup:
        markup = _COMMENT.sub(" ", markup)
    return markup


def _spaces_only(text: str) -> bool:
    """Whether the only whitespace in clean `text` is the space."""
    if text.isascii():  # `clean_text` leaves tab and newline, no other ASCII space but " "
        return "\n" not in text and "\t" not in text
    return text.isprintable()  # no printable whitespace but " "


def reading_minutes(text: str) -> int:
    """Reading time at 230 words a minute (the `Article` rule), at least one minute."""
    return max(1, round(len(text.split()) / 230))


def line_reading_minutes(line: str) -> int:
    """`reading_minutes` of a text whose words are separated by single spaces or newlines
    (`html_to_text` and `entry_text` output): counts the separators instead of splitting."""
    words = line.count(" ") + line.count("\n") + 1 - line.endswith(" ") if line else 0
    return max(1, round(words / 230))


def entry_text(raw: str, kind: str, rules: Rules | None = None) -> str:
    """The quick clean text of a stored original (`kind` html, text or markdown), one block
    a line: whole-line boilerplate out, so search never finds what the clean view removed.
    `raw` went through `clean_text` already."""
    kept_lines, load_rules = _boilerplate()
    if kind == "html":
        markup = _visible(raw[: MAX_TEXT * 4])
        pieces = [html_to_text(piece, cleaned=True) for piece in _BLOCK_TAGS.split(markup)]
    else:
        pieces = raw[: MAX_TEXT * 2].split("\n")
    return "\n".join(kept_lines(pieces, rules or load_rules()))[:MAX_TEXT]


@cache
def _boilerplate() -> tuple[Callable[[Iterable[str], Rules], list[str]], Callable[[], Rules]]:
    """`kept_lines` and `load_rules`, imported once at first use: the article engine stays
    out of start-up, and refresh does not pay an import statement per entry."""
    from reader.article.boilerplate import kept_lines
    from reader.article.rules import load_rules

    return kept_lines, load_rules


def article_text(article: Article) -> str:
    """A cleaned article's text for the index: its blocks (captions included), one a line."""
    return clean_text("\n".join(block.text for block in article.blocks))[:MAX_TEXT]

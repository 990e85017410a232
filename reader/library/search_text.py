"""The search text of an entry: cheap HTML-to-words for the index and reading-time estimates.

The full article engine (`reader.article.build.from_html`) runs lazily when an entry is
opened; refresh only needs words, so this is a regex pass that never recurses.
"""

from __future__ import annotations

import html
import re

from reader.sanitize import clean_text

_HIDDEN = re.compile(r"<(?:script|style|noscript|template)\b", re.IGNORECASE)
_DROP = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# A tag with the tags and spaces right after it: one separator, so the words of two paragraphs
# are not left two spaces apart. Spaces only: other whitespace decides where an escape sequence
# that decoded entities bring back ends, so cleaning must still see it.
_TAGS = re.compile(r"<[^>]*>(?:[ ]*<[^>]*>)*[ ]*")
MAX_TEXT = 200_000  # characters of text indexed per entry


def html_to_text(markup: str, *, cleaned: bool = False) -> str:
    """Visible words of an HTML fragment on one line: tags dropped, entities decoded,
    controls stripped, whitespace collapsed (search and snippets need nothing more).

    `cleaned`: `markup` went through `clean_text` already, so only decoded entities can
    bring control characters back."""
    if not markup:
        return ""
    text = markup[: MAX_TEXT * 4]
    if "<" in text:
        if _HIDDEN.search(text):
            text = _DROP.sub(" ", text)
        if "<!--" in text:
            text = _COMMENT.sub(" ", text)
        text = _TAGS.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
        cleaned = False
    if not cleaned:
        text = clean_text(text)
    if "  " not in text and _spaces_only(text):
        return text.strip(" ")[:MAX_TEXT]  # the words are one space apart already
    return " ".join(text.split())[:MAX_TEXT]


def _spaces_only(text: str) -> bool:
    """Whether the only whitespace in clean `text` is the space."""
    if text.isascii():  # `clean_text` leaves tab and newline, no other ASCII space but " "
        return "\n" not in text and "\t" not in text
    return text.isprintable()  # no printable whitespace but " "


def reading_minutes(text: str) -> int:
    """Reading time at 230 words a minute (the `Article` rule), at least one minute."""
    return max(1, round(len(text.split()) / 230))


def line_reading_minutes(line: str) -> int:
    """`reading_minutes` of a text whose words are separated by single spaces
    (`html_to_text` output): counts the spaces instead of splitting."""
    words = line.count(" ") + 1 - line.endswith(" ") if line else 0
    return max(1, round(words / 230))

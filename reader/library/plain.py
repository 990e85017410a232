"""Cheap HTML-to-text for the search index and reading-time estimates at refresh time.

The full article engine (`reader.article.build.from_html`) runs lazily when an entry is
opened; refresh only needs words, so this is a regex pass that never recurses.
"""

from __future__ import annotations

import html
import re

from reader.article.text import clean_text

# Everything `clean_text` would remove starts with one of these characters.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)
_HIDDEN = re.compile(r"<(?:script|style|noscript|template)\b", re.IGNORECASE)
_DROP = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# A tag with the tags and spaces right after it: one separator, so the words of two paragraphs
# are not left two spaces apart. Spaces only: other whitespace decides where an escape sequence
# that decoded entities bring back ends, so cleaning must still see it.
_TAGS = re.compile(r"<[^>]*>(?:[ ]*<[^>]*>)*[ ]*")
# ASCII that `clean_text` keeps as it is: tab, newline and the printable characters.
_SAFE_ASCII = bytes([9, 10, *range(32, 127)])

MAX_TEXT = 200_000  # characters of text indexed per entry


def fast_clean(text: str) -> str:
    """`clean_text`, skipped when a single scan finds nothing it would change."""
    if text.isascii():
        # deleting the safe bytes is a faster scan than the regex: nothing left, nothing to clean
        return clean_text(text) if text.encode().translate(None, _SAFE_ASCII) else text
    return clean_text(text) if _UNSAFE.search(text) else text


def html_to_text(markup: str, *, cleaned: bool = False) -> str:
    """Visible words of an HTML fragment on one line: tags dropped, entities decoded,
    controls stripped, whitespace collapsed (search and snippets need nothing more).

    `cleaned`: `markup` went through `fast_clean` already, so only decoded entities can
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
        text = fast_clean(text)
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

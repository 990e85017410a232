"""Cheap HTML-to-text for the search index and reading-time estimates at refresh time.

The full article engine (`reader.article.build.from_html`) runs lazily when an entry is
opened; refresh only needs words, so this is a regex pass that never recurses.
"""

from __future__ import annotations

import html
import re

from reader.article.text import clean_text

_DROP = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_BREAK = re.compile(r"<(?:/?(?:p|div|li|h[1-6]|blockquote|pre|tr|section|article)\b|br)[^>]*>",
                    re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_BLANKS = re.compile(r"[ \t\r\f\v]+")
_LINES = re.compile(r"\s*\n\s*")

MAX_TEXT = 200_000  # characters of text indexed per entry


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment: tags dropped, entities decoded, controls stripped."""
    if not markup:
        return ""
    text = _DROP.sub(" ", markup[: MAX_TEXT * 4])
    text = _COMMENT.sub(" ", text)
    text = _BREAK.sub("\n", text)
    text = html.unescape(_TAG.sub("", text))
    text = clean_text(text)
    text = _LINES.sub("\n", _BLANKS.sub(" ", text)).strip()
    return text[:MAX_TEXT]


def reading_minutes(text: str) -> int:
    """Reading time at 230 words a minute (the `Article` rule), at least one minute."""
    return max(1, round(len(text.split()) / 230))

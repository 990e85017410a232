"""Sentence boundaries in a paragraph that holds quotations.

A wire dateline ("PORTHALLOW, May 2 — ") is a sentence of its own. A sentence ends at
`. ! ? …` (closing marks allowed) before a capital, a digit or an opening mark; not after an
abbreviation ("Mr.", "Sen.", "U.S.", an initial). A quotation that ends with such a stop ends
its sentence too (“We won.” Then …), wherever else its own sentences end.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from reader.article.names import is_abbreviation
from reader.article.quotemarks import MarkSpan

_BREAK = re.compile(r"[.!?…][”’\"»')]*(?=\s)")
_SPACE = re.compile(r"\s*")
_OPENING = "“‘\"'«„(`["
_ABBREVIATED = re.compile(r"(?:[A-Za-z]\.){2,}\Z")  # U.S., D.C.
# A wire dateline opening a paragraph ("PORTHALLOW, May 2 (Reuters) — "): its own sentence.
DATELINE = re.compile(r"[A-Z][A-Z.'’ -]+[A-Z.](?:,[^—–\n]{1,40}?)?(?: \([^)\n]{1,30}\))?"
                      r"\s*(?:—|–|--)\s*(?=\S)")


def blank_spans(text: str, spans: Sequence[MarkSpan]) -> str:
    """`text` with every quote-mark span replaced by spaces (offsets unchanged)."""
    if not spans:
        return text
    parts: list[str] = []
    pos = 0
    for s in spans:
        parts += [text[pos:s.start], " " * (s.end - s.start)]
        pos = s.end
    parts.append(text[pos:])
    return "".join(parts)


def _starts_sentence(ch: str) -> bool:
    return ch.isupper() or ch.isdigit() or ch in _OPENING


def sentence_starts(text: str, narration: str, spans: Sequence[MarkSpan]) -> list[int]:
    """Offsets where the sentences of `text` begin (0 first). `narration` is `text` with its
    quotations blanked, so stops inside them do not count."""
    starts = {0}
    dateline = DATELINE.match(text)
    if dateline:
        starts.add(dateline.end())
    for m in _BREAK.finditer(narration):
        start = _SPACE.match(text, m.end()).end()  # type: ignore[union-attr]
        if start >= len(text) or not _starts_sentence(text[start]):
            continue
        # the word that ends in the stop
        word = narration[max(0, m.start() - 40):m.start() + 1].rsplit(None, 1)[-1]
        if is_abbreviation(word) or _ABBREVIATED.search(word):
            continue
        starts.add(start)
    for s in spans:
        if not s.closed or _last_char(text, s.inner_start, s.inner_end) not in ".!?…":
            continue
        rest = text[s.end:s.end + 8]
        gap = len(rest) - len(rest.lstrip())
        if gap and s.end + gap < len(text) and _starts_sentence(text[s.end + gap]):
            starts.add(s.end + gap)
    return sorted(starts)


def _last_char(text: str, start: int, end: int) -> str:
    """The last character of `text[start:end]` that is not a space ("" if none)."""
    while end > start and text[end - 1].isspace():
        end -= 1
    return text[end - 1] if end > start else ""


def sentence_of(starts: list[int], at: int, length: int) -> tuple[int, int]:
    """(start, end) of the sentence holding offset `at`."""
    k = bisect_right(starts, at) - 1
    return starts[k], starts[k + 1] if k + 1 < len(starts) else length

"""Quote-mark spans: every common style of quotation mark, paired into spans.

Double marks: “…”, "…", „…“, «…» and »…«, ''…'' (two apostrophes, as wire and archive texts
write them), ``…'' (TeX style), and mixtures of straight and curly marks ("…”, “…").
Single marks (‘…’, '…') count only where they are the article's primary quotation marks
(British style). A mark left open runs to the end of its paragraph: the quotation may continue
in the next one. Work is linear in the text, whatever marks it holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeVar

# Opening mark -> the marks that close it, best first (the nearest of these wins); a mark in
# _FALLBACK closes only when none of the proper ones follows.
_CLOSERS: dict[str, tuple[str, ...]] = {
    "“": ("”", "’’", "''"),
    '"': ('"', "”", "''"),
    "''": ("''", "”", "’’"),
    "``": ("''", "”", '"'),
    "‘‘": ("’’", "”", "''"),
    "„": ("“", "”"),
    "«": ("»",),
    "»": ("«",),
    "”": ("”",),  # Swedish and Finnish style: ”…”
    "‘": ("’",),
    "'": ("'",),
}
_FALLBACK: dict[str, str] = {"“": '"', "''": '"'}
# An opening-shaped mark used as a closing one: after a word or punctuation, before a space.
_CURLY_AS_CLOSING = re.compile(r"“(?<=[\w.,!?;]“)(?=[\s.,;:!?)—–]|$)")
SINGLE = frozenset({"‘", "'"})
# Marks that open a quotation for certain wherever they stand.
OPENING_ONLY = frozenset({"“", "„", "«", "``", "‘‘"})
# Each alternative opens with a literal, so the regex engine skips to the next mark at once.
_DOUBLES = "''|``|‘‘|“|„|«|»|\"|”"
_DOUBLE_MARKS = re.compile(_DOUBLES)
_ALL_MARKS = re.compile(_DOUBLES + "|‘|'")
_SINGLE_OPENING = re.compile("(?:^|[\\s(\\[{—–/:;,“«„-])['‘][^\\s']")  # not don't, Jones' car
_NOT_A_QUOTE = re.compile(r"['‘](?:\d\ds|em|n'|tis)\b")  # ’90s, 'em, rock 'n' roll
_MAX_SINGLE = 3000  # characters searched for the end of a single-quoted span
_BEFORE_OPEN = frozenset(" \t\n\u00a0([{—–-/:;,“‘«„")
_SHORT_WORDS = 4


@dataclass
class MarkSpan:
    """One quote-mark span inside a block."""

    start: int  # the opening mark
    end: int  # after the closing mark (or the end of the block when the quote runs on)
    inner_start: int
    inner_end: int
    opener: str
    closed: bool

    def inner(self, text: str) -> str:
        return text[self.inner_start:self.inner_end].strip(" \t\n\u00a0\u202f")


Span = TypeVar("Span", bound=MarkSpan)  # the kind of span a caller has made


class _Finder:
    """`str.find` over one text with memory: searches move forward, so each mark is searched
    for across the text once per scan (no quadratic rescans on hostile input)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._next: dict[str, int] = {}

    def find(self, mark: str, start: int) -> int:
        known = self._next.get(mark)
        if known is not None and (known == -1 or known >= start):
            return known
        found = self.text.find(mark, start)
        self._next[mark] = found
        return found


def _is_opener(text: str, i: int, mark: str, finder: _Finder) -> bool:
    """Whether `mark` at `i` opens a quotation (not an apostrophe, inch mark or closing)."""
    after = i + len(mark)
    nxt = text[after] if after < len(text) else ""
    if not nxt:
        return False
    if nxt.isspace() and mark not in "«»":  # “ You know, …”: a curly opening mark, spaced
        return mark in "“„" and text[after + 1:after + 2].isalnum()
    prev = text[i - 1] if i else " "
    if mark in OPENING_ONLY:
        return True
    if mark == "»":  # reversed guillemets (»…«), German/Danish style
        return prev in _BEFORE_OPEN and finder.find("«", after) >= 0
    if prev not in _BEFORE_OPEN:
        return False
    return mark in ("\"", "”", "''") or not _NOT_A_QUOTE.match(text, i)


def _single_close(text: str, start: int, opener: str) -> int | None:
    """Closing mark of a single-quoted span, skipping apostrophes (don’t, ’90s, Jones’ car)."""
    mark = _CLOSERS[opener][0]
    possessive: int | None = None
    i = start - 1
    limit = start + _MAX_SINGLE
    next_open = text.find(opener, start, limit) if opener != mark else -1
    while (i := text.find(mark, i + 1, limit)) >= 0:
        if possessive is not None and 0 <= next_open < i:
            break  # another quotation opens: the Jones’ above closed ours
        prev = text[i - 1]
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if prev.isspace():
            if possessive is not None:
                break  # another quotation opens: the Jones’ above closed ours
            continue
        if nxt.isalnum() and (prev.isalnum() or prev in ".,"):
            continue  # don’t, it’s, o’clock
        if prev in "sS" and nxt == " " and text[i + 2:i + 3].isalpha():
            if possessive is None:
                possessive = i  # Jones’ car … or ‘… Jones’ said
            continue
        return i
    return possessive


def _close(text: str, start: int, opener: str, finder: _Finder) -> tuple[int, int] | None:
    """Where the quotation opened by `opener` closes: (offset, length of the closing mark)."""
    if opener in SINGLE:
        i = _single_close(text, start, opener)
        return None if i is None else (i, 1)
    found = [(i, len(c)) for c in _CLOSERS[opener] if (i := finder.find(c, start)) >= 0]
    if opener in _FALLBACK:  # “… ," said X. "…”: a curly opening closed by a straight mark
        limit = min(found)[0] if found else len(text)
        straight = _straight_close(text, start, limit)
        if straight is not None:
            found = [(straight, 1)]
        elif opener == "“":
            curly = _CURLY_AS_CLOSING.search(text, start, limit)  # “It's unusual,“ said X
            if curly is not None:
                found = [(curly.start(), 1)]
    if not found:
        return None
    i, width = min(found)
    if width == 2 and text[i:i + 3] == "'''":
        i += 1  # ‘…'.''’: a single mark closes first, then the double one
    return i, width


def _straight_close(text: str, start: int, limit: int) -> int | None:
    """A straight mark before `limit` that closes rather than opens a nested quotation
    (“He said "no" to me” has none; “… publicity," said Guardian. "…” has one)."""
    depth = 0
    i = text.find('"', start, limit)
    while i >= 0:
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if before.isspace() or before in "([{—–":
            depth += 1  # opens a quotation nested in ours
        elif depth:
            depth -= 1
        elif after.isspace() or after in ".,;:!?)—–":
            return i
        i = text.find('"', i + 1, limit)
    return None


def _scan(text: str, marks: re.Pattern[str], make: type[Span]) -> list[Span]:
    """Every quote-mark span of `text`, in order (an unclosed one runs to the end)."""
    spans: list[Span] = []
    m = marks.search(text)
    if m is None:
        return spans  # most paragraphs: no finder to set up
    finder = _Finder(text)
    while m is not None:
        i, mark = m.start(), m.group()
        if not _is_opener(text, i, mark, finder):
            m = marks.search(text, i + 1 if mark == "''" else m.end())
            continue
        close = _close(text, m.end(), mark, finder)
        if close is None:
            end = len(text.rstrip())
            spans.append(make(i, end, m.end(), end, mark, closed=False))
            return spans
        j, width = close
        spans.append(make(i, j + width, m.end(), j, mark, closed=True))
        m = marks.search(text, j + width)
    return spans


def _speech_like(span: MarkSpan, text: str) -> bool:
    """Long enough, or punctuated, to count as evidence for the article's primary marks."""
    inner = span.inner(text)
    return inner[-1:] in ",.!?…" or len(inner.split(None, _SHORT_WORDS)) > _SHORT_WORDS


def _singles_primary(spans: dict[int, list[Span]], texts: dict[int, str]) -> bool:
    """British style: single marks hold more speech-like quotations than double marks (the
    double ones are counted only until they are as many)."""
    singles = sum(s.opener in SINGLE and _speech_like(s, texts[i])
                  for i, block_spans in spans.items() for s in block_spans)
    doubles = 0
    for i, block_spans in spans.items():
        for s in block_spans:
            if doubles >= singles:
                return False
            if s.opener not in SINGLE and _speech_like(s, texts[i]):
                doubles += 1
    return singles > doubles


def mark_spans(texts: dict[int, str], make: type[Span]) -> dict[int, list[Span]]:
    """The quote-mark spans of each block text, with single marks where they are primary, made
    as `make` (`MarkSpan` or a subclass)."""
    spans = {i: _scan(t, _DOUBLE_MARKS, make) for i, t in texts.items()}
    maybe_single = {i for i, t in texts.items()
                    if ("‘" in t or "'" in t) and _SINGLE_OPENING.search(t)}
    if maybe_single:
        mixed = {i: _scan(t, _ALL_MARKS, make) if i in maybe_single else spans[i]
                 for i, t in texts.items()}
        if _singles_primary(mixed, texts):
            return mixed
    return spans

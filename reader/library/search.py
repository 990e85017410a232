"""Full-text search helpers: user queries made safe for FTS5, snippets with highlight spans."""

from __future__ import annotations

import re

# Markers FTS5 puts around matched terms in snippets. Stored text never contains them:
# `clean_text` strips every C0 control before anything is written.
HIT_START = "\x02"
HIT_END = "\x03"

_TERM = re.compile(r"[\w][\w'’.-]*\*?|\"[^\"]*\"")


def fts_query(query: str) -> str | None:
    """Turn what a user typed into an FTS5 query: every term quoted, all terms required.

    Operators and punctuation in the input are treated as text, so no input is a syntax
    error. A trailing `*` on a word keeps its prefix meaning; `"a phrase"` stays a phrase.
    Returns None when the query holds no searchable term.
    """
    parts: list[str] = []
    for match in _TERM.finditer(query):
        term = match.group()
        prefix = term.endswith("*") and not term.startswith('"')
        words = term.strip('"*').strip("'’.-")
        if not re.search(r"\w", words):
            continue
        quoted = '"' + words.replace('"', '""') + '"'
        parts.append(quoted + ("*" if prefix else ""))
    return " ".join(parts) or None


def split_snippet(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """Remove the hit markers from an FTS5 snippet; return the text and the matched spans."""
    text: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    start: int | None = None
    for piece in re.split(f"([{HIT_START}{HIT_END}])", marked):
        if piece == HIT_START:
            start = length
        elif piece == HIT_END:
            if start is not None and length > start:
                spans.append((start, length))
            start = None
        else:
            text.append(piece)
            length += len(piece)
    return "".join(text), spans

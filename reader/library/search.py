"""Full-text search helpers: user queries made safe for FTS5, snippets with highlight spans."""

from __future__ import annotations

import re

# Markers FTS5 puts around matched terms in snippets. Stored text never contains them:
# `clean_text` strips every C0 control before anything is written.
HIT_START = "\x02"
HIT_END = "\x03"

_OPERATORS = frozenset({"OR", "NOT"})
_TERM = re.compile(r"[\w][\w'’.-]*\*?|\"[^\"]*\"")


def fts_query(query: str) -> str | None:
    """Turn what a user typed into an FTS5 query: every term quoted, all terms required.

    Punctuation and FTS5 syntax in the input are treated as text, so no input is a syntax
    error. Kept: a trailing `*` (prefix search), `"a phrase"`, and `AND`/`OR`/`NOT` in capitals
    between two terms. Returns None when the query holds no searchable term.
    """
    parts: list[str] = []
    for match in _TERM.finditer(query):
        term = match.group()
        if term == "AND":  # the default between terms
            continue
        if term in _OPERATORS:
            if parts and parts[-1] not in _OPERATORS:
                parts.append(term)
            continue
        prefix = term.endswith("*") and not term.startswith('"')
        words = term.strip('"*').strip("'’.-")
        if not re.search(r"\w", words):
            continue
        quoted = '"' + words.replace('"', '""') + '"'
        parts.append(quoted + ("*" if prefix else ""))
    while parts and parts[-1] in _OPERATORS:
        parts.pop()
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

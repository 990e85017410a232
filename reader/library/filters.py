"""The filter language of `byline list --filter`, `byline search`, saved views and `f`.

A filter is terms separated by spaces; every term must hold (AND), `-` before a term negates
it. Terms:

    climate  "sea level"     words and phrases, matched by the full-text index (FTS5)
    unread  read  starred    the entry's state
    tag:news                 the feed has that tag (any case)
    feed:harbour             the feed's title or URL contains it (or its id is it)
    author:okafor            an author's name contains it
    title:ferry              the title contains it
    has:quotes               the cleaned article holds quotations (known once it was cleaned)
    @7d  @12h  @2w  @3m @1y  newer than that (`-@7d`: older)
    @2026-11-01..            on or after a day; `@..2026-11-30` on or before;
    @2026-11-01..2026-11-30  between, both days included; `@2026-11-01` that day

A field's value may be quoted (`feed:"Harbour Desk"`). Mistakes are one-line `FilterError`s.
`compile_filter` turns a filter into an SQL condition on `entries e`, and `fts_query` words
into a full-text query that is never a syntax error; this module runs no SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from reader.config import View
from reader.errors import BylineError
from reader.sanitize import clean_line

FIELDS = ("tag", "feed", "author", "title", "has")
HAS = {"quotes": "e.quotes > 0"}
# `+`: the state is tested on the list's own covering index, never chosen as the index to
# walk (the read-state index would read every wide row it finds).
STATES = {"unread": "+e.read = 0", "read": "+e.read = 1", "starred": "+e.starred = 1"}
_UNITS = {"h": 3600, "d": 86_400, "w": 7 * 86_400, "m": 30 * 86_400, "y": 365 * 86_400}
_TOKEN = re.compile(r'\s*(-?)((?:[A-Za-z]+:)?"[^"]*"|\S+)')
# Entries of the feeds with a tag (any case): the filter `tag:` and the source `tag:<name>`.
TAGGED = "e.feed_id IN (SELECT feed_id FROM feed_tags WHERE tag = ? COLLATE NOCASE)"
# `+e.id`: walk the list's own index in order and test each id against the matches (one
# set built from the index), instead of reading every match's row and sorting them.
_IN_INDEX = "+e.id IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?)"
_AGE = re.compile(r"(\d{1,5})([hdwmy])")
MAX_FILTER = 1000   # characters of a filter read
# Words for the full-text index (`fts_query`): terms and phrases, AND/OR/NOT between them.
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


class FilterError(BylineError):
    """A filter that cannot be read; the message says where and what to write instead."""

    def __init__(self, message: str) -> None:
        super().__init__(f"bad filter: {message}")


@dataclass(frozen=True)
class Filter:
    """A compiled filter: an SQL condition on `entries e` with its parameters."""

    text: str
    where: str
    params: tuple[object, ...]


def compile_filter(text: str, now: float | None = None) -> Filter:
    """The SQL condition for `text` (an empty filter matches everything).

    `now` (seconds since the epoch) anchors relative ages; dates are days in UTC.
    """
    if len(text) > MAX_FILTER:
        raise FilterError(f"too long ({len(text)} characters, at most {MAX_FILTER})")
    moment = datetime.now(UTC).timestamp() if now is None else now
    clauses: list[str] = []
    params: list[object] = []
    words: list[str] = []
    unwanted: list[str] = []   # negated words: one full-text query with the words (a NOT b)
    for negated, term in _tokens(text):
        if _is_word(term):
            (unwanted if negated else words).append(term)
            continue
        sql, values = _term(term, moment)
        clauses.append(f"NOT ({sql})" if negated else sql)
        params.extend(values)
    match = None
    if words:
        match = fts_query(" ".join(words))
        if match is None:
            raise FilterError(f"no word to search for in {_shown(' '.join(words))}")
    for term in unwanted:
        other = fts_query(term)
        if other is None:
            raise FilterError(f"nothing to search for in {_shown('-' + term)}")
        if match is None:
            clauses.append(f"NOT ({_IN_INDEX})")
            params.append(other)
        else:
            match = f"({match}) NOT ({other})"
    if match is not None:
        clauses.insert(0, _IN_INDEX)
        params.insert(0, match)
    return Filter(text, " AND ".join(clauses) or "1", tuple(params))


def split_words(text: str, *, lenient: bool = False) -> tuple[str, str]:
    """`text` as (its words and phrases, the rest of its terms): a search ranks the words
    and keeps the rest as a filter. `lenient` (what a search box wants): an unclosed quote
    is closed and a term that is not valid is taken as words, so no input is an error."""
    if len(text) > MAX_FILTER:
        if not lenient:
            raise FilterError(f"too long ({len(text)} characters, at most {MAX_FILTER})")
        text = text[:MAX_FILTER]
    if lenient and text.count('"') % 2:
        text += '"'
    words: list[str] = []
    rest: list[str] = []
    for negated, term in _tokens(text):
        shown = ("-" if negated else "") + term
        if not negated and _is_word(term):
            words.append(term)
            continue
        if lenient and _is_word(term):   # a negated word
            if fts_query(term) is not None:
                rest.append(shown)
            continue
        if lenient:
            try:
                _term(term, 0.0)
            except FilterError:
                words.append(shown)
                continue
        rest.append(shown)
    return " ".join(words), " ".join(rest)


def _tokens(text: str) -> list[tuple[bool, str]]:
    if text.count('"') % 2:
        raise FilterError(f"unclosed quote in {_shown(text)}")
    return [(bool(m.group(1)), m.group(2)) for m in _TOKEN.finditer(text)]


def _is_word(term: str) -> bool:
    """Whether a term goes to the full-text index (not a state, a field or an age)."""
    if term in STATES or term.startswith("@"):
        return False
    return not re.match(r"[A-Za-z]+:", term)


def _term(term: str, now: float) -> tuple[str, list[object]]:
    """The SQL for one term that is not a bare word (or a negated word)."""
    if term in STATES:
        return STATES[term], []
    if term.startswith("@"):
        return _age(term, now)
    field_match = re.match(r"([A-Za-z]+):(.*)", term, re.DOTALL)
    if field_match is None:   # a word: compile_filter gives words to the full-text index
        raise FilterError(f"{_shown(term)} is a word, not a term")
    name, value = field_match.group(1).lower(), field_match.group(2).strip('"')
    if name not in FIELDS:
        raise FilterError(f"unknown field {_shown(name + ':')} (fields: "
                          f"{', '.join(f + ':' for f in FIELDS)}); quote it to search for it")
    if not value:
        raise FilterError(f"{name}: needs a value, as in {name}:{_EXAMPLE[name]}")
    if name == "has":
        if value.lower() not in HAS:
            raise FilterError(f"unknown has:{_shown(value)} (known: "
                              f"{', '.join('has:' + h for h in HAS)})")
        return HAS[value.lower()], []
    pattern = "%" + _like(value) + "%"
    if name == "tag":
        return TAGGED, [value]
    if name == "feed":
        return ("e.feed_id IN (SELECT id FROM feeds WHERE title LIKE ? ESCAPE '\\' "
                "OR url LIKE ? ESCAPE '\\' OR CAST(id AS TEXT) = ?)", [pattern, pattern, value])
    column = "e.authors" if name == "author" else "e.title"
    return f"{column} LIKE ? ESCAPE '\\'", [pattern]


_EXAMPLE = {"tag": "news", "feed": "harbour", "author": "okafor", "title": "ferry",
            "has": "quotes"}


def _age(term: str, now: float) -> tuple[str, list[object]]:
    """`@7d` (newer than), `@DAY`, `@DAY..`, `@..DAY`, `@DAY..DAY` as a sort_time condition."""
    body = term[1:]
    relative = _AGE.fullmatch(body)
    if relative:
        return "e.sort_time >= ?", [now - int(relative.group(1)) * _UNITS[relative.group(2)]]
    if ".." not in body:
        start = _day(body, term)
        return "e.sort_time >= ? AND e.sort_time < ?", [start, start + 86_400]
    first, _, last = body.partition("..")
    if not first and not last:
        raise FilterError(f"{_shown(term)} needs a day on at least one side of '..'")
    clauses: list[str] = []
    values: list[object] = []
    if first:
        clauses.append("e.sort_time >= ?")
        values.append(_day(first, term))
    if last:
        clauses.append("e.sort_time < ?")
        values.append(_day(last, term) + 86_400)
    return " AND ".join(clauses), values


def _day(text: str, term: str) -> float:
    """Midnight UTC of a YYYY-MM-DD day, in seconds since the epoch."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise FilterError(f"{_shown(term)} is not a date or an age: write @7d, @12h, @2w, "
                          "@2026-11-01, @2026-11-01.. or @..2026-11-30") from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()


def _like(value: str) -> str:
    """`value` as a literal inside a LIKE pattern (escape character `\\`)."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _shown(text: str) -> str:
    """A piece of user input, safe and short, in quotes, for an error message."""
    return "'" + clean_line(text)[:60] + "'"



def view_problems(views: list[View]) -> list[str]:
    """One line per saved view whose filter cannot be read (the view then lists nothing)."""
    problems = []
    for view in views:
        try:
            compile_filter(view.filter, 0.0)
        except FilterError as exc:
            problems.append(f"[[views]] {_shown(view.name)}: {exc.message}")
    return problems

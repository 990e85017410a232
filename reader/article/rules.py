"""Boilerplate rules: the packaged `rules.toml` plus the user's `[rules]` config table.

The rules are data. This module only loads, validates and compiles them; `boilerplate.py`
applies them. Compiled packaged rules are cached, so cleaning many articles is cheap.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from re import _constants as _sre  # type: ignore[attr-defined]
from re import _parser as _sre_parser  # type: ignore[attr-defined]
from typing import Any

from reader.errors import BylineError

RULES_FILE = Path(__file__).with_name("rules.toml")
ACTIONS = frozenset({"remove", "media", "related", "related_heading", "remove_heading",
                     "remove_until"})
# `[rules]` config keys and the action each one's patterns get.
USER_KEYS = {
    "remove": "remove",
    "media": "media",
    "related": "related",
    "related_headings": "related_heading",
    "remove_headings": "remove_heading",
}
USER_MAX_CHARS = 300
_Bucket = tuple[
    tuple["Family", ...], re.Pattern[str],
    tuple[tuple[int, re.Pattern[str], tuple[str, ...]], ...], tuple[str, ...],
]
# The characters beyond ASCII that a case-insensitive pattern matches with an ASCII letter
# ("İ" and "ı" with "i", "ſ" with "s", the Kelvin sign with "k"): their lower case is not it.
_FOLDS_TO_ASCII = "\u0130\u0131\u017f\u212a"
_COMPILE_AFTER = 200  # lines of one length bucket before its alternation is compiled
_MIN_NEEDLE = 4
_RARE_MARKS = frozenset("/|©@:")  # single characters rare enough in prose to be a needle
_QUANTIFIERS = frozenset("*+?{")
# Escapes that are one atom of two characters (classes, and escaped punctuation).
_SIMPLE_ESCAPES = frozenset("dDsSwW") | frozenset("\\.^$*+?{}[]()|-/'\"&#~ ")


@dataclass(frozen=True)
class Family:
    """One named rule family: patterns matched against whole lines, and what a match means."""

    name: str
    action: str
    sources: tuple[str, ...]  # the patterns as written; compiled on first use
    max_chars: int
    glued: str | None = None  # alternation of marker patterns found stuck to prose
    anywhere: str | None = None  # alternation of markers cut wherever they appear
    absorbs_source: str | None = None
    until_source: str | None = None  # remove_until: the marker that closes the bracket

    @cached_property
    def patterns(self) -> tuple[re.Pattern[str], ...]:
        """Compiled lazily: a short article only ever needs the families its lines reach."""
        return tuple(re.compile(source, re.IGNORECASE) for source in self.sources)

    @cached_property
    def gates(self) -> tuple[tuple[str, ...] | None, ...]:
        """Per pattern: substrings one of which a line must contain for a scanning pattern
        (one that starts with a repeat, like "[^.]{0,120}?all rights reserved") to be tried."""
        return tuple(_fewest(gate) if (gate := _gate(source)) else None for source in self.sources)

    @cached_property
    def absorbs(self) -> re.Pattern[str] | None:
        return re.compile(self.absorbs_source, re.IGNORECASE) if self.absorbs_source else None

    @cached_property
    def until(self) -> re.Pattern[str] | None:
        return re.compile(self.until_source, re.IGNORECASE) if self.until_source else None

    @cached_property
    def _gated(self) -> bool:
        return any(self.gates)

    def match(self, line: str) -> re.Match[str] | None:
        """The full match of `line` (already stripped), or None when too long or no match."""
        if len(line) > self.max_chars:
            return None
        low = line.lower() if self._gated else ""
        for pattern, gate in zip(self.patterns, self.gates, strict=True):
            if gate is not None and not any(needle in low for needle in gate):
                continue
            found = pattern.fullmatch(line)
            if found:
                return found
        return None


@dataclass(frozen=True)
class Rules:
    """Every rule family in the order they are tried (user families first)."""

    families: tuple[Family, ...]

    def family_for(self, line: str, *, gated: bool = True,
                   ) -> tuple[Family, re.Match[str]] | None:
        """The first family whose pattern matches the whole (stripped) line, with its match.

        Short texts loop over the families. Once many lines of one length bucket have been
        seen, one C-level match of an alternation (a named group per family) rejects prose
        and names the winner: compiling it costs more than a short article saves.
        `gated=False`: the caller found none of the bucket's gate needles in the line
        (`holds_no_needle`), so the gated patterns are not looked at.
        """
        if len(line) > self.longest:
            return None
        limits = self._limits
        limit = limits[bisect_left(limits, len(line))]
        bucket = self._alternations.get(limit)
        if bucket is None:
            seen = self._seen
            seen[limit] = seen.get(limit, 0) + 1
            if seen[limit] < _COMPILE_AFTER:
                return self._loop(line)
            bucket = self._alternations[limit] = self._alternation(limit)
        families, named, tried, every = bucket
        best: int | None = None
        hit = named.fullmatch(line)
        if hit is not None and hit.lastgroup is not None:
            best = int(hit.lastgroup[1:])
        low = line.lower() if gated else ""
        # Substring tests: faster than one regex search for any of a score of literals.
        if gated and tried and any(needle in low for needle in every):
            for index, pattern, gate in tried:  # in family order: an earlier family wins
                if best is not None and index >= best:
                    break
                if any(needle in low for needle in gate) and pattern.fullmatch(line):
                    best = index
                    break
        if best is None:
            return None
        family = families[best]
        found = family.match(line)
        # The alternation loosens back-references, so a miss here means: ask every family.
        return (family, found) if found is not None else self._loop(line)

    def compile_long(self, chars: int) -> None:
        """Compile now, rather than at first use, what lines of `chars` characters or more
        are matched with: the alternations of their length buckets (and so their families'
        patterns). A refresh does it once before it forks its parse workers, which then
        share it instead of each compiling it for its first paragraphs."""
        for limit in self._limits:
            if limit >= chars and limit not in self._alternations:
                self._alternations[limit] = self._alternation(limit)

    def holds_no_needle(self, line: str) -> bool:
        """True when the (stripped) line holds none of the needles of its length bucket's
        gated patterns, of the glued markers and of the anywhere markers: then only the
        bucket's alternation can match it, and no marker is glued to it. One scan of the line
        for the dozen needles costs less than the three tests apart (the glued markers'
        search is a regex stepping through every character). False when not known: the
        bucket is not compiled yet, or the line holds a character that matches an ASCII
        letter case-insensitively without lowering to it ("ſ" matches "s"; the glued markers
        were searched for by their patterns, their needles by the line's lower case)."""
        if len(line) > self.longest:
            found = self._marker_needles
        else:
            limits = self._limits
            limit = limits[bisect_left(limits, len(line))]
            found = self._line_needles.get(limit)
            if found is None:
                bucket = self._alternations.get(limit)
                if bucket is None or self._marker_needles is None:
                    return False
                found = self._line_needles[limit] = _fewest((*bucket[3],
                                                             *self._marker_needles))
        if found is None or (not line.isascii() and any(c in line for c in _FOLDS_TO_ASCII)):
            return False
        low = line.lower()
        return not any(needle in low for needle in found)

    @cached_property
    def _line_needles(self) -> dict[int, tuple[str, ...]]:
        return {}

    @cached_property
    def _marker_needles(self) -> tuple[str, ...] | None:
        """The needles of the glued and anywhere markers; None when some have none, or a
        glued one is not ASCII (see `holds_no_needle`)."""
        glued = needles(self._glued_body) if self._glued_body else ()
        anywhere = self._anywhere_needles or ()
        if glued is None or (self._anywhere_body and not anywhere) or not all(
                needle.isascii() for needle in glued):
            return None
        return _fewest((*glued, *anywhere))

    def _loop(self, line: str) -> tuple[Family, re.Match[str]] | None:
        for family in self.families:
            found = family.match(line)
            if found is not None:
                return family, found
        return None

    def _alternation(self, limit: int) -> _Bucket:
        """For lines up to `limit` long: the families; one alternation of their ungated
        patterns with a named group per family (it rejects prose and names the winner: no
        slower than a plain alternation, and half the compile time of both); and the gated
        patterns, tried only when a line holds one of their substrings."""
        families = tuple(f for f in self.families if f.max_chars >= limit)
        each: list[str] = []
        gated: list[tuple[int, re.Pattern[str], tuple[str, ...]]] = []
        every: set[str] = set()
        for i, family in enumerate(families):
            pairs = list(zip(family.patterns, family.gates, strict=True))
            each.append("|".join(f"(?:{_ungrouped(p.pattern)})" for p, g in pairs if g is None)
                        or "(?!)")
            for pattern, gate in pairs:
                if gate:
                    gated.append((i, pattern, gate))
                    every.update(gate)
        named = "|".join(f"(?P<f{i}>{alt})" for i, alt in enumerate(each)) or "(?!)"
        return (families, re.compile(named, re.IGNORECASE), tuple(gated), _fewest(every))

    @cached_property
    def _alternations(self) -> dict[int, _Bucket]:
        return {}

    @cached_property
    def _seen(self) -> dict[int, int]:
        return {}

    @cached_property
    def _limits(self) -> list[int]:
        return sorted({f.max_chars for f in self.families})

    @cached_property
    def glued(self) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
        """Glued markers of every `remove` family: (at the start of a block, after a sentence).

        The second pattern starts with the sentence end itself (group 1), which lets the regex
        engine skip quickly to candidate positions.
        """
        body = self._glued_body
        if not body:
            return None
        tail = r"\s*(?=$|(?-i:[A-Z“\"‘(]))"
        return (re.compile(rf"\s*(?:{body}){tail}", re.IGNORECASE),
                re.compile(rf"([.!?”\"’)])\s+(?:{body}){tail}", re.IGNORECASE))

    @cached_property
    def _glued_body(self) -> str:
        return "|".join(f.glued for f in self.families if f.glued is not None
                        and f.action == "remove")

    @cached_property
    def anywhere(self) -> re.Pattern[str] | None:
        """Markers of every `remove` family that are cut even from the middle of a sentence."""
        body = self._anywhere_body
        return re.compile(rf"\s*\b(?:{body})\b\s*", re.IGNORECASE) if body else None

    @cached_property
    def _anywhere_body(self) -> str:
        return "|".join(f.anywhere for f in self.families if f.anywhere and f.action == "remove")

    @cached_property
    def _anywhere_needles(self) -> tuple[str, ...] | None:
        found = needles(self._anywhere_body) if self._anywhere_body else None
        return _fewest(found) if found else None

    def may_contain_anywhere(self, text: str) -> bool:
        """False when `text` cannot hold an `anywhere` marker (a cheap substring test)."""
        found = self._anywhere_needles
        if found is None:
            return self.anywhere is not None
        low = text.lower()
        return any(needle in low for needle in found)

    @cached_property
    def longest(self) -> int:
        """The longest line any family looks at."""
        return max((f.max_chars for f in self.families), default=0)

    def by_name(self, name: str) -> Family:
        """The family called `name` (KeyError if there is none)."""
        for family in self.families:
            if family.name == name:
                return family
        raise KeyError(name)


def needles(pattern: str) -> tuple[str, ...] | None:
    """Lower-case strings of which any match of `pattern` contains at least one, or None.

    "(?:story|article) continues (?:below|after) (?:this )?advertisement|ADVERTISEMENT" gives
    ("advertisement", "advertisement"): text without either cannot match, and a substring test
    is far cheaper than a case-insensitive regex search over every block.
    """
    try:
        tree = _sre_parser.parse(pattern, re.IGNORECASE)
    except re.error:
        return None
    found = _needles(list(tree))
    return tuple(found) if found else None


def _fewest(found: Iterable[str]) -> tuple[str, ...]:
    """`found` without repeats and without needles that hold a shorter one: the same
    any-of substring test, with fewer scans of the text (sorted: the same order each time)."""
    out: list[str] = []
    for needle in sorted(set(found), key=lambda n: (len(n), n)):
        if not any(kept in needle for kept in out):
            out.append(needle)
    return tuple(sorted(out))


def _needles(items: list[tuple[Any, Any]]) -> list[str] | None:
    """Needles of a sequence: its longest usable literal run, or those of a required group
    in it."""
    if len(items) == 1 and items[0][0] is _sre.BRANCH:
        out: list[str] = []
        for alternative in items[0][1][1]:
            sub = _needles(list(alternative))
            if sub is None:
                return None
            out += sub
        return out
    options: list[list[str]] = []
    run = ""
    for op, value in [*items, (None, None)]:
        if op is _sre.LITERAL:
            run += chr(value)
            continue
        if len(run.strip()) >= _MIN_NEEDLE or run.strip() in _RARE_MARKS:
            options.append([run.lower()])  # each run is required: any usable one will do
        run = ""
        if op is _sre.BRANCH:
            sub = _needles([(op, value)])
        elif op is _sre.SUBPATTERN:
            sub = _needles(list(value[-1]))
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and value[0] >= 1:
            sub = _needles(list(value[2]))  # repeated at least once: required
        else:
            continue
        if sub:
            options.append(sub)
    if not options:
        return None
    # Fewest needles first, then the longest shortest needle: the most selective test.
    return min(options, key=lambda o: (len(o), -min(len(n) for n in o)))


def _gate(pattern: str) -> tuple[str, ...] | None:
    """Needles for a pattern that starts by scanning (a repeat or a look-ahead), else None."""
    if not _may_scan(pattern):
        return None  # most patterns: no need to parse them twice (parsing is half a compile)
    try:
        tree = list(_sre_parser.parse(pattern, re.IGNORECASE))
    except re.error:
        return None
    if not tree or tree[0][0] not in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.ASSERT):
        return None
    found = _needles(tree)
    return tuple(found) if found else None


def _may_scan(pattern: str) -> bool:
    """False when `pattern` surely opens with a plain atom (a character, escape, class or
    group) that is not repeated: then it cannot start with a repeat or a look-ahead. True
    when unsure (look-arounds, inline flags, odd escapes): the parser decides."""
    if pattern.startswith("(?") and not pattern.startswith(("(?:", "(?P<")):
        return True
    end = _atom_end(pattern, 0)
    return end is None or pattern[end:end + 1] in _QUANTIFIERS


def _atom_end(pattern: str, start: int) -> int | None:
    """The index just past the atom at `start`, or None if it is not one this scanner knows."""
    first = pattern[start:start + 1]
    if first == "\\":
        return start + 2 if pattern[start + 1:start + 2] in _SIMPLE_ESCAPES else None
    if first == "[":
        i = start + 1
        i += pattern.startswith("^", i)
        i += pattern.startswith("]", i)  # a "]" right after "[" or "[^" is a literal
        while i < len(pattern) and pattern[i] != "]":
            i += 2 if pattern[i] == "\\" else 1
        return i + 1 if i < len(pattern) else None
    if first == "(":
        depth, i = 0, start
        while i < len(pattern):
            char = pattern[i]
            if char == "[":
                end = _atom_end(pattern, i)
                if end is None:
                    return None
                i = end
                continue
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 2 if char == "\\" else 1
        return None
    return start + 1 if first and first not in "^$|)*+?{" else None


def _ungrouped(pattern: str) -> str:
    """`pattern` with named groups made plain, so many patterns can share one alternation.

    A back-reference `(?P=name)` becomes `.*?`: the alternation may then match more than
    the family does, never less (`family_for` checks the family itself).
    """
    return re.sub(r"\(\?P=\w+\)", ".*?", re.sub(r"\(\?P<\w+>", "(?:", pattern))


def _compile(patterns: list[str], where: str) -> tuple[re.Pattern[str], ...]:
    """Each pattern compiled case-insensitively; a bad pattern is a one-line BylineError."""
    out = []
    for pat in patterns:
        if not isinstance(pat, str):
            raise BylineError(f"bad rules in {where}: patterns must be strings, got {pat!r}")
        try:
            out.append(re.compile(pat, re.IGNORECASE))
        except re.error as exc:
            raise BylineError(f"bad rule in {where}: {pat!r}: {exc}") from None
    return tuple(out)


def _family(data: dict[str, Any], where: str, *, check: bool = True) -> Family:
    """A family from its TOML table. `check` compiles every pattern now (user rules, so a bad
    regex is reported at once); the packaged rules are compiled on first use instead."""
    name = data.get("name")
    action = data.get("action")
    patterns = data.get("patterns")
    if not isinstance(name, str) or action not in ACTIONS or not isinstance(patterns, list):
        raise BylineError(f"bad rule family in {where}: needs a name, an action and patterns")
    glued = data.get("glued") or []
    anywhere = data.get("anywhere") or []
    absorbs = data.get("absorbs")
    until = data.get("until") or []
    if not isinstance(glued, list) or not isinstance(anywhere, list) or not isinstance(
            until, list):
        raise BylineError(f"bad rule family {name} in {where}: 'glued' must be a list")
    here = f"{where} [{name}]"
    for group in (patterns, glued, anywhere, until,
                  [absorbs] if isinstance(absorbs, str) else []):
        if not all(isinstance(p, str) for p in group):
            raise BylineError(f"bad rules in {here}: patterns must be strings")
        if check:
            _compile(group, here)
    return Family(
        name=name,
        action=action,
        sources=tuple(patterns),
        max_chars=int(data.get("max_chars", USER_MAX_CHARS)),
        glued="|".join(glued) or None,
        anywhere="|".join(anywhere) or None,
        absorbs_source=absorbs if isinstance(absorbs, str) else None,
        until_source="|".join(until) or None,
    )


@lru_cache(maxsize=1)
def packaged_rules() -> Rules:
    """The compiled rules shipped in `rules.toml` (cached)."""
    data = tomllib.loads(RULES_FILE.read_text(encoding="utf-8"))
    return Rules(tuple(_family(f, RULES_FILE.name, check=False) for f in data.get("family", [])))


def load_rules(extra: dict[str, Any] | None = None) -> Rules:
    """The packaged rules, with the user's `[rules]` table (from config.toml) tried first.

    `extra` maps `remove`, `media`, `related`, `related_headings` and `remove_headings` to lists
    of regular expressions (whole-line, case-insensitive; `related` may capture `(?P<title>…)`,
    `media` may capture `(?P<caption>…)`). An unknown key or a bad regex is a `BylineError`.
    """
    if not extra:
        return packaged_rules()
    key = []
    for name, patterns in extra.items():
        if isinstance(patterns, str):
            patterns = [patterns]
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            raise BylineError(f"bad config [rules]: {name} must be a list of regular expressions")
        key.append((str(name), tuple(patterns)))
    return _merged(tuple(sorted(key)))


@lru_cache(maxsize=8)
def _merged(key: tuple[tuple[str, tuple[str, ...]], ...]) -> Rules:
    user = []
    for name, patterns in key:
        if name not in USER_KEYS:
            known = ", ".join(USER_KEYS)
            raise BylineError(f"bad config [rules]: unknown key {name!r} (known: {known})")
        if patterns:
            user.append(_family(
                {"name": f"user-{name}", "action": USER_KEYS[name], "patterns": list(patterns)},
                "config [rules]",
            ))
    return Rules(tuple(user) + packaged_rules().families)

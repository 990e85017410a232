"""`rules._may_scan`: the cheap test that spares most patterns a second parse (issue 2).

It may say "maybe" (True) too often, never "no" (False) for a pattern the parser sees
starting with a repeat or a look-ahead: that would drop a scanning pattern's gate.
"""

from __future__ import annotations

import re
import tomllib
import warnings
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parser  # type: ignore[attr-defined]

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from reader.article.rules import RULES_FILE, _gate, _may_scan

SCANNING = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.ASSERT)
TRICKY = [
    r"[^.]{0,120}?all rights reserved", r"(?:a|b)?c", r"(?:ab)c", r"(?:a)|b*", r"a*b|a*c",
    r"\(?ad", r"\(ad\)", r"[]x]*y", r"[^]x]y", r"[\]]+z", r"(?i)a*", r"(?#note)a*", r"(?=x)y",
    r"(?<=x)y", r"(?!x)y", r"(?P<n>a)+b", r"(?P<n>a)b", r"(a(b)c)d", r"(a[)]b)*", r"x{2,3}y",
    r"x{y", r"\d+", r"\bword", r"\x41*", r".{1,5}x", r"abc", r"a|b|c", r"©\s*x", r"home|menu",
]


def packaged_patterns() -> list[str]:
    data = tomllib.loads(RULES_FILE.read_text(encoding="utf-8"))
    return [p for family in data["family"] for p in family["patterns"]]


def starts_by_scanning(pattern: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # "possible nested set"
        tree = list(sre_parser.parse(pattern, re.IGNORECASE))
    return bool(tree) and tree[0][0] in SCANNING


@pytest.mark.parametrize("pattern", packaged_patterns() + TRICKY)
def test_never_says_no_to_a_scanning_pattern(pattern: str) -> None:
    if starts_by_scanning(pattern):
        assert _may_scan(pattern)


def test_spares_most_packaged_patterns_the_parse() -> None:
    patterns = packaged_patterns()
    spared = [p for p in patterns if not _may_scan(p)]
    assert len(spared) > len(patterns) // 2
    assert not any(starts_by_scanning(p) for p in spared)


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"[^.]{0,120}?all rights reserved\b.{0,200}", ("all rights reserved",)),
    (r"(?:additional )?(?:reporting|writing) by [^()]{2,200}", ("reporting", "writing")),
    (r"supported by", None),
    (r"(?:sponsored|paid) content", None),
])
def test_gates_unchanged(pattern: str, expected: tuple[str, ...] | None) -> None:
    assert _gate(pattern) == expected


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.text(alphabet="ab.^$*+?{}[]()|\\-:=!<>P,0123sdw ", max_size=16))
def test_never_says_no_to_a_scanning_pattern_generated(pattern: str) -> None:
    try:
        scanning = starts_by_scanning(pattern)
    except (re.error, OverflowError, RecursionError):
        assume(False)
    if scanning:
        assert _may_scan(pattern)

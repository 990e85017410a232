"""What "free of control characters" means for the fuzz properties."""

from __future__ import annotations

import unicodedata

from hypothesis import settings

BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")
# Not printable for `str.isprintable()`, yet inert on a terminal: spaces (Zs), code points
# newer than this Python's Unicode tables (Cn), private use (Co), and format characters such
# as the soft hyphen and emoji joiners (Cf), bidi controls excepted.
INERT_CATEGORIES = frozenset({"Zs", "Cn", "Co", "Cf"})


def visible(ch: str) -> bool:
    """`str.isprintable()` per character, except `\\n`, `\\t` and the inert categories."""
    if ch.isprintable() or ch in "\n\t":
        return True
    return unicodedata.category(ch) in INERT_CATEGORIES and ch not in BIDI_CONTROLS


def inert(text: str) -> bool:
    return all(visible(ch) for ch in text)


def scaled(share: int) -> int:
    """A `share`-th of the active profile's examples (at least 25), for slower tests."""
    examples = settings.default.max_examples if settings.default else 100
    return max(25, examples // share)

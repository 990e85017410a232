"""The one safety rule for untrusted text and links, shared by every layer.

`clean_text` and `clean_line` strip terminal control and escape sequences, bidi controls and
surrogates; `safe_url` lets only absolute http(s) links through. Applied at ingest (what is
stored is clean) and again at render (defence in depth). Nothing else in Byline keeps its own
copy of these patterns.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

# Whole escape sequences first, so their printable tails ("]0;title", "[2J") go too.
# An unterminated string loses only its introducer: it must not swallow the text after it.
_ESCAPE_SEQUENCES = re.compile(
    r"""
      \x1b\][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)       # OSC ... BEL/ST, within a line
    | \x9d[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)         # C1 OSC
    | \x1b[P^_X][^\x1b\x9c\n]*(?:\x1b\\|\x9c)            # DCS, PM, APC, SOS
    | [\x90\x9e\x9f\x98][^\x1b\x9c\n]*(?:\x1b\\|\x9c)    # C1 DCS, PM, APC, SOS
    | \x1b\[[0-?]*[ -/]*[@-~]                          # CSI
    | \x9b[0-?]*[ -/]*[@-~]                            # C1 CSI
    | \x1b[ -/]*[0-~]                                  # other ESC sequences (ESC c, ESC 7 …)
    """,
    re.VERBOSE,
)
# C0 controls except tab and newline, DEL, C1, bidi embeddings/overrides/isolates,
# zero-width joiners that only hide text, BOM, and lone surrogates.
_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)
_SPACES = re.compile(r"\s+")
# A text with none of these characters is already clean (the fast path of `clean_text`).
_SUSPECT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ufeff\ud800-\udfff]"
)
# ASCII that `clean_text` keeps as it is: tab, newline and the printable characters.
_SAFE_ASCII = bytes([9, 10, *range(32, 127)])
# A cleaned text with none of these is already one line (the fast path of `clean_line`).
_NOT_LINE = re.compile(r"[^\S ]|  |^ | $")
# A plain http(s) URL (ASCII host, optional port, printable ASCII after): `safe_url` accepts it
# as it is, without the full parse (the fast path of `safe_url`).
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][!-~]*)?\Z")

SAFE_SCHEMES = frozenset({"http", "https"})


def clean_text(text: str) -> str:
    """Remove terminal escape sequences, control characters, bidi controls and surrogates.

    Tabs and newlines survive; everything else a terminal could act on is gone.
    """
    if not text:
        return ""
    if text.isascii():
        # deleting the safe bytes is a far faster scan than the regex: nothing left, nothing to do
        if not text.encode().translate(None, _SAFE_ASCII):
            return text
    elif _SUSPECT.search(text) is None:  # one scan instead of four replaces and two subs
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")  # Unicode line/paragraph seps
    text = _ESCAPE_SEQUENCES.sub("", text)
    return _CONTROLS.sub("", text)


def clean_line(text: str) -> str:
    """`clean_text` for one-line strings (titles, names): whitespace collapsed to single spaces."""
    # Printable text has no control, bidi or surrogate character and no whitespace but " ".
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    text = clean_text(text)
    return _SPACES.sub(" ", text).strip() if _NOT_LINE.search(text) else text


def safe_url(url: str | None) -> str | None:
    """Return `url` if it is an absolute http(s) URL with a host, else None.

    Rejects `javascript:`, `data:`, `file:`, scheme-less and dash-led strings (CVE-2026-4519).
    """
    if not url:
        return None
    if _PLAIN_URL.match(url):
        return url
    url = clean_line(url)
    if not url or url.startswith("-") or " " in url:  # clean_line made all whitespace " "
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.hostname:
        return None
    return url


def resolved_url(link: str, base: str | None) -> str | None:
    """`link` resolved against `base` when it is relative, if the result is a safe URL."""
    if base and not link[:8].lower().startswith(("http://", "https://")):
        try:
            link = urljoin(base, link)
        except ValueError:
            return None
    return safe_url(link)

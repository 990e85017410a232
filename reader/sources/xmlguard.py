"""Cheap checks on raw feed bytes before any XML parser sees them (reliability-notes 2.1, 6).

- `check_entities`: refuse entity-expansion attacks (quadratic blowup, billion laughs) by
  scanning the DOCTYPE internal subset, which feedparser cannot be trusted with (case 24).
- `fix_char_refs`: replace numeric character references outside Unicode (`&#xD800;`,
  `&#x110000;`, `&#99999999999;`) with U+FFFD; feedparser crashes on them (case 26).
- `to_utf8`: UTF-16/32 documents become UTF-8 first, so these byte checks see them.
- `escape_controls`: raw C0 control bytes become references (cases 28, 37).
"""

from __future__ import annotations

import re

from reader.sources.feedtypes import FeedError

MAX_SUBSET = 16 * 1024     # bytes of DOCTYPE internal subset (a full HTML entity list fits)
MAX_ENTITY_VALUE = 1024    # bytes of one entity's literal value (quadratic blowup)
MAX_EXPANSION = 4096       # bytes of one entity fully expanded (billion laughs)
_SCAN = 64 * 1024

_ENTITY = re.compile(rb"""<!ENTITY\s+(?P<param>%\s+)?(?P<name>[^\s%&;"'<>]+)\s+
                         (?:(?:SYSTEM|PUBLIC)\b[^>]*|(?P<value>"[^"]*"|'[^']*'))""", re.VERBOSE)
_SUBSET_TOKEN = re.compile(rb"\"[^\"]*\"|'[^']*'|<!--.*?-->|\]", re.DOTALL)
_ENTITY_REF = re.compile(rb"&[A-Za-z_:][\w.:-]*;|%[A-Za-z_:][\w.:-]*;")
_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9A-Fa-f]{1,20})|([0-9]{1,30}));")
_REPLACEMENT = b"&#xFFFD;"
_DECL_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])[^"']*(["'])""")
_C0 = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_C0_BYTES = bytes(range(0x20)).translate(None, b"\t\n\r")  # what `_C0` matches

def check_entities(body: bytes) -> None:
    """Raise `FeedError("unsafe XML (entity expansion)")` for a dangerous DOCTYPE subset:
    larger than `MAX_SUBSET`, an entity value over `MAX_ENTITY_VALUE`, or an entity whose
    full expansion (nested references followed) exceeds `MAX_EXPANSION` (billion laughs)."""
    start = body.find(b"<!DOCTYPE")  # XML spells it in capitals; expat insists on that
    if start == -1:
        return
    after = start + len(b"<!DOCTYPE")
    open_at = body.find(b"[", after, after + _SCAN)
    close_at = body.find(b">", after, after + _SCAN)
    if open_at == -1 or (close_at != -1 and close_at < open_at):
        return  # no internal subset
    end = _subset_end(body, open_at)
    if end == -1:
        raise FeedError("unsafe XML (entity expansion)", "DOCTYPE internal subset too large")
    values: dict[bytes, bytes] = {}
    for entity in _ENTITY.finditer(body, open_at, end):
        value = (entity.group("value") or b"  ")[1:-1]
        if len(value) > MAX_ENTITY_VALUE:
            raise FeedError("unsafe XML (entity expansion)", "entity value too large")
        key = (b"%" if entity.group("param") else b"&") + entity.group("name")
        values.setdefault(key, value)  # XML: the first declaration binds
    sizes: dict[bytes, float] = {}
    for key in values:
        if _expanded(key, values, sizes, 0) > MAX_EXPANSION:
            raise FeedError("unsafe XML (entity expansion)", "nested entity references")


def _expanded(key: bytes, values: dict[bytes, bytes], sizes: dict[bytes, float],
              depth: int) -> float:
    """Length of entity `key` once every reference in it is replaced (inf for cycles)."""
    if key in sizes:
        return sizes[key]
    if depth > 32:
        return float("inf")
    value = values[key]
    total: float = len(value)
    for ref in _ENTITY_REF.finditer(value):
        name = ref.group(0)[:-1]  # "&name" or "%name"
        if name in values:
            total += _expanded(name, values, sizes, depth + 1) - len(ref.group(0))
    sizes[key] = total
    return total


def _subset_end(body: bytes, open_at: int) -> int:
    """Index of the `]` closing the internal subset (quoted values and comments skipped),
    or -1 when it does not close within `MAX_SUBSET` bytes."""
    for token in _SUBSET_TOKEN.finditer(body, open_at + 1, open_at + 1 + MAX_SUBSET):
        if token.group(0) == b"]":
            return token.start()
    return -1


def escape_controls(body: bytes) -> bytes:
    """Turn raw C0 control bytes (illegal in XML 1.0) into `&#N;` references.

    Raw controls make strict parsing fail and send feedparser into encoding guesses; as
    references they reach the text, where `clean_text` strips them together with the escape
    sequences they start (case 28, 37). Only for ASCII-compatible bodies: UTF-16/32 need NULs.
    """
    if body[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in body[:4]:
        return body  # UTF-16/32 that `to_utf8` could not recognise: leave it alone
    if len(body.translate(None, _C0_BYTES)) == len(body):  # several times faster than _C0.search
        return body
    return _C0.sub(lambda m: b"&#%d;" % m.group(0)[0], body)


def to_utf8(body: bytes) -> bytes:
    """Re-encode a UTF-16/32 document as UTF-8 (declaration updated) so every byte-level
    guard here sees it; other bodies are returned unchanged."""
    encoding = _wide_encoding(body[:4])
    if encoding is None:
        return body
    text = body.decode(encoding, "replace").lstrip("\ufeff")
    text = _DECL_ENCODING.sub(r"\1utf-8\2", text, count=1)
    return text.encode("utf-8")


def _wide_encoding(head: bytes) -> str | None:
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if len(head) == 4 and head[1:4] == b"\x00\x00\x00":
        return "utf-32-le"
    if len(head) == 4 and head[0:3] == b"\x00\x00\x00":
        return "utf-32-be"
    if len(head) >= 2 and head[0] != 0 and head[1] == 0:
        return "utf-16-le"
    if len(head) >= 2 and head[0] == 0 and head[1] != 0:
        return "utf-16-be"
    return None


def fix_char_refs(body: bytes) -> bytes:
    """Replace numeric character references that name no Unicode scalar value with U+FFFD."""
    if b"&" not in body or b"&#" not in body:  # one byte is found much faster than two
        return body
    return _CHAR_REF.sub(_fix_one, body)


def _fix_one(match: re.Match[bytes]) -> bytes:
    hex_digits, dec_digits = match.group(1), match.group(2)
    value = int(hex_digits, 16) if hex_digits else int(dec_digits)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        return _REPLACEMENT
    return match.group(0)

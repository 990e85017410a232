"""Cheap looks at the first bytes of a body: binary, JSON Feed, XML feed or HTML page?

Kept apart from the feed parsers so a local `.txt` or `.html` file can be sniffed without
importing feedparser, lxml or the feed model (reliability-notes case 21 for binary bodies).
"""

from __future__ import annotations

import re

_FEED_ROOT = re.compile(r"<(?:rss|feed|rdf:RDF|RDF)[\s>/]")
_HTML_ROOT = re.compile(r"<(?:html|head|body)[\s>]|<!doctype\s+html", re.IGNORECASE)
# A DOCTYPE may carry an internal subset (`<!DOCTYPE rss [<!ENTITY …>]>`): skip it whole.
_MARKUP_JUNK = re.compile(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\]\s*)?>",
                          re.DOTALL | re.IGNORECASE)
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x1f\x8b", "gzip data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"\x7fELF", "executable"),
    (b"\x00\x00\x01\x00", "icon"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"RIFF", "RIFF media"),
    (b"\x1aE\xdf\xa3", "Matroska media"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\xd0\xcf\x11\xe0", "Office document"),
)


def sniff_binary(head: bytes) -> str | None:
    """A name for the binary format `head` starts with, or None if it may be text."""
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    if len(head) > 8 and head[4:8] == b"ftyp":
        return "MP4 media"
    return None


def looks_like_json_feed(head: bytes) -> bool:
    """True if `head` starts a JSON object that names a jsonfeed.org version."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"{") and b"jsonfeed.org/version" in text[:4096]


def looks_like_feed(head: bytes) -> bool:
    """True if `head` (the first KB or so) starts an RSS, Atom, RDF or JSON Feed document."""
    if looks_like_json_feed(head):
        return True
    return _FEED_ROOT.match(_root_text(head)) is not None


def looks_like_html(head: bytes) -> bool:
    """True if `head` starts an HTML page (after any XML declaration, comments, DOCTYPE)."""
    return _HTML_ROOT.match(_root_text(head)) is not None


def _root_text(head: bytes) -> str:
    """The decoded head with declarations and comments removed: it starts at the root."""
    return _MARKUP_JUNK.sub("", _head_text(head[:4096])).lstrip("\ufeff \t\r\n")


def _head_text(head: bytes) -> str:
    """Decode a document head well enough to look for its root element."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", "replace")
    if len(head) > 3 and head[1:2] == b"\x00" and head[0:1] != b"\x00":
        return head.decode("utf-16-le", "replace")
    if len(head) > 3 and head[0:1] == b"\x00" and head[1:2] != b"\x00":
        return head.decode("utf-16-be", "replace")
    return head.decode("utf-8", "replace")

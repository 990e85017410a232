"""Local article files: safe reading, encoding detection and type sniffing.

Only regular files are read (a FIFO, a device or a symlink to `/dev/zero` is refused), the
size is capped before and while reading, binary files are refused, and text is decoded in a
fixed order: BOM, strict UTF-8, the charset the document declares, cp1252 when the bytes read
as Latin-script text in it, charset-normalizer, then cp1252 with replacement characters
(reliability-notes 3.7, case 52).
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from reader.article.model import Article
from reader.errors import BylineError
from reader.sources.sniff import looks_like_feed, looks_like_json_feed, sniff_binary

Kind = Literal["text", "markdown", "html", "feed"]
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mkdn"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom", ".rdf"})
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARED = re.compile(
    rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)
       |<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)""",
    re.IGNORECASE | re.VERBOSE,
)
_HTML_START = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
                         r"<(?:!doctype\s+html|html|head|body)\b",
                         re.IGNORECASE | re.DOTALL)
_HTML_ANYWHERE = re.compile(r"<(?:html|body|article|p|div)\b[^>]*>", re.IGNORECASE)
_LATIN_GUESSES = frozenset({
    "cp1250", "cp1254", "cp1257", "iso8859-1", "iso8859-2", "iso8859-4", "iso8859-9",
    "iso8859-13", "iso8859-15", "iso8859-16", "mac-latin2", "mac-roman", "latin-1",
})
_CONTROL_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}
# cp1252's punctuation and symbols (outside words), and those that may sit inside one.
_CP1252_SYMBOLS = frozenset("‘’‚“”„–—…•€™†‡‰‹›ˆ˜\u00a0¡¢£¤¥¦§¨©«¬\u00ad®¯°±²³´·¸¹»¼½¾¿×÷ªºµ")
_WORD_SYMBOLS = frozenset("’·\u00ad")
_ASCII_LETTERS = re.compile(r"[A-Za-z]")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")
_SYMBOL_IN_WORD = re.compile(r"(?<=[^\W\d_])[¦¨¬¯°±²³´¸¹¼½¾¿×÷](?=[^\W\d_])")


@dataclass
class LocalDocument:
    """A local file read and decoded; `kind` decides how it is cleaned."""

    path: Path
    kind: Kind
    text: str
    data: bytes
    encoding: str


def _fail(path: str | Path, reason: str) -> BylineError:
    return BylineError(f"cannot read {path}: {reason}")


def load_file(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> LocalDocument:
    """Read a local article or feed file; raise `BylineError("cannot read PATH: …")`."""
    data = read_regular(path, max_bytes)
    if not data.strip():
        raise _fail(path, "empty file")
    encoding, text = decode_bytes(data, path)
    if not text.strip("\ufeff \t\r\n\x00"):
        raise _fail(path, "empty file")
    return LocalDocument(Path(path), _kind(Path(path), data, text, path), text, data, encoding)


def read_regular(path: str | Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most `max_bytes`, whatever it is swapped for meanwhile.

    Every local file Byline is handed (articles, feeds, subscription lists) is read here; a
    failure is `BylineError("cannot read PATH: …")`.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise _fail(path, "no such file") from None
    except PermissionError:
        raise _fail(path, "permission denied") from None
    except (OSError, ValueError) as exc:
        raise _fail(path, getattr(exc, "strerror", None) or str(exc)) from None
    _check_stat(path, info, max_bytes)
    try:
        # O_NONBLOCK: if the file was swapped for a FIFO after the stat, open must not hang.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except PermissionError:
        raise _fail(path, "permission denied") from None
    except OSError as exc:
        raise _fail(path, exc.strerror or str(exc)) from None
    try:
        _check_stat(path, os.fstat(fd), max_bytes)
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, 1 << 20):
            size += len(chunk)
            if size > max_bytes:
                raise _fail(path, f"too large (over {_mb(max_bytes)})")
            chunks.append(chunk)
    except OSError as exc:
        raise _fail(path, exc.strerror or str(exc)) from None
    finally:
        os.close(fd)
    return b"".join(chunks)


def _check_stat(path: str | Path, info: os.stat_result, max_bytes: int) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise _fail(path, "is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise _fail(path, "not a regular file")
    if info.st_size > max_bytes:
        raise _fail(path, f"too large ({_mb(info.st_size)}, limit {_mb(max_bytes)})")


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def decode_bytes(data: bytes, path: str | Path = "input", *,
                 charset: str | None = None) -> tuple[str, str]:
    """(encoding, text) for a file's or page's bytes; refuses binary data with a `BylineError`.

    Order: BOM, strict UTF-8, `charset` (an HTTP header's), the charset the document declares,
    cp1252 when the text reads as Latin script in it, charset-normalizer, cp1252 with
    replacement characters.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, data[len(bom):].decode(name, "replace")
    utf16 = _utf16_without_bom(data[:4096])
    if utf16:
        return utf16, data.decode(utf16, "replace")
    if _is_binary(data[:8192]):
        raise _fail(path, "not an article (binary file)")
    try:
        return "utf-8", data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for declared in (charset, _declared_charset(data[:4096])):
        if declared:
            try:
                return codecs.lookup(declared).name, data.decode(declared)
            except (UnicodeDecodeError, LookupError):
                pass
    western = _as_cp1252(data)
    if western is not None:
        return "cp1252", western
    guess = _guess(data)
    if guess:
        return guess, data.decode(guess, "replace")
    return "cp1252", data.decode("cp1252", "replace")


def _as_cp1252(data: bytes) -> str | None:
    """The text, when the bytes are cp1252 and read as Latin-script prose.

    charset-normalizer weighs rare encodings as high as common ones, and on a short text it
    often picks a wrong one (cp775 made "Café owner Renée" into "Cafķ owner Renķe"). cp1252
    is far likelier whenever it fits: every accented letter then sits in a word with plain
    letters (or is a word of its own, like "à"), accented letters are a minority, and no
    symbol sits inside a word. Cyrillic, Greek, Hebrew or Arabic text read as cp1252 fails
    the first two, Central European text the last (ł reads as ³, ą as ¹).
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = len(_ASCII_LETTERS.findall(text))
    accented = lonely = 0
    for found in _NOT_ASCII.finditer(text):
        index, char = found.start(), found.group()
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if char in _WORD_SYMBOLS:
            continue
        if not char.isalpha():
            if char not in _CP1252_SYMBOLS or (before.isalpha() and after.isalpha()):
                return None
            continue
        if not unicodedata.name(char, "").startswith("LATIN"):
            return None
        letters += 1
        accented += 1
        start = index
        while start and text[start - 1].isalpha():
            start -= 1
        end = index
        while end + 1 < len(text) and text[end + 1].isalpha():
            end += 1
        if end > start and not _ASCII_LETTERS.search(text, start, end + 1):
            lonely += 1
    if accented > letters // 2 or lonely > max(1, accented // 10):
        return None
    return text


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NULs sit on every other byte, as in ASCII-heavy UTF-16."""
    if len(head) < 8 or b"\x00" not in head:
        return None
    even, odd = head[0::2], head[1::2]
    for zeros, other, name in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) > 0.6 * len(zeros) and other.count(0) < 0.05 * len(other):
            try:
                head[: len(head) // 2 * 2].decode(name)
            except UnicodeDecodeError:
                continue
            return name
    return None


def _is_binary(head: bytes) -> bool:
    if sniff_binary(head) or b"\x00" in head:
        return True
    controls = sum(1 for b in head if b in _CONTROL_BYTES)
    return controls > 0.05 * len(head)


def _declared_charset(head: bytes) -> str | None:
    match = _DECLARED.search(head)
    if not match:
        return None
    name = (match.group(1) or match.group(2)).decode("ascii", "replace")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:256 * 1024]).best()
    if best is None or not best.encoding:
        return None
    try:
        name = codecs.lookup(best.encoding).name
    except LookupError:
        return None
    if name in _LATIN_GUESSES:
        # On short Western text charset-normalizer often says cp1250 (è becomes č); cp1252 is
        # the likelier legacy encoding whenever it decodes the bytes with no symbol inside a
        # word (Polish ł and ą read in cp1252 as "³" and "¹" in the middle of words).
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return name
        if not _SYMBOL_IN_WORD.search(text):
            return "cp1252"
    return name


def _kind(path: Path, data: bytes, text: str, shown: str | Path) -> Kind:
    suffix = path.suffix.lower()
    head = data[:4096]
    if looks_like_json_feed(head) or looks_like_feed(head) or looks_like_feed(
            text[:2048].encode("utf-8", "replace")):
        return "feed"
    if suffix == ".json":
        raise _fail(shown, "not an article (JSON that is not a JSON Feed)")
    if suffix in FEED_SUFFIXES:
        return "feed"
    if suffix in HTML_SUFFIXES or _HTML_START.match(text[:4096]):
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if len(_HTML_ANYWHERE.findall(text[:8192])) >= 3 and text.lstrip().startswith("<"):
        return "html"
    return "text"


def article_from_document(doc: LocalDocument, *, extra_rules: dict | None = None) -> Article:
    """Clean a text, Markdown or HTML document through the article engine."""
    from reader.article.build import from_html, from_text

    source = str(doc.path)
    if doc.kind == "html":
        return from_html(doc.text, source, extra_rules=extra_rules)
    if doc.kind in ("text", "markdown"):
        return from_text(doc.text, source, markdown=doc.kind == "markdown",
                         extra_rules=extra_rules)
    raise _fail(doc.path, "it is a feed, not an article (parse it with parse_feed)")

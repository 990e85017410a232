"""Hostile local files through `load_file` and `byline read` (reliability-notes cases 21, 29,
30, 37-40, 52, 53). Every file is generated here, in `tmp_path`."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from hostile import payloads as P
from hostile.checks import assert_clean_bytes, assert_one_line_error, is_terminal_safe
from reader.errors import BylineError
from reader.sources.files import load_file

Maker = Callable[[Path], Path]


def _write(name: str, data: bytes) -> Maker:
    def make(tmp: Path) -> Path:
        path = tmp / name
        path.write_bytes(data)
        return path
    return make


def _sparse(name: str, size: int) -> Maker:
    def make(tmp: Path) -> Path:  # 50 MB on paper, nothing on disk (case 52)
        path = tmp / name
        path.touch()
        os.truncate(path, size)
        return path
    return make


def _fifo(tmp: Path) -> Path:
    path = tmp / "article.txt"
    os.mkfifo(path)
    return path


def _symlink(target: str) -> Maker:
    def make(tmp: Path) -> Path:
        path = tmp / "article.txt"
        path.symlink_to(target)
        return path
    return make


def _directory(tmp: Path) -> Path:
    path = tmp / "folder.md"
    path.mkdir()
    return path


def _unreadable(tmp: Path) -> Path:
    path = tmp / "secret.txt"
    path.write_text("private words\n")
    path.chmod(0)
    return path


# name -> (maker, the reason the one-line error must give)
REFUSED: dict[str, tuple[Maker, str]] = {
    "empty": (_write("empty.txt", b""), "empty"),
    "whitespace only": (_write("blank.md", b" \n\t\r\n  \n"), "empty"),
    "BOM only": (_write("bom.txt", b"\xef\xbb\xbf"), "empty"),
    "NULs only": (_write("nuls.txt", bytes(64)), "binary"),
    "text with a NUL": (_write("nul.txt", b"Words before\x00 and after.\n"), "binary"),
    "PNG named .txt": (_write("photo.txt", P.PNG), "binary"),
    "gzip named .html": (_write("page.html", P.GZIP), "binary"),
    "random bytes": (_write("noise.md", P.RANDOM), "binary"),
    "ELF executable": (_write("run.txt", b"\x7fELF\x02\x01\x01" + bytes(300)), "binary"),
    "50 MB sparse text": (_sparse("huge.txt", 50 * 1024 * 1024), "too large"),
    "500 MB sparse html": (_sparse("huge.html", 500 * 1024 * 1024), "too large"),
    "FIFO": (_fifo, "not a regular file"),
    "symlink to /dev/zero": (_symlink("/dev/zero"), "not a regular file"),
    "symlink to /dev/urandom": (_symlink("/dev/urandom"), "not a regular file"),
    "dangling symlink": (_symlink("/nonexistent/byline/target"), "no such file"),
    "directory": (_directory, "directory"),
    "missing": (lambda tmp: tmp / "nowhere.txt", "no such file"),
    "JSON that is not a feed": (_write("data.json", b'{"a": [1, 2, 3]}'), "not an article"),
}
if hasattr(os, "geteuid") and os.geteuid() != 0:
    REFUSED["unreadable (mode 000)"] = (_unreadable, "permission denied")


@pytest.mark.parametrize("case", list(REFUSED))
def test_load_file_refuses_with_reason(tmp_path: Path, case: str) -> None:
    maker, reason = REFUSED[case]
    path = maker(tmp_path)
    with pytest.raises(BylineError) as info:
        load_file(path)
    message = info.value.message
    assert message.startswith(f"cannot read {path}") and reason in message
    assert "\n" not in message


@pytest.mark.parametrize("case", ["empty", "PNG named .txt", "50 MB sparse text", "FIFO",
                                  "symlink to /dev/zero", "directory", "missing"])
def test_byline_read_refuses_in_one_line(tmp_path: Path, byline, case: str) -> None:
    """The CLI contract: nothing on stdout, one line on stderr, no traceback, no hang."""
    maker, reason = REFUSED[case]
    path = maker(tmp_path)
    assert_one_line_error(byline("read", str(path), "--format", "json", timeout=30), reason)


# A NUL makes a local file binary (refused, tested above), so the body carries none.
HOSTILE_BODY = (
    "First paragraph " + "".join(P.ESCAPES) + " ends here.\n\n"
    "Second paragraph " + " ".join(P.MARKUP) + " and " + P.BIDI + ".\n\n"
    "Third " + P.CONTROLS.replace("\x00", "") + " and " + P.UNTERMINATED_OSC + "\n\n"
    "Fourth paragraph survives the open OSC above.\n"
)


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_escape_sequences_never_reach_stdout(tmp_path: Path, byline, fmt: str) -> None:
    """Cases 37-40: ESC/OSC/CSI/C1/bidi/NUL stripped; markup shown literally; text kept."""
    path = tmp_path / "hostile.txt"
    path.write_text(HOSTILE_BODY, encoding="utf-8")
    proc = byline("read", str(path), "--format", fmt)
    assert proc.returncode == 0, proc.stderr
    assert_clean_bytes(proc.stdout)
    out = proc.stdout.decode()
    if fmt == "json":
        text = "\n".join(b["text"] for b in json.loads(out)["blocks"])
        assert "[@click=app.quit]Read more[/]" in text and "[/]" in text
    assert "pwned-title" not in out and "cm0gLXJmIH4" not in out  # OSC payloads went whole
    for words in ("ends here", "invoice", "exe.pdf", "Fourth paragraph survives"):
        assert words in out


def test_raw_view_is_cleaned_too(tmp_path: Path, byline) -> None:
    path = tmp_path / "hostile.md"
    path.write_text(HOSTILE_BODY, encoding="utf-8")
    proc = byline("read", str(path), "--raw")
    assert proc.returncode == 0, proc.stderr
    assert_clean_bytes(proc.stdout)
    assert b"[@click=app.quit]Read more[/]" in proc.stdout


ENCODED = {
    # A paragraph, not a phrase: charset-normalizer guesses cp1257 for a one-line snippet.
    "latin-1 without declaration": (
        "The caf\u00e9 on the corner opened in 1998. Its owner, Ren\u00e9e, says the "
        "cr\u00e8me br\u00fbl\u00e9e is why people come back.\n\nA second paragraph about "
        "the na\u00efve decor and the fa\u00e7ade.\n", "latin-1"),
    "cp1252 quotes": ("\u201cQuoted,\u201d she said \u2014 twice.\n\nMore text here.\n",
                      "cp1252"),
    "utf-16 without BOM": ("Sixteen bits per letter here.\n\nSecond paragraph.\n",
                           "utf-16-le"),
    "utf-16 with BOM": ("Byte order marked text.\n\nSecond paragraph.\n", "utf-16"),
}


@pytest.mark.parametrize("case", list(ENCODED))
def test_wrong_or_missing_charsets_decode_best_effort(tmp_path: Path, case: str) -> None:
    """Cases 29-30: non-UTF-8 files are decoded, not refused and not mojibake."""
    text, codec = ENCODED[case]
    path = tmp_path / "article.txt"
    path.write_bytes(text.encode(codec))
    doc = load_file(path)
    assert doc.text.replace("\r\n", "\n").strip("\ufeff") == text


def test_invalid_utf8_is_replaced_not_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    path.write_bytes(b"Good start \xff\xfe\xc3 then more words.\n\nSecond paragraph here.\n")
    doc = load_file(path)
    assert "Good start" in doc.text and "Second paragraph here." in doc.text


def test_declared_charset_that_lies(tmp_path: Path, byline) -> None:
    """An HTML page declaring UTF-8 but written in Latin-1: words kept, no crash."""
    page = ('<html><head><meta charset="utf-8"><title>Caf\u00e9 guide</title></head><body>'
            '<article><p>The caf\u00e9 serves cr\u00e8me br\u00fbl\u00e9e every day of the '
            'week, and the queue is long.</p></article></body></html>')
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("latin-1"))
    proc = byline("read", str(path), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert "queue is long" in " ".join(b["text"] for b in doc["blocks"])


def test_lone_surrogates_and_controls_in_a_file(tmp_path: Path) -> None:
    """Case 53: surrogate escapes from a bad decoder never survive into article text."""
    from reader.sources.files import article_from_document

    path = tmp_path / "s.txt"
    path.write_bytes(b"Title line\n\nWords \xed\xa0\x80 and \x08\x1b[2J more words here.\n")
    article = article_from_document(load_file(path))
    for block in article.blocks:
        assert is_terminal_safe(block.text)
        block.text.encode("utf-8")  # would raise on a lone surrogate


@pytest.mark.parametrize("case", ["FIFO", "symlink to /dev/zero", "PNG named .txt",
                                  "50 MB sparse text"])
def test_tui_refuses_a_single_bad_file_before_starting(tmp_path: Path, byline,
                                                       case: str) -> None:
    """`byline FILE` (the reader) fails in one line before any screen is drawn."""
    maker, reason = REFUSED[case]
    assert_one_line_error(byline(str(maker(tmp_path)), timeout=30), reason)


def test_undecodable_file_name_reads(tmp_path: Path, byline) -> None:
    """A file name that is not UTF-8 (Python sees surrogate escapes) prints cleanly."""
    path = tmp_path / os.fsdecode(b"caf\xe9 \xff.txt")
    path.write_text("A title\n\nPlain words of the article.\n")
    proc = byline("read", str(path))
    assert proc.returncode == 0, proc.stderr
    assert_clean_bytes(proc.stdout)
    assert b"Plain words of the article." in proc.stdout


def test_undecodable_file_name_is_kept_in_the_library(tmp_path: Path) -> None:
    """What the reader does on `byline FILE`: keep it under Local files, find it again."""
    from reader.library.store import Library
    from reader.sources.files import article_from_document

    path = tmp_path / os.fsdecode(b"caf\xe9 \xff.txt")
    path.write_text("A title\n\nPlain words of the article.\n")
    with Library.open(tmp_path / "data" / "library.db") as library:
        entry = library.add_local(article_from_document(load_file(path)))
        assert library.find(str(path)) == entry
        assert library.article(entry).blocks[0].text == "Plain words of the article."

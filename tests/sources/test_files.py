"""Local files: refusals, size caps, decoding order, type sniffing (reliability-notes 3.7, 52)."""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path

import pytest

from reader.errors import BylineError
from reader.sources.files import article_from_document, decode_bytes, load_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
STORY = "The council met on Tuesday.\n\nIt agreed to repaint the bandstand green.\n"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refused(path: str | Path, **kwargs: int) -> str:
    with pytest.raises(BylineError) as info:
        load_file(path, **kwargs)
    message = str(info.value)
    assert message.startswith(f"cannot read {path}: ")
    return message.split(": ", 1)[1]


# -- refusals -------------------------------------------------------------------------------

def test_missing_file(tmp_path):
    assert refused(tmp_path / "nope.txt") == "no such file"


def test_directory(tmp_path):
    assert refused(tmp_path) == "is a directory"


def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert refused(fifo) == "not a regular file"


def test_device_and_symlink_to_dev_zero(tmp_path):
    assert refused("/dev/null") == "not a regular file"
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    assert refused(link) == "not a regular file"


def test_symlink_to_regular_file_is_fine(tmp_path):
    target = write(tmp_path, "real.txt", STORY.encode())
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert load_file(link).text == STORY


def test_too_large_by_stat(tmp_path):
    path = write(tmp_path, "big.txt", b"word " * 1000)
    assert refused(path, max_bytes=1000).startswith("too large (0.0 MB, limit 0.0 MB)")


def test_sparse_huge_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "sparse.txt"
    with path.open("wb") as handle:
        handle.truncate(500 * 1024 * 1024)  # 500 MB declared, no blocks written
    assert refused(path).startswith("too large (500.0 MB")


def test_unreadable(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root can read any file")
    path = write(tmp_path, "secret.txt", b"x")
    path.chmod(0)
    assert refused(path) == "permission denied"


@pytest.mark.parametrize("data", [b"", b"   \n\n\t ", b"\xef\xbb\xbf\n", b"\xff\xfe"])
def test_empty_files(tmp_path, data):
    assert refused(write(tmp_path, "empty.txt", data)) == "empty file"


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n" + bytes(100),
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj",
    b"PK\x03\x04" + bytes(40),
    gzip.compress(STORY.encode()),
    zlib.compress(b"x" * 1000)[:2] + bytes(range(256)),
    b"ELF-ish \x00\x01\x02 binary" * 10,
    bytes(range(1, 32)) * 20,
])
def test_binary_files(tmp_path, data):
    assert refused(write(tmp_path, "thing.txt", data)) == "not an article (binary file)"


def test_json_that_is_not_a_feed(tmp_path):
    path = write(tmp_path, "data.json", b'{"a": 1}')
    assert refused(path) == "not an article (JSON that is not a JSON Feed)"


# -- decoding -------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "encoding"), [
    (b"\xef\xbb\xbfCaf\xc3\xa9 society", "utf-8"),
    ("\ufeffCafé society".encode("utf-16-le"), "utf-16-le"),
    ("\ufeffCafé society".encode("utf-16-be"), "utf-16-be"),
    ("Café society".encode(), "utf-8"),
    ("Café society".encode("utf-16-le"), "utf-16-le"),  # no BOM
])
def test_decoding(tmp_path, data, encoding):
    doc = load_file(write(tmp_path, "a.txt", data))
    assert (doc.encoding, doc.text) == (encoding, "Café society")


def test_declared_charset_is_used(tmp_path):
    html = ('<html><head><meta charset="koi8-r"><title>x</title></head>'
            "<body><p>Привет, мир — как дела?</p></body></html>")
    doc = load_file(write(tmp_path, "page.html", html.encode("koi8-r", "replace")))
    assert doc.encoding == "koi8-r" and "Привет, мир" in doc.text


@pytest.mark.parametrize("text", ["Crème brûlée at the café, naïve as ever.\n",
                                  "“Quoted” — said the café owner.\n"])
def test_legacy_western_text_is_cp1252(tmp_path, text):
    doc = load_file(write(tmp_path, "old.txt", text.encode("cp1252") * 3))
    assert (doc.encoding, doc.text) == ("cp1252", text * 3)


@pytest.mark.parametrize("text", [
    "Café owner Renée", "Café owner Renée said the crêpes were fine.\n", "Café", "Renée",
    "résumé", "déjà déjà", "town über market market.\n", "closed to élan.\n", "naïve.\n",
    "to the señor naïve fine fjörd año", "coffee in were façade façade fine señor market.\n",
    "in he Ångström owner fine Noël morning she niño.\n", "Zoë’s naïve café, à la carte",
    "He said “no” – twice…", "Nº 5 costs 3½ € at 20 °C.\n",
])
def test_short_western_text_is_cp1252(text):
    # charset-normalizer alone read these as cp775, big5, utf-16, cp037, johab …
    assert decode_bytes(text.encode("cp1252")) == ("cp1252", text)


@pytest.mark.parametrize(("text", "encoding"), [
    ("Zażółć gęślą jaźń", "cp1250"),          # ż ł ą read in cp1252 as ¿ ³ ¹ inside words
    ("Příliš žluťoučký kůň", "cp1250"),
    ("Καλημέρα κόσμε", "cp1253"),
    ("Съешь же ещё этих мягких французских булок, да выпей чаю.\n", "cp1251"),
    ("مرحبا بالعالم", "cp1256"),
])
def test_other_scripts_are_not_taken_for_cp1252(text, encoding):
    assert decode_bytes(text.encode(encoding))[1] == text


def test_legacy_cyrillic_is_not_forced_to_cp1252(tmp_path):
    text = "Съешь же ещё этих мягких французских булок, да выпей чаю.\n" * 3
    doc = load_file(write(tmp_path, "ru.txt", text.encode("cp1251")))
    assert doc.text == text


def test_header_charset_wins_over_declared(tmp_path):
    data = '<meta charset="utf-8"><p>Gr\u00fc\u00dfe</p>'.encode("latin-1")
    assert decode_bytes(data, "x", charset="iso-8859-1") == ("iso8859-1",
                                                              '<meta charset="utf-8"><p>Grüße</p>')


def test_invalid_utf8_never_raises(tmp_path):
    data = b"Good start \xff\xfe\xfd then more ordinary text here. " * 5
    doc = load_file(write(tmp_path, "bad.txt", data))
    assert doc.text.startswith("Good start")


# -- kinds ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "data", "kind"), [
    ("story.txt", STORY.encode(), "text"),
    ("story", STORY.encode(), "text"),
    ("notes.md", b"# Heading\n\nSome *markdown* text.\n", "markdown"),
    ("notes.markdown", b"---\ntitle: x\n---\n\nBody\n", "markdown"),
    ("page.html", b"<p>Just a fragment</p>", "html"),
    ("page.htm", b"<html><body><p>x</p></body></html>", "html"),
    ("saved.txt", b"<!DOCTYPE html>\n<html><head></head><body><p>x</p></body></html>", "html"),
    ("saved.txt", b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"></html>',
     "html"),
    ("feed.html", b'<?xml version="1.0"?>\n<rss version="2.0"><channel></channel></rss>', "feed"),
    ("feed.txt", b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>', "feed"),
    ("feed.json", b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', "feed"),
    ("odd.xml", b"<catalog><book>no feed</book></catalog>", "feed"),
    ("rdf.rdf", b'<rdf:RDF xmlns:rdf="x"></rdf:RDF>', "feed"),
])
def test_kinds(tmp_path, name, data, kind):
    assert load_file(write(tmp_path, name, data)).kind == kind


def test_fixture_feeds_are_feeds():
    for path in FIXTURES.iterdir():
        assert load_file(path).kind == "feed", path.name


# -- articles -------------------------------------------------------------------------------

def test_article_from_text(tmp_path):
    data = ("Bandstand to be repainted\n\n" + STORY).encode()
    doc = load_file(write(tmp_path, "story.txt", data))
    article = article_from_document(doc)
    assert article.source == str(tmp_path / "story.txt")
    text = " ".join(b.text for b in article.blocks)
    assert "repaint the bandstand green" in text


def test_article_from_html(tmp_path):
    page = (b"<html><head><title>Bandstand news</title></head><body><article>"
            b"<h1>Bandstand to be repainted</h1><p>The council met on Tuesday and agreed to "
            b"repaint the bandstand green before the summer concerts begin.</p>"
            b"<p>Work starts in May, weather permitting, said the parks officer.</p>"
            b"</article></body></html>")
    article = article_from_document(load_file(write(tmp_path, "page.html", page)))
    text = " ".join(b.text for b in article.blocks)
    assert "repaint the bandstand green" in text and "<p>" not in text


def test_article_from_feed_document_is_refused():
    doc = load_file(FIXTURES / "rss20.xml")
    with pytest.raises(BylineError) as info:
        article_from_document(doc)
    assert "it is a feed" in str(info.value)

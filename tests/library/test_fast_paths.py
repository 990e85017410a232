"""The refresh speed-ups are shortcuts: each must give exactly what the long way gives.

Inputs are generated from pieces that exercise every rule (terminal escapes, C0/C1 controls,
bidi controls, line separators, surrogates, odd whitespace, entities, tags, URL parts).
"""

from __future__ import annotations

import html
import json
import random
import re

import pytest

from reader import sanitize as text
from reader.library import search_text
from reader.library.entry_rows import NewEntry, _prepare, digest

PIECES = ["a", "Zb", " ", "  ", "\t", "\n", "\r\n", "\r", "\x1b[2J", "\x1b]0;title\x07", "\x1b",
          "\x07", "\x00", "\x7f", "\x85", "\x9b31m", "\x9d8;;x\x9c", "\xa0", "\u2000", "\u3000",
          "\u200b", "\u202e", "\u2066", "\u2028", "\u2029", "\ufeff", "\ud800", "é", "-", ".",
          "&amp;", "&#27;", "&#x9b;", "&nbsp;", "<p>", "</p>", "<script>x</script>", "<!-- c -->",
          "http", "https", "HTTP", "ftp", "javascript", "://", ":/", "/", ":8080", ":", "?q=1",
          "#f", "@", "[", "]", "%20", "\\", "example.org", "::1"]


def samples(seed: int, count: int = 20_000) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        s = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 9)))
        if rng.random() < 0.4:
            s = rng.choice(["http://", "https://", "http://h.example", "-http://"]) + s
        out.append(s)
    return out


def test_text_fast_paths_match_the_long_way(monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = samples(1)
    fast = [(text.clean_text(s), text.clean_line(s), text.safe_url(s)) for s in inputs]
    # the long way: always "something to clean", "not one line yet", "not a plain URL"
    monkeypatch.setattr(text, "_SAFE_ASCII", b"")
    monkeypatch.setattr(text, "_SUSPECT", re.compile(""))
    monkeypatch.setattr(text, "_NOT_LINE", re.compile(""))
    monkeypatch.setattr(text, "_PLAIN_URL", re.compile("(?!)"))
    slow = [(text.clean_text(s), text._SPACES.sub(" ", text.clean_text(s)).strip(),
             text.safe_url(s)) for s in inputs]
    for s, f, w in zip(inputs, fast, slow, strict=True):
        assert f == w, repr(s)
    assert sum(1 for f in fast if f[2]) > 1000  # plenty of URLs were accepted either way


def test_printable_text_is_clean_and_spaced_only_by_spaces() -> None:
    """What the `isprintable` shortcuts rely on, checked for every code point."""
    printable = "".join(c for c in map(chr, range(0x110000)) if c.isprintable())
    assert text._SUSPECT.search(printable) is None
    assert {chr(b) for b in text._SAFE_ASCII} == {
        c for c in map(chr, range(128)) if text._SUSPECT.search(c) is None}
    assert {c for c in printable if c.isspace()} == {" "}


def test_fast_paths_keep_hostile_text_out() -> None:
    assert text.clean_text("a\x1b[2Jb\u202ec") == "abc"
    assert text.clean_line("  a\u2028b\t c ") == "a b c"
    assert text.safe_url("http://h.example/\x1b[2J") == "http://h.example/"
    assert text.safe_url("javascript://h.example/") is None
    assert text.safe_url("http://h.example/ x") is None


def test_search_text_of_cleaned_html_skips_nothing_it_needs() -> None:
    for s in samples(2):
        cleaned = text.clean_text(s)
        to_text = search_text.html_to_text
        assert to_text(cleaned, cleaned=True) == to_text(cleaned), repr(s)
    # an entity can still decode to a control character: it is removed
    assert search_text.html_to_text("a&#27;[2Jb", cleaned=True) == "a[2Jb"


HTML_PIECES = ["a", "Zb", "é", " ", "  ", "\t", "\n", "\xa0", "\u2028", "\u200b", "\x1b", "\x9b",
               "&#27;", "&#x9b;", "&#10;", "&amp;", "&nbsp;", "&lt;p&gt;", "[", "2", "J", "m",
               "<p>", "</p>", "<b>", "<", ">", "<!-- c -->", "<script>x</script>", "-->"]


def long_html_to_text(markup: str) -> str:
    """`html_to_text` without shortcuts: every tag a space, decode, clean, split on whitespace."""
    markup = markup[: search_text.MAX_TEXT * 4]
    markup = search_text._COMMENT.sub(" ", search_text._DROP.sub(" ", markup))
    words = text.clean_text(html.unescape(re.sub(r"<[^>]*>", " ", markup))).split()
    return " ".join(words)[: search_text.MAX_TEXT]


def test_search_text_fast_paths_match_the_long_way() -> None:
    rng = random.Random(4)
    inputs = samples(5) + ["".join(rng.choice(HTML_PIECES) for _ in range(rng.randint(0, 12)))
                           for _ in range(40_000)]
    for s in inputs:
        cleaned = text.clean_text(s)
        assert search_text.html_to_text(s) == long_html_to_text(s), repr(s)
        assert search_text.html_to_text(cleaned, cleaned=True) == long_html_to_text(cleaned), \
            repr(s)


def test_reading_minutes_from_the_one_line_text() -> None:
    rng = random.Random(3)
    for _ in range(2000):
        words = " ".join("w" for _ in range(rng.randint(0, 1500)))
        line = search_text.html_to_text(f"<p>{words}</p> <p>{words}</p>")
        assert search_text.line_reading_minutes(line) == search_text.reading_minutes(line)
    assert search_text.line_reading_minutes("") == search_text.reading_minutes("") == 1


def test_entry_hash_layout_is_unchanged() -> None:
    """Stored hashes decide whether a refetched entry changed: the layout must not move."""
    assert digest("Title", "https://example.org/a", None, "<p>caf\u00e9 \ud800</p>", "[]") == (
        "976278bea2b1929d57c67ff30e63634c0e457c15c7e8d458199d2d737afdd94f")


def test_author_list_json_is_what_json_dumps_writes() -> None:
    rng = random.Random(6)
    inputs = samples(7, 2000) + ["Jane Doe", 'Jane "JD" Doe', "back\\slash", "\x7f", "caf\u00e9",
                                 "\u00ad", "\U0001f600", "~"] * 100
    for _ in range(5000):
        authors = rng.sample(inputs, rng.randint(0, 3))
        names = [n for n in (text.clean_line(a)[:200] for a in authors) if n]
        row, _text = _prepare(NewEntry(key="k", title="t", raw="", authors=authors), 0.0)
        assert row[4] == json.dumps(names), repr(authors)

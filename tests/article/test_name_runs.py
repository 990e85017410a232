"""The quick paths of name look-ups agree with the plain reading they stand in for.

`SpeakerBook` finds a name's full form by tokenizing the words around each occurrence; quick
tests skip that for words standing alone, read a narrow window first, and read a long
paragraph backwards in windows. Each must give exactly what the full reading gives.
"""

from __future__ import annotations

import pytest

from reader.article import speakers
from reader.article.names import runs, strip_titles, tokens
from reader.article.speakers import SpeakerBook

# Invented narration with the shapes that decide where a run of capitalised words ends:
# particles, titles and initials, possessives, digits (which tokens drop), full stops after
# abbreviations and at sentence ends, and quotations blanked to spaces.
TEXTS = [
    "Mayor Ines van der Berg said the ferry would run. Van der Berg added that Berg Lane "
    "was closed. Berg said so twice.",
    "Sen. Ada Brennock of Maine, who spoke first, said Brennock’s plan was sound. Dr. J. K. "
    "Holloway replied.                                        Holloway left early.",
    "The council met at 7 p.m. Osei spoke for the harbour. Lena Osei, the town’s mayor, "
    "thanked Osei Marine. In 2016 Osei had said the same; Osei 2016 Report said otherwise.",
    "Ludwig von Arden and Clara della Rocca wrote to the board. della Rocca signed; Arden did "
    "not. U.S. Rocca Holdings said nothing. Rocca’s lawyer, Tom Rocca, spoke for her.",
    "“We are ready,” said Priya Lindqvist. Lindqvist, 42, runs the yard.\n"
    "Lindqvist.Lindqvist and Lindqvist - Lindqvist (Lindqvist) Lindqvist' Lindqvist’",
]


def _words(text: str) -> list[tuple[int, str]]:
    out = []
    for i, tok in enumerate(tokens(text)):
        if tok[:1].isupper():
            out.append((i, tok))
    return out


def _windowed(text: str, at: int, word: str) -> str | None:
    """The full reading: 60 characters each side, tokenized, the run around the word."""
    left = tokens(text[max(0, at - speakers._WINDOW):at])
    right = tokens(text[at:at + len(word) + speakers._WINDOW])
    if right and right[0] != word and right[0][len(word):] in speakers._POSSESSIVE_ENDINGS:
        right = [word]
    name = speakers._run_at(left + right, len(left))
    return name.text if name else None


def _occurrences(text: str, word: str) -> list[int]:
    found, i = [], text.find(word)
    while i >= 0:
        end = i + len(word)
        if (i == 0 or not speakers._word_char(text[i - 1])) and (
                end == len(text) or not speakers._word_char(text[end])):
            found.append(i)
        i = text.find(word, end)
    return found


@pytest.mark.parametrize("text", TEXTS)
def test_quick_name_reading_matches_the_full_reading(text: str) -> None:
    book = SpeakerBook({0: text}, {})
    checked = alone = 0
    for word in {tok.rstrip(".") for _, tok in _words(text)}:
        for at in _occurrences(book.joined, word):
            full = _windowed(book.joined, at, word)
            if speakers._stands_alone(book.joined, at, at + len(word)):
                alone += 1
                assert full is None or full == word, (word, at, full)
            quick = book._name_around(at, word)
            assert (quick.text if quick else None) == full, (word, at)
            checked += 1
    assert checked > 5 and alone > 0


@pytest.mark.parametrize("text", TEXTS)
def test_last_run_read_backwards_matches_the_whole_paragraph(
        text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(speakers, "_RUN_WINDOW", 12)  # force several windows

    def naive(end: int, wanted) -> str | None:  # type: ignore[no-untyped-def]
        toks = tokens(text[:end])
        return next((" ".join(toks[i:j]) for i, j in reversed(runs(toks))
                     if wanted(toks[i:j])), None)

    tests = [lambda run: True, lambda run: len(run) > 1,
             lambda run: run[-1].lower() in ("berg", "rocca", "holdings", "report")]
    found = 0
    for wanted in tests:
        for end in range(0, len(text) + 1, 3):
            expected = naive(end, wanted)
            assert speakers._last_run(text, end, wanted) == expected, (end, expected)
            found += expected is not None
    assert found


def test_name_around_strips_titles_like_the_full_reading() -> None:
    text = "Former Secretary of State Ada Brennock said so."
    book = SpeakerBook({0: text}, {})
    at = book.joined.index("Brennock")
    name = book._name_around(at, "Brennock")
    assert name == strip_titles(tokens("Former Secretary of State Ada Brennock"))
    assert name is not None and name.text == "Ada Brennock"

"""Quick tests and rewritten patterns in quote finding agree with the plain reading they stand in
for: each gives exactly what the slower form gives, on invented text with the shapes that
decide them.
"""

from __future__ import annotations

import re

import pytest

from reader.article import names, quotemarks, quotes, sentences, speakers
from reader.article.quotemarks import MarkSpan

# Invented narration: names with titles and particles, relative clauses, asides, possessives,
# quotations blanked to spaces, quote marks of several styles, abbreviations and digits.
TEXTS = [
    "Sen. Ada Brennock of Maine, who spoke first, said Brennock’s plan was sound, as Joel "
    "Varga of the Harbour Gazette noted. Varga - who, after a long night, quickly agreed - "
    "left.",
    "Lena Osei, the town’s mayor, and her deputy wrote to the council. Paganini and his team "
    "replied with their lawyers. The ferry’s owner, a local man who, like others, once "
    "sailed, said so.",
    "“We are ready,” said Priya Lindqvist.                                   Lindqvist, 42, "
    "runs the yard at 7 p.m. in the U.S. and Canada… She added: ‘It's fine.’ As Dr. J. K. "
    "Holloway put it, “Nothing ever changes.” ''Never,'' he wrote; «Jamais» and „nie“ too.",
    "Over her remark that the plan was late, Marisol Pellegrini, who also chairs the board, "
    "asked who would pay. Her comments before the committee that spring, and his words that",
    "As Tom Rocca of Rocca Holdings put it, the U.S.-made ferries—those “fast boats”—aren’t "
    "for sale. A spokesman for the British Foreign Office, who declined to be named, said "
    "nothing; as expected, Osei Marine and Berg Lane said (R-Maine) it was un_der way ‘90s.",
]


def _windows(text: str, step: int = 3) -> list[str]:
    """Every slice of `text` that ends at a multiple of `step`, from a few starts."""
    out = []
    for end in range(0, len(text) + 1, step):
        for start in (0, max(0, end - 130), max(0, end - 40), max(0, end - 9)):
            out.append(text[start:end])
    return out


CLAUSES = [w for t in TEXTS for w in _windows(t)]


def test_token_pattern_matches_its_plain_form() -> None:
    plain = re.compile(r"[^\W\d_][\w’'-]*(?<![’'_-])\.?|[^\w\s]")
    samples = [*TEXTS, *CLAUSES, "é ß ǅ ٣ ² ½ Ⅻ _a a_ 'a a' -a a- ’s a.b."]
    for text in samples:
        assert [m.span() for m in names._TOKEN.finditer(text)] == [
            m.span() for m in plain.finditer(text)], text


def test_ascii_token_pattern_reads_ascii_text_like_the_full_one() -> None:
    chars = [chr(c) for c in range(128)]
    samples = [t for t in [*TEXTS, *CLAUSES] if t.isascii()] + [
        f"{a}{b}" for a in chars for b in ("a", "1", " ", ".", "'", "-", "_")] + [
        f"ab{c}." for c in chars]
    assert len(samples) > 1000
    for text in samples:
        assert names._ASCII_TOKEN.findall(text) == names._TOKEN.findall(text), text


def test_as_pattern_matches_its_plain_form() -> None:
    plain = re.compile(
        r"(?:^|[,;]\s*|\b)[Aa]s\s+((?:[A-Z][\w.’'-]*\s*)+(?:of\s+[^,]{1,40})?)$")
    found = 0
    for clause in [*CLAUSES, "As Ann Lee", "bas Ann Lee", ",As Ann Lee", "; as Ann Lee"]:
        for pos in (0, 1, max(0, len(clause) - names._AS_REACH)):
            quick = names._AS_NAME.search(clause, pos)
            full = plain.search(clause, pos)
            assert (quick and quick.group(1)) == (full and full.group(1)), (clause, pos)
            found += full is not None
    assert found


def test_antecedent_search_matches_a_search_from_the_start() -> None:
    found = 0
    for clause in [*CLAUSES, "x" * 120 + ", who", "Ann Lee,   who also", "Lee - who, once, "]:
        quick = names._antecedent(clause)
        full = names._WHO.search(clause) if "who" in clause else None
        assert (quick and (quick.span(), quick.group(1))) == (
            full and (full.span(), full.group(1))), clause
        found += full is not None
    assert found


def test_subject_quick_tests_hold_wherever_the_pattern_matches() -> None:
    """The tests that spare a search are true wherever the search would find something."""
    owned = with_others = role = 0
    for clause in CLAUSES:
        if speakers._OWNED_WORDS.search(clause):
            owned += 1
            assert clause.rstrip().endswith("that"), clause
        stripped = clause.strip()
        if names._WITH_OTHERS.search(stripped):
            with_others += 1
            assert stripped.rsplit(None, 3)[-3:-2] in (["and"], ["with"]), clause
        if speakers._NAME_BEFORE_ROLE.search(clause):
            role += 1
            assert speakers._ROLE_AFTER_COMMA.match(clause, clause.rfind(",")), clause
    assert owned and with_others and role


def _plain_is_title(words: list[str]) -> bool:
    if any(w[-1] in quotes._SENTENCE_END for w in words[:-1]):
        return False
    big = [w for w in words if w[:1].isalpha() and w.lower() not in quotes._SMALL_WORDS]
    return bool(big) and sum(w[0].isupper() for w in big) / len(big) >= 0.8


def test_title_test_matches_its_plain_form() -> None:
    extra = ["Takin’ It to the Streets", "Meet the Press", "A B C D e", "A B C D E f",
             "Tough Choices.", "of the", ""]
    samples = [c.split() for c in [*CLAUSES, *extra]]
    titles = 0
    for words in samples:
        assert quotes._is_title(words) == _plain_is_title(words), words
        titles += _plain_is_title(words)
    assert titles


def test_singles_count_stops_early_with_the_same_answer() -> None:
    def plain(spans: dict[int, list[MarkSpan]], texts: dict[int, str]) -> bool:
        singles = doubles = 0
        for i, block_spans in spans.items():
            for s in block_spans:
                if quotemarks._speech_like(s, texts[i]):
                    if s.opener in quotemarks.SINGLE:
                        singles += 1
                    else:
                        doubles += 1
        return singles > doubles

    texts = dict(enumerate([
        "‘It is late,’ she said. “Go.”", "He said ‘fine’ and ‘no’ and ‘we will see it all’.",
        "“One two three four five six,” he said. ‘Seven.’", "It's ‘x’.", "“a” “b” ‘c d e f g’",
    ]))
    spans = {i: quotemarks._scan(t, quotemarks._ALL_MARKS, MarkSpan) for i, t in texts.items()}
    for keep in range(1, len(texts) + 1):
        some = {i: s for i, s in spans.items() if i < keep}
        assert quotemarks._singles_primary(some, texts) == plain(some, texts)
    assert quotemarks._singles_primary(spans, texts) in (True, False)


def test_sentence_starts_after_quotations_read_the_last_character() -> None:
    for text in CLAUSES:
        for end in range(len(text) + 1):
            for start in (0, end // 2, end):
                assert sentences._last_char(text, start, end) == (
                    text[start:end].rstrip()[-1:]), (text, start, end)


@pytest.mark.parametrize("inner", ["one two three four", "one two three four five",
                                   " a  b\tc\nd e f ", "", "Go.", "x, y"])
def test_speech_like_counts_words_like_a_full_split(inner: str) -> None:
    text = "“" + inner + "”"
    span = MarkSpan(0, len(text), 1, len(text) - 1, "“", True)
    stripped = span.inner(text)
    assert quotemarks._speech_like(span, text) == (
        len(stripped.split()) > quotemarks._SHORT_WORDS or stripped[-1:] in ",.!?…")


def test_adjacent_verb_test_matches_the_plain_search() -> None:
    adjacent = 0
    for lead in [*CLAUSES, "Ann Lee said, ", "Lee told Global News:", "Lee said that", "Lee said"]:
        verbs = list(speakers._VERB_RE.finditer(lead))
        reach = len(lead) - speakers._ADJACENT_REACH
        plain = any(v.start() >= reach and speakers._ADJACENT_AFTER_VERB.match(lead, v.end())
                    for v in reversed(verbs))
        assert speakers._adjacent_verb(lead, verbs, len(lead.rstrip())) == plain, lead
        adjacent += plain
    assert adjacent

"""Who said a quotation: attribution patterns around the quote marks, and name resolution.

`attribution()` reads the words right before and after one quote; `SpeakerBook` turns what it
finds ("Powell", "she", "Prime Minister Justin Trudeau") into full names, in reading order.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from reader.article.names import (
    WORDS,
    Name,
    is_name_token,
    object_name,
    runs,
    sentence_start,
    strip_titles,
    subject_name,
    tokens,
)

VERB = r"(?:" + "|".join(sorted(WORDS["verbs"], key=len, reverse=True)) + r")"
_VERB_RE = re.compile(rf"(?<![\w-]){VERB}(?![\w])", re.IGNORECASE)

_CLOSING_PUNCT = ",.!?…:;—–-"
# "…,” said X" / "…,” she told Reuters." / "…», dit-il."
_AFTER_VERB_FIRST = re.compile(rf"[\s,.;!?—–-]*(?:then\s+|also\s+)?{VERB}(?![\w])(?P<rest>.*)",
                               re.IGNORECASE | re.DOTALL)
_AFTER_SUBJECT_FIRST = re.compile(
    rf"[\s,;—–-]*(?P<subj>[^.!?;:“”\"«»„\n]{{1,90}}?)\s+{VERB}(?![\w])", re.IGNORECASE)
_AFTER_FRENCH_INVERSION = re.compile(r"[\s,]*a-t-(?P<p>il|elle)\b", re.IGNORECASE)
_AFTER_ACCORDING = re.compile(r"[\s,]*(?:according to|selon|laut)\s+(?P<rest>.*)",
                              re.IGNORECASE | re.DOTALL)
# "X told Global News: “", "X said “", "X said that “", "According to X, “"
_BEFORE_ADJACENT = re.compile(
    rf"(?:(?<![\w-]){VERB}(?:\s+(?:to\s+)?[^\s.!?“”:]+){{0,5}}\s*[:,]|(?<![\w-]){VERB}"
    rf"(?:\s+that)?|\b(?:according to|selon|laut)\s+[^,.!?]+,)\s*$",
    re.IGNORECASE)
_BEFORE_ACCORDING = re.compile(r"\b(?:according to|selon|laut)\s+(?P<who>[^,.!?]+),\s*$",
                               re.IGNORECASE)
_LAST_SENTENCE = re.compile(r"(?:^|[.!?][”’\"»]?\s+)(?=[^.!?]*$)")
_MAX_SUBJECT_WORDS = 10

Ref = Name | str  # a name as written, or a pronoun


def _subject_ok(subj: str) -> bool:
    return len(subj.split()) <= _MAX_SUBJECT_WORDS


def after_attribution(after: str, inner: str) -> tuple[Ref | None, bool]:
    """Attribution in the words following a quote. Returns (who, attached)."""
    if not (inner.rstrip()[-1:] in _CLOSING_PUNCT or after.lstrip()[:1] in _CLOSING_PUNCT):
        return None, False  # "the “Iron Lady” said …": a phrase, not a quotation
    m = _AFTER_FRENCH_INVERSION.match(after)
    if m:
        return m.group("p").lower(), True
    m = _AFTER_VERB_FIRST.match(after)
    if m:
        return object_name(m.group("rest")), True
    m = _AFTER_ACCORDING.match(after)
    if m:
        return object_name(m.group("rest")), True
    m = _AFTER_SUBJECT_FIRST.match(after)
    if m and _subject_ok(m.group("subj")):
        return subject_name(m.group("subj")), True
    return None, False


def before_attribution(before: str) -> tuple[Ref | None, bool]:
    """Attribution in the sentence leading into a quote. Returns (who, attached)."""
    lead = before[_LAST_SENTENCE.search(before).end():]  # type: ignore[union-attr]
    m = _BEFORE_ACCORDING.search(lead)
    if m:
        return object_name(m.group("who")), True
    attached = bool(_BEFORE_ADJACENT.search(lead))
    verbs = list(_VERB_RE.finditer(lead))
    for v in reversed(verbs):
        subj = lead[:v.start()]
        clause = re.split(r"[;:]|,\s+(?:and|but)\s+", subj)[-1]
        who = subject_name(clause)
        if who is not None:
            return who, attached
    return None, attached


def lead_in_attribution(prev_text: str) -> Ref | None:
    """A previous paragraph that introduces the quote: "Smith told reporters:"."""
    text = prev_text.rstrip()
    if not text.endswith(":"):
        return None
    who, attached = before_attribution(text)
    return who if attached else None


def narration_speakers(text: str) -> list[tuple[int, Name]]:
    """Names that are subjects of speech verbs in plain narration ("Putin announced …")."""
    out: list[tuple[int, Name]] = []
    for v in _VERB_RE.finditer(text):
        start = max(0, v.start() - 120)
        head = text[start:v.start()]
        head = head[_LAST_SENTENCE.search(head).end():]  # type: ignore[union-attr]
        who = subject_name(re.split(r"[;:]", head)[-1])
        if isinstance(who, Name):
            out.append((v.start(), who))
    return out


@dataclass
class SpeakerBook:
    """The article's names, and the speakers met so far in reading order."""

    full_names: dict[str, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    known_words: set[str] = field(default_factory=set)
    recent: list[Name] = field(default_factory=list)
    genders: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, texts: list[str]) -> SpeakerBook:
        """Index every multi-word name in the article (position = order of appearance)."""
        book = cls()
        pos = 0
        for text in texts:
            toks = tokens(text)
            for i, j in runs(toks):
                name = strip_titles(toks[i:j])
                if name is None:
                    continue
                words = name.tokens
                if len(words) >= 2:
                    for key in {words[-1], words[0]}:
                        book.full_names[key].append((pos + i, name.text))
                if name.gender:
                    book.genders.setdefault(name.text, name.gender)
            for m in re.finditer(r"[^\W\d_][\w’'-]*", text):
                if m.group()[:1].isupper() and not sentence_start(text, m.start()):
                    book.known_words.add(m.group())
            pos += len(toks) + 1
        return book

    def resolve(self, ref: Ref | None) -> str | None:
        """A full name for `ref`, or None when it names no one we can tell."""
        if ref is None:
            return None
        if isinstance(ref, str):
            return self._pronoun(ref)
        words = ref.tokens
        if len(words) >= 2:
            if ref.gender:
                self.genders.setdefault(ref.text, ref.gender)
            return ref.text
        word = words[0]
        for name in reversed(self.recent):
            if word in name.tokens and len(name.tokens) > 1:
                return name.text
        matches = self.full_names.get(word)
        if matches:
            if ref.gender:
                self.genders.setdefault(matches[0][1], ref.gender)
            return matches[0][1]
        if word in self.known_words and is_name_token(word):
            return word
        return None

    def _pronoun(self, pronoun: str) -> str | None:
        gender = {"he": "m", "il": "m", "er": "m", "she": "f", "elle": "f"}.get(pronoun)
        for name in reversed(self.recent):
            if gender is None:
                return name.text
            if name.is_org:
                continue
            known = self.genders.get(name.text)
            if known is None or known == gender:
                self.genders[name.text] = gender
                return name.text
        return None

    def met(self, speaker: str) -> None:
        """Record `speaker` as the most recent one (for pronouns and surnames)."""
        self.recent = [n for n in self.recent if n.text != speaker][-20:]
        self.recent.append(Name(speaker))

"""Who said a quotation: attribution patterns around the quote marks, and name resolution.

`after_attribution()` and `before_attribution()` read the words right after and before one
quotation; `SpeakerBook` turns what they find ("Powell", "she", "Prime Minister Justin Trudeau")
into full names, in reading order.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from reader.article.names import (
    GIVEN_NAME_GENDER,
    ORG_NOUNS,
    PARTICLES,
    PLACES,
    PRONOUNS,
    PUBLICATION_WORDS,
    ROLES,
    SUBJECT_PRONOUN,
    WORDS,
    Name,
    Role,
    is_abbreviation,
    is_name_token,
    is_title,
    mentions,
    object_name,
    only_a_name,
    possessor,
    runs,
    sentence_start,
    strip_titles,
    subject_name,
    tokens,
)
from reader.article.sentences import DATELINE, sentence_starts


def _trie_pattern(words: list[str]) -> str:
    """One regular expression for `words` with shared prefixes factored out ("sa(?:id|ys)"),
    much faster to scan with than a flat alternation of 150 verbs."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in re.findall(r"\\s\+|.", word):  # "\\s+" stays one unit
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        branches = [("" if ch == "" else (ch if ch == "\\s+" else re.escape(ch)) + build(child))
                    for ch, child in sorted(node.items())]
        optional = "" in node
        branches = [b for b in branches if b]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if optional:
            return f"(?:{body})?" if len(branches) > 1 or len(body) > 1 else body + "?"
        return body

    return build(trie)


VERB = "(?:" + _trie_pattern(sorted(WORDS["verbs"])) + ")"
_VERB_RE = re.compile(rf"(?<![\w-]){VERB}(?![\w])")
_CUE_RE = re.compile(
    r"(?<![\w-])(?:" + _trie_pattern(sorted(WORDS["verbs"] | WORDS["cue_verbs"])) + r")(?![\w])")
# "her remark that “", "his comments before the committee that “": the owner's words
_OWNED_WORDS = re.compile(
    r"\b(his|her|their|His|Her|Their)\s+(?:[a-z]+\s+)?(?:remarks?|comments?|words|statements?|"
    r"claims?|assertion|insistence|admission|argument|warning|promise|pledge|quip|boast)"
    r"(?:\s+(?:to|before|at|on|in)\s+[^.;:,“”\"]{1,60}?)?,?\s+that\s*$")
# "a group called “…”", "a show named": a noun right before the verb names a thing.
_NAMING_CALL = re.compile(r"\b(?:[a-z]+)\s+(?:called|named|titled)\s*$")
_ENDS_WITH_VERB = re.compile(rf"(?<![\w-]){VERB}(?:\s+[a-z]+){{0,2}}\s*$")
_AND_END = re.compile(r"\band\s*$")  # "… he looked up and" (said)
_CLAUSE_BREAK = re.compile(r"[;:]|,\s+(?:and|but)\s+")  # the clause a verb's subject is in
_PASSIVE = re.compile(r"(?:,|\b(?:be|been|being|is|are|was|were))\s*$")
_NOT_NOUNS = frozenset({"he", "she", "they", "who", "which", "what", "it", "also", "has", "had",
                        "have", "once", "then", "later", "repeatedly", "and", "just", "that",
                        "we", "i", "you", "publicly", "previously", "even", "again"})

_CLOSING_PUNCT = ",.!?…:;—–-"
# "…,” said X" / "…,” she told Reuters." / "…», dit-il."
_AFTER_VERB_FIRST = re.compile(
    rf"[\s,.;!?—–-]*(?:then\s+|also\s+)?(?P<verb>{VERB})(?![\w])(?P<rest>.*)", re.DOTALL)
_AFTER_SUBJECT_FIRST = re.compile(
    rf"[\s,;—–-]*(?P<subj>[^!?;:“”\"«»„\n]{{1,160}}?)\s+{VERB}(?![\w])")
# "…, Nefzi said." closing the quotation's sentence after words of its own.
_AFTER_SENTENCE_END = re.compile(
    rf"^[^“”\"«»„\n]*?,\s+(?P<subj>[^\W\d_][^,“”\"«»„\n]{{1,60}}?)\s+{VERB}(?![\w])"
    rf"(?:\s+(?:on\s+)?[A-Z][a-z]+day)?\s*[.!?]?\s*$")
_AFTER_SENTENCE_END_INVERTED = re.compile(
    rf"^[^“”\"«»„\n]*?,\s+(?!told\b|tells\b|asked\b)(?:{VERB})\s+"
    rf"(?P<who>[A-Z][^“”\"«»„\n]{{1,160}}?)[.!?]?\s*$")
# “…,” Trump fretted. (a verb not in the lists, right after a name)
_AFTER_NAME_PAST = re.compile(
    r"[\s,]*(?P<who>(?:[A-Z][\w.’'-]+\s+){0,3}[A-Z][\w’'-]+)\s+[a-z]{3,}ed\b(?![\w-])")
# A subject does not open with a preposition or conjunction ("in the way the U.S. responds").
_LOWER_OPENING = re.compile(r"\s*(?:in|on|at|of|for|from|with|by|to|that|which|when|where|"
                            r"because|as|if|and|but|or|than|about|after|before|into)\b")
_AFTER_FRENCH_INVERSION = re.compile(r"[\s,]*a-t-(?P<p>il|elle)\b", re.IGNORECASE)
_ACCORDING = "(?i:according to|selon|laut|según|secondo|segundo|volgens)"
_AFTER_ACCORDING = re.compile(rf"[\s,]*{_ACCORDING}\s+(?P<rest>.*)", re.DOTALL)
# After a speech verb right before a quotation: "X told Global News: “", "X said “", "X said
# that “" ("According to X, “" is `_BEFORE_ACCORDING`)
_ADJACENT_AFTER_VERB = re.compile(
    r"(?:(?:\s+(?:to\s+)?[^\s.!?“”:]+){0,5}\s*[:,]|\s+that)?\s*$")
_ADJACENT_REACH = 250  # characters before a quotation that can hold its adjacent attribution
_BEFORE_VERB_FIRST = re.compile(rf"\s*(?i:{VERB})\s+(?P<rest>[A-Z].*)$", re.DOTALL)
_OPENING_ACCORDING = re.compile(rf"\s*{_ACCORDING}\s+(?P<who>[^,.!?]+),")
_BEFORE_ACCORDING = re.compile(rf"\b{_ACCORDING}\s+(?P<who>[^,.!?]+),\s*$")
_AFTER_GERMAN_SO = re.compile(r"\s*,\s*so\s+(?P<who>[^\W\d_][^!?;:“”\"«»„\n,]{1,60}?)\s*[.,]")
_AFTER_DASH_NAME = re.compile(r"\s*[—–]\s*(?P<who>[^!?;:“”\"«»„\n,]{2,60}?)[\s.]*$")
_BEFORE_NAME_COLON = re.compile(
    r"(?:^|\s[-—–]\s)\s*(?P<who>[^!?;:“”\"«»„\n,—–]{2,60}?):\s*$")
_SENTENCE_BREAK = re.compile(r"[.!?][”’\"»]?\s+")
_TAIL_READ = 160  # characters of a lead-in searched first for its last sentence break
_CLOSING_MARKS = frozenset("”’\"")
_STRAY_CLOSING = re.compile(r"^\s*[”’\"]+(?=[\s,])|^,[”’\"]+(?=\s)")
# A full stop that ends a sentence inside a would-be subject (not "Mr.", "U.S.", "site.com").
_STOP_IN_SUBJECT = re.compile(r"\b[a-z]{2,}\.(?:\s|$)")
_MAX_SUBJECT_WORDS = 16
_SHORT_SUBJECT_WORDS = 6
_ENGLISH_PRONOUNS = frozenset({"he", "she", "they"})
_CLAUSE_PRONOUN = re.compile(
    r"(?:^|[,;]\s*|\b(?:and|but|then)\s+)(he|she|they|He|She|They)\s+[a-z]")
_OPENING_WORDS = frozenset({"but", "and", "yet", "so", "still", "then", "now", "when", "after",
                            "as", "while", "before", "once", "if", "although", "though",
                            "because"})
_INTRO_WORDS = frozenset({"on", "in", "at", "during", "after", "before", "last", "earlier",
                          "later", "asked", "speaking", "since", "with", "by", "for", "from",
                          "despite", "under", "following", "like", "unlike", "until"})
_SHORT = 4  # words: a quotation this short needs punctuation before its attribution
# Subjects that name no one but still make a quotation speech: "the ministry said".
_UNNAMED_SUBJECT = re.compile(
    r"\s*(?:the|a|an|its|his|her|their|our|one|two|three|several|many|some|other|officials|"
    r"police|witnesses|experts|residents|authorities|critics|analysts|researchers|scientists|"
    r"organizers|organisers|prosecutors|lawyers|doctors|sources)\b", re.IGNORECASE)

_CAPITAL = re.compile(r"[^\W\da-z_]")  # a letter that is not a-z (a quick pre-check)
_GENDER = {"he": "m", "il": "m", "er": "m", "él": "m", "lui": "m", "ele": "m", "hij": "m",
           "she": "f", "elle": "f", "ella": "f", "lei": "f", "ela": "f"}
_WINDOW = 60  # characters around a word searched for the rest of its name
_NEAR = 24  # characters read first (most names are short)
_NOT_SPACE = re.compile(r"\S")
_SPACE_READ = 256  # spaces skipped at a time, backwards
_PARTICLE_READ = 6  # characters read for a particle ("della"): one more than the longest
_WORD_AT_START = re.compile(r"(?:[^\W_]|[’'-])*")
_RUN_WINDOW = 1500  # characters read first, backwards, for the last name of a kind
_FOCUS_BLOCKS = 2  # paragraphs before a "he said" searched for the person in focus
_FOCUS_SENTENCES = 8
# A capitalised whole word as `_occurrences` sees one (letters, digits, ’ ' - _ inside); other
# words are searched for directly.
# (the capital comes before the look-behind so the engine skips to capitals)
_CAPITALISED_WORD = re.compile(r"[A-ZÀ-ÖØ-Þ](?<![\w’'-].)[\w’'-]*")
_HEADLINE_CHARS = 200
_PAPER_NOUNS = frozenset({"newspaper", "paper", "publication", "outlet", "magazine"})
# What follows a one-word name acting in the narration: "Trump said", "Carson defied the
# question", "Rihanna, who …".
_ACTING_AFTER = re.compile(
    rf"(?:,[^,.;:]{{1,60}},)?\s+(?:[a-z]+ly\s+|also\s+)?"
    rf"(?:{VERB}|[a-z]{{3,}}ed\b|has|had|was|is)(?![\w])|,\s+who\s")
# Roles that, with "the", describe someone the article has named: "the Vermont senator said".
_DESCRIBED_ROLES = frozenset({
    "senator", "governor", "secretary", "president", "nominee", "candidate", "frontrunner",
    "front-runner", "mogul", "billionaire", "businessman", "businesswoman", "lady",
    "congressman", "congresswoman", "speaker", "mayor", "chairman", "chairwoman", "founder",
    "tycoon", "star", "actor", "actress", "pastor", "judge", "justice", "lawmaker",
    "legislator", "representative", "hopeful", "incumbent", "host", "magnate", "politician",
    "executive", "ceo", "minister", "chancellor", "premier", "king", "queen", "pope",
    "developer", "comedian", "singer", "author", "writer", "economist", "professor",
})
_ROLE_GENDER = {"lady": "f", "businesswoman": "f", "congresswoman": "f", "chairwoman": "f",
                "actress": "f", "queen": "f", "businessman": "m", "congressman": "m",
                "chairman": "m", "actor": "m", "king": "m", "pope": "m"}
_OPENING_PRONOUN = re.compile(r"\s*(?:(?:But|And|So|Yet|Still|Then|Now|Later|Instead|Meanwhile|"
                              r"However|When|After|As|While|Before|Once|Although|Though|Because"
                              r"),?\s+)?(He|She|he|she)\b")
_MAX_LOOKS = 15  # occurrences of a word examined (names are introduced early)
_GENDER_REACH = 80  # characters after a name searched for the pronoun that refers to it
# The first he/his/him/she/her in the rest of the name's sentence, before any other name.
# A name in a phrase after a preposition: the pronouns after it are someone else's.
_OBJECT_BEFORE = re.compile(r"\b(?:with|by|of|to|for|from|at|in|on|about|against|than)\s+"
                            r"(?:(?:[A-Z][\w.’'-]*|the|a|an|former|then)\s+){0,4}\Z")
_TAIL_PRONOUN = re.compile(r"[^.!?A-Z]*?\b(he|his|him|she|her|hers)\b")
# What follows "her" when it is an object ("backed her up", "thanked her."), not a possessive.
_AFTER_OBJECT = re.compile(r"\s*(?:[,.;:!?)]|(?:up|down|out|off|in|on|to|at|for|with|and|or|as|"
                           r"that|because|back|over|again)\b)")
_NARRATION_REACH = 6  # blocks looked back for a reported speaker
_ROLE_REACH = 20  # blocks looked back for the person who holds a role ("the mayor")
# "Lena Osei, the town’s" right before a role word.
_NAME_BEFORE_ROLE = re.compile(r"([^\W\d_][\w’'.-]*(?:\s+[^\W\d_][\w’'.-]*){0,3}),\s+"
                               r"(?:the|a|an)\s+[^,.;:!?]{0,40}$")
_ROLE_AFTER_COMMA = re.compile(r",\s+(?:the|a|an)\s+[^,.;:!?]{0,40}$")  # its tail: a quick test

# A name, then (optionally) an aside in commas or adverbs, then a speech verb.
_SPEAKS_AFTER = re.compile(
    rf"(?:\s*,[^,.;:!?]{{1,90}},|\s*,)?(?:\s+(?:who|[a-z]+ly|also|has|had|have|then|later|"
    rf"once|again|on\s+[A-Z][a-z]+day))*\s+{VERB}(?![\w])"
    r"(?!(?<=continued)\s+to\b)(?!(?<=continues)\s+to\b)")  # not "continued to hurt"
_INVERTED_END = re.compile(r"\s*(?:[,.;:!?—–(]|$)")  # "said Smith, who …", "said Smith."
_SPEAKS_BEFORE = re.compile(rf"(?<![\w-]){VERB}\s+(?P<between>(?:[^\s,.]+\s+){{0,3}})$")
# Words between an inverted speech verb and its speaker: "said former party chairman X"
_BEFORE_SPEAKER = frozenset({"the", "a", "an", "former", "fellow", "then", "his", "her", "their",
                             "its", "our", "longtime", "veteran", "senior", "chief"})
_DETERMINER_END = re.compile(r"\b(?:his|her|its|their|our|my|your|the|a|an)\s+\Z", re.IGNORECASE)
# "he said Ryan": the verb has its subject already; Ryan is what was said, not who said it.
_PRONOUN_SUBJECT = re.compile(r"(?<![\w’'-])(?:he|she|they|i|we|you)\s+\Z", re.IGNORECASE)
# "Asked who leads the party, he said Ryan.": a sentence whose speaker is a pronoun before any
# name in it is about someone named earlier.
# A name opening a subordinate clause ("… when Pryor asked"): the main clause's subject is
# the one in focus.
_SUBORDINATE = re.compile(r"\b(?:when|after|as|while|before|until|because|since|once)\s+\Z")
# "To consultant Wilson, …", "For Jonathan Chait, …": whose view the sentence gives
_VIEW_OF = re.compile(r"\s*(?:To|For|In the (?:eyes|view) of)\s+(?:[^\s,]+\s+){0,4}\Z")
_LOWER_NEXT = re.compile(r"\s+[a-z]")
_POSSESSIVE_ENDINGS = frozenset({"’s", "'s", "’", "'"})
_PRONOUN_SPEAKS = re.compile(rf"(?<![\w’'-])([Hh]e|[Ss]he)\s+(?:[a-z]+ly\s+)?{VERB}(?![\w])")


@dataclass(frozen=True)
class _Person:
    """A person named in a block's narration (the full name) and their place in the clause."""

    offset: int
    end: int
    name: str
    leading: bool
    speaks: bool
    subject: bool
    owner: bool = False  # opens its clause as a possessive: "Suu Kyi’s fate is unclear"


Ref = Name | Role | str  # a name as written, a role ("the mayor"), or a pronoun
Position = tuple[int, int]  # (block index, character offset)
# `subject_name` of clauses already read in one article: the words before a verb are read for
# the attribution before a quotation and again for the verb that frames it.
Subjects = dict[str, Ref | None]


def _subject(clause: str, known: Subjects | None) -> Ref | None:
    """`subject_name(clause)`, kept in `known` when given."""
    if known is None:
        return subject_name(clause)
    if clause not in known:
        known[clause] = subject_name(clause)
    return known[clause]


def last_sentence(text: str) -> str:
    """The tail of `text` after its last sentence break (or its dateline)."""
    start = len(text)
    while start:  # the last breaks first: read the tail, then the rest
        start = max(0, start - _TAIL_READ)
        for m in reversed(list(_SENTENCE_BREAK.finditer(text, start))):
            word = text[max(0, m.start() - 30):m.start() + 1].rsplit(None, 1)[-1]  # the stop's
            if not is_abbreviation(word):  # "wrote of Ms. Merkel:"
                return text[m.end():]
    dateline = DATELINE.match(text)
    return text[dateline.end():] if dateline else text


def _subject_ok(subj: str, short: bool) -> bool:
    """Not too long (a short quotation needs its verb close by), and no full stop except in
    abbreviations ("Mr. Trump", "the U.S. attorney")."""
    limit = _SHORT_SUBJECT_WORDS if short else _MAX_SUBJECT_WORDS
    return len(subj.split()) <= limit and not _STOP_IN_SUBJECT.search(subj)


def after_attribution(after: str, inner: str) -> tuple[Ref | None, bool]:
    """Attribution in the words following a quote. Returns (who, attached)."""
    if after[:3].lstrip(" ,")[:1] in _CLOSING_MARKS:
        after = _STRAY_CLOSING.sub("", after, count=1)  # “… he’s like 6’2”,” Rubio said
    if not (inner.rstrip()[-1:] in _CLOSING_PUNCT or after.lstrip()[:1] in _CLOSING_PUNCT
            or len(inner.split(None, _SHORT)) > _SHORT):
        return None, False  # "the “Iron Lady” said …": a phrase, not a quotation
    if inner.rstrip()[-1:] == "." and after.lstrip()[:1].isupper():
        return None, False  # “… broken.” Clinton said …: a new sentence, not an attribution
    verb_first = _AFTER_VERB_FIRST.match(after)
    if not verb_first and ", " in after:
        m = _AFTER_SENTENCE_END.search(after)  # “…” by the shooting in Orlando, Nefzi said.
        if m:
            who = subject_name(m.group("subj"))
            if isinstance(who, Name) or who in _ENGLISH_PRONOUNS:
                return who, True

    m = _AFTER_FRENCH_INVERSION.match(after)
    if m:
        return m.group("p").lower(), True
    m = verb_first
    if m:
        if m.group("verb").endswith("ing"):
            return None, True  # "X said “…”, saying he …": X speaks, found before the quote
        return object_name(m.group("rest")), True
    m = _AFTER_ACCORDING.match(after)
    if m:
        return object_name(m.group("rest")), True
    m = _AFTER_SUBJECT_FIRST.match(after)
    if m and _subject_ok(m.group("subj"), short=len(inner.split(None, _SHORT)) <= _SHORT) and not (
            _LOWER_OPENING.match(m.group("subj"))):
        who = subject_name(m.group("subj"))
        return who, who is not None or bool(_UNNAMED_SUBJECT.match(m.group("subj")))
    m = _AFTER_NAME_PAST.match(after)  # “…,” Trump fretted.
    if m and inner.rstrip()[-1:] in ",?!" and only_a_name(m.group("who")):
        return subject_name(m.group("who")), True
    m = _AFTER_GERMAN_SO.match(after)  # „…“, so Geschäftsführerin Annette Vogt.
    if m and only_a_name(m.group("who")):
        return subject_name(m.group("who")), True
    m = _AFTER_DASH_NAME.match(after)  # “…” — Jane Smith (a signed quotation)
    if m and only_a_name(m.group("who")):
        return subject_name(m.group("who")), True
    m = _AFTER_SENTENCE_END_INVERTED.search(after) if ", " in after else None
    if m:  # “…” since …, said Lee Epstein, who …
        named = object_name(m.group("who"))
        if isinstance(named, Name):
            return named, True
    return None, False


def before_attribution(before: str, context: str = "",
                       known: Subjects | None = None) -> tuple[Ref | None, bool]:
    """Attribution in the sentence leading into a quote. Returns (who, attached).

    `before` runs from the previous quotation; `context` is the text right before the quote
    including earlier quotations, for a sentence that opens before a quoted title; `known`
    keeps the article's clauses read so far."""
    lead = last_sentence(before)
    tail = len(lead.rstrip())
    ending = lead[tail - 1:tail]  # the end-anchored patterns below are tried only when it fits
    m = ((_BEFORE_ACCORDING.search(lead, max(0, len(lead) - _ADJACENT_REACH))
          if ending == "," else None) or _OPENING_ACCORDING.match(lead))
    if m and not (m.end() < len(lead) and _CUE_RE.search(lead, m.end())):
        return object_name(m.group("who")), True  # not "According to X, Clinton praised “…”"
    m = _BEFORE_NAME_COLON.search(lead) if ending == ":" else None  # a transcript: "Smith: “…”"
    if m and only_a_name(m.group("who").split(" and ")[0]):
        who = m.group("who").split(" and ")[0]  # "Ann Lee and Jon Roe: “…”"
        return subject_name(who.title() if who.isupper() else who), True  # "OSEI: “…”"
    m = _BEFORE_VERB_FIRST.match(lead)  # "Said Dorothy Pellworth, who runs the shelter, “…”"
    if m:
        return object_name(m.group("rest")), True
    verbs = list(_VERB_RE.finditer(lead))
    attached = _adjacent_verb(lead, verbs, tail) or (ending == ":" and any(
        not v.group().endswith("ing") for v in verbs))  # "He told his party's delegates, …:"
    for v in reversed(verbs):
        if v.group().endswith("ing"):
            continue  # "Liu said …, warning: “…”": the speaker is the main clause's subject
        subj = lead[:v.start()]
        clause = _CLAUSE_BREAK.split(subj)[-1]
        who = _subject(clause, known)
        if who is not None:
            return who, attached
    finite = any(not v.group().endswith("ing") for v in verbs)
    if finite and attached and _AND_END.search(lead, 0, verbs[-1].start()):
        who = _last_subject(lead[:verbs[-1].start()])  # "…, he looked up and said, “…”"
        if who is not None:
            return who, True
    if ending == ":" or (finite and attached):
        # "Furlong was unconvinced: “…”", "Volker said he never used the term “…” and
        # added, “…”": the sentence's subject speaks
        who = _last_clause_subject(last_sentence(context or lead))
        return who, who is not None or finite  # "Then, later on CNN: “…”" names no one

    return None, attached


def _adjacent_verb(lead: str, verbs: list[re.Match[str]], tail: int) -> bool:
    """One of the speech `verbs` found in `lead` (whose words end at `tail`) is right before
    the quotation: "X said, “", "X told Global News: “", "X said that “". A verb that ends the
    lead-in is; one before that only when the lead-in ends in a colon, a comma or "that"
    (`_ADJACENT_AFTER_VERB` tells)."""
    reach = len(lead) - _ADJACENT_REACH
    may_adjoin = lead[tail - 1:tail] in (":", ",") or lead.endswith("that", 0, tail)
    return any(v.start() >= reach and (v.end() >= tail or (
        may_adjoin and _ADJACENT_AFTER_VERB.match(lead, v.end()) is not None))
        for v in reversed(verbs))


def ends_with_speech_verb(text: str) -> bool:
    """`text` ends with a speech verb, perhaps with its object: "X said", "X told reporters"."""
    return _ENDS_WITH_VERB.search(text) is not None


def framing_attribution(pre: str, words: list[str], short: bool = True,
                        known: Subjects | None = None) -> tuple[Ref | None] | None:
    """A quotation inside a sentence that reports someone's words or views ("Obama called the
    claims “just not true”", "Smith said the plan was “a disaster”"): `(who,)` when `pre`, the
    sentence up to the quote, has such a verb; None for a scare quote or a title. A quotation
    that is speech on its own (not `short`) takes the sentence's subject even without one
    ("While Mr. Ryan … laid out a vision for “…”"). `words` are the quotation's; `known`: see
    `before_attribution`."""
    if not words or _is_title_case(words):
        return None
    owned = _OWNED_WORDS.search(pre) if pre.rstrip().endswith("that") else None
    if owned:  # "over her remark that “…”", "using her comments to the committee that “…”"
        return (SUBJECT_PRONOUN[owned.group(1).lower()],)
    verbs = list(_CUE_RE.finditer(pre))
    if not verbs:
        return None if short else (_last_clause_subject(pre),)
    last = verbs[-1]
    if not pre[last.end():].strip() and (m := _NAMING_CALL.search(pre)) and (
            m.group().split()[0] not in _NOT_NOUNS):
        return None  # a play called “…”
    for v in reversed(verbs):
        if v.group().endswith("ing"):
            continue  # "…, calling it “…”": the subject of the main clause speaks
        clause = _CLAUSE_BREAK.split(pre[:v.start()])[-1]
        who = _subject(clause, known)
        if who is not None:
            return (who,)
    if last.group().endswith("ed") and _PASSIVE.search(pre, 0, last.start()):
        return None  # "the decision, described at the time as “…”": no one's words
    return (_last_clause_subject(pre),)


def _is_title_case(words: list[str]) -> bool:
    """Every word capitalised: a name or title (“Meet the Press”, “Guccifer”), not speech."""
    big = False  # words of four letters or more: all capitalised, and at least one
    for w in words:
        if len(w) > 3 and w[0].isalpha():
            if not w[0].isupper():
                return False
            big = True
    return big


def _sentence_subject(sentence: str) -> Ref | None:
    """The name or pronoun a sentence opens with ("But Mr Furlong was …"), if any."""
    toks = tokens(sentence)[:30]
    participle = bool(toks) and toks[0].endswith(("ed", "ing")) and toks[1:2] != [","] and (
        len(toks) > 1 and toks[1][:1].islower())  # "Holding signs …", "Preceded at … by"
    # "Shortly after the vote, …", "Immediately after the attacks, …"
    adverb = len(toks) > 1 and toks[0].endswith("ly") and toks[1] in _INTRO_WORDS
    if toks and (toks[0].lower() in _INTRO_WORDS or participle or adverb):
        if "," not in toks[:24]:
            return None
        toks = toks[toks.index(",") + 1:]  # "On Saturday, Trump issued …"
    i = 0
    while i < len(toks) and toks[i].lower() in _OPENING_WORDS:
        i += 1
    if i < len(toks) and toks[i].lower() in PRONOUNS:
        return toks[i].lower()
    j = i
    while j < len(toks) and is_name_token(toks[j]):
        j += 1
    k = j
    while k < min(len(toks), j + 4) and toks[k].islower() and toks[j] in ROLES and (
            toks[k] in ROLES or toks[k] == "of" or toks[k - 1] == "of"):
        k += 1  # "Former US secretary of state Madeleine Albright": past the role
    if k > j and k < len(toks) and is_name_token(toks[k]):
        i = j = k
        while j < len(toks) and is_name_token(toks[j]):
            j += 1
    if j == i or j == len(toks) or not (toks[j][:1].islower() or toks[j] == ","):
        return _last_subject(sentence)  # "But back on American soil, he returned …"
    if toks[j - 1].endswith(("’s", "'s")):  # "Clinton’s response was: “…”"
        return possessor(toks[i:j + 1])
    return strip_titles(toks[i:j])


def _last_clause_subject(sentence: str) -> Ref | None:
    """The subject of the sentence's last clause after a semicolon ("…; Barrett’s dictum to his
    interns was, “…”": Barrett)."""
    return _sentence_subject(sentence[sentence.rfind(";") + 1:])


def _last_subject(clause: str) -> str | None:
    """The pronoun nearest the end of `clause` that opens a clause of its own ("when I asked
    Sanders if he would, he looked … and"): the subject of coordinated verbs."""
    found = _CLAUSE_PRONOUN.findall(clause)
    return found[-1].lower() if found else None


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
        if not _CAPITAL.search(text, max(0, v.start() - 60), v.start()):
            continue  # no capitalised word just before: "officials said", "she said"
        head = last_sentence(text[max(0, v.start() - 100):v.start()])
        who = subject_name(re.split(r"[;:]", head)[-1])
        if isinstance(who, Name):
            out.append((v.start(), who))
    return out




class SpeakerBook:
    """The article's names, looked up on demand, and the speakers met so far in reading order.

    `texts` is the narration: each block's text with its quotations blanked out.
    """

    def __init__(self, texts: dict[int, str], sentences: dict[int, list[int]]) -> None:
        self.texts = texts
        self.sentences = sentences  # each block's sentence starts
        self.joined = ".\n\n".join(texts.values())  # one string to search names in
        self.recent: list[tuple[Position, str]] = []
        self.genders: dict[str, str] = {}
        self._full: dict[str, list[str]] = {}
        self._mid: dict[str, bool] = {}
        self._common: dict[str, bool] = {}
        self._narration: dict[int, list[tuple[int, Name]]] = {}
        self._block_mentions: dict[int, list[_Person]] = {}
        self._gender_read: set[str] = set()
        self._acting: dict[str, bool] = {}
        self._index: dict[str, list[int]] | None = None
        self._surnames: dict[str, str | None] = {}
        self._orgs: dict[str, bool] = {}

    def _capitalised(self) -> dict[str, list[int]]:
        """Each capitalised word of the narration and its offsets, indexed in one pass on first
        use (so a long article is not searched once per name)."""
        if self._index is None:
            index: dict[str, list[int]] = {}
            for m in _CAPITALISED_WORD.finditer(self.joined):
                index.setdefault(m.group(), []).append(m.start())
            self._index = index
        return self._index

    def _occurrences(self, word: str) -> list[int]:
        """Offsets of `word` as a whole word in the article's narration."""
        index = self._capitalised()
        if _CAPITALISED_WORD.fullmatch(word):
            return index.get(word, [])
        first, space, _ = word.partition(" ")
        if space and _CAPITALISED_WORD.fullmatch(first):  # a full name: where its first word is
            text, n = self.joined, len(word)
            return [at for at in index.get(first, []) if text.startswith(word, at) and (
                at + n == len(text) or not _word_char(text[at + n]))]
        return list(self._search(word))

    def _search(self, word: str) -> Iterator[int]:
        """Offsets of `word` as a whole word in the narration, searched for directly."""
        text = self.joined
        i = text.find(word)
        while i >= 0:
            end = i + len(word)
            if (i == 0 or not _word_char(text[i - 1])) and (
                    end == len(text) or not _word_char(text[end])):
                yield i
            i = text.find(word, end)

    def _written(self, word: str) -> bool:
        """`word` (in lower case) is written somewhere in the narration."""
        return next(self._search(word), None) is not None

    def _names_with(self, word: str) -> list[str]:
        """Names of two or more words that contain `word`, in order of appearance."""
        if word in self._full:
            return self._full[word]
        found: list[str] = []
        text = self.joined
        # "Bernie Sanders’s chance" names him too
        offsets = self._occurrences(word)
        if _CAPITALISED_WORD.fullmatch(word):  # so is each possessive: read from the index
            index = self._capitalised()
            possessive = [at for end in _POSSESSIVE_ENDINGS for at in index.get(word + end, ())]
        else:
            possessive = [at for end in _POSSESSIVE_ENDINGS
                          for at in self._occurrences(word + end)]
        for n, at in enumerate(sorted([*offsets, *possessive])):
            if n == _MAX_LOOKS:
                break
            if _stands_alone(text, at, at + len(word)):
                continue  # most mentions: no capitalised word or particle on either side
            name = self._name_around(at, word)
            if name and len(name.tokens) >= 2 and name.text not in found:
                found.append(name.text)
                if name.gender:
                    self.genders.setdefault(name.text, name.gender)
        self._full[word] = found
        return found

    def _name_around(self, at: int, word: str) -> Name | None:
        """The name (titles stripped) in the run of capitalised words around `word` at offset
        `at`: read `_NEAR` characters each side first, `_WINDOW` (as far as a name is looked
        for) when the run may go on past them or `word` could be a particle inside it."""
        if is_name_token(word) and word.lower() not in PARTICLES:
            left, right = self._tokens_around(at, word, _NEAR)
            toks = left + right
            i, j, first, last = _run_bounds(toks, len(left))
            cut_left = first <= 0 < at - _NEAR
            cut_right = last >= len(toks) - 1 and len(right) > 1 and (
                at + len(word) + _NEAR < len(self.joined))
            if not (cut_left or cut_right):  # no word cut at an edge of what was read
                return strip_titles(toks[i:j])
        left, right = self._tokens_around(at, word, _WINDOW)
        return _run_at(left + right, len(left))

    def _tokens_around(self, at: int, word: str, reach: int) -> tuple[list[str], list[str]]:
        """The tokens `reach` characters before `word` at `at`, and from it on."""
        text = self.joined
        left = tokens(text[max(0, at - reach):at])
        right = tokens(text[at:at + len(word) + reach])
        if right and right[0] != word and right[0][len(word):] in _POSSESSIVE_ENDINGS:
            right = [word]  # "Bernie Sanders’s chance": the name ends there
        return left, right

    def _surname(self, word: str) -> str | None:
        """The full name `word` is the surname of; the first one met when two people share it
        (a bare "Pellegrini" is the one introduced first, the other keeps a full name)."""
        if word not in self._surnames:
            self._surnames[word] = next((f for f in self._names_with(word)
                                         if f.split()[-1] == word and not self._is_org(f)), None)
        return self._surnames[word]

    def _is_org(self, name: str) -> bool:
        """`Name(name).is_org`, kept for the article."""
        if name not in self._orgs:
            self._orgs[name] = Name(name).is_org
        return self._orgs[name]

    def _acts(self, word: str) -> bool:
        """`word`, a one-word name, is seen acting in the narration ("Trump said", "Carson
        defied"): a person, not a place or an adjective."""
        if word not in self._acting:
            text = self.joined
            self._acting[word] = any(_ACTING_AFTER.match(text, at + len(word))
                                     for at in self._occurrences(word))
        return self._acting[word]

    def _family_first(self, word: str) -> str | None:
        """A name written family name first ("Mr. Lou" is Lou Jiwei): `word` opens it and is
        not a common given name."""
        if word.lower() in GIVEN_NAME_GENDER:
            return None
        return next((n for n in self._names_with(word)
                     if n.split()[0] == word and not self._is_org(n)), None)

    def _mid_sentence(self, word: str) -> bool:
        """`word` is written capitalised somewhere other than at the start of a sentence."""
        if word not in self._mid:
            self._mid[word] = any(not sentence_start(self.joined, at)
                                  for at in self._occurrences(word))
        return self._mid[word]

    def _common_word(self, word: str) -> bool:
        """`word` is capitalised only where it opens a sentence, and is a common word there:
        written in lower case elsewhere ("Tension is rising …", "Audiences can expect" with
        "audience" elsewhere), or, never seen acting, always followed by a lower-case word
        ("Good information can …"; not "OSEI: “…”")."""
        if word not in self._common:
            lower = word.lower()
            found = self._occurrences(word)
            self._common[word] = not self._mid_sentence(word) and bool(
                self._written(lower)
                or (lower.endswith("s") and self._written(lower[:-1]))
                or (found and not self._acts(word) and all(
                    _LOWER_NEXT.match(self.joined, at + len(word)) for at in found)))
        return self._common[word]

    def _single_name(self, word: str) -> bool:
        """A one-word name ("Madonna", "Trump"): capitalised mid-sentence somewhere; not
        "Americans", "Officials" or a sentence's first word."""
        return is_name_token(word) and not word.endswith("s") and self._mid_sentence(word)

    def people(self, block: int) -> list[_Person]:
        """The people a block's narration names, in order: full names, whether each opens its
        clause, and whether a speech verb follows ("Smith said", "Smith, the mayor, told")."""
        if block not in self._block_mentions:
            text = self.texts.get(block, "")
            found: list[_Person] = []
            for m in [] if _headline(text) else mentions(text):
                full = self._person(m.name)
                if full is None:
                    continue
                if m.name.gender:
                    self.genders.setdefault(full, m.name.gender)
                end = m.end
                before = _SPEAKS_BEFORE.search(text, max(0, m.offset - 30), m.offset)
                if before and (_DETERMINER_END.search(text, max(0, before.start() - 7),
                                                      before.start())
                               or not all(_describes_speaker(w)
                                          for w in before.group("between").split())):
                    before = None  # "his comments about Mr. Curiel": a noun, not a verb;
                    # "said one backs Harker": Harker is not the one who said
                speaks = (m.subject and _SPEAKS_AFTER.match(text, end) is not None) or (
                    before is not None and _INVERTED_END.match(text, end) is not None
                    and not _PRONOUN_SUBJECT.search(text, max(0, before.start() - 6),
                                                    before.start()))
                found.append(_Person(m.offset, m.end, full, m.leading and m.subject, speaks,
                                     m.subject, m.leading and m.possessive))
            self._block_mentions[block] = found
        return self._block_mentions[block]

    def _person(self, name: Name) -> str | None:
        """The full name of a person mention, or None for an organisation, a place, or a word
        we cannot tell is a name."""
        if name.is_org:
            return None
        if len(name.tokens) >= 2:
            return name.text
        word = name.tokens[0]
        full = self._surname(word) or (self._family_first(word) if name.titled else None)
        if full:
            return full
        return word if name.titled or word.lower() in GIVEN_NAME_GENDER or (
            self._acts(word) and not word.endswith("s") and not self._common_word(word)
        ) else None

    def resolve(self, ref: Ref | None, at: Position) -> str | None:
        """A full name for `ref` (said at `at`), or None when it names no one we can tell."""
        if ref is None:
            return None
        if isinstance(ref, str):
            return self._pronoun(SUBJECT_PRONOUN.get(ref, ref), at)  # "his call for …"
        if isinstance(ref, Role):
            if ref.word in ORG_NOUNS:
                return self._organisation(ref.word, at)
            holder = self._role_holder(ref.word, at)
            if ref.word in _DESCRIBED_ROLES and (holder is None or not self._named_near(
                    holder, at)):  # "the Vermont senator said": the one in focus
                holder = self._in_focus(at, _ROLE_GENDER.get(ref.word)) or holder
            return holder
        words = ref.tokens
        if ref.text in PLACES and not ref.titled and not (
                len(words) == 1 and self._surname(words[0])):  # "Israel said" of Steve Israel
            return None
        if len(words) >= 2:
            if ref.gender:
                self.genders.setdefault(ref.text, ref.gender)
            return ref.text
        word = words[0]
        full = self._surname(word)
        if full:
            if ref.gender:
                self.genders.setdefault(full, ref.gender)
            return full
        for _, name in reversed(self.recent):
            if name.split()[0] == word and " " in name:
                return name  # a first name: "Kimahli said"
        if self._single_name(word) or ref.titled:
            return word
        firsts = [n for n in self._names_with(word)
                  if n.split()[0] == word and not self._is_org(n)]
        if firsts:
            return firsts[0]
        # the subject of a speech verb, written once: a name ("“…,” Sweeny said"), but not a
        # word capitalised only where it opens a sentence and written in lower case elsewhere
        # ("Good information can still drive out bad": "good")
        if word in PLACES or word.lower() in ROLES:
            return None
        return None if self._common_word(word) else word

    def _organisation(self, noun: str, at: Position) -> str | None:
        """The organisation "the council" or "the newspaper" means: the nearest one named
        before `at` (up to 20 paragraphs back) whose name ends in that noun ("Wexbridge Town
        Council"), or, for a paper, that reads like a publication ("The Harbour Gazette")."""
        paper = noun in _PAPER_NOUNS

        def names_it(run: list[str]) -> bool:
            words = [t.lower() for t in run]
            return (any(w in PUBLICATION_WORDS for w in words) if paper
                    else words[-1] in (noun, noun + "s") and len(words) > 1)

        for block in range(at[0], max(-1, at[0] - _ROLE_REACH), -1):
            text = self.texts.get(block, "")
            found = _last_run(text, at[1] if block == at[0] else len(text), names_it)
            if found:
                return found
        return None

    def _named_near(self, name: str, at: Position) -> bool:
        """`name` (or its last word) is written in this or the previous paragraph."""
        word = name.split()[-1]
        return any(word in self.texts.get(block, "") for block in (at[0], at[0] - 1))

    def _role_holder(self, role: str, at: Position) -> str | None:
        """Who holds `role` ("mayor"), named with it nearby: "Mayor Lena Osei", "Lena Osei, the
        town’s mayor", in the paragraphs up to `at` (nearest first), else later in this or the
        next paragraph ("the paper’s deputy editor says … says Olga Bobrova")."""
        pattern = re.compile(rf"(?<![\w-]){re.escape(role)}(?![\w-])", re.IGNORECASE)
        for block in range(at[0], max(-1, at[0] - _ROLE_REACH), -1):
            text = self.texts.get(block, "")
            end = at[1] if block == at[0] else len(text)
            holders = [h for m in pattern.finditer(text, 0, end)
                       if (h := self._named_with_role(text, m.start(), m.end()))]
            if holders:
                return holders[-1]
        for block, start in ((at[0], at[1]), (at[0] + 1, 0)):
            text = self.texts.get(block, "")
            for m in pattern.finditer(text, start):
                holder = self._named_with_role(text, m.start(), m.end())
                if holder:
                    return holder
        return None

    def _named_with_role(self, text: str, start: int, end: int) -> str | None:
        """The name right after a role word ("Mayor Lena Osei", "the editor, Olga Marchetti,")
        or right before it, across a comma ("Lena Osei, the town’s mayor")."""
        toks = tokens(text[start:end + _WINDOW])
        # "the deputy editor, Olga Marchetti,", "Secretary of State Hillary Clinton"
        after = 2 if toks[1:2] in ([","], ["of"]) else 1
        name = _run_at(toks, after) if len(toks) > after else None
        if name is None or len(name.tokens) < 2:
            lo = max(0, start - _WINDOW)
            m = _NAME_BEFORE_ROLE.search(text, lo, start) if _ROLE_AFTER_COMMA.match(
                text, text.rfind(",", lo, start), start) else None
            before = tokens(m.group(1)) if m else []
            name = _run_at(before, len(before) - 1) if before else None
            if name and len(name.tokens) == 1:  # "Clinton, the former secretary of state,"
                full = self._surname(name.text)
                name = Name(full) if full else None
        return name.text if name and len(name.tokens) >= 2 else None

    def _compatible(self, name: str, gender: str | None) -> bool:
        """`name` could be the person a pronoun of `gender` (m/f/None) refers to."""
        if gender is None:
            return True
        known = self._gender(name)
        return not self._is_org(name) and (known is None or known == gender)

    def _gender(self, name: str) -> str | None:
        """What the narration says: honorifics, earlier pronoun references, or the pronouns
        that follow the name in its sentences ("Blackwood … her grandfather’s logbooks"); else
        what a common given name suggests."""
        if name not in self.genders and name not in self._gender_read:
            self._gender_read.add(name)
            word = name.split()[-1]
            if sum(f.split()[-1] == word for f in self._names_with(word)) > 1:
                word = name  # a shared surname ("Rowan and Marisol Pellegrini")
            votes = {"m": 0, "f": 0}
            for n, at in enumerate(self._occurrences(word)):
                if n == _MAX_LOOKS:
                    break
                tail = self.joined[at + len(word):at + len(word) + _GENDER_REACH]
                m = _TAIL_PRONOUN.match(tail)
                if m and _OBJECT_BEFORE.search(self.joined, max(0, at - 40), at):
                    continue  # "with Mayor Marty Walsh by her side, Clinton …": her is Clinton
                if m and not _object_pronoun(m.group(1), tail[m.end():]):
                    votes["m" if m.group(1) in ("he", "his") else "f"] += 1
            given = GIVEN_NAME_GENDER.get(name.split()[0].lower()) if " " in name else None
            if given:
                votes[given] += 2
            if votes["m"] != votes["f"]:
                self.genders[name] = max(votes, key=lambda g: votes[g])
        return self.genders.get(name)

    def reported_in(self, block: int) -> list[tuple[int, Name]]:
        """`narration_speakers` of a block's narration, read once."""
        if block not in self._narration:
            self._narration[block] = narration_speakers(self.texts.get(block, ""))
        return self._narration[block]

    def _reported(self, at: Position) -> list[tuple[Position, str]]:
        """People reported as speaking in narration since the last quoted speaker (at most
        `_NARRATION_REACH` blocks back), before `at`: "Putin announced …"."""
        since = max((at[0] - _NARRATION_REACH, 0), self.recent[-1][0] if self.recent else (0, 0))
        out: list[tuple[Position, str]] = []
        for block in range(since[0], at[0] + 1):
            reported = self.reported_in(block)
            lo = bisect_right(reported, since[1], key=lambda r: r[0]) if block == since[0] else 0
            hi = bisect_left(reported, at[1], key=lambda r: r[0]) if block == at[0] else None
            for offset, name in reported[lo:hi]:
                full = self._person(name)
                if full:
                    out.append(((block, offset), full))
        return out

    def narrator(self, block: int, before: int) -> str | None:
        """Who a paragraph presents as speaking just before offset `before`: the last person it
        reports ("Herbert said"), else the subject of the sentence right before ("Aderholt
        returned to the issue. “…”")."""
        text = self.texts.get(block, "")[:before]
        reported = [name for _, name in narration_speakers(text)]
        if reported:
            return self.resolve(reported[-1], (block, before))
        head = text.rstrip()
        if not head or head[-1] not in ".!?:":
            return None  # the quotation is inside a sentence: “a disaster”
        return self.resolve(_sentence_subject(last_sentence(head)), (block, before))

    def _pronoun(self, pronoun: str, at: Position) -> str | None:
        """He/she: the person in focus in the sentences before it (this and the two previous
        paragraphs), nearest sentence first: a compatible speaker quoted there, else one it
        reports as speaking ("Sexton said"), else the subject that opens it; past that, the most
        recent compatible speaker. They: the most recent speaker."""
        gender = _GENDER.get(pronoun)
        found = self._in_focus(at, gender) if gender else None
        if found is None:
            candidates = sorted([*self.recent, *self._reported(at)])
            found = next((n for _, n in reversed(candidates) if self._compatible(n, gender)),
                         None)
        if found and gender:
            self.genders[found] = gender
        return found

    def _in_focus(self, at: Position, gender: str | None) -> str | None:
        """The person in focus in the nearest sentences before `at` (see `_pronoun`)."""
        for block, start, end, own in self._sentences_before(at):
            found = self._focus(block, start, end, gender, own)
            if found:
                return found
        return None

    def paragraph_focus(self, block: int) -> str | None:
        """The person a paragraph of narration is about, its last sentences first."""
        for b, start, end, _ in self._sentences_before((block, len(self.texts.get(block, "")))):
            if b != block:
                return None
            found = self._focus(b, start, end, None, own=False)
            if found:
                return found
        return None

    def _sentences_before(self, at: Position) -> Iterator[tuple[int, int, int, bool]]:
        """(block, start, end, holds `at`) of the sentences before `at`, nearest first."""
        seen = 0
        for block in range(at[0], at[0] - _FOCUS_BLOCKS - 1, -1):
            if block not in self.texts:
                continue
            starts = self.sentences.get(block)
            if starts is None:  # a block without quotations: its narration is its text
                text = self.texts[block]
                starts = self.sentences[block] = sentence_starts(text, text, ())
            length = len(self.texts[block])
            limit = at[1] if block == at[0] else length
            for k in range(bisect_left(starts, limit) - 1, -1, -1):
                end = starts[k + 1] if k + 1 < len(starts) else length
                yield block, starts[k], min(end, limit), block == at[0] and at[1] < end
                seen += 1
                if seen == _FOCUS_SENTENCES:
                    return

    def _focus(self, block: int, start: int, end: int, gender: str | None,
               own: bool) -> str | None:
        """Who a sentence is about, if compatible with `gender`."""
        quoted = [n for pos, n in self.recent if pos[0] == block and start <= pos[1] < end]
        for name in reversed(quoted):
            if self._compatible(name, gender):
                return name
        found = self.people(block)
        people = found[bisect_left(found, start, key=_offset):bisect_left(found, end, key=_offset)]
        opening = _OPENING_PRONOUN.match(self.texts[block], start)
        if own and opening:
            return None  # "He said Nunberg was …": the names after "He" are not him
        if own:  # the pronoun's own sentence: "Smith told reporters he …", not "that Jones …"
            people = [p for p in people if p.speaks or (p.leading and p.offset - start < 40)]
        elif opening and gender and _GENDER.get(opening.group(1).lower()) == gender:
            return None  # "But he suggested that Lew …": he is someone named before
        elif gender and people and (speaking := _PRONOUN_SPEAKS.search(
                self.texts[block], start, people[0].offset)) and _GENDER.get(
                speaking.group(1).lower()) == gender:
            return None  # "Asked who leads, he said Ryan.": he is someone named before

        text = self.texts[block]
        for k, p in enumerate(people):
            if p.speaks and self._compatible(p.name, gender) and not (
                    _SUBORDINATE.search(text, max(start, p.offset - 12), p.offset)
                    and any(q.leading and self._compatible(q.name, gender)
                            for q in people[:k])):
                return p.name  # not Pryor in "Hale frowned when Pryor asked …"
        for p in people:
            if p.leading and self._compatible(p.name, gender):
                return p.name
            if _VIEW_OF.match(text, start, p.offset) and text.startswith(",", p.end) and (
                    self._compatible(p.name, gender)):
                return p.name  # "To consultant Wilson, the party line is silly."
        for p in people:
            if p.owner and self._compatible(p.name, gender):
                return p.name
        for p in reversed(people):
            if gender and p.subject and self._gender(p.name) == gender:
                return p.name
        if not own and len({p.name for p in people}) == 1 and self._compatible(
                people[0].name, gender):
            return people[0].name  # "Footage of Al-Awlaki appears.": the one person in view
        if not own and gender:  # "To professor Brigid Harrison, Christie’s stare …": the
            # one person of the pronoun's gender in view
            matching = {p.name for p in people if self._gender(p.name) == gender}
            if len(matching) == 1:
                return matching.pop()
        return None

    def met(self, speaker: str | None, at: Position) -> None:
        """Record `speaker` as the most recent one (for pronouns and surnames)."""
        if speaker:
            recent = self.recent
            for k in range(len(recent) - 1, -1, -1):  # met before: at most once in the list
                if recent[k][1] == speaker:
                    del recent[k]
                    break
            del recent[:-20]
            recent.append((at, speaker))


def _describes_speaker(word: str) -> bool:
    """`word` can stand between an inverted speech verb and its speaker ("said Oversight
    ranking Democrat", "said the former mayor")."""
    return (word[:1].isupper() or word.lower() in _BEFORE_SPEAKER or is_title(word)
            or word.endswith(("’s", "'s")))


def _offset(person: _Person) -> int:
    return person.offset


def _headline(text: str) -> bool:
    """A line in Title Case ("Clinton Wades In, Urges Britain To Stay"): its capitals name no
    one."""
    if len(text) > _HEADLINE_CHARS:
        return False
    words = [w for w in text.split() if w[:1].isalpha() and len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def _object_pronoun(pronoun: str, after: str) -> bool:
    """"him", or "her" as an object ("backed her up", "thanked her."): someone else than the
    name before it, so no clue to that name's gender."""
    return pronoun == "him" or (pronoun == "her" and _AFTER_OBJECT.match(after) is not None)


def _stands_alone(text: str, start: int, end: int) -> bool:
    """The word at `text[start:end]` (a whole word) is a run of its own as `runs` reads it:
    the tokens on both sides are neither names nor particles ("von"). A quick test that spares
    tokenizing the words around most mentions; False when unsure."""
    if not text[end - 1].isalnum():
        return False  # a possessive "Jones’": its next token is read another way
    if text.startswith(".", end) and is_abbreviation(text[start:end + 1]):
        return False  # "Gov.", "J.": the full stop is part of the word
    return _side_alone(text, start, -1) and _side_alone(text, end, 1)


def _side_alone(text: str, at: int, step: int) -> bool:
    """The token next to offset `at` in direction `step` (1: after, -1: before) is not one
    that joins a name's run (see `_stands_alone`)."""
    if step > 0:
        found = _NOT_SPACE.search(text, at)  # past the spaces (a blanked quotation is many)
        i = found.start() if found else len(text)
    else:
        i = at - 1
        while i >= 0 and text[i].isspace():
            lo = max(0, i - _SPACE_READ)
            i = lo + len(text[lo:i + 1].rstrip()) - 1
    if not 0 <= i < len(text):
        return True
    ch = text[i]
    if ch == "." and step < 0:  # "Sen. Smith" (a titled run), or a sentence's end
        return _alone_after_stop(text, i)
    if not ch.isalnum():
        return True  # a punctuation mark is a token that ends the run
    if not (ch.isalpha() and ch.islower()):
        return False  # a capital, a digit (which `tokens` drops) or another script
    if step > 0:  # the word starts with `ch`: alone unless it is a particle ("von")
        word = _WORD_AT_START.match(text, i, i + _PARTICLE_READ).group()  # type: ignore[union-attr]
        return word.lower() not in PARTICLES
    word = text[_word_start(text, i):i + 1]
    return word[0].isalpha() and word[0].islower() and word.lower() not in PARTICLES


def _alone_after_stop(text: str, stop: int) -> bool:
    """A name right after the full stop at `stop` starts a run, unless the stop ends an
    abbreviation that is itself a name token or particle ("Dr.", "Sen.", "J.")."""
    if stop == 0 or not text[stop - 1].isalnum():
        return True  # "..", "?." or ").": punctuation
    word = text[_word_start(text, stop - 1):stop + 1]
    if not word[0].isalpha():
        return False
    if not is_abbreviation(word):
        return True  # "… in Iowa. Smith": the stop is a token of its own
    return not is_name_token(word) and word.rstrip(".").lower() not in PARTICLES


def _word_start(text: str, last: int) -> int:
    """Where the word (letters, digits, ’ ' -) whose last character is at `last` begins."""
    i = last
    while i > 0 and (text[i - 1].isalnum() or text[i - 1] in "’'-"):
        i -= 1
    return i


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "’'-_"


def _run_bounds(toks: list[str], k: int) -> tuple[int, int, int, int]:
    """The run of `runs` that holds `toks[k]` (a name token), read outwards from k: its
    range [i, j), and the first and last indices read to find it."""
    n = len(toks)
    i = q = k
    while q > 0:
        q -= 1
        if is_name_token(toks[q]):
            i = q  # joined to the run: only particles between ("Ludwig van Beethoven")
        elif toks[q].rstrip(".").lower() not in PARTICLES:
            break
    else:
        q = -1
    j = k
    while True:
        r = j + 1
        while r < n and toks[r].rstrip(".").lower() in PARTICLES:
            r += 1
        if r >= n or not is_name_token(toks[r]):
            break
        j = r
    return i, j + 1, q, r


def _last_run(text: str, end: int, wanted: Callable[[list[str]], bool]) -> str | None:
    """The last run of capitalised words in `text[:end]` that is `wanted`, its words joined.
    Read backwards in growing windows that start at a space (so no word is cut): a long
    paragraph is not tokenized whole for every look-up."""
    size = _RUN_WINDOW
    while True:
        lo = max(0, end - size)
        while 0 < lo < end and not text[lo - 1].isspace():
            lo += 1
        toks = tokens(text[lo:end])
        for i, j in reversed(runs(toks)):
            if wanted(toks[i:j]):
                if lo == 0 or _run_bounds(toks, i)[2] >= 0:  # a token before it ends it
                    return " ".join(toks[i:j])
                break  # the run may begin before the window
        if lo == 0:
            return None
        size *= 4


def _run_at(toks: list[str], index: int) -> Name | None:
    """The name (titles stripped) in the capitalised run of `toks` covering `toks[index]`."""
    for i, j in runs(toks):
        if i <= index < j:
            return strip_titles(toks[i:j])
    return None

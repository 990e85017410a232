"""Person names in running text: find them, and strip job titles and honorifics.

Pure heuristics on capitalisation (no NLP models): a name is a short run of capitalised words;
titles ("Prime Minister", "Dr.", "executive director") before it are dropped. The word lists
are data, in `speech_words.toml`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

WORDS: dict[str, frozenset[str]] = {
    key: frozenset(value.split("\n") if key == "places" else value.split())
    for key, value in tomllib.loads(
        (Path(__file__).with_name("speech_words.toml")).read_text(encoding="utf-8")).items()
}
TITLES = WORDS["titles"]
ROLES = TITLES | WORDS["roles"]
STOPWORDS = WORDS["stopwords"]
PARTICLES = WORDS["particles"]
ORG_WORDS = WORDS["org_words"]
PRONOUNS = WORDS["pronouns"]
GIVEN_NAME_GENDER = {**dict.fromkeys(WORDS["male_names"], "m"),
                     **dict.fromkeys(WORDS["female_names"], "f")}
ORG_NOUNS = WORDS["org_nouns"]
PUBLICATION_WORDS = WORDS["publication_words"]
PLACES = frozenset(p.strip() for p in WORDS["places"] if p.strip())
TITLE_SUFFIXES = tuple(sorted(WORDS["title_suffixes"]))
HONORIFIC_GENDER = {"mr": "m", "sir": "m", "lord": "m", "king": "m", "prince": "m", "herr": "m",
                    "monsieur": "m", "father": "m", "mrs": "f", "ms": "f", "miss": "f", "dame": "f",
                    "lady": "f", "queen": "f", "princess": "f", "frau": "f", "madame": "f",
                    "mme": "f", "mlle": "f"}

# A word (letters, inner hyphens/apostrophes) with an optional trailing full stop.
# a word ends in a letter or digit (not ’ ' - _); punctuation marks are tokens of their own.
# (one character class opens both kinds, a letter or a mark, so the engine skips to it; the
# look-behind tells a word's first letter from a mark)
_TOKEN = re.compile(r"[^\s\d_](?:(?<=[^\W\d_])[\w’'-]*(?<![’'_-])\.?)?")
# The same for text in ASCII, where ranges of code points are quicker to test than Unicode
# categories (\s, \d and \w as Python reads them there; \x1c-\x1f are spaces too).
_ASCII_TOKEN = re.compile(r"[^\t-\r\x1c-\x1f 0-9_](?:(?<=[A-Za-z])[A-Za-z0-9_'-]*(?<!['_-])\.?)?")
_SENTENCE_END = re.compile(r"[.!?]\s+$")
_NOT_BEFORE_SUBJECT = frozenset({
    "the", "a", "an", "of", "in", "on", "at", "for", "from", "with", "by", "to", "than", "as",
    "like", "about", "into", "against", "via", "and", "or", "his", "her", "their", "its", "our",
    "before", "after", "during", "since", "until", "over", "under", "through", "near", "called",
    "around", "across", "toward", "towards", "inside", "outside", "behind", "beyond", "along",
    "among", "between", "within", "without", "throughout", "upon", "onto", "per", "past",
    "visited", "visit", "leaving", "left", "reached", "entering", "entered", "el", "la", "le",
    "los", "las", "les", "de", "del", "der", "die", "das",
})
# Words after which a name opens a clause (and may be its subject).
_CLAUSE_OPENERS = frozenset({
    ".", ",", ";", ":", "—", "–", "(", "-", "and", "but", "that", "when", "because", "while", "as",
    "if", "so", "though", "although", "whether", "where", "then", "also", "once", "unless",
    "who", "whom", "which", "said", "says", "added", "asked", "wrote", "told", "explained",
    "insisted", "warned", "argued", "noted", "replied", "responded", "tweeted", "continued",
})
_ROLE_MODIFIERS = frozenset({
    "former", "then", "acting", "longtime", "presumptive", "political", "science", "party",
    "campaign", "top", "veteran", "republican", "democratic", "gop", "conservative", "liberal",
    "independent", "frontrunner", "front-runner", "presidential", "state", "national", "senate",
    "house", "majority", "minority", "ranking", "communications", "press", "policy", "media",
})
# What a person's words come through: "Powell’s office said", "her Twitter account posted".
_SOURCE_NOUNS = frozenset({
    "office", "campaign", "team", "account", "response", "remark", "remarks", "statement",
    "words", "phrase", "slogan", "message", "reply", "answer", "tweet", "post", "letter", "memo",
    "email", "website", "camp", "spokesman", "spokeswoman", "spokesperson", "lawyer", "lawyers",
    "attorney", "attorneys", "counsel", "aides", "aide", "staff", "book", "memoir", "speech",
    "dictum", "motto", "advice", "mantra", "comment", "comments", "line", "refrain", "warning",
    "promise", "pledge", "claim", "verdict", "assessment", "column", "op-ed", "editorial",
})
_TIME_WORDS = frozenset({
    "week", "weekend", "night", "morning", "afternoon", "evening", "year", "month", "day",
    "today", "yesterday", "tonight", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "later", "earlier", "recently", "previously",
})
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# The subject pronoun an object or possessive one stands for ("his call", "told him").
SUBJECT_PRONOUN = {"his": "he", "her": "she", "their": "they", "him": "he", "them": "they"}
_LINKS = frozenset({"co", "in", "of", "at", "elect", "general"})
_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "mx", "dr", "prof", "sen", "rep", "gov", "lt", "gen", "col", "capt", "sgt",
    "cpl", "maj", "adm", "rev", "fr", "st", "supt", "insp", "det", "pres", "sec", "mme", "mlle",
    "jr", "sr", "hon", "atty", "cmdr", "cdr", "brig", "ald", "cllr",
})
_ENGLISH_PRONOUNS = frozenset({"he", "she", "they"})
_PHRASE_END = frozenset({"who", "when", "whose", "which", "that", "in", "at", "of", "for", "on",
                         "from", "with", "after", "before", "during", "and", "but", "to", "by",
                         "am", "im", "vom", "beim", "auf", "aus", "bei", "mit", "nach", "zum",
                         "zur", "au", "aux", "en", "dans", "pour", "sur", "avec", "lors",
                         "durante"})
_AUXILIARIES = frozenset({
    "has", "had", "have", "also", "later", "then", "previously", "once", "again", "would", "will",
    "reportedly", "recently", "further", "simply", "just", "quickly", "finally", ",", "instead",
    "however", "too", "still", "now", "earlier", "repeatedly", "often", "never", "always", "even",
    "only", "first", "currently", "publicly", "privately", "initially", "subsequently",
})
# (the look-behind after the first letter: the engine skips to an "a" or "A")
_AS_NAME = re.compile(r"[Aa](?<!\w[Aa])s\s+((?:[A-Z][\w.’'-]*\s*)+(?:of\s+[^,]{1,40})?)$")
_AS_REACH = 120  # characters at the end of a clause that can hold "as Joel Pollak of Breitbart"
_WHO_TAIL = (r"who(?:,[^,]{1,80},)?(?:\s+(?:has|had|have|also|earlier|once|[a-z]+ly))*"
             r"\s*$")  # "Bret Stephens, who, after trading insults …, said", "Stahl - who"
_WHO = re.compile(r"([^,—–]{1,80})(?:,|\s[-—–])\s+" + _WHO_TAIL)
_WHO_ENDS = re.compile(_WHO_TAIL)
_WITH_OTHERS = re.compile(r"\s+(?:and|with)\s+(?:his|her|their)\s+\w+\s*$")
_PREPOSITIONS = frozenset({
    "of", "at", "for", "from", "in", "on", "with", "by", "to", "into", "about", "against",
})


@dataclass(frozen=True)
class Name:
    """A name as written, plus what its titles say about gender (m/f/None)."""

    text: str
    gender: str | None = None
    titled: bool = False  # written after a title ("Gov. Kasich"): a person, even as one word

    @property
    def tokens(self) -> list[str]:
        return self.text.split()

    @property
    def is_org(self) -> bool:
        """An organisation or a place ("Trump University", "Atlantic City", "New Hampshire"),
        unless written as a person ("Paris, who …"); or words in capitals: an acronym, a
        dateline, a label ("CIA", "PHILADELPHIA", "FULL TEXT")."""
        toks = self.tokens
        return ((self.text in PLACES and not self.titled)
                or any(t.lower() in ORG_WORDS for t in toks)
                or (len(self.text) > 1 and all(t.isupper() for t in toks)))


@dataclass(frozen=True)
class Role:
    """A speaker named only by a role: "the mayor said", "said the town’s deputy editor"."""

    word: str


def token_spans(text: str) -> list[tuple[int, str]]:
    """Words (abbreviations keep their full stop) and punctuation marks, with their offsets."""
    pattern = _ASCII_TOKEN if text.isascii() else _TOKEN
    if "." not in text:
        return [(m.start(), m.group()) for m in pattern.finditer(text)]
    out: list[tuple[int, str]] = []
    for m in pattern.finditer(text):
        tok = m.group()
        if tok.endswith(".") and len(tok) > 1 and not is_abbreviation(tok):
            out.extend(((m.start(), tok[:-1]), (m.end() - 1, ".")))
        else:
            out.append((m.start(), tok))
    return out


def tokens(text: str) -> list[str]:
    """`token_spans` without the offsets."""
    pattern = _ASCII_TOKEN if text.isascii() else _TOKEN
    if "." not in text:
        return pattern.findall(text)  # no word keeps or loses a full stop
    out: list[str] = []
    for tok in pattern.findall(text):
        if tok[-1] == "." and len(tok) > 1 and not is_abbreviation(tok):
            out += (tok[:-1], ".")
        else:
            out.append(tok)
    return out


@dataclass(frozen=True)
class Mention:
    """A name in running text, where it stands in its clause."""

    offset: int
    end: int  # where the name's last word ends (titles before it start at `offset`)
    name: Name
    subject: bool  # can be a sentence's subject (not after "the", "of", "than")
    leading: bool  # opens its clause ("On Sunday, Smith …", "…, but Smith …", "said Smith")
    possessive: bool = False  # opens its sentence as a possessive: "Suu Kyi’s fate …"


def mentions(text: str) -> list[Mention]:
    """Every name in `text` ("Dr. Jane Smith", "Smith"), with its offset and titles stripped."""
    spans = token_spans(text)
    toks = [tok for _, tok in spans]
    out: list[Mention] = []
    found = runs(toks)
    for n, (i, j) in enumerate(found):
        if _participle_opening(toks, i, j):
            i += 1  # "Standing Smith's ground", "Preceded at the lectern by"
            if i == j:
                continue
        name = strip_titles(toks[i:j])
        possessive = name is None and toks[j - 1].endswith(("’s", "'s"))
        if possessive:
            name = strip_titles([*toks[i:j - 1], toks[j - 1][:-2]])
        if name is not None and not _modifies_next(toks, j, found[n + 1:n + 2]):
            k = _phrase_start(toks, i)
            prev = toks[k - 1].lower() if k else ""
            opens = k < 2 or toks[k - 2] in ".;:"  # "And Ohio’s Ann Lee, …, said"
            subject = (prev not in _NOT_BEFORE_SUBJECT or (prev == "and" and opens)) and not \
                prev.endswith(("’s", "'s"))
            after = toks[j].lower() if j < len(toks) else ""
            if prev == "and" and not opens and not (after.isalpha()
                                                    and after not in _NOT_BEFORE_SUBJECT):
                prev = "&"  # "between Trump and Cruz, …": an object, not a new clause
            leading = (not prev or prev in _CLAUSE_OPENERS or (prev in STOPWORDS
                       and prev not in _NOT_BEFORE_SUBJECT) or prev.rstrip(".") in _TIME_WORDS)
            out.append(Mention(spans[i][0], spans[j - 1][0] + len(toks[j - 1]), name,
                               subject and not possessive, leading,
                               possessive and prev in ("", ".")))
    return out


def _participle_opening(toks: list[str], i: int, j: int) -> bool:
    """The run `toks[i:j]` opens its sentence with a participle, not a name."""
    first = toks[i]
    return ((not i or toks[i - 1] == ".") and len(first) > 4 and first.endswith(("ing", "ed"))
            and (j - i > 1 or (j < len(toks) and toks[j].lower() in _PHRASE_END)))


def _modifies_next(toks: list[str], j: int, following: list[tuple[int, int]]) -> bool:
    """The run ending at `j` qualifies a role before the next name: "Clinton spokeswoman Jennifer
    Palmieri", "Trump campaign manager Paul Manafort"."""
    if not following:
        return False
    between = toks[j:following[0][0]]
    return bool(between) and all(t.islower() and (t in ROLES or t in TITLES or t in _ROLE_MODIFIERS)
                                 for t in between) and any(t in ROLES or t in TITLES
                                                           for t in between)


def _phrase_start(toks: list[str], i: int) -> int:
    """Where the noun phrase of the name at `toks[i]` begins, past its titles and roles:
    "former Secretary of State Hillary Clinton", "political science professor Ann Lee"."""
    k = i
    while k > 0:
        tok = toks[k - 1]
        low = tok.lower()
        role = (is_title(tok) or low in ROLES or low in _ROLE_MODIFIERS
                or (tok.endswith(("’s", "'s")) and is_name_token(tok))  # "Ohio’s Ann Lee"
                or ("-" in tok and is_title(tok.rsplit("-", 1)[1])))  # "then-President"
        if low == "of" and k >= 2 and is_title(toks[k - 2]):
            k -= 2
        elif tok.islower() and k >= 3 and toks[k - 2] == "of" and is_title(toks[k - 3]):
            k -= 3  # "secretary of state Madeleine Albright"
        elif role or (k < i and is_name_token(tok)):  # "Acme spokesman Ann Lee"
            k -= 1
        else:
            break
    if k > 1 and toks[k - 1].islower() and toks[k - 2].lower() in ("the", "a", "an") and (
            k < i or any(is_title(t) for t in toks[k:k + 3])):
        k -= 1  # "the district GOP Chairman Chuck Williams"
    if k < i and k > 0 and toks[k - 1].lower() in ("the", "a", "an"):
        k -= 1  # "The Washington Post columnist Ruth Marcus has been …"
    return k


def is_abbreviation(tok: str) -> bool:
    """"Dr.", "Sen.", "Jr.", "J." keep their full stop; "mayor." ends a sentence."""
    word = tok[:-1]
    return word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isupper())


@lru_cache(maxsize=4096)
def _bare(tok: str) -> str:
    return tok.rstrip(".").lower()


@lru_cache(maxsize=4096)
def is_title(tok: str) -> bool:
    """A title or role word ("Resident Jane Doe"), including German compounds
    ("Geschäftsführerin")."""
    bare = _bare(tok)
    if bare in ROLES or (len(bare) > 7 and bare.endswith(TITLE_SUFFIXES)):
        return True
    parts = bare.split("-")  # "Singer-guitarists", "Co-founder"
    return len(parts) > 1 and all(p in ROLES or p.removesuffix("s") in ROLES or p in _LINKS
                                  for p in parts)  # "Editor-in-Chief"


@lru_cache(maxsize=4096)
def is_name_token(tok: str) -> bool:
    """A capitalised word that could be part of a name (not a stopword, not punctuation)."""
    return (tok[:1].isupper() and tok[:1].isalpha() and tok.lower() not in STOPWORDS
            and not tok.startswith(("I’", "I'")))  # I'm, I’ve


def strip_titles(run: list[str]) -> Name | None:
    """Drop everything up to the last title word that still has a name after it.

    ["Prime", "Minister", "Justin", "Trudeau"] -> "Justin Trudeau"; ["Stephen", "King"] stays.
    """
    return _strip_titles(tuple(run))


@lru_cache(maxsize=4096)
def _strip_titles(run: tuple[str, ...]) -> Name | None:
    """`strip_titles`, cached: an article names the same people again and again."""
    gender = None
    cut = 0
    # a middle initial is not a title: "Harry M. Reid" (but "M. Dupont")
    titles = [is_title(t) and not (k and _initial(t) and not titles_before(run, k))
              for k, t in enumerate(run)]
    names_after = 0  # non-title tokens after position i
    for i in range(len(run) - 1, 0, -1):
        names_after += not titles[i]
        tok = run[i - 1]
        if names_after and (titles[i - 1] or tok.endswith(("’s", "'s")) or (
                names_after >= 2 and tok.isupper() and tok.isalpha() and len(tok) > 1)):
            cut = i  # a title, "Canada's …", or an acronym role ("FBI Director", "DL")
            gender = HONORIFIC_GENDER.get(_bare(tok))
            break
    kept = run[cut:]
    rest = [t.rstrip(",") for k, t in enumerate(kept) if not (
        t[:1].isupper() and t.lower() in STOPWORDS
        and not (0 < k < len(kept) - 1 and t.lower() in PARTICLES))]  # "Marine Le Pen"
    while rest and (_bare(rest[-1]) in PARTICLES or _bare(rest[-1]) in _SUFFIXES):
        rest.pop()
    while sum(_bare(t) not in PARTICLES and not _initial(t) for t in rest) > 3:
        rest.pop(0)
    if not rest or all(_bare(t) in TITLES for t in rest) or rest[-1].endswith(("’s", "'s")):
        return None
    return Name(_join(rest), gender, titled=cut > 0 and titles[cut - 1])


def titles_before(run: tuple[str, ...], k: int) -> bool:
    """Every token of `run` before position `k` is a title ("Sen. M. Dupont")."""
    return all(is_title(t) for t in run[:k])


def _initial(tok: str) -> bool:
    return len(tok) == 2 and tok[1] == "." and tok[0].isupper()


def _join(words: list[str]) -> str:
    """Words of a name joined by spaces, initials closed up as news style writes them:
    "J.K. Rowling"."""
    out = words[0]
    for prev, word in pairwise(words):
        out += word if _initial(prev) and _initial(word) else " " + word
    return out


def runs(toks: list[str]) -> list[tuple[int, int]]:
    """Index ranges [i, j) of capitalised-word runs (particles allowed inside a run)."""
    out: list[tuple[int, int]] = []
    i = 0
    n = len(toks)
    while i < n:
        if not is_name_token(toks[i]):
            i += 1
            continue
        j = i + 1
        while j < n:
            k = j
            while k < n and _bare(toks[k]) in PARTICLES:
                k += 1  # "von der", "de la" inside a name
            if k >= n or not is_name_token(toks[k]):
                break
            j = k + 1
        out.append((i, j))
        i = j
    return out


def subject_name(clause: str) -> Name | Role | str | None:
    """Who is named at the end of `clause` (the words just before a speech verb).

    Returns a `Name`, a `Role` ("the mayor"), a pronoun (lowercase str), or None ("the
    ministry", "officials").
    """
    clause = clause.strip()
    if clause.rsplit(None, 3)[-3:-2] in (["and"], ["with"]):  # "Paganini and his team wrote"
        clause = _WITH_OTHERS.sub("", clause)
    # "Of course, as Joel Pollak of Breitbart noted"
    parenthetical = _AS_NAME.search(clause, max(0, len(clause) - _AS_REACH))
    if parenthetical:
        named = _head_name(tokens(parenthetical.group(1)))
        if named is not None:
            return named
    antecedent = _antecedent(clause)  # "… Mike Lee, who declared"
    if antecedent:
        toks = tokens(antecedent.group(1))
        return next((strip_titles(toks[i:j]) for i, j in reversed(runs(toks))
                     if not (i and toks[i - 1] in ("of", "in"))),  # not "Brennock of Maine"
                    None)
    first, sep, rest = clause.partition(",")
    if sep and only_a_name(first) and not is_title(tokens(first)[-1]):  # "Smith, the CEO of
        # Acme, Inc., said" (but not "Harland's attorney, Alan Garten, said")
        if only_a_name(rest) and "," not in rest:
            return _name_at_end(rest)  # "Harland, Sexton said, has …": Sexton speaks
        if rest.strip().lower() in PRONOUNS:
            return rest.strip().lower()  # "Sure, he admits", "Trump, he said, is …"
        if rest.split()[:1] == ["who"]:  # "Paris, who used to work on Capitol Hill, said"
            person = _name_at_end(first)
            return Name(person.text, person.gender, True) if isinstance(person, Name) else person
        if first.strip() not in PLACES:
            return _name_at_end(first)
        return _name_at_end(rest)  # "South Carolina, he said, was …"
    if clause.endswith(","):
        head, sep, aside = clause[:-1].rpartition(",")
        if sep and head.strip():  # "The choir's youngest member, Priya Lindqvist, said"
            relative = aside.split()[:1] in (["who"], ["which"], ["whose"], ["where"])
            return (None if relative else _name_at_end(aside, aside=True)) or _name_at_end(head)
    return _name_at_end(clause)


def _antecedent(clause: str) -> re.Match[str] | None:
    """`_WHO` searched in `clause` from where it can first match: some way before the first
    "who" that ends the clause as `_WHO` reads it (the search tries every offset before)."""
    at = clause.find("who")
    while at >= 0 and not _WHO_ENDS.match(clause, at):
        at = clause.find("who", at + 1)
    if at < 0:
        return None
    # the comma or dash before the spaces before "who", and at most 80 characters before it
    return _WHO.search(clause, max(0, len(clause[:at].rstrip()) - 82))


def only_a_name(phrase: str) -> bool:
    """`phrase` is nothing but a (titled) name: "Dr. Femi Adeyemi", not "The plan"."""
    toks = tokens(phrase)
    return bool(toks) and all(is_name_token(t) or is_title(t) or t == "." for t in toks)


def _name_at_end(clause: str, aside: bool = False) -> Name | Role | str | None:
    """The name (or pronoun) that ends `clause`; in an `aside`, not one after a preposition."""
    toks = tokens(clause)
    while toks:
        if toks[-1].lower() in _AUXILIARIES or (toks[-1].endswith("ly") and toks[-1].islower()):
            toks.pop()  # "Thomas allegedly told", "Smith has also said"
        elif len(toks) > 2 and toks[-1].lower() in _TIME_WORDS and toks[-2].lower() in (
                "on", "last", "this", "late", "early", "that", "next"):
            del toks[-2:]  # "Sanders on Saturday criticized", "Smith last week said"
        else:
            break
    if not toks:
        return None
    if toks[-1].lower() in PRONOUNS:
        return toks[-1].lower()
    j = len(toks)
    i = j
    while i > 0 and (is_name_token(toks[i - 1]) or (
            _bare(toks[i - 1]) in PARTICLES and i < j)):
        i -= 1
        if j - i >= 7:
            break
    if i == j:
        return possessor(toks) or _role(toks)
    if aside and any(t.lower() in _PREPOSITIONS for t in toks[:i]):
        return None  # "…, the head of Acme Corp, said": the name is Acme's, not the speaker's
    name = strip_titles(toks[i:j])
    if i >= 2 and toks[i - 1] == "and" and is_name_token(toks[i - 2]):
        h = i - 2  # "Edward Dovere and Gabriel Debenedetti wrote": the first of the two
        while h > 0 and is_name_token(toks[h - 1]):
            h -= 1
        first = strip_titles(toks[h:i - 1])
        if first is not None and len(first.tokens) >= 2 and name and len(name.tokens) >= 2:
            return first
    k = i - 1 if i > 0 and toks[i - 1].lower() not in ("the", "a", "an") else i - 2
    if k >= 1 and toks[k] == "and" and is_name_token(toks[k - 1]):
        h = k - 1  # "for Science and International Security": one phrase after "for"
        while h > 0 and is_name_token(toks[h - 1]):
            h -= 1
        if h and toks[h - 1].lower() in _PREPOSITIONS:
            k = h - 1
    if k >= 0 and toks[k].lower() in _PREPOSITIONS and not (
            name and len(name.tokens) >= 2 and any(is_title(t) for t in toks[i:j - 1])):
        # "A spokesman for the British Foreign Office said" names no one (but "Secretary of
        # State Anton Berg said": a title runs on into a person's name); "Jeffrey Lewis of the
        # Martin Center for Nonproliferation Studies wrote" is Lewis
        return next((person for a, b in runs(toks[:k]) if b < k and toks[b] in ("of", "and")
                     and not (a and toks[a - 1].lower() in _PREPOSITIONS)
                     and (person := strip_titles(toks[a:b])) and len(person.tokens) >= 2),
                    None)
    return name


def object_name(phrase: str) -> Name | Role | str | None:
    """Who is named just after a speech verb: "said activist Aleksandra Alekseeva, who …".

    Skips roles and organisation names used as modifiers ("Rainbow Road executive director").
    """
    inverted = re.match(r"\s*-(?:t-)?", phrase)  # French "dit-il", "a-t-elle"
    toks = tokens(phrase[inverted.end():] if inverted else phrase)[:24]
    end = len(toks)
    for k, tok in enumerate(toks):
        if tok in ".!?;:()":
            end = k
            break
    toks = toks[:end]
    if not toks:
        return None
    if toks[0].lower() in (PRONOUNS if inverted else _ENGLISH_PRONOUNS):
        return toks[0].lower()  # "said he", "dit-il" (but Italian "ha detto il sindaco …")
    comma = toks.index(",") if "," in toks else len(toks)
    head = _head_name(toks[:comma])
    # "said Clinton's introducer, actress Jamie Lee Curtis", "said a Supreme Court advocate,
    # Andrew Pincus": a description ending in a common noun, then the name
    if comma < len(toks) and (head is None or toks[comma - 1].islower()):
        rest = toks[comma + 1:]
        aside = rest[:rest.index(",")] if "," in rest else rest
        # up to a phrase's end: "Andrew Pincus of Mayer Brown"
        aside = aside[:next((k for k, t in enumerate(aside) if k and t in _PHRASE_END),
                            len(aside))]
        if aside and all(is_name_token(t) or is_title(t) or t.lower() in ROLES
                         or _bare(t) in PARTICLES for t in aside):
            named = _head_name(aside)
            if named is not None:
                return named
    return head or _role(toks[:min(comma, 4)], at_start=True)


def _head_name(toks: list[str]) -> Name | None:
    """The name heading a noun phrase after a verb: its last capitalised run before a
    preposition ("Oversight ranking Democrat Elijah Cummings", "Kimora Powell of Rainbow
    Road"), not one that qualifies a role ("Rainbow Road executive director")."""
    stop = next((k for k, t in enumerate(toks) if k and t in _PHRASE_END
                 and not (t == "and" and is_title(toks[k - 1]))), len(toks))
    best: Name | None = None
    for i, j in runs(toks[:stop]):
        if i > 0 and toks[i - 1].lower() in _PREPOSITIONS:
            continue
        if j < stop and toks[j].lower() in ROLES:
            continue  # an organisation or place qualifying a role: "Rainbow Road executive …"
        name = strip_titles(toks[i:j])
        if name is not None:
            best = name
    return best


def possessor(toks: list[str]) -> Name | str | None:
    """Whose words a possessive subject carries: "Powell’s office", "her Twitter account",
    "Rubio’s catch phrase" -> Powell, "her", Rubio."""
    for k in range(len(toks) - 1, max(-1, len(toks) - 4), -1):
        tok = toks[k]
        if not tok.islower() or tok.lower() not in _SOURCE_NOUNS:
            continue
        m = k - 1
        while m > 0 and is_name_token(toks[m]) and not toks[m].endswith(("’s", "'s")):
            m -= 1  # "her Twitter account"
        owner = toks[m] if m >= 0 else ""
        if owner.lower() in ("his", "her", "their"):
            return SUBJECT_PRONOUN[owner.lower()]
        if owner.endswith(("’s", "'s")) and is_name_token(owner[:-2]):
            j = m
            i = j
            while i > 0 and is_name_token(toks[i - 1]):
                i -= 1
            return strip_titles([*toks[i:j], owner[:-2]])
        return None
    return None


def _role(toks: list[str], at_start: bool = False) -> Role | None:
    """ "the town’s mayor" (ending `toks`, or opening them when `at_start`) -> Role("mayor").

    The role is the head of the noun phrase, its last word: "the foreign ministry" is none."""
    words = toks[:5] if at_start else toks[-5:]
    if at_start:
        for k, w in enumerate(words):
            if w in _PHRASE_END or not (w.replace("-", "").isalpha() or w.endswith(("’s", "'s"))):
                words = words[:k]
                break
    else:  # "… where the secretary of state" (not "a spokesman for the campaign")
        opening = [k for k, w in enumerate(words) if w.lower() in ("the", "a", "an")]
        if opening and opening[0] and words[opening[0] - 1].lower() not in _PREPOSITIONS and (
                not any(w.endswith(("’s", "'s")) for w in words)):
            words = words[opening[0]:]
    if not words or (words[0].lower() not in ("the", "a", "an") and not any(
            w.endswith(("’s", "'s")) for w in words)):
        return None
    if "of" in words[1:]:
        words = words[:words.index("of", 1)]  # "the former secretary of state"
    head = words[-1]
    return Role(head) if head.islower() and (head in ROLES or head in ORG_NOUNS) else None


def sentence_start(text: str, pos: int) -> bool:
    """True when `pos` begins a sentence (block start or after ". ", "! ", "? ")."""
    return pos == 0 or bool(_SENTENCE_END.search(text, max(0, pos - 4), pos))

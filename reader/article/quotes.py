"""Direct quotations in an article's blocks and who said them.

`find_quotes(blocks)` finds quote-mark spans (“…”, "…", „…“, «…», and ‘…’ where single marks are
the article's primary quotes), keeps those that are speech (not scare quotes or titles), links
multi-paragraph quotations, and attributes each to a speaker (see `speakers.py`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from reader.article.model import Block, Quote, QuoteKind, QuoteSpan
from reader.article.quotemarks import OPENING_ONLY, MarkSpan, mark_spans
from reader.article.sentences import blank_spans, sentence_of, sentence_starts
from reader.article.speakers import (
    Position,
    Ref,
    SpeakerBook,
    Subjects,
    after_attribution,
    before_attribution,
    ends_with_speech_verb,
    framing_attribution,
    lead_in_attribution,
)

SKIPPED_KINDS = frozenset({"media", "preformatted", "heading"})

_SENTENCE_END = ".!?…"
_SHORT_WORDS = 4
_SMALL_WORDS = frozenset({  # lowercase words inside a title
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "of", "on", "or",
    "the", "to", "with",
})
# Words that introduce a name, title or term rather than speech.
_NAMING = re.compile(
    r"(?i:\b(?:dubbed|nicknamed|known as|so-called|titled|entitled|named|the (?:word|term|"
    r"phrase|hashtag|slogan|motto|headline))\s+(?:(?:it|him|her|them|the|a|an)\s+)?)$")
_NAMED_WORDS = 8  # at most this many words after such a word make a name, not a quotation
_SENTENCE_REACH = 400  # characters of a quotation's sentence read before it
_CONTEXT = 300  # characters before a quotation read for the sentence that introduces it
_BEFORE_TITLE = frozenset({
    "on", "in", "of", "from", "at", "for", "with", "by", "about", "told", "the", "a", "an",
    "his", "her", "their", "its", "our", "my", "book", "film", "show", "movie", "program",
    "programme", "song", "album", "memoir", "novel", "series", "play", "newsletter", "column",
})
_SPEECH_ENDINGS = frozenset({"said", "says", "added", "adding", "wrote", "asked", "told",
                             "saying", "stated", "tweeted", "replied", "responded"})
_ASIDE = re.compile(r"\([^()\n]{1,40}\)")
_LEADING_SPACE = re.compile(r"\s*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:][”’\"»]?)\s*$")


@dataclass
class _Span(MarkSpan):
    """A quote-mark span and what the finder learns about it."""

    speech: bool = False
    attached: bool = False
    ref: Ref | None = None
    speaker: str | None = None
    chain: int | None = None  # id of the multi-paragraph quotation this span belongs to
    partial: bool = False  # a few words quoted inside reported speech


def _is_speech(span: _Span, text: str, inner: str, words: list[str]) -> bool | None:
    """Speech (True); never speech (False: a hashtag, a link, a name or title after "known as");
    or not on its own (None: a short phrase or a title, speech only when its sentence reports
    someone's words). `inner` is the span's words, `words` those split."""
    if span.chain is not None or span.attached:
        return True
    if not inner or inner[0] in "#@" or inner.startswith(("http://", "https://")):
        return False
    if len(words) <= _NAMED_WORDS and _NAMING.search(text, max(0, span.start - 30), span.start):
        return False  # a name or title: known as the “Iron Lady”, a show titled “…”
    if len(words) <= _SHORT_WORDS:  # a short sentence of its own: “Now I can’t stop.”
        return (inner[-1] in _SENTENCE_END and inner[0].isupper()
                and ((_opens_block(span, text) and not text[span.end:].strip(" .,;"))
                     or _SENTENCE_START.search(text[max(0, span.start - 4):span.start])
                     is not None)) or None
    return not _is_title(words) or None


def _is_title(words: list[str]) -> bool:
    """Title Case (“Takin’ It to the Streets,”): every word but small ones capitalised, no
    sentence break inside."""
    last = len(words) - 1
    big = lower = 0
    for k, w in enumerate(words):
        if k < last and w[-1] in _SENTENCE_END:
            return False
        if w[0].isalpha() and w.lower() not in _SMALL_WORDS:
            big += 1
            if not w[0].isupper():
                lower += 1
                if lower * 5 > len(words):
                    return False  # more than a fifth of all the words: not Title Case
    return bool(big) and (big - lower) / big >= 0.8


def _opens_block(span: _Span, text: str) -> bool:
    """The span is the first thing in its paragraph."""
    return span.start == _LEADING_SPACE.match(text).end()  # type: ignore[union-attr]


def _link_chains(spans: dict[int, list[_Span]], texts: dict[int, str], order: list[int],
                 blocks: list[Block]) -> None:
    """Mark paragraphs of a multi-paragraph quotation (no closing mark until the last one; a
    photo caption may sit between them)."""
    chain = 0
    for k, b in enumerate(order[:-1]):
        if not spans[b] or spans[b][-1].closed:
            continue
        nxt = order[k + 1]
        if _previous_block(nxt, k + 1, order, blocks) != b or not spans[nxt]:
            continue
        first = spans[nxt][0]
        if not _opens_block(first, texts[nxt]) or first.opener != spans[b][-1].opener:
            continue
        last = spans[b][-1]
        if last.chain is None:
            chain += 1
            last.chain = chain
        first.chain = last.chain


def find_quotes(blocks: list[Block]) -> list[Quote]:
    """Set `block.quotes` on every block and return the article's quotations in reading order."""
    texts = {i: b.text for i, b in enumerate(blocks) if b.kind not in SKIPPED_KINDS}
    for b in blocks:
        b.quotes = []
    order = list(texts)
    spans = mark_spans(texts, _Span)
    _link_chains(spans, texts, order, blocks)
    narration, sentences = _attribute(spans, texts)
    _resolve(spans, texts, order, blocks, SpeakerBook(narration, sentences))
    quotes: list[Quote] = []
    for i in order:
        for s in spans[i]:
            if s.speech:
                kind: QuoteKind = "partial" if s.partial else "direct"
                blocks[i].quotes.append(QuoteSpan(s.start, s.end, s.speaker, kind))
                quotes.append(Quote(_clause(s.inner(texts[i])), s.speaker, i, kind))
    return quotes


def _clause(inner: str) -> str:
    """A quotation's words without the comma, semicolon or colon that joins them to the
    narration (“It was magical,” she said: It was magical); its own . ? ! … and dashes stay."""
    return inner.rstrip(",;:").rstrip() or inner


def _attribute(spans: dict[int, list[_Span]], texts: dict[int, str],
               ) -> tuple[dict[int, str], dict[int, list[int]]]:
    """Decide which spans are speech and read the attribution words around each. Returns each
    block's narration (its quotations and asides blanked) and its sentence starts."""
    narrations: dict[int, str] = {}
    sentences: dict[int, list[int]] = {}
    known: Subjects = {}
    for i, block_spans in spans.items():
        text = _without_asides(texts[i], block_spans)
        if not block_spans:
            narrations[i] = text
            continue  # its sentences are found when a pronoun needs them
        narration = narrations[i] = blank_spans(text, block_spans)
        starts = sentences[i] = sentence_starts(text, narration, block_spans)
        undecided: list[_Span] = []
        for k, s in enumerate(block_spans):
            prev_end = block_spans[k - 1].end if k else 0
            next_start = block_spans[k + 1].start if k + 1 < len(block_spans) else len(text)
            inner = s.inner(text)
            words = inner.split()
            ref, attached = after_attribution(
                text[s.end:min(next_start, s.end + _SENTENCE_REACH)], inner)
            if ref is None:
                ref_before, attached_before = before_attribution(
                    text[max(prev_end, s.start - _SENTENCE_REACH):s.start],
                    text[max(0, s.start - _CONTEXT):s.start], known)
                ref = ref_before
                attached = attached or attached_before
            s.ref, s.attached = ref, attached
            sentence_start, _ = sentence_of(starts, s.start, len(text))
            pre = narration[max(sentence_start, s.start - _SENTENCE_REACH):s.start]
            speech = False if _names_a_work(pre, inner, words) else _is_speech(
                s, text, inner, words)
            s.speech = bool(speech)
            s.partial = s.chain is None and _embedded(pre, inner)
            if (speech is None and s.closed) or (speech and ref is None and s.chain is None):
                framing = framing_attribution(pre, words, short=not speech, known=known)
                if framing is not None:
                    s.speech, s.ref = True, framing[0]
                elif speech is None and s.closed:
                    undecided.append(s)
            if not s.closed and s.chain is None and s.opener not in OPENING_ONLY:
                s.speech = False  # a stray straight or single mark, not a quotation
        if undecided:  # Guns are “a crisis” and “a disgrace,” Dean said.
            attributed = {sentence_of(starts, t.start, len(text))[0] for t in block_spans
                          if t.speech and _own_attribution(t)}
            for s in undecided:
                s.speech = sentence_of(starts, s.start, len(text))[0] in attributed
    return narrations, sentences


def _names_a_work(pre: str, inner: str, words: list[str]) -> bool:
    """A title in Title Case after a preposition, a possessive or a noun and comma: on “Meet the
    Press,”, Fox News’s “Morning Joe”, her memoir, “Tough Choices.”; or a markup attribute
    (tweet-id="…") or a span without letters."""
    if not (inner[:1].isalpha() or any(ch.isalpha() for ch in inner)):
        return True
    pre = pre.rstrip()
    if pre.endswith("="):
        return True
    if not pre or not _is_title(words) or not (len(words) > 1 or inner[:1].isupper()):
        return False
    last = pre.rsplit(None, 1)[-1].lower()
    return last in _BEFORE_TITLE or last.endswith(("’s", "'s", "s'", "s’")) or (
        last.endswith(",") and last[:-1].isalpha() and last[:-1] not in _SPEECH_ENDINGS)


def _embedded(pre: str, inner: str) -> bool:
    """A quotation inside a sentence's reported speech ("said that “…”", "called it “…”"), not
    a quoted sentence or clause of its own ("said: “…”", "said, “…”", "“…,” he said")."""
    pre = pre.rstrip()
    if not pre or pre[-1] in ":,—–-(":
        return False
    return not (inner[:1].isupper() and ends_with_speech_verb(pre))


def _without_asides(text: str, spans: list[_Span]) -> str:
    """`text` with short parentheses outside quotations blanked (offsets kept): a party tag
    between a name and its verb ("Sen. Ada Moe (R-Texas) said") hides nothing else."""
    if "(" not in text:
        return text
    parts: list[str] = []
    pos = 0
    starts = [s.start for s in spans]
    for m in _ASIDE.finditer(text):
        k = bisect_right(starts, m.start()) - 1
        if k < 0 or m.start() >= spans[k].end:
            parts += (text[pos:m.start()], " " * (m.end() - m.start()))
            pos = m.end()
    if not parts:
        return text
    parts.append(text[pos:])
    return "".join(parts)


def _own_attribution(span: _Span) -> bool:
    """The span has attribution words of its own (even ones naming no one: "the ministry")."""
    return span.attached or span.ref is not None


def _previous_block(i: int, order_pos: int, order: list[int], blocks: list[Block]) -> int | None:
    """The quotable block right before block `i`, looking past media captions only."""
    if order_pos == 0:
        return None
    prev = order[order_pos - 1]
    if prev + 1 < i and any(blocks[b].kind != "media" for b in range(prev + 1, i)):
        return None
    return prev


def _resolve(spans: dict[int, list[_Span]], texts: dict[int, str], order: list[int],
             blocks: list[Block], book: SpeakerBook) -> None:
    """Turn attributions into speakers in reading order; fill split and continued quotations."""
    chain_ref: dict[int, Ref] = {}
    for i in order:
        for s in spans[i]:
            if s.speech and s.chain is not None and s.ref is not None:
                chain_ref.setdefault(s.chain, s.ref)
    chain_speaker: dict[int, str | None] = {}
    for pos, i in enumerate(order):
        if not spans[i]:
            continue  # most paragraphs: no quotation marks
        text = texts[i]
        prev = _previous_block(i, pos, order, blocks)
        speech = [s for s in spans[i] if s.speech]
        for s in speech:
            if s.chain is None:
                s.speaker = book.resolve(s.ref, (i, s.start))
            elif s.chain not in chain_speaker:
                if s.chain in chain_ref:
                    s.speaker = book.resolve(chain_ref[s.chain], (i, s.start))
                elif _opens_block(s, text):  # a quotation running on from the paragraph before
                    s.speaker = _inherited(prev, spans, texts, book, (i, s.start))
                else:  # “…,” X said. “… (runs on into the next paragraph)
                    earlier = [t.speaker for t in speech if t.start < s.start and t.speaker]
                    s.speaker = earlier[-1] if earlier else None
                chain_speaker[s.chain] = s.speaker
            else:
                s.speaker = chain_speaker[s.chain]
            book.met(s.speaker, (i, s.start))
        _fill_unattributed(speech, texts, i, prev, spans, book)


def _inherited(prev: int | None, spans: dict[int, list[_Span]], texts: dict[int, str],
               book: SpeakerBook, at: Position) -> str | None:
    """The speaker a paragraph-opening quotation inherits from the paragraph before: the speaker
    of its last quotation; else the one its lead-in names ("Smith told reporters:"); else the
    last person it reports as speaking ("Marsh said she was not surprised."); else the person
    it is about."""
    if prev is None:
        return None
    earlier = [t for t in spans[prev] if t.speech]
    if earlier:
        return earlier[-1].speaker
    lead_in = lead_in_attribution(texts[prev])
    if lead_in is not None:
        return book.resolve(lead_in, at)
    reported = book.reported_in(prev)
    if reported:
        return book.resolve(reported[-1][1], at)
    return book.paragraph_focus(prev)  # "Viguerie is upbeat about Cruz’s chances. ¶ “…”"


def _fill_unattributed(speech: list[_Span], texts: dict[int, str], i: int, prev: int | None,
                       spans: dict[int, list[_Span]], book: SpeakerBook) -> None:
    """Quotes with no attribution of their own take the paragraph's speaker (split quotes); the
    person the paragraph reports or names as a subject just before them; or, when they open the
    paragraph, the previous paragraph's speaker (continuations, "X said:" lead-ins)."""
    if not speech:
        return
    alone = [s for s in speech if not _own_attribution(s) and s.chain is None]
    alone_ids = {id(s) for s in alone}
    if not alone:
        return
    following: list[str | None] = []  # for each span, the next attributed speaker after it
    nxt: str | None = None
    for s in reversed(speech):
        following.append(nxt)
        nxt = s.speaker or nxt
    following.reverse()
    last: str | None = None
    for s, after in zip(speech, following, strict=True):
        if id(s) in alone_ids:
            s.speaker = last or after
        elif s.speaker:
            last = s.speaker
    if any(s.speaker for s in speech):
        return
    if not _opens_block(speech[0], texts[i]):  # “The tuft cell, Herbert said, is … “…”"
        speaker = book.narrator(i, alone[0].start)
        for s in alone:
            s.speaker = speaker
        book.met(speaker, (i, alone[0].start))
        return
    if prev is None:
        return
    at = (i, speech[0].start)
    speaker = _inherited(prev, spans, texts, book, at)
    for s in alone:
        s.speaker = speaker
    book.met(speaker, at)

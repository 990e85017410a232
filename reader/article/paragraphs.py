"""Lines to paragraphs: block segmentation, hard-wrap detection and re-joining, lynx dumps.

Shared by plain text and Markdown. The output is `RawBlock`s whose text still carries any
inline markup; `plaintext.py` strips Markdown markup afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}(?:(?:[-*_]\s*){3,}|[=~#•·]{3,}|(?:[-=*_~]\s?){3,})$")
_QUOTE = re.compile(r"^\s{0,3}>\s?(.*)$")
_BULLET = re.compile(r"^(\s*)([-*+•▪◦‣])\s+(\S.*)$")
_NUMBERED = re.compile(r"^(\s*)(\d{1,3})([.)])\s+(\S.*)$")
_RULE_CHARS = "-*_=~#•·"
_BULLET_CHARS = "-*+•▪◦‣"
LYNX_MARKER = re.compile(r"\[\d+\]")
_LYNX_REFERENCES = re.compile(r"^(?:References|Visible links:?)\s*$")
_SENTENCE_END = re.compile(r"[.!?:;\"”’)\]]$")
_HYPHENATED_END = re.compile(r"(?<![\W\d_-])([^\W\d_]+)-$")
_FIRST_WORD = re.compile(r"\S+")
_PUNCTUATION = "\"'“”‘’()[]{}<>.,;:!?*_…—–-"
_LONGEST_WORD = 40
# Word endings that are never words of their own: "informa-\ntion" is always one word.
_SUFFIXES = frozenset((
    "tion", "tions", "sion", "sions", "ment", "ments", "ness", "ity", "ities", "ence", "ences",
    "ance", "ances", "ing", "ings", "ly", "ally", "ical", "ically", "ism", "isms", "ist", "ists",
    "ous", "ive", "ives", "ised", "ized", "ising", "izing", "ise", "ize", "ed", "er", "ers", "est",
    "ure", "ures", "ial", "ially", "ible", "ibly", "ably", "ful", "fully", "less", "ship", "hood",
))


_MIN_PAIRS = 2  # one line pair is no evidence of wrapping
_MIN_WIDTH = 40
_MANY_LINES = 20
_INDENT_STEP = 2


@dataclass
class RawBlock:
    """A block before markup stripping: its kind, its source lines, and a list ordinal."""

    kind: str
    lines: list[str] = field(default_factory=list)
    ordinal: str | None = None


def is_lynx_dump(lines: list[str]) -> bool:
    """A `lynx -dump`: body indented by three spaces and a trailing References list."""
    body = [ln for ln in lines if ln.strip()]
    if len(body) < 3 or not any(_LYNX_REFERENCES.match(ln) for ln in lines):
        return False
    indented = sum(1 for ln in body if ln.startswith("   "))
    return indented >= 0.5 * len(body) and any(LYNX_MARKER.search(ln) for ln in body)


def segment(lines: list[str], *, markdown: bool, lynx: bool = False) -> list[RawBlock]:
    """Split lines into raw blocks: blank lines, headings, lists, quotes and code separate them."""
    out: list[RawBlock] = []
    cur: RawBlock | None = None
    fence: str | None = None
    prev_blank = True
    last_indent = 0  # indent of the last paragraph line

    def flush() -> None:
        nonlocal cur
        if cur is not None and cur.lines:
            out.append(cur)
        cur = None

    for raw_line in lines:
        line = (raw_line.expandtabs(4) if "\t" in raw_line else raw_line).rstrip()
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
                flush()
            elif cur is not None:
                cur.lines.append(line)
            continue
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if not stripped:
            if cur is not None and cur.kind == "preformatted" and markdown:
                cur.lines.append("")
            else:
                flush()
            prev_blank = True
            continue
        if lynx:
            indent -= 3
            line = line[3:] if line.startswith("   ") else line.lstrip()
        was_blank, prev_blank = prev_blank, False
        first = stripped[0]  # cheap dispatch: most lines are prose and skip every pattern
        fenced = _FENCE.match(line) if markdown and first in "`~" else None
        if fenced:
            flush()
            fence = fenced.group(1)[:3]
            cur = RawBlock("preformatted")
            continue
        if markdown and indent >= 4 and (
            (cur is not None and cur.kind == "preformatted") or (was_blank and cur is None)
        ):
            if cur is None:
                cur = RawBlock("preformatted")
            cur.lines.append(line[4:])
            continue
        if cur is not None and cur.kind == "preformatted":
            _trim_trailing_blanks(cur)
            flush()
        atx = _ATX.match(line) if markdown and first == "#" else None
        if atx:
            flush()
            out.append(RawBlock("heading", [atx.group(2)]))
            continue
        one_line = cur is not None and cur.kind == "paragraph" and len(cur.lines) == 1
        if one_line and cur is not None and first in "=-" and _SETEXT.match(line):
            cur.kind = "heading"
            flush()
            continue
        if first in _RULE_CHARS and _RULE.match(line):
            flush()
            continue
        quoted = _QUOTE.match(line) if first == ">" and (markdown or not lynx) else None
        if quoted:
            if cur is None or cur.kind != "blockquote":
                flush()
                cur = RawBlock("blockquote")
            content = quoted.group(1).lstrip("> ").strip()
            if content:
                cur.lines.append(content)
            else:
                flush()
            continue
        item = None
        if first in _BULLET_CHARS or first.isdigit():
            item = _list_item(line, allowed=markdown or lynx or cur is None
                              or cur.kind == "list_item" or cur.lines[-1].endswith(":"))
        if item is not None:
            flush()
            cur = item
            continue
        if lynx and indent < 0 and (cur is None or cur.kind == "heading"):
            if cur is None:
                cur = RawBlock("heading")
            cur.lines.append(stripped)
            continue
        if (cur is not None and cur.kind == "paragraph" and not markdown and not lynx
                and indent >= last_indent + _INDENT_STEP):
            flush()  # a first-line indent starts a paragraph in text without blank lines
        if cur is None or cur.kind == "heading":
            flush()
            cur = RawBlock("paragraph")
        cur.lines.append(stripped)
        last_indent = indent
    if cur is not None and cur.kind == "preformatted":
        _trim_trailing_blanks(cur)
    flush()
    return out


def _trim_trailing_blanks(block: RawBlock) -> None:
    while block.lines and not block.lines[-1].strip():
        block.lines.pop()


def _list_item(line: str, *, allowed: bool) -> RawBlock | None:
    if not allowed:
        return None
    bullet = _BULLET.match(line)
    if bullet:
        return RawBlock("list_item", [bullet.group(3)])
    numbered = _NUMBERED.match(line)
    if numbered:
        ordinal = numbered.group(2) + numbered.group(3)
        return RawBlock("list_item", [numbered.group(4)], ordinal=ordinal)
    return None


def is_hard_wrapped(blocks: list[RawBlock]) -> bool:
    """True when multi-line paragraphs break where the next word would not have fitted."""
    width = wrap_width(blocks)
    if width > 120:
        return False
    pairs = full = 0
    for block in blocks:
        if block.kind != "paragraph":
            continue
        for this, nxt in zip(block.lines, block.lines[1:], strict=False):
            pairs += 1
            if len(this) + 1 + len(_first_word(nxt)) > width:
                full += 1
    return pairs >= _MIN_PAIRS and width >= _MIN_WIDTH and full >= 0.5 * pairs


def _first_word(line: str) -> str:
    found = _FIRST_WORD.search(line)
    return found.group(0) if found else ""


def split_unwrapped(block: RawBlock, *, wrapped: bool, width: int) -> list[list[str]]:
    """Group a paragraph's lines into paragraphs: one per line unless the text is hard-wrapped.

    In hard-wrapped text a line that ends early (the next word would have fitted) ends a
    paragraph when it is short or ends a sentence.
    """
    if not wrapped:
        # One paragraph per line, except a line broken mid-sentence ("… used for" / "housing …").
        groups: list[list[str]] = []
        for line in block.lines:
            if groups and line[:1].islower() and not _SENTENCE_END.search(groups[-1][-1]):
                groups[-1].append(line)
            else:
                groups.append([line])
        return groups
    groups = [[]]
    for i, line in enumerate(block.lines):
        groups[-1].append(line)
        if i + 1 == len(block.lines):
            break
        if line.endswith("-") and _HYPHENATED_END.search(line):
            continue  # the word goes on in the next line
        early = len(line) + 1 + len(_first_word(block.lines[i + 1])) <= width
        if early and (len(line) < 0.7 * width or _SENTENCE_END.search(line)):
            groups.append([])
    return [g for g in groups if g]


def wrap_width(blocks: list[RawBlock]) -> int:
    """The text's wrap column: the longest paragraph line (95th percentile in long texts)."""
    lengths = sorted(len(ln) for b in blocks if b.kind == "paragraph" for ln in b.lines)
    if len(lengths) < _MANY_LINES:
        return lengths[-1] if lengths else 0
    return lengths[int(0.95 * (len(lengths) - 1))]


class Joiner:
    """Re-joins hard-wrapped lines, undoing line-break hyphenation only when it is certain.

    "infor-\\nmation" becomes "information" when that word occurs elsewhere in the text or the
    second half is a bare suffix; "well-\\nknown" stays hyphenated.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._vocab: set[str] | None = None

    def join(self, lines: list[str]) -> str:
        parts: list[str] = []  # lines and the separators between them: linear in huge paragraphs
        for line in lines:
            line = line.strip()
            if not line:
                continue
            last = parts[-1] if parts else ""
            end = _HYPHENATED_END.search(last[-_LONGEST_WORD:]) if last.endswith("-") else None
            if end and line[:1].islower():
                tail = _first_word(line).rstrip(".,;:!?)\"”’")
                if self._merge(end.group(1), tail):
                    parts[-1] = last[:-1]
            elif not (end and line[:1].isalpha()):  # "Franco-" + "Prussian" keeps its hyphen
                parts.append(" ")
            parts.append(line)
        return " ".join("".join(parts).split())

    def _merge(self, head: str, tail: str) -> bool:
        vocab = self.vocab
        whole = (head + tail).casefold()
        if whole in vocab:
            return True
        if f"{head}-{tail}".casefold() in vocab:
            return False
        return tail.casefold() in _SUFFIXES

    @property
    def vocab(self) -> set[str]:
        if self._vocab is None:
            self._vocab = {w.strip(_PUNCTUATION) for w in self._text.casefold().split()}
        return self._vocab

"""The cleaning stage: boilerplate out, related links gathered, captions turned into media.

Rules come from `rules.py` (data in `rules.toml`). A rule matches a WHOLE short line or block,
never a word inside prose; markers glued to real text are cut out on their own. Everything
taken out lands in `removed` or `related`, so nothing is silently lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from re import Match

from reader.article.draft import Cleaned
from reader.article.model import Block, RelatedLink
from reader.article.related import (
    block_links,
    dedupe,
    has_lynx_markers,
    lynx_links,
    split_references,
    strip_markers,
    url_for,
)
from reader.article.rules import Family, Rules

_ORDINAL = re.compile(r"^\d{1,3}[.)]\s+")
_SENTENCE_END = re.compile(r"[.!?:;\"”’)…]$")
_BULLET_TAIL = re.compile(r"\s*[|·•]\s*$")
_SECTION_ITEM_KINDS = ("list_item", "paragraph")
_MAX_BRACKETED = 8  # blocks a promotion bracket may hold before it counts as no bracket
_MAX_ITEM_CHARS = 200
_MAX_ITEM_WORDS = 30
_MENU_WORDS = 3
_MENU_RUN = 3


def clean_blocks(blocks: list[Block], rules: Rules) -> Cleaned:
    """Apply `rules` to candidate blocks; return kept blocks, related links and removed text."""
    return _Cleaner(rules).run(blocks)


# What a whole-line match does to the line itself: these take it out of the article text.
_LINE_OUT = frozenset({"remove", "remove_heading", "related", "related_heading", "remove_until"})


def kept_lines(lines: Iterable[str], rules: Rules) -> list[str]:
    """The quick pass for the search index of an entry not yet cleaned: lines that a rule
    matches whole are dropped and glued markers cut, with no sections or brackets (those
    need the blocks the full clean builds; the index takes that text once it exists)."""
    cleaner = _Cleaner(rules)
    glued, anywhere = rules.glued, rules.anywhere
    out = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if rules.holds_no_needle(line):  # most lines: only a whole-line pattern may match
            found = rules.family_for(line, gated=False)
            if found is None or found[0].action not in _LINE_OUT:
                out.append(line)
            continue
        found = rules.family_for(line)
        if found is not None and found[0].action in _LINE_OUT:
            continue
        if (glued is not None and (glued[0].match(line) or glued[1].search(line))) or (
                anywhere is not None and rules.may_contain_anywhere(line)):
            line = cleaner.cut_glued(line)  # only then: it also re-spaces the line
        if line:
            out.append(line)
    return out


class _Cleaner:
    """One pass over the blocks; `section` is set while under a related/boilerplate heading."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.out: list[Block] = []
        self.related: list[RelatedLink] = []
        self.removed: list[str] = []
        self.section: str | None = None
        self.absorber: Family | None = None
        self.removed_at_last = 0  # len(removed) when the last block was kept
        self.bracket: Family | None = None  # an open "skip past … promotion" bracket
        self.held: list[tuple[Block, str, list[tuple[str, str]]]] = []  # blocks inside it

    def run(self, blocks: list[Block]) -> Cleaned:
        body, references, refs = split_references(blocks)
        markers = bool(refs) or has_lynx_markers(b.text for b in body)
        prepared = []
        for block in body:
            links = block_links(block)
            text = block.text
            if markers:
                links += lynx_links(text, refs)
                text = strip_markers(text)
            prepared.append((block, text.strip(), links))
        menu = _menu_items(prepared)
        for i, (block, text, links) in enumerate(prepared):
            if i in menu and self.section != "related":
                self.removed.append(text)
                continue
            self.block(block, text, links)
        self.release()
        self.removed.extend(b.text for b in references)
        return Cleaned(self.out, dedupe(self.related), self.removed)

    def block(self, block: Block, line: str, links: list[tuple[str, str]]) -> None:
        if block.kind == "preformatted":
            self.section = self.absorber = None
            self.out.append(Block("preformatted", block.text))
            return
        if not line:
            return
        if self.bracket is not None and self.bracketed(block, line, links):
            return
        if self.absorb(line):
            return
        family, found = self.match(line)
        if self.section is not None:
            if self.in_section(block, line, links, family):
                return
            self.section = None
        if family is not None and found is not None:
            self.apply(family, found, line, links)
            return
        kept = self.cut_glued(line)
        if kept:
            self.keep(Block(block.kind, kept))

    def keep(self, block: Block) -> None:
        """Append a kept block, mending a paragraph that boilerplate cut in two.

        "… who have just come" / Story continues below advertisement / "through a …": the
        second half starts in lower case and the first does not end a sentence.
        """
        last = self.out[-1] if self.out else None
        if (block.kind == "paragraph" and last is not None and last.kind == "paragraph"
                and len(self.removed) > self.removed_at_last and block.text[:1].islower()
                and not _SENTENCE_END.search(last.text)):
            last.text = f"{last.text} {block.text}"
        else:
            self.out.append(block)
        self.removed_at_last = len(self.removed)

    def match(self, line: str) -> tuple[Family | None, Match[str] | None]:
        """The first family whose pattern matches the whole line."""
        hit = self.rules.family_for(line)
        return hit if hit is not None else (None, None)

    def apply(self, family: Family, found: Match[str], line: str,
              links: list[tuple[str, str]]) -> None:
        action = family.action
        if action == "remove":
            self.removed.append(line)
        elif action == "media":
            groups = found.groupdict()
            caption = (groups.get("caption") or groups.get("head") or line).strip()
            if caption:     # an empty caption ("Click to play video: ' '") is no block
                self.out.append(Block("media", caption))
            if caption != line:
                self.removed.append(line)
            self.absorber = family if family.absorbs is not None else None
        elif action == "remove_until":
            self.removed.append(line)
            self.bracket = family
        elif action == "related":
            title = (found.groupdict().get("title") or "").strip()
            self.removed.append(line)
            if title:
                self.add_related(title, links)
            else:
                self.section = "related"
        else:
            self.section = "related" if action == "related_heading" else "remove"
            self.removed.append(line)

    def in_section(self, block: Block, line: str, links: list[tuple[str, str]],
                   family: Family | None) -> bool:
        """Handle a block under a related/boilerplate heading; False when the section ends."""
        if family is not None:
            if family.action in ("related_heading", "remove_heading"):
                return False
            if family.action == "remove":
                self.removed.append(line)
                return True
        if block.kind not in _SECTION_ITEM_KINDS or not _item_like(line, block.kind):
            return False
        if family is not None and family.action in ("related", "media"):
            return False
        if self.section == "related":
            self.add_related(_BULLET_TAIL.sub("", _ORDINAL.sub("", line)), links)
        else:
            self.removed.append(line)
        return True

    def bracketed(self, block: Block, line: str, links: list[tuple[str, str]]) -> bool:
        """Inside a promotion bracket: hold blocks until its closing marker removes them all.
        A bracket that does not close within a few blocks was no bracket: they are kept."""
        assert self.bracket is not None and self.bracket.until is not None
        if self.bracket.until.fullmatch(line):
            self.removed.extend(text for _, text, _ in self.held)
            self.removed.append(line)
            self.bracket, self.held = None, []
            return True
        self.held.append((block, line, links))
        if len(self.held) > _MAX_BRACKETED:
            self.release()
        return True

    def release(self) -> None:
        """An unclosed bracket: its blocks are read as if it had not opened."""
        held, self.held, self.bracket = self.held, [], None
        for block, line, links in held:
            self.block(block, line, links)

    def absorb(self, line: str) -> bool:
        """A blurb line under a video caption joins that caption (Global News style)."""
        family, self.absorber = self.absorber, None
        if family is None or family.absorbs is None or not self.out or self.out[-1].kind != "media":
            return False
        if not family.absorbs.fullmatch(line):
            return False
        self.out[-1].text = f"{self.out[-1].text} — {line}"
        return True

    def add_related(self, title: str, links: list[tuple[str, str]]) -> None:
        self.related.append(RelatedLink(title, url_for(title, links)))

    def cut_glued(self, text: str) -> str:
        """Cut boilerplate markers stuck to real text (into `removed`); return what is left."""

        def cut(found: Match[str]) -> str:
            self.removed.append(found.group(0)[1:].strip())
            return found.group(1) + " "

        def cut_anywhere(found: Match[str]) -> str:
            self.removed.append(found.group(0).strip())
            return " "

        if self.rules.glued is not None:
            at_start, after_sentence = self.rules.glued
            found = at_start.match(text)
            if found:
                self.removed.append(found.group(0).strip())
                text = text[found.end():]
            text = after_sentence.sub(cut, text)
        if self.rules.anywhere is not None and self.rules.may_contain_anywhere(text):
            text = self.rules.anywhere.sub(cut_anywhere, text)
        return " ".join(text.split())


def _menu_items(prepared: list[tuple[Block, str, list[tuple[str, str]]]]) -> set[int]:
    """Indexes of navigation menus: runs of 3+ list items that are each one short bare link."""
    menu: set[int] = set()
    run: list[int] = []
    for i, (block, text, links) in enumerate([*prepared, (Block("paragraph", ""), "", [])]):
        bare = (block.kind == "list_item" and len(links) == 1 and len(text.split()) <= _MENU_WORDS
                and " ".join(links[0][0].split()) == text)
        if bare:
            run.append(i)
            continue
        if len(run) >= _MENU_RUN:
            menu.update(run)
        run = []
    return menu


def _item_like(line: str, kind: str) -> bool:
    """A link-list entry: a short headline, not a sentence of prose.

    A list item may end with a full stop; a bare line must not (headlines do not).
    """
    words = len(line.split())
    if len(line) > _MAX_ITEM_CHARS or words > _MAX_ITEM_WORDS:
        return False
    if kind == "list_item":
        return True
    return not line.endswith((".", ",", ";", ":")) or line.endswith("...")

"""Put back article prose that main-content extraction left out of the article's own container.

Two patterns are common on news pages: the body split into several sibling chunks with the
same class (an advert between them), of which the extractor keeps one; and a lead paragraph
held as bare text (no `<p>`) that it skips. Both are found by locating the extracted blocks
in the page, taking the container most of them sit in, and re-reading that container and its
same-class siblings for sentence-like paragraphs the extraction lacks. Only prose between
or before located paragraphs is added, never what follows the last one (teasers, tags).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from lxml.html import HtmlElement

from reader.article.html.blocks import HTML_ROLES, text_key, tree_blocks
from reader.article.model import Block

_INLINE = frozenset({"a", "em", "strong", "b", "i", "u", "span", "font", "small", "sup", "sub",
                     "code", "mark", "abbr", "time", "cite", "q", "s"})
_PARAGRAPHS = frozenset({"p", "li", "blockquote", "h2", "h3", "h4", "h5", "h6", "pre", "dd"})
_SKIP = frozenset({"nav", "aside", "form", "header", "footer", "figure", "figcaption"})
_NOT_PROSE_CLASS = re.compile(
    r"share|social|newsletter|subscribe|promo|advert|related|recirc|byline|caption|credit",
    re.IGNORECASE)
_COMMENTS = re.compile(r"comment|reply|discuss", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_MIN_PROSE_WORDS = 12
_MIN_ANCHORS = 3
_PREFIX = 40


def recover(root: HtmlElement, blocks: list[Block]) -> list[Block]:
    """`blocks` with missing prose from the extracted article's container(s) put back."""
    anchors = dict(_anchors(root, blocks))
    if len(anchors) < _MIN_ANCHORS:
        return blocks
    main, count = Counter(anchors.values()).most_common(1)[0]
    if count < _MIN_ANCHORS:
        return blocks
    known = {text_key(b.text) for b in blocks}
    before, inserts = _gaps(main, blocks, known)
    after: list[Block] = []
    chunks = _chunks(main)
    for n, chunk in enumerate(chunks):
        if chunk is main:
            continue
        extra = [b for b in _walk(chunk) if _is_prose(b) and text_key(b.text) not in known]
        if sum(len(b.text.split()) for b in extra) >= 3 * _MIN_PROSE_WORDS:
            known.update(text_key(b.text) for b in extra)
            (before if n < chunks.index(main) else after).extend(extra)
    if not (before or inserts or after):
        return blocks
    mine = [i for i, el in anchors.items() if el is main]
    first, last = min(mine), max(mine)
    out: list[Block] = []
    for i, block in enumerate(blocks):
        if i == first:
            out.extend(before)
        out.extend(inserts.get(i, []))
        out.append(block)
        if i == last:
            out.extend(after)
    return out


def _anchors(root: HtmlElement, blocks: list[Block]) -> Iterator[tuple[int, HtmlElement]]:
    """(block index, containing element) for blocks whose first words start a text node."""
    wanted: dict[str, int] = {}
    for i, block in enumerate(blocks):
        prefix = text_key(block.text)[:_PREFIX]
        if len(prefix) >= 20 and block.kind in ("paragraph", "blockquote", "list_item"):
            wanted.setdefault(prefix, i)
    if not wanted:
        return
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for text, owner in ((el.text, el), (el.tail, el.getparent())):
            if text and owner is not None and len(text) >= 20:
                i = wanted.pop(text_key(text[:3 * _PREFIX])[:_PREFIX], -1)
                if i >= 0:
                    yield i, _container(owner)


def _container(el: HtmlElement) -> HtmlElement:
    """The element that holds a paragraph: the parent of a `<p>`, or a div with bare text."""
    while el.tag in _INLINE and el.getparent() is not None:
        el = el.getparent()
    parent = el.getparent()
    return parent if el.tag in _PARAGRAPHS and parent is not None else el


def _walk(el: HtmlElement) -> list[Block]:
    def keep(node: HtmlElement) -> bool:
        label = f"{node.get('class') or ''} {node.get('id') or ''}"
        return (node.tag not in _SKIP and node.get("hidden") is None
                and not _NOT_PROSE_CLASS.search(label))
    return tree_blocks(el, HTML_ROLES, keep)


def _is_prose(block: Block) -> bool:
    return (block.kind in ("paragraph", "blockquote", "list_item")
            and len(block.text.split()) >= _MIN_PROSE_WORDS
            and bool(_SENTENCE_END.search(block.text)))


def _gaps(main: HtmlElement, blocks: list[Block],
          known: set[str]) -> tuple[list[Block], dict[int, list[Block]]]:
    """Prose in `main` missing from `blocks`: before the first located block, and between."""
    index = {text_key(b.text): i for i, b in enumerate(blocks)}
    before: list[Block] = []
    inserts: dict[int, list[Block]] = {}
    pending: list[Block] = []
    seen_anchor = False
    for block in _walk(main):
        key = text_key(block.text)
        if key in index:
            if pending:
                if seen_anchor:
                    inserts.setdefault(index[key], []).extend(pending)
                else:
                    before.extend(pending)
                known.update(text_key(b.text) for b in pending)
            pending = []
            seen_anchor = True
        elif _is_prose(block) and key not in known:
            pending.append(block)
    return before, inserts


def _chunks(main: HtmlElement) -> list[HtmlElement]:
    """`main` and the elements with its tag and class within its grandparent (a body split
    around an advert), in document order; comment threads excluded."""
    cls = main.get("class")
    scope = main.getparent()
    scope = scope.getparent() if scope is not None else None
    if not cls or scope is None or scope.tag in ("body", "html"):
        return [main]
    found: list[HtmlElement] = []
    for el in scope.iter(main.tag):
        if el.get("class") != cls or any(a in found for a in el.iterancestors()):
            continue
        if el is main or not any(_COMMENTS.search(f"{a.get('class') or ''} {a.get('id') or ''}")
                                 for a in _between(el, scope)):
            found.append(el)
    return found if main in found else [main]


def _between(el: HtmlElement, scope: HtmlElement) -> Iterator[HtmlElement]:
    """`el` and its ancestors below `scope`."""
    yield el
    for anc in el.iterancestors():
        if anc is scope:
            return
        yield anc

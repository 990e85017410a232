"""Turn an element tree (HTML, or trafilatura's XML output) into plain-text `Block`s.

The walk is iterative (an explicit stack), so 5,000 nested `<div>`s cost no recursion.
Block-level elements start a new block; inline elements only contribute text. Kinds nest
"stickily": a `<p>` inside `<blockquote>`, `<li>` or `<figcaption>` keeps the outer kind.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from reader.article.model import Block
from reader.sanitize import clean_line, clean_text, resolved_url

if TYPE_CHECKING:
    from lxml.etree import _Element

# role of a tag: a block kind, "container" (block boundary, kind inherited), "break",
# "cell" (table cell: " | " between cells), "skip" (drop with its content); others are inline.
HTML_ROLES: dict[str, str] = {
    **{f"h{n}": "heading" for n in range(1, 7)},
    "p": "paragraph", "li": "list_item", "dt": "list_item", "dd": "list_item",
    "blockquote": "blockquote", "pre": "preformatted", "figcaption": "media",
    "tr": "paragraph", "td": "cell", "th": "cell", "br": "break", "hr": "break",
    **dict.fromkeys(
        ("div", "section", "article", "main", "body", "html", "header", "footer", "ul", "ol",
         "dl", "table", "thead", "tbody", "tfoot", "figure", "details", "summary", "center",
         "address", "hgroup", "caption", "aside", "nav", "fieldset", "legend"),
        "container",
    ),
    **dict.fromkeys(
        ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
         "canvas", "form", "button", "select", "option", "input", "textarea", "head", "title",
         "meta", "link", "audio", "video", "source", "track", "map", "dialog", "img", "picture"),
        "skip",
    ),
}
# trafilatura's output vocabulary (a TEI-like XML).
XML_ROLES: dict[str, str] = {
    "head": "heading", "p": "paragraph", "item": "list_item", "quote": "blockquote",
    "code": "preformatted", "row": "paragraph", "cell": "cell", "lb": "break",
    "list": "container", "table": "container", "body": "container", "div": "container",
    "doc": "container", "graphic": "skip", "note": "skip",
}
_NON_WORD = re.compile(r"\W+")


def text_key(text: str) -> str:
    """Comparison key for matching one text against another: letters and digits, case-folded."""
    return _NON_WORD.sub("", text.casefold())


_STICKY = frozenset({"heading", "list_item", "blockquote", "media", "preformatted"})


class _Builder:
    """Accumulates inline text and emits a block at each block boundary."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.kinds: list[str] = ["paragraph"]
        self.parts: list[str] = []
        self.anchors: list[tuple[str, str]] = []   # (anchor text, url) in document order
        self._open_links: list[tuple[str, int, int]] = []   # url, flushes, part index

    def open_link(self, url: str) -> None:
        self._open_links.append((url, len(self.blocks), len(self.parts)))

    def close_link(self) -> None:
        """Record the link's anchor text, unless a block boundary fell inside it."""
        if not self._open_links:
            return
        url, blocks, part = self._open_links.pop()
        if blocks == len(self.blocks) and part <= len(self.parts):
            text = clean_line("".join(self.parts[part:])).strip()
            if text:
                self.anchors.append((text, url))

    def open(self, role: str) -> None:
        self.flush()
        outer = self.kinds[-1]
        if role == "container" or (role == "paragraph" and outer in _STICKY):
            role = outer
        self.kinds.append(role)

    def close(self) -> None:
        self.flush()
        if len(self.kinds) > 1:
            self.kinds.pop()

    def text(self, text: str | None) -> None:
        if text:
            self.parts.append(text)

    def brk(self) -> None:
        if self.kinds[-1] == "preformatted":
            self.parts.append("\n")
        else:
            self.flush()

    def cell(self) -> None:
        if "".join(self.parts).strip():
            self.parts.append(" | ")

    def flush(self) -> None:
        kind = self.kinds[-1]
        raw = "".join(self.parts)
        self.parts = []
        if kind == "preformatted":  # entity-encoded controls (&#27;) decode only now
            lines = [line.rstrip() for line in clean_text(raw).split("\n")]
            text = "\n".join(lines).strip("\n")
            if not text.strip():
                return
        else:
            text = clean_line(raw).strip(" |")
            if not text:
                return
        self.blocks.append(Block(kind, text))


def link_url(el: _Element, tag: str, base: str | None) -> str | None:
    """The http(s) URL of a link element (`<a href>`, trafilatura's `<ref target>`)."""
    href = el.get("href") if tag == "a" else el.get("target") if tag == "ref" else None
    if not href or href.lstrip().startswith("#"):
        return None
    return resolved_url(href.strip(), base)


def tree_blocks(root: _Element, roles: dict[str, str],
                keep: Callable[[_Element], bool] | None = None, *,
                anchors: list[tuple[str, str]] | None = None,
                base: str | None = None) -> list[Block]:
    """Blocks of `root` in reading order; `keep(el)` False drops an element and its content.

    With `anchors`, the links inside the text are appended to it as (anchor text, url),
    relative ones resolved against `base`."""
    out = _Builder()
    # (element, None) enters an element; (element, role) leaves it.
    stack: list[tuple[_Element, str | None]] = [(root, None)]
    while stack:
        el, leaving = stack.pop()
        if leaving is not None:
            if leaving == "link":
                out.close_link()
            elif leaving not in ("inline", "cell"):
                out.close()
            out.text(el.tail)
            continue
        tag = el.tag if isinstance(el.tag, str) else ""
        role = roles.get(tag.lower(), "inline") if tag else "skip"
        if el is not root and (role == "skip" or (keep is not None and not keep(el))):
            out.text(el.tail)
            continue
        if role == "break":
            out.brk()
            out.text(el.tail)
            continue
        if role == "cell":
            out.cell()
        elif role != "inline":
            out.open(role)
        elif anchors is not None and tag.lower() in ("a", "ref"):
            url = link_url(el, tag.lower(), base)
            if url:
                out.open_link(url)
                role = "link"
        out.text(el.text)
        stack.append((el, role))
        stack.extend((child, None) for child in reversed(el))
    out.flush()
    if anchors is not None:
        anchors.extend(out.anchors)
    return out.blocks

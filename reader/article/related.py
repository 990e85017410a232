"""Links inside blocks and the related-links list: lynx `[n]` references, Markdown link URLs.

A parser that knows the links of a block (Markdown `[text](url)`) hands a `LinkedBlock`; the
boilerplate stage uses those links to give related links their URLs. Lynx dumps carry `[n]`
markers instead, resolved against the trailing `References` list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from reader.article.model import Block, RelatedLink
from reader.sanitize import safe_url

_MARKER = re.compile(r"\[(\d+)\]")
_GLUED_MARKER = re.compile(r"\[\d+\](?=[^\s\d\].,;:!?])")
_MIN_MARKERS = 3
# Lynx placeholders for images and form controls, removed with the markers.
_PLACEHOLDER = re.compile(r"\[(?:IMG|INLINE|BUTTON|LINK|image|embedded)\]")
_REF_ITEM = re.compile(r"^(\d+)\.\s+(\S+)$")
_REF_HEADINGS = re.compile(r"^(?:references|visible links:?|hidden links:?)$", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


@dataclass
class LinkedBlock(Block):
    """A `Block` that also knows its links as (anchor text, url) pairs, in order.

    The url is "" for a link whose target was not an absolute http(s) URL.
    """

    links: list[tuple[str, str]] = field(default_factory=list)


def block_links(block: Block) -> list[tuple[str, str]]:
    """The (anchor text, url) links a parser recorded for `block` (none for a plain `Block`)."""
    return list(block.links) if isinstance(block, LinkedBlock) else []


def split_references(blocks: list[Block]) -> tuple[list[Block], list[Block], dict[int, str]]:
    """Cut a trailing lynx `References` list off `blocks`.

    Returns (body blocks, reference blocks, {number: url}). Without a References heading whose
    following blocks are all numbered URLs, nothing is cut and the map is empty.
    """
    for start in range(len(blocks) - 1, -1, -1):
        if blocks[start].text.strip().casefold() == "references":
            break
    else:
        return blocks, [], {}
    refs: dict[int, str] = {}
    for block in blocks[start + 1:]:
        text = block.text.strip()
        if _REF_HEADINGS.fullmatch(text):
            continue
        item = _REF_ITEM.match(text)
        if not item:
            return blocks, [], {}
        url = safe_url(item.group(2))
        if url:
            refs[int(item.group(1))] = url
    if not refs:
        return blocks, [], {}
    return blocks[:start], blocks[start:], refs


def lynx_links(text: str, refs: dict[int, str]) -> list[tuple[str, str]]:
    """The (anchor text, url) pairs of a lynx line: each `[n]` marker up to the next one."""
    if "[" not in text:
        return []
    out = []
    parts = _MARKER.split(text)
    # parts: [before, n1, after1, n2, after2, …]
    for i in range(1, len(parts) - 1, 2):
        url = refs.get(int(parts[i]))
        anchor = " ".join(_PLACEHOLDER.sub("", parts[i + 1]).split())
        if url:
            out.append((anchor, url))
    return out


def has_lynx_markers(texts: Iterable[str]) -> bool:
    """Lynx link markers without a References list (a truncated dump): three or more `[n]`
    stuck to link text. Citations ("… found.[12]") are followed by a space and do not count."""
    count = 0
    for text in texts:
        if "[" in text:
            count += len(_GLUED_MARKER.findall(text))
            if count >= _MIN_MARKERS:
                return True
    return False


def strip_markers(text: str) -> str:
    """Remove lynx `[n]` link markers and image placeholders from text."""
    if "[" not in text:
        return text
    return " ".join(_PLACEHOLDER.sub("", _MARKER.sub("", text)).split())


def url_for(title: str, links: list[tuple[str, str]]) -> str | None:
    """The URL of the link whose anchor is `title` (or contains it, or the only link)."""
    want = _norm(title)
    links = [(anchor, url) for anchor, url in links if url]
    for anchor, url in links:
        if _norm(anchor) == want:
            return url
    for anchor, url in links:
        if want and (want in _norm(anchor) or _norm(anchor) in want) and _norm(anchor):
            return url
    return links[0][1] if len(links) == 1 else None


def dedupe(links: list[RelatedLink]) -> list[RelatedLink]:
    """First occurrence wins, in order; a later copy with a URL fills a missing one."""
    seen: dict[str, RelatedLink] = {}
    for link in links:
        key = _norm(link.title)
        if not key:
            continue
        if key in seen:
            if seen[key].url is None and link.url:
                seen[key].url = link.url
            continue
        seen[key] = RelatedLink(link.title, link.url)
    return list(seen.values())


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).strip().casefold()

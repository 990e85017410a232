"""Links inside the article text: where each link's anchor text sits in the cleaned blocks.

Parsers hand the links they met as (anchor text, url) pairs in document order; cleaning may
drop, merge or rebuild blocks, so the anchors are found again in the final blocks, in order,
each after the one before. An anchor whose text cleaning removed is simply not found. Bare
http(s) URLs written in the text (plain-text scrapes) are links too. Related links keep their
own fold and are not repeated here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from reader.article.model import Block, LinkSpan
from reader.sanitize import safe_url

LOOKAHEAD = 30   # blocks searched past the last anchor found for the next one
_BARE_URL = re.compile(r"https?://[^\s<>\"“”‘’]+")
_TRAILING = ".,;:!?)]}'\"’”"


def attach_links(blocks: list[Block], anchors: Iterable[tuple[str, str]],
                 skip: Iterable[str | None] = ()) -> None:
    """Set each block's `link_spans` from `anchors` (and the bare URLs in its text)."""
    left_out = {url for url in skip if url}
    spans: list[list[LinkSpan]] = [[] for _ in blocks]
    at, pos = 0, 0
    for text, url in anchors:
        text = " ".join(text.split())
        if not text or not url or url in left_out:
            continue
        for index in range(at, min(len(blocks), at + LOOKAHEAD)):
            start = blocks[index].text.find(text, pos if index == at else 0)
            if start >= 0:
                spans[index].append(LinkSpan(start, start + len(text), url))
                at, pos = index, start + len(text)
                break
    for block, found in zip(blocks, spans, strict=True):
        if "http" in block.text:
            found += [span for span in _bare_urls(block.text)
                      if span.url not in left_out and not _overlaps(span, found)]
        block.link_spans = sorted(found, key=lambda span: span.start)


def _bare_urls(text: str) -> list[LinkSpan]:
    out = []
    for match in _BARE_URL.finditer(text):
        raw = match.group().rstrip(_TRAILING)
        url = safe_url(raw)
        if url:
            out.append(LinkSpan(match.start(), match.start() + len(raw), url))
    return out


def _overlaps(span: LinkSpan, others: list[LinkSpan]) -> bool:
    return any(span.start < o.end and o.start < span.end for o in others)

"""What a parser (plain text, Markdown, HTML) hands to the cleaning stages."""

from __future__ import annotations

from dataclasses import dataclass, field

from reader.article.model import Block, RelatedLink


@dataclass
class Draft:
    """Candidate blocks and metadata before boilerplate rules and quote finding."""

    blocks: list[Block]
    title: str | None = None
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    related: list[RelatedLink] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (anchor text, url) in the text


@dataclass
class Cleaned:
    """The output of the boilerplate stage."""

    blocks: list[Block]
    related: list[RelatedLink] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

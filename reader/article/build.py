"""The engine's front door: text, Markdown or HTML in, a clean `Article` out (pure, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field

from reader.article.draft import Draft
from reader.article.model import Article, RelatedLink
from reader.sanitize import clean_line, clean_text


@dataclass
class Meta:
    """What the caller already knows about an article (feed entry fields, front matter)."""

    title: str | None = None
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None


def from_text(text: str, source: str, *, markdown: bool = False, meta: Meta | None = None,
              extra_rules: dict | None = None) -> Article:
    """Clean a plain-text scrape or Markdown clipping into an `Article`."""
    from reader.article.plaintext import parse_text

    draft = parse_text(clean_text(text), markdown=markdown)
    return _finish(draft, source, text, meta, extra_rules)


def from_html(html: str, source: str, *, url: str | None = None, meta: Meta | None = None,
              extra_rules: dict | None = None) -> Article:
    """Extract the main content of a web page (or a feed entry's HTML) into an `Article`."""
    from reader.article.html.parse import parse_html

    draft = parse_html(clean_text(html), url=url)
    return _finish(draft, source, html, meta, extra_rules)


def _dedupe(links: list[RelatedLink]) -> list[RelatedLink]:
    """Related links in order, each title once (a later copy may supply the missing URL)."""
    seen: dict[str, RelatedLink] = {}
    for link in links:
        key = " ".join(link.title.casefold().split())
        if key not in seen:
            seen[key] = link
        elif seen[key].url is None and link.url:
            seen[key].url = link.url
    return list(seen.values())


def _finish(draft: Draft, source: str, raw: str, meta: Meta | None,
            extra_rules: dict | None) -> Article:
    """Shared tail: boilerplate rules, related links, quotes, then the metadata merge."""
    from reader.article.boilerplate import clean_blocks
    from reader.article.links import attach_links
    from reader.article.quotes import find_quotes
    from reader.article.related import block_links
    from reader.article.rules import load_rules

    anchors = draft.links or [pair for block in draft.blocks for pair in block_links(block)]
    cleaned = clean_blocks(draft.blocks, load_rules(extra_rules))
    quotes = find_quotes(cleaned.blocks)
    related = _dedupe(draft.related + cleaned.related)
    attach_links(cleaned.blocks, anchors, [link.url for link in related])
    meta = meta or Meta()
    return Article(
        title=clean_line(meta.title or draft.title or "") or "Untitled",
        source=source,
        url=meta.url or draft.url,
        authors=[clean_line(a) for a in (meta.authors or draft.authors) if clean_line(a)],
        published=meta.published or draft.published,
        blocks=cleaned.blocks,
        quotes=quotes,
        related=related,
        removed=draft.removed + cleaned.removed,
        raw=raw,
    )

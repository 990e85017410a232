"""An article as plain text: what `byline read` prints when piped or under NO_COLOR."""

from __future__ import annotations

from reader.article.model import Article, Block
from reader.render.enclosures import describe
from reader.sanitize import clean_line, clean_text


def meta_line(article: Article, origin: str = "") -> str:
    """Byline, date, origin (a library entry's feed title or file name), the web address (else
    the source) and reading time on one line."""
    parts = []
    if article.authors:
        parts.append("By " + ", ".join(clean_line(a) for a in article.authors))
    if article.published:
        parts.append(clean_line(article.published))
    where, origin = clean_line(article.url or article.source), clean_line(origin)
    if origin and origin != where:
        parts.append(origin)
    parts.append(where)
    parts.append(f"{article.reading_minutes} min read")
    return " · ".join(p for p in parts if p)


def speakers_of(block: Block) -> list[str]:
    """Distinct speakers of a block's quotes, in order."""
    seen: list[str] = []
    for span in block.quotes:
        if span.speaker and span.speaker not in seen:
            seen.append(span.speaker)
    return seen


def render_plain(article: Article, origin: str = "") -> str:
    """The article as unwrapped plain text, one paragraph a line."""
    out = [clean_line(article.title), meta_line(article, origin), ""]
    if article.enclosures:
        out.append(f"Enclosures ({len(article.enclosures)})")
        out += [f"  {n}. {describe(e)} <{clean_line(e.url)}>"
                for n, e in enumerate(article.enclosures, 1)]
        out.append("")
    for block in article.blocks:
        text = clean_text(block.text)
        if block.kind == "heading":
            out.append(clean_line(text).upper())
        elif block.kind == "list_item":
            out.append(f"  • {text}")
        elif block.kind == "blockquote":
            out.append("\n".join(f"  | {line}" for line in text.splitlines()))
        elif block.kind == "media":
            out.append(f"  [media] {clean_line(text)}")
        else:
            out.append(text)
        speakers = speakers_of(block)
        if speakers:
            out.append("      — " + ", ".join(clean_line(s) for s in speakers))
        out.append("")
    if article.related:
        out.append(f"Related ({len(article.related)})")
        for link in article.related:
            url = f" <{clean_line(link.url)}>" if link.url else ""
            out.append(f"  - {clean_line(link.title)}{url}")
    return "\n".join(out).rstrip() + "\n"

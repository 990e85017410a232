"""An article as Markdown, for notes apps (quotes listed with speakers, related links kept)."""

from __future__ import annotations

import re

from reader.article.model import Article
from reader.sanitize import clean_line, clean_text

_LEADING_SYNTAX = re.compile(r"^(\s*)([#>+\-*]|\d+[.)])(\s)")


def _escape(text: str) -> str:
    """Keep article text from turning into Markdown syntax it never had."""
    text = text.replace("\\", "\\\\").replace("`", "\\`").replace("*", "\\*").replace("_", "\\_")
    text = text.replace("[", "\\[").replace("]", "\\]").replace("<", "&lt;")
    return _LEADING_SYNTAX.sub(r"\1\\\2\3", text)


def _link(title: str, url: str | None) -> str:
    from reader.sanitize import safe_url

    safe = safe_url(url)
    title = _escape(clean_line(title))
    if not safe:
        return title
    # `<` or `>` would end the <…> destination early and let the rest become a new link.
    return f"[{title}](<{safe.replace('<', '%3C').replace('>', '%3E')}>)"


def render_markdown(article: Article) -> str:
    """The whole article as a Markdown document."""
    out = [f"# {_escape(clean_line(article.title))}", ""]
    meta = [clean_line(a) for a in article.authors]
    meta += [x for x in (article.published, article.source) if x]
    if meta:
        out += ["*" + " · ".join(_escape(clean_line(m)) for m in meta) + "*", ""]
    if article.url:
        out += [_link(article.url, article.url), ""]
    for block in article.blocks:
        text = clean_text(block.text)
        if block.kind == "heading":
            out.append(f"## {_escape(clean_line(text))}")
        elif block.kind == "list_item":
            out.append(f"- {_escape(text)}")
        elif block.kind == "blockquote":
            out.append("\n".join(f"> {_escape(line)}" for line in text.splitlines() or [""]))
        elif block.kind == "media":
            out.append(f"*Media: {_escape(clean_line(text))}*")
        elif block.kind == "preformatted":
            fence = "````" if "```" in text else "```"
            out += [fence, text, fence]
        else:
            out.append(_escape(text))
        out.append("")
    if article.quotes:
        out += ["## Quotes", ""]
        for quote in article.quotes:
            who = f" — {_escape(clean_line(quote.speaker))}" if quote.speaker else ""
            said = _escape(clean_line(quote.text))
            if quote.kind == "partial":  # a few words inside reported speech
                said, who = f"“{said}”", f"{who} (partial)"
            out.append(f"> {said}{who}")
            out.append("")
    if article.related:
        out += [f"## Related ({len(article.related)})", ""]
        out += [f"- {_link(r.title, r.url)}" for r in article.related]
        out.append("")
    return "\n".join(out).rstrip() + "\n"

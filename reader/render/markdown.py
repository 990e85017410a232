"""An article as Markdown, for notes apps (quotes listed with speakers, related links kept).

A Markdown original (a clipping) keeps its inline markup: the cleaned article holds plain
text, so each block is matched with the paragraph of the original it came from, and that
paragraph is written again with its emphasis, strong text, inline code, struck text and
http(s) links, everything else escaped. A block that matches nothing is written as plain text.
"""

from __future__ import annotations

import re
from typing import Any

from reader.article.model import Article
from reader.render.enclosures import describe
from reader.sanitize import clean_line, clean_text, safe_url

_LEADING_SYNTAX = re.compile(r"^(\s*)([#>+\-*]|\d+[.)])(\s)")
_ORDINAL = re.compile(r"^(\d+[.)]) (.+)$", re.DOTALL)
_INLINE_MARKS = re.compile(r"[*_`\[~]")
_DELIMITERS = {"em": "*", "strong": "**", "s": "~~"}


def _escape(text: str) -> str:
    """Keep article text from turning into Markdown syntax it never had."""
    return _LEADING_SYNTAX.sub(r"\1\\\2\3", _escape_inline(text))


def _escape_inline(text: str) -> str:
    text = text.replace("\\", "\\\\").replace("`", "\\`").replace("*", "\\*").replace("_", "\\_")
    return text.replace("[", "\\[").replace("]", "\\]").replace("<", "&lt;").replace("~", "\\~")


def _destination(url: str) -> str:
    # `<` or `>` would end the <…> destination early and let the rest become a new link.
    return f"<{url.replace('<', '%3C').replace('>', '%3E')}>"


def inline_markup(original: str) -> dict[str, str]:
    """The paragraphs of a Markdown original with inline markup: their plain text (as the
    engine reads it, spaces collapsed) -> the same text as safe Markdown."""
    if not _INLINE_MARKS.search(original):
        return {}
    from markdown_it import MarkdownIt

    found: dict[str, str] = {}
    parser = MarkdownIt("commonmark", {"html": True}).enable("strikethrough")
    # Read every link as the engine does; one is written only when `safe_url` passes it.
    setattr(parser, "validateLink", lambda url: True)  # noqa: B010
    for token in parser.parse(clean_text(original)):
        if token.type == "inline" and token.children:
            plain, markdown = _render_inline(token.children)
            plain = " ".join(plain.split())
            if plain and markdown != _escape_inline(plain):
                found.setdefault(plain, " ".join(markdown.split()))
    return found


def _render_inline(children: list[Any]) -> tuple[str, str]:
    """(plain text, Markdown) of one paragraph's inline tokens."""
    plain: list[str] = []
    out: list[list[str]] = [[]]        # a new level for each open link
    links: list[str | None] = []
    for child in children:
        kind = child.type
        if kind == "text":
            plain.append(child.content)
            out[-1].append(_escape_inline(child.content))
        elif kind in ("softbreak", "hardbreak", "image", "html_inline"):
            plain.append(" ")
            out[-1].append(" ")
        elif kind == "code_inline":
            code = clean_line(child.content)
            plain.append(code)
            fence = "`" * (max((len(run) for run in re.findall("`+", code)), default=0) + 1)
            pad = " " if code.startswith("`") or code.endswith("`") else ""
            out[-1].append(f"{fence}{pad}{code}{pad}{fence}" if code else "")
        elif kind.endswith(("_open", "_close")) and kind.rsplit("_", 1)[0] in _DELIMITERS:
            out[-1].append(_DELIMITERS[kind.rsplit("_", 1)[0]])
        elif kind == "link_open":
            links.append(safe_url(child.attrs.get("href")))
            out.append([])
        elif kind == "link_close" and links:
            url, inner = links.pop(), "".join(out.pop())
            out[-1].append(f"[{inner}]({_destination(url)})" if url and inner.strip() else inner)
    while links:  # unclosed links cannot happen in markdown-it's output; keep the text anyway
        links.pop()
        inner = "".join(out.pop())
        out[-1].append(inner)
    return "".join(plain), "".join(out[0])


def _block_markdown(text: str, marked: dict[str, str]) -> str:
    """A block's text as Markdown: its original's inline markup when it has some."""
    plain = " ".join(text.split())
    if plain in marked:
        return _LEADING_SYNTAX.sub(r"\1\\\2\3", marked[plain])
    numbered = _ORDINAL.match(plain)
    if numbered and numbered.group(2) in marked:
        return f"{_escape(numbered.group(1) + ' ')}{marked[numbered.group(2)]}"
    return _escape(text)


def _link(title: str, url: str | None) -> str:
    safe = safe_url(url)
    title = _escape(clean_line(title))
    if not safe:
        return title
    return f"[{title}]({_destination(safe)})"


def render_markdown(article: Article) -> str:
    """The whole article as a Markdown document."""
    out = [f"# {_escape(clean_line(article.title))}", ""]
    meta = [clean_line(a) for a in article.authors]
    meta += [x for x in (article.published, article.source) if x]
    if meta:
        out += ["*" + " · ".join(_escape(clean_line(m)) for m in meta) + "*", ""]
    if article.url:
        out += [_link(article.url, article.url), ""]
    marked = inline_markup(article.raw) if article.raw else {}
    for block in article.blocks:
        text = clean_text(block.text)
        if block.kind == "heading":
            out.append(f"## {_block_markdown(clean_line(text), marked)}")
        elif block.kind == "list_item":
            out.append(f"- {_block_markdown(text, marked)}")
        elif block.kind == "blockquote":
            if " ".join(text.split()) in marked:
                out.append(f"> {_block_markdown(text, marked)}")
            else:
                out.append("\n".join(f"> {_escape(line)}" for line in text.splitlines() or [""]))
        elif block.kind == "media":
            out.append(f"*Media: {_escape(clean_line(text))}*")
        elif block.kind == "preformatted":
            fence = "````" if "```" in text else "```"
            out += [fence, text, fence]
        else:
            out.append(_block_markdown(text, marked))
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
    if article.enclosures:
        out += [f"## Enclosures ({len(article.enclosures)})", ""]
        out += [f"- {_link(describe(e), e.url)}" for e in article.enclosures]
        out.append("")
    return "\n".join(out).rstrip() + "\n"

"""Lay an `Article` out as wrapped display lines (pure: no Textual, testable on its own).

The article view renders only the visible slice of these lines, so a 5,000-paragraph article
costs one wrap pass and nothing per screen. Each line carries a role (for its style) and the
character spans that are direct quotes, so quotes can be highlighted and jumped to, and those
that are links of the text, numbered `[1]`, `[2]` … after their anchor text (as lynx and
newsboat number them), so a link can be chosen, opened or copied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath
from urllib.parse import urlsplit

from rich.cells import cell_len

from reader.article.model import Article, Block
from reader.sanitize import clean_line, clean_text, safe_url

_WORD = re.compile(r"(\S+)\s*")
# Characters known to take exactly one terminal cell (Latin, Greek, Cyrillic, punctuation).
_SINGLE_CELL = re.compile("[ -~\u00a0-\u02ff\u0370-\u0482\u048a-\u0590\u2010-\u205f"
                          "\u20a0-\u20bf\u2100-\u214f]*")


@dataclass(frozen=True)
class Line:
    """One display line: its text, its role (style name) and its quote spans.

    `quotes` holds `(start, end, quote_number)` character ranges inside `text`, `links` the
    `(start, end, link_number)` ranges of links (anchor text and marker); `block` is the
    article block the line belongs to (-1 for the header and speaker lines).
    """

    text: str
    role: str
    block: int = -1
    quotes: tuple[tuple[int, int, int], ...] = ()
    links: tuple[tuple[int, int, int], ...] = ()


@dataclass
class Layout:
    """The wrapped lines of an article at one width, and where each quote starts."""

    width: int
    lines: list[Line] = field(default_factory=list)
    quote_lines: list[int] = field(default_factory=list)   # quote number -> first line index
    block_lines: list[int] = field(default_factory=list)   # block index -> first line index
    link_lines: list[int] = field(default_factory=list)    # link number - 1 -> its first line
    link_urls: list[str] = field(default_factory=list)     # link number - 1 -> its URL


def text_width(text: str) -> int:
    """Terminal cells used by `text` (fast path for one-cell scripts)."""
    if _SINGLE_CELL.fullmatch(text):
        return len(text)
    return cell_len(text)


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap: `(start, end)` offsets of each line of `text` at `width` cells.

    Trailing spaces stay on the line they follow (they are trimmed at render); a word wider
    than the line is cut at the width.
    """
    width = max(1, width)
    total = text_width(text)
    if total <= width:
        return [(0, len(text))]
    if total == len(text):
        return _wrap_single_cell(text, width)
    lines: list[tuple[int, int]] = []
    start = used = 0
    for match in _WORD.finditer(text):
        word_start, word_end = match.span()
        cells = text_width(match.group(1))
        if used and used + cells > width:
            lines.append((start, word_start))
            start, used = word_start, 0
        while cells > width:  # an overlong word: hard cut
            cut = _cut(text, start, width)
            lines.append((start, cut))
            start = cut
            cells = text_width(text[start:word_end].rstrip())
        used += text_width(text[max(start, word_start):word_end])
    lines.append((start, len(text)))
    return lines


def _wrap_single_cell(text: str, width: int) -> list[tuple[int, int]]:
    """`wrap` for text where every character takes one cell (the common case, done fast)."""
    lines: list[tuple[int, int]] = []
    start = 0
    for match in _WORD.finditer(text):
        word_start, word_end = match.span(1)
        if word_end - start > width and word_start > start:
            lines.append((start, word_start))
            start = word_start
        while word_end - start > width:
            lines.append((start, start + width))
            start += width
    lines.append((start, len(text)))
    return lines


def _cut(text: str, start: int, width: int) -> int:
    """The offset after `start` where `width` cells are used up (at least one character)."""
    cells = 0
    for i in range(start, len(text)):
        cells += text_width(text[i])
        if cells > width:
            return max(i, start + 1)
    return len(text)


MAX_TITLE = 300   # characters of a title shown
_PREFIX = {"list_item": "• ", "blockquote": "│ ", "media": "▶ "}


def header_lines(article: Article, width: int, origin: str = "") -> list[Line]:
    """Title, a dim line of byline, origin, date and reading time, and the article's web
    address on a dim line of its own when it has one."""
    out: list[Line] = []
    title = clean_line(article.title) or "Untitled"
    if len(title) > MAX_TITLE:  # reliability case 33: a 1 MB title is cut for display
        title = title[:MAX_TITLE - 1] + "…"
    out += [Line(title[a:b].rstrip(), "title") for a, b in wrap(title, width)]
    meta = meta_text(article, origin)
    out += [Line(meta[a:b].rstrip(), "meta") for a, b in wrap(meta, width)]
    url = safe_url(article.url)
    if url:
        out += [Line(url[a:b], "meta") for a, b in wrap(url, width)]
    out.append(Line("", "blank"))
    return out


def meta_text(article: Article, origin: str = "") -> str:
    """`By A, B · origin · date · N min read` (absent parts left out). The origin is the
    feed's title or the file's name (`Library.entry_origin`), else the source's file name
    or host."""
    parts: list[str] = []
    authors = [clean_line(a) for a in article.authors if clean_line(a)]
    if authors:
        parts.append("By " + ", ".join(authors))
    source = clean_line(origin) or _short_source(article.source)
    if source:
        parts.append(source)
    if article.published:
        parts.append(clean_line(article.published)[:10])
    parts.append(f"{article.reading_minutes} min read")
    return " · ".join(parts)


def _short_source(source: str) -> str:
    """A URL's host, or a path's file name: where the article came from, briefly."""
    source = clean_line(source)
    if source.lower().startswith(("http://", "https://")):
        return urlsplit(source).hostname or source
    return PurePath(source).name or source


def layout_article(article: Article, width: int, max_blocks: int | None = None,
                   origin: str = "") -> Layout:
    """Wrap the cleaned article (header and blocks, or only the first `max_blocks`)."""
    layout = Layout(width=width, lines=header_lines(article, width, origin))
    extend_layout(layout, article, len(article.blocks) if max_blocks is None else max_blocks)
    return layout


def extend_layout(layout: Layout, article: Article, upto: int) -> bool:
    """Lay out the blocks after those already in `layout`, up to block `upto`.

    Returns True when the whole article is laid out; a long article is laid out in steps.
    """
    lines = layout.lines
    width = layout.width
    for index in range(len(layout.block_lines), min(upto, len(article.blocks))):
        block = article.blocks[index]
        layout.block_lines.append(len(lines))
        if block.kind == "preformatted":
            for raw_line in clean_text(block.text).split("\n"):
                lines += [Line(raw_line[a:b], "preformatted", index)
                          for a, b in wrap(raw_line, width)]
            lines.append(Line("", "blank", index))
            continue
        text = clean_text(block.text).replace("\n", " ").strip()
        prefix = _PREFIX.get(block.kind, "")
        indent = text_width(prefix)
        spans = []
        for span in sorted(block.quotes, key=lambda s: s.start):
            spans.append((span.start, span.end, len(layout.quote_lines)))
            layout.quote_lines.append(-1)
        text, spans, links = _number_links(text, spans, block, layout)
        follow = prefix if block.kind == "blockquote" else " " * indent
        for line_no, (a, b) in enumerate(wrap(text, width - indent)):
            inside = _within(spans, a, b, indent)
            for _, _, n in inside:
                if layout.quote_lines[n] == -1:
                    layout.quote_lines[n] = len(lines)
            linked = _within(links, a, b, indent)
            for _, _, n in linked:
                if layout.link_lines[n - 1] == -1:
                    layout.link_lines[n - 1] = len(lines)
            lead = prefix if line_no == 0 else follow
            lines.append(Line(lead + text[a:b].rstrip(), block.kind, index, inside, linked))
        speakers = _speakers(block.quotes)
        if speakers:
            lines.append(Line("— " + ", ".join(speakers), "speaker", index))
        lines.append(Line("", "blank", index))
    return len(layout.block_lines) >= len(article.blocks)


def _within(spans: list[tuple[int, int, int]], a: int, b: int,
            indent: int) -> tuple[tuple[int, int, int], ...]:
    """The parts of `spans` inside characters `a`..`b`, as offsets on the display line."""
    return tuple((max(s, a) - a + indent, min(e, b) - a + indent, n)
                 for s, e, n in spans if s < b and e > a)


def _number_links(text: str, quotes: list[tuple[int, int, int]], block: Block,
                  layout: Layout) -> tuple[str, list[tuple[int, int, int]],
                                           list[tuple[int, int, int]]]:
    """`text` with a `[n]` marker after each link's anchor (numbered through the article),
    the quote spans moved to match, and the link spans (anchor and marker)."""
    found = [span for span in block.link_spans if 0 <= span.start < span.end <= len(text)
             and safe_url(span.url)]
    if not found or block.kind == "preformatted":
        return text, quotes, []
    markers: list[tuple[int, int]] = []   # (offset in `text`, marker length)
    links: list[tuple[int, int, int]] = []
    out, last = [], 0
    for span in sorted(found, key=lambda s: s.start):
        if span.start < last:
            continue   # overlapping links: the first one
        number = len(layout.link_urls) + 1
        layout.link_urls.append(safe_url(span.url) or "")
        layout.link_lines.append(-1)
        marker = f"[{number}]"
        shift = sum(size for _, size in markers)
        links.append((span.start + shift, span.end + shift + len(marker), number))
        out += [text[last:span.end], marker]
        markers.append((span.end, len(marker)))
        last = span.end
    out.append(text[last:])

    def moved(offset: int, *, end: bool) -> int:
        return offset + sum(size for at, size in markers if at < offset or (at == offset
                                                                              and not end))

    quotes = [(moved(s, end=False), moved(e, end=True), n) for s, e, n in quotes]
    return "".join(out), quotes, links


def _speakers(spans: list) -> list[str]:
    """Distinct named speakers of a block's quotes, in order."""
    names: list[str] = []
    for span in spans:
        name = clean_line(span.speaker or "")
        if name and name not in names:
            names.append(name)
    return names


def layout_raw(raw: str, width: int) -> Layout:
    """The original text, line by line (boilerplate included), wrapped at `width`."""
    layout = Layout(width=width)
    for raw_line in clean_text(raw).split("\n"):
        raw_line = raw_line.expandtabs(4).rstrip()
        layout.lines += [Line(raw_line[a:b].rstrip(), "raw") for a, b in wrap(raw_line, width)]
    return layout

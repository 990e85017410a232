"""HTML (a saved web page, or a feed entry's content) to a `Draft`.

Full pages go through trafilatura's main-content extraction; fragments (feed entries, no
`<html>`/`<body>`) are converted whole, since extraction could throw their content away.
Metadata comes from `meta`, related-link lists from `related` (taken out of the tree
before extraction), captions and credits become `media` blocks. Never raises: hostile markup
gives at worst an empty draft.
"""

from __future__ import annotations

import html as htmllib
import re
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from reader.article.draft import Draft
from reader.article.html.blocks import text_key
from reader.article.model import Block
from reader.sanitize import clean_line, safe_url

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_FULL_DOCUMENT = re.compile(r"<(?:!doctype|html|head|body)\b", re.IGNORECASE)
_CAPTION_CLASS = re.compile(r"caption|credit", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_BOILERPLATE_TAGS = ("nav", "header", "footer", "aside", "form")
_MAX_CAPTION = 400
_SMALL_PAGE = 600  # characters of visible text: below this a page is converted whole
_SHORT_WORDS = 100  # below this, an extraction may have missed the article
_TAG = re.compile(r"<[^>]*>?")
_WORD = re.compile(r"\w+")
_LAYOUT_TAGS = re.compile(r"</?(?:div|span|section|article|main|center|font)\b[^>]*>",
                          re.IGNORECASE)


def parse_html(html: str, *, url: str | None) -> Draft:
    """Extract the article in `html` (a page or a fragment) as blocks plus page metadata."""
    try:
        return _parse(html, url)
    except Exception:  # third-party parsers on hostile input: degrade, never crash
        return Draft(blocks=_tagless(html))


def _parse(html: str, url: str | None) -> Draft:
    from lxml.etree import ParserError

    from reader.article.html.meta import page_meta
    from reader.article.html.recover import recover
    from reader.article.html.related import link_texts, take_link_runs, take_related

    if not html.strip():
        return Draft(blocks=[])
    try:
        root = _document(html)
    except ParserError:  # nothing but comments, or no markup at all
        return Draft(blocks=_tagless(html))
    is_page = bool(_FULL_DOCUMENT.search(html, 0, 4096))
    meta = page_meta(root, url, page=is_page)
    base = _base_url(root, safe_url(url) or meta.url)
    related = take_related(root, base)
    links = link_texts(root)
    captions = _prepare(root)
    anchors: list[tuple[str, str]] = []
    if is_page and not _is_small(root):
        blocks = _main_content(root, url, anchors, base)
        if not blocks:
            blocks = _walk(root, skip=_BOILERPLATE_TAGS, anchors=anchors, base=base)
        else:
            blocks = recover(root, blocks)
    else:
        blocks = _walk(root, anchors=anchors, base=base)
    blocks, teasers, removed = take_link_runs(blocks, links, base)
    related += [t for t in teasers if t.url not in {r.url for r in related}]
    blocks = _finish_blocks(blocks, meta.title, captions)
    return Draft(blocks=blocks, title=meta.title, url=meta.url, authors=meta.authors,
                 published=meta.published, related=related, removed=removed, links=anchors)


def _document(html: str) -> HtmlElement:
    """Parse `html`; past libxml2's nesting limit (256), layout containers are flattened
    and the page parsed again, since the parser drops everything below that depth."""
    from lxml.html import HTMLParser, document_fromstring

    parser = HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                        collect_ids=False, default_doctype=False)
    root = document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    if any("depth" in e.message for e in parser.error_log):
        flat = _LAYOUT_TAGS.sub("<br>", html)
        root = document_fromstring(flat.encode("utf-8", "replace"), parser=parser)
    return root


def _is_small(root: HtmlElement) -> bool:
    """True when the visible text is too short for main-content extraction to be worth it
    (a feed entry wrapped in `<html>`, a stub page): such pages are converted whole."""
    size = 0
    for el in root.iter():
        if el.tag not in ("script", "style", "noscript", "template", "title"):
            size += len((el.text or "").strip())
        size += len((el.tail or "").strip())
        if size > _SMALL_PAGE:
            return False
    return True


def _base_url(root: HtmlElement, url: str | None) -> str | None:
    """The URL relative links resolve against: `<base href>` over the page's own URL."""
    base = root.find(".//base[@href]")
    href = base.get("href", "") if base is not None else ""
    try:
        return safe_url(urljoin(url or "", href.strip())) if (url or href) else None
    except ValueError:
        return safe_url(url)



def _prepare(root: HtmlElement) -> set[str]:
    """Ready the tree for extraction; return the keys of caption and credit texts.

    trafilatura drops `<figcaption>` and turns `<pre>` into a quotation; captions are moved
    out of their `<figure>` as paragraphs (recognised afterwards by their text) and `<pre>`
    gets the `<code>` child that makes trafilatura keep it as code.
    """
    from lxml.html import Element

    captions: set[str] = set()
    for el in root.iter("figcaption", "div", "span", "p", "small", "cite"):
        if el.tag == "figcaption" or _CAPTION_CLASS.search(el.get("class") or ""):
            text = clean_line(el.text_content())
            if text and (el.tag == "figcaption" or len(text) <= _MAX_CAPTION):
                captions.add(text_key(text))
    for caption in list(root.iter("figcaption")):
        figure = next((a for a in caption.iterancestors("figure")), None)
        text = clean_line(caption.text_content())
        if figure is None or not text:
            continue
        para = Element("p")
        para.text = text
        para.tail, figure.tail = figure.tail, None
        figure.addnext(para)
        caption.drop_tree()
    for pre in root.iter("pre"):
        if pre.find("code") is None:
            code = Element("code")
            code.text, pre.text = pre.text, None
            code.extend(list(pre))
            pre.append(code)
    return captions


def _main_content(root: HtmlElement, url: str | None, anchors: list[tuple[str, str]],
                  base: str | None) -> list[Block]:
    """trafilatura's main content as blocks (empty when it finds nothing).

    Precision mode first (it leaves out more trailing teasers and tag lists); when that keeps
    almost nothing and the default mode finds at least twice as much, the default's answer.
    """
    found: list[tuple[str, str]] = []
    blocks = _extract(root, url, precise=True, anchors=found, base=base)
    if _words(blocks) < _SHORT_WORDS:
        more: list[tuple[str, str]] = []
        recall = _extract(root, url, precise=False, anchors=more, base=base)
        if _words(recall) >= 2 * _words(blocks) + _SHORT_WORDS // 2:
            anchors += more
            return recall
    anchors += found
    return blocks


def _words(blocks: list[Block]) -> int:
    return sum(len(b.text.split()) for b in blocks)


def _extract(root: HtmlElement, url: str | None, *, precise: bool,
             anchors: list[tuple[str, str]], base: str | None) -> list[Block]:
    from trafilatura import bare_extraction

    from reader.article.html.blocks import XML_ROLES, tree_blocks

    doc = bare_extraction(root, url=url, include_comments=False, include_tables=True,
                          favor_precision=precise, output_format="xml", with_metadata=False)
    body = getattr(doc, "body", None)
    if body is None:
        return []
    for code in body.iter("code"):
        parent = code.getparent()
        if parent is not None and parent is not body and parent.tag != "code":
            code.tag = "hi"  # inline code: text, not a preformatted block
    anchors += _page_anchors(root, base)
    return tree_blocks(body, XML_ROLES)


def _page_anchors(root: HtmlElement, base: str | None) -> list[tuple[str, str]]:
    """The links of a page outside its menus, headers, footers, asides and forms, as (anchor
    text, url) in document order; those of the extracted text are found in it afterwards
    (trafilatura's own link output merges lines around them)."""
    from reader.article.html.blocks import link_url

    out: list[tuple[str, str]] = []
    for a in root.iter("a"):
        if any(el.tag in _BOILERPLATE_TAGS for el in a.iterancestors()):
            continue
        url = link_url(a, "a", base)
        text = clean_line(a.text_content()).strip()
        if url and text:
            out.append((text, url))
    return out


def _walk(root: HtmlElement, skip: tuple[str, ...] = (), *,
          anchors: list[tuple[str, str]] | None = None, base: str | None = None) -> list[Block]:
    """Convert the visible body whole (fragments, or when extraction finds nothing)."""
    from reader.article.html.blocks import HTML_ROLES, tree_blocks

    body = root.find("body")
    start = body if body is not None else root
    if skip:
        start = next((el for el in start.iter("article", "main")), start)

    def keep(el: HtmlElement) -> bool:
        return (el.get("hidden") is None and el.get("aria-hidden") != "true"
                and not _HIDDEN_STYLE.search(el.get("style") or "") and el.tag not in skip)

    return tree_blocks(start, HTML_ROLES, keep, anchors=anchors, base=base)


def _finish_blocks(blocks: list[Block], title: str | None, captions: set[str]) -> list[Block]:
    """Drop the headline repeated as a heading at the top (the same words as the title, or
    a variant of it as the page's first block); captions and credits become media."""
    out: list[Block] = []
    title_key = text_key(title) if title else None
    for i, block in enumerate(blocks):
        key = text_key(block.text)
        if block.kind == "heading" and title and (
                (i < 3 and key == title_key) or (not out and _same_headline(block.text, title))):
            continue
        if block.kind in ("paragraph", "list_item") and key in captions:
            block = Block("media", block.text)
        out.append(block)
    return out


def _same_headline(a: str, b: str) -> bool:
    """Two wordings of one headline: most words of the shorter one are in the longer one."""
    words_a, words_b = set(_WORD.findall(a.casefold())), set(_WORD.findall(b.casefold()))
    shorter = min(len(words_a), len(words_b))
    return shorter >= 3 and len(words_a & words_b) >= 0.6 * shorter


def _tagless(html: str) -> list[Block]:
    """Last resort: tags stripped, entities unescaped, one paragraph per blank-line gap."""
    text = htmllib.unescape(_TAG.sub(" ", re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", html)))
    return [Block("paragraph", line) for line in
            (clean_line(chunk) for chunk in re.split(r"\n\s*\n", text)) if line]

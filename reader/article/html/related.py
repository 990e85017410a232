"""Related-article links offered by a page: "Related stories" asides, "Read more:" lines,
"More on this story" link lists. They become `RelatedLink`s and leave the tree, so the
main-content extractor never mistakes them for article text.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml.html import HtmlElement

from reader.article.html.blocks import text_key
from reader.article.model import Block, RelatedLink
from reader.sanitize import clean_line, safe_url

# A heading or lead-in that announces links to other articles.
RELATED_LEAD = re.compile(
    r"^(?:related(?:\s+(?:stories|articles|content|coverage|news|links|reading|posts|topics))?"
    r"|(?:read|see)\s+(?:more|also|next)|also\s+read|more\s+on\s+this(?:\s+(?:story|topic))?"
    r"|more\s+(?:stories|coverage)\s+on\s+this|further\s+reading|recommended\s+reading"
    r"|you\s+(?:may|might)\s+also\s+(?:like|be\s+interested(?:\s+in)?)|don[’']t\s+miss"
    r"|also\s+on\s+\S+)\s*[:.!>»›-]*$",
    re.IGNORECASE,
)
# An inline lead-in at the start of a paragraph: "READ MORE: <a>…</a>".
_INLINE_LEAD = re.compile(
    r"^\s*(?:read\s+more|related|read\s+also|also\s+read|see\s+also|more)\s*:", re.IGNORECASE)
# Cheap first test: the first word a related-list heading can start with.
_LEAD_WORD = re.compile(r"\s*(?:related|read|see|also|more|further|recommended|you)\b",
                        re.IGNORECASE)
_RELATED_CLASS = re.compile(r"(?:^|[\s_-])(?:related|read-?more|more-on|further-reading)",
                            re.IGNORECASE)
_WORDS = re.compile(r"\w+")
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")
_MEDIA_LABEL = re.compile(r"^(?:more|watch|listen|video|photos?|gallery|podcast)\s*:$",
                          re.IGNORECASE)
# Share buttons ("twitter.com/share?text=…", "facebook.com/sharer.php") are not articles.
_SHARE_URL = re.compile(r"[/?&._-](?:share|sharer|intent|sharearticle)(?:[/?&=._-]|$)",
                        re.IGNORECASE)
_TITLE_CLASS = re.compile(r"(?<!sub)title|headline", re.IGNORECASE)
_HEADINGS = ("h2", "h3", "h4", "h5", "h6", "strong", "b", "span", "p", "div", "header")
_MAX_LINKS = 40  # more links than this is site navigation, not a related list
_MAX_UNLINKED = 800  # characters of text outside links: more is prose, not a link list


def take_related(root: HtmlElement, base: str | None) -> list[RelatedLink]:
    """Find related-link lists in `root`, remove them from the tree, return their links."""
    containers: list[HtmlElement] = []
    for el in root.iter(*_HEADINGS, "aside", "section", "ul", "ol", "a"):
        container = _container(el)
        if container is not None and not any(c is container or _contains(c, container)
                                              for c in containers):
            containers = [c for c in containers if not _contains(container, c)]
            containers.append(container)
    links: list[RelatedLink] = []
    seen: set[str] = set()
    for container in containers:
        for a in container.iter("a"):
            link = _link(a, base)
            key = link.url or link.title if link is not None else ""
            if link is not None and key not in seen:
                seen.add(key)
                links.append(link)
        _drop(container)
    return links


def _container(el: HtmlElement) -> HtmlElement | None:
    """The related-link list that `el` announces or is, else None."""
    if el.tag in ("aside", "section", "ul", "ol", "div", "a") and _RELATED_CLASS.search(
            f"{el.get('class') or ''} {el.get('id') or ''}"):
        if el.tag == "a" and _in_prose(el):
            return None  # an inline link in a sentence stays part of the sentence
        return el if _is_link_list(el) else None
    if el.tag in ("p", "li", "div") and _INLINE_LEAD.match(_lead_in(el)):
        return el if _is_link_list(el) else None
    if el.tag in _HEADINGS and len(el) <= 3 and _LEAD_WORD.match(_lead_in(el)):
        text = _short_text(el, 60)
        if text and RELATED_LEAD.match(text):
            node = el
            for _ in range(3):
                parent = node.getparent()
                if parent is None or parent.tag in ("body", "html", "article", "main"):
                    return None
                node = parent
                if _is_link_list(node, exclude=el):
                    return node
    return None


def _in_prose(a: HtmlElement) -> bool:
    parent = a.getparent()
    if parent is None:
        return False
    own = len(clean_line(a.text_content()))
    return len(clean_line(parent.text_content())) - own > 20


def _lead_in(el: HtmlElement) -> str:
    """The first words of `el` without reading all its text."""
    text = el.text or ""
    if len(el) and len(text) < 40:
        text += (el[0].text or "") + (el[0].tail or "")
    return text[:40]


def _is_link_list(el: HtmlElement, exclude: HtmlElement | None = None) -> bool:
    """Mostly link text, a few to a few dozen links, no long prose."""
    anchors = [a for a in el.iter("a") if a.get("href")]
    if not anchors or len(anchors) > _MAX_LINKS:
        return False
    total = len(clean_line(el.text_content()))
    if exclude is not None:
        total -= len(clean_line(exclude.text_content()))
    linked = sum(len(clean_line(a.text_content())) for a in anchors)
    return linked > 0 and linked >= 0.5 * total and total - linked <= _MAX_UNLINKED


def _link(a: HtmlElement, base: str | None) -> RelatedLink | None:
    """A related link; relative with no base to resolve against: title only."""
    title = _title(a)
    href = clean_line(a.get("href") or "")
    if not href or href.startswith("#") or RELATED_LEAD.match(title):
        return None
    if not _headline_length(title):
        return None  # "Sweden", "Science & Health": topic and section links, not articles
    try:
        absolute = urljoin(base or "", href)
    except ValueError:
        return None
    url = safe_url(absolute)
    if url is None and (base or re.match(r"^[a-z][a-z0-9+.-]*:", absolute, re.IGNORECASE)):
        return None  # javascript:, data:, mailto: … never become related links
    if url is not None and _SHARE_URL.search(url.split("#", 1)[0].split("://", 1)[-1]):
        return None
    return RelatedLink(title, url)


def _headline_length(title: str) -> bool:
    """Three words or more (six characters in scripts written without spaces)."""
    if _UNSPACED.search(title):
        return len(title) >= 6
    return len(_WORDS.findall(title)) >= 3


def _title(a: HtmlElement) -> str:
    """The headline of a link: its `…title…`-classed part when it has one (teaser cards hold
    a kicker such as "Also on example.com" beside it), else its whole text."""
    for el in a.iterdescendants():
        if _TITLE_CLASS.search(el.get("class") or ""):
            text = clean_line(el.text_content())
            if text:
                return text
    return clean_line(a.text_content())


def _short_text(el: HtmlElement, limit: int) -> str | None:
    """The element's text if it is at most `limit` characters, else None (read lazily)."""
    parts: list[str] = []
    size = 0
    for piece in el.itertext():
        size += len(piece)
        if size > limit * 4:
            return None
        parts.append(piece)
    text = clean_line("".join(parts))
    return text if len(text) <= limit else None


def _contains(outer: HtmlElement, inner: HtmlElement) -> bool:
    return any(anc is outer for anc in inner.iterancestors())


def _drop(el: HtmlElement) -> None:
    """Remove `el` but keep its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    prev = el.getprevious()
    if tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def link_texts(root: HtmlElement) -> dict[str, HtmlElement]:
    """Every link in the page with a headline-length text, by comparison key of that text."""
    out: dict[str, HtmlElement] = {}
    for a in root.iter("a"):
        text = a.text_content()
        if a.get("href") and text.count(" ") >= 2 and len(text) <= 300:
            out.setdefault(text_key(text), a)
    return out


def take_link_runs(blocks: list[Block], links: dict[str, HtmlElement], base: str | None,
                   ) -> tuple[list[Block], list[RelatedLink], list[str]]:
    """Move runs of two or more blocks that are each (almost) a whole link, i.e. a teaser list
    the extractor kept, to related links, and single such blocks after a label ("DON'T MISS",
    "More:"); the label goes to the removed texts.
    Returns (blocks, related, removed)."""
    found = [_whole_link(b, links, base) for b in blocks]
    out: list[Block] = []
    related: list[RelatedLink] = []
    removed: list[str] = []
    i = 0
    while i < len(blocks):
        j = i
        while j < len(blocks) and found[j] is not None:
            j += 1
        lead = bool(out) and _is_lead_in(out[-1]) and _is_label(out[-1].text)
        if j - i >= 2 or (j - i == 1 and lead):
            if lead:
                removed.append(out.pop().text)
            related.extend(link for link in found[i:j] if link is not None)
            i = j
        else:
            out.append(blocks[i])
            i += 1
    return out, related, removed


def _whole_link(block: Block, links: dict[str, HtmlElement], base: str | None,
                ) -> RelatedLink | None:
    """The http(s) link that makes up at least 80 % of `block`'s text, if any."""
    if block.kind not in ("paragraph", "list_item", "heading") or len(block.text) > 400:
        return None
    key = text_key(block.text)
    if not key:
        return None
    for size in range(len(key), max(int(len(key) * 0.8), 1) - 1, -1):
        for part in (key[:size], key[len(key) - size:]):
            if part in links:
                link = _link(links[part], base)
                return link if link is not None and link.url else None
    return None


def _is_label(text: str) -> bool:
    """An announcing label: "DON'T MISS", "Read more:", "Watch:" (not "Here's the thing:")."""
    return (text.isupper() and len(text) >= 4) or bool(
        RELATED_LEAD.match(text) or _MEDIA_LABEL.match(text))


def _is_lead_in(block: Block) -> bool:
    text = block.text
    return len(text.split()) <= 5 and not re.search(r"[.!?,;]$", text)


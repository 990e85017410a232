"""The fast path for well-formed RSS 0.9x/1.0/2.0 and Atom 1.0, with `lxml.etree`.

It parses without entity resolution, DTD loading or network access, and *declines* (returns
None) whenever the document is odd: not well-formed, a DOCTYPE, an encoding that the HTTP
header contradicts, an unknown root, prefixed XHTML content. Declined documents go to the
guarded feedparser path, which keeps feedparser's breadth on odd feeds.
"""

from __future__ import annotations

import codecs
import html
import re
import threading
from urllib.parse import urljoin

from lxml import etree

from reader.sources.enclosures import RawEnclosure
from reader.sources.feedtypes import RawEntry, RawFeed, author_name, text_to_html

ATOM = "{http://www.w3.org/2005/Atom}"
XHTML = "http://www.w3.org/1999/xhtml"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
RSS10 = "{http://purl.org/rss/1.0/}"
RSS090 = "{http://my.netscape.com/rdf/simple/0.9/}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
MEDIA = "{http://search.yahoo.com/mrss/}"
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
_RSS_VERSIONS = {"2.0": "rss20", "0.91": "rss091u", "0.92": "rss092", "0.93": "rss093",
                 "0.94": "rss094", "2.0.1": "rss20"}
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([^;\"'\s]+)", re.IGNORECASE)
_DATE_TAGS = ("pubDate", DC + "date", ATOM + "published", ATOM + "updated")
DC_CREATOR = DC + "creator"
DC_TITLE = DC + "title"
ATOM_AUTHOR = ATOM + "author"
ATOM_NAME = ATOM + "name"
ATOM_LINK = ATOM + "link"
RDF_ABOUT = RDF + "about"
CONTENT_ENCODED = CONTENT + "encoded"
MEDIA_CONTENT = MEDIA + "content"
MEDIA_GROUP = MEDIA + "group"
ITUNES_DURATION = ITUNES + "duration"
# The children of an item that carry its enclosures (several of each may appear).
_ENCLOSURE_TAGS = frozenset({"enclosure", MEDIA_CONTENT, MEDIA_GROUP})
_MEDIA_TAGS = frozenset({MEDIA_CONTENT, MEDIA_GROUP})
_local = threading.local()


class _Decline(Exception):
    """The document is not simple enough for the fast path."""


def _parser() -> etree.XMLParser:
    parser: etree.XMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                                 load_dtd=False, remove_comments=True, remove_pis=True,
                                 recover=False, collect_ids=False)
        _local.parser = parser
    return parser


def parse_fast(body: bytes, url: str | None, content_type: str | None) -> RawFeed | None:
    """Parse a plain, well-formed RSS/Atom document, or return None to let feedparser try."""
    head = body[:4096]
    if b"<!DOCTYPE" in head or b"<!doctype" in head or not _encoding_agrees(head, content_type):
        return None
    try:
        root = etree.fromstring(body, _parser(), base_url=url)
    except (etree.XMLSyntaxError, ValueError):
        return None
    try:
        return _dispatch(root, has_base=b"xml:base" in body)
    except _Decline:
        return None


def _encoding_agrees(head: bytes, content_type: str | None) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:4].count(b"\x00") >= 2:
        return False  # UTF-16/32: feedparser's detection is better tested
    charset = _CHARSET.search(content_type or "")
    if charset is None:
        return True
    declared = _XML_DECL.match(head.removeprefix(b"\xef\xbb\xbf"))
    try:
        http = codecs.lookup(charset.group(1)).name
        doc = codecs.lookup(declared.group(1).decode("ascii") if declared else "utf-8").name
    except LookupError:
        return False
    return http == doc


def _dispatch(root: etree._Element, *, has_base: bool) -> RawFeed | None:
    tag = root.tag
    if not isinstance(tag, str):
        return None
    ctx = _Ctx(has_base)
    if tag == "rss":
        channel = root.find("channel")
        if channel is None:
            return None
        items = channel.findall("item") or root.findall("item")
        version = _RSS_VERSIONS.get((root.get("version") or "").strip(), "rss")
        return _rss(channel, items, version, "", ctx)
    if tag == RDF + "RDF":
        for ns, version in ((RSS10, "rss10"), (RSS090, "rss090")):
            channel = root.find(ns + "channel")
            if channel is not None:
                return _rss(channel, root.findall(ns + "item"), version, ns, ctx)
        return None
    if tag == ATOM + "feed":
        return _atom(root, ctx)
    return None


class _Ctx:
    """What link resolution needs to know about the document."""

    def __init__(self, has_base: bool) -> None:
        self.has_base = has_base

    def resolve(self, el: etree._Element, link: str) -> str:
        """Resolve `link` against `xml:base` (only when the document uses it; the parser was
        given the feed URL as the document's base, so relative xml:base values work too)."""
        if self.has_base:
            base = el.base
            if base:
                try:
                    return urljoin(base, link)
                except ValueError:
                    return link
        return link


def _text(el: etree._Element | None) -> str:
    if el is None:
        return ""
    if len(el) == 0:
        return el.text or ""
    return "".join(el.itertext())


def _rss(channel: etree._Element, items: list[etree._Element], version: str, ns: str,
         ctx: _Ctx) -> RawFeed:
    title = _text(channel.find(ns + "title")) or _text(channel.find(DC + "title"))
    feed = RawFeed(version=version, title=title,
                   link=_last_link(channel, ns) or _atom_link(channel.findall(ATOM_LINK), ctx))
    tags = _ItemTags(ns)
    feed.entries = [_rss_item(item, tags, ctx) for item in items]
    if not ns:   # RSS 0.9x/2.0: when to fetch it again
        feed.ttl = _text(channel.find("ttl"))
        feed.skip_hours = [_text(h) for h in channel.iterfind("skipHours/hour")]
        feed.skip_days = [_text(d) for d in channel.iterfind("skipDays/day")]
    return feed


class _ItemTags:
    """An RSS item's element names in one namespace, built once per feed rather than per item."""

    def __init__(self, ns: str) -> None:
        self.title = ns + "title"
        self.link = ns + "link"
        self.description = ns + "description"
        self.author = ns + "author"
        # The children that are not simply "the first one wins".
        self.special = frozenset({self.link, self.author, DC_CREATOR, ATOM_AUTHOR,
                                  *_ENCLOSURE_TAGS})


def _rss_item(item: etree._Element, tags: _ItemTags, ctx: _Ctx) -> RawEntry:
    first: dict[str, etree._Element] = {}
    authors: list[str] = []
    attached: list[etree._Element] = []
    link = ""
    for child in item:  # one pass over the children: much faster than a find() per field
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if tag not in tags.special:
            if tag not in first:
                first[tag] = child
        elif tag == tags.link:  # several <link>s: the last wins, as in feedparser and gofeed
            link = _link_value(child) or link
        elif tag == tags.author:
            authors.append(author_name(_text(child)))
        elif tag == DC_CREATOR:
            authors.append(_text(child))
        elif tag in _ENCLOSURE_TAGS:
            attached.append(child)
        else:
            authors.append(_text(child.find(ATOM_NAME)))
    title = _text(first.get(tags.title)) or _text(first.get(DC_TITLE)) or _media_title(item)
    guid_el = first.get("guid")
    guid = _text(guid_el).strip() or item.get(RDF_ABOUT) or None
    guid_is_link = False
    entry_link = ctx.resolve(item, link) if link else (
        _atom_link(item.findall(ATOM_LINK), ctx) if ATOM_LINK in first else None)
    if not entry_link and guid_el is not None and guid and (
            guid_el.get("isPermaLink") or "true").strip().lower() != "false":
        entry_link = guid
        guid_is_link = True
    date = None
    for tag in _DATE_TAGS:
        value = _text(first.get(tag)).strip()
        if value:
            date = value
            break
    enclosures = _enclosures(attached, _text(first.get(ITUNES_DURATION)), ctx) if attached \
        else []
    return RawEntry(guid=guid, link=entry_link, guid_is_link=guid_is_link, title=title,
                    authors=[a.strip() for a in authors if a and a.strip()], date=date,
                    summary=_text(first.get(tags.description)),
                    content=_text(first.get(CONTENT_ENCODED)) or None, enclosures=enclosures)


def _enclosures(elements: list[etree._Element], duration: str, ctx: _Ctx) -> list[RawEnclosure]:
    """RSS `<enclosure>`s first (an `itunes:duration` belongs to them), then Media RSS
    `media:content`, also inside `media:group`; Atom `rel="enclosure"` links likewise."""
    found: list[RawEnclosure] = []
    media: list[RawEnclosure] = []
    for el in elements:
        tag = el.tag
        if tag == MEDIA_GROUP:
            media.extend(_media(c, ctx) for c in el if c.tag == MEDIA_CONTENT)
        elif tag == MEDIA_CONTENT:
            media.append(_media(el, ctx))
        elif tag == ATOM_LINK:
            found.append(RawEnclosure(url=ctx.resolve(el, (el.get("href") or "").strip()),
                                      type=el.get("type") or "", length=el.get("length") or "",
                                      title=el.get("title") or "", duration=duration))
        else:
            found.append(RawEnclosure(url=ctx.resolve(el, (el.get("url") or "").strip()),
                                      type=el.get("type") or "", length=el.get("length") or "",
                                      duration=duration))
    return found + media


def _media(el: etree._Element, ctx: _Ctx) -> RawEnclosure:
    """A Media RSS `media:content`."""
    return RawEnclosure(url=ctx.resolve(el, (el.get("url") or "").strip()),
                        type=el.get("type") or "", length=el.get("fileSize") or "",
                        duration=el.get("duration") or "", medium=el.get("medium") or "",
                        title=_text(el.find(MEDIA + "title")))


def _link_value(el: etree._Element) -> str:
    """An RSS <link>'s URL: its text, or an `href` attribute some feeds use instead."""
    return _text(el).strip() or (el.get("href") or "").strip()


def _last_link(channel: etree._Element, ns: str) -> str:
    links = [_link_value(el) for el in channel.findall(ns + "link")]
    return next((link for link in reversed(links) if link), "")


def _media_title(item: etree._Element) -> str:
    """A Media RSS title (also inside media:group/media:content), for items without a title."""
    found = next(item.iter(MEDIA + "title"), None)
    return _text(found)


def _atom_link(links: list[etree._Element], ctx: _Ctx) -> str | None:
    """The `rel="alternate"` (or rel-less) one of Atom `links`, preferring an HTML type."""
    best: str | None = None
    for link in links:
        rel = (link.get("rel") or "alternate").strip()
        href = (link.get("href") or "").strip()
        if rel != "alternate" or not href:
            continue
        kind = (link.get("type") or "text/html").strip().lower()
        if kind in ("text/html", "application/xhtml+xml"):
            return ctx.resolve(link, href)
        best = best or ctx.resolve(link, href)
    return best


def _atom(root: etree._Element, ctx: _Ctx) -> RawFeed:
    feed = RawFeed(version="atom10", title=_atom_plain(root.find(ATOM + "title")),
                   link=_atom_link(root.findall(ATOM_LINK), ctx))
    feed_authors = _atom_authors(root.findall(ATOM_AUTHOR))
    entries = root.findall(ATOM + "entry")
    if not entries and root.find(ATOM + "item") is not None:
        raise _Decline  # RSS-style <item>s in an Atom feed: feedparser accepts those
    feed.entries = [_atom_entry(el, feed_authors, ctx) for el in entries]
    return feed


def _atom_entry(el: etree._Element, feed_authors: list[str], ctx: _Ctx) -> RawEntry:
    first: dict[str, etree._Element] = {}
    links: list[etree._Element] = []
    authors: list[etree._Element] = []
    attached: list[etree._Element] = []
    for child in el:  # one pass over the children: much faster than a find() per field
        tag = child.tag
        if tag == ATOM_LINK:
            links.append(child)
            if (child.get("rel") or "").strip() == "enclosure":
                attached.append(child)
        elif tag == ATOM_AUTHOR:
            authors.append(child)
        elif tag in _MEDIA_TAGS:
            attached.append(child)
        elif isinstance(tag, str) and tag not in first:
            first[tag] = child
    guid = _text(first.get(ATOM + "id")).strip() or None
    link = _atom_link(links, ctx)
    guid_is_link = False
    if not link and guid:
        link, guid_is_link = guid, True  # an http(s) id is a permalink
    source = first.get(ATOM + "source")
    content = first.get(ATOM + "content")
    return RawEntry(
        title=_atom_plain(first.get(ATOM + "title")) or _media_title(el), guid=guid, link=link,
        guid_is_link=guid_is_link,
        authors=(_atom_authors(authors) or
                 (_atom_authors(source.findall(ATOM_AUTHOR)) if source is not None else [])
                 or feed_authors),
        date=(_text(first.get(ATOM + "published")).strip()
              or _text(first.get(ATOM + "updated")).strip() or None),
        summary=_atom_html(first.get(ATOM + "summary")) or "",
        content=None if content is None or content.get("src") else _atom_html(content),
        enclosures=_enclosures(attached, "", ctx) if attached else [])


def _atom_authors(authors: list[etree._Element]) -> list[str]:
    names = (_text(a.find(ATOM_NAME)).strip() for a in authors)
    return [n for n in names if n]


def _atom_kind(el: etree._Element) -> str:
    kind = (el.get("type") or "text").strip().lower()
    if kind in ("text", "text/plain"):
        return "text"
    if kind in ("html", "text/html"):
        return "html"
    if kind in ("xhtml", "application/xhtml+xml"):
        return "xhtml"
    raise _Decline  # base64 media types and the like: feedparser handles them


def _atom_plain(el: etree._Element | None) -> str:
    """A title-like text construct as HTML (`clean_title` strips tags and unescapes once)."""
    if el is None:
        return ""
    kind = _atom_kind(el)
    if kind == "html":
        return _text(el)
    if kind == "text":
        return html.escape(_text(el), quote=False)
    return html.escape("".join(el.itertext()), quote=False)


def _atom_html(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    kind = _atom_kind(el)
    if kind == "html":
        return _text(el)
    if kind == "text":
        return text_to_html(_text(el))
    div = next((c for c in el if isinstance(c.tag, str)), None)
    if div is None:
        return text_to_html(_text(el))
    for node in div.iter():
        if isinstance(node.tag, str) and (node.prefix is not None
                                          or not node.tag.startswith("{" + XHTML)):
            raise _Decline
    # The wrapper <div> is not content (RFC 4287 4.1.3.3): serialise what is inside it.
    inner = html.escape(div.text or "", quote=False) + "".join(
        etree.tostring(child, encoding="unicode", with_tail=True) for child in div)
    return inner.replace(f' xmlns="{XHTML}"', "")

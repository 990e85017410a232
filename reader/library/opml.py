"""OPML 1.0/2.0 subscription lists: safe import (nested outlines become tags) and export.

Imported files are hostile: a DOCTYPE or entity declaration is refused before parsing (no
entity expansion at all), and only absolute http(s) feed URLs are accepted; newsboat's
`exec:`, `filter:` and `|command` forms and `file:` URLs are refused (reliability case 36).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime

from reader.errors import BylineError
from reader.sanitize import clean_line, safe_url

_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
MAX_OPML_BYTES = 10 * 1024 * 1024


@dataclass
class Subscription:
    """One feed to subscribe to, as an import file names it."""

    url: str
    title: str = ""
    tags: list[str] = field(default_factory=list)
    own_title: bool = False   # the user's title (a urls file's "~Title"), kept over the feed's


@dataclass
class ImportResult:
    """Feeds found in an import file and the lines/outlines refused, with reasons."""

    subscriptions: list[Subscription] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def looks_like_opml(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<?xml") or head.startswith(b"<opml")


def parse_opml(data: bytes) -> ImportResult:
    """Subscriptions from an OPML document; folder outlines (and `category`) become tags."""
    if len(data) > MAX_OPML_BYTES:
        raise BylineError("OPML file too large")
    if _DECLARATION.search(data):
        raise BylineError("unsafe OPML: DOCTYPE or entity declarations are not accepted")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise BylineError(f"malformed OPML: {exc}") from None
    if root.tag.lower() != "opml":
        raise BylineError("not an OPML document")
    body = next((c for c in root if c.tag.lower() == "body"), None)
    result = ImportResult()
    if body is None:
        return result
    stack: list[tuple[ET.Element, list[str]]] = [(o, []) for o in reversed(_outlines(body))]
    while stack:  # iterative: deep nesting cannot exhaust the Python stack
        outline, folders = stack.pop()
        attrs = {k.lower(): v for k, v in outline.attrib.items()}
        title = clean_line(attrs.get("title") or attrs.get("text") or "")[:300]
        xml_url = (attrs.get("xmlurl") or "").strip()
        if xml_url:
            url = safe_url(xml_url)
            if url is None:
                result.warnings.append(
                    f"refused {clean_line(xml_url)[:120]!r} ({title or 'untitled'}): "
                    "only http(s) feed URLs are imported")
            else:
                categories = [c for c in re.split(r"[,/]", attrs.get("category", "")) if c]
                tags = _unique(folders + [clean_line(c) for c in categories])
                result.subscriptions.append(Subscription(url, title, tags))
        children = _outlines(outline)
        if children:
            inner = [*folders, title] if (title and not xml_url) else folders
            stack.extend((c, inner) for c in reversed(children))
    return result


def _outlines(element: ET.Element) -> list[ET.Element]:
    return [c for c in element if c.tag.lower() == "outline"]


def _unique(tags: list[str]) -> list[str]:
    seen: list[str] = []
    for tag in tags:
        if tag and tag not in seen:
            seen.append(tag[:100])
    return seen


def export_opml(feeds: list[tuple[str, str, str | None, list[str]]]) -> str:
    """OPML 2.0 for (url, title, site link, tags): a feed appears once, under its first tag
    as a folder, with every tag also in `category` (newsboat and most readers read both)."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = "Byline subscriptions"
    ET.SubElement(head, "dateCreated").text = datetime.now(UTC).strftime(
        "%a, %d %b %Y %H:%M:%S +0000")
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    for url, title, link, tags in feeds:
        parent = body
        if tags:
            if tags[0] not in folders:
                folders[tags[0]] = ET.SubElement(body, "outline", text=tags[0], title=tags[0])
            parent = folders[tags[0]]
        attrs = {"type": "rss", "text": title or url, "title": title or url, "xmlUrl": url}
        if link:
            attrs["htmlUrl"] = link
        if tags:
            attrs["category"] = ",".join(tags)
        ET.SubElement(parent, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

"""The images an article's HTML shows: `<img>` sources with their alt text, as absolute http(s)
URLs (captions themselves are kept as `media` blocks by the extractor)."""

from __future__ import annotations

from dataclasses import dataclass

from reader.sanitize import clean_line, resolved_url

MAX_IMAGES = 20   # per article


@dataclass(frozen=True)
class ImageRef:
    """An image of the article: its URL and its alt text ("" when it has none)."""

    url: str
    alt: str = ""


def image_refs(html: str, base: str | None) -> list[ImageRef]:
    """The article's images in document order, first of each URL, at most `MAX_IMAGES`;
    tracking pixels (a stated width or height of 1 or 2) and non-http(s) sources left out."""
    if "<img" not in html and "<IMG" not in html:
        return []
    import lxml.html

    try:
        root = lxml.html.fromstring(html[:4_000_000])
    except (ValueError, TypeError, lxml.etree.ParserError):
        return []
    found: list[ImageRef] = []
    seen: set[str] = set()
    for img in root.iter("img"):
        source = (img.get("src") or img.get("data-src") or "").strip()
        if not source or _tiny(img.get("width")) or _tiny(img.get("height")):
            continue
        url = resolved_url(source, base)
        if url is None or url in seen:
            continue
        seen.add(url)
        found.append(ImageRef(url, clean_line(img.get("alt") or "")[:300]))
        if len(found) >= MAX_IMAGES:
            break
    return found


def _tiny(size: str | None) -> bool:
    text = (size or "").strip().removesuffix("px")
    return text.isdigit() and int(text) <= 2

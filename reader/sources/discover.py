"""Feed discovery: the `<link rel="alternate">` feeds an HTML page names."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

from reader.sanitize import safe_url

FEED_TYPES = frozenset({
    "application/rss+xml", "application/atom+xml", "application/feed+json",
    "application/json", "application/rdf+xml", "application/x.atom+xml",
})
MAX_SCAN = 2 * 1024 * 1024


class _LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("link", "base"):
            return
        values = {k.lower(): (v or "").strip() for k, v in attrs}
        if tag == "base":
            if self.base is None and values.get("href"):
                self.base = values["href"]
            return
        rels = values.get("rel", "").lower().split()
        kind = values.get("type", "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in FEED_TYPES and values.get("href"):
            self.hrefs.append(values["href"])

    handle_startendtag = handle_starttag


def discover_feeds(html: str, base_url: str) -> list[str]:
    """Absolute http(s) feed URLs named by `html`, in document order, without duplicates."""
    collector = _LinkCollector()
    try:
        collector.feed(html[:MAX_SCAN])
        collector.close()
    except (AssertionError, ValueError):  # HTMLParser on pathological markup
        pass
    base = base_url
    if collector.base:
        try:
            base = urljoin(base_url, collector.base)
        except ValueError:
            base = base_url
    found: list[str] = []
    for href in collector.hrefs:
        try:
            url = safe_url(urljoin(base, href))
        except ValueError:
            continue
        if url and url not in found:
            found.append(url)
    return found

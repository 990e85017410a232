"""Turning `byline PATH_OR_URL …` targets and related links into articles (no Textual here).

Runs in worker threads (URLs) or before the app starts (local files); every failure is a
`BylineError` with a one-line reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reader.article.text import safe_url
from reader.errors import BylineError

if TYPE_CHECKING:
    from reader.article.model import Article


def is_url(target: str) -> bool:
    return target.lower().startswith(("http://", "https://"))


def load_path(target: str, rules: dict[str, Any] | None = None) -> list[Article]:
    """A local file as articles: one for a text/Markdown/HTML file, one per entry of a feed."""
    from reader.sources.files import article_from_document, load_file

    doc = load_file(target)
    if doc.kind == "feed":
        from reader.sources.feeds import parse_feed

        feed = parse_feed(doc.data, url=None)
        return [entry.to_article(feed, extra_rules=rules) for entry in feed.entries]
    return [article_from_document(doc, extra_rules=rules)]


def load_url(url: str, rules: dict[str, Any] | None = None, *,
             offline: bool = False) -> list[Article]:
    """Fetch a web page (one article) or a feed (one article per entry)."""
    checked = safe_url(url)
    if checked is None:
        raise BylineError(f"cannot open {url}: only http(s) links can be opened")
    if offline:
        raise BylineError(f"cannot open {checked}: offline (--offline)")
    from reader.article.build import from_html
    from reader.sources.feeds import looks_like_feed, parse_feed
    from reader.sources.files import decode_bytes
    from reader.sources.http import fetch_url

    result = fetch_url(checked)
    if looks_like_feed(result.body[:4096]):
        feed = parse_feed(result.body, url=result.url, content_type=result.content_type)
        return [entry.to_article(feed, extra_rules=rules) for entry in feed.entries]
    _encoding, html = decode_bytes(result.body, checked)
    return [from_html(html, checked, url=result.url, extra_rules=rules)]

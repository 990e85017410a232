"""The one front door from a target (a local file or an http(s) URL) to articles.

`byline read` and the reader both open what they are given here: the URL check, the offline
rule and the choice between an article and a feed live nowhere else. Every failure is a
one-line `BylineError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reader.errors import BylineError
from reader.sanitize import safe_url

if TYPE_CHECKING:
    from reader.article.model import Article
    from reader.sources.feeds import ParsedFeed
    from reader.sources.http import FetchResult


def is_url(target: str) -> bool:
    return target.lower().startswith(("http://", "https://"))


def checked_url(url: str) -> str:
    """`url` when it is an absolute http(s) URL with a host; else a `BylineError`."""
    checked = safe_url(url)
    if checked is None:
        raise BylineError(f"cannot read {url}: only http(s) URLs can be fetched")
    return checked


def open_path(target: str, rules: dict[str, Any] | None = None) -> Article | ParsedFeed:
    """A local file: one article for text, Markdown or HTML; the parsed feed for a feed file."""
    from reader.sources.files import article_from_document, load_file

    doc = load_file(target)
    if doc.kind == "feed":
        from reader.sources.feeds import parse_feed

        return parse_feed(doc.data, url=None)
    return article_from_document(doc, extra_rules=rules)


def open_url(url: str, rules: dict[str, Any] | None = None, *,
             offline: bool = False) -> Article | ParsedFeed:
    """Fetch a web page (one article) or a feed."""
    checked, result = _fetch(url, offline)
    from reader.sources.feeds import looks_like_feed, parse_feed

    if looks_like_feed(result.body[:4096]):
        return parse_feed(result.body, url=result.url, content_type=result.content_type)
    from reader.article.build import from_html
    from reader.sources.files import decode_bytes

    _encoding, html = decode_bytes(result.body, checked, charset=result.charset)
    return from_html(html, checked, url=result.url, extra_rules=rules)


def fetch_original(url: str, *, offline: bool = False) -> str:
    """The decoded text a URL serves, as it came (`byline read --raw`)."""
    checked, result = _fetch(url, offline)
    from reader.sources.files import decode_bytes

    return decode_bytes(result.body, checked, charset=result.charset)[1]


def _fetch(url: str, offline: bool) -> tuple[str, FetchResult]:
    checked = checked_url(url)
    if offline:
        raise BylineError(f"cannot read {checked}: offline (--offline)")
    from reader.sources.http import fetch_url

    return checked, fetch_url(checked)


def articles_of(loaded: Article | ParsedFeed,
                rules: dict[str, Any] | None = None) -> list[Article]:
    """One article, or one article per feed entry."""
    from reader.article.model import Article

    if isinstance(loaded, Article):
        return [loaded]
    return [entry.to_article(loaded, extra_rules=rules) for entry in loaded.entries]


def load_path(target: str, rules: dict[str, Any] | None = None) -> list[Article]:
    """A local file as articles: one for a text/Markdown/HTML file, one per entry of a feed."""
    return articles_of(open_path(target, rules), rules)


def load_url(url: str, rules: dict[str, Any] | None = None, *,
             offline: bool = False) -> list[Article]:
    """A web page (one article) or a feed (one article per entry), fetched."""
    return articles_of(open_url(url, rules, offline=offline), rules)

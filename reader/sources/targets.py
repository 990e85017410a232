"""What a command-line target names (a local file or an http(s) URL), opened as an article
or a feed. Shared by `byline read` and the reader; every failure is a one-line `BylineError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reader.errors import BylineError

if TYPE_CHECKING:
    from reader.article.model import Article
    from reader.sources.feeds import ParsedFeed


def is_url(target: str) -> bool:
    return target.lower().startswith(("http://", "https://"))


def open_path(target: str, rules: dict[str, Any] | None = None) -> Article | ParsedFeed:
    """A local file: one article for text, Markdown or HTML; the parsed feed for a feed file."""
    from reader.sources.files import article_from_document, load_file

    doc = load_file(target)
    if doc.kind == "feed":
        from reader.sources.feeds import parse_feed

        return parse_feed(doc.data, url=None)
    return article_from_document(doc, extra_rules=rules)


def open_url(url: str, rules: dict[str, Any] | None = None, *,
             raw: bool = False) -> Article | ParsedFeed | str:
    """Fetch a web page (an article) or a feed; with `raw`, the decoded original text."""
    from reader.article.text import safe_url

    checked = safe_url(url)
    if checked is None:
        raise BylineError(f"cannot read {url}: only http(s) URLs can be fetched")
    from reader.sources.files import decode_bytes
    from reader.sources.http import fetch_url

    result = fetch_url(checked)
    if raw:
        return decode_bytes(result.body, checked, charset=result.charset)[1]
    from reader.sources.feeds import looks_like_feed, parse_feed

    if looks_like_feed(result.body[:4096]):
        return parse_feed(result.body, url=result.url, content_type=result.content_type)
    from reader.article.build import from_html

    _encoding, html = decode_bytes(result.body, checked, charset=result.charset)
    return from_html(html, checked, url=result.url, extra_rules=rules)


def articles_of(loaded: Article | ParsedFeed,
                rules: dict[str, Any] | None = None) -> list[Article]:
    """One article, or one article per feed entry."""
    from reader.article.model import Article

    if isinstance(loaded, Article):
        return [loaded]
    return [entry.to_article(loaded, extra_rules=rules) for entry in loaded.entries]

"""Turning `byline PATH_OR_URL …` targets and related links into articles (no Textual here).

Runs in worker threads (URLs) or before the app starts (local files); every failure is a
`BylineError` with a one-line reason. The opening itself is `reader.sources.targets`, shared
with `byline read`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reader.article.text import safe_url
from reader.errors import BylineError
from reader.sources.targets import articles_of, is_url, open_path, open_url

if TYPE_CHECKING:
    from reader.article.model import Article

__all__ = ["is_url", "load_path", "load_url"]


def load_path(target: str, rules: dict[str, Any] | None = None) -> list[Article]:
    """A local file as articles: one for a text/Markdown/HTML file, one per entry of a feed."""
    return articles_of(open_path(target, rules), rules)


def load_url(url: str, rules: dict[str, Any] | None = None, *,
             offline: bool = False) -> list[Article]:
    """Fetch a web page (one article) or a feed (one article per entry)."""
    checked = safe_url(url)
    if checked is None:
        raise BylineError(f"cannot open {url}: only http(s) links can be opened")
    if offline:
        raise BylineError(f"cannot open {checked}: offline (--offline)")
    loaded = open_url(checked, rules)
    assert not isinstance(loaded, str)  # raw=False never returns the text
    return articles_of(loaded, rules)

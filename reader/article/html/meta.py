"""Page metadata from a parsed HTML tree: headline, canonical URL, authors, publication date.

Sources in order of trust: Open Graph / article meta tags, JSON-LD (schema.org Article),
then the visible page (`<h1>`, bylines, `<time datetime>`), then `<title>` with its
" | Site" noise removed. Everything here is best effort and never raises on odd markup.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from lxml.html import HtmlElement

from reader.sanitize import clean_line, safe_url

_ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "techarticle",
    "scholarlyarticle", "report", "liveblogposting", "socialmediaposting", "webpage",
})
# Separators sites put between a headline and their own name in <title> / og:title.
_TITLE_SEPARATORS = re.compile(r"(\s+(?:\||-|–|—|·|::|»|/)\s+)")
_BYLINE_PREFIX = re.compile(r"^(?:(?:written|words|analysis|reporting|text|story)\s+)?by\s*:?\s+",
                            re.IGNORECASE)
_JOB_TITLE = re.compile(
    r"\b(?:writer|editor|editors|correspondent|reporter|staff|contributor|columnist|producer"
    r"|journalist|editorial|desk|team|newsroom)\b", re.IGNORECASE)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&|\|)\s*", re.IGNORECASE)
_ISO_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_MAX_JSONLD = 200_000
_MIN_YEAR, _MAX_YEAR = 1900, 2200


@dataclass
class PageMeta:
    """What the page says about itself."""

    title: str | None = None
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    site_name: str | None = None


def page_meta(root: HtmlElement, url: str | None, *, page: bool = True) -> PageMeta:
    """Read headline, canonical URL, authors and publication date from `root`; for a whole
    `page` (not a feed entry's fragment) a date may also be guessed from its text and URL."""
    metas = _meta_tags(root)
    ld = list(_jsonld_articles(root))
    site = _first(metas.get("og:site_name"), *(_publisher(obj) for obj in ld),
                  metas.get("application-name"))
    canonical = _canonical(root, metas, url)
    return PageMeta(
        title=_title(root, metas, ld, site, canonical or url),
        url=canonical or safe_url(url),
        authors=_authors(root, metas, ld, site),
        published=_published(root, metas, ld)
        or (_visible_date(root, canonical or safe_url(url)) if page else None),
        site_name=site,
    )


def _first(*values: str | None) -> str | None:
    for value in values:
        if value and clean_line(value):
            return clean_line(value)
    return None


def _meta_tags(root: HtmlElement) -> dict[str, str]:
    """First content of each `<meta name|property|itemprop=…>`, keys lower-cased."""
    out: dict[str, str] = {}
    for el in root.iter("meta"):
        content = el.get("content")
        if not content:
            continue
        for attr in ("property", "name", "itemprop"):
            key = (el.get(attr) or "").strip().lower()
            if key and key not in out:
                out[key] = content
    return out


def _jsonld_objects(root: HtmlElement) -> Iterator[dict[str, Any]]:
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        text = script.text or ""
        if len(text) > _MAX_JSONLD:
            continue
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            continue
        pending = [data]
        while pending:
            item = pending.pop(0)
            if isinstance(item, list):
                pending.extend(item)
            elif isinstance(item, dict):
                yield item
                graph = item.get("@graph")
                if isinstance(graph, list):
                    pending.extend(graph)


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.lower() for k in kinds if isinstance(k, str)}


def _jsonld_articles(root: HtmlElement) -> Iterator[dict[str, Any]]:
    """schema.org Article-like objects, real articles before generic web pages."""
    objs = [o for o in _jsonld_objects(root) if _types(o) & _ARTICLE_TYPES]
    yield from (o for o in objs if _types(o) - {"webpage"})
    yield from (o for o in objs if not _types(o) - {"webpage"})


def _publisher(obj: dict[str, Any]) -> str | None:
    pub = obj.get("publisher")
    if isinstance(pub, dict) and isinstance(pub.get("name"), str):
        return str(pub["name"])
    return None


def _canonical(root: HtmlElement, metas: dict[str, str], url: str | None) -> str | None:
    candidates = [el.get("href") for el in root.iter("link")
                  if "canonical" in (el.get("rel") or "").lower().split()]
    candidates.append(metas.get("og:url"))
    for href in candidates:
        if not href:
            continue
        try:
            absolute = urljoin(url or "", href.strip())
        except ValueError:
            continue
        if safe_url(absolute):
            return safe_url(absolute)
    return None


def _strip_site(title: str, site: str | None, url: str | None, *, guess: bool = False) -> str:
    """Drop a leading or trailing site name ("Headline | Site", "Site - Headline").

    With `guess`, also drop unknown short parts around one long part (section and site names
    in a `<title>`).
    """
    pieces = _TITLE_SEPARATORS.split(title)  # text, separator, text, …
    if len(pieces) < 3:
        return title
    names = {_squash(site)} if site else set()
    host = re.sub(r"^[a-z]+://(www\.)?", "", (url or "").lower()).split("/")[0]
    if host:
        names |= {_squash(host), _squash(host.split(".")[0])}
    names.discard("")
    while len(pieces) >= 3 and _squash(pieces[-1]) in names:
        pieces = pieces[:-2]
    while len(pieces) >= 3 and _squash(pieces[0]) in names:
        pieces = pieces[2:]
    parts = pieces[::2]
    if guess and len(parts) > 1:
        # An unknown short tail or head ("… | Tech | The Daily Planet") is section/site noise.
        longest = max(parts, key=len)
        others = [p for p in parts if p is not longest]
        if len(longest.split()) >= 4 and all(len(p.split()) <= 3 for p in others):
            return longest.strip()
    return "".join(pieces).strip()


def _squash(text: str) -> str:
    return re.sub(r"\W", "", text.casefold())


def _title(root: HtmlElement, metas: dict[str, str], ld: list[dict[str, Any]],
           site: str | None, url: str | None) -> str | None:
    headline = _first(*(o.get("headline") if isinstance(o.get("headline"), str) else None
                        for o in ld))
    h1 = _first(*(clean_line(_shown_text(el)) for el in _h1s(root)))
    title_el = root.find(".//title")
    raw_title = clean_line(title_el.text_content()) if title_el is not None else ""
    for candidate in (metas.get("og:title"), headline, metas.get("twitter:title")):
        if candidate and clean_line(candidate):
            text = clean_line(candidate)
            return _strip_site(text, site, url, guess=" | " in text)
    page_title = _strip_site(raw_title, site, url, guess=True) if raw_title else None
    if h1 and (not page_title or len(h1.split()) >= 3
               or h1.casefold() in page_title.casefold()):
        return h1
    return page_title or h1


def _shown_text(el: HtmlElement) -> str:
    """An element's text without what a browser never shows (`<script>`, `<style>`)."""
    return "".join(el.xpath(".//text()[not(ancestor::script or ancestor::style)]"))


def _h1s(root: HtmlElement) -> list[HtmlElement]:
    """`<h1>`s inside the article first (a page-wide one is often the site logo)."""
    inside = [h for a in root.iter("article", "main") for h in a.iter("h1")]
    return inside + [h for h in root.iter("h1") if h not in inside]


def _names(value: Any) -> Iterator[str]:
    """Author names from a meta string or a JSON-LD author value (str, Person, list)."""
    if isinstance(value, list):
        for item in value:
            yield from _names(item)
    elif isinstance(value, dict):
        yield from _names(value.get("name"))
    elif isinstance(value, str):
        text = _BYLINE_PREFIX.sub("", clean_line(value))
        if "://" in text or text.startswith("@"):
            return
        for part in _NAME_SPLIT.split(text):
            part = _BYLINE_PREFIX.sub("", part).strip(" .")
            if _is_name(part):
                yield part


def _is_name(part: str) -> bool:
    """A person's or agency's name, not a job title, credential or user name."""
    return (bool(part) and len(part) <= 80 and len(part.split()) <= 6
            and not any(ch.isdigit() for ch in part) and not _JOB_TITLE.search(part)
            and not (part.isupper() and len(part) <= 4)  # MS, RDN, PhD-like credentials
            and not (part.islower() and " " not in part))  # "admin", "jdoe"


def _authors(root: HtmlElement, metas: dict[str, str], ld: list[dict[str, Any]],
             site: str | None) -> list[str]:
    found: list[str] = []
    sources: list[Any] = [metas.get("author"), metas.get("article:author"),
                          metas.get("parsely-author"), metas.get("sailthru.author")]
    sources += [o.get("author") for o in ld]
    if not any(sources):
        sources += [clean_line(el.text_content()) for el in _byline_elements(root)]
    skip = {_squash(site)} if site else set()
    for source in sources:
        for name in _names(source):
            if (name.casefold() not in {f.casefold() for f in found}
                    and _squash(name) not in skip):
                found.append(name)
        if found:
            break
    return found[:10]


def _byline_elements(root: HtmlElement) -> Iterator[HtmlElement]:
    for el in root.iter("a", "span", "div", "p", "address"):
        marked = el.get("rel") == "author" or (el.get("itemprop") or "").lower() == "author"
        byline = el.tag != "a" and re.search(r"\bbyline\b", el.get("class") or "", re.I)
        if marked or (byline and len(el.text_content()) <= 120):
            yield el


def iso_date(value: str | None) -> str | None:
    """An ISO 8601 date or date-time found at the start of `value`, normalised; else None."""
    if not value:
        return None
    match = _ISO_DATE.search(value.strip()[:64])
    if not match:
        return None
    text = match.group(0).replace(" ", "T")
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if not _MIN_YEAR <= parsed.year <= _MAX_YEAR:  # 0001-01-01 and 9999 placeholders
        return None
    return parsed.date().isoformat() if len(text) == 10 else parsed.isoformat()


def _published(root: HtmlElement, metas: dict[str, str], ld: list[dict[str, Any]]) -> str | None:
    candidates: list[str | None] = [
        metas.get("article:published_time"), metas.get("og:published_time"),
        metas.get("datepublished"), metas.get("publishdate"), metas.get("pubdate"),
    ]
    candidates += [o.get("datePublished") if isinstance(o.get("datePublished"), str) else None
                   for o in ld]
    times = [el for el in root.iter("time") if el.get("datetime")]
    marked = [el for el in times if el.get("pubdate") is not None
              or (el.get("itemprop") or "").lower() == "datepublished"]
    inside = [el for el in times if any(a.tag in ("article", "main") for a in el.iterancestors())]
    candidates += [el.get("datetime") for el in marked + inside + times]
    for value in candidates:
        date = iso_date(value)
        if date:
            return date
    return None


def _visible_date(root: HtmlElement, url: str | None) -> str | None:
    """The publication date found by htmldate (date in the URL, "Published Nov 19, 2019"
    text…) for pages with no date in their markup; a date, never a time."""
    from htmldate import find_date

    try:
        found = find_date(root, url=url, original_date=True, extensive_search=False,
                          outputformat="%Y-%m-%d")
    except Exception:  # a heuristic on hostile markup: no date rather than no article
        return None
    return iso_date(found) if isinstance(found, str) else None

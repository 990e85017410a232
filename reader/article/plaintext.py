"""Plain-text scrapes and Markdown clippings to a `Draft` (candidate blocks and metadata).

Input is already free of control characters (`clean_text`). Nothing here knows about
boilerplate: that is `boilerplate.py`'s job; this module finds the structure.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime

from reader.article.draft import Draft
from reader.article.model import Block
from reader.article.paragraphs import (
    LYNX_MARKER,
    Joiner,
    RawBlock,
    is_hard_wrapped,
    is_lynx_dump,
    segment,
    split_unwrapped,
    wrap_width,
)
from reader.article.related import LinkedBlock
from reader.article.rules import packaged_rules
from reader.sanitize import clean_line, safe_url

# Soft hyphens vanish ("transcrib\u00ading"); Unicode line/paragraph separators become newlines.
_INVISIBLE = (("\u00ad", ""), ("\u2028", "\n"), ("\u2029", "\n\n"))
_SNIFF_LINES = 300
_MARKDOWN_SIGNS = (
    ("heading", re.compile(r"^#{1,6}\s+\S")),
    ("link", re.compile(r"\]\((?:https?://|/|#)[^)\s]*\)")),
    ("image", re.compile(r"!\[[^\]]*\]\(")),
    ("fence", re.compile(r"^\s{0,3}(?:```|~~~)")),
    ("strong", re.compile(r"(?:^|\s)\*\*\S[^*]*\S\*\*(?:\s|[.,;:!?]|$)")),
)
_FRONT_FENCES = {"---": ("---", "..."), "+++": ("+++",)}
_FM_LINE = re.compile(r"^([A-Za-z_][\w-]*)\s*[:=]\s*(.*)$")
_WIKI_LINK = re.compile(r"\[\[(?:[^\]|]*\|)?([^\]]*)\]\]")
_FM_ITEM = re.compile(r"^\s*-\s+(.*)$")
_TITLE_KEYS = ("title", "headline")
_AUTHOR_KEYS = ("author", "authors", "byline", "creator")
_DATE_KEYS = ("date", "published", "pubdate", "created")
_URL_KEYS = ("source", "url", "link", "canonical", "original_url")

_URL = r"<?((?:[^()\s<>]|\([^()\s]{0,200}\)){0,2000})>?"  # balanced parentheses allowed
# Repeats are bounded so that runs of brackets cost linear, not quadratic, time.
_IMAGE = re.compile(
    r"!\[([^\]]{0,500})\]\(\s*" + _URL + r"(?:\s+[\"']([^\"']{0,300})[\"'])?\s*\)")
_LINKED_IMAGE = re.compile(r"\[(!\[[^\]]{0,500}\]\([^)]{0,2000}\))\]\([^)]{0,2000}\)")
_LINK = re.compile(
    r"\[([^\[\]]{0,500}(?:\[[^\[\]]{0,200}\][^\[\]]{0,500}){0,3})\]\(\s*" + _URL
    + r"(?:\s+[\"'][^\"']{0,300}[\"'])?\s*\)"
)
_REF_LINK = re.compile(r"\[([^\[\]]{1,500})\]\[([^\[\]]{0,100})\]")
_REF_DEF = re.compile(r"^\s{0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s+[\"'(].*[\"')])?\s*$")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
# A code span: a run of backticks, then text up to the same run (so ``a ` b`` holds a backtick).
_CODE = re.compile(r"(`+)(?!`)(.{1,2000}?)(?<!`)\1(?!`)", re.DOTALL)
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.{1,1000}?)(?<=\S)\1")
_EMPH_STAR = re.compile(r"(?<![\w*\\])\*(?=\S)(.{1,1000}?)(?<=[^\s\\])\*(?![\w*])")
_EMPH_UNDER = re.compile(r"(?<![\w\\])_(?=\S)(.{1,1000}?)(?<=[^\s\\])_(?!\w)")
_STRIKE = re.compile(r"~~(.{1,1000}?)~~")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]{0,30}(?:\s[^<>]{0,1000})?/?>")
_COMMENT = re.compile(r"<!--.{0,5000}?-->", re.DOTALL)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])")
_WHOLE_EMPHASIS = re.compile(r"^(\*{1,2}|_{1,2})(?=\S)(.+?)(?<=\S)\1$", re.DOTALL)

_BYLINE = re.compile(
    r"^(?:by|written by|words by)\s+(?P<names>[^\W\d][\w.'’-]*(?:\s+[^\W\d][\w.'’-]*){0,3}"
    r"(?:\s*(?:,|and|&)\s+[^\W\d][\w.'’-]*(?:\s+[^\W\d][\w.'’-]*){0,3})*)"
    r"(?:\s*(?:[,|·•]|\s[-–—]\s?|\bfor\b|\bin\b)\s*(?P<rest>.*))?$",
    re.IGNORECASE,
)
# "Hannah Okoro Environment correspondent", "Ana Ruiz, Senior Reporter"
_ROLE_BYLINE = re.compile(
    r"^(?P<names>[A-Z][\w’'-]+(?: [A-Z][\w’'-]+){1,2}?"
    r"(?: (?:and|&) [A-Z][\w’'-]+(?: [A-Z][\w’'-]+){1,2}?)?)"
    r",? (?P<rest>(?:[A-Za-z]+ ){0,3}?(?:correspondent|editor|reporter|writer|columnist|journalist"
    r"|producer|critic))$",
    re.IGNORECASE,
)
# "Rowan Tessier · CBC News · Posted: Apr 22, 2024 5:00 AM EDT"
_DOT_BYLINE = re.compile(
    r"^(?P<names>[A-Z][\w’'-]+(?: [A-Z][\w’'-]+){1,2})\s*[·•|]\s*"
    r"(?P<rest>(?:[^·•|]{2,40}[·•|]\s*)?(?:posted|published|updated)\b.*)$",
    re.IGNORECASE,
)
_NAME_SPLIT = re.compile(r"\s*(?:,|\band\b|&)\s*", re.IGNORECASE)
_PARTICLES = frozenset(
    ("de", "del", "della", "der", "di", "da", "van", "von", "le", "la", "al", "el", "bin", "ibn")
)
_MONTHS = {m: i + 1 for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
_ISO_DATE = re.compile(
    r"\b(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?)?\b"
)
_MDY = re.compile(r"\b([A-Za-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})\b")
_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)? ([A-Za-z]{3,9})\.?,? (\d{4})\b")
_DATE_LINE = re.compile(
    r"^(?:(?:published|updated|posted|last updated|first published)(?: on)?:?\s*)?"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?(?P<date>.{6,40})$",
    re.IGNORECASE,
)
_TITLE_SUFFIX = re.compile(r"\s+[|｜]\s+[^|]{1,40}$")
_SITE_SUFFIX = re.compile(r"\s+([|｜–—-])\s+((?:[\w.’'&]+\s?){1,4})$")
_SITE_WORD = re.compile(
    r"(?:\.(?:com|ca|co\.uk|org|net)|\b(?:News|Times|Post|Herald|Guardian|Journal|Tribune|Gazette"
    r"|Telegraph|Independent|Reuters|Online|Mail|Star|Globe|Press|Chronicle|Observer|Express|Mirror"
    r"|Standard|Today|BBC|CBC|CNN|NPR|AP))\s*$"
)
_HEADLINE_END = re.compile(r"[^.;,:]$|\.\.\.$|…$")
_MAX_TITLE = 200
_HEAD_BLOCKS = 10
_MIN_TITLE_WORDS = 3
_SHORT_LINE_WORDS = 6
# "BBC News, Cornwall", "Staff Reporter": capitalised words, no sentence punctuation.
_AFFILIATION = re.compile(r"^[A-Z][\w&.'’-]*(?:,? [A-Z][\w&.'’-]*){0,5}$")


def parse_text(text: str, *, markdown: bool) -> Draft:
    """Parse a plain-text scrape (`markdown=False`) or a Markdown clipping into a `Draft`.

    Blocks come in reading order with kinds; `[12]` lynx markers and link-list lines are left
    for the boilerplate stage, which resolves them.
    """
    lines = _visible(text).split("\n")
    markdown = markdown or looks_like_markdown(lines)
    meta: dict[str, object] = {}
    if markdown:
        lines, meta = split_front_matter(lines)
    refs: dict[str, str] = {}
    if markdown:
        lines, refs = _reference_definitions(lines)
    lynx = not markdown and is_lynx_dump(lines)
    raw = segment(lines, markdown=markdown, lynx=lynx)
    blocks = _to_blocks(raw, text, markdown=markdown, lynx=lynx, refs=refs)
    draft = Draft(blocks=blocks)
    _apply_front_matter(draft, meta)
    _take_title(draft, markdown=markdown, lynx=lynx)
    _take_byline_and_date(draft)
    return draft


def _visible(text: str) -> str:
    for char, replacement in _INVISIBLE:
        if char in text:  # str.translate with a table is far slower on long texts
            text = text.replace(char, replacement)
    return text


def looks_like_markdown(lines: list[str]) -> bool:
    """Markdown saved as plain text: front matter on top, or several kinds of Markdown syntax
    (`#` headings, `[text](https://…)` links, images, code fences) near the top."""
    head = lines[:_SNIFF_LINES]
    if split_front_matter(head)[1]:
        return True
    kinds = {name for line in head for name, pattern in _MARKDOWN_SIGNS if pattern.search(line)}
    return len(kinds) >= 2


# ---------------------------------------------------------------- front matter

def split_front_matter(lines: list[str]) -> tuple[list[str], dict[str, object]]:
    """Cut a YAML (`---`) or TOML (`+++`) front matter block off the top and parse it simply.

    Understands `key: value`, quoted values, `[a, b]` lists and `- item` lists; anything else
    is ignored. A block that never closes is not front matter.
    """
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start >= len(lines) or lines[start].strip() not in _FRONT_FENCES:
        return lines, {}
    closers = _FRONT_FENCES[lines[start].strip()]
    for end in range(start + 1, min(len(lines), start + 200)):
        if lines[end].strip() in closers:
            meta = _parse_front_matter(lines[start + 1:end])
            # Without a single `key: value` it is text between two rules, not front matter.
            return (lines[end + 1:], meta) if meta else (lines, {})
    return lines, {}


def _parse_front_matter(lines: list[str]) -> dict[str, object]:
    data: dict[str, object] = {}
    key: str | None = None
    for line in lines:
        item = _FM_ITEM.match(line)
        if item and key is not None:
            current = data.get(key)
            values = current if isinstance(current, list) else []
            values.append(_scalar(item.group(1)))
            data[key] = values
            continue
        pair = _FM_LINE.match(line)
        if not pair:
            continue
        key = pair.group(1).lower()
        value = pair.group(2).strip()
        if value.startswith("[") and value.endswith("]"):
            data[key] = [_scalar(v) for v in value[1:-1].split(",") if v.strip()]
        elif value:
            data[key] = _scalar(value)
    return data


def _scalar(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        inner = value[1:-1]
        value = inner.replace('\\"', '"') if value[0] == '"' else inner.replace("''", "'")
    else:
        value = re.sub(r"\s+#.*$", "", value)
    return _WIKI_LINK.sub(r"\1", value)  # Obsidian clippings: author: "[[Jane Doe]]"


def _apply_front_matter(draft: Draft, meta: dict[str, object]) -> None:
    def first(keys: tuple[str, ...]) -> object:
        return next((meta[k] for k in keys if meta.get(k)), None)

    title = first(_TITLE_KEYS)
    if isinstance(title, str):
        draft.title = clean_line(title) or None
    authors = first(_AUTHOR_KEYS)
    names: list[object] = []
    if isinstance(authors, list):
        names = authors
    elif isinstance(authors, str):
        names = list(_NAME_SPLIT.split(authors))
    draft.authors = [clean_line(str(n)) for n in names if clean_line(str(n))]
    when = first(_DATE_KEYS)
    if isinstance(when, str):
        draft.published = parse_date(when)
    for key in _URL_KEYS:
        url = meta.get(key)
        if isinstance(url, str) and safe_url(url):
            draft.url = safe_url(url)
            break


# ---------------------------------------------------------------- blocks and inline markup

def _reference_definitions(lines: list[str]) -> tuple[list[str], dict[str, str]]:
    """Markdown `[id]: url` definitions, taken out of the text."""
    refs: dict[str, str] = {}
    kept = []
    for line in lines:
        found = _REF_DEF.match(line)
        if found:
            refs[found.group(1).casefold()] = found.group(2)
        else:
            kept.append(line)
    return kept, refs


def _to_blocks(raw: list[RawBlock], text: str, *, markdown: bool, lynx: bool,
               refs: dict[str, str]) -> list[Block]:
    joiner = Joiner(text)
    wrapped = lynx or (not markdown and is_hard_wrapped(raw))
    width = wrap_width(raw)
    blocks: list[Block] = []
    for rb in raw:
        if rb.kind == "preformatted":
            blocks.append(Block("preformatted", "\n".join(rb.lines)))
            continue
        groups = split_unwrapped(rb, wrapped=wrapped, width=width) \
            if rb.kind == "paragraph" and not markdown else [rb.lines]
        for group in groups:
            joined = joiner.join(group)
            if rb.ordinal:
                joined = f"{rb.ordinal} {joined}"
            if markdown:
                blocks.extend(_markdown_block(rb.kind, joined, refs, blocks))
            elif joined:
                blocks.append(Block(rb.kind, joined))
    return blocks


def _markdown_block(kind: str, text: str, refs: dict[str, str],
                    before: list[Block]) -> list[Block]:
    """Strip inline Markdown from one block; images become media blocks beside it.

    An italic line beside an image (or right under an image block) is that image's caption.
    """
    plain, links, images = strip_markdown(text, refs)
    alts = [alt for alt in images if alt]
    caption = False
    if plain and kind == "paragraph" and text[-1:] in "*_":
        rest = _IMAGE.sub("", _LINKED_IMAGE.sub(r"\1", text)).strip() if images else text
        caption = bool(_WHOLE_EMPHASIS.match(rest))
    if caption and images:
        return [Block("media", " — ".join([*alts, plain]))]
    if caption and before and before[-1].kind == "media":
        before[-1].text = f"{before[-1].text} — {plain}"
        return []
    media = [Block("media", alt) for alt in alts]
    if not plain:
        return media
    block: Block = LinkedBlock(kind, plain, links=links) if links else Block(kind, plain)
    return [*media, block] if text.lstrip().startswith(("![", "[![")) else [block, *media]


def strip_markdown(
    text: str, refs: dict[str, str] | None = None
) -> tuple[str, list[tuple[str, str]], list[str]]:
    """Plain text of inline Markdown: (text, [(anchor, url)], [image alt texts])."""
    refs = refs or {}
    images: list[str] = []
    links: list[tuple[str, str]] = []

    def image(m: re.Match[str]) -> str:
        images.append(clean_line(m.group(1) or m.group(3) or ""))
        return " "

    def link(m: re.Match[str]) -> str:
        anchor = _inline(m.group(1))
        if anchor:  # relative and unsafe links keep their anchor (menus), with no URL
            links.append((anchor, safe_url(m.group(2)) or ""))
        return m.group(1)

    def ref_link(m: re.Match[str]) -> str:
        target = refs.get((m.group(2) or m.group(1)).casefold())
        url = safe_url(target)
        if url:
            links.append((_inline(m.group(1)), url))
        return m.group(1)

    if "<" in text:
        text = _AUTOLINK.sub(r"\1", _COMMENT.sub(" ", text))
    if "](" in text:
        text = _IMAGE.sub(image, _LINKED_IMAGE.sub(r"\1", text))
        text = _LINK.sub(link, text)
    if "][" in text:
        text = _REF_LINK.sub(ref_link, text)
    return _inline(text), links, images


def _inline(text: str) -> str:
    if "`" in text:
        text = _CODE.sub(r"\2", text)
    if "*" in text or "_" in text:
        for _ in range(2):  # nested emphasis (**_x_**)
            text = _STRONG.sub(r"\2", text)
            text = _EMPH_STAR.sub(r"\1", text)
            text = _EMPH_UNDER.sub(r"\1", text)
    if "~~" in text:
        text = _STRIKE.sub(r"\1", text)
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    if "&" in text:
        text = html.unescape(text)
    return " ".join(text.split())


# ---------------------------------------------------------------- title, byline, date

def _take_title(draft: Draft, *, markdown: bool, lynx: bool) -> None:
    """Set the title from the first line (or heading) and remove it from the blocks."""
    blocks = draft.blocks
    if draft.title:
        for block in blocks[:_HEAD_BLOCKS]:
            if block.kind in ("heading", "paragraph") and _same(block.text, draft.title):
                blocks.remove(block)
                break
        return
    if not blocks:
        return
    if markdown:
        index = _first_heading(blocks)
        if index is None and blocks[0].kind == "paragraph" and _headline(blocks[0].text):
            index = 0
        if index is not None:
            draft.title = blocks.pop(index).text
        return
    if lynx and _take_lynx_title(draft):
        return
    kickers = []
    for block in blocks[:_HEAD_BLOCKS]:
        if (block.kind not in ("paragraph", "heading") or LYNX_MARKER.match(block.text)
                or packaged_rules().family_for(block.text)):
            continue  # menus, link lines, captions and boilerplate before the headline
        if _kicker(block.text):
            kickers.append(block)  # a section label ("Politics") or site name above the headline
            continue
        if _byline_or_date(block.text):
            continue  # left for _take_byline_and_date
        if _headline(block.text):
            draft.title = _strip_site(block.text)
            blocks.remove(block)
            for kicker in kickers:
                blocks.remove(kicker)
                draft.removed.append(kicker.text)
            if draft.title != block.text:
                draft.removed.append(block.text)
            _drop_repeat(draft)
        break
    if draft.title is None:
        heading = next((b for b in blocks if b.kind == "heading"), None)
        if heading is not None:
            draft.title = heading.text
            blocks.remove(heading)


def _drop_repeat(draft: Draft) -> None:
    """Scrapes often repeat the headline a few lines down (page title, then <h1>)."""
    for block in draft.blocks[:_HEAD_BLOCKS]:
        if block.kind in ("heading", "paragraph") and _same(block.text, draft.title or ""):
            draft.blocks.remove(block)
            return


def _first_heading(blocks: list[Block]) -> int | None:
    """The first heading, if only menus, images and short lines come before it."""
    for i, block in enumerate(blocks[:_HEAD_BLOCKS]):
        if block.kind == "heading":
            return i
        if block.kind == "paragraph" and len(block.text.split()) > _SHORT_LINE_WORDS:
            return None  # prose first: its headings are section headings
    return None


def _kicker(text: str) -> bool:
    """One word ("Politics"), or a short site name ("Global News", "citypaper.com")."""
    words = text.split()
    if len(words) < 2:
        return text[-1:].isalpha()
    return len(words) <= 4 and bool(_SITE_WORD.search(text)) and not text.endswith(".")


def _byline_or_date(text: str) -> bool:
    if len(text) > 120:
        return False
    if _BYLINE.match(text) or _ROLE_BYLINE.match(text) or _DOT_BYLINE.match(text):
        return True
    line = _DATE_LINE.match(text)
    return bool(line and parse_date(line.group("date")) and _mostly_date(text))


def _strip_site(title: str) -> str:
    """"Headline | Site" and "Headline - Some News" name the page, not the article."""
    found = _SITE_SUFFIX.search(title)
    if found and (found.group(1) == "|" or _SITE_WORD.search(found.group(2))):
        return title[:found.start()].rstrip()
    return title


def _take_lynx_title(draft: Draft) -> bool:
    """A lynx dump: the <h1> heading is the title. The first line, when it has no link
    markers, is the page <title> ("Headline | Site"); it picks the matching heading."""
    blocks = draft.blocks
    first = blocks[0]
    page = first if (first.kind == "paragraph" and "[" not in first.text
                     and _headline(first.text)) else None
    short = _norm(_TITLE_SUFFIX.sub("", page.text)) if page else ""
    headings = [b for b in blocks[:15] if b.kind == "heading" and b.text.casefold() != "references"]
    heading = next((h for h in headings if short and (_norm(h.text).startswith(short)
                                                      or short.startswith(_norm(h.text)))), None)
    if heading is None and page is None:
        heading = next((h for h in headings if len(h.text.split()) >= _MIN_TITLE_WORDS), None)
    if heading is None and page is None:
        return False
    if page is not None:
        blocks.remove(page)
        draft.removed.append(page.text)
    if heading is not None:
        draft.title = heading.text
        blocks.remove(heading)
    else:
        draft.title = _TITLE_SUFFIX.sub("", page.text if page else "")
    return True


def _headline(text: str) -> bool:
    """A headline: short, and not ended like a sentence, unless in Title Case ("Senator Blasts
    Plan, Vows To Fight On.": archives often close headlines with a full stop)."""
    if len(text) > _MAX_TITLE or len(text.split()) > 30:
        return False
    if _HEADLINE_END.search(text):
        return True
    words = [w for w in text.split() if len(w) > 3 and w[:1].isalpha()]
    return (text.endswith(".") and len(words) >= 2
            and sum(w[0].isupper() for w in words) >= 0.7 * len(words))


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _same(a: str, b: str) -> bool:
    return _norm(a) == _norm(b)


def _take_byline_and_date(draft: Draft) -> None:
    """A "By Jane Doe" line and a date line among the first blocks become metadata.

    A short line right under the byline ("BBC News, Cornwall") is its affiliation and goes too.
    """
    after_byline = False
    for block in list(draft.blocks[:_HEAD_BLOCKS]):
        if block.kind not in ("paragraph", "heading") or len(block.text) > 120:
            after_byline = False
            continue
        byline = (_BYLINE.match(block.text) or _ROLE_BYLINE.match(block.text)
                  or _DOT_BYLINE.match(block.text))
        names = _names(byline.group("names")) if byline else []
        if byline and names:
            draft.authors = draft.authors or names
            if byline.group("rest") and not draft.published:
                draft.published = parse_date(byline.group("rest"))
            _take(draft, block)
            after_byline = True
            continue
        line = _DATE_LINE.match(block.text)
        when = parse_date(line.group("date")) if line else None
        if when and not draft.published and _mostly_date(block.text):
            draft.published = when
            _take(draft, block)
        elif after_byline and _AFFILIATION.match(block.text):
            _take(draft, block)
        after_byline = False


def _take(draft: Draft, block: Block) -> None:
    draft.blocks.remove(block)
    draft.removed.append(block.text)


def _names(text: str) -> list[str]:
    """Byline names, or [] when a word is not capitalised ("By the river" is no byline).

    An outlet run into a name ("Jeff Semple Global News") is cut off; a byline that is only an
    outlet ("The Associated Press") is kept as it is.
    """
    parts = [n for n in _NAME_SPLIT.split(text) if n]
    if not all(w[0].isupper() or w.casefold() in _PARTICLES for n in parts for w in n.split()):
        return []
    people = []
    for name in parts:
        words = name.split()
        if name.startswith("The ") or _SITE_WORD.search(name):
            if len(words) >= 3 and not name.startswith("The "):
                people.append(" ".join(words[:2]))  # "Jeff Semple" of "Jeff Semple Global News"
            continue
        people.append(name)
    names = people or parts[:1]
    return [n.title() if n.isupper() else n for n in names]


def _mostly_date(text: str) -> bool:
    """True when a line is a date stamp (few words beyond the date itself)."""
    rest = _ISO_DATE.sub("", _MDY.sub("", _DMY.sub("", text)))
    rest = re.sub(r"(?i)\b(?:published|updated|posted|last|first|on|at|mon|tue|wed|thu|fri|sat|"
                  r"sun)[a-z]*\b|\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?|\b[A-Z]{2,4}\b|[\s,.:|·•–—-]",
                  "", rest)
    return len(rest) <= 3


def parse_date(text: str) -> str | None:
    """An ISO 8601 date (or date-time) from common written forms, else None."""
    iso = _ISO_DATE.search(text)
    if iso:
        try:
            if iso.group(4):
                stamp = iso.group(0).replace(" ", "T")
                return datetime.fromisoformat(stamp.replace("Z", "+00:00")).isoformat()
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3))).isoformat()
        except ValueError:
            return None
    for pattern, order in ((_MDY, (0, 1, 2)), (_DMY, (1, 0, 2))):
        found = pattern.search(text)
        if not found:
            continue
        parts = found.groups()
        month = _MONTHS.get(parts[order[0]][:3].casefold())
        if month is None:
            continue
        try:
            return date(int(parts[order[2]]), month, int(parts[order[1]])).isoformat()
        except ValueError:
            return None
    return None

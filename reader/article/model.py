"""The `Article` model and its JSON form (see docs/article-format.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

BlockKind = Literal["paragraph", "heading", "list_item", "blockquote", "media", "preformatted"]
BLOCK_KINDS: tuple[str, ...] = (
    "paragraph", "heading", "list_item", "blockquote", "media", "preformatted",
)


QuoteKind = Literal["direct", "partial"]


@dataclass
class QuoteSpan:
    """A quotation span inside a block's text (offsets include the quote marks)."""

    start: int
    end: int
    speaker: str | None = None
    kind: QuoteKind = "direct"

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "speaker": self.speaker, "kind": self.kind}


@dataclass
class LinkSpan:
    """A link inside a block's text: the characters of its anchor text, and its http(s) URL."""

    start: int
    end: int
    url: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "url": self.url}


@dataclass
class Block:
    """One unit of the cleaned article in reading order."""

    kind: str
    text: str
    quotes: list[QuoteSpan] = field(default_factory=list)
    link_spans: list[LinkSpan] = field(default_factory=list, kw_only=True)  # JSON "links"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "text": self.text}
        if self.quotes:
            out["quotes"] = [q.to_dict() for q in self.quotes]
        if self.link_spans:
            out["links"] = [link.to_dict() for link in self.link_spans]
        return out


@dataclass
class Quote:
    """A quotation: what was said (no marks), who said it, its block index, and its kind
    (`direct`: a quoted sentence or clause; `partial`: a few words inside reported speech)."""

    text: str
    speaker: str | None
    block: int
    kind: QuoteKind = "direct"

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "speaker": self.speaker, "block": self.block,
                "kind": self.kind}


@dataclass
class RelatedLink:
    """A link to another article that the source offered ("READ MORE: …", "Related")."""

    title: str
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "url": self.url}


@dataclass
class Enclosure:
    """A file the feed attached to an entry (a podcast episode, a video, an image): an absolute
    http(s) `url`, its MIME `type` ("" when unknown), `length` in bytes and `duration` in
    seconds as the feed stated them (None when unknown or absurd), and a `title`."""

    url: str
    type: str = ""
    length: int | None = None
    duration: int | None = None
    title: str = ""

    @property
    def kind(self) -> str:
        """`audio`, `video`, `image` or `file`, from the type."""
        major = self.type.split("/", 1)[0]
        return major if major in ("audio", "video", "image") else "file"

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "type": self.type, "length": self.length,
                "duration": self.duration, "title": self.title}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Enclosure:
        length, duration = data.get("length"), data.get("duration")
        return cls(url=str(data.get("url") or ""), type=str(data.get("type") or ""),
                   length=length if isinstance(length, int) else None,
                   duration=duration if isinstance(duration, int) else None,
                   title=str(data.get("title") or ""))


@dataclass
class Article:
    """A cleaned article. `raw` holds the original text and is not part of the JSON contract."""

    title: str
    source: str
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    blocks: list[Block] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    related: list[RelatedLink] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    raw: str = ""
    enclosures: list[Enclosure] = field(default_factory=list)  # a feed entry's attachments

    @property
    def word_count(self) -> int:
        return sum(len(b.text.split()) for b in self.blocks if b.kind != "media")

    @property
    def reading_minutes(self) -> int:
        """Reading time at 230 words a minute, at least one minute."""
        return max(1, round(self.word_count / 230))

    def to_dict(self) -> dict[str, Any]:
        """The public JSON object of `byline read --format json`."""
        return {
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "authors": list(self.authors),
            "published": self.published,
            "blocks": [b.to_dict() for b in self.blocks],
            "quotes": [q.to_dict() for q in self.quotes],
            "related": [r.to_dict() for r in self.related],
            "removed": list(self.removed),
        } | ({"enclosures": [e.to_dict() for e in self.enclosures]} if self.enclosures else {})

    @classmethod
    def from_dict(cls, data: dict[str, Any], raw: str = "") -> Article:
        """Rebuild an article from `to_dict()` output (the library stores that JSON)."""
        return cls(
            title=data.get("title") or "",
            source=data.get("source") or "",
            url=data.get("url"),
            authors=list(data.get("authors") or []),
            published=data.get("published"),
            blocks=[
                Block(
                    kind=b["kind"],
                    text=b["text"],
                    quotes=[QuoteSpan(q["start"], q["end"], q.get("speaker"),
                                      _kind(q.get("kind")))
                            for q in b.get("quotes", [])],
                    link_spans=[LinkSpan(k["start"], k["end"], k["url"])
                                for k in b.get("links", [])],
                )
                for b in data.get("blocks") or []
            ],
            quotes=[Quote(q["text"], q.get("speaker"), q["block"], _kind(q.get("kind")))
                    for q in data.get("quotes") or []],
            related=[RelatedLink(r["title"], r.get("url")) for r in data.get("related") or []],
            removed=list(data.get("removed") or []),
            raw=raw,
        )


def _kind(value: object) -> QuoteKind:
    """A stored quote's kind; articles stored before kinds existed hold direct quotes only."""
    return "partial" if value == "partial" else "direct"

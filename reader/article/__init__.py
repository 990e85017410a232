"""The article engine: pure functions from text or HTML to a clean `Article` (no I/O)."""

from reader.article.model import Article, Block, Quote, QuoteSpan, RelatedLink

__all__ = ["Article", "Block", "Quote", "QuoteSpan", "RelatedLink"]

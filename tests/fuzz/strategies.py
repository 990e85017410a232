"""Hypothesis strategies: article-like text and HTML salted with hostile characters, and
mutated feed bytes."""

from __future__ import annotations

from hypothesis import strategies as st

HOSTILE_CHARS = ("\x00", "\x07", "\x08", "\x1b", "\x1b[2J", "\x1b]0;t\x07", "\x1b]52;c;eA==",
                 "\x9b", "\x9d", "\x85", "\x7f", "\u202e", "\u2066", "\u200b", "\ufeff",
                 "\ud800", "\r", "\r\n", "\t", "\xa0", "\u2028", "[/]", "[@click=app.quit]",
                 "&amp;", "&#27;", "&#xD800;", "<", ">")
WORDS = ("the", "harbour", "council", "said", "Mara", "Quillon", "ferry", "lamps", "night",
         "Dev", "Okafor", "told", "reporters", "Story", "continues", "below", "advertisement",
         "READ", "MORE:", "Related", "Photo:", "Sponsored", "—", "–", "...", "…", "(AP)",
         "don't", "it’s", "’90s", "Jones’", "Dr.", "U.S.", "2024", "e-mail")
MARKS = ("“", "”", '"', "'", "‘", "’", "«", "»", "„")
PUNCT = (".", ",", "!", "?", ":", ";")
LINE_STARTS = ("# ", "## ", "> ", "- ", "* ", "1. ", "    ", "---", "```", "![img](x.png) ",
               "[link](http://example.org) ")

token = st.one_of(st.sampled_from(WORDS), st.sampled_from(MARKS), st.sampled_from(PUNCT),
                  st.sampled_from(HOSTILE_CHARS), st.text(min_size=1, max_size=6))
line = st.builds(lambda start, words: start + " ".join(words),
                 st.one_of(st.just(""), st.sampled_from(LINE_STARTS)),
                 st.lists(token, max_size=25))
article_text = st.one_of(
    st.lists(line, max_size=14).map("\n".join),
    st.lists(line, max_size=8).map("\n\n".join),
    st.text(max_size=300),
)

TAGS = ("p", "div", "h1", "h2", "blockquote", "li", "figcaption", "pre", "span", "b", "i",
        "script", "style", "aside", "nav", "article", "section", "table", "td")
ATTRS = ("", ' class="related"', ' id="main"', ' onclick="steal()"', ' href="javascript:x"',
         ' href="http://example.org/a"', ' style="display:none"')


@st.composite
def html_fragment(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 5))):
        if depth < 4 and draw(st.booleans()):
            tag = draw(st.sampled_from(TAGS))
            attr = draw(st.sampled_from(ATTRS))
            inner = draw(html_fragment(depth + 1))
            closing = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", ""]))
            parts.append(f"<{tag}{attr}>{inner}{closing}")
        else:
            parts.append(draw(line))
    return "".join(parts)


html_document = st.one_of(
    html_fragment().map(lambda body: f"<html><head><title>T</title></head><body>{body}"
                                     "</body></html>"),
    html_fragment(),
    st.text(max_size=300),
)

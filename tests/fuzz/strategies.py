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

# -- feed bytes ----------------------------------------------------------------------------

SEED_FEEDS: tuple[bytes, ...] = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Seed &amp; Co</title>'
    b"<link>http://127.0.0.1/</link><item><title>First &lt;b&gt;item&lt;/b&gt;</title>"
    b"<link>/posts/1</link><guid isPermaLink=\"false\">s-1</guid><dc:creator>Ada Lane"
    b"</dc:creator><pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate><description><![CDATA["
    b"<p>\xe2\x80\x9cQuoted words,\xe2\x80\x9d said Ada.</p>]]></description></item><item>"
    b"<title>Second</title><guid>http://127.0.0.1/p/2</guid><description>&lt;p&gt;Body"
    b"&lt;/p&gt;</description></item></channel></rss>\n",
    b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
    b'xml:base="http://127.0.0.1/base/"><title type="html">Atom &lt;i&gt;seed&lt;/i&gt;'
    b"</title><id>urn:seed</id><updated>2024-01-01T00:00:00Z</updated><entry><title>Entry"
    b'</title><id>urn:e1</id><updated>2024-01-02T00:00:00+14:00</updated><link href="e/1"/>'
    b'<author><name>Dev Okafor</name></author><content type="xhtml"><div xmlns='
    b'"http://www.w3.org/1999/xhtml"><p>Words <b>bold</b></p></div></content></entry></feed>',
    b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    b'xmlns="http://purl.org/rss/1.0/"><channel rdf:about="http://127.0.0.1/"><title>RDF'
    b'</title><link>http://127.0.0.1/</link></channel><item rdf:about="http://127.0.0.1/r/1">'
    b"<title>RDF item</title><link>http://127.0.0.1/r/1</link><description>Plain"
    b"</description></item></rdf:RDF>",
    b'{"version": "https://jsonfeed.org/version/1.1", "title": "JSON seed", "home_page_url": '
    b'"http://127.0.0.1/", "items": [{"id": "j1", "url": "/j/1", "title": "JSON item", '
    b'"content_html": "<p>Hi</p>", "date_published": "2024-01-01T00:00:00Z", "authors": '
    b'[{"name": "Mara"}]}, {"id": 2, "content_text": "text only"}]}',
)
FEED_TOKENS: tuple[bytes, ...] = (
    b"<", b">", b"&", b"&#0;", b"&#xD800;", b"&#x110000;", b"&#99999999999;", b"&bogus;",
    b"]]>", b"<![CDATA[", b"<!DOCTYPE x [<!ENTITY e \"v\">]>", b"&e;", b"\x00", b"\xff\xfe",
    b"\xef\xbb\xbf", b"\x1b]0;x\x07", b"\xc2\x9b", b"\xed\xa0\x80", b"</item>", b"<item>",
    b"<entry>", b"<title>", b"</title>", b'"', b"{", b"}", b"[", b"]", b",", b"null",
    b"javascript:alert(1)", b"file:///etc/passwd", b"0000-00-00", b"2024-02-30",
    b"<guid>../../x</guid>", b"<link>--x</link>", b"[@click=app.quit]", b"\\", b"%",
)


@st.composite
def mutated_feed(draw: st.DrawFn) -> bytes:
    """A seed feed with a few random edits: flips, token inserts, deletions, cuts, repeats."""
    data = bytearray(draw(st.sampled_from(SEED_FEEDS)))
    for _ in range(draw(st.integers(0, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "insert", "delete", "cut", "repeat", "bytes"]))
        if op == "flip":
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.sampled_from(FEED_TOKENS))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 40))]
        elif op == "cut":
            del data[at:]
        elif op == "repeat":
            data[at:at] = data[at:at + draw(st.integers(1, 200))] * draw(st.integers(1, 5))
        else:
            data[at:at] = draw(st.binary(max_size=16))
    return bytes(data)

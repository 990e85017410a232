"""Links inside the article text (issue 13, item 9): found in HTML fragments and pages,
Markdown and bare URLs, resolved, http(s) only, not repeating the related links."""

from __future__ import annotations

from reader.article.build import from_html, from_text
from reader.article.model import Article


def _links(article: Article) -> list[tuple[str, str]]:
    return [(block.text[span.start:span.end], span.url)
            for block in article.blocks for span in block.link_spans]


def test_a_feed_fragment_keeps_its_links_resolved() -> None:
    html = ('<p>The board published the <a href="/docs/timetable">new winter timetable</a> '
            'on Monday.</p><p>See <a href="javascript:alert(1)">this</a> and '
            '<a href="#top">that</a> and <a href="mailto:a@b.example">mail</a>.</p>')
    article = from_html(html, "feed", url="https://news.example/ferry")
    assert _links(article) == [("new winter timetable", "https://news.example/docs/timetable")]


def test_a_page_keeps_the_links_of_its_text_not_of_its_menus() -> None:
    prose = ("after a long consultation with islanders who had asked for earlier morning "
             "crossings and a later last boat home, and the board agreed to most of it")
    html = f"""<!DOCTYPE html><html><head><title>Ferry timetable published</title></head>
    <body><nav><a href="/">Home</a> <a href="/sport">Sport</a></nav><article>
    <h1>Ferry timetable published</h1>
    <p>The harbour board published the <a href="/docs/t.pdf">new winter timetable</a> {prose}.</p>
    <p>Home owners welcomed it. The report is on the <a href="https://board.example/r">board's
    website</a>, {prose}.</p><p>Islanders had campaigned for years, {prose}.</p>
    <aside class="related"><h2>Related stories</h2><ul>
    <li><a href="/a">Council votes for a new pier at the harbour</a></li>
    <li><a href="/b">Ferry crews rehearse a rescue in heavy swell</a></li></ul></aside>
    </article></body></html>"""
    article = from_html(html, "page.html", url="https://news.example/ferry")
    assert _links(article) == [
        ("new winter timetable", "https://news.example/docs/t.pdf"),
        ("board's website", "https://board.example/r"),
    ]
    assert [r.url for r in article.related] == ["https://news.example/a",
                                                "https://news.example/b"]


def test_markdown_links_and_bare_urls() -> None:
    text = ("# A clipping\n\nRail operators say the [sleeper revival](https://example.org/s) "
            "is real; details at https://example.org/faq.\n\n## Related\n\n"
            "- [Five border stations](https://example.org/b)\n"
            "- [Sleeper carriages](https://example.org/c)\n")
    article = from_text(text, "clip.md", markdown=True)
    assert _links(article) == [("sleeper revival", "https://example.org/s"),
                               ("https://example.org/faq", "https://example.org/faq")]
    assert [r.url for r in article.related] == ["https://example.org/b",
                                                "https://example.org/c"]


def test_links_survive_the_json_form() -> None:
    article = from_html('<p>Read <a href="https://a.example/x">the report</a> now.</p>', "f")
    again = Article.from_dict(article.to_dict())
    assert _links(again) == [("the report", "https://a.example/x")]
    assert article.to_dict()["blocks"][0]["links"] == [
        {"start": 5, "end": 15, "url": "https://a.example/x"}]

"""Untrusted text is shown as text: markup and escape sequences never act (notes 3.2, 3.3;
cases 37-40)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.article.model import Article, Block, Quote, QuoteSpan, RelatedLink
from reader.library.store import NewEntry
from reader.sanitize import clean_text
from reader.tui.layout import layout_article
from reader.tui.screens.article import ArticleScreen
from reader.tui.screens.library import LibraryScreen

from .conftest import article_ready, screen_text

HOSTILE_TITLE = "Release [/] notes [bold]loud[/bold] [@click=app.quit]Read more[/] [link=x]y"
HOSTILE_BODY = ("“[@click=app.quit]Quit[/]” said [red]Eve[/red]. \x1b]0;pwned\x07Title "
                "\x1b[2Jcleared \x9b31m c1 \u202eevil\u202c end")


def hostile_article() -> Article:
    return Article(
        title=HOSTILE_TITLE + "\x1b[31m",
        source="[bold]src[/].txt",
        url="javascript:alert(1)",
        authors=["[italic]Mallory[/]"],
        blocks=[Block("paragraph", HOSTILE_BODY, [QuoteSpan(0, 23, "[b]Eve[/b]")]),
                Block("media", "[@click=app.bell]caption[/]")],
        quotes=[Quote("[@click=app.quit]Quit[/]", "[b]Eve[/b]", 0)],
        related=[RelatedLink("[/] related [@click=app.quit]x[/]", "javascript:alert(2)")],
        raw="[bold]raw[/] \x1b]52;c;ZXZpbA==\x07 original",
    )


async def test_markup_and_escapes_show_literally_and_do_nothing(make_app):
    app = make_app(opened=[hostile_article()])
    async with app.run_test(size=(120, 40)) as pilot:
        await article_ready(pilot)
        assert isinstance(app.screen, ArticleScreen)
        text = screen_text(app)
        assert "Release [/] notes [bold]loud[/bold] [@click=app.quit]Read more[/]" in text
        assert "“[@click=app.quit]Quit[/]” said [red]Eve[/red]." in text
        assert "— [b]Eve[/b]" in text
        for bad in ("\x1b", "\x9b", "\x07", "\u202e", "pwned", "ZXZpbA"):
            assert bad not in text
        # no segment carries a click action
        for strip in app.screen._compositor.render_strips():
            for segment in strip:
                assert not (segment.style and segment.style.meta.get("@click"))
        await pilot.press("l", "Q")
        await pilot.pause()
        assert "[b]Eve[/b] — [@click=app.quit]Quit[/]" in screen_text(app)
        await pilot.press("escape", "v")
        await pilot.pause()
        assert "[bold]raw[/]" in screen_text(app)
        await pilot.press("o", "q")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert "Release [/] notes" in screen_text(app)
    assert app.return_code in (None, 0)


async def test_hostile_feed_titles_in_the_list(make_app, library):
    feed = library.add_feed("https://feeds.example/evil.xml", title="[@click=app.quit]Feed[/]")
    library.store_entries(feed, [NewEntry(key="a", title=HOSTILE_TITLE, raw="<p>x</p>")])
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "[@click=app.quit]Feed[/]" in text
        assert "Release [/] notes" in text
        await pilot.click("#entries", offset=(10, 0))
        await pilot.pause()
        assert app.is_running


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="[]/@=clickapquitbold \x1b\x9b;\u202e“”", max_size=80))
def test_layout_never_interprets_text(body):
    article = Article(title=body, source="s", blocks=[Block("paragraph", body)])
    layout = layout_article(article, 30)
    shown = "".join(line.text for line in layout.lines)
    assert "\x1b" not in shown and "\x9b" not in shown and "\u202e" not in shown
    # everything `clean_text` keeps is shown, brackets included (whitespace may move)
    expected = "".join(ch for ch in clean_text(body) if not ch.isspace())
    assert expected in "".join(ch for ch in shown if not ch.isspace())

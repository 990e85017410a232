"""Hostile text at the render layer (cases 37-44): `reader.render.*` outputs and the TUI,
end to end from a hostile feed on the loopback server. The engine cleans at ingest; these
tests hand the renderers dirty `Article`s directly to prove the second line of defence."""

from __future__ import annotations

import io
import re
from pathlib import Path

from hostile import payloads as P
from hostile.checks import assert_clean_bytes, is_terminal_safe
from reader.article.model import Article, Block, Quote, QuoteSpan, RelatedLink
from reader.library.store import Library
from reader.paths import resolve_paths
from reader.render.markdown import render_markdown
from reader.render.plain import render_plain
from reader.render.terminal import render_article

DIRTY = "Dirty " + "".join(P.ESCAPES) + " middle " + P.BIDI + " " + P.CONTROLS + " " + \
    P.LONE_SURROGATE + " " + P.UNTERMINATED_OSC + " tail"
MARKUP = " ".join(P.MARKUP)
# Rich's own styling: SGR only (`ESC [ params m`); anything else would be an injection.
_SGR = re.compile(r"\x1b\[[0-9;]*m")


def dirty_article() -> Article:
    text = f"“{MARKUP},” said {DIRTY}."
    return Article(
        title=MARKUP + " " + DIRTY,
        source="\x1b]0;src\x07file.txt",
        url="javascript:alert(1)",
        authors=["[b]Mallory[/b]\x1b[31m"],
        published="2024-01-01\x1b[2J",
        blocks=[Block("paragraph", text, [QuoteSpan(0, len(MARKUP) + 4, "[i]Eve[/i]\x07"),
                                          QuoteSpan(5, 10_000, None), QuoteSpan(-3, 2, None)]),
                Block("heading", DIRTY), Block("list_item", MARKUP),
                Block("blockquote", DIRTY + "\nsecond line"), Block("media", DIRTY),
                Block("preformatted", "code ``` " + DIRTY)],
        quotes=[Quote(MARKUP + "\x1b[5m", "[i]Eve[/i]", 0)],
        related=[RelatedLink("[/] " + DIRTY, "javascript:alert(2)"),
                 RelatedLink("data link", "data:text/html,<b>x</b>"),
                 RelatedLink("dash", "--renderer-cmd-prefix=xcalc"),
                 RelatedLink("good", "https://example.org/ok")],
        raw=DIRTY,
    )


def _check_words(out: str) -> None:
    for words in ("Dirty", "middle", "invoice", "tail", "Mallory"):
        assert words in out, words
    assert "pwned-title" not in out and "cm0gLXJmIH4" not in out


def test_plain_renderer() -> None:
    out = render_plain(dirty_article())
    assert_clean_bytes(out.encode("utf-8", "surrogatepass"))
    _check_words(out)
    assert MARKUP in out


def test_markdown_renderer_links_only_http() -> None:
    out = render_markdown(dirty_article())
    assert_clean_bytes(out.encode("utf-8", "surrogatepass"))
    _check_words(out)
    targets = re.findall(r"\]\(<([^>]*)>\)", out)
    assert targets == ["https://example.org/ok"]


def test_terminal_renderer_emits_only_its_own_styling() -> None:
    raw = _SGR.sub("", render_article(dirty_article()))
    # Force a colour terminal so styling is really emitted.
    from rich.console import Console

    from reader.render.terminal import article_renderable

    console = Console(file=io.StringIO(), force_terminal=True, color_system="truecolor",
                      width=76)
    console.print(article_renderable(dirty_article()))
    styled = console.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b[" in styled  # styling really happened
    for out in (raw, _SGR.sub("", styled)):
        assert_clean_bytes(out.encode("utf-8", "surrogatepass"))
        flat = " ".join(out.split())
        _check_words(flat)
        assert "[@click=app.quit]Read more[/]" in flat
    assert "\x1b]8;" not in styled  # no hyperlink from a hostile URL


def test_read_command_renders_a_hostile_feed_cleanly(tmp_path: Path, byline) -> None:
    """A local feed file whose every field is hostile, in all three formats."""
    feed = tmp_path / "hostile.xml"
    feed.write_bytes(P.rss([
        {"title": P.xml_text(P.HOSTILE_TITLE), "link": "javascript:alert(1)", "guid": "h1",
         "description": P.xml_text("<p>" + DIRTY.replace(P.LONE_SURROGATE, "") + "</p>")},
        {"title": "[@click=app.quit]x[/]", "guid": "h2", "link": "https://example.org/fine",
         "description": "&lt;p&gt;Fine words.&lt;/p&gt;"},
    ], title=P.xml_text("[/]Feed\x1b]0;t\x07")))
    for fmt in ("text", "markdown", "json"):
        proc = byline("read", str(feed), "--format", fmt)
        assert proc.returncode == 0, proc.stderr
        assert_clean_bytes(proc.stdout)
        out = proc.stdout.decode()
        assert "[@click=app.quit]x[/]" in out.replace("\\", "")
        assert "javascript:" not in out


async def test_tui_survives_a_hostile_feed_end_to_end(feed_server, tmp_path: Path) -> None:
    """Refresh inside the app from a hostile feed and a failing one, then open and click the
    entry titled `[@click=app.quit]x[/]`: shown literally, no action, the app keeps running."""
    from reader.tui.app import BylineApp
    from reader.tui.screens.article import ArticleScreen

    hostile = feed_server.add("/tui-hostile.xml", P.rss([
        {"title": "[@click=app.quit]x[/]", "guid": "click", "link": "javascript:alert(1)",
         "description": "&lt;p&gt;[@click=app.quit]Body link[/] and [/] words.&lt;/p&gt;"},
        {"title": P.xml_text(P.HOSTILE_TITLE), "guid": "esc",
         "description": P.xml_text("<p>" + "".join(P.ESCAPES) + "Plain body.</p>")},
    ], title="[@click=app.quit]Evil feed[/]"))
    failing = feed_server.add("/tui-broken.xml", b"[/] not a feed [@click=app.quit]")
    paths = resolve_paths(tmp_path / "data")
    with Library.open(paths.library_file) as library:
        library.add_feed(hostile)
        library.add_feed(failing)
    app = BylineApp(paths, theme="byline-dark")
    async with app.run_test(size=(140, 36)) as pilot:
        await pilot.pause()
        app.action_refresh_all()
        for _ in range(100):  # the refresh runs in a worker
            await pilot.pause(0.05)
            with Library.open(paths.library_file) as library:
                if library.count("all") >= 2 and all(f.last_status for f in library.feeds()):
                    break
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = _screen(app)
        assert "[@click=app.quit]Evil" in shown   # literal (cut to one line in the panes)
        assert "[@click=app.quit]x[/]" in shown
        _assert_inert(app)
        with Library.open(paths.library_file) as library:
            row = next(i for i, e in enumerate(library.entries("all", limit=10))
                       if e.title == "[@click=app.quit]x[/]")
            broken = library.feed(failing)
            assert broken is not None and broken.last_status == "error"
        await pilot.click("#entries", offset=(12, row))  # click right on the title
        await pilot.pause()
        assert app.is_running
        if not isinstance(app.screen, ArticleScreen):  # a click may only move the cursor
            await pilot.press("enter")
            await pilot.pause()
        assert isinstance(app.screen, ArticleScreen)
        shown = _screen(app)
        assert "[@click=app.quit]x[/]" in shown and "[@click=app.quit]Body link[/]" in shown
        _assert_inert(app)
        await pilot.click(offset=(70, 2))
        await pilot.click(offset=(70, 5))
        await pilot.pause()
        assert app.is_running and app.return_code is None
    assert app.return_code in (None, 0)


def _screen(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def _assert_inert(app) -> None:
    """No visible segment carries a click action or a terminal control."""
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            assert is_terminal_safe(segment.text), repr(segment.text)
            meta = segment.style.meta if segment.style else {}
            assert "app.quit" not in str(meta.get("@click", "")), meta


async def test_tui_opens_a_five_thousand_paragraph_article(tmp_path: Path) -> None:
    """Case 56: a huge article opens and shows its first screen (the app stays responsive:
    keys still work afterwards)."""
    from reader.tui.app import BylineApp
    from reader.tui.screens.article import ArticleScreen

    blocks = [Block("paragraph", f"Paragraph {i}: " + "words and more words " * 12)
              for i in range(5000)]
    article = Article(title="Very long", source="long.txt", blocks=blocks)
    app = BylineApp(resolve_paths(tmp_path / "data"), theme="byline-dark", opened=[article])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ArticleScreen)
        assert "Paragraph 0:" in _screen(app)
        await pilot.press("G")
        await pilot.pause()
        assert "Paragraph 4999:" in _screen(app)
        await pilot.press("g")
        await pilot.pause()
        assert app.is_running and "Paragraph 0:" in _screen(app)


async def test_tui_search_with_hostile_queries_and_results(tmp_path: Path) -> None:
    """Typing FTS syntax, markup and escapes into the search box: results show literally and
    the app keeps running."""
    from textual.widgets import Input

    from reader.library.store import NewEntry
    from reader.tui.app import BylineApp

    paths = resolve_paths(tmp_path / "data")
    with Library.open(paths.library_file) as library:
        feed = library.add_feed("http://127.0.0.1:1/s.xml", title="[/]Search feed")
        library.store_entries(feed, [NewEntry(
            key="s1", title="[@click=app.quit]Harbour[/] news",
            raw="<p>The harbour [bold]council[/bold] met \x1b]0;x\x07 again.</p>")])
    app = BylineApp(paths, theme="byline-dark")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        for query in ('"', "NEAR(", "[/]", "harbour AND", "\x1b[2J", "harbour"):
            app.action_search(query)
            await pilot.pause()
            box = app.screen.query_one(Input)
            box.value = query + "x"  # typing more after the hostile start
            await pilot.pause(0.2)
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.is_running
            _assert_inert(app)
            if query == "harbour":
                box.value = "harbour"
                await pilot.pause(0.2)
                await app.workers.wait_for_complete()
                await pilot.pause()
                assert "[@click=app.quit]Harbour[/] news" in _screen(app)
            await pilot.press("escape")
            await pilot.pause()
        assert app.is_running


async def test_tui_opened_with_hostile_urls(feed_server, tmp_path: Path) -> None:
    """`byline URL URL …` where the servers misbehave: one clean notification each (no
    internal error), the app keeps running, and the good page still opens."""
    from reader.tui.app import BylineApp

    good = feed_server.add("/tui/good.html", b"<html><head><title>Good page</title></head>"
                           b"<body><article><p>Readable words of a perfectly ordinary page, "
                           b"long enough to be its main content.</p></article></body></html>",
                           headers={"Content-Type": "text/html"})
    bad = [feed_server.url(p) for p in ("/gzip-bomb", "/loop", "/to-file", "/404")]
    app = BylineApp(resolve_paths(tmp_path / "data"), theme="byline-dark", urls=[*bad, good])
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert len([m for m in messages if m.startswith("cannot fetch")]) == len(bad), messages
        assert not any("internal error" in m for m in messages)
        assert all(is_terminal_safe(m) and "\n" not in m for m in messages)
        assert app.is_running
        with Library.open(resolve_paths(tmp_path / "data").library_file) as library:
            assert [e.title for e in library.entries("local", limit=5)] == ["Good page"]


async def test_tui_starts_on_a_corrupt_library(tmp_path: Path) -> None:
    """A damaged library.db: the reader starts on a fresh one, says so once, keeps the old."""
    from reader.tui.app import BylineApp

    paths = resolve_paths(tmp_path / "data")
    paths.library_file.parent.mkdir(parents=True)
    garbage = bytes((i * 131 + 7) % 256 for i in range(64 * 1024))
    paths.library_file.write_bytes(garbage)
    app = BylineApp(paths, theme="byline-dark")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        warnings = [n.message for n in app._notifications if "damaged" in n.message]
        assert len(warnings) == 1 and "corrupt" in warnings[0]
        assert app.is_running
    backups = list(paths.library_file.parent.glob("library.db.corrupt-*"))
    assert [b.read_bytes() for b in backups] == [garbage]


async def test_tui_while_another_process_holds_the_library(tmp_path: Path,
                                                           monkeypatch) -> None:
    """Case 54 in the reader: starring and marking read under a lock held elsewhere give a
    "busy" notice; reading goes on and the app keeps running."""
    import subprocess
    import sys

    from reader.library import database
    from reader.library.store import NewEntry
    from reader.tui.app import BylineApp
    from reader.tui.screens.article import ArticleScreen

    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 300)
    paths = resolve_paths(tmp_path / "data")
    with Library.open(paths.library_file) as library:
        feed = library.add_feed("http://127.0.0.1:1/lock.xml", title="Locked feed")
        library.store_entries(feed, [NewEntry(key="l1", title="Locked story",
                                              raw="<p>Words of the locked story.</p>")])
        entry = library.entry_ids("all")[0]
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys, time\n"
         "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
         "c.execute('BEGIN IMMEDIATE'); c.execute('UPDATE feeds SET title = title')\n"
         "print('locked', flush=True); time.sleep(60)", str(paths.library_file)],
        stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"locked"
        app = BylineApp(paths, theme="byline-dark")
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            app.open_articles([entry], 0)
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, ArticleScreen)
            assert "Words of the locked story." in _screen(app)
            await pilot.press("s", "m", "j", "k")
            await app.workers.wait_for_complete()
            await pilot.pause()
            busy = [n.message for n in app._notifications if "busy" in n.message]
            assert busy and all("\n" not in m for m in busy)
            await pilot.press("q")
            await pilot.pause()
            assert app.is_running
    finally:
        holder.kill()
        holder.wait()


def test_markdown_links_cannot_be_broken_out_of() -> None:
    """A URL holding `>)[x](javascript:…)` must not close its link and open a new one: every
    link a CommonMark parser finds in the output is http(s)."""
    from markdown_it import MarkdownIt

    trick = ">)[click](javascript:alert(1)"
    article = Article(title="T", source="s", url="https://x.example/" + trick,
                      blocks=[Block("paragraph", "Body " + trick)],
                      related=[RelatedLink("rel" + trick, "https://y.example/a" + trick),
                               RelatedLink("fine", "https://example.org/ok?a=1&b=(2)")])
    parser = MarkdownIt("commonmark")
    # Accept every scheme, to see the links a less careful viewer would make.
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    tokens = parser.parse(render_markdown(article))
    hrefs = [child.attrs.get("href") for token in tokens for child in (token.children or [])
             if child.type == "link_open"]
    assert len(hrefs) == 3
    assert all(str(h).startswith(("http://", "https://")) for h in hrefs), hrefs
    for source in (article, dirty_article(), Article(
            title="<script>alert(1)</script>", source="s",
            blocks=[Block("paragraph", "<img src=x onerror=alert(1)> <!-- c --> "
                          "<a href='javascript:x'>y</a> <javascript:alert(1)>"),
                    Block("blockquote", "<div>x</div>")])):
        found = parser.parse(render_markdown(source))
        kinds = {t.type for t in found} | {c.type for t in found for c in (t.children or [])}
        assert not {"html_inline", "html_block"} & kinds  # no raw HTML reaches a viewer

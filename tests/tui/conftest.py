"""Fixtures for the reading TUI: a test article of our own, an app on a temporary library."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reader.article.model import Article, Block, Quote, QuoteSpan, RelatedLink
from reader.library.store import Library
from reader.paths import Paths, resolve_paths
from reader.tui.app import BylineApp

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
REFERENCE = SHARED / "corpora" / "articles" / "chechnya-global.txt"

FIRST = "“We kept the lamps lit for every crossing,” said Mara Quillon, who ran the night ferry."
SECOND = ("The council met on Tuesday. “Nobody should have to swim home,” Dev Okafor said, "
          "to laughter from the gallery.")
RAW = """Harbour council keeps the night ferry

Story continues below advertisement

“We kept the lamps lit for every crossing,” said Mara Quillon.
Sponsored content
"""


def ferry_article(source: str = "ferry.txt", *, title: str = "Harbour council keeps the night "
                  "ferry", url: str | None = "https://news.example/ferry",
                  paragraphs: int = 6, published: str | None = "2026-03-14") -> Article:
    """A small article written for these tests: a caption, two quotes, two related links."""
    blocks = [Block("media", "Photo: the ferry at dusk, lamps lit along the rail")]
    blocks.append(Block("paragraph", FIRST, [QuoteSpan(0, FIRST.index("”") + 1, "Mara Quillon")]))
    for i in range(paragraphs):
        blocks.append(Block("paragraph", f"Filler paragraph {i} about tides, timetables and the "
                            "price of diesel, long enough to wrap over more than one line of "
                            "the reading measure."))
    start = SECOND.index("“")
    blocks.append(Block("paragraph", SECOND,
                        [QuoteSpan(start, SECOND.index("”") + 1, "Dev Okafor")]))
    return Article(
        title=title, source=source, url=url, authors=["Ada Lane"], published=published,
        blocks=blocks,
        quotes=[Quote("We kept the lamps lit for every crossing", "Mara Quillon", 1),
                Quote("Nobody should have to swim home", "Dev Okafor", len(blocks) - 1)],
        related=[RelatedLink("Lighthouse keepers look back", "https://news.example/lights"),
                 RelatedLink("Tides and timetables", None)],
        removed=["Story continues below advertisement"],
        raw=RAW,
    )


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return resolve_paths(tmp_path / "data")


@pytest.fixture
def make_app(paths: Paths) -> Callable[..., BylineApp]:
    def make(**kwargs: Any) -> BylineApp:
        kwargs.setdefault("theme", "byline-dark")
        return BylineApp(paths, **kwargs)
    return make


@pytest.fixture
def library(paths: Paths):
    lib = Library.open(paths.library_file)
    yield lib
    lib.close()


def notified(app: BylineApp, text: str) -> bool:
    """Whether a notification so far holds `text`."""
    return any(text in n.message for n in app._notifications)


async def settle(pilot) -> None:
    """Let the app's workers finish and the screen catch up."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def screen_text(app: BylineApp) -> str:
    """What the terminal shows, as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def article_ready(pilot, title: str | None = None) -> None:
    """Wait until the article screen shows its article, or the one titled `title` (articles
    load in a worker thread)."""
    from reader.tui.screens.article import ArticleScreen
    from reader.tui.widgets.article_body import ArticleBody

    for _ in range(200):
        screen = pilot.app.screen
        if isinstance(screen, ArticleScreen) and screen.article is not None and (
                title is None or screen.article.title == title):
            bodies = list(screen.query(ArticleBody))
            if bodies and bodies[0].layout_result is not None and bodies[0].complete:
                await pilot.pause()
                return
        await pilot.pause(0.01)
    raise AssertionError("the article screen did not show its article")

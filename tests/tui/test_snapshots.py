"""Snapshot tests (pytest-textual-snapshot): library, article in each theme, help, narrow.

Our own test article is used (no corpus text in the repository); dates are fixed in the data.
Update after an intended visual change with `pytest tests/tui --snapshot-update`.
"""

from __future__ import annotations

import pytest

from reader.library.store import NewEntry

from .conftest import article_ready, ferry_article


def _library(library) -> None:
    feed = library.add_feed("https://feeds.example/harbour.xml", title="Harbour News",
                            tags=["coast"])
    library.store_entries(feed, [
        NewEntry(key=f"k{i}", title=title, raw=f"<p>{title}. Calm seas today.</p>",
                 published=f"2026-02-{10 + i:02d}T08:00:00+00:00")
        for i, title in enumerate(["Tide tables for the spring", "Lamps on the quay",
                                   "[bold]Not bold[/] and [/] literal", "Fog over the bar"])
    ])
    library.add_local(ferry_article())
    library.set_starred(library.entry_ids("all")[1], True)


@pytest.mark.parametrize("theme", ["byline-dark", "byline-paper", "byline-contrast"])
def test_article_view_in_each_theme(snap_compare, make_app, theme):
    app = make_app(opened=[ferry_article(paragraphs=2)], theme=theme)
    assert snap_compare(app, terminal_size=(100, 32), press=["right_square_bracket", "l"],
                        run_before=article_ready)


def test_library_screen(snap_compare, make_app, library):
    _library(library)
    assert snap_compare(make_app(), terminal_size=(120, 24), press=["down", "enter"])


def test_library_narrow(snap_compare, make_app, library):
    _library(library)
    assert snap_compare(make_app(), terminal_size=(80, 24), press=["enter"])


def test_help(snap_compare, make_app, library):
    _library(library)
    assert snap_compare(make_app(), terminal_size=(100, 48), press=["question_mark"])

"""`byline [PATH_OR_URL ...]`: files loaded before the app, errors as one line."""

from __future__ import annotations

from argparse import Namespace

import pytest

from reader.cli import main
from reader.context import Context
from reader.errors import BylineError
from reader.tui import launch
from reader.tui.app import BylineApp

from .conftest import REFERENCE, article_ready


@pytest.fixture
def captured(monkeypatch):
    apps: list[BylineApp] = []
    monkeypatch.setattr(BylineApp, "run", lambda self, **kw: apps.append(self))
    return apps


def test_a_missing_file_is_one_line_before_the_app(paths, captured, capsys):
    code = main(["--data-dir", str(paths.data_dir), str(paths.data_dir / "nope.txt")])
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("byline: cannot read") and err.count("\n") == 1
    assert captured == []


def test_several_targets_one_bad_becomes_a_notice(paths, captured, tmp_path):
    good = tmp_path / "note.txt"
    good.write_text("Ferry note\n\nThe ferry left at nine and came back at ten.\n",
                    encoding="utf-8")
    args = Namespace(targets=[str(good), str(tmp_path / "missing.txt"),
                              "https://news.example/x"])
    assert launch.run(args, Context(paths=paths, offline=True)) == 0
    app = captured[0]
    assert [a.title for a in app.opened] == ["Ferry note"]
    assert app.urls == ["https://news.example/x"]
    assert any("missing.txt" in n for n in app.notices)


def test_bad_key_config_fails_before_the_app(paths, captured, capsys):
    paths.config_dir.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text('[keys]\nfly = "f"\n', encoding="utf-8")
    with pytest.raises(BylineError, match="unknown key action fly"):
        launch.run(Namespace(targets=[]), Context(paths=paths, offline=True))


@pytest.mark.parametrize("theme", ["byline-dark", "byline-paper", "byline-contrast"])
async def test_reference_article_opens_clean(make_app, theme):
    """The done-criterion article in each theme: title, no boilerplate, quotes in the theme's
    quote colour with speakers, both related links."""
    if not REFERENCE.exists():
        pytest.skip(f"reference corpus not found at {REFERENCE}")
    from reader.sources.targets import load_path
    from reader.tui.widgets.article_body import ArticleBody

    from .conftest import screen_text

    app = make_app(opened=load_path(str(REFERENCE)), theme=theme)
    async with app.run_test(size=(120, 45)) as pilot:
        await article_ready(pilot)
        text = screen_text(app)
        assert "Canadians take leading role in helping gay men escape Chechnya" in text
        assert "Story continues below advertisement" not in text
        assert "— Kimahli Powell" in text
        body = app.screen.query_one(ArticleBody)
        assert body.quote_count > 0
        strip = body.render_line(body.quote_line(0))
        colours = {seg.style.color.triplet.hex for seg in strip
                   if seg.text.startswith("“These") and seg.style and seg.style.color
                   and seg.style.color.triplet}
        assert colours == {app.theme_variables["quote"].lower()}
        await pilot.press("G", "l")
        await pilot.pause()
        text = screen_text(app)
        assert "Related (2)" in text
        assert "Canada should offer emergency visas" in text
        assert "Londoners protest gay" in text

"""Themes (bundled, user, malformed, persisted) and key rebinding from `[keys]`."""

from __future__ import annotations

import json

import pytest

from reader.config import Config
from reader.errors import BylineError
from reader.paths import bundled_themes_dir
from reader.tui.keys import ACTIONS, keymap
from reader.tui.screens.article import ArticleScreen
from reader.tui.themes import load_themes, theme_from_toml
from reader.tui.widgets.article_body import ArticleBody

from .conftest import article_ready, ferry_article

GOOD = """name = "sea"
dark = true
primary = "#336699"
background = "#001122"
[variables]
quote = "#ff8800"
speaker = "#aaaaaa"
"""


def test_bundled_themes_paper_dark_and_high_contrast():
    loaded = load_themes(bundled_themes_dir())
    assert loaded.problems == []
    names = {t.name: t for t in loaded.themes}
    assert {"byline-paper", "byline-dark", "byline-contrast"} <= set(names)
    assert names["byline-paper"].dark is False
    for theme in names.values():
        assert {"quote", "speaker", "link", "media"} <= set(theme.variables)


@pytest.mark.parametrize("text, reason", [
    ("name = [", "not valid TOML"),
    ('name = "x"', "'primary' colour is required"),
    ('name = "x"\nprimary = "not-a-colour"', "not a colour"),
    ('name = "x"\nprimary = "#fff"\n[variables]\nquote = 3', "must be a colour"),
    ('name = "x"\nprimary = "#fff"\ndark = "yes"', "'dark' must be true or false"),
])
def test_malformed_theme_text_is_a_reason(text, reason):
    with pytest.raises(ValueError, match=reason):
        theme_from_toml(text, "x")


async def test_user_theme_is_registered_and_a_bad_one_is_a_notice(make_app, paths):
    paths.themes_dir.mkdir(parents=True)
    (paths.themes_dir / "sea.toml").write_text(GOOD, encoding="utf-8")
    (paths.themes_dir / "broken.toml").write_text("name = [\n[bold]x[/]", encoding="utf-8")
    app = make_app(opened=[ferry_article()], theme=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await article_ready(pilot)
        assert "sea" in app.available_themes
        assert app.theme == "byline-dark"
        messages = [n.message for n in app._notifications]
        assert any("broken.toml" in m for m in messages)
        app.theme = "textual-light"  # a built-in theme gets Byline's fallbacks
        await pilot.pause()
        assert app.theme_variables["quote"] == app.theme_variables["accent"]
        app.theme = "sea"
        await pilot.pause()
        assert app.theme_variables["quote"] == "#ff8800"
        body = app.screen.query_one(ArticleBody)
        assert body.render_line(body.quote_line(0))  # renders with the new colours
    state = json.loads(paths.state_file.read_text(encoding="utf-8"))
    assert state["theme"] == "sea"
    again = make_app(theme=None)
    assert again.theme == "sea"


async def test_config_theme_and_unknown_theme(make_app):
    assert make_app(config=Config(theme="byline-paper"), theme=None).theme == "byline-paper"
    app = make_app(config=Config(theme="nope"), theme=None)
    assert app.theme == "byline-dark"
    assert any("nope" in n for n in app.notices)


def test_keymap_from_config_and_unknown_actions():
    assert keymap({"next_quote": "ctrl+n"}) == {"byline.next_quote": "ctrl+n"}
    with pytest.raises(BylineError, match="unknown key action bogus"):
        keymap({"bogus": "x"})


async def test_rebound_key_works_and_help_shows_it(make_app):
    config = Config(keys={"next_quote": "x", "related": "ctrl+r"})
    app = make_app(opened=[ferry_article()], config=config)
    async with app.run_test(size=(100, 50)) as pilot:
        await article_ready(pilot)
        assert isinstance(app.screen, ArticleScreen)
        body = app.screen.query_one(ArticleBody)
        await pilot.press("right_square_bracket")
        assert body.current_quote == -1
        await pilot.press("x")
        assert body.current_quote == 0
        await pilot.press("question_mark")
        from .conftest import screen_text

        text = screen_text(app)
        assert "x                   Next quote" in text
        assert "ctrl+r" in text


async def test_command_palette_lists_every_action(make_app):
    app = make_app(opened=[ferry_article()])
    async with app.run_test(size=(100, 30)) as pilot:
        await article_ready(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        for action in ACTIONS:
            if action.scope in ("app", "screen", "article") and action.name != "escape":
                assert action.description in titles
        await pilot.press("q")
        await pilot.pause()
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert "Open" in titles and "Refresh this feed" in titles

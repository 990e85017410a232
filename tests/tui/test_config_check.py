"""Config mistakes are one line each, when the reader starts and in `byline --check-config`:
unknown settings, key names Textual does not know, a rebinding that takes a key from another
action, and which theme wins when config.toml and a choice made with `t` disagree."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.config import SETTINGS, Config, parse_config
from reader.errors import BylineError
from reader.tui.keys import check_keys, is_key_name
from reader.tui.screens.article import ArticleScreen
from reader.tui.themes import save_theme_choice, starting_theme

from .conftest import article_ready, ferry_article

REPO = Path(__file__).resolve().parents[2]


def check(data: Path, config: str) -> subprocess.CompletedProcess[str]:
    data.mkdir(parents=True, exist_ok=True)
    (data / "config.toml").write_text(config, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "reader", "--data-dir", str(data),
                           "--check-config"], cwd=REPO, capture_output=True, text=True,
                          timeout=60, env=dict(os.environ, BROWSER=""))


def test_an_unknown_setting_is_named_with_the_one_it_likely_meant():
    config = parse_config({"them": "byline-paper", "colour": 3}, "config.toml")
    assert config.theme is None
    assert config.problems == [
        "config.toml: unknown setting 'them' (did you mean 'theme'?); it is ignored",
        f"config.toml: unknown setting 'colour' (settings: {', '.join(SETTINGS)}); "
        "it is ignored"]


@pytest.mark.parametrize(("data", "message"), [
    ({"theme": 3}, "'theme' must be a string"),
    ({"browser_terminal": "yes"}, "'browser_terminal' must be true or false"),
    ({"keys": {"star": 1}}, "[keys] maps action names to key strings"),
    ({"browser": {"x": 1}}, "[browser] must be a command list"),
])
def test_a_wrong_type_is_still_an_error(data, message):
    with pytest.raises(BylineError, match=message.replace("[", r"\[")):
        parse_config(data)


@pytest.mark.parametrize("key", ["j", "ctrl+n", "f5", "]", "right_square_bracket", "slash",
                                 "question_mark", "shift+tab", "pagedown", "G", "space"])
def test_key_names_textual_knows(key):
    assert is_key_name(key)


@pytest.mark.parametrize("key", ["", "ctrl+", "foo bar", "hyperspace", "ctrl+x+y", " j"])
def test_key_names_it_does_not(key):
    assert not is_key_name(key)


def test_bad_and_empty_key_names_are_one_line_each_and_left_out():
    keymap, problems = check_keys({"star": "s,,ctrl+", "raw": ""})
    assert keymap == {}
    assert problems == ["[keys] star: an empty key name is ignored",
                        "[keys] star: 'ctrl+' is not a key name; it is ignored",
                        '[keys] raw = "": no key name Textual knows; raw keeps v']


def test_a_rebinding_that_takes_j_from_scrolling_says_so():
    keymap, problems = check_keys({"star": "j"})
    assert keymap == {"byline.star": "j"}
    assert problems == ['[keys] star = "j" takes j from down (scroll or move down), which is '
                        "left with no key"]
    keymap, problems = check_keys({"star": "space"})
    assert keymap == {"byline.star": "space", "byline.page_down": "pagedown"}
    assert problems == ['[keys] star = "space" takes space from page_down (page down), which '
                        "keeps pagedown"]
    # an app-wide action cannot take a key the screen itself binds: the screen sees it first
    keymap, problems = check_keys({"search": "j"})
    assert keymap == {}
    assert problems[0].startswith('[keys] search = "j": j stays with down')
    _, problems = check_keys({"star": "x", "raw": "x"})
    assert problems == ['[keys] star = "x": x is also given to raw; star keeps it']


async def test_the_reader_shows_each_mistake_at_start_and_j_stars(make_app):
    config = parse_config({"them": "x", "keys": {"star": "j"}}, "config.toml")
    app = make_app(opened=[ferry_article()], config=config)
    async with app.run_test(size=(100, 30)) as pilot:
        await article_ready(pilot)
        await pilot.pause()
        shown = [n.message for n in app._notifications]
        assert "config.toml: unknown setting 'them' (did you mean 'theme'?); it is ignored" \
            in shown
        assert any(m.startswith('[keys] star = "j" takes j from down') for m in shown)
        screen = app.screen
        assert isinstance(screen, ArticleScreen)
        before = screen.page.scroll_y
        await pilot.press("j")
        await app.workers.wait_for_complete()
        assert screen.page.scroll_y == before
        assert app.library.entry_ids("starred") == [screen.entry_id]


def test_check_config_lists_every_problem_and_fails(tmp_path):
    done = check(tmp_path / "home", 'them = "byline-paper"\ntheme = "nope"\n[keys]\n'
                 'star = "j"\nraw = "ctrl+"\n')
    lines = done.stdout.splitlines()
    assert done.returncode == 1, done.stderr
    problems = [line for line in lines if line.startswith("byline: ")]
    assert len(problems) == 4
    assert "unknown setting 'them' (did you mean 'theme'?)" in problems[0]
    assert any("takes j from down" in p for p in problems)
    assert any('raw = "ctrl+": no key name' in p for p in problems)
    assert any("theme nope not found" in p for p in problems)
    assert lines[-1].endswith("config.toml: 4 problems")
    assert done.stderr == ""


def test_check_config_of_a_good_file_is_ok(tmp_path):
    done = check(tmp_path / "home", 'theme = "byline-paper"\nbrowser = ["w3m"]\n'
                 '[keys]\nnext_quote = "ctrl+n"\n')
    assert done.returncode == 0, done.stdout + done.stderr
    assert "theme: byline-paper (config)" in done.stdout
    assert "o: w3m (in this terminal, the reader steps aside)" in done.stdout
    assert done.stdout.splitlines()[-1].endswith("config.toml: ok")


def test_check_config_of_a_malformed_file_is_one_line(tmp_path):
    done = check(tmp_path / "home", "theme = [\n")
    assert done.returncode == 1
    assert done.stderr.startswith("byline: bad config") and done.stderr.count("\n") == 1


def test_the_newer_of_config_theme_and_t_wins(tmp_path):
    state = tmp_path / "state.json"
    assert starting_theme(None, state).name == "byline-dark"
    assert starting_theme("byline-paper", state).origin == "config"
    save_theme_choice(state, "byline-contrast", "byline-paper")   # t, while config said paper
    choice = starting_theme("byline-paper", state)
    assert (choice.name, choice.origin, choice.changed) == ("byline-contrast", "choice", False)
    assert choice.note == ("theme byline-contrast chosen with t wins over config.toml's "
                           "byline-paper (the newer one wins: edit theme in config.toml, or "
                           "press t)")
    choice = starting_theme("textual-light", state)   # config edited after the choice
    assert (choice.name, choice.origin, choice.changed) == ("textual-light", "config", True)
    assert "replaces byline-contrast chosen with t" in (choice.note or "")


def test_an_old_state_file_is_judged_by_file_times(tmp_path):
    state, config = tmp_path / "state.json", tmp_path / "config.toml"
    state.write_text('{"theme": "byline-contrast"}', encoding="utf-8")
    config.write_text('theme = "byline-paper"\n', encoding="utf-8")
    os.utime(state, (1000, 1000))
    os.utime(config, (2000, 2000))
    assert starting_theme("byline-paper", state, config).name == "byline-paper"
    os.utime(state, (3000, 3000))
    assert starting_theme("byline-paper", state, config).name == "byline-contrast"


async def test_a_config_theme_set_after_t_is_used_and_said(make_app, paths):
    save_theme_choice(paths.state_file, "byline-contrast", None)
    app = make_app(config=Config(theme="byline-paper"), theme=None)
    assert app.theme == "byline-paper"
    assert any("replaces byline-contrast chosen with t" in n for n in app.notices)
    again = make_app(config=Config(theme="byline-paper"), theme=None)
    assert again.theme == "byline-paper" and not any("theme" in n for n in again.notices)

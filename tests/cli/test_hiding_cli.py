"""Kill rules through the CLI, as subprocesses: `byline refresh` hides what `[[hide]]`
matches, `byline list --hidden` shows it, `byline mark --unhide` brings it back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli.test_library_cli import byline
from tests.library.test_refresh import rss


def test_refresh_hides_list_hidden_and_unhide(feed_server: Any, tmp_path: Path) -> None:
    data = tmp_path / "home"
    url = feed_server.add("/kill.xml", rss(
        ("Tide tables", "k1", "http://127.0.0.1/k1", "<p>High water at noon.</p>"),
        ("Horoscope for Tuesday", "k2", "http://127.0.0.1/k2", "<p>Stars.</p>"),
        ("Quay repairs", "k3", "http://127.0.0.1/k3", "<p>Work starts.</p>")))
    data.mkdir()
    (data / "config.toml").write_text('[[hide]]\ntitle = "horoscope"\n', encoding="utf-8")
    added = byline(data, "add", url)
    assert added.returncode == 0 and "3 new articles (1 hidden by rules)" in added.stdout
    feed_server.add("/kill.xml", rss(
        ("Horoscope for Wednesday", "k4", "http://127.0.0.1/k4", "<p>Planets.</p>"),
        ("Tide tables", "k1", "http://127.0.0.1/k1", "<p>High water at noon.</p>")))
    done = byline(data, "refresh")
    assert done.returncode == 0 and "1 new article (1 hidden by rules)" in done.stdout
    shown = json.loads(byline(data, "list", "--format", "json").stdout)
    assert sorted(r["title"] for r in shown) == ["Quay repairs", "Tide tables"]
    hidden = json.loads(byline(data, "list", "--hidden", "--filter", "tuesday",
                               "--format", "json").stdout)
    assert [r["title"] for r in hidden] == ["Horoscope for Tuesday"]
    found = json.loads(byline(data, "search", "stars", "--format", "json").stdout)
    assert [h["title"] for h in found] == ["Horoscope for Tuesday"]
    back = byline(data, "mark", str(hidden[0]["id"]), "--unhide")
    assert back.returncode == 0 and back.stdout.strip() == f"Marked {hidden[0]['id']} shown"
    assert len(json.loads(byline(data, "list", "--format", "json").stdout)) == 3
    again = byline(data, "mark", "--filter", "title:tide", "--hide")
    assert again.stdout.strip() == "Marked 1 article hidden"
    assert byline(data, "mark", "--filter", "tide", "--unhide").stdout.strip() == \
        "Marked 1 article shown"


def test_a_bad_rule_is_one_line_and_fetches_nothing(feed_server: Any, tmp_path: Path) -> None:
    data = tmp_path / "home"
    data.mkdir()
    url = feed_server.add("/kill-bad.xml", rss(("One", "b1", None, "<p>x</p>")))
    assert byline(data, "--offline", "add", url).returncode == 0
    (data / "config.toml").write_text('[[hide]]\ntitle = "(unclosed"\n', encoding="utf-8")
    done = byline(data, "refresh")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "[hide] number 1: title: bad regular expression '(unclosed'" in done.stderr
    assert feed_server.requests("/kill-bad.xml") == []
    check = byline(data, "--check-config")
    assert check.returncode == 1 and "bad regular expression" in check.stderr + check.stdout

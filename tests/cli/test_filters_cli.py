"""`byline list --filter/--view/--sort` and `byline search` with filter terms, as subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.library.store import Library, NewEntry
from reader.paths import resolve_paths

REPO = Path(__file__).resolve().parents[2]


def byline(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, BYLINE_DEBUG="")
    return subprocess.run([sys.executable, "-m", "reader", "--data-dir", str(data), *args],
                          cwd=REPO, capture_output=True, text=True, timeout=60, env=env)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    with Library.open(resolve_paths(home).library_file) as lib:
        feed = lib.add_feed("https://harbour.example/rss", title="Harbour Desk", tags=["news"])
        lib.store_entries(feed, [
            NewEntry(key=str(i), title=f"{topic} story {i}", raw=f"<p>All about {topic}.</p>",
                     authors=["Ines Okafor" if i % 2 else "Dev Lane"],
                     published=f"2026-11-{10 + i:02d}T08:00:00+00:00")
            for i, topic in enumerate(["climate", "ferry", "climate", "market", "climate"])])
        lib.set_starred(lib.entry_ids("all")[0], True)
    (home / "config.toml").write_text(
        '[[views]]\nname = "Climate, unread"\nfilter = "unread climate"\n', encoding="utf-8")
    return home


def _titles(done: subprocess.CompletedProcess[str]) -> list[str]:
    assert done.returncode == 0, done.stderr
    return [row["title"] for row in json.loads(done.stdout)]


def test_list_filter_view_and_sort(data: Path) -> None:
    assert _titles(byline(data, "list", "--filter", "climate -starred", "--format", "json")) \
        == ["climate story 2", "climate story 0"]
    assert _titles(byline(data, "list", "--filter", "author:okafor", "--format", "json")) \
        == ["market story 3", "ferry story 1"]
    assert _titles(byline(data, "list", "--view", "climate, UNREAD", "--filter", "@..2026-11-12",
                          "--format", "json")) == ["climate story 2", "climate story 0"]
    assert _titles(byline(data, "list", "--sort", "title", "--limit", "2", "--format", "json")) \
        == ["climate story 0", "climate story 2"]
    plain = byline(data, "list", "--filter", "starred")
    assert plain.returncode == 0 and "climate story 4" in plain.stdout
    assert len(plain.stdout.splitlines()) == 1


def test_search_takes_filter_terms(data: Path) -> None:
    done = byline(data, "search", "climate author:lane -starred", "--format", "json")
    assert sorted(_titles(done)) == ["climate story 0", "climate story 2"]   # equal ranks
    only_terms = byline(data, "search", "tag:news starred", "--format", "json")
    assert _titles(only_terms) == ["climate story 4"]


@pytest.mark.parametrize(("args", "says"), [
    (("list", "--filter", "tag:"), "byline: bad filter: tag: needs a value"),
    (("list", "--filter", "@yesterday"), "is not a date or an age"),
    (("list", "--view", "Nope"), "no view named 'Nope' (views: 'Climate, unread')"),
])
def test_mistakes_are_one_line(data: Path, args: tuple[str, ...], says: str) -> None:
    done = byline(data, *args)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and says in done.stderr


def test_mark_every_match_of_a_filter(data: Path) -> None:
    done = byline(data, "mark", "--filter", "climate -starred", "--read")
    assert done.returncode == 0 and done.stdout.strip() == "Marked 2 articles read"
    assert _titles(byline(data, "list", "--unread", "--format", "json")) == [
        "climate story 4", "market story 3", "ferry story 1"]
    bad = byline(data, "mark", "--filter", "tag:", "--read")
    assert bad.returncode == 1 and bad.stderr.startswith("byline: bad filter")
    nothing = byline(data, "mark", "--read")
    assert nothing.returncode == 1 and "give --filter EXPR" in nothing.stderr

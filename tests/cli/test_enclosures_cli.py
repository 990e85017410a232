"""Enclosures through the command line, as subprocesses against the loopback server:
`byline read ID` lists them (text and JSON)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli.test_library_cli import byline

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"


def podcast_library(feed_server: Any, data: Path) -> dict[str, int]:
    """A library subscribed to the podcast fixture and refreshed; entry ids by title."""
    url = feed_server.add("/podcast.xml", (FIXTURES / "podcast.xml").read_bytes(),
                          headers={"Content-Type": "application/rss+xml"})
    assert byline(data, "add", url).returncode == 0
    assert byline(data, "refresh").returncode == 0
    listed = byline(data, "list", "--format", "json")
    return {row["title"]: row["id"] for row in json.loads(listed.stdout)}


def test_read_lists_the_enclosures(feed_server: Any, tmp_path: Path) -> None:
    data = tmp_path / "home"
    ids = podcast_library(feed_server, data)
    twelve = str(ids["Episode 12: the night ferry crews"])
    shown = byline(data, "read", twelve, "--format", "json")
    assert shown.returncode == 0, shown.stderr
    enclosures = json.loads(shown.stdout)["enclosures"]
    assert enclosures[0] == {"url": feed_server.url("/audio/hh-12.mp3"), "type": "audio/mpeg",
                             "length": 48_200_000, "duration": 3130, "title": ""}
    text = byline(data, "read", twelve, "--format", "text")
    assert "Enclosures (3)" in text.stdout
    assert "1. ♪ audio/mpeg · 48.2 MB · 52:10 · hh-12.mp3" in text.stdout
    markdown = byline(data, "read", twelve, "--format", "markdown")
    assert "## Enclosures (3)" in markdown.stdout

"""Enclosures through the command line, as subprocesses against the loopback server:
`byline read ID` lists them (text, Markdown, JSON); `byline download ID` saves one, resumes
after a kill, and says what went wrong in one line."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from reader.sources.enclosures import human_size
from tests.cli.test_library_cli import REPO, byline

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
AUDIO = bytes(range(256)) * 4096  # 1,048,576 bytes


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


def test_download_saves_then_says_it_is_there(feed_server: Any, tmp_path: Path) -> None:
    data = tmp_path / "home"
    ids = podcast_library(feed_server, data)
    feed_server.add("/audio/hh-12.mp3", AUDIO, headers={"Content-Type": "audio/mpeg"},
                    ranges=True)
    twelve = str(ids["Episode 12: the night ferry crews"])
    done = byline(data, "download", twelve)
    assert done.returncode == 0, done.stderr
    (saved,) = (data / "downloads").iterdir()
    assert saved.name.startswith("Episode-12-the-night-ferry-crews-") and saved.suffix == ".mp3"
    assert saved.read_bytes() == AUDIO
    assert done.stdout == f"Saved {saved} (1.0 MB)\n" and done.stderr == ""
    again = byline(data, "download", twelve)
    assert again.stdout == f"Already downloaded: {saved} (1.0 MB)\n"


def test_a_killed_download_resumes(feed_server: Any, tmp_path: Path) -> None:
    data = tmp_path / "home"
    ids = podcast_library(feed_server, data)
    feed_server.add("/audio/hh-12.mp3", AUDIO, headers={"Content-Type": "audio/mpeg"},
                    ranges=True, etag='"a1"', pace=0.05)   # 16 pieces, about 0.8 s
    twelve = str(ids["Episode 12: the night ferry crews"])
    proc = subprocess.Popen([sys.executable, "-m", "reader", "--data-dir", str(data),
                             "download", twelve], cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    part = None
    for _ in range(500):
        parts = list((data / "downloads").glob("*.part")) if (data / "downloads").exists() \
            else []
        if parts and parts[0].stat().st_size >= 3 * 65536:
            part = parts[0]
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert part is not None and 0 < part.stat().st_size < len(AUDIO)
    kept = part.stat().st_size
    feed_server.add("/audio/hh-12.mp3", AUDIO, headers={"Content-Type": "audio/mpeg"},
                    ranges=True, etag='"a1"')
    done = byline(data, "download", twelve)
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith(f"(1.0 MB, resumed at {human_size(kept)})\n")
    (saved,) = (data / "downloads").iterdir()
    assert saved.read_bytes() == AUDIO
    assert feed_server.requests("/audio/hh-12.mp3")[-1]["range"] == f"bytes={kept}-"


@pytest.mark.parametrize(("args", "message"), [
    (["-n", "9"], "byline: article {id} has 3 enclosures; -n takes 1 to 3\n"),
    (["--max-mb", "0"], "byline: --max-mb takes a whole number of at least 1\n"),
])
def test_download_mistakes_are_one_line(feed_server: Any, tmp_path: Path, args: list[str],
                                        message: str) -> None:
    data = tmp_path / "home"
    ids = podcast_library(feed_server, data)
    twelve = ids["Episode 12: the night ferry crews"]
    done = byline(data, "download", str(twelve), *args)
    assert (done.returncode, done.stdout, done.stderr) == (1, "", message.format(id=twelve))


def test_download_of_a_web_page_or_too_big_a_file_is_one_line(feed_server: Any,
                                                              tmp_path: Path) -> None:
    data = tmp_path / "home"
    ids = podcast_library(feed_server, data)
    twelve = str(ids["Episode 12: the night ferry crews"])
    feed_server.add("/audio/hh-12.mp3", b"<html>Subscribe first</html>",
                    headers={"Content-Type": "text/html"})
    done = byline(data, "download", twelve)
    assert (done.returncode, done.stderr) == (
        1, "byline: not downloaded: the server sent a web page (text/html), not audio/mpeg\n")
    feed_server.add("/audio/hh-12.mp3", AUDIO, headers={"Content-Type": "audio/mpeg"})
    done = byline(data, "download", twelve, "--max-mb", "1")
    assert (done.returncode, done.stderr) == (
        1, "byline: not downloaded: 1,048,576 bytes, over the cap of 1,000,000 bytes "
        "(download_max_mb in config.toml)\n")
    assert not any((data / "downloads").iterdir())
    no_enclosures = byline(data, "download", "999")
    assert no_enclosures.stderr == "byline: no article 999 in the library (see byline list)\n"

"""`byline read` stays light (issue 2): a local article never imports the TUI or feed stacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "reader" / "samples"
# Run `byline read` in-process, then report which heavy packages it loaded.
PROBE = """
import contextlib, io, json, sys
from reader.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
heavy = ("textual", "feedparser", "lxml", "httpx", "trafilatura", "rich", "charset_normalizer")
print(json.dumps({"code": code, "loaded": sorted(m for m in heavy if m in sys.modules)}))
"""


def loaded_by(*args: str, tmp: Path) -> list[str]:
    proc = subprocess.run([sys.executable, "-c", PROBE, "--data-dir", str(tmp), *args],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["code"] == 0
    return list(result["loaded"])


@pytest.mark.parametrize("fmt", ["json", "text", "markdown"])
def test_reading_a_text_file_imports_no_heavy_package(tmp_path: Path, fmt: str) -> None:
    assert loaded_by("read", str(SAMPLES / "harbour-ferry.txt"), "--format", fmt,
                     tmp=tmp_path) == []


def test_a_local_feed_file_still_gets_the_feed_parser(tmp_path: Path) -> None:
    feed = tmp_path / "news.xml"
    feed.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour news'
                    "</title><item><title>Ferry timetable changes</title>"
                    "<link>https://example.org/ferry</link><description>The winter timetable"
                    " starts on Monday.</description></item></channel></rss>", encoding="utf-8")
    assert "lxml" in loaded_by("read", str(feed), "--format", "json", tmp=tmp_path)

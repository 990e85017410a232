"""Hostile enclosures: URLs, sizes, durations, types and names a feed controls, through
refresh, `byline read ID` and `byline download ID` as subprocesses against the loopback server.
Unusable fields are dropped, output stays clean, files land only where Byline names them, and
every failure is one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from hostile import payloads as P
from hostile.checks import assert_clean_bytes, assert_one_line_error

REPO = Path(__file__).resolve().parents[2]
AUDIO = bytes(range(256)) * 64


def _run(data: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "reader", "--data-dir", str(data), *args],
                          capture_output=True, timeout=60, env=env, stdin=subprocess.DEVNULL,
                          check=False)


def _enclosure(url: str, length: str = "100", kind: str = "audio/mpeg") -> str:
    return f'<enclosure url="{P.xml_text(url)}" length="{P.xml_text(length)}" ' \
           f'type="{P.xml_text(kind)}"/>'


def _item(guid: str, title: str, *enclosures: str, extra: str = "") -> str:
    return (f"<item><title>{P.xml_text(title)}</title><guid>{guid}</guid>"
            f"<description>Harbour audio.</description>{''.join(enclosures)}{extra}</item>")


@pytest.fixture(scope="module")
def library(_feed_server_session: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[
        Path, dict[str, int], Any]:
    """A data dir subscribed to a feed of hostile enclosures and refreshed; ids by guid."""
    server = _feed_server_session
    base = server.url("")
    items = [
        _item("schemes", "Schemes", *(_enclosure(u) for u in (
            "javascript:alert(1)", "data:audio/mpeg;base64,AAAA", "file:///etc/passwd",
            "--input-ipc-server=/tmp/x", "ftp://127.0.0.1/a.mp3", "vbscript:x",
            "http://", "https://[::1", "\x1b]0;pwned\x07https://a.example/x.mp3",
            "https://pod.example/" + "a" * 5000 + ".mp3"))),
        _item("fields", P.HOSTILE_TITLE,
              _enclosure(f"{base}/media/%2e%2e%2f%2e%2e%2fbashrc", "-1", "[bold]audio/mpeg[/]"),
              _enclosure(f"{base}/media/two.mp3", "99999999999999999999",
                         "audio/mpeg\x1b[31m"),
              extra="<itunes:duration>\x1b[2J99:99:99</itunes:duration>"),
        _item("traversal", "../../../../tmp/escaped\x00name",
              _enclosure(f"{base}/media/../../.bashrc", str(len(AUDIO)))),
        _item("nothing", "Nothing", _enclosure("javascript:alert(1)"),
              _enclosure("data:audio/mpeg;base64,AAAA"), _enclosure("file:///etc/passwd")),
        _item("many", "Many", *(_enclosure(f"https://pod.example/{i}.mp3")
                                for i in range(5000))),
        _item("bigger", "Bigger", _enclosure(f"{base}/media/bigger.mp3", "10")),
        _item("redirect", "Redirect", _enclosure(f"{base}/to-file")),
        _item("missing", "Missing", _enclosure(f"{base}/404")),
    ]
    body = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>'
            f"<title>Hostile Pod</title>{''.join(items)}</channel></rss>").encode()
    url = server.add("/enclosures-hostile.xml", body,
                     headers={"Content-Type": "application/rss+xml"})
    data = tmp_path_factory.mktemp("enclosure-hostile") / "byline-data"
    assert _run(data, "add", url).returncode == 0
    refreshed = _run(data, "refresh")
    assert refreshed.returncode == 0, refreshed.stderr
    listed = json.loads(_run(data, "list", "--format", "json", "--limit", "100").stdout)
    with_guid = {}
    for row in listed:
        shown = json.loads(_run(data, "read", str(row["id"]), "--format", "json").stdout)
        with_guid[row["id"]] = shown
    ids = {}
    for entry_id, shown in with_guid.items():
        title = shown["title"]
        key = title.lower() if title in ("Schemes", "Nothing", "Many", "Bigger", "Redirect",
                                         "Missing") else \
            "traversal" if title.endswith("escapedname") else "fields"
        ids[key] = entry_id
    return data, ids, server


def test_unusable_urls_drop_the_enclosure(library: tuple[Path, dict[str, int], Any]) -> None:
    data, ids, server = library
    shown = json.loads(_run(data, "read", str(ids["schemes"]), "--format", "json").stdout)
    # only what resolves against the feed to an http(s) URL on its host is kept
    assert all(e["url"].startswith(server.url("/")) for e in shown["enclosures"])
    assert len(shown["enclosures"]) == 2
    nothing = json.loads(_run(data, "read", str(ids["nothing"]), "--format", "json").stdout)
    assert "enclosures" not in nothing
    many = json.loads(_run(data, "read", str(ids["many"]), "--format", "json").stdout)
    assert len(many["enclosures"]) == 20


def test_absurd_sizes_durations_and_types_are_unknown_and_output_is_clean(
        library: tuple[Path, dict[str, int], Any]) -> None:
    data, ids, _ = library
    proc = _run(data, "read", str(ids["fields"]), "--format", "json")
    assert proc.returncode == 0
    found = json.loads(proc.stdout)["enclosures"]
    assert [(e["type"], e["length"], e["duration"]) for e in found] == [("", None, None),
                                                                        ("", None, None)]
    for form in ("text", "markdown", "json"):
        out = _run(data, "read", str(ids["fields"]), "--format", form)
        assert_clean_bytes(out.stdout + out.stderr)


def test_a_download_lands_in_the_folder_under_a_name_byline_made(
        library: tuple[Path, dict[str, int], Any], tmp_path: Path) -> None:
    data, ids, server = library
    server.add("/media/../../.bashrc", AUDIO, headers={"Content-Type": "audio/mpeg"})
    server.add("/.bashrc", AUDIO, headers={"Content-Type": "audio/mpeg"})
    folder = tmp_path / "downloads"
    proc = _run(data, "download", str(ids["traversal"]), "--to", str(folder))
    assert proc.returncode == 0, proc.stderr
    (saved,) = folder.iterdir()
    assert saved.name.startswith("tmp-escapedname-") and saved.suffix == ".mp3"
    assert saved.read_bytes() == AUDIO
    assert not (tmp_path / "escaped").exists() and sorted(os.listdir(tmp_path)) == ["downloads"]
    assert_clean_bytes(proc.stdout + proc.stderr)


@pytest.mark.parametrize(("key", "reasons"), [
    ("nothing", ["has no enclosures"]),
    ("redirect", ["redirected to a non-http(s) URL"]),
    ("missing", ["http 404"]),
    ("bigger", ["over the cap"]),
])
def test_download_failures_are_one_line(library: tuple[Path, dict[str, int], Any],
                                        tmp_path: Path, key: str, reasons: list[str]) -> None:
    data, ids, server = library
    server.add("/media/bigger.mp3", b"x", headers={"Content-Type": "audio/mpeg"},
               length=5_000_000)
    proc = _run(data, "download", str(ids[key]), "--to", str(tmp_path / "d"), "--max-mb", "1")
    assert_one_line_error(proc, *reasons)
    assert not (tmp_path / "d").exists() or not any((tmp_path / "d").iterdir())

"""Hostile data through every library command's output (`list`, `feeds`, `search`,
`export`, `read URL`): one-line errors, valid output, and no control byte on stdout/stderr,
whether or not stdout is a terminal (cases 37-44, 36)."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from hostile import payloads as P
from hostile.checks import assert_clean_bytes, assert_one_line_error
from reader.library.opml import parse_opml

REPO = Path(__file__).resolve().parents[2]


def _run(data: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "reader", "--data-dir", str(data), *args],
                          capture_output=True, timeout=60, env=env, stdin=subprocess.DEVNULL,
                          check=False)


@pytest.fixture(scope="module")
def hostile_library(_feed_server_session, tmp_path_factory) -> tuple[Path, str]:
    """A data dir subscribed to a feed whose every field is hostile, refreshed once."""
    url = _feed_server_session.add("/cli-hostile.xml", P.rss([
        {"title": P.xml_text(P.HOSTILE_TITLE), "guid": "one", "link": "javascript:alert(1)",
         "description": P.xml_text("<p>Harbour " + "".join(P.ESCAPES) + " story</p>")},
        {"title": "[@click=app.quit]x[/] harbour", "guid": "two",
         "link": "http://127.0.0.1/two", "description": "&lt;p&gt;Second harbour&lt;/p&gt;"},
    ], title=P.xml_text("[/]Evil\x1b]0;feed\x07 \u202efeed")))
    data = tmp_path_factory.mktemp("cli-hostile") / "byline-data"
    assert _run(data, "--offline", "add", url).returncode == 0
    proc = _run(data, "refresh")
    assert proc.returncode == 0, proc.stderr
    assert_clean_bytes(proc.stdout + proc.stderr)
    return data, url


@pytest.mark.parametrize("command", [["list"], ["list", "--format", "json"], ["feeds"],
                                     ["feeds", "--format", "json"], ["search", "harbour"],
                                     ["search", "harbour", "--format", "json"], ["export"]])
def test_library_commands_print_clean_output(hostile_library: tuple[Path, str],
                                             command: list[str]) -> None:
    data, url = hostile_library
    proc = _run(data, *command)
    assert proc.returncode == 0, proc.stderr
    assert_clean_bytes(proc.stdout + proc.stderr)
    out = proc.stdout.decode()
    if "json" in command:
        json.loads(out)
    if command == ["export"]:
        found = parse_opml(proc.stdout)  # hostile titles still make valid OPML
        assert [s.url for s in found.subscriptions] == [url]
    if command[0] in ("list", "search"):
        assert "[@click=app.quit]x[/]" in out


def test_list_on_a_terminal_is_clean(hostile_library: tuple[Path, str]) -> None:
    """With a real terminal (Rich styling on), only SGR styling sequences appear."""
    main, secondary = pty.openpty()
    data = hostile_library[0]
    env = {**os.environ, "PYTHONPATH": str(REPO), "TERM": "xterm-256color", "COLUMNS": "120"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([sys.executable, "-m", "reader", "--data-dir", str(data), "list"],
                            stdout=secondary, stderr=secondary, stdin=subprocess.DEVNULL,
                            env=env)
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(30)
    os.close(main)
    raw = b"".join(chunks)
    assert proc.returncode == 0, raw[-500:]
    text = raw.decode("utf-8", "replace").replace("\r\n", "\n")
    assert "\x1b" in text or "harbour" in text
    assert_clean_bytes(re.sub(r"\x1b\[[0-9;]*m", "", text).encode())
    assert "[@click=app.quit]x[/]" in text


HOSTILE_QUERIES = ['"', "*", "NEAR(", "harbour AND", "-x", "^", "a:b", "\x1b]0;t\x07", "[/]",
                   "'; DROP TABLE entries; --", "title:*", "(((", "\u202e", "\x00", "",
                   "\ud800", "harbour" * 500]


def test_search_accepts_any_query(hostile_library: tuple[Path, str]) -> None:
    """FTS5 syntax in a query is text to find, never an error or an injection."""
    from reader.library.store import Library

    with Library.open(hostile_library[0] / "library.db") as library:
        for query in HOSTILE_QUERIES:
            for hit in library.search(query):
                assert hit.title and hit.entry_id
        assert len(library.search("harbour")) == 2  # nothing was dropped
    for query in ("-x", '"', "NEAR("):
        proc = _run(hostile_library[0], "search", "--", query)
        assert proc.returncode in (0, 1) and b"Traceback" not in proc.stderr, proc.stderr
        assert_clean_bytes(proc.stdout + proc.stderr)


@pytest.mark.parametrize(("path", "reason"), [
    ("/gzip-bomb", "too large"), ("/loop", "redirect loop"), ("/to-file", "unsafe url"),
    ("/410", "gone"),
])
def test_read_url_failures_are_one_line(feed_server, byline, path: str, reason: str) -> None:
    assert_one_line_error(byline("read", feed_server.url(path), timeout=60), reason)


@pytest.mark.parametrize("target", ["javascript:alert(1)", "--renderer-cmd-prefix=xcalc"])
def test_read_refuses_non_http_targets(byline, target: str) -> None:
    proc = byline("read", "--", target) if target.startswith("-") else byline("read", target)
    assert_one_line_error(proc, "cannot read", "no such file", "http")


def test_read_url_of_a_hostile_page(feed_server, byline) -> None:
    page = ("<html><head><title>" + P.xml_text(P.HOSTILE_TITLE) + "</title></head><body>"
            "<article><p>" + P.xml_text("".join(P.ESCAPES)) + "Readable words in a paragraph "
            "long enough to count as the article body of this page.</p></article></body>"
            "</html>").encode()
    url = feed_server.add("/page.html", page, headers={"Content-Type": "text/html"})
    for fmt in ("text", "markdown", "json"):
        proc = byline("read", url, "--format", fmt)
        assert proc.returncode == 0, proc.stderr
        assert_clean_bytes(proc.stdout)
        assert b"Readable words" in proc.stdout


@pytest.mark.parametrize(("path", "reason"), [("/gzip-bomb", "too large"),
                                              ("/loop", "redirect loop"),
                                              ("/to-javascript", "unsafe url"),
                                              ("/add/png", "not a feed"),
                                              ("/add/laughs", "unsafe XML")])
def test_add_refuses_hostile_answers(feed_server, byline, path: str, reason: str) -> None:
    """`byline add URL`: one line, and no subscription is left behind."""
    feed_server.add("/add/png", P.PNG, headers={"Content-Type": "image/png"})
    feed_server.add("/add/laughs", P.billion_laughs())
    assert_one_line_error(byline("add", feed_server.url(path), timeout=60), reason)
    assert json.loads(byline("feeds", "--format", "json").stdout or b"[]") == []


@pytest.mark.parametrize("path", ["/gzip-bomb", "/huge-chunked"])
def test_bombs_stay_within_memory(feed_server, path: str) -> None:
    """Cases 2-3: reading 1 GiB of gzip (or 50 MB chunked) stops at the 10 MB cap; the
    process's peak memory stays far below what decoding it would take."""
    # VmHWM is this process's own peak: ru_maxrss would carry the forking pytest's peak
    # across exec (Linux keeps it in the signal struct), failing the test in a big run.
    code = ("import re, sys\n"
            "from reader.sources.http import FetchError, fetch_url\n"
            "try:\n    fetch_url(sys.argv[1])\nexcept FetchError as exc:\n    print(exc.kind)\n"
            "status = open('/proc/self/status').read()\n"
            "print(int(re.search(r'VmHWM:\\s+(\\d+)', status).group(1)) // 1024)\n")
    proc = subprocess.run([sys.executable, "-c", code, feed_server.url(path)],
                          capture_output=True, timeout=60, check=False,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    kind, peak_mb = proc.stdout.decode().splitlines()
    assert kind == "too large", proc.stderr
    assert int(peak_mb) < 200, f"peak RSS {peak_mb} MB"


def test_read_url_of_feeds_with_a_doctype(feed_server, byline) -> None:
    """A feed that declares an entity is still a feed; an entity bomb is refused as unsafe;
    a subset too big to sniff is read without expanding anything."""
    benign = P.rss([{"title": "Caf&eacute;&nbsp;news", "guid": "d1"}],
                   prolog='\n<!DOCTYPE rss [<!ENTITY nbsp "&#160;"><!ENTITY eacute "&#233;">]>')
    proc = byline("read", feed_server.add("/doctype.xml", benign), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["articles"][0]["title"] == "Café news"
    assert_one_line_error(byline("read", feed_server.add("/laughs.xml", P.billion_laughs())),
                          "unsafe XML")
    proc = byline("read", feed_server.add("/quad.xml", P.quadratic_blowup()), timeout=60)
    assert proc.returncode in (0, 1) and b"Traceback" not in proc.stderr
    assert len(proc.stdout) < 3 * len(P.quadratic_blowup())  # nothing was expanded

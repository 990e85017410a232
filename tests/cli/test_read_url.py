"""`byline read URL` against the loopback server: pages, feeds, errors, the offline cache."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_read_cli import SAMPLES, byline, check_contract, read_json


def test_reads_a_web_page(feed_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = (SAMPLES / "library-reopens.html").read_bytes()
    feed_server.add("/story.html", body=page, headers={"Content-Type": "text/html; charset=utf-8"})
    doc = read_json("read", feed_server.url("/story.html"), tmp=tmp_path)
    check_contract(doc)
    assert doc["title"] == "Riverside library reopens after flood repairs"
    assert doc["source"] == feed_server.url("/story.html")
    assert any("nine thousand books" in b["text"] for b in doc["blocks"])


def test_reads_a_feed_url(feed_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    feed = (SAMPLES / "byline-sample-feed.xml").read_bytes()
    feed_server.add("/feed.xml", body=feed, headers={"Content-Type": "application/rss+xml"})
    doc = read_json("read", feed_server.url("/feed.xml"), tmp=tmp_path)
    assert doc["feed"]["title"] == "Byline Sample Desk"
    assert [a["url"] for a in doc["articles"]][:1] == [
        "https://desk.example.net/2026/11/bus-timetable-hackathon"]


def test_raw_page_is_the_original(feed_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    feed_server.add("/plain.html", body=b"<html><body><p>Advertisement</p><p>Hello there, "
                    b"readers of the loopback.</p></body></html>",
                    headers={"Content-Type": "text/html"})
    proc = byline("read", feed_server.url("/plain.html"), "--raw", tmp=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "<p>Advertisement</p>" in proc.stdout


def test_http_errors_are_one_line(feed_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    feed_server.add("/missing", status=404, body=b"gone fishing")
    for path in ("/missing", "/loop"):
        proc = byline("read", feed_server.url(path), tmp=tmp_path)
        assert proc.returncode != 0
        assert proc.stdout == ""
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("byline: "), proc.stderr
        assert "Traceback" not in proc.stderr


def test_read_by_library_id_offline(feed_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    feed = (SAMPLES / "byline-sample-feed.xml").read_bytes()
    url = feed_server.add("/desk.xml", body=feed, headers={"Content-Type": "application/rss+xml"})
    assert byline("add", url, tmp=tmp_path).returncode == 0
    assert byline("refresh", tmp=tmp_path).returncode == 0
    listed = json.loads(byline("list", "--format", "json", tmp=tmp_path).stdout)
    entry = next(e for e in listed if "honey" in e["title"])
    doc = read_json("--offline", "read", str(entry["id"]), tmp=tmp_path)
    assert doc["title"] == "Beekeepers report a record honey harvest after a wet spring"
    assert doc["quotes"][0]["speaker"] == "Grace Abara"
    by_url = byline("--offline", "read", "https://desk.example.net/2026/11/honey-harvest",
                    "--format", "json", tmp=tmp_path)
    assert by_url.returncode == 0, by_url.stderr
    assert json.loads(by_url.stdout)["title"] == doc["title"]
    missing = byline("read", "987654", tmp=tmp_path)
    assert missing.returncode != 0 and "no library entry" in missing.stderr

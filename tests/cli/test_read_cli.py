"""`byline read` as a subprocess: formats, the JSON contract, and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "reader" / "samples"
CONTRACT_KEYS = {"title", "source", "url", "authors", "published", "blocks", "quotes",
                 "related", "removed"}
BLOCK_KINDS = {"paragraph", "heading", "list_item", "blockquote", "media", "preformatted"}


def byline(*args: str, env: dict[str, str] | None = None, tmp: Path | None = None,
           ) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    data_dir = ["--data-dir", str(tmp)] if tmp else []
    return subprocess.run([sys.executable, "-m", "reader", *data_dir, *args],
                          capture_output=True, text=True, env=full_env, timeout=120)


def read_json(*args: str, tmp: Path | None = None) -> dict:
    """`byline *args --format json`, which must succeed: its document."""
    proc = byline(*args, "--format", "json", tmp=tmp)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def check_contract(doc: dict) -> None:
    assert doc.keys() >= CONTRACT_KEYS
    for block in doc["blocks"]:
        assert block["kind"] in BLOCK_KINDS
        for span in block.get("quotes", []):
            assert 0 <= span["start"] < span["end"] <= len(block["text"])
    for quote in doc["quotes"]:
        assert 0 <= quote["block"] < len(doc["blocks"])
        assert quote["text"] in doc["blocks"][quote["block"]]["text"]
    for link in doc["related"]:
        assert set(link) == {"title", "url"}


def test_json_of_a_plain_text_sample(tmp_path: Path) -> None:
    doc = read_json("read", str(SAMPLES / "harbour-ferry.txt"), tmp=tmp_path)
    check_contract(doc)
    assert doc["title"] == "Island ferry crews train for winter storms as new route opens"
    assert doc["source"] == str(SAMPLES / "harbour-ferry.txt")
    body = " ".join(b["text"] for b in doc["blocks"])
    assert "Story continues below advertisement" not in body
    assert "Story continues below advertisement" in doc["removed"]
    assert "Sponsored content" in doc["removed"]
    titles = [r["title"] for r in doc["related"]]
    assert titles == ["Small Mell school to stay open after island families return",
                      "Harbour authority approves second berth at Port Aske"]
    speakers = {q["speaker"] for q in doc["quotes"]}
    assert {"Ines Okafor", "Tomas Brennan", "Maura Fenwick", "Rowan Adeyemi"} <= speakers
    # the fishermen's word inside reported speech: a partial quote, not a direct one
    assert [q["kind"] for q in doc["quotes"] if q["text"].strip(" ,.") == "optimistic"] == [
        "partial"]
    assert any(b["kind"] == "media" for b in doc["blocks"])


def test_markdown_sample_front_matter(tmp_path: Path) -> None:
    doc = read_json("read", str(SAMPLES / "night-trains.md"), tmp=tmp_path)
    check_contract(doc)
    assert doc["title"] == "The quiet return of the night train"
    assert doc["authors"] == ["Priya Natarajan"]
    assert doc["published"].startswith("2026-09-14")
    assert doc["url"] == "https://example.org/travel/the-quiet-return-of-the-night-train"
    assert [r["url"] for r in doc["related"]] == [
        "https://example.org/travel/border-stations",
        "https://example.org/travel/sleeper-carriages",
    ]
    speakers = [q["speaker"] for q in doc["quotes"]]
    assert "Hanna Lindqvist" in speakers and "Marco Bellini" in speakers


def test_html_sample_metadata_and_related(tmp_path: Path) -> None:
    proc = byline("read", str(SAMPLES / "library-reopens.html"), "--format", "json",
                  tmp=tmp_path)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    check_contract(doc)
    assert doc["title"] == "Riverside library reopens after flood repairs"
    assert doc["url"] == "https://courier.example.com/local/riverside-library-reopens"
    assert doc["authors"] == ["Dara Quist"]
    assert doc["published"].startswith("2026-11-02")
    body = " ".join(b["text"] for b in doc["blocks"] if b["kind"] != "media")
    assert "cookies" not in body and "All rights reserved" not in body
    assert "Skip to content" not in body
    assert [r["url"] for r in doc["related"]] == [
        "https://courier.example.com/local/flood-barrier-vote",
        "https://courier.example.com/local/mobile-library-summer",
    ]
    assert {"Colm Varga", "Ayesha Rahman"} <= {q["speaker"] for q in doc["quotes"]}


def test_feed_file_gives_feed_object(tmp_path: Path) -> None:
    proc = byline("read", str(SAMPLES / "byline-sample-feed.xml"), "--format", "json",
                  tmp=tmp_path)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["feed"]["title"] == "Byline Sample Desk"
    assert doc["feed"]["link"] == "https://desk.example.net/"
    assert len(doc["articles"]) == 3
    for article in doc["articles"]:
        check_contract(article)
    third = doc["articles"][2]
    assert third["title"] == "Night swimmers brave the harbour for a midwinter charity dip"
    links = [(b["text"][k["start"]:k["end"]], k["url"])
             for b in third["blocks"] for k in b.get("links", [])]
    assert links[0] == ("new lifeboat station",
                        "https://desk.example.net/2026/10/lifeboat-station")


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_text_and_markdown_formats(tmp_path: Path, fmt: str) -> None:
    proc = byline("read", str(SAMPLES / "harbour-ferry.txt"), "--format", fmt, tmp=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Island ferry crews train for winter storms" in out
    assert "Story continues below advertisement" not in out
    assert "Ines Okafor" in out
    assert "Related (2)" in out
    assert "\x1b" not in out  # piped / NO_COLOR: plain
    if fmt == "markdown":
        assert out.startswith("# Island ferry crews")


def test_raw_keeps_everything(tmp_path: Path) -> None:
    proc = byline("read", str(SAMPLES / "harbour-ferry.txt"), "--raw", tmp=tmp_path)
    assert proc.returncode == 0
    assert proc.stdout == (SAMPLES / "harbour-ferry.txt").read_text(encoding="utf-8")


def test_escape_sequences_never_reach_the_terminal(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.txt"
    hostile.write_text("Title \x1b]0;pwned\x07with \x1b[2Jescapes\n\n"
                       "Body text \x9b31m here [bold]not markup[/] and \u202eevil.\n",
                       encoding="utf-8")
    for fmt in ("text", "markdown", "json"):
        proc = byline("read", str(hostile), "--format", fmt, tmp=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert "\x1b" not in proc.stdout and "\x9b" not in proc.stdout
        assert "\u202e" not in proc.stdout and "pwned" not in proc.stdout
        assert "[bold]not markup[/]" in proc.stdout.replace("\\[", "[").replace("\\]", "]")
    proc = byline("read", str(hostile), "--raw", tmp=tmp_path)
    assert "\x1b" not in proc.stdout


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.md", b"  \n\n \t\n", "empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "binary"),
        ("doc.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 8, "binary"),
    ],
)
def test_bad_files_give_one_line_errors(tmp_path: Path, name: str, content: bytes,
                                        reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    proc = byline("read", str(path), "--format", "json", tmp=tmp_path)
    assert proc.returncode != 0
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("byline: ")
    assert reason in lines[0]
    assert "Traceback" not in proc.stderr


def test_missing_file_and_directory(tmp_path: Path) -> None:
    for target in (tmp_path / "nope.txt", tmp_path):
        proc = byline("read", str(target), tmp=tmp_path)
        assert proc.returncode != 0
        assert proc.stderr.startswith("byline: cannot read")
        assert len(proc.stderr.strip().splitlines()) == 1


def test_non_http_url_refused(tmp_path: Path) -> None:
    proc = byline("read", "https://", tmp=tmp_path)
    assert proc.returncode != 0 and proc.stderr.startswith("byline: ")
    proc = byline("read", "http://127.0.0.1:9/nothing", "--offline", tmp=tmp_path)
    assert proc.returncode != 0 and "offline" in proc.stderr


def test_latin1_file_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Caf\xe9 owners welcome the new bridge\n\nThe caf\xe9 on the "
                     "corner re-opened on Monday, its owner said.\n".encode("latin-1"))
    doc = read_json("read", str(path), tmp=tmp_path)
    assert doc["title"] == "Café owners welcome the new bridge"


ARCHIVE = Path(__file__).resolve().parents[1] / "fixtures" / "quotes" / "archive-style.txt"


def test_quote_kinds_in_json_and_markdown(tmp_path: Path) -> None:
    doc = read_json("read", str(ARCHIVE), tmp=tmp_path)
    check_contract(doc)
    kinds = {q["text"]: (q["kind"], q["speaker"]) for q in doc["quotes"]}
    assert kinds["a relief for every family on Quay Street"] == ("partial", "Tomasz Wilk")
    assert kinds["People come here for the sea"] == ("direct", "Dorothy Pellworth")
    spans = [s for b in doc["blocks"] for s in b.get("quotes", [])]
    assert [s["kind"] for s in spans] == [q["kind"] for q in doc["quotes"]]
    proc = byline("read", str(ARCHIVE), "--format", "markdown", tmp=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "> “a relief for every family on Quay Street” — Tomasz Wilk (partial)" in proc.stdout

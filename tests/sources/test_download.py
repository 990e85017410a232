"""Downloading enclosures from the loopback server: streamed to a `.part`, resumed with
Range/If-Range, started over when the file changed or the server cannot resume, capped,
type-checked, redirects checked, and named by Byline only."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from reader.sources.download import DownloadError, download, file_name

BODY = bytes(range(256)) * 1200          # 307,200 bytes, every offset distinguishable
NAME = "episode-12-0123456789.mp3"


def _get(feed_server: Any, folder: Path, path: str = "/hh-12.mp3", **kw: Any):
    return download(feed_server.url(path), folder, NAME, expected_type="audio/mpeg", **kw)


def test_a_whole_file_with_progress(feed_server: Any, tmp_path: Path) -> None:
    feed_server.add("/hh-12.mp3", BODY, headers={"Content-Type": "audio/mpeg"}, ranges=True)
    seen: list[tuple[int, int | None]] = []
    done = _get(feed_server, tmp_path, progress=lambda d, t: seen.append((d, t)))
    assert done.path == tmp_path / NAME and done.path.read_bytes() == BODY
    assert (done.size, done.resumed_from, done.already) == (len(BODY), 0, False)
    assert seen[0] == (0, len(BODY)) and seen[-1] == (len(BODY), len(BODY))
    assert sorted(os.listdir(tmp_path)) == [NAME]       # no .part, no .part.json left
    assert feed_server.requests("/hh-12.mp3")[0]["accept-encoding"] == "identity"
    again = _get(feed_server, tmp_path)
    assert again.already and len(feed_server.requests("/hh-12.mp3")) == 1


def test_an_interrupted_download_resumes_with_range_and_if_range(feed_server: Any,
                                                                 tmp_path: Path) -> None:
    feed_server.add("/hh-12.mp3", BODY, headers={"Content-Type": "audio/mpeg"}, etag='"v1"',
                    ranges=True, stall_after=100_000)
    with pytest.raises(DownloadError, match=r"^interrupted at .* kept: run the same command "
                       r"again to resume$"):
        _get(feed_server, tmp_path)
    assert (tmp_path / (NAME + ".part")).stat().st_size == 100_000
    feed_server.add("/hh-12.mp3", BODY, headers={"Content-Type": "audio/mpeg"}, etag='"v1"',
                    ranges=True)
    done = _get(feed_server, tmp_path)
    assert done.path.read_bytes() == BODY and done.resumed_from == 100_000
    second = feed_server.requests("/hh-12.mp3")[1]
    assert second["range"] == "bytes=100000-" and second["if-range"] == '"v1"'


def test_a_changed_file_is_fetched_whole_again(feed_server: Any, tmp_path: Path) -> None:
    feed_server.add("/hh-12.mp3", BODY, headers={"Content-Type": "audio/mpeg"}, etag='"v1"',
                    ranges=True, stall_after=50_000)
    with pytest.raises(DownloadError):
        _get(feed_server, tmp_path)
    changed = BODY[::-1]
    feed_server.add("/hh-12.mp3", changed, headers={"Content-Type": "audio/mpeg"},
                    etag='"v2"', ranges=True)
    done = _get(feed_server, tmp_path)
    assert done.path.read_bytes() == changed and done.resumed_from == 0


def test_a_server_without_ranges_sends_it_all_and_that_is_kept(feed_server: Any,
                                                               tmp_path: Path) -> None:
    feed_server.add("/hh-12.mp3", BODY, headers={"Content-Type": "audio/mpeg"},
                    stall_after=50_000)
    with pytest.raises(DownloadError):
        _get(feed_server, tmp_path)
    feed_server.add("/hh-12.mp3", BODY, headers={"Content-Type": "audio/mpeg"})
    assert _get(feed_server, tmp_path).path.read_bytes() == BODY


def test_a_part_that_was_already_whole_is_finished_on_416(feed_server: Any,
                                                          tmp_path: Path) -> None:
    feed_server.add("/hh-12.mp3", BODY, headers={"Content-Type": "audio/mpeg"}, ranges=True)
    (tmp_path / (NAME + ".part")).write_bytes(BODY)
    (tmp_path / (NAME + ".part.json")).write_text(
        json.dumps({"url": feed_server.url("/hh-12.mp3"), "validator": ""}))
    done = _get(feed_server, tmp_path)
    assert done.path.read_bytes() == BODY and done.resumed_from == len(BODY)


def test_a_declared_size_over_the_cap_is_refused_before_reading(feed_server: Any,
                                                                tmp_path: Path) -> None:
    feed_server.add("/hh-12.mp3", b"x" * 10, headers={"Content-Type": "audio/mpeg"},
                    length=3_000_000_000)
    with pytest.raises(DownloadError, match=r"^not downloaded: 3\.0 GB, over the cap of "
                       r"1\.0 MB \(download_max_mb in config.toml\)$"):
        _get(feed_server, tmp_path, max_bytes=1_000_000)
    assert os.listdir(tmp_path) == []


def test_an_unannounced_body_over_the_cap_stops_at_the_cap(feed_server: Any,
                                                          tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match=r"more than the cap of 1\.0 MB"):
        download(feed_server.url("/huge-chunked"), tmp_path, NAME, max_bytes=1_000_000)
    assert os.listdir(tmp_path) == []


def test_a_body_shorter_than_its_content_length_is_kept_to_resume(feed_server: Any,
                                                                  tmp_path: Path) -> None:
    feed_server.add("/hh-12.mp3", BODY[:3000], headers={"Content-Type": "audio/mpeg"},
                    length=len(BODY), ranges=True)
    with pytest.raises(DownloadError, match=r"interrupted at 3\.0 KB"):
        _get(feed_server, tmp_path)
    assert not (tmp_path / NAME).exists()
    feed_server.add("/hh-12.mp3", BODY, headers={"Content-Type": "audio/mpeg"}, ranges=True)
    assert _get(feed_server, tmp_path).path.read_bytes() == BODY


@pytest.mark.parametrize(("content_type", "expected", "message"), [
    ("text/html; charset=utf-8", "audio/mpeg",
     "the server sent a web page (text/html), not audio/mpeg"),
    ("application/xhtml+xml", "", "the server sent a web page (application/xhtml+xml), not a "
     "media file"),
    ("text/plain", "image/jpeg", "the server sent text/plain, not an image"),
])
def test_the_wrong_kind_of_file_is_refused(feed_server: Any, tmp_path: Path, content_type: str,
                                           expected: str, message: str) -> None:
    feed_server.add("/hh-12.mp3", b"<html>Please log in</html>",
                    headers={"Content-Type": content_type})
    with pytest.raises(DownloadError, match=f"^not downloaded: {re.escape(message)}$"):
        download(feed_server.url("/hh-12.mp3"), tmp_path, NAME, expected_type=expected)
    assert os.listdir(tmp_path) == []


def test_redirects_are_followed_and_checked(feed_server: Any, tmp_path: Path) -> None:
    feed_server.add("/hh-12.mp3", BODY, headers={"Content-Type": "audio/mpeg"})
    feed_server.add("/moved", status=302, headers={"Location": "/hh-12.mp3"})
    assert download(feed_server.url("/moved"), tmp_path, NAME).path.read_bytes() == BODY
    for path, message in (("/to-file", r"redirected to a non-http\(s\) URL"),
                          ("/loop", "more than 5 redirects")):
        with pytest.raises(DownloadError, match=message):
            download(feed_server.url(path), tmp_path / "other", NAME)


def test_http_errors_are_one_line(feed_server: Any, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match=r"^not downloaded: http 404$"):
        download(feed_server.url("/404"), tmp_path, NAME)
    with pytest.raises(DownloadError, match=r"^cannot fetch http://127.0.0.1:1/x.mp3: "):
        download("http://127.0.0.1:1/x.mp3", tmp_path, NAME)


def test_file_names_come_from_byline_not_the_feed() -> None:
    url = "https://pod.example/a.mp3"
    assert file_name("Episode 12: the night ferry", url, "audio/mpeg").startswith(
        "Episode-12-the-night-ferry-")
    for title in ("../../.bashrc", "a\x00b/..\\..\\CON", "\x1b]0;pwned\x07", "-rf", "",
                  "…" * 500, ".hidden"):
        name = file_name(title, "https://pod.example/%2e%2e%2f%2e%2e%2fx.sh", "")
        assert name == os.path.basename(name) and not name.startswith((".", "-"))
        assert all(c.isascii() and (c.isalnum() or c in "._-") for c in name)
        assert len(name) <= 90 and ".." not in name
    # the extension: from the type, else a plain URL suffix, else .bin
    assert file_name("t", url, "audio/x-m4a").endswith(".m4a")
    assert file_name("t", "https://pod.example/a.OGG?x=1", "").endswith(".ogg")
    assert file_name("t", "https://pod.example/a.sh;rm -rf", "").endswith(".bin")
    # two enclosures with one title are two files
    assert file_name("t", url, "") != file_name("t", url + "?2", "")


@pytest.mark.parametrize("name", ["../x.mp3", "/etc/passwd", ".bashrc", "-rf.mp3", "a b.mp3",
                                  "a\x00b.mp3", ""])
def test_download_refuses_names_it_did_not_make(tmp_path: Path, name: str) -> None:
    with pytest.raises(DownloadError, match=r"^not downloaded: unsafe file name"):
        download("https://pod.example/a.mp3", tmp_path, name)


def test_a_symlink_in_the_way_is_never_followed(feed_server: Any, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep me")
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / (NAME + ".part")).symlink_to(victim)
    feed_server.add("/hh-12.mp3", BODY, headers={"Content-Type": "audio/mpeg"})
    with pytest.raises(DownloadError, match="is in the way"):
        _get(feed_server, folder)
    assert victim.read_bytes() == b"keep me"

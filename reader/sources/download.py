"""Downloading an enclosure to a folder: streamed, resumable, size-capped, and never named by
the feed.

The file's name is made here (`file_name`): a slug of the entry's title limited to
`[A-Za-z0-9_-]`, a hash of the URL, and an extension chosen from the type or a plain URL
suffix; the feed's own file name is never used (newsbeuter's CVE-2017-14500 came from that).
The body goes to `NAME.part`, opened with `O_NOFOLLOW`, as it arrives (at most 64 KiB a read),
so memory does not grow with the file. An interrupted download (a kill, a dropped
connection, a stall) leaves the `.part` and the response's validator in `NAME.part.json`; the
next run asks for the rest with `Range` and `If-Range`, and starts over if the server sends
the whole file instead. Sizes are
checked against the cap from `Content-Length`/`Content-Range` before reading, and counted while
reading; a web page where a media file was expected (a login or error page) is refused.
Redirects are followed here, each hop checked: http(s) only, never https to http, at most 5.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mimetypes
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from reader.errors import BylineError, brief
from reader.sanitize import resolved_url, safe_url
from reader.sources.enclosures import human_size, mime_type
from reader.sources.http import USER_AGENT
from reader.sources.trust import trust_store

DEFAULT_MAX_BYTES = 2_000_000_000   # 2 GB, `download_max_mb` in config.toml
MAX_REDIRECTS = 5
_SLUG_DROP = re.compile(r"[^A-Za-z0-9_]+")
_NAME_DROP = re.compile(r"[^A-Za-z0-9._-]")
_SUFFIX = re.compile(r"\.[a-z0-9]{1,5}")
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")
_WEB_PAGES = frozenset({"text/html", "application/xhtml+xml"})
# Extensions for the types podcasts use, where `mimetypes` has none or an odd one.
_EXTENSIONS = {"audio/mpeg": ".mp3", "audio/mp3": ".mp3", "audio/x-m4a": ".m4a",
               "audio/mp4": ".m4a", "audio/aac": ".aac", "audio/ogg": ".ogg",
               "audio/opus": ".opus", "audio/flac": ".flac", "audio/x-flac": ".flac",
               "audio/wav": ".wav", "audio/x-wav": ".wav", "video/mp4": ".mp4",
               "video/x-m4v": ".m4v", "video/webm": ".webm", "video/quicktime": ".mov",
               "image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif",
               "image/webp": ".webp", "application/pdf": ".pdf"}
Progress = Callable[[int, int | None], None]   # (bytes on disk, total or None)


class DownloadError(BylineError):
    """A download that did not complete (one line; it says so when running again resumes)."""


class _StartOver(Exception):
    """The server would not resume where the `.part` ends: fetch the whole file again."""


@dataclass
class Downloaded:
    """A finished download: where it is, its size, and what was already there."""

    path: Path
    size: int
    resumed_from: int = 0        # bytes a previous run had fetched
    already: bool = False        # the file was complete before this run


def file_name(title: str, url: str, kind: str = "") -> str:
    """The file name for an enclosure: `slug-HASH.ext`, only `[A-Za-z0-9._-]`, at most 90
    characters, never starting with a dot or a dash. `title` and `url` are feed data: the slug
    keeps only safe characters of the title, the hash tells apart enclosures with one title,
    and the extension comes from the type or a plain URL suffix."""
    slug = _SLUG_DROP.sub("-", title).strip("-_")[:60].rstrip("-_") or "enclosure"
    digest = hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{slug}-{digest}{_extension(url, kind)}"


def _extension(url: str, kind: str) -> str:
    kind = mime_type(kind)
    if kind in _EXTENSIONS:
        return _EXTENSIONS[kind]
    try:
        path = urlsplit(url).path
    except ValueError:
        path = ""
    suffix = os.path.splitext(path)[1].lower()
    if _SUFFIX.fullmatch(suffix):
        return suffix
    guessed = mimetypes.guess_extension(kind) if kind else None
    return guessed if guessed and _SUFFIX.fullmatch(guessed) else ".bin"


def download_client(timeout: float = 30.0) -> httpx.Client:
    """The HTTP client of downloads (redirects are followed by `download`, each checked; no
    compression); one client may serve many downloads, reusing its connections."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)), follow_redirects=False,
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"},
        verify=trust_store())


def download(url: str, folder: Path, name: str, *, max_bytes: int = DEFAULT_MAX_BYTES,
             expected_type: str = "", progress: Progress | None = None,
             timeout: float = 30.0, client: httpx.Client | None = None,
             cap_name: str = "download_max_mb in config.toml") -> Downloaded:
    """Fetch `url` into `folder/name`, resuming a `.part` left by an earlier run.

    `name` must be a bare name made by `file_name`; `client` (from `download_client`) is
    used and left open, else one is made for this download (`timeout`). Raises
    `DownloadError` (one line) when the download cannot complete; a partial file is kept only
    when resuming can finish it.
    """
    if safe_url(url) is None:
        raise DownloadError(f"not downloaded: only http(s) URLs are fetched ({url[:80]!r})")
    if not name or name != os.path.basename(name) or name.startswith((".", "-")) or \
            _NAME_DROP.search(name):
        raise DownloadError(f"not downloaded: unsafe file name {name[:80]!r}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"cannot create {folder}: {exc.strerror or exc}") from None
    target = folder / name
    part = folder / (name + ".part")
    meta = folder / (name + ".part.json")
    if target.is_file() and not target.is_symlink():
        size = target.stat().st_size
        return Downloaded(target, size, already=True)
    for path in (target, part, meta):
        if path.is_symlink() or (path.exists() and not path.is_file()):
            raise DownloadError(f"not downloaded: {path} is in the way (not a regular file)")
    owned = client is None
    http = client or download_client(timeout)
    try:
        try:
            return _fetch(http, url, target, part, meta, max_bytes, expected_type, progress,
                          cap_name)
        except _StartOver:
            _discard(part, meta)
            return _fetch(http, url, target, part, meta, max_bytes, expected_type, progress,
                          cap_name)
    except DownloadError as exc:
        if part.is_file() and meta.is_file():
            raise DownloadError(f"{exc.message}; {human_size(part.stat().st_size)} kept: run the "
                                "same command again to resume") from None
        raise
    finally:
        if owned:
            http.close()


def _fetch(http: httpx.Client, url: str, target: Path, part: Path, meta: Path, max_bytes: int,
           expected_type: str, progress: Progress | None, cap_name: str) -> Downloaded:
    offset, validator = _resume_point(part, meta, url)
    headers = {}
    if offset:
        headers["Range"] = f"bytes={offset}-"
        if validator:
            headers["If-Range"] = validator
    with _open_response(http, url, headers) as response:
        status = response.status_code
        if status == 416 and offset:
            if _range_total(response.headers.get("content-range")) == offset:
                return _finish(part, meta, target, offset, offset)  # only the rename was left
            raise _StartOver
        if status not in (200, 206):
            raise DownloadError(f"not downloaded: http {status}")
        _check_type(response, expected_type)
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            raise DownloadError(f"not downloaded: the server compressed the file "
                                f"({encoding[:20]}) though asked not to")
        if status == 206:
            start, total = _content_range(response.headers.get("content-range"))
            if start != offset:
                raise _StartOver
        else:
            offset, total = 0, _length(response.headers.get("content-length"))
        if total is not None and total > max_bytes:
            _discard(part, meta)
            size, cap = human_size(total), human_size(max_bytes)
            if size == cap:
                size, cap = f"{total:,} bytes", f"{max_bytes:,} bytes"
            raise DownloadError(f"not downloaded: {size}, over the cap of {cap} ({cap_name})")
        _remember(meta, url, response)
        done = _stream(response, part, meta, offset, total, max_bytes, progress, cap_name)
    if total is not None and done != total:
        raise DownloadError(f"interrupted at {human_size(done)} of {human_size(total)}")
    return _finish(part, meta, target, done, offset)


@contextlib.contextmanager
def _open_response(http: httpx.Client, url: str,
                   headers: dict[str, str]) -> Iterator[httpx.Response]:
    """A streamed response after following checked redirects."""
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        try:
            request = http.build_request("GET", current, headers=headers)
            response = http.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise DownloadError(f"cannot fetch {current[:120]}: {brief(exc)}") from None
        if response.status_code in (301, 302, 303, 307, 308) and "location" in \
                response.headers:
            response.close()
            location = response.headers["location"]
            following = resolved_url(location, current)
            if following is None:
                raise DownloadError(f"not downloaded: redirected to a non-http(s) URL "
                                    f"({location[:80]!r})")
            if current.startswith("https:") and following.startswith("http:"):
                raise DownloadError("not downloaded: redirected from https to http")
            current = following
            continue
        try:
            yield response
        finally:
            response.close()
        return
    raise DownloadError(f"not downloaded: more than {MAX_REDIRECTS} redirects")


def _resume_point(part: Path, meta: Path, url: str) -> tuple[int, str | None]:
    """Bytes already in `part` for this URL, and the validator to send with `If-Range`."""
    try:
        remembered = json.loads(meta.read_text(encoding="utf-8"))
        size = part.stat().st_size
    except (OSError, ValueError):
        return 0, None
    if not isinstance(remembered, dict) or remembered.get("url") != url:
        return 0, None
    validator = remembered.get("validator")
    return size, validator if isinstance(validator, str) and validator else None


def _remember(meta: Path, url: str, response: httpx.Response) -> None:
    """Keep the URL and the response's validator beside the `.part` (a strong ETag, else
    Last-Modified), so a resumed download is of the same file."""
    etag = response.headers.get("etag", "")
    validator = etag if etag and not etag.startswith("W/") else \
        response.headers.get("last-modified", "")
    text = json.dumps({"url": url, "validator": validator[:200]})
    fd = os.open(meta, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)


def _stream(response: httpx.Response, part: Path, meta: Path, offset: int, total: int | None,
            max_bytes: int, progress: Progress | None, cap_name: str) -> int:
    """Append the body to `part` (truncated first unless resuming); the bytes on disk."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | (os.O_APPEND if offset else os.O_TRUNC)
    done = offset
    fd = os.open(part, flags, 0o644)
    try:
        if progress is not None:
            progress(done, total)
        for chunk in response.iter_raw():  # as it arrives: an error loses nothing received
            done += len(chunk)
            if done > max_bytes:
                _discard(part, meta)
                raise DownloadError(f"not downloaded: more than the cap of "
                                    f"{human_size(max_bytes)} ({cap_name})")
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view):]
            if progress is not None:
                progress(done, total)
        os.fsync(fd)
    except httpx.HTTPError as exc:
        raise DownloadError(f"interrupted at {human_size(done)} ({brief(exc, 80)})") from None
    finally:
        os.close(fd)
    return done


def _finish(part: Path, meta: Path, target: Path, size: int, resumed_from: int) -> Downloaded:
    os.replace(part, target)
    with contextlib.suppress(OSError):
        meta.unlink()
    return Downloaded(target, size, resumed_from=resumed_from)


def _discard(part: Path, meta: Path) -> None:
    for path in (part, meta):
        with contextlib.suppress(OSError):
            path.unlink()


def _check_type(response: httpx.Response, expected: str) -> None:
    """Refuse a web page (a login, paywall or error page) where a file was expected, and a
    non-image where an image was."""
    got = mime_type(response.headers.get("content-type"))
    expected = mime_type(expected) or expected
    if got in _WEB_PAGES and expected not in _WEB_PAGES:
        raise DownloadError(f"not downloaded: the server sent a web page ({got}), not "
                            f"{expected or 'a media file'}")
    if expected.startswith("image/") and got and not got.startswith("image/"):
        raise DownloadError(f"not downloaded: the server sent {got}, not an image")


def _length(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isdigit() and len(text) < 19 else None


def _content_range(value: str | None) -> tuple[int, int | None]:
    match = _CONTENT_RANGE.fullmatch((value or "").strip())
    if match is None:
        raise DownloadError("not downloaded: the server's Content-Range is malformed")
    start, end, total = match.groups()
    if int(end) < int(start):
        raise DownloadError("not downloaded: the server's Content-Range is malformed")
    return int(start), None if total == "*" else int(total)


def _range_total(value: str | None) -> int | None:
    match = re.fullmatch(r"bytes\s+\*/(\d+)", (value or "").strip())
    return int(match.group(1)) if match else None

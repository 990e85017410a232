"""The HTTP client both backends speak through: Byline's fetch policy for an API.

Connect and read timeouts, a cap on the size of an answer (read as it arrives), no redirect
ever followed (credentials go to the configured server and nowhere else), https unless the
server is this machine, and every failure a one-line `SyncError` that names the server's host
and never a secret (each message is scrubbed of the password and the tokens made from it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from reader.config import is_loopback
from reader.errors import BylineError, brief
from reader.sources.http import USER_AGENT, connect_reason
from reader.sources.trust import trust_store

MAX_ANSWER_BYTES = 32 * 1024 * 1024
TIMEOUT = 30.0
CONNECT_TIMEOUT = 10.0


class SyncError(BylineError):
    """A sync failure, fit to show in one line."""


class AuthError(SyncError):
    """The server refused the account (wrong user or password, expired token)."""


class Unknown(SyncError):
    """The server does not know what was asked about (an item it no longer has)."""


class Refused(SyncError):
    """The server would not do what was asked (a 400: a feed it cannot subscribe to)."""


@dataclass
class Answer:
    status: int
    body: bytes
    headers: httpx.Headers

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            raise SyncError("the server's answer is not JSON (is url the API's address?)") \
                from None

    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class ApiClient:
    """Requests to one server. `secrets` (set by the backend: the password and what it
    makes of it) are scrubbed from every error message."""

    def __init__(self, base_url: str, *, timeout: float = TIMEOUT,
                 max_bytes: int = MAX_ANSWER_BYTES) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SyncError("the server's url must be an http(s) address")
        if parts.scheme != "https" and not is_loopback(base_url):
            raise SyncError("the server's url must use https (plain http only to this machine)")
        self.base_url = base_url
        self.host = parts.hostname
        self.max_bytes = max_bytes
        self.secrets: list[str] = []
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=CONNECT_TIMEOUT), follow_redirects=False,
            # Uncompressed answers only: a small compressed body can unpack past any cap.
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"},
            verify=trust_store(True), trust_env=True)

    def close(self) -> None:
        self._client.close()

    def scrub(self, text: str) -> str:
        """`text` without any secret (or a long enough piece of one)."""
        for secret in self.secrets:
            if secret:
                text = text.replace(secret, "***")
        return text

    def request(self, method: str, url: str, *, params: Any = None, data: Any = None,
                headers: dict[str, str] | None = None) -> Answer:
        """One exchange; 2xx answers come back, anything else is an error. `data` (a dict,
        or pairs for repeated names) is sent as a form."""
        content = None
        if data is not None:
            content = urlencode(list(data.items()) if isinstance(data, dict) else data).encode()
            headers = {**(headers or {}),
                       "Content-Type": "application/x-www-form-urlencoded"}
        try:
            with self._client.stream(method, url, params=params, content=content,
                                     headers=headers) as response:
                encoding = response.headers.get("content-encoding", "identity").lower()
                if encoding not in ("", "identity"):
                    raise SyncError(f"the server {self.host} sent a compressed answer "
                                    "it was not asked for")
                body = bytearray()
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.max_bytes:
                    raise self._too_big()
                for chunk in response.iter_raw():
                    body += chunk
                    if len(body) > self.max_bytes:
                        raise self._too_big()
                answer = Answer(response.status_code, bytes(body), response.headers)
        except SyncError:
            raise
        except httpx.TimeoutException:
            raise SyncError(f"the server {self.host} did not answer in time") from None
        except httpx.ConnectError as exc:
            raise SyncError(f"cannot reach the server: {connect_reason(exc, self.base_url)}") \
                from None
        except (httpx.HTTPError, OSError, ValueError) as exc:
            raise SyncError(f"the exchange with {self.host} failed: "
                            f"{self.scrub(brief(exc, 160))}") from None
        return self._checked(answer)

    def _too_big(self) -> SyncError:
        return SyncError(f"the server {self.host} sent an answer over the "
                         f"{self.max_bytes // (1024 * 1024)} MB limit")

    def _checked(self, answer: Answer) -> Answer:
        status = answer.status
        if 200 <= status < 300:
            return answer
        if status in (401, 403):
            raise AuthError(f"the server {self.host} refused the account ({status}): check "
                            "user and password")
        if 300 <= status < 400:
            target = urlsplit(answer.headers.get("location", "")).netloc or "elsewhere"
            raise SyncError(f"the server {self.host} redirects ({status}) to "
                            f"{self.scrub(target)[:100]}: set [sync] url to the address it "
                            "names (redirects are not followed with credentials)")
        if status == 404:
            raise Unknown(f"the server {self.host} answered 404 (not found)")
        if status == 400:
            raise Refused(f"the server {self.host} refused the request (400)")
        raise SyncError(f"the server {self.host} answered {status}")

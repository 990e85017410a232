"""A real Coldsweat (a Fever API aggregator from PyPI) for the sync tests and benchmarks.

Coldsweat is a test extra (`pip install -e '.[test]'`, version pinned in pyproject.toml). It is
never imported by the suite: `harness.py` runs it in a process of its own (the same Python):
create the user, subscribe it to an OPML file, fetch the feeds from the loopback feed server,
serve the Fever API on 127.0.0.1. Nothing is patched in Coldsweat; the harness only sets its
minimum fetch interval to zero.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
HARNESS = HERE / "harness.py"
USER = "reader@example.org"
PASSWORD = "harbour-lights-2024"      # Coldsweat wants 12 characters at least
DEAD_PROXY = "http://127.0.0.1:9"      # anything not on loopback goes nowhere


def server_python() -> Path:
    """The Python that runs Coldsweat: this one, where the test extra installed it."""
    if importlib.util.find_spec("coldsweat") is None:
        raise RuntimeError("Coldsweat is not installed: pip install -e '.[test]'")
    return Path(sys.executable)


@dataclass
class FeedSet:
    """`feeds` RSS feeds of `items` items each, served by the loopback feed server."""

    feeds: int = 50
    items: int = 40
    extra: dict[int, int] = field(default_factory=dict)   # feed -> items added later
    body_words: int = 60

    def path(self, feed: int) -> str:
        return f"/sync/feed-{feed}.xml"

    def total(self) -> int:
        return self.feeds * self.items + sum(self.extra.values())

    def add_items(self, feed: int, count: int) -> None:
        self.extra[feed] = self.extra.get(feed, 0) + count

    def body(self, feed: int, base: str) -> bytes:
        count = self.items + self.extra.get(feed, 0)
        words = " ".join(f"word{n % 97}" for n in range(self.body_words))
        parts = [f"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>
<title>Harbour Desk {feed}</title><link>{base}/sync/site-{feed}/</link>
<image><url>{base}/sync/icon.png</url><title>Harbour Desk {feed}</title>
<link>{base}/sync/site-{feed}/</link><width>16</width><height>16</height></image>"""]
        for n in range(count):
            day = 1 + n % 28
            parts.append(
                f"<item><title>Desk {feed} story {n}</title>"
                f"<link>{base}/sync/story/{feed}/{n}</link>"
                f"<guid isPermaLink=\"false\">harbour-{feed}-{n}</guid>"
                f"<pubDate>Mon, {day:02d} Jan 2024 {n % 24:02d}:00:00 GMT</pubDate>"
                f"<description>&lt;p&gt;Story {n} from desk {feed}: {words}.&lt;/p&gt;"
                f"</description></item>")
        parts.append("</channel></rss>")
        return "".join(parts).encode()

    def register(self, server: Any) -> None:
        """Add every feed (and the favicon they name) to the loopback feed server."""
        base = server.url("").rstrip("/")
        server.add("/sync/icon.png", b"\x89PNG\r\n\x1a\n", headers={"Content-Type": "image/png"})
        for feed in range(self.feeds):
            server.add(self.path(feed), self.body(feed, base))

    def opml(self, server: Any) -> str:
        outlines = "".join(f'<outline text="Harbour Desk {f}" type="rss" '
                           f'xmlUrl="{server.url(self.path(f))}"/>' for f in range(self.feeds))
        return (f'<?xml version="1.0"?><opml version="1.0"><head><title>t</title></head><body>'
                f'<outline text="Harbour">{outlines}</outline></body></opml>')


class Coldsweat:
    """One Coldsweat: its database file and, while started, its server process."""

    def __init__(self, python: Path, workdir: Path) -> None:
        self.python = python
        self.workdir = workdir
        self.database = workdir / "coldsweat.db"
        self.port = 0
        self.process: subprocess.Popen[str] | None = None
        self.workers = 1

    @property
    def url(self) -> str:
        """The Fever endpoint, as `[sync] url` names it."""
        return f"http://127.0.0.1:{self.port}/fever/"

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.upper().endswith("_PROXY") and not k.startswith(("FLASK_", "VIRTUAL"))}
        env.update(FLASK_DATABASE_URL=f"sqlite:///{self.database}",
                   FLASK_SECRET_KEY="loopback tests only", HTTP_PROXY=DEAD_PROXY,
                   HTTPS_PROXY=DEAD_PROXY, NO_PROXY="127.0.0.1,localhost")
        return env

    def run(self, *args: str) -> str:
        done = subprocess.run([str(self.python), str(HARNESS), *args], env=self._env(),
                              capture_output=True, text=True, timeout=300, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"coldsweat {args[0]} failed: {done.stderr[-2000:]}")
        return done.stdout

    def build(self, feeds: FeedSet, server: Any) -> None:
        """Create the user, subscribe it to `feeds` and fetch them."""
        feeds.register(server)
        opml = self.workdir / "feeds.opml"
        opml.write_text(feeds.opml(server))
        self.run("setup", USER, "-p", PASSWORD)
        self.run("import", str(opml), USER)
        self.run("fetch")

    def fetch(self, feeds: FeedSet, server: Any) -> None:
        feeds.register(server)
        self.run("fetch")

    def copy_to(self, workdir: Path) -> Coldsweat:
        """Another Coldsweat with a copy of this one's database (stopped servers only)."""
        workdir.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{self.database}{suffix}")
            if source.exists():
                shutil.copy(source, workdir / f"coldsweat.db{suffix}")
        return Coldsweat(self.python, workdir)

    def start(self, workers: int = 1) -> None:
        """Serve on 127.0.0.1 (the port it had before, if it ran already): one process of
        threads (werkzeug), or `workers` processes (gunicorn)."""
        assert self.process is None
        self.workers = workers
        self.process = subprocess.Popen(
            [str(self.python), str(HARNESS), "serve", str(self.port), str(workers)],
            env=self._env(),
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("port "):
            self.stop()
            raise RuntimeError("coldsweat did not start")
        self.port = int(line.split()[1])

    def stop(self) -> None:
        """Kill the server at once (-9); gunicorn is asked to stop (it stops its workers)."""
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM if self.workers > 1 else signal.SIGKILL)
            self.process.wait(timeout=30)
            if self.process.stdout is not None:
                self.process.stdout.close()
            self.process = None

    def fever(self, command: str = "", **form: str) -> dict[str, Any]:
        """A Fever call as another client would make it (the phone, in the tests)."""
        key = hashlib.md5(f"{USER}:{PASSWORD}".encode(), usedforsecurity=False).hexdigest()
        query = "api" + (f"&{command}" if command else "")
        answer = httpx.post(f"{self.url}?{query}", data={"api_key": key, **form}, timeout=30,
                            trust_env=False)
        answer.raise_for_status()
        result: dict[str, Any] = answer.json()
        return result

    def ids(self, name: str) -> set[str]:
        """`unread_item_ids` or `saved_item_ids` as a set."""
        value = self.fever(name)[name]
        return {v for v in value.split(",") if v}

    def mark(self, item: str, how: str) -> None:
        self.fever("", mark="item", id=item, **{"as": how})


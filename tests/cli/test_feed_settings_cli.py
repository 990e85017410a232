"""`[[feed]]` through the CLI, as subprocesses against the loopback server: `byline add` and
`byline refresh` send the feed's auth and User-Agent and give it its own title."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from typing import Any

from tests.cli.test_library_cli import byline
from tests.library.test_refresh import rss


def test_add_and_refresh_use_the_feed_settings(feed_server: Any, tmp_path: Path) -> None:
    data = tmp_path / "home"
    data.mkdir()
    url = feed_server.add("/members.xml", rss(("Members only", "m1", None, "<p>x</p>")))
    (data / "config.toml").write_text(
        f'[[feed]]\nurl = "{url}"\ntitle = "Harbour members"\nuser_agent = "Harbour/2"\n'
        f'username = "ines"\npassword_command = [{json.dumps(sys.executable)}, "-c", '
        '"print(\'tide\')"]\n', encoding="utf-8")
    added = byline(data, "add", url)
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("Subscribed to Harbour members")
    assert byline(data, "refresh").returncode == 0
    token = "Basic " + base64.b64encode(b"ines:tide").decode()
    sent = feed_server.requests("/members.xml")
    assert len(sent) == 2 and all(h["authorization"] == token for h in sent)
    assert all(h["user-agent"] == "Harbour/2" for h in sent)
    feeds = json.loads(byline(data, "feeds", "--format", "json").stdout)
    assert [f["title"] for f in feeds] == ["Harbour members"]

"""Per-feed settings (`[[feed]]`) against the loopback server: a feed's own User-Agent and
HTTP basic auth (password from a command), kept from other origins; a title of its own;
full pages always cached; extra cleaning rules for its articles only."""

from __future__ import annotations

import asyncio
import base64
import json
import sys
from pathlib import Path

import pytest

from reader.config import parse_config
from reader.errors import BylineError
from reader.library.refresh import refresh_feeds
from reader.library.store import Library
from reader.sources.http import Fetcher
from tests.library.test_refresh import FAST, rss

PAGE = ("<html><body><article><h1>Quay repairs</h1>"
        + "".join(f"<p>Paragraph {i} of the long story about the quay and its stones, "
                  "the divers, the tides and the council's budget.</p>" for i in range(20))
        + "</article></body></html>").encode()


def _settings(*tables: dict[str, object]):
    return parse_config({"feed": list(tables)}).feed


def test_user_agent_and_basic_auth_from_a_command(feed_server, tmp_path: Path) -> None:
    private = feed_server.add("/private.xml", rss(("Members only", "p1", None, "<p>x</p>")))
    public = feed_server.add("/public.xml", rss(("For all", "o1", None, "<p>y</p>")))
    settings = _settings({"url": private, "username": "ines", "user_agent": "Harbour/1.0",
                          "password_command": [sys.executable, "-c", "print('s3cret:x')"],
                          "title": "Members"})
    with Library.open(tmp_path / "library.db") as lib:
        lib.add_feed(private)
        lib.add_feed(public)
        summary = asyncio.run(refresh_feeds(lib, feed_settings=settings, fetcher_options=FAST))
        assert summary.feeds_ok == 2 and summary.new_articles == 2
        sent = feed_server.requests("/private.xml")[0]
        assert sent["authorization"] == "Basic " + base64.b64encode(b"ines:s3cret:x").decode()
        assert sent["user-agent"] == "Harbour/1.0"
        other = feed_server.requests("/public.xml")[0]
        assert "authorization" not in other and other["user-agent"].startswith("Byline/")
        assert sorted(f.title for f in lib.feeds()) == ["Loop Feed", "Members"]


def test_a_failing_password_command_fails_that_feed_only(feed_server, tmp_path: Path) -> None:
    private = feed_server.add("/locked.xml", rss(("Locked", "l1", None, "<p>x</p>")))
    settings = _settings({"url": private, "username": "ines",
                          "password_command": [sys.executable, "-c",
                                               "import sys; print('leak'); sys.exit(3)"]})
    with Library.open(tmp_path / "library.db") as lib:
        lib.add_feed(private)
        summary = asyncio.run(refresh_feeds(lib, feed_settings=settings, fetcher_options=FAST))
        assert summary.feeds_failed == 1 and feed_server.requests("/locked.xml") == []
        reason = summary.errors[private]
        assert "password_command" in reason and "failed (exit status 3)" in reason
        assert "leak" not in reason


async def test_authorization_stays_with_its_origin(feed_server) -> None:
    target = feed_server.url("/ok").replace("127.0.0.1", "localhost")
    moved = feed_server.add("/moved.xml", status=301, headers={"Location": target})
    same = feed_server.add("/same.xml", status=301, headers={"Location": "/ok"})
    headers = {"Authorization": "Basic eDp5", "User-Agent": "Harbour/1.0"}
    async with Fetcher(**FAST) as fetcher:
        await fetcher.fetch(same, headers=headers)
        assert feed_server.requests("/ok")[-1]["authorization"] == "Basic eDp5"
        await fetcher.fetch(moved, headers=headers)
    last = feed_server.requests("/ok")[-1]
    assert "authorization" not in last and last["user-agent"] == "Harbour/1.0"


def test_full_pages_and_rules_of_one_feed(feed_server, tmp_path: Path) -> None:
    page = feed_server.add("/quay.html", PAGE, headers={"Content-Type": "text/html"})
    url = feed_server.add("/quay.xml", rss(
        ("Quay repairs", "q1", page, "<p>The quay is mended.</p>"),
        ("Harbour note", "q2", None,
         "<p>Divers worked all week.</p><p>HARBOUR-PROMO: win a boat</p>")))
    other = feed_server.add("/other.xml", rss(
        ("Elsewhere", "e1", None, "<p>Calm seas.</p><p>HARBOUR-PROMO: win a boat</p>")))
    settings = _settings({"url": url, "full": True,
                          "rules": {"remove": ["HARBOUR-PROMO:.*"]}})
    with Library.open(tmp_path / "library.db") as lib:
        lib.add_feed(url)
        lib.add_feed(other)
        summary = asyncio.run(refresh_feeds(lib, feed_settings=settings, fetcher_options=FAST))
        assert summary.pages == 1 and len(feed_server.requests("/quay.html")) == 1
        texts = {}
        for entry_id in lib.entry_ids("all"):
            article = lib.article(entry_id)
            texts[article.title] = " ".join(b.text for b in article.blocks)
        assert "Paragraph 19" in texts["Quay repairs"]
        assert "HARBOUR-PROMO" not in texts["Harbour note"]
        assert "HARBOUR-PROMO" in texts["Elsewhere"]


@pytest.mark.parametrize(("table", "says"), [
    ({"title": "x"}, 'number 1 needs url = "https://…"'),
    ({"url": "ftp://x.example/feed"}, "needs url"),
    ({"url": "https://x.example/f", "tittle": "x"}, "unknown key 'tittle'"),
    ({"url": "https://x.example/f", "user_agent": "a\r\nX-Evil: 1"}, "one line of printable"),
    ({"url": "https://x.example/f", "username": "a:b", "password": "p"}, "cannot hold ':'"),
    ({"url": "https://x.example/f", "username": "a"}, "go together"),
    ({"url": "https://x.example/f", "password": "p"}, "go together"),
    ({"url": "https://x.example/f", "username": "a", "password": "p",
      "password_command": ["pass"]}, "not both"),
    ({"url": "https://x.example/f", "full": "yes"}, "full must be true or false"),
    ({"url": "https://x.example/f", "password_command": "pass show x", "username": "a"},
     "password_command must be a list of words"),
    ({"url": "https://x.example/f", "rules": ["x"]}, "rules must be a table"),
])
def test_bad_feed_settings_are_one_line(table: dict[str, object], says: str) -> None:
    with pytest.raises(BylineError) as caught:
        parse_config({"feed": [table]})
    message = caught.value.message
    assert message.startswith("bad config config: [feed] ") and says in message
    assert "\n" not in message and "\r" not in message


def test_settings_round_trip_through_toml(tmp_path: Path) -> None:
    import tomllib

    text = ('[[feed]]\nurl = "https://harbour.example/rss"\ntitle = "Harbour"\nfull = true\n'
            'username = "ines"\npassword_command = ["pass", "show", "harbour"]\n'
            '[feed.rules]\nremove = ["promo.*"]\n')
    feed = parse_config(tomllib.loads(text)).feed["https://harbour.example/rss"]
    assert (feed.title, feed.full, feed.password_command, feed.rules) == (
        "Harbour", True, ("pass", "show", "harbour"), {"remove": ["promo.*"]})
    assert json.dumps(feed.rules)

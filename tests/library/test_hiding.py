"""Kill rules (`[[hide]]`): a refresh against the loopback server hides what they match,
the Hidden source keeps it, and nothing is deleted."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from reader.config import parse_config
from reader.errors import BylineError
from reader.library.listings import Listing
from reader.library.refresh import refresh_feeds
from reader.library.store import Library
from tests.library.test_refresh import FAST, rss


def _rules(*tables: dict[str, str]):
    return parse_config({"hide": list(tables)}).hide


def test_a_refresh_hides_what_the_rules_match(feed_server, tmp_path: Path) -> None:
    url = feed_server.add("/harbour.xml", rss(
        ("Ferry timetable changes", "g1", "http://127.0.0.1/a", "<p>New times.</p>"),
        ("SPONSORED: a cruise", "g2", "http://127.0.0.1/b", "<p>Buy now.</p>"),
        ("Council vote", "g3", "http://127.0.0.1/c", "<p>Paid partnership with a bank.</p>"),
        title="Harbour Desk"))
    other = feed_server.add("/other.xml", rss(
        ("Sponsored by nobody", "o1", "http://127.0.0.1/o", "<p>Plain.</p>"), title="Other"))
    path = tmp_path / "library.db"
    with Library.open(path) as lib:
        lib.add_feed(url)
        lib.add_feed(other)
        rules = _rules({"title": "^sponsored:"}, {"text": "paid partnership", "feed": "harbour"})
        summary = asyncio.run(refresh_feeds(lib, hide=rules, fetcher_options=FAST))
        assert summary.new_articles == 4 and summary.hidden == 2
        assert "(2 hidden by rules)" in summary.line()
        shown = [r.title for r in lib.listing_page(Listing(), limit=10)]
        assert sorted(shown) == ["Ferry timetable changes", "Sponsored by nobody"]
        hidden = [r.title for r in lib.listing_page(Listing("hidden"), limit=10)]
        assert sorted(hidden) == ["Council vote", "SPONSORED: a cruise"]
        sources = {s.key: (s.label, s.unread, s.total) for s in lib.sources()}
        assert sources["all"] == ("All articles", 2, 2)
        assert sources["hidden"] == ("Hidden", 2, 2)
        # search still finds hidden articles, with filter terms or without
        assert [h.title for h in lib.search("cruise")] == ["SPONSORED: a cruise"]
        assert [h.title for h in lib.search("cruise unread")] == ["SPONSORED: a cruise"]
        # a rule added later does not touch what is already there; a refresh of new items does
        feed_server.add("/other.xml", rss(
            ("Sponsored by nobody", "o1", "http://127.0.0.1/o", "<p>Plain.</p>"),
            ("Another sponsored: item", "o2", "http://127.0.0.1/p", "<p>x</p>"), title="Other"))
        summary = asyncio.run(refresh_feeds(lib, hide=_rules({"title": "sponsored"}),
                                            fetcher_options=FAST))
        assert summary.hidden == 1 and lib.count("all") == 2
        # unhiding brings an article back; nothing was ever deleted
        council = lib.listing_ids(Listing("hidden", filter="council"))
        lib.set_hidden(council, False)
        assert lib.count("all") == 3 and lib.count("hidden") == 2
        assert sum(s.total for s in lib.sources() if s.key in ("all", "hidden")) == 5


def test_rules_test_authors_and_links(tmp_path: Path) -> None:
    from reader.library.store import NewEntry

    with Library.open(tmp_path / "library.db") as lib:
        feed = lib.add_feed("https://harbour.example/rss", title="Harbour")
        lib.store_entries(feed, [
            NewEntry(key="1", title="one", raw="<p>a</p>", authors=["Rex Puff"]),
            NewEntry(key="2", title="two", raw="<p>b</p>", link="https://harbour.example/ads/2"),
            NewEntry(key="3", title="three", raw="<p>c</p>", authors=["Ann Lee"])])
        hidden = lib.hide_matching(_rules({"author": "puff"}, {"link": "/ads/"}))
        assert hidden == 2 and [r.title for r in lib.entries("all", limit=5)] == ["three"]
        assert lib.entry_flags(lib.entry_ids("hidden")[0])["hidden"]


@pytest.mark.parametrize(("tables", "says"), [
    ([{"title": "(("}], "number 1: title: bad regular expression '(('"),
    ([{}], "number 1 is empty"),
    ([{"titel": "x"}], "unknown field 'titel'"),
    ([{"title": 3}], "title must be a regular expression"),
    ([{"title": "x" * 600}], "of 1 to 500 characters"),
    ("title", "must be tables"),
])
def test_bad_rules_are_one_line(tables: object, says: str) -> None:
    with pytest.raises(BylineError) as caught:
        parse_config({"hide": tables})
    assert says in caught.value.message and "\n" not in caught.value.message
    assert caught.value.message.startswith("bad config config: [hide]")

"""Enclosures kept in the library: stored by refresh, brought up to date without counting the
entry as changed (its cached page stays), and given back with the article."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reader.article.model import Article, Enclosure
from reader.library.refresh import refresh_feeds
from reader.library.store import Library, NewEntry

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
MP3 = Enclosure("https://pod.example/1.mp3", "audio/mpeg", 1000, 60, "One")


async def test_refresh_stores_enclosures_and_the_article_lists_them(feed_server: Any,
                                                                    tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    url = feed_server.add("/podcast.xml", (FIXTURES / "podcast.xml").read_bytes(),
                          headers={"Content-Type": "application/rss+xml"})
    with Library.open(path) as lib:
        lib.add_feed(url)
    await refresh_feeds(path)
    with Library.open(path) as lib:
        by_title = {lib.article(i).title: i for i in lib.entry_ids("all")}
        twelve = lib.article(by_title["Episode 12: the night ferry crews"])
        assert [e.url for e in twelve.enclosures] == [
            f"http://127.0.0.1:{feed_server.port}/audio/hh-12.mp3",  # resolved against the feed
            "https://harbour-hour.example/video/hh-12.mp4",
            "https://harbour-hour.example/img/crew.jpg"]
        assert twelve.enclosures[0].duration == 3130
        assert twelve.to_dict()["enclosures"][0]["length"] == 48_200_000
        # built once, then read from the cache: the enclosures come with it both times
        assert lib.article(by_title["Episode 12: the night ferry crews"]).enclosures == \
            twelve.enclosures
        assert lib.enclosures(by_title["Episode 11: tides"])[0].type == "audio/ogg"


def test_a_changed_enclosure_is_stored_and_the_cached_page_kept(tmp_path: Path) -> None:
    with Library.open(tmp_path / "library.db") as lib:
        feed = lib.add_feed("https://pod.example/feed")
        entry = NewEntry(key="1", title="One", raw="<p>Short.</p>", link="https://pod.example/1")
        lib.store_entries(feed, [entry])  # stored before enclosures were kept
        (entry_id,) = lib.entry_ids("all")
        lib.store_page(entry_id, "<p>The whole page.</p>", Article("One", "https://pod.example/1"))
        lib.store_entries(feed, [NewEntry(**{**entry.__dict__, "enclosures": [MP3]})])
        assert lib.enclosures(entry_id) == [MP3]
        assert lib.article(entry_id).enclosures == [MP3]
        row = lib._one("SELECT page_status FROM entries WHERE id = ?", (entry_id,))
        assert row is not None and tuple(row) == ("cached",)
        moved = Enclosure("https://pod.example/1-fixed.mp3", "audio/mpeg")
        lib.store_entries(feed, [NewEntry(**{**entry.__dict__, "enclosures": [moved]})])
        assert lib.enclosures(entry_id) == [moved]


def test_unsafe_or_corrupt_stored_enclosures_are_not_given_back(tmp_path: Path) -> None:
    with Library.open(tmp_path / "library.db") as lib:
        feed = lib.add_feed("https://pod.example/feed")
        lib.store_entries(feed, [NewEntry(key="1", title="One", raw="<p>x</p>", enclosures=[
            Enclosure("javascript:alert(1)"), MP3])])
        (entry_id,) = lib.entry_ids("all")
        assert lib.enclosures(entry_id) == [MP3]
        with lib._write() as conn:
            conn.execute("UPDATE entries SET enclosures = '{not json' WHERE id = ?", (entry_id,))
        assert lib.enclosures(entry_id) == []

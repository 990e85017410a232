"""The filter language on a real library: every term, negation, ages, sorts, and its errors."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reader.article.model import Quote
from reader.config import View
from reader.errors import BylineError
from reader.library.filters import FilterError, compile_filter, split_words, view_problems
from reader.library.listings import Listing
from reader.library.store import Library, NewEntry

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC).timestamp()


@pytest.fixture
def lib(tmp_path: Path) -> Iterator[Library]:
    library = Library.open(tmp_path / "library.db")
    harbour = library.add_feed("https://harbour.example/rss", title="Harbour Desk",
                               tags=["News"])
    hills = library.add_feed("https://hills.example/feed", title="Hill Country Post",
                             tags=["weekend"])
    library.store_entries(harbour, [
        NewEntry(key="a", title="Ferry crews rehearse a rescue", authors=["Ines Okafor"],
                 raw="<p>Climate and the sea level worry the crews.</p>",
                 published="2026-11-19T08:00:00+00:00"),
        NewEntry(key="b", title="Night market returns", authors=["Dev Lane"],
                 raw="<p>Stalls, lanterns and a long queue for dumplings.</p>",
                 published="2026-11-01T09:00:00+00:00"),
        NewEntry(key="c", title="Sea wall vote delayed 100%", authors=["Ines Okafor"],
                 raw="<p>The council spoke of climate again; a sea level study is due.</p>",
                 published="2026-10-02T10:00:00+00:00"),
    ])
    library.store_entries(hills, [
        NewEntry(key="d", title="Walking the ridge in November", authors=["Mara Quillon"],
                 raw="<p>Frost on the heather, climate notes from a shepherd.</p>",
                 published="2026-11-15T07:00:00+00:00"),
    ])
    yield library
    library.close()


def titles(lib: Library, text: str, **kw: object) -> list[str]:
    listing = Listing(filter=text, **kw)  # type: ignore[arg-type]
    where, params = listing.where(NOW)
    rows = lib._all(f"SELECT e.title FROM {listing.tables()} WHERE {where} "
                    f"ORDER BY {listing.order()}", params)
    return [r[0] for r in rows]


def test_words_phrases_states_and_negation(lib: Library) -> None:
    assert titles(lib, "climate") == ["Ferry crews rehearse a rescue",
                                      "Walking the ridge in November",
                                      "Sea wall vote delayed 100%"]
    assert titles(lib, '"sea level"') == ["Ferry crews rehearse a rescue",
                                          "Sea wall vote delayed 100%"]
    assert titles(lib, "climate -shepherd") == ["Ferry crews rehearse a rescue",
                                                "Sea wall vote delayed 100%"]
    lib.set_read(lib.entry_ids("all")[0], True)   # the ferry story, newest
    lib.set_starred(lib.entry_ids("all")[-1], True)
    assert titles(lib, "climate unread") == ["Walking the ridge in November",
                                             "Sea wall vote delayed 100%"]
    assert titles(lib, "read") == ["Ferry crews rehearse a rescue"]
    assert titles(lib, "starred") == ["Sea wall vote delayed 100%"]
    assert titles(lib, "-starred -read") == ["Walking the ridge in November",
                                             "Night market returns"]
    # "unread" in quotes is a word, not the state
    assert titles(lib, '"unread"') == []


def test_fields(lib: Library) -> None:
    assert titles(lib, "tag:news") == titles(lib, "tag:NEWS") == [
        "Ferry crews rehearse a rescue", "Night market returns", "Sea wall vote delayed 100%"]
    assert titles(lib, 'feed:"hill country"') == ["Walking the ridge in November"]
    assert titles(lib, "feed:hills.example") == ["Walking the ridge in November"]
    assert titles(lib, "author:okafor") == ["Ferry crews rehearse a rescue",
                                            "Sea wall vote delayed 100%"]
    assert titles(lib, "-author:okafor -tag:weekend") == ["Night market returns"]
    assert titles(lib, "title:100%") == ["Sea wall vote delayed 100%"]   # % is literal
    assert titles(lib, "title:_") == []                                  # so is _


def test_has_quotes_is_known_once_an_article_is_cleaned(lib: Library) -> None:
    assert titles(lib, "has:quotes") == []
    walk, ferry = lib.entry_ids("all")[1], lib.entry_ids("all")[0]
    lib._cache_article(walk, replace(lib.article(walk), quotes=[
        Quote("We rehearse", "Ines Okafor", 0)]))
    lib.article(ferry)   # cleaned: no quotation in it
    assert titles(lib, "has:quotes") == ["Walking the ridge in November"]
    assert titles(lib, "-has:quotes") == ["Ferry crews rehearse a rescue"]   # others: unknown
    lib.add_local(replace(lib.article(walk), source="walk.txt"))
    assert len(titles(lib, "has:quotes")) == 2


def test_ages_and_days(lib: Library) -> None:
    assert titles(lib, "@7d") == ["Ferry crews rehearse a rescue",
                                  "Walking the ridge in November"]
    assert titles(lib, "@36h") == ["Ferry crews rehearse a rescue"]
    assert titles(lib, "-@7d") == ["Night market returns", "Sea wall vote delayed 100%"]
    assert titles(lib, "@2w") == titles(lib, "@2026-11-06..")
    assert titles(lib, "@2026-11-01") == ["Night market returns"]
    assert titles(lib, "@..2026-11-01") == ["Night market returns",
                                            "Sea wall vote delayed 100%"]
    assert titles(lib, "@2026-11-01..2026-11-15") == ["Walking the ridge in November",
                                                      "Night market returns"]
    assert len(titles(lib, "@1y")) == 4 and len(titles(lib, "@3m")) == 4


def test_sorts(lib: Library) -> None:
    assert titles(lib, "", sort="title")[0] == "Ferry crews rehearse a rescue"
    assert titles(lib, "", sort="feed")[0] == "Ferry crews rehearse a rescue"
    assert titles(lib, "", sort="feed")[-1] == "Walking the ridge in November"
    with pytest.raises(BylineError, match="unknown sort"):
        Listing(sort="colour").order()


@pytest.mark.parametrize(("text", "says"), [
    ("tag:", "tag: needs a value"),
    ("colour:red", "unknown field 'colour:'"),
    ('"sea level', "unclosed quote"),
    ("@7x", "is not a date or an age"),
    ("@2026-13-01..", "is not a date or an age"),
    ("@..", "needs a day"),
    ("has:pictures", "unknown has:'pictures'"),
    ("-!!!", "nothing to search for"),
    ("x" * 1001, "too long"),
])
def test_mistakes_are_one_line_errors(text: str, says: str) -> None:
    with pytest.raises(FilterError) as caught:
        compile_filter(text, NOW)
    message = caught.value.message
    assert message.startswith("bad filter: ") and says in message and "\n" not in message


def test_search_takes_words_and_keeps_the_rest_as_a_filter(lib: Library) -> None:
    assert split_words('climate "sea level" unread -tag:x @7d') == (
        'climate "sea level"', "unread -tag:x @7d")
    assert split_words('colour:red "open', lenient=True) == ('colour:red "open"', "")
    hits = lib.search("climate tag:weekend")
    assert [h.title for h in hits] == ["Walking the ridge in November"]
    assert [h.title for h in lib.search("author:okafor")] == [
        "Ferry crews rehearse a rescue", "Sea wall vote delayed 100%"]
    assert [h.title for h in lib.search("climate -author:okafor")] == [
        "Walking the ridge in November"]


def test_listing_pages_counts_ids_and_mark_read_with_undo(lib: Library) -> None:
    listing = Listing(filter="tag:news")
    assert lib.listing_count(listing) == 3
    assert lib.listing_counts(Listing(filter="climate")) == (3, 3)
    page = lib.listing_page(listing, limit=2, offset=1)
    assert [r.title for r in page] == ["Night market returns", "Sea wall vote delayed 100%"]
    assert lib.listing_ids(listing) == [r.id for r in lib.listing_page(listing, limit=10)]
    changed = lib.mark_listing_read(listing)
    assert len(changed) == 3 and lib.count("unread") == 1
    assert lib.listing_count(Listing(filter="tag:news", unread_only=True)) == 0
    lib.set_read_many(changed, False)
    assert lib.count("unread") == 4


def test_view_problems_name_the_view() -> None:
    assert view_problems([View("Fine", "unread climate"), View("Broken", "tag:")]) == [
        "[[views]] 'Broken': bad filter: tag: needs a value, as in tag:news"]

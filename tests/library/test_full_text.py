"""`refresh --full` remembers what it could not or need not cache (no page fetched again and
again), reports failures, and tells a summary from a short full-text entry by more than its
length."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from test_refresh import rss, subscribe_urls

from reader.library.ingest import summary_only
from reader.library.refresh import PAGE_RETRY, refresh_feeds
from reader.library.store import Library

REPO = Path(__file__).resolve().parents[2]


def long_page(title: str) -> bytes:
    return ("<html><head><title>" + title + "</title></head><body><article><h1>" + title
            + "</h1>" + "".join(f"<p>Paragraph {i} of the complete article, with enough words "
                               "to count as real content for the extractor to keep.</p>"
                               for i in range(12))
            + "</article></body></html>").encode()


def short_page(words: str) -> bytes:
    return (f"<html><head><title>Note</title></head><body><article><p>{words}</p></article>"
            "</body></html>").encode()


TEASER = "<p>Just a teaser about the harbour ferry and its winter timetable.</p>"


@pytest.fixture
def three_summaries(feed_server: Any, tmp_path: Path) -> tuple[Path, str, dict[str, str]]:
    html = {"Content-Type": "text/html"}
    pages = {
        "long": feed_server.add("/articles/long.html", long_page("The long read"),
                                headers=html),
        "missing": feed_server.url("/articles/missing.html"),   # 404: nothing there
        "same": feed_server.add("/articles/same.html",
                                short_page("Just a teaser about the harbour ferry and its "
                                           "winter timetable."), headers=html),
    }
    url = feed_server.add("/summaries.xml", rss(*[(f"Story {name}", f"g-{name}", link, TEASER)
                                                  for name, link in pages.items()]))
    path = tmp_path / "library.db"
    subscribe_urls(path, url)
    return path, url, pages


def page_requests(feed_server: Any, pages: dict[str, str]) -> dict[str, int]:
    return {name: len(feed_server.requests("/" + link.split("/", 3)[3]))
            for name, link in pages.items()}


async def test_failed_and_unneeded_pages_are_remembered_and_reported(feed_server,
                                                                     three_summaries):
    path, _, pages = three_summaries
    summary = await refresh_feeds(path, full=True)
    assert (summary.pages, summary.pages_not_needed) == (1, 1)
    assert summary.page_errors == {pages["missing"]: "http 404"}
    assert summary.line().endswith("3 new articles, 1 full text cached, 1 full text failed, "
                                   f"1 already complete in {summary.seconds:.1f} s")
    assert page_requests(feed_server, pages) == {"long": 1, "missing": 1, "same": 1}
    with Library.open(path) as lib:
        assert lib.summary_only_entries() == []
        states = dict(lib.query("SELECT title, page_status FROM entries"))
        assert states == {"Story long": "cached", "Story missing": "failed: http 404",
                          "Story same": "not needed"}
    again = await refresh_feeds(path, full=True)
    assert (again.pages, again.pages_not_needed, again.page_errors) == (0, 0, {})
    assert page_requests(feed_server, pages) == {"long": 1, "missing": 1, "same": 1}


async def test_a_page_that_failed_for_a_while_is_tried_again_later(feed_server, tmp_path):
    flaky = feed_server.add("/articles/flaky.html", b"busy", status=500)
    url = feed_server.add("/one.xml", rss(("Story", "g1", flaky, TEASER)))
    path = tmp_path / "library.db"
    subscribe_urls(path, url)
    summary = await refresh_feeds(path, full=True)
    assert list(summary.page_errors) == [flaky]
    with Library.open(path) as lib:
        assert lib.summary_only_entries() == []   # not on the next run
        later = lib.summary_only_entries(now=time.time() + PAGE_RETRY + 10)
        assert [link for _, link in later] == [flaky]


def entry(content: str | None, summary: str, link: str | None = "https://x.example/a") -> Any:
    return SimpleNamespace(content_html=content, summary_html=summary, link=link)


@pytest.mark.parametrize(("content", "description", "expected"), [
    (None, "<p>A two-line teaser.</p>", True),                          # description only, short
    ("<p>A short note, all there is.</p>", "<p>A short note</p>", False),  # its own content
    ("<p>A short note, all there is.</p>", "<p>A short note, all there is.</p>", True),
    (None, "<p>" + "Long description. " * 80 + "</p>", False),          # the whole text
    (None, "<p>" + "Long description. " * 80 + "and so on…</p>", True),   # cut short
    ("<p>" + "Words. " * 200 + "</p><p><a href='x'>Continue reading →</a></p>", "", True),
    ("<p>Body [&hellip;]</p>", "<p>Body</p>", True),
])
def test_summary_only_is_judged_by_more_than_length(content, description, expected):
    assert summary_only(entry(content, description)) is expected


def test_an_entry_without_link_has_no_page_to_fetch():
    assert summary_only(entry(None, "<p>Teaser…</p>", link=None)) is False


def test_the_command_lists_the_failures(feed_server, three_summaries):
    path, _, pages = three_summaries
    done = subprocess.run([sys.executable, "-m", "reader", "--data-dir", str(path.parent),
                           "refresh", "--full"], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"  {pages['missing']}: full text not cached: http 404" in done.stderr
    assert "1 full text cached, 1 full text failed, 1 already complete" in done.stdout


@pytest.mark.parametrize("tail", [
    "Words and words. Read the full article »", "Words. read the full story  →\n", "Xread more",
    "x read more", "Ends here… ", "Body [...]", "Done. More >>", "Done. more" + " " * 80 + "»",
    "Continue reading" + " —" * 40, "Nothing cut short here.", "", "…", "morecontinue reading",
])
def test_the_cut_short_ending_is_searched_only_where_it_can_begin(tail: str) -> None:
    from reader.library.ingest import _CUT_SHORT, _cut_short

    assert _cut_short(tail) is (_CUT_SHORT.search(tail) is not None)

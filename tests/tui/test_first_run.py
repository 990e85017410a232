"""Issue 13, item 7 (and 6 for samples): the first run is what the README says. The sample
feed is a feed, the samples show every feature and none looks like a test, every sample has
its date in the list, and a sample is named by its file, not by where it is installed."""

from __future__ import annotations

import json

from reader.sanitize import safe_url
from tests.cli.test_read_cli import byline

from .conftest import screen_text


async def _first_run(make_app) -> str:
    """Open the reader on an empty library; what its first screen shows, once the samples
    are in."""
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        return screen_text(app)


async def test_the_sample_feed_is_a_feed(make_app, paths):
    text = await _first_run(make_app)
    assert "Local files  3/3" in text
    assert "Byline Sample Desk  3/3" in text          # after the rule, with the feeds
    assert text.index("Local files") < text.index("─" * 10) < text.index("Byline Sample Desk")
    feeds = json.loads(byline("feeds", "--format", "json", tmp=paths.data_dir).stdout)
    assert [f["title"] for f in feeds] == ["Byline Sample Desk"]
    plain = byline("feeds", tmp=paths.data_dir).stdout
    assert "bundled with Byline, never fetched" in plain
    # nothing to fetch: a refresh leaves it alone, and the export does not carry it
    done = byline("refresh", tmp=paths.data_dir)
    assert done.returncode == 0, done.stderr
    assert "0 feeds ok, 0 failed" in done.stderr + done.stdout
    feeds = json.loads(byline("feeds", "--format", "json", tmp=paths.data_dir).stdout)
    assert feeds[0]["last_error"] is None
    named = byline("refresh", feeds[0]["url"], tmp=paths.data_dir)
    assert "bundled with Byline" in named.stderr + named.stdout
    assert "byline:sample" not in byline("export", tmp=paths.data_dir).stdout


async def test_the_samples_show_every_feature_and_no_test(make_app, library):
    await _first_run(make_app)
    ids = library.entry_ids("all")
    articles = [library.article(i) for i in ids]
    titles = [a.title for a in articles]
    assert not any("[" in t or "test" in t.casefold() for t in titles), titles
    rows = library.entries("all", limit=50)
    assert all(row.published for row in rows), [(r.title, r.published) for r in rows]
    blocks = [b for a in articles for b in a.blocks]
    assert any(b.kind == "media" for b in blocks)
    assert all(not any(ch.isdigit() for ch in b.text[-6:]) for b in blocks
               if b.kind == "media"), "a date inside a caption"
    quotes = [q for a in articles for q in a.quotes]
    assert {q.kind for q in quotes} == {"direct", "partial"}
    assert all(q.speaker for q in quotes if q.kind == "direct")
    assert sum(len(a.related) for a in articles) >= 4
    assert sum(bool(a.removed) for a in articles) >= 4
    linked = [a.title for a in articles if any(b.link_spans for b in a.blocks)]
    assert len(linked) >= 4
    kinds = {row.source for row in rows}
    assert kinds == {"Byline Sample Desk", "Local files"}


async def test_byline_read_of_a_sample_names_its_file(make_app, paths, library):
    await _first_run(make_app)
    entry = next(row.id for row in library.entries("local", limit=10)
                 if row.title.startswith("Island ferry"))
    proc = byline("read", str(entry), tmp=paths.data_dir)
    assert proc.returncode == 0, proc.stderr
    meta = proc.stdout.splitlines()[1]
    assert meta == "By Lena Marsh · 2026-10-03 · harbour-ferry.txt · 1 min read"
    assert "site-packages" not in proc.stdout and "/reader/samples" not in proc.stdout
    feed_entry = next(row for row in library.entries("all", limit=10)
                      if row.source == "Byline Sample Desk")
    proc = byline("read", str(feed_entry.id), tmp=paths.data_dir)
    meta = proc.stdout.splitlines()[1]
    assert "Byline Sample Desk · " + (safe_url(feed_entry.url) or "") in meta


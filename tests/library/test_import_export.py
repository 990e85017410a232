"""OPML and URL-list import (hostile entries refused) and the OPML export round trip."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from reader.errors import BylineError
from reader.library.opml import export_opml, looks_like_opml, parse_opml
from reader.library.urllist import parse_url_list

NESTED_OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0"><head><title>Mine</title></head><body>
  <outline text="Tech">
    <outline text="Gadgets">
      <outline type="rss" text="Widget Weekly" xmlUrl="https://widgets.example/rss"/>
    </outline>
    <outline type="rss" title="Code Notes" text="ignored" xmlUrl="https://code.example/atom.xml"
             category="dev,tools"/>
  </outline>
  <outline type="rss" text="Top level" xmlUrl="http://top.example/feed"/>
  <outline type="rss" text="Script" xmlUrl="|~/script.sh"/>
  <outline type="rss" text="Exec" xmlUrl="exec:~/bin/fetch"/>
  <outline type="rss" text="Filter" xmlUrl="filter:~/f.sh:https://ok.example/feed"/>
  <outline type="rss" text="File" xmlUrl="file:///etc/passwd"/>
  <outline text="Empty folder"/>
</body></opml>"""


def test_opml_nested_outlines_become_tags_and_unsafe_urls_are_refused() -> None:
    # reliability-notes case 36 (newsboat PR #3400).
    result = parse_opml(NESTED_OPML)
    found = {(s.url, s.title, tuple(s.tags)) for s in result.subscriptions}
    assert found == {
        ("https://widgets.example/rss", "Widget Weekly", ("Tech", "Gadgets")),
        ("https://code.example/atom.xml", "Code Notes", ("Tech", "dev", "tools")),
        ("http://top.example/feed", "Top level", ()),
    }
    assert len(result.warnings) == 4
    assert all("only http(s)" in w for w in result.warnings)
    assert any("|~/script.sh" in w for w in result.warnings)


@pytest.mark.parametrize("doc", [
    b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">]><opml><body>'
    b'<outline text="&a;&a;" xmlUrl="https://x.example/"/></body></opml>',
    b'<?xml version="1.0"?><!DOCTYPE opml SYSTEM "file:///etc/passwd"><opml/>',
])
def test_opml_with_doctype_or_entities_is_rejected(doc: bytes) -> None:
    # reliability-notes cases 22 to 25: no entity expansion, no external reads.
    with pytest.raises(BylineError, match="unsafe OPML"):
        parse_opml(doc)


def test_malformed_and_foreign_documents_are_clear_errors() -> None:
    with pytest.raises(BylineError, match="malformed OPML"):
        parse_opml(b"<?xml version='1.0'?><opml><body><outline></body>")
    with pytest.raises(BylineError, match="not an OPML"):
        parse_opml(b"<?xml version='1.0'?><rss/>")


def test_deep_nesting_does_not_recurse() -> None:
    depth = 3000
    doc = ("<opml><body>" + '<outline text="f">' * depth
           + '<outline xmlUrl="https://deep.example/feed" text="Deep"/>'
           + "</outline>" * depth + "</body></opml>").encode()
    try:
        result = parse_opml(doc)
    except BylineError as exc:  # the XML parser itself may refuse the depth: also fine
        assert "OPML" in exc.message
    else:
        assert result.subscriptions[0].url == "https://deep.example/feed"


def test_export_round_trip_keeps_urls_titles_and_tags() -> None:
    feeds = [
        ("https://a.example/feed", "A & B <news>", "https://a.example/", ["news", "daily"]),
        ("https://b.example/rss", "", None, []),
        ("https://c.example/atom", "C", None, ["news"]),
    ]
    text = export_opml(feeds)
    root = ET.fromstring(text.encode())
    assert root.get("version") == "2.0"
    back = parse_opml(text.encode())
    assert back.warnings == []
    got = {s.url: (s.title, s.tags) for s in back.subscriptions}
    assert got == {
        "https://a.example/feed": ("A & B <news>", ["news", "daily"]),
        "https://b.example/rss": ("https://b.example/rss", []),
        "https://c.example/atom": ("C", ["news"]),
    }
    assert looks_like_opml(text.encode())


def test_url_list_newsboat_style_with_hostile_lines() -> None:
    text = "\n".join([
        "# my feeds",
        "",
        'https://one.example/feed tech "long tag" "~My Own Title"',
        "https://two.example/rss#frag  # a comment",
        "|~/bin/script.sh",
        "exec:~/bin/fetch",
        'filter:~/f.sh:https://three.example/',
        '"query:Unread:unread = \\"yes\\""',
        "file:///etc/passwd",
        "--renderer-cmd-prefix=xcalc",
        'https://four.example/feed "unbalanced',
    ])
    result = parse_url_list(text)
    assert [(s.url, s.title, s.tags, s.own_title) for s in result.subscriptions] == [
        ("https://one.example/feed", "My Own Title", ["tech", "long tag"], True),
        ("https://two.example/rss#frag", "", [], False),
        ("https://four.example/feed", "", ['"unbalanced'], False),
    ]
    assert [w.split(":")[0] for w in result.warnings] == [
        "line 5", "line 6", "line 7", "line 8", "line 9", "line 10"]
    assert not looks_like_opml(text.encode())


def test_a_url_list_title_survives_refresh_and_an_opml_title_does_not(tmp_path) -> None:
    """newsboat's `"~Title"` is the user's name for the feed: the feed's own title, stored by
    every refresh, does not replace it; an OPML outline's title is only a first name."""
    from reader.library.store import Library, NewEntry

    library = Library.open(tmp_path / "library.db")
    try:
        listed = parse_url_list('https://one.example/feed news "~Harbour, mine"\n'
                                "https://two.example/feed\n").subscriptions
        opml = parse_opml(NESTED_OPML).subscriptions[0]
        ids = [library.add_feed(s.url, title=s.title, tags=s.tags, own_title=s.own_title)
               for s in [*listed, opml]]
        for feed_id in ids:
            library.store_entries(feed_id, [NewEntry(key="k", title="t", raw="<p>x</p>")],
                                  title="What the feed calls itself")
        titles = {f.url: (f.title, f.tags) for f in library.feeds()}
        assert titles == {
            "https://one.example/feed": ("Harbour, mine", ["news"]),
            "https://two.example/feed": ("What the feed calls itself", []),
            opml.url: ("What the feed calls itself", ["Gadgets", "Tech"]),
        }
        # Importing the list again (with another title) changes the user's title, not the tags.
        library.add_feed("https://one.example/feed", title="Harbour", own_title=True)
        library.store_entries(ids[0], [], title="What the feed calls itself")
        assert library.feed("https://one.example/feed").title == "Harbour"
    finally:
        library.close()

"""Feed discovery from `<link rel="alternate">` in HTML pages."""

from __future__ import annotations

from reader.sources.discover import discover_feeds

BASE = "https://blog.example/posts/2024/hello.html"


def test_types_order_and_resolution():
    html = """<html><head>
    <link rel="stylesheet" href="/style.css">
    <link rel="alternate" type="application/rss+xml" href="/feed.rss" title="RSS">
    <link rel="alternate" type="application/atom+xml" href="atom.xml">
    <link rel="alternate" type="application/feed+json" href="//cdn.blog.example/feed.json">
    <link rel="alternate" type="application/json" href="https://blog.example/api.json">
    <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
    </head><body></body></html>"""
    assert discover_feeds(html, BASE) == [
        "https://blog.example/feed.rss",
        "https://blog.example/posts/2024/atom.xml",
        "https://cdn.blog.example/feed.json",
        "https://blog.example/api.json",
    ]


def test_duplicates_and_unsafe_hrefs_dropped():
    html = """<link rel="alternate" type="application/rss+xml" href="/feed">
    <link rel="alternate" type="application/rss+xml" href="https://blog.example/feed">
    <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
    <link rel="alternate" type="application/rss+xml" href="file:///etc/passwd">
    <link rel="alternate" type="application/rss+xml" href="">
    <link rel="alternate" type="application/rss+xml">"""
    assert discover_feeds(html, BASE) == ["https://blog.example/feed"]


def test_attribute_case_rel_lists_and_charset_params():
    html = """<LINK REL="Alternate Home" TYPE="Application/RSS+XML; charset=utf-8" HREF="/a">
    <link rel="alternate" type="application/atom+xml" href="/b" />"""
    assert discover_feeds(html, BASE) == ["https://blog.example/a", "https://blog.example/b"]


def test_base_element_is_honoured():
    html = """<head><base href="https://static.example/site/">
    <link rel="alternate" type="application/rss+xml" href="rss.xml"></head>"""
    assert discover_feeds(html, BASE) == ["https://static.example/site/rss.xml"]


def test_no_base_url_keeps_only_absolute():
    html = """<link rel="alternate" type="application/rss+xml" href="/relative">
    <link rel="alternate" type="application/rss+xml" href="http://abs.example/rss">"""
    assert discover_feeds(html, "") == ["http://abs.example/rss"]


def test_broken_markup_does_not_crash():
    html = "<link rel=alternate type=application/rss+xml href=/ok><<<>>><link rel="
    assert discover_feeds(html, BASE) == ["https://blog.example/ok"]
    assert discover_feeds("", BASE) == []
    assert discover_feeds("<![ <!-- " * 1000, BASE) == []

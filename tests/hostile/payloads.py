"""Hostile inputs, built in code (never committed as files): reliability-notes section 6.

Every builder returns bytes or str; sizes are chosen to be cheap to build yet large enough
to prove a limit (the 50 MB files are sparse, made with `os.truncate`).
"""

from __future__ import annotations

import json

# Terminal attacks (case 37, 38): OSC 0 window title, OSC 52 clipboard, OSC 8 hyperlink,
# CSI clear screen + cursor report, ESC c reset, C1 CSI/OSC, DCS, BEL, an unterminated OSC.
ESCAPES = (
    "\x1b]0;pwned-title\x07",
    "\x1b]52;c;cm0gLXJmIH4=\x07",
    "\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\",
    "\x1b[2J\x1b[H",
    "\x1b[6n",
    "\x1bc",
    "\x9b31m",
    "\x9d0;c1-title\x9c",
    "\x1bPdcs-payload\x1b\\",
    "\x07",
)
UNTERMINATED_OSC = "\x1b]0;swallow everything after"
# Rich/Textual markup (case 39) and other text that must show literally.
MARKUP = ("[/]", "[@click=app.quit]Read more[/]", "[bold red]alarm[/bold red]",
          "[link=https://evil.example]x[/link]", "[link='https://evil.example']y[/link]",
          "\\[escaped]", "[")
BIDI = "invoice\u202eexe.pdf \u2066isolate\u2069"  # case 40
LONE_SURROGATE = "half \ud800 a pair"               # case 53
CONTROLS = "nul\x00 back\x08space bell\x07 del\x7f c1\x85"  # case 28

HOSTILE_TITLE = "Alert " + "".join(ESCAPES) + " ".join(MARKUP) + " " + BIDI + " " + CONTROLS
# Words a hostile title must still show once cleaned (the attack vanished, the text did not).
TITLE_WORDS = ("Alert", "Read more", "alarm", "invoice", "exe.pdf")


def xml_text(text: str) -> str:
    """`text` as XML character data: controls as numeric references (as hostile feeds send)."""
    out = []
    for ch in text:
        if ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif (ord(ch) < 0x20 and ch not in "\n\t") or 0x7F <= ord(ch) <= 0x9F \
                or 0xD800 <= ord(ch) <= 0xDFFF:
            out.append(f"&#{ord(ch)};")
        else:
            out.append(ch)
    return "".join(out)


def rss(items: list[dict[str, str]], *, title: str = "Hostile Times",
        link: str = "http://127.0.0.1/", prolog: str = "") -> bytes:
    """An RSS 2.0 document; each item's values are inserted verbatim (already XML)."""
    parts = [f'<?xml version="1.0" encoding="utf-8"?>{prolog}\n<rss version="2.0"><channel>'
             f"<title>{title}</title><link>{link}</link>"]
    for item in items:
        parts.append("<item>" + "".join(f"<{k}>{v}</{k}>" for k, v in item.items()) + "</item>")
    parts.append("</channel></rss>\n")
    return "".join(parts).encode("utf-8", "surrogatepass")


def plain_rss(n: int = 3, *, prefix: str = "Story") -> bytes:
    """A well-behaved feed of `n` dated items with guids."""
    return rss([{"title": f"{prefix} {i}", "link": f"http://127.0.0.1/{prefix.lower()}/{i}",
                 "guid": f"{prefix.lower()}-{i}",
                 "pubDate": f"Tue, 0{1 + i % 9} Jan 2024 10:00:00 GMT",
                 "description": f"&lt;p&gt;Body of {prefix.lower()} number {i}.&lt;/p&gt;"}
                for i in range(n)])


def billion_laughs() -> bytes:
    """The classic: ten levels of ten references (case 22)."""
    ents = ['<!ENTITY lol "lol">']
    for i in range(1, 10):
        prev = "lol" if i == 1 else f"lol{i - 1}"
        ents.append(f'<!ENTITY lol{i} "{("&" + prev + ";") * 10}">')
    prolog = "\n<!DOCTYPE rss [\n" + "\n".join(ents) + "\n]>"
    return rss([{"title": "&lol9;", "guid": "laugh"}], prolog=prolog)


def billion_laughs_one_line() -> bytes:
    """Billion laughs with the whole DOCTYPE on one line (case 23)."""
    return billion_laughs().replace(b"\n<!ENTITY", b"<!ENTITY").replace(b"\n]>", b"]>")


def quadratic_blowup(value_kb: int = 100, refs: int = 20_000) -> bytes:
    """One large entity referenced many times: no nesting, gigabytes expanded (case 24)."""
    prolog = f'\n<!DOCTYPE rss [<!ENTITY a "{"x" * (value_kb * 1024)}">]>'
    return rss([{"title": "quad", "guid": "quad", "description": "&a;" * refs}], prolog=prolog)


def xxe() -> bytes:
    """External entities: a file, an http DTD and a parameter entity (case 25)."""
    prolog = ('\n<!DOCTYPE rss [<!ENTITY ext SYSTEM "file:///etc/hostname">'
              '<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>')
    return rss([{"title": "before &ext; after", "guid": "xxe",
                 "description": "body &ext;"}], prolog=prolog)


def bad_char_refs() -> bytes:
    """Numeric references naming no character (case 26)."""
    return rss([{"title": "surrogate &#xD800; end", "guid": "c1"},
                {"title": "beyond &#x110000; end", "guid": "c2"},
                {"title": "overflow &#99999999999; end", "guid": "c3"},
                {"title": "zero &#0; end", "guid": "c4"}])


def backslash_entity() -> bytes:
    """An internal entity whose value holds backslashes (case 27: feedparser raised re.error)."""
    prolog = '\n<!DOCTYPE rss [<!ENTITY bs "a\\b\\1\\g<0>">]>'
    return rss([{"title": "slash &bs; end", "guid": "bs"}], prolog=prolog)


def truncated() -> bytes:
    """A feed cut off in the middle of its third item (case 20)."""
    whole = plain_rss(5)
    cut = whole.index(b"<item>", whole.index(b"<item>", whole.index(b"<item>") + 1) + 1) + 20
    return whole[:cut]


def many_items(n: int = 20_000) -> bytes:
    """`n` tiny items (case 32)."""
    return rss([{"title": f"t{i}", "guid": f"g{i}"} for i in range(n)])


def deep_nesting(depth: int = 5000) -> bytes:
    """An entry whose HTML nests `depth` divs (case 34)."""
    html = "&lt;div&gt;" * depth + "deep words" + "&lt;/div&gt;" * depth
    return rss([{"title": "deep", "guid": "deep", "description": html}])


def json_feed(items: object, **extra: object) -> bytes:
    doc: dict[str, object] = {"version": "https://jsonfeed.org/version/1.1", "title": "J",
                              "items": items}
    doc.update(extra)
    return json.dumps(doc).encode()


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
GZIP = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + bytes(200)
RANDOM = bytes((i * 7919 + 13) % 256 for i in range(4096))

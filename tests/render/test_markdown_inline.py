"""`--format markdown` of a Markdown clipping keeps its emphasis, strong text, inline code,
struck text and http(s) link URLs; everything else stays escaped, and only http(s) links
survive."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from reader.article.model import Article, Block
from reader.render.markdown import inline_markup, render_markdown
from reader.sources.targets import load_path

REPO = Path(__file__).resolve().parents[2]
CLIPPING = """---
title: Night ferry notes
source: https://news.example/ferry
---

# Night ferry notes

The *night ferry* keeps **its timetable** through the winter, says the
[harbour office](https://harbour.example/office).

Run `ferry --times` to see them; the old ~~summer~~ page is [gone](/archive), and
[this one](javascript:alert(1)) never opens.

- a list item with _emphasis_
- a plain item with a * star and a_b

> A quote with ``code with ` inside`` in it.

Snake_case_name and 3 * 4 stay literal.
"""


def clipping(tmp_path: Path) -> Path:
    path = tmp_path / "clip.md"
    path.write_text(CLIPPING, encoding="utf-8")
    return path


def test_a_clipping_keeps_its_inline_markup(tmp_path):
    out = render_markdown(load_path(str(clipping(tmp_path)))[0])
    assert ("The *night ferry* keeps **its timetable** through the winter, says the "
            "[harbour office](<https://harbour.example/office>).") in out
    assert ("Run `ferry --times` to see them; the old ~~summer~~ page is gone, and this one "
            "never opens.") in out
    assert "- a list item with *emphasis*" in out
    assert "- a plain item with a \\* star and a\\_b" in out
    assert "> A quote with ``code with ` inside`` in it." in out
    assert "Snake\\_case\\_name and 3 \\* 4 stay literal." in out
    assert "javascript" not in out


def test_through_the_command_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "reader", "--data-dir", str(tmp_path / "h"),
                           "read", str(clipping(tmp_path)), "--format", "markdown"], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "**its timetable**" in done.stdout and "`ferry --times`" in done.stdout
    assert "[harbour office](<https://harbour.example/office>)" in done.stdout


def test_text_that_only_looks_like_markdown_stays_plain():
    # A plain-text article keeps its stars in the block text: nothing matches, all escaped.
    article = Article("Stars", "notes.txt", blocks=[Block("paragraph", "Rated *four* stars.")],
                      raw="Stars\n\nRated *four* stars.\n")
    assert "Rated \\*four\\* stars." in render_markdown(article)


def test_hostile_markup_in_a_clipping_stays_inert():
    marked = inline_markup("A [link](https://ok.example/a>b) and *[x](data:text/html,hi)* "
                           "and `[y](https://z.example)` and \x1b[31m<b>tag</b>.\n")
    (plain, markdown), = marked.items()
    assert plain == "A link and x and [y](https://z.example) and tag ."
    assert markdown == ("A [link](<https://ok.example/a%3Eb>) and *x* and "
                        "`[y](https://z.example)` and tag .")

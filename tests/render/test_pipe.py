"""`reader.render.pipe`: an article sent to real commands (Python scripts run without a
shell), their output shown clean, their failures as one line."""

from __future__ import annotations

import sys

import pytest

from reader.article.model import Article, Block
from reader.config import Command, parse_config
from reader.errors import BylineError
from reader.render.pipe import command_line, pipe_article

URL = "https://harbour.example/ferry"
ARTICLE = Article(title="Night ferry returns", source="harbour.example", url=URL,
                  blocks=[Block("paragraph", "The ferry runs again after ten years.")])


def py(code: str, send: str = "url") -> Command:
    return Command("test", (sys.executable, "-c", code), send)


def test_the_url_goes_last_or_where_url_is_written() -> None:
    assert command_line(Command("a", ("wallabag", "add")), URL) == ["wallabag", "add", URL]
    assert command_line(Command("a", ("x", "--link={url}", "-q")), URL) == \
        ["x", f"--link={URL}", "-q"]
    assert command_line(Command("a", ("wc",), "text"), URL) == ["wc"]
    done = pipe_article(py("import sys; print('got', sys.argv[1])"), ARTICLE, URL)
    assert done.ok and done.message == f"test: got {URL}"


@pytest.mark.parametrize(("send", "expected"), [
    ("text", "Night ferry returns"), ("markdown", "# Night ferry returns")])
def test_text_and_markdown_go_on_the_input(send: str, expected: str) -> None:
    done = pipe_article(py("import sys; print(sys.stdin.read().splitlines()[0])", send),
                        ARTICLE, None)
    assert done.ok and done.message == f"test: {expected}"


def test_failures_are_one_line() -> None:
    failed = pipe_article(py("import sys; print('partial'); sys.exit('quota exceeded')"),
                          ARTICLE, URL)
    assert not failed.ok and failed.message == "test failed (exit status 1): quota exceeded"
    missing = pipe_article(Command("later", ("no-such-program-byline",)), ARTICLE, URL)
    assert missing.message == "later: cannot run 'no-such-program-byline': not found"
    slow = pipe_article(py("import time; time.sleep(30)"), ARTICLE, URL, timeout=0.5)
    assert not slow.ok and slow.message == "test: no answer in 0.5 s; it was stopped"
    no_link = pipe_article(py("print(1)"), ARTICLE, "javascript:alert(1)")
    assert not no_link.ok and "no web link" in no_link.message
    quiet = pipe_article(py("pass"), ARTICLE, URL)
    assert quiet.ok and quiet.message == "test: done"


def test_long_output_is_cut_to_a_few_lines() -> None:
    done = pipe_article(py("for i in range(50): print('line', i)"), ARTICLE, URL)
    lines = done.message.splitlines()
    assert lines[0] == "test: line 0" and lines[-1] == "… 46 more lines" and len(lines) == 5


@pytest.mark.parametrize(("table", "says"), [
    ({"later": "wallabag add"}, "'later' must be a command list"),
    ({"later": []}, "'later' must be a command list"),
    ({"later": {"run": ["x"], "send": "pdf"}}, "'later': send must be url, text, markdown"),
    ({"later": {"run": ["x"], "sned": "text"}}, "'later': unknown key 'sned'"),
    ({"later": [""]}, "must be a command list"),
    ("wallabag", "must be a table"),
])
def test_bad_commands_are_one_line(table: object, says: str) -> None:
    with pytest.raises(BylineError) as caught:
        parse_config({"commands": table})
    assert caught.value.message.startswith("bad config config: [commands] ")
    assert says in caught.value.message and "\n" not in caught.value.message

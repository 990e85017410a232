"""Send an article to a command of `[commands]` (newsboat's macros, elfeed's pipes): its URL
as an argument, or its clean text (plain or Markdown) on the command's input.

The command is the config's list of arguments, run without a shell; nothing from the feed
becomes a program name or an option (the URL is an http(s) link, checked, and one argument).
Its output comes back as a few clean lines to show, its failure as one line.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

from reader.article.model import Article
from reader.config import Command
from reader.sanitize import clean_line, clean_text, safe_url

PIPE_TIMEOUT = 30.0
SHOWN_LINES = 4
SHOWN_CHARS = 400


@dataclass(frozen=True)
class PipeResult:
    """What running a command came to: `ok`, and the lines to show (clean, short)."""

    ok: bool
    message: str


def command_line(command: Command, url: str | None) -> list[str]:
    """The arguments to run: `{url}` replaced in each, or (sending the URL) the URL last."""
    if any("{url}" in arg for arg in command.run):
        return [arg.replace("{url}", url or "") for arg in command.run]
    return [*command.run, url] if command.send == "url" and url else list(command.run)


def pipe_article(command: Command, article: Article, url: str | None, *,
                 timeout: float = PIPE_TIMEOUT) -> PipeResult:
    """Run `command` for `article` (its link `url`) and say what came of it."""
    checked = safe_url(url)
    name = clean_line(command.name)[:40]
    if command.send == "url" and checked is None:
        return PipeResult(False, f"{name}: this article has no web link to send")
    data = None
    if command.send == "text":
        from reader.render.plain import render_plain

        data = render_plain(article).encode("utf-8")
    elif command.send == "markdown":
        from reader.render.markdown import render_markdown

        data = render_markdown(article).encode("utf-8")
    argv = command_line(command, checked)
    try:
        done = subprocess.run([*argv], input=data, capture_output=True, timeout=timeout,
                              stdin=None if data is not None else subprocess.DEVNULL,
                              start_new_session=True, check=False)
    except FileNotFoundError:
        return PipeResult(False, f"{name}: cannot run {clean_line(argv[0])[:80]!r}: not found")
    except PermissionError:
        return PipeResult(False, f"{name}: cannot run {clean_line(argv[0])[:80]!r}: "
                          "not allowed")
    except subprocess.TimeoutExpired:
        return PipeResult(False, f"{name}: no answer in {timeout:g} s; it was stopped")
    except OSError as exc:
        return PipeResult(False, f"{name}: cannot run {clean_line(argv[0])[:80]!r}: "
                          f"{clean_line(exc.strerror or str(exc))[:80]}")
    out = _shown(done.stdout)
    if done.returncode != 0:
        why = _shown(done.stderr) or out
        last = why.splitlines()[-1] if why else ""
        status = f"exit status {done.returncode}" if done.returncode > 0 else \
            f"stopped by signal {-done.returncode}"
        return PipeResult(False, f"{name} failed ({status})" + (f": {last}" if last else ""))
    return PipeResult(True, f"{name}: {out}" if out else f"{name}: done")


def _shown(output: bytes) -> str:
    """A command's output as at most `SHOWN_LINES` clean lines of `SHOWN_CHARS` in all:
    control and escape sequences removed, never read as markup by the caller."""
    text = clean_text(output[:65536].decode("utf-8", "replace"))
    lines = [clean_line(line) for line in text.splitlines()]
    lines = [line for line in lines if line.strip()]
    shown = "\n".join(lines[:SHOWN_LINES])
    if len(lines) > SHOWN_LINES:
        shown += f"\n… {len(lines) - SHOWN_LINES} more line{'s' * (len(lines) - SHOWN_LINES > 1)}"
    return shown[:SHOWN_CHARS]

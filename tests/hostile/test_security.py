"""Security review as tests (reliability-notes 3.1, 3.4, 3.7; cases 36, 44, 51): what can
run a program or open a browser, what can write a file, and what an import file may name."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hostile import payloads as P
from reader.library.opml import parse_opml
from reader.library.urllist import parse_url_list
from reader.pattern_cache import cache_file

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "reader"
SOURCES = sorted(PACKAGE.rglob("*.py"))

# Calls that run a program or hand a string to one.
SHELL_CALLS = {"os.system", "os.popen", "os.execl", "os.execle", "os.execlp", "os.execv",
               "os.execve", "os.execvp", "os.execvpe", "os.spawnl", "os.spawnv", "os.spawnvp",
               "os.posix_spawn", "os.posix_spawnp", "subprocess.getoutput",
               "subprocess.getstatusoutput", "asyncio.create_subprocess_shell", "pty.spawn"}
PROCESS_CALLS = {"subprocess.run", "subprocess.Popen", "subprocess.call",
                 "subprocess.check_call", "subprocess.check_output",
                 "asyncio.create_subprocess_exec"}
# (`webbrowser.get` only finds a browser: `reader/tui/browser.py` opens it through
# `launch_detached`, which checks the URL.)
BROWSER_CALLS = {"webbrowser.open", "webbrowser.open_new", "webbrowser.open_new_tab"}
# Process calls whose program is not spelled `[*config…]` at the call, reviewed: the program
# comes from a `Browser` that `find_browser` made from the config's `browser` or from
# Python's webbrowser registry ($BROWSER, xdg-open), from the fixed list of clipboard tools,
# from $PAGER, or from the config's `[commands]` or `[sync] password_command` (checked by
# `reader.config` to be lists of words). "url": a checked URL is handed over; "text": no URL,
# only cleaned text on the program's input; "nothing": the program gets no input at all (its
# output is read).
REVIEWED_PROGRAMS = {
    ("reader/tui/browser.py", "launch_detached"): "url",
    ("reader/tui/browser.py", "run_in_terminal"): "url",
    ("reader/tui/player.py", "start_detached"): "url",   # or a file Byline downloaded
    ("reader/tui/player.py", "run_attached"): "url",
    ("reader/tui/clipboard.py", "copy_with"): "url",
    ("reader/tui/clipboard.py", "_tmux_clipboard"): "url",
    ("reader/commands/pager.py", "page"): "text",
    # `[sync]` and `[[feed]]` password_command (checked by `reader.config`)
    ("reader/password.py", "password_from_command"): "nothing",
    # `[commands]` (checked by `reader.config`): a checked URL, or cleaned article text
    ("reader/render/pipe.py", "pipe_article"): "url",
}
# Every place that may create, replace or write a file, reviewed: (module, function).
FILE_WRITERS = {
    ("reader/library/database.py", "open"),        # mkdir of the library's folder
    ("reader/library/database.py", "_connect"),    # library.db itself (and its WAL files)
    ("reader/library/database.py", "feed_count"),  # a read-only connection (mode=ro)
    ("reader/library/search.py", "__init__"),      # Searcher: a read-only connection (mode=ro)
    ("reader/cli.py", "main"),                  # /dev/null over a closed stdout pipe
    ("reader/library/database.py", "_set_aside"),  # renames a damaged library.db beside itself
    ("reader/tui/themes.py", "save_theme_choice"),  # state.json in the data dir
    # enclosure downloads: the folder, NAME.part(.json) and NAME, NAME made by `file_name`
    # and checked by `download` (a bare name of [A-Za-z0-9._-]; O_NOFOLLOW; no symlinks)
    ("reader/sources/download.py", "download"),
    ("reader/sources/download.py", "_remember"),
    ("reader/sources/download.py", "_finish"),
    ("reader/sources/download.py", "_discard"),
    ("reader/sources/images.py", "cache_image"),   # removes a refused image it just wrote
    # the pattern cache: its folder, a temporary named by the process id, then `os.replace`
    # over patterns-<interpreter>.marshal (names made here, never from input)
    ("reader/pattern_cache.py", "save"),
}
# (`.replace` is left out: statically, `Path.replace` and `str.replace` look the same.)
WRITE_METHODS = {"write_text", "write_bytes", "mkdir", "makedirs", "touch", "symlink_to",
                 "hardlink_to", "rename", "unlink", "rmdir", "chmod"}


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


class _Calls(ast.NodeVisitor):
    """Every call in a module with its enclosing function name."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.calls: list[tuple[str, ast.Call]] = []
        self.functions: dict[str, ast.AST] = {}

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.functions[node.name] = node
        self.stack.append(node.name)
        self.generic_visit(node)
        self.stack.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node: ast.Call) -> None:
        self.calls.append((self.stack[-1] if self.stack else "<module>", node))
        self.generic_visit(node)


def _modules() -> Iterator[tuple[str, _Calls]]:
    for path in SOURCES:
        visitor = _Calls()
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        yield str(path.relative_to(REPO)), visitor


def _calls_named(function: ast.AST, names: set[str]) -> bool:
    return any(isinstance(n, ast.Call) and _dotted(n.func).split(".")[-1] in names
               for n in ast.walk(function))


def _validated(visitor: _Calls, function: str) -> bool:
    """`function` checks its URL with `safe_url`, or every caller in the module does."""
    if function in visitor.functions and _calls_named(visitor.functions[function],
                                                      {"safe_url"}):
        return True
    callers = [name for name, fn in visitor.functions.items()
               if name != function and _calls_named(fn, {function})]
    return bool(callers) and all(_validated(visitor, c) for c in callers)


def test_nothing_runs_through_a_shell() -> None:
    found = []
    for module, visitor in _modules():
        for function, call in visitor.calls:
            name = _dotted(call.func)
            if name in SHELL_CALLS:
                found.append(f"{module}:{function}: {name}")
            for kw in call.keywords:
                if kw.arg == "shell" and not (isinstance(kw.value, ast.Constant)
                                              and kw.value.value is False):
                    found.append(f"{module}:{function}: shell={ast.unparse(kw.value)}")
    assert found == []


def test_every_program_and_browser_call_is_validated() -> None:
    """Processes get a list argv whose program comes from the config only, and the URL
    handed to a process or a browser has been through `safe_url` first."""
    sites = []
    for module, visitor in _modules():
        for function, call in visitor.calls:
            name = _dotted(call.func)
            if name in PROCESS_CALLS:
                argv = call.args[0] if call.args else None
                assert isinstance(argv, (ast.List, ast.Tuple)), f"{module}:{function}: argv"
                program = argv.elts[0]
                assert isinstance(program, ast.Starred) and (
                    "config" in _dotted(program.value)
                    or (module, function) in REVIEWED_PROGRAMS), (
                    f"{module}:{function}: the program must come from the config file")
                sites.append((module, function, name))
                if REVIEWED_PROGRAMS.get((module, function)) in ("text", "nothing"):
                    continue
            elif name in BROWSER_CALLS:
                sites.append((module, function, name))
            else:
                continue
            assert _validated(visitor, function), f"{module}:{function}: {name} unvalidated"
    assert sites, "the review found no call sites at all: the scanner is broken"


def test_no_markdown_widget_opens_links_by_itself() -> None:
    """Textual's Markdown calls webbrowser with no scheme check unless open_links=False."""
    for module, visitor in _modules():
        for function, call in visitor.calls:
            if _dotted(call.func).split(".")[-1] in ("Markdown", "MarkdownViewer"):
                kw = {k.arg: k.value for k in call.keywords}
                assert "open_links" in kw and isinstance(kw["open_links"], ast.Constant) \
                    and kw["open_links"].value is False, f"{module}:{function}"


def test_file_writes_are_the_reviewed_few() -> None:
    """Any new place that writes files must be reviewed (and added above)."""
    writers = set()
    for module, visitor in _modules():
        for function, call in visitor.calls:
            name = _dotted(call.func)
            method = name.split(".")[-1]
            mode = next((a for a in call.args[1:2]), None) or next(
                (k.value for k in call.keywords if k.arg == "mode"), None)
            writes_open = method == "open" and name in ("open", "io.open") and isinstance(
                mode, ast.Constant) and any(c in str(mode.value) for c in "wax+")
            os_open_write = name == "os.open" and any(
                flag in ast.unparse(call) for flag in ("O_WRONLY", "O_RDWR", "O_CREAT"))
            if (method in WRITE_METHODS or writes_open or os_open_write
                    or name in ("os.replace", "os.rename", "shutil.move", "shutil.copy",
                                "shutil.copyfile", "shutil.rmtree", "os.remove", "os.unlink",
                                "sqlite3.connect")):
                writers.add((module, function))
    assert writers <= FILE_WRITERS, sorted(writers - FILE_WRITERS)
    assert ("reader/library/database.py", "_connect") in writers  # the scanner does see writes


def test_app_open_url_refuses_unsafe_schemes(tmp_path: Path, monkeypatch) -> None:
    """Textual's own `App.open_url` (links in widgets) must go through the same check."""
    import webbrowser

    from reader.paths import resolve_paths
    from reader.tui.app import BylineApp

    opened: list[str] = []
    def fake_open(url: str, *args: object, **kwargs: object) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", fake_open)
    app = BylineApp(resolve_paths(tmp_path / "data"), theme="byline-dark")

    async def scenario() -> None:
        async with app.run_test() as pilot:
            for url in ("javascript:alert(1)", "file:///etc/passwd", "--renderer-cmd-prefix=x",
                        "data:text/html,x"):
                app.open_url(url)
            await pilot.pause()
            assert app.is_running

    import asyncio

    asyncio.run(scenario())
    assert opened == []


# -- subscription imports (case 36; newsboat PR #3400) --------------------------------------

EVIL_URLS = ["|~/script.sh", "exec:~/fetch.sh", "filter:~/f.sh:http://127.0.0.1/x",
             "file:///etc/passwd", 'query:unread:unread = "yes"', "javascript:alert(1)",
             "--renderer-cmd-prefix=xcalc", "ftp://127.0.0.1/feed.xml", "~/feed.xml",
             "/etc/passwd", "data:text/xml,<rss/>", "http:/no-host", "http//127.0.0.1/x"]
GOOD = "https://example.org/feed.xml"


def _opml(urls: list[str]) -> bytes:
    from xml.sax.saxutils import quoteattr

    outlines = "".join(f"<outline text=\"f{i}\" xmlUrl={quoteattr(u)}/>"
                       for i, u in enumerate(urls))
    return (f'<?xml version="1.0"?><opml version="2.0"><head/><body>'
            f'<outline text="folder">{outlines}</outline></body></opml>').encode()


def test_opml_import_refuses_commands_and_files() -> None:
    result = parse_opml(_opml([*EVIL_URLS, GOOD]))
    assert [s.url for s in result.subscriptions] == [GOOD]
    assert len(result.warnings) == len(EVIL_URLS)


def test_url_list_import_refuses_commands_and_files() -> None:
    text = "\n".join([*(f'"{u}" tag' if " " in u else f"{u} tag" for u in EVIL_URLS), GOOD])
    result = parse_url_list(text)
    assert [s.url for s in result.subscriptions] == [GOOD]
    assert len(result.warnings) == len(EVIL_URLS)


@pytest.mark.parametrize("kind", ["opml", "urls"])
def test_byline_import_subscribes_only_http(tmp_path: Path, byline, kind: str) -> None:
    path = tmp_path / ("subs.opml" if kind == "opml" else "urls")
    if kind == "opml":
        path.write_bytes(_opml([*EVIL_URLS, GOOD]))
    else:
        path.write_text("# my feeds\n" + "\n".join(
            [*(f'"{u}"' if " " in u else u for u in EVIL_URLS), GOOD]) + "\n")
    proc = byline("import", str(path))
    assert proc.returncode == 0, proc.stderr
    assert b"Traceback" not in proc.stderr
    feeds = json.loads(byline("feeds", "--format", "json").stdout)
    assert [f["url"] for f in feeds] == [GOOD]


def test_opml_with_entities_is_refused(tmp_path: Path, byline) -> None:
    path = tmp_path / "bomb.opml"
    path.write_bytes(P.billion_laughs().replace(b"<rss", b"<opml").replace(b"rss>", b"opml>"))
    proc = byline("import", str(path), timeout=30)
    assert proc.returncode != 0 and b"Traceback" not in proc.stderr


# -- paths from feed data (case 51) --------------------------------------------------------


def test_feed_data_never_names_a_file(feed_server, tmp_path: Path) -> None:
    """A refresh and a read of hostile entries write nothing outside the data dir: not in the
    working directory, not in HOME, not through `..` in a guid or enclosure name."""
    evil = P.rss([
        {"title": "../../escape", "guid": "../../../../home/escape.txt",
         "link": "http://127.0.0.1/%2e%2e%2f%2e%2e%2fescape",
         "enclosure url=\"http://127.0.0.1/../../x.mp3\" length=\"1\" type=\"audio/mpeg\"/><x": "",
         "description": "&lt;p&gt;../../../../tmp/escape&lt;/p&gt;"},
        {"title": "CON", "guid": "a&#0;b/..\\..\\CON", "description": "nul"},
    ])
    url = feed_server.add("/paths.xml", evil)
    home, work, data = tmp_path / "home", tmp_path / "work", tmp_path / "data"
    home.mkdir()
    work.mkdir()
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
           "XDG_DATA_HOME": str(home / ".local"), "XDG_CACHE_HOME": str(home / ".cache"),
           "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    for command in (["--offline", "add", url], ["refresh"], ["list"], ["search", "escape"],
                    ["read", "http://127.0.0.1/%2e%2e%2f%2e%2e%2fescape", "--offline"]):
        argv = [sys.executable, "-m", "reader", "--data-dir", str(data)]
        if command[-1] == "--offline":
            argv.append("--offline")
            command = command[:-1]
        proc = subprocess.run([*argv, *command], cwd=work, env=env, capture_output=True,
                              timeout=60, check=False)
        assert b"Traceback" not in proc.stderr, proc.stderr
    assert list(work.iterdir()) == [] and list(home.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "home", "work"]
    inside = {str(p.relative_to(data)) for p in data.rglob("*")}
    patterns = {name for name in inside if name.startswith("cache/patterns-")}  # pattern cache
    assert {f"cache/{cache_file(Path()).name}"} == patterns
    assert inside - patterns <= {"library.db", "library.db-wal", "library.db-shm", "cache"}, inside


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "sparse", "binary", "directory"])
def test_byline_import_of_hostile_files(tmp_path: Path, byline, kind: str) -> None:
    """An import file that is not a regular, reasonably sized text file: one line, no hang."""
    from hostile.checks import assert_one_line_error

    path = tmp_path / "subs.opml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "sparse":
        path.touch()
        os.truncate(path, 50 * 1024 * 1024)
    elif kind == "binary":
        path.write_bytes(P.PNG)
    else:
        path.mkdir()
    proc = byline("import", str(path), timeout=30)
    if kind == "binary":  # read as a URL list: every line refused, nothing subscribed
        assert proc.returncode == 1 and b"Traceback" not in proc.stderr
    else:
        assert_one_line_error(proc, "not a regular file", "too large", "directory")
    assert json.loads(byline("feeds", "--format", "json").stdout or b"[]") == []


# `byline import FILE`, with FILE swapped right after the size check passed: for a FIFO (an
# unguarded read would wait forever for a writer) or for a file over the cap.
SWAP_AFTER_STAT = """
import os, sys
from reader.cli import main
target, swap = sys.argv[1], sys.argv[2]
real_stat = os.stat
swapped = []

def stat(path, *args, **kwargs):
    info = real_stat(path, *args, **kwargs)
    if os.fspath(path) == target and not swapped:
        swapped.append(swap)
        os.unlink(target)
        if swap == "fifo":
            os.mkfifo(target)
        else:
            with open(target, "wb") as big:
                big.truncate(50 * 1024 * 1024)
    return info

os.stat = stat
code = main(sys.argv[3:])
assert swapped, "the file was never checked"
sys.exit(code)
"""


@pytest.mark.parametrize("swap", ["fifo", "huge"])
def test_byline_import_of_a_file_swapped_after_its_check(tmp_path: Path, byline,
                                                          swap: str) -> None:
    """The import file goes through the guarded reader: checked again once it is open."""
    from hostile.checks import assert_one_line_error

    path = tmp_path / "urls.txt"
    path.write_text("https://example.org/feed.xml\n")
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-c", SWAP_AFTER_STAT, str(path), swap,
         "--data-dir", str(tmp_path / "byline-data"), "import", str(path)],
        capture_output=True, timeout=30, env=env, stdin=subprocess.DEVNULL, check=False)
    assert_one_line_error(proc, "not a regular file" if swap == "fifo" else "too large")
    assert json.loads(byline("feeds", "--format", "json").stdout or b"[]") == []

"""`byline read` on a terminal: a long article goes through the pager ($PAGER, else less, with
LESS=FRX unless set), a short one, `--no-pager` or piped output does not."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def fake_pager(folder: Path) -> Path:
    """A pager that keeps what it was given (argv, $LESS, its input) and shows nothing."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "pager"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        f"with open({str(folder / 'paged.json')!r}, 'w') as out:\n"
        "    json.dump({'argv': sys.argv[1:], 'less': os.environ.get('LESS'),\n"
        "               'text': sys.stdin.read()}, out)\n", encoding="utf-8")
    script.chmod(0o755)
    return script


def article(folder: Path, paragraphs: int) -> Path:
    path = folder / "long.txt"
    body = "\n\n".join(f"Paragraph {i} tells of the harbour, the ferry and the tide tables."
                       for i in range(paragraphs))
    path.write_text(f"The long harbour story\n\n{body}\n\nThe very last line.\n",
                    encoding="utf-8")
    return path


def read_in_a_terminal(tmp_path: Path, *args: str, env: dict[str, str]) -> tuple[int, str]:
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    environ = {k: v for k, v in os.environ.items() if k not in ("PAGER", "LESS", "NO_COLOR")}
    try:
        proc = subprocess.Popen([sys.executable, "-m", "reader", "--data-dir",
                                 str(tmp_path / "home"), "read", *args], cwd=REPO,
                                stdin=follower, stdout=follower, stderr=follower,
                                env={**environ, "TERM": "xterm-256color", **env})
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
        code = proc.wait(60)
    finally:
        os.close(leader)
    return code, shown.decode("utf-8", "replace")


def paged(tmp_path: Path) -> dict | None:
    path = tmp_path / "bin" / "paged.json"
    return json.loads(path.read_text()) if path.exists() else None


def test_a_long_article_goes_through_the_pager(tmp_path):
    pager = fake_pager(tmp_path / "bin")
    code, shown = read_in_a_terminal(tmp_path, str(article(tmp_path, 60)),
                                     env={"PAGER": f"{pager} --flag"})
    assert code == 0
    got = paged(tmp_path)
    assert got is not None and got["argv"] == ["--flag"] and got["less"] == "FRX"
    assert "The long harbour story" in got["text"] and "The very last line." in got["text"]
    assert "\x1b[" in got["text"]            # the colours go to the pager (less -R keeps them)
    assert "Paragraph 30" not in shown       # not printed beside the pager


def test_the_users_less_setting_is_kept(tmp_path):
    pager = fake_pager(tmp_path / "bin")
    read_in_a_terminal(tmp_path, str(article(tmp_path, 60)),
                       env={"PAGER": str(pager), "LESS": "-S"})
    assert paged(tmp_path)["less"] == "-S"


@pytest.mark.parametrize(("paragraphs", "args", "env"), [
    (3, (), {}),                          # fits on the screen
    (60, ("--no-pager",), {}),
    (60, (), {"PAGER_EMPTY": "1"}),       # PAGER="" turns paging off
])
def test_no_pager_when_it_fits_or_is_turned_off(tmp_path, paragraphs, args, env):
    pager = fake_pager(tmp_path / "bin")
    environ = {"PAGER": "" if env else str(pager)}
    code, shown = read_in_a_terminal(tmp_path, str(article(tmp_path, paragraphs)), *args,
                                     env=environ)
    assert code == 0 and paged(tmp_path) is None
    assert "The very last line." in shown


def test_a_pager_that_cannot_start_prints_the_article(tmp_path):
    code, shown = read_in_a_terminal(tmp_path, str(article(tmp_path, 60)),
                                     env={"PAGER": str(tmp_path / "no-such-pager")})
    assert code == 0 and "The very last line." in shown and "Traceback" not in shown


def test_piped_output_is_never_paged(tmp_path):
    pager = fake_pager(tmp_path / "bin")
    done = subprocess.run([sys.executable, "-m", "reader", "--data-dir", str(tmp_path / "h"),
                           "read", str(article(tmp_path, 60))], cwd=REPO, capture_output=True,
                          text=True, timeout=60, env=dict(os.environ, PAGER=str(pager)))
    assert done.returncode == 0 and "The very last line." in done.stdout
    assert paged(tmp_path) is None

"""The password: from a command (no shell) or an environment variable; never printed, never in
an error, never in a file Byline writes; https unless the server is this machine."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sync_helpers import config_text, write_config

from reader.config import parse_config
from reader.errors import BylineError
from reader.sync.settings import SyncSettings


def _byline(home: Path, *args: str,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("BYLINE")}
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "reader", "--data-dir", str(home), *args],
                          capture_output=True, text=True, timeout=120, env=full, check=False)


def _files_hold(home: Path, *secrets: str) -> list[str]:
    """Files under `home` whose bytes hold any of `secrets` (the library, its WAL, anything)."""
    found = []
    for path in home.rglob("*"):
        if path.is_file() and path.name != "config.toml":
            data = path.read_bytes()
            found += [f"{path.name}: {s[:4]}…" for s in secrets if s.encode() in data]
    return found


def _password_script(tmp_path: Path, password: str) -> list[str]:
    script = tmp_path / "secret.py"
    script.write_text(f"print({password!r})\n")
    return [sys.executable, str(script)]


def test_fever_password_is_in_no_output_and_no_file(coldsweat: Any, tmp_path: Path) -> None:
    from coldsweat_driver import PASSWORD, USER

    home = tmp_path / "home"
    command = _password_script(tmp_path, PASSWORD)
    write_config(home, config_text("fever", coldsweat.url, USER,
                                   f"password_command = {command!r}\n".replace("'", '"')))
    key = hashlib.md5(f"{USER}:{PASSWORD}".encode(), usedforsecurity=False).hexdigest()
    runs = [_byline(home, "sync", "--check"), _byline(home, "sync"), _byline(home, "sync")]
    assert [r.returncode for r in runs] == [0, 0, 0], runs[0].stderr
    assert "Login: ok" in runs[0].stdout and "2000 new" in runs[1].stdout
    coldsweat.stop()
    down = _byline(home, "sync")
    assert down.returncode == 1 and "cannot reach" in down.stderr
    for run in [*runs, down]:
        assert PASSWORD not in run.stdout + run.stderr and key not in run.stdout + run.stderr
        assert "Traceback" not in run.stderr
    assert _files_hold(home, PASSWORD, key) == []


def test_greader_wrong_password_and_tokens_stay_hidden(greader: Any, tmp_path: Path) -> None:
    from greader_server import PASSWORD, USER

    home = tmp_path / "home"
    write_config(home, config_text("greader", greader.url, USER,
                                   'password_env = "HARBOUR_PW"\n'))
    good = _byline(home, "sync", env={"HARBOUR_PW": PASSWORD})
    wrong = _byline(home, "sync", env={"HARBOUR_PW": "gulls-over-the-quay"})
    missing = _byline(home, "sync")
    assert good.returncode == 0 and "180 new" in good.stdout
    assert wrong.returncode == 1 and "refused the account" in wrong.stderr
    assert missing.returncode == 1 and "HARBOUR_PW" in missing.stderr
    tokens = list(greader.state.auth) + list(greader.state.tokens)
    for run in (good, wrong, missing):
        text = run.stdout + run.stderr
        assert PASSWORD not in text and "gulls-over" not in text
        assert not any(t in text for t in tokens)
    assert _files_hold(home, PASSWORD, *tokens) == []


def test_password_command_runs_without_a_shell(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    words = ["printf", "%s\\n", f"x; touch {marker} $(touch {marker})"]
    settings = SyncSettings(api="fever", url="https://rss.example", user="u",
                            password_command=tuple(words))
    secret = settings.password()
    assert secret.reveal() == f"x; touch {marker} $(touch {marker})"
    assert not marker.exists()
    assert "touch" not in repr(secret) and "touch" not in str(secret)


def test_a_failing_password_command_does_not_repeat_its_output(tmp_path: Path) -> None:
    script = tmp_path / "fails.py"
    script.write_text("import sys\nprint('the-secret-itself')\nsys.exit(3)\n")
    settings = SyncSettings(api="fever", url="https://rss.example", user="u",
                            password_command=(sys.executable, str(script)))
    with pytest.raises(BylineError, match="exit status 3") as caught:
        settings.password()
    assert "the-secret-itself" not in str(caught.value)


@pytest.mark.parametrize(("table", "message"), [
    ({"api": "fever", "url": "http://rss.example/fever/", "user": "u"}, "must use https"),
    ({"api": "fever", "url": "https://rss.example/", "user": "u", "password": "x"},
     "must not hold the password"),
    ({"api": "tt-rss", "url": "https://rss.example/", "user": "u"}, "api must be one of"),
    ({"api": "fever", "url": "https://rss.example/", "user": "u", "passwd_cmd": ["x"]},
     "not 'passwd_cmd'"),
    ({"api": "fever", "url": "https://rss.example/", "user": "u", "password_command": "pass x"},
     "list of words"),
])
def test_sync_config_is_checked(table: dict[str, Any], message: str) -> None:
    with pytest.raises(BylineError, match=message) as caught:
        parse_config({"sync": table})
    assert "\n" not in str(caught.value) and "password = " not in str(caught.value)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/fever/", "http://[::1]/api/greader.php",
                                 "http://localhost/fever/", "https://rss.example/"])
def test_plain_http_only_to_this_machine(url: str) -> None:
    config = parse_config({"sync": {"api": "greader", "url": url, "user": "u"}})
    assert config.sync["url"] == url


def test_check_config_reports_a_plain_http_server(tmp_path: Path) -> None:
    home = tmp_path / "home"
    write_config(home, config_text("fever", "http://rss.example/fever/", "u"))
    for run in (_byline(home, "sync"), _byline(home, "--check-config")):
        assert run.returncode == 1 and "must use https" in run.stderr
        assert "Traceback" not in run.stderr

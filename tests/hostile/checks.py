"""Assertions shared by the hostile suite: what "handled well" means, in one place."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

CONTROL_BYTES = frozenset(range(0x20)) - {0x09, 0x0A} | {0x7F}


def is_terminal_safe(text: str) -> bool:
    """True when no character could act on a terminal (only printable text, `\\n` and `\\t`)."""
    return all(ch.isprintable() or ch in "\n\t" for ch in text)


def assert_clean_bytes(out: bytes) -> None:
    """No C0 control (bar tab and newline), DEL, ESC or C1 control in raw output bytes."""
    bad = sorted({b for b in out if b in CONTROL_BYTES})
    assert not bad, f"control bytes reached the output: {bad[:10]}"
    text = out.decode("utf-8", "replace")
    c1 = sorted({hex(ord(ch)) for ch in text if 0x80 <= ord(ch) <= 0x9F})
    assert not c1, f"C1 controls reached the output: {c1[:10]}"
    assert is_terminal_safe(text), [ch for ch in text if not is_terminal_safe(ch)][:10]


def assert_one_line_error(proc: subprocess.CompletedProcess[bytes], *reasons: str) -> str:
    """A failure as the contract says: nothing on stdout, one `byline: …` line naming a reason,
    non-zero exit, no traceback and no internal error."""
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode not in (0, 70), err
    assert proc.stdout == b"", proc.stdout[:200]
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("byline: "), err
    assert "Traceback" not in err and "internal error" not in err, err
    assert any(r in lines[0] for r in reasons), (reasons, lines[0])
    return lines[0]


def integrity(db: Path) -> str:
    """SQLite's own verdict on a library file (`PRAGMA integrity_check`): "ok" when sound."""
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()

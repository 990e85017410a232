"""The reader's refresh timer, as words and wake-ups: the status bar's countdown and when the
timer next needs to look at the clock (`BylineApp` runs it; `reader.library.schedule` says
which feeds are due)."""

from __future__ import annotations

import math
import time

MIN_WAIT = 60.0   # seconds: no automatic refresh sooner after the start or the previous one
STEP = 60.0       # the countdown counts minutes; a wake-up at least this often (a slept
                  # machine catches up within a minute of waking)


def countdown(seconds: float, now: float | None = None) -> str:
    """`next refresh in 12 min` within the hour, else `next refresh at 14:05`."""
    minutes = max(1, math.ceil(seconds / STEP))
    if minutes < 60:
        return f"next refresh in {minutes} min"
    at = (time.time() if now is None else now) + seconds
    return f"next refresh at {time.strftime('%H:%M', time.localtime(at))}"


def next_look(seconds: float) -> float:
    """Seconds until the countdown's words change (or the refresh is due), a minute at most."""
    whole = math.ceil(seconds / STEP) - 1
    return min(STEP, seconds - whole * STEP) + 0.05

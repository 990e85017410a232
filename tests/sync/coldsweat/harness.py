"""Drive a real Coldsweat (run in a process of its own, never imported by the suite).

    harness.py setup EMAIL PASSWORD         create the database and the user
    harness.py import OPML EMAIL            subscribe the user to an OPML file's feeds
    harness.py fetch                        fetch every feed now (no minimum interval)
    harness.py serve PORT [WORKERS]         serve the web app and the Fever API on 127.0.0.1;
                                            PORT 0 picks one; prints "port N" when listening;
                                            one process of threads (werkzeug), or WORKERS
                                            processes under gunicorn, as Coldsweat is deployed
    harness.py cost EMAIL PASSWORD          what the Fever calls cost Coldsweat's CPU, called
                                            in this process (no HTTP), and where an `items`
                                            walk spends it (for benchmarks/sync_speed.py)

The database is `$FLASK_DATABASE_URL` (the fixture gives each server its own file). Coldsweat
fetches favicons from an outside service when a feed names none; the fixture's feeds name one
on the loopback server, and the fixture points any other request at a dead loopback proxy, so
nothing here leaves the machine.
"""

from __future__ import annotations

import logging
import sys
from typing import Any


def main(argv: list[str]) -> int:
    import coldsweat
    import coldsweat.fetcher as fetcher

    app = coldsweat.create_app()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    command, *rest = argv
    if command == "serve":
        workers = int(rest[1]) if len(rest) > 1 else 1
        if workers > 1:
            return _gunicorn(int(rest[0]), workers)
        from werkzeug.serving import make_server

        server = make_server("127.0.0.1", int(rest[0]), app, threaded=True)
        print(f"port {server.server_port}", flush=True)
        server.serve_forever()
        return 0
    if command == "cost":
        return _cost(app, *rest)
    if command == "fetch":
        fetcher.MIN_FETCH_INTERVAL = 0  # the test feeds change between fetches seconds apart
    runner = app.test_cli_runner()
    result = runner.invoke(args=[command, *rest], catch_exceptions=False)
    sys.stdout.write(result.output)
    return result.exit_code


def _cost(app: Any, email: str, password: str) -> int:
    """CPU seconds of each kind of Fever call over every item, through Flask's test client."""
    import cProfile
    import hashlib
    import pstats
    import time

    import coldsweat.models as models

    models.db_wrapper.database.close()   # opened by create_app; each request opens its own
    client = app.test_client()
    key = hashlib.md5(f"{email}:{password}".encode(), usedforsecurity=False).hexdigest()

    def call(query: str) -> Any:
        return client.post(f"/fever/?api&{query}", data={"api_key": key}).get_json()

    def walk() -> int:
        since = calls = 0
        while items := call(f"items&since_id={since}")["items"]:
            since, calls = max(i["id"] for i in items), calls + 1
        return calls

    def timed(what: Any) -> tuple[float, Any]:
        started = time.process_time()
        result = what()
        return time.process_time() - started, result

    ids = sorted(int(i) for i in call("unread_item_ids")["unread_item_ids"].split(",") if i)
    walked, calls = timed(walk)
    bare, _ = timed(lambda: [call("") for _ in range(calls)])
    lists, _ = timed(lambda: [(call("unread_item_ids"), call("saved_item_ids"))
                              for _ in range(10)])
    chosen, _ = timed(lambda: [call("items&with_ids=" + ",".join(map(str, ids[k:k + 50])))
                               for k in range(0, len(ids), 50)])
    print(f"{len(ids)} items: since_id walk {walked:.2f} s ({calls} calls, "
          f"{walked / calls * 1000:.1f} ms a call); the same number of bare calls (login "
          f"check only) {bare:.2f} s; with_ids by 50 {chosen:.2f} s; unread_item_ids + "
          f"saved_item_ids {lists / 10 * 1000:.0f} ms a pair")
    profile = cProfile.Profile()
    profile.runcall(walk)
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    total = max(ct for (_, _, _, ct, _) in stats.values())   # the walk's own
    shares = {"building the rows (peewee)": ("peewee.py", "process_row"),
              "of which parsing dates": ("_strptime.py", "_strptime_datetime"),
              "counting total_items": ("peewee.py", "count"),
              "composing SQL (peewee)": ("peewee.py", "__sql__"),
              "SQLite": ("~", "<method 'execute' of 'sqlite3.Cursor' objects>")}
    parts = []
    for label, (file, name) in shares.items():
        spent = max((ct for (f, _, n), (_, _, _, ct, _) in stats.items()
                     if f.endswith(file) and n == name), default=0.0)
        parts.append(f"{label} {spent / total:.0%}")
    print("where the walk's time goes (profiled): " + ", ".join(parts))
    return 0


def _gunicorn(port: int, workers: int) -> int:
    """Serve with gunicorn's WORKERS processes on a socket bound here (its port printed)."""
    import os
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", port))
    listener.listen(128)
    listener.set_inheritable(True)
    print(f"port {listener.getsockname()[1]}", flush=True)
    os.execv(sys.executable, [sys.executable, "-m", "gunicorn", "--bind",
                              f"fd://{listener.fileno()}", "--workers", str(workers),
                              "--worker-class", "gthread", "--threads", "2",
                              "--graceful-timeout", "5", "--log-level", "warning",
                              "coldsweat:create_app()"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

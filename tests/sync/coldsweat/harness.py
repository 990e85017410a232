"""Drive a real Coldsweat (run in a process of its own, never imported by the suite).

    harness.py setup EMAIL PASSWORD         create the database and the user
    harness.py import OPML EMAIL            subscribe the user to an OPML file's feeds
    harness.py fetch                        fetch every feed now (no minimum interval)
    harness.py serve PORT [WORKERS]         serve the web app and the Fever API on 127.0.0.1;
                                            PORT 0 picks one; prints "port N" when listening;
                                            one process of threads (werkzeug), or WORKERS
                                            processes under gunicorn, as Coldsweat is deployed

The database is `$FLASK_DATABASE_URL` (the fixture gives each server its own file). Coldsweat
fetches favicons from an outside service when a feed names none; the fixture's feeds name one
on the loopback server, and the fixture points any other request at a dead loopback proxy, so
nothing here leaves the machine.
"""

from __future__ import annotations

import logging
import sys


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
    if command == "fetch":
        fetcher.MIN_FETCH_INTERVAL = 0  # the test feeds change between fetches seconds apart
    runner = app.test_cli_runner()
    result = runner.invoke(args=[command, *rest], catch_exceptions=False)
    sys.stdout.write(result.output)
    return result.exit_code


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

"""Drive a real Coldsweat (run in a process of its own, never imported by the suite).

    harness.py setup EMAIL PASSWORD         create the database and the user
    harness.py import OPML EMAIL            subscribe the user to an OPML file's feeds
    harness.py fetch                        fetch every feed now (no minimum interval)
    harness.py serve PORT                   serve the web app and the Fever API on 127.0.0.1;
                                            PORT 0 picks one; prints "port N" when listening

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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

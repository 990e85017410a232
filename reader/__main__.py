"""`python -m reader` runs the Byline command line."""

from reader.cli import main

raise SystemExit(main())

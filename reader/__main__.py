"""`python -m reader` runs the Byline command line."""

from reader.cli import console

console()

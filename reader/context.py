"""`Context`: what every command, and the reader, gets besides its own arguments."""

from __future__ import annotations

from dataclasses import dataclass

from reader.paths import Paths


@dataclass
class Context:
    """Where Byline keeps its files, and whether it may touch the network."""

    paths: Paths
    offline: bool

"""`internet`: a small simulated internet (benchmarks/netsim.py) for refresh tests.

Twelve loopback hosts (127.0.0.1 … 127.0.0.12), thirty-six feeds, short latencies, and one
host or more of each fault (hang, drip, 429/503, reset); hanging connections are held for
five seconds at most. The full-size run is `benchmarks/refresh_internet.py`.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
# Client settings that suit the small internet: a silent host is given up after a second.
INTERNET_FETCH = {"head_timeout": 1.0, "timeout": 1.0, "deadline": 3.0, "connect_timeout": 1.0}


def _netsim() -> Any:
    if "netsim" not in sys.modules:
        spec = importlib.util.spec_from_file_location("netsim", REPO / "benchmarks" / "netsim.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["netsim"] = module
        spec.loader.exec_module(module)
    return sys.modules["netsim"]


@pytest.fixture
def internet() -> Iterator[Any]:
    netsim = _netsim()
    world = netsim.Internet.build(feeds=36, hosts=12, seed=7, latency=(0.002, 0.05),
                                  median_latency=0.01, bandwidth=(5e6, 50e6),
                                  size=(1_000, 200_000), median_size=20_000, items=(10, 120),
                                  max_feeds_per_host=6, hold=5.0, every_fault=True)
    server = netsim.SimServer(world).start()
    try:
        yield server
    finally:
        server.stop()

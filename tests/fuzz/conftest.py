"""Hypothesis profiles for the fuzz tests.

- `ci` (default): 200 examples a test, derandomized, no deadline: brief and deterministic.
- `long`: 5,000 examples a test (or `HYPOTHESIS_MAX_EXAMPLES`), random seeds
  (`HYPOTHESIS_PROFILE=long`); to fuzz by the clock, `benchmarks/fuzz_long.py --minutes N`.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True,
                          suppress_health_check=_QUIET, print_blob=True)
settings.register_profile("long", deadline=None,
                          max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "5000")),
                          suppress_health_check=_QUIET, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

"""Fuzz for N minutes: the property tests and loader harness of tests/fuzz, round after round
with fresh random seeds, until the time is up.

Each round runs `pytest tests/fuzz` under the `long` Hypothesis profile with
`HYPOTHESIS_MAX_EXAMPLES` examples per test (tests built on trafilatura use a quarter of
that) and a new `--hypothesis-seed`. A started round is allowed to finish. Prints one line
per round and a summary; exits 1 if any round failed (its output is printed).

Usage: python benchmarks/fuzz_long.py [--minutes 10] [--examples 1000] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--examples", type=int, default=1000, help="examples per test a round")
    parser.add_argument("--seed", type=int, default=1, help="seed of the first round")
    args = parser.parse_args()
    env = {**os.environ, "HYPOTHESIS_PROFILE": "long",
           "HYPOTHESIS_MAX_EXAMPLES": str(args.examples), "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    deadline = started + args.minutes * 60
    rounds = failures = 0
    seed = args.seed
    while time.monotonic() < deadline:
        t0 = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly",
                               str(ROOT / "tests" / "fuzz"), f"--hypothesis-seed={seed}"],
                              cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        rounds += 1
        ok = proc.returncode == 0
        failures += not ok
        last = (proc.stdout.strip().splitlines() or ["(no output)"])[-1]
        print(f"round {rounds} seed {seed}: {'ok' if ok else 'FAILED'} "
              f"in {time.monotonic() - t0:.0f} s ({last})", flush=True)
        if not ok:
            print(proc.stdout[-6000:], proc.stderr[-2000:], sep="\n")
        seed += 1
    minutes = (time.monotonic() - started) / 60
    print(f"fuzzed {minutes:.1f} min: {rounds} rounds of {args.examples} examples per test "
          f"(seeds {args.seed}-{seed - 1}), {failures} failed rounds")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

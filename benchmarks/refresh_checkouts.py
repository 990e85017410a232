"""Cold refreshes of several checkouts of Byline in turn, beside newsboat's default.

On a shared machine the load moves every wall time; comparing two versions of the code is
only fair when they run in the same minutes. Each round runs `newsboat -x reload` (default
`reload-threads 1`) and then a cold `byline refresh` of each checkout given, on
refresh_vs_newsboat.py's corpus (200 feeds x 50 items on loopback), and prints wall and CPU
(user + system, the workers included) with the load; at the end, medians and each round's
ratio to newsboat. Each checkout runs its own `reader` (`python -m reader` from its
directory) from a bytecode cache of its own, as installed.

Usage: python benchmarks/refresh_checkouts.py [--rounds 6] CHECKOUT [CHECKOUT ...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from refresh_vs_newsboat import Server, make_corpus, timed

Run = tuple[float, float]  # wall seconds, CPU seconds


def bytecode_env(root: Path, cache: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = cache
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "reader")], env=env,
                   check=True, stdout=subprocess.DEVNULL)
    return env


def byline(root: Path, urls: list[str], env: dict[str, str]) -> Run:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "urls").write_text("\n".join(urls) + "\n", encoding="utf-8")
        base = [sys.executable, "-m", "reader", "--data-dir", tmp]
        subprocess.run([*base, "import", str(Path(tmp) / "urls")], env=env, cwd=root,
                       check=True, capture_output=True)
        here = os.getcwd()
        os.chdir(root)  # `python -m reader` imports the checkout it runs in
        try:
            wall, _rss, cpu, code = timed([*base, "refresh"], env)
        finally:
            os.chdir(here)
        if code != 0:
            raise SystemExit(f"byline refresh in {root} failed ({code})")
        return wall, cpu


def newsboat(urls: list[str]) -> Run:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        (home / "urls").write_text("\n".join(urls) + "\n", encoding="utf-8")
        (home / "config").write_text("reload-threads 1\n", encoding="utf-8")
        env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / "xdg"),
                   XDG_DATA_HOME=str(home / "xdgdata"))
        wall, _rss, cpu, code = timed(["newsboat", "-x", "reload", "-u", str(home / "urls"),
                                       "-c", str(home / "cache.db"), "-C",
                                       str(home / "config")], env)
        if code != 0:
            raise SystemExit(f"newsboat failed ({code})")
        return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("checkouts", nargs="+", type=Path)
    args = parser.parse_args()
    if not shutil.which("newsboat"):
        raise SystemExit("newsboat is not installed (apt-get install newsboat)")
    roots = [root.resolve() for root in args.checkouts]
    server = Server()
    server.corpus = make_corpus(200, 50, server.server_address[1])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    urls = [f"http://127.0.0.1:{server.server_address[1]}{path}" for path in server.corpus]
    with tempfile.TemporaryDirectory() as caches:
        envs = {root: bytecode_env(root, f"{caches}/{n}") for n, root in enumerate(roots)}
        runs: dict[str, list[Run]] = {"newsboat": []}
        runs.update((str(root), []) for root in roots)
        for number in range(args.rounds):
            line = [f"round {number + 1}, load {os.getloadavg()[0]:.2f}:"]
            base = newsboat(urls)
            runs["newsboat"].append(base)
            line.append(f"newsboat {base[0]:.2f} s (CPU {base[1]:.2f})")
            for root in roots:
                wall, cpu = byline(root, urls, envs[root])
                runs[str(root)].append((wall, cpu))
                line.append(f"{root.name} {wall:.2f} s (CPU {cpu:.2f}, {wall / base[0]:.2f}x)")
            print("  ".join(line), flush=True)
    server.shutdown()
    newsboat_wall = statistics.median(run[0] for run in runs["newsboat"])
    for name, values in runs.items():
        wall = statistics.median(run[0] for run in values)
        cpu = statistics.median(run[1] for run in values)
        ratios = " ".join(f"{run[0] / base[0]:.2f}"
                          for run, base in zip(values, runs["newsboat"], strict=True))
        print(f"{name:40} wall {wall:.2f} s, CPU {cpu:.2f} s, {wall / newsboat_wall:.2f}x "
              f"newsboat's median; each round: {ratios}")


if __name__ == "__main__":
    main()

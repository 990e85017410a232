"""Refresh over a simulated internet: Byline against newsboat, cold and warm, in one run.

`benchmarks/netsim.py` serves FEEDS feeds on HOSTS loopback hosts (127.0.0.x) with their own
latency (20–800 ms, long-tailed), bandwidth and faults (hang, drip, 429/503, reset), some
behind redirects, most answering 304 to a conditional GET. Each contender gets the same
internet from the same state: a cold refresh into an empty library, then 10 % of the feeds
gain new items and a warm refresh runs. Contenders, as subprocesses:

  - `byline --data-dir TMP refresh` (run from a bytecode cache, as installed);
  - `newsboat -x reload` with `reload-threads 20`, cold and warm;
  - `newsboat -x reload` at its default (`reload-threads 1`), cold only unless
    `--default-warm` (each hanging or dripping feed costs it its 30 s download-timeout in
    turn: about half an hour); `--skip-default` leaves it out.

Wall time is measured around each process, CPU time from `os.wait4`, peak RSS from GNU
time's %M. After each contender, its library is checked against what the feeds carried:
entries lost or duplicated (healthy feeds), and the status recorded for every feed of a
faulty host. `ideal` is a lower bound: the slowest healthy host at two connections.

Usage: python benchmarks/refresh_internet.py [--feeds 1000] [--hosts 250] [--skip-default]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from netsim import FAULTS, Internet, ServerProcess
from refresh_vs_newsboat import installed_env, timed

ROOT = Path(__file__).resolve().parents[1]
THREADS = 20

Result = dict[str, float]


def run_byline(sim: ServerProcess, env: dict[str, str], library: Path | None) -> dict[str, Result]:
    """Cold then warm `byline refresh` into a fresh data dir (or a copy of `library`)."""
    with tempfile.TemporaryDirectory() as tmp:
        if library is not None:
            shutil.copy(library, Path(tmp) / "library.db")
        urls = Path(tmp) / "urls"
        urls.write_text("\n".join(sim.urls()) + "\n", encoding="utf-8")
        base = [sys.executable, "-m", "reader", "--data-dir", tmp]
        import subprocess

        subprocess.run([*base, "import", str(urls)], env=env, cwd=ROOT, check=True,
                       capture_output=True)
        results = phases("byline", [*base, "refresh"], env, sim, warm=True)
        results["check"] = check_byline(Path(tmp) / "library.db", sim)
        return results


def run_newsboat(sim: ServerProcess, threads: int, warm: bool) -> dict[str, Result]:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        (home / "urls").write_text("\n".join(sim.urls()) + "\n", encoding="utf-8")
        (home / "config").write_text(f"reload-threads {threads}\n", encoding="utf-8")
        env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / "xdg"),
                   XDG_DATA_HOME=str(home / "xdgdata"))
        cmd = ["newsboat", "-x", "reload", "-u", str(home / "urls"),
               "-c", str(home / "cache.db"), "-C", str(home / "config")]
        results = phases(f"newsboat (reload-threads {threads})", cmd, env, sim, warm=warm)
        results["check"] = check_newsboat(home / "cache.db", sim)
        return results


def phases(name: str, cmd: list[str], env: dict[str, str], sim: ServerProcess, *,
           warm: bool) -> dict[str, Result]:
    """Cold refresh, then (with `warm`) 10 % of the feeds gain items and a warm one runs."""
    sim.reset()
    sim.take_counts()
    results: dict[str, Result] = {}
    for phase in ("cold", "warm") if warm else ("cold",):
        if phase == "warm":
            added = sim.advance(0.1)
        seconds, rss, cpu, code = timed(cmd, env)
        counts = sim.take_counts()
        if code not in (0, 1):  # 1: some feeds failed, which they must here
            raise SystemExit(f"{name} failed ({code})")
        results[phase] = {"wall": seconds, "rss": rss, "cpu": cpu}
        extra = f", {added} new items" if phase == "warm" else ""
        print(f"  {name} {phase}: {seconds:.2f} s, CPU {cpu:.2f} s, {rss} MiB{extra}, "
              f"responses {dict(sorted(counts.items()))}", flush=True)
    return results


def expected(sim: ServerProcess) -> tuple[dict[str, set[str]], dict[str, str | None]]:
    """Subscribed URL -> guids its feed carried (healthy feeds), and URL -> host fault."""
    served = sim.served()
    net = sim.internet
    faults = {net.url(f): net.hosts[f.host].fault for f in net.feeds}
    healthy = {url: set(guids) for url, guids in served.items() if faults[url] is None}
    return healthy, faults


def check_byline(path: Path, sim: ServerProcess) -> Result:
    healthy, faults = expected(sim)
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    feeds = {url: (fid, status, error) for fid, url, status, error in db.execute(
        "SELECT id, url, last_status, last_error FROM feeds WHERE kind = 'feed'")}
    stored: dict[int, list[str]] = {}
    for fid, guid in db.execute("SELECT feed_id, guid FROM entries"):
        stored.setdefault(fid, []).append(guid)
    db.close()
    lost = duplicated = extra = failed_healthy = 0
    for url, guids in healthy.items():
        fid, status, _error = feeds[url]
        have = stored.get(fid, [])
        lost += len(guids - set(have))
        duplicated += len(have) - len(set(have))
        extra += len(set(have) - guids)
        failed_healthy += status not in ("ok", "not modified")
    reasons: dict[str, dict[str, int]] = {}
    unrecorded = 0
    for url, fault in faults.items():
        if fault is None:
            continue
        _fid, status, error = feeds[url]
        if status == "error" and error:
            kind = error.split(" (")[0]
            reasons.setdefault(fault, {}).setdefault(kind, 0)
            reasons[fault][kind] += 1
        elif fault != "throttle":  # a throttled host's other feeds wait, not fail
            unrecorded += 1
    throttled = {sim.internet.hosts[f.host].address for f in sim.internet.feeds
                 if sim.internet.hosts[f.host].fault == "throttle"}
    recorded_hosts = {url.split("/")[2].split(":")[0] for url, (_f, status, _e) in feeds.items()
                      if faults[url] == "throttle" and status == "error"}
    unrecorded += len(throttled - recorded_hosts)
    print(f"  byline library: {sum(len(v) for v in stored.values())} entries; healthy feeds: "
          f"{lost} entries lost, {duplicated} duplicated, {extra} unexpected, "
          f"{failed_healthy} feeds failed; faulty hosts' feeds without a recorded reason: "
          f"{unrecorded}; reasons {reasons}", flush=True)
    return {"lost": lost, "duplicated": duplicated, "extra": extra,
            "failed_healthy": failed_healthy, "unrecorded": unrecorded}


def check_newsboat(path: Path, sim: ServerProcess) -> Result:
    healthy, _faults = expected(sim)
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    stored: dict[str, list[str]] = {}
    for url, guid in db.execute("SELECT feedurl, guid FROM rss_item"):
        stored.setdefault(url, []).append(guid)
    db.close()
    lost = sum(len(guids - set(stored.get(url, []))) for url, guids in healthy.items())
    duplicated = sum(len(v) - len(set(v)) for v in stored.values())
    print(f"  newsboat cache: {sum(len(v) for v in stored.values())} entries; healthy feeds: "
          f"{lost} entries lost, {duplicated} duplicated", flush=True)
    return {"lost": lost, "duplicated": duplicated}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=250)
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--skip-default", action="store_true",
                        help="leave out newsboat's default (reload-threads 1): ~30 min")
    parser.add_argument("--default-warm", action="store_true",
                        help="also a warm run of newsboat's default")
    parser.add_argument("--library", type=Path,
                        help="refresh into a copy of this library.db (e.g. 1,000,000 articles)")
    args = parser.parse_args()

    started = time.perf_counter()
    internet = Internet.build(feeds=args.feeds, hosts=args.hosts, seed=args.seed)
    sim = ServerProcess(internet)
    sizes = [len(internet.body(f)) for f in internet.feeds]
    faulty = {k: (sum(1 for h in internet.hosts if h.fault == k),
                  sum(len(h.feeds) for h in internet.hosts if h.fault == k)) for k in FAULTS}
    ideal = internet.ideal_seconds()
    print(f"internet: {len(internet.feeds)} feeds on {len(internet.hosts)} hosts, "
          f"{sum(sizes) / 1e6:.1f} MB, {sum(len(f.items) for f in internet.feeds)} items, "
          f"feeds {min(sizes) / 1e3:.0f} KB to {max(sizes) / 1e6:.2f} MB; faults (hosts, "
          f"feeds): {faulty}; ideal (slowest healthy host, 2 connections): {ideal:.1f} s; "
          f"built in {time.perf_counter() - started:.1f} s; load {os.getloadavg()[0]:.1f}",
          flush=True)

    pycache = tempfile.TemporaryDirectory()
    env = installed_env(pycache.name)
    runs: dict[str, dict[str, Result]] = {"byline": run_byline(sim, env, args.library)}
    if shutil.which("newsboat"):
        runs[f"newsboat {THREADS} threads"] = run_newsboat(sim, THREADS, warm=True)
        if not args.skip_default:
            runs["newsboat default"] = run_newsboat(sim, 1, warm=args.default_warm)
    else:
        print("newsboat is not installed (apt-get install newsboat): only Byline is measured")
    sim.stop()
    pycache.cleanup()

    print(f"\nload average at the end {os.getloadavg()}")
    print(f"{'':26} {'cold s':>8} {'warm s':>8} {'peak MiB':>9} {'cold CPU':>9} {'warm CPU':>9}")
    for name, res in runs.items():
        warm = res.get("warm", {"wall": float("nan"), "cpu": float("nan"), "rss": 0})
        print(f"{name:26} {res['cold']['wall']:8.2f} {warm['wall']:8.2f} "
              f"{max(res['cold']['rss'], warm['rss']):9.0f} {res['cold']['cpu']:9.2f} "
              f"{warm['cpu']:9.2f}")
    mine = runs["byline"]
    peak = max(mine["cold"]["rss"], mine["warm"]["rss"])
    print(f"byline cold / ideal: {mine['cold']['wall'] / ideal:.2f}x")
    targets = {"newsboat default": (0.25, None), f"newsboat {THREADS} threads": (0.6, 0.3)}
    for name, (cold_target, warm_target) in targets.items():
        if name not in runs:
            continue
        res = runs[name]
        line = (f"byline / {name}: cold {mine['cold']['wall'] / res['cold']['wall']:.2f}x "
                f"(target <= {cold_target})")
        if "warm" in res:
            line += f", warm {mine['warm']['wall'] / res['warm']['wall']:.2f}x"
            line += f" (target <= {warm_target})" if warm_target else ""
        other = max(res["cold"]["rss"], res.get("warm", {"rss": 0})["rss"])
        line += f", peak memory {peak / other:.2f}x (target <= 2)"
        print(line)
    check = mine["check"]
    print(f"byline: {check['lost']:.0f} entries lost, {check['duplicated']:.0f} duplicated "
          f"(target 0, 0); faulty hosts without a recorded reason: {check['unrecorded']:.0f} "
          f"(target 0)")


if __name__ == "__main__":
    main()

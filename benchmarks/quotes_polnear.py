"""Quotes and speakers on real news: PolNeAR, scored in-process (seconds, not minutes).

The articles and gold annotations are read from where `../shared/tools/polnear/prep.py` writes
them ($TMPDIR/polnear); nothing of them is copied. The matching rules are those of
`../shared/tools/polnear/score.py` (imported from there), so the figures equal what
`score.py --split train` prints after running `byline read` on every article; this script adds
the speaker figure for partial quotes (1-3 words), which score.py leaves out.

    python3 ../shared/tools/polnear/prep.py --splits train
    python benchmarks/quotes_polnear.py [--split train] [--publisher nyt ...] [--failures FILE]

Use the train split while working: the test and dev splits are held out.
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

from reader.sources.targets import open_path

SCORER = Path(__file__).resolve().parents[1] / ".." / "shared" / "tools" / "polnear" / "score.py"


def scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("polnear_score", SCORER)
    if spec is None or spec.loader is None or not SCORER.exists():
        sys.exit(f"the PolNeAR scorer is not at {SCORER.resolve()} (../shared is absent)")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(root: Path, split: str, publishers: list[str]) -> list[dict]:
    gold_dir, text_dir = root / "gold" / split, root / "articles" / split
    if not gold_dir.is_dir():
        sys.exit(f"no prepared split at {gold_dir}: run ../shared/tools/polnear/prep.py first")
    arts = []
    for gold_file in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        if publishers and gold.get("publisher") not in publishers:
            continue
        path = text_dir / f"{gold_file.stem}.txt"
        arts.append({"name": gold_file.stem, "path": path,
                     "text": path.read_text(encoding="utf-8"), "gold": gold})
    return arts


def partial_speakers(score: ModuleType, arts: list[dict], found: dict) -> collections.Counter:
    """Gold partial quotes (1-3 words) found, and found with the right speaker."""
    st: collections.Counter = collections.Counter()
    for art in arts:
        quotes = found[art["name"]]
        for g in art["gold"]["segments"]:
            if not g["in_content"] or g["words"] >= 4:
                continue
            st["gold"] += 1
            known = g["speaker_kind"] != "none"
            st["gold_known"] += known
            hits = [(score.overlap(q, g), i) for i, q in enumerate(quotes)]
            hits = [h for h in hits if h[0]]
            if not hits:
                continue
            st["found"] += 1
            q = quotes[max(hits)[1]]
            if known and q["speaker"] and score.surname(q["speaker"]) == score.surname(
                    g["speaker"]):
                st["right"] += 1
    return st


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="train")
    ap.add_argument("--root", type=Path, default=Path(tempfile.gettempdir()) / "polnear")
    ap.add_argument("--publisher", nargs="*", default=[])
    ap.add_argument("--failures", type=Path, help="write the failure lists (JSON) here")
    args = ap.parse_args()
    score = scorer()
    arts = load(args.root, args.split, args.publisher)
    found, baseline = {}, {}
    engine = 0.0
    for art in arts:
        start = time.process_time()
        article = open_path(str(art["path"]), None)
        engine += time.process_time() - start
        found[art["name"]], _, _ = score.byline_quotes(art["text"], article.to_dict())
        baseline[art["name"]] = score.baseline_quotes(art["text"])
    st, fails = score.score_system("byline", arts, found)
    print(f"PolNeAR {args.split}: {len(arts)} articles, engine CPU {engine:.1f} s "
          f"({1000 * engine / max(1, len(arts)):.1f} ms an article)")
    print(score.report("Byline", st))
    ps = partial_speakers(score, arts, found)
    print(f"  partial quotes with the right speaker: {ps['right']}/{ps['gold_known']} "
          f"{score.pct(ps['right'], ps['gold_known'])} (of those whose speaker the gold names)")
    print(score.report("Regex baseline", score.score_system("baseline", arts, baseline)[0]))
    by_pub = collections.defaultdict(list)
    for art in arts:
        by_pub[art["gold"].get("publisher")].append(art)
    print("-- by publisher: Byline (regex baseline)")
    print(f"  {'publisher':13s} {'recall':>15s} {'precision':>15s} {'named':>15s} "
          f"{'pronoun/role':>15s} {'partial found':>15s}")
    for pub in sorted(by_pub, key=str):
        b = score.score_system("byline", by_pub[pub], found)[0]
        r = score.score_system("baseline", by_pub[pub], baseline)[0]
        cells = [(b["found_ge4"], b["gold_ge4"], r["found_ge4"], r["gold_ge4"]),
                 (b["sys_matched"], b["sys"], r["sys_matched"], r["sys"]),
                 (b["spk_named_ok"], b["spk_named"], r["spk_named_ok"], r["spk_named"]),
                 (b["spk_coref_ok"], b["spk_coref"], r["spk_coref_ok"], r["spk_coref"]),
                 (b["found_lt4"], b["gold_lt4"], r["found_lt4"], r["gold_lt4"])]
        row = " ".join(f"{score.pct(a, n).strip():>6s} ({score.pct(c, m).strip():>6s})"
                       for a, n, c, m in cells)
        print(f"  {pub!s:13s} {row}")
    if args.failures:
        args.failures.write_text(json.dumps(fails, ensure_ascii=False, indent=1),
                                 encoding="utf-8")
    os._exit(0)  # skip the interpreter's teardown of a few thousand articles


if __name__ == "__main__":
    main()

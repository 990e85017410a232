"""Short Western files in cp1252: how often each decoder gets the text right.

Generates N short sentences (seeded) from invented words, some accented, some with curly
quotes, encodes them in cp1252, and decodes them with charset-normalizer's best guess alone
and with `reader.sources.files.decode_bytes` (cp1252 first when the text reads as Latin
script). Prints the share decoded wrongly by each and the encodings the wrong ones got.

Usage: python benchmarks/short_cp1252.py [--sentences 3000] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from charset_normalizer import from_bytes

from reader.sources.files import decode_bytes

ACCENTED = ["Café", "owner", "Renée", "crêpes", "naïve", "Zoë", "façade", "déjà", "Müller",
            "Straße", "señor", "niño", "año", "Ångström", "fjörd", "smörgåsbord", "über",
            "garçon", "résumé", "entrée", "élan", "Noël"]
PLAIN = ["the", "a", "and", "of", "to", "in", "town", "market", "morning", "said", "she", "he",
         "was", "were", "open", "bread", "coffee"]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(ACCENTED if rng.random() < 0.4 else PLAIN)
             for _ in range(rng.randint(1, 25))]
    text = " ".join(words)
    if rng.random() < 0.3:
        text = text.replace(" said", " said \u201cyes\u201d")
    return text + (".\n" if rng.random() < 0.5 else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    wrong = {"charset-normalizer alone": Counter(), "decode_bytes": Counter()}
    for _ in range(args.sentences):
        text = sentence(rng)
        data = text.encode("cp1252")
        best = from_bytes(data).best()
        guess = best.encoding if best is not None else "none"
        if best is None or str(best) != text:
            wrong["charset-normalizer alone"][guess] += 1
        encoding, decoded = decode_bytes(data)
        if decoded != text:
            wrong["decode_bytes"][encoding] += 1
    print(f"{args.sentences} short cp1252 sentences (seed {args.seed})")
    for name, counts in wrong.items():
        total = sum(counts.values())
        common = ", ".join(f"{enc} {n}" for enc, n in counts.most_common(5)) or "-"
        print(f"  {name:26} wrong {total:5} ({100 * total / args.sentences:4.1f} %)  {common}")


if __name__ == "__main__":
    main()

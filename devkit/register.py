"""Are the words a check flags in old prose words of the old register? (issue 13: State of the Union false flags)

Genuine 19th-century prose draws flags on words a modern trigram LM finds odd ("approbation",
"heretofore", "tribunal"); a spinner's flags are its picks. This measures, for the words `unspin
check` flags, how much more frequent each is in old State of the Union addresses than in modern
English: ``shift(w) = log10 P_old(w) - log10 P_modern(w)``, with P_old the relative frequency in
the *training* half of the addresses (`devkit.sotu`'s split) delivered before ``--before`` (add 0.5
to every count) and P_modern wordfreq's (``zipf - 9``, Zipf floored at 1). Per set of documents:
the mean over documents of the mean shift of their one-word flags (*obs*) and of flagged word minus
suggestion (*diff*), for all documents with flags and for those scored 0.5 or more.

Sets: State of the Union passages of the test half as written and spun (spinbot habit, 15 %), BBC
test-split articles as written and spun, the realdev genuine pages and synonym-spinner pages, and
the real spinner's page in ../shared/seed.

    python -m devkit.register [--sotu 60] [--bbc 30] [--before 1930]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import zlib
from collections import Counter
from pathlib import Path

from devkit import realdev
from devkit.sotu import WORK, sotu_passages
from devkit.spinner import Spinner, load_bbc, split_ids
from unspin.api import check
from unspin.lexicon.freq import zipf

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "spun_article.txt"


def old_counts(before: int) -> Counter[str]:
    """Word counts of the training half of the addresses delivered before ``before``."""
    sotu_passages(1)  # unpacks the archive
    out: Counter[str] = Counter()
    for f in sorted((WORK / "sotu" / "package" / "data").glob("*.txt")):
        if zlib.crc32(f.name.encode()) % 2 != 0 or int(f.name[:4]) >= before:
            continue  # the test half (the benchmarks' passages), or too recent
        out.update(w.lower() for w in re.findall(r"[A-Za-z]+(?:'[a-z]+)?", f.read_text(errors="replace")))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sotu", type=int, default=60, help="State of the Union passages (test half)")
    ap.add_argument("--bbc", type=int, default=30, help="BBC test articles, as written and (others) spun")
    ap.add_argument("--before", type=int, default=1930, help="old addresses: delivered before this year")
    args = ap.parse_args()
    old = old_counts(args.before)
    total = sum(old.values())

    def shift(w: str) -> float:
        w = w.lower()
        return math.log10((old[w] + 0.5) / total) + 9 - max(zipf(w), 1.0)

    passages = sotu_passages(args.sotu, words=300, seed=3)
    _, test = split_ids(load_bbc())
    pages = realdev.load_pages() if realdev.available() else []
    sets = {
        "State of the Union, genuine": passages,
        "State of the Union, spinbot 15 %": [Spinner(rate=0.15, habit="spinbot", seed=k).spin(t).text for k, t in enumerate(passages[: args.sotu // 2])],
        "BBC, genuine": [a["text"] for a in test[: args.bbc]],
        "BBC, spinbot 15 %": [Spinner(rate=0.15, habit="spinbot", seed=k).spin(a["text"]).text for k, a in enumerate(test[args.bbc : 2 * args.bbc])],
        "realdev genuine pages": [p.text for p in pages if p.label == 0],
        "realdev synonym-spinner pages": [p.text for p in pages if p.label == 1 and p.family == "synonym"],
        "seed page": [SEED.read_text()] if SEED.exists() else [],
    }
    print(f"old addresses: {total:,} words, {len(old):,} distinct (training half, before {args.before})\n")
    print("| set | documents | with flags | obs | diff | scored ≥ 0.5 | obs | diff |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    judged: dict[str, list[float]] = {}
    for name, texts in sets.items():
        docs = []
        for t in texts:
            r = json.loads(check(t).to_json())
            flags = [(f["text"], f.get("suggestion") or "") for f in r["flags"] if " " not in f["text"]]
            if flags:
                obs = statistics.mean(shift(a) for a, _ in flags)
                pairs = [shift(a) - shift(b) for a, b in flags if b and " " not in b]
                docs.append((r["spin_score"], obs, statistics.mean(pairs) if pairs else 0.0))
        hi = [d for d in docs if d[0] >= 0.5]
        judged[name] = [d[1] for d in hi]

        def mean(v: list[float]) -> str:
            return f"{statistics.mean(v):+.2f}" if v else "-"

        print(f"| {name} | {len(texts)} | {len(docs)} | {mean([d[1] for d in docs])} | {mean([d[2] for d in docs])} | "
              f"{len(hi)} | {mean([d[1] for d in hi])} | {mean([d[2] for d in hi])} |", flush=True)
    # within old prose, among the documents the check scores 0.5 or more: does a low obs say spun?
    spun, genuine = judged["State of the Union, spinbot 15 %"], judged["State of the Union, genuine"]
    if spun and genuine:
        print(f"\nState of the Union scored ≥ 0.5, spun against genuine: AUC of -obs {realdev.auc([-x for x in spun], [-x for x in genuine]):.3f} "
              f"({len(spun)} spun, {len(genuine)} genuine)")


if __name__ == "__main__":
    main()

"""Where detection loses a swap: the funnel from candidate set to shown flag.

For every one-word-for-one-word substitution of a spun text: is the original among the
inverse-thesaurus candidates of the spun word (the ceiling of any decoder that restores from
them), among the decoder's alternatives (the beam: the decoded candidates and the further ones ranked as
restorations, `DetectorOptions.beam` / `restore_beam`), the decoder's suggestion (its best by the
trigram LM and the uniform channel prior), the restoration model's first (what a flag suggests), and is
the word flagged by `check` (and restored)? Run on held-out BBC articles spun by a habit, on the seed page
and on the realdev pairs (synonym spinners).

    python -m devkit.oracle [--docs 20] [--habit spinbot] [--rate 0.3]
"""

from __future__ import annotations

import argparse
from collections import Counter

from devkit import realdev, realspin
from devkit.spinner import TEST_ORDER_HELP, Spinner, held_out_articles
from unspin.api import check, get_detector
from unspin.model import Document


def funnel(doc: Document, subs) -> Counter:
    """``subs``: objects with start, end, spun, original (one word each side are counted)."""
    det = get_detector()
    _tokens, raw = det.decode_document(doc)
    flags = check(doc, detector=det).flags
    c: Counter = Counter()
    for s in subs:
        if " " in s.spun.strip() or " " in s.original.strip() or not s.original:
            continue
        o = s.original.lower()
        c["one-word swaps"] += 1
        if o in {x.form for x in det.gen.candidates(s.spun.lower())}:
            c["original among candidates"] += 1
        d = next((d for d in raw if d.token.start < s.end and s.start < d.token.end), None)
        if d is not None and o in {w for w, _ in d.alternatives}:
            c["original in the decoder's beam"] += 1
        if d is not None and (d.suggestion or "") == o:
            c["decoder suggests the original"] += 1
        ranked = det._rank_alternatives(d.alternatives) if d is not None else []
        if ranked and ranked[0] == o:
            # what a flag would suggest: the restoration model's first (`Detector.decisions`)
            c["restoration ranks it first"] += 1
        f = [f for f in flags if f.start < s.end and s.start < f.end]
        if f:
            c["flagged by check"] += 1
            if any((x.suggestion or "").lower() == o for x in f):
                c["flagged and restored"] += 1
    return c


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=20)
    ap.add_argument("--habit", default="spinbot")
    ap.add_argument("--rate", type=float, default=0.3)
    ap.add_argument("--order", choices=["mixed", "file"], default="mixed", help=TEST_ORDER_HELP)
    args = ap.parse_args()
    test = held_out_articles(args.order)
    rows = {}
    sp = Spinner(rate=args.rate, seed=7, habit=args.habit)
    c: Counter = Counter()
    for r in test[: args.docs]:
        spun = sp.spin(r["text"])
        c += funnel(Document(spun.text), spun.substitutions)
    rows[f"{args.habit} {args.rate:.0%}, {args.docs} articles"] = c
    seed = realspin.seed_document()
    if seed is not None:
        gold = [g for g in realspin.load_gold(seed.text) if g.kind == "sure"]
        rows["seed page (sure)"] = funnel(seed, gold)
    if realdev.available():
        c = Counter()
        for p in realdev.load_pairs():
            if p.family == "synonym":
                c += funnel(Document(p.text), [s for s in p.swaps if s.kind == "swap"])
        rows["realdev pairs, synonym spinners"] = c
    keys = ["one-word swaps", "original among candidates", "original in the decoder's beam",
            "decoder suggests the original", "restoration ranks it first", "flagged by check",
            "flagged and restored"]
    print("| set | " + " | ".join(keys) + " |")
    print("|---" * (len(keys) + 1) + "|")
    for name, c in rows.items():
        n = max(c["one-word swaps"], 1)
        print(f"| {name} | {c['one-word swaps']} | " + " | ".join(f"{c[k] / n:.2f}" for k in keys[1:]) + " |")


if __name__ == "__main__":
    main()

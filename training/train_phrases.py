"""Rebuild ``src/unspin/data/phrase_model.json``: confidence of multi-word substitutions.

Every thesaurus phrase that `unspin.detect.phrases` matches in a document is an
example: positive when it overlaps a multi-word substitution the spinner
simulator made, negative when it overlaps no substitution (matches touching a
single-word substitution are left out). Documents: the training split of the
BBC development corpus (``spinner.split_ids``; the benchmarks use the other
split), each read as written and spun with multi-word picks under rotating
settings, plus State of the Union passages from the training half
(``bench/docscore.py``) as genuine prose of another age. A logistic regression
over the match's evidence becomes the model.

    python -m training.train_phrases [--docs 300] [--sotu 100] [--habits spinbot,spinnerchief] [--out FILE]
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import numpy as np

from devkit.evalkit import fit_logistic
from devkit.provenance import training_files
from devkit.spinner import EXCLUDE_HELP, ORDER_HELP, Spinner, training_articles, training_mix
from unspin.api import get_detector
from unspin.detect.modelio import save_model
from unspin.model import Document

OUT = Path(__file__).resolve().parents[1] / "src" / "unspin" / "data" / "phrase_model.json"
SETTINGS = [
    dict(rate=0.15, pick="common", phrases=True),
    dict(rate=0.3, pick="uniform", phrases=True),
    dict(rate=0.1, pick="common", phrases=True),
    dict(rate=0.3, pick="common", phrases=True),
    dict(rate=0.15, pick="uniform", phrases=True),
]
#: realistic habits with multi-word picks, added with --habits
REALISTIC = [
    dict(rate=0.3, habit="spinbot"),
    dict(rate=0.08, habit="spinnerchief"),
    dict(rate=0.15, habit="spinnerchief"),
]
#: weight of a negative example relative to a positive one (precision on clean text matters most)
NEG_WEIGHT = 2.0


def examples(text: str, subs=()) -> list[tuple[dict[str, float], int]]:
    """Phrase matches in ``text`` with their labels. Insertions ("then, at that point,") are left out,
    the pass for them off: their only source in the simulator is its table of tells, which the model
    must not learn (they are scored by the model fitted on replacements; docs/phrases.md)."""
    out = []
    det = get_detector()
    det.phrases.insertions = False
    for m in det.phrase_matches(Document(text)):
        over = [s for s in subs if s.start < m.end and m.start < s.end]
        if not over:
            out.append((dict(m.features), 0))
        elif any(" " in s.spun for s in over):
            out.append((dict(m.features), 1))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--sotu", type=int, default=100)
    ap.add_argument("--habits", default="spinbot,spinnerchief",
                    help="realistic habits in the mix (comma-separated: spinbot,spinnerchief; '' for none)")
    ap.add_argument("--exclude", default="", help=EXCLUDE_HELP)
    ap.add_argument("--out", default=str(OUT), help="where to write the model (default: the shipped one)")
    ap.add_argument("--order", choices=["file", "mixed"], default="mixed", help=ORDER_HELP)
    args = ap.parse_args()
    settings = training_mix(SETTINGS, REALISTIC, args.habits, args.exclude)
    train = training_articles(args.order, args.exclude)
    rng = random.Random(5)
    data: list[tuple[dict[str, float], int]] = []
    t = time.time()
    for i, r in enumerate(train[: args.docs]):
        data += examples(r["text"])
        spun = Spinner(seed=rng.randrange(1 << 30), **settings[i % len(settings)]).spin(r["text"])
        data += examples(spun.text, spun.substitutions)
    from devkit.sotu import sotu_passages

    for text in sotu_passages(args.sotu, part="train"):
        data += examples(text)
    X, y = [d for d, _ in data], [lab for _, lab in data]
    model = fit_logistic(X, y, neg_weight=NEG_WEIGHT)
    p = np.array([1 / (1 + np.exp(-model.raw(x))) for x in X])
    Y = np.array(y)
    for th in (0.5, 0.7):
        tp, fp = int(((p >= th) & (Y == 1)).sum()), int(((p >= th) & (Y == 0)).sum())
        print(f"threshold {th}: training precision {tp / max(tp + fp, 1):.3f}, recall {tp / max(Y.sum(), 1):.3f}")
    d = model.to_dict()
    d["meta"] = {"examples": len(y), "positives": int(Y.sum()), "docs": args.docs, "sotu": args.sotu,
                 "settings": settings, "neg_weight": NEG_WEIGHT,
                 "corpus": "bbc_news_dev.jsonl train split (crc32(id) % 1000 >= 300), each clean and spun; "
                           f"{args.sotu} State of the Union passages (training half)"}
    save_model(Path(args.out), d, model.features, training_files())
    print(f"{len(y)} phrase matches ({int(Y.sum())} spun) in {time.time() - t:.0f}s -> {args.out}")
    for n, w in sorted(model.weights.items(), key=lambda kv: -abs(kv[1])):
        print(f"  {n:18s} {w:+.3f}")


if __name__ == "__main__":
    main()

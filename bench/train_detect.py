"""Rebuild ``src/unspin/data/token_model.json``: the per-word confidence model.

Training data: the *training* part of the BBC development corpus
(``spinner.split_ids``; the test part is never seen here) spun by the
simulator under several habits and rates, plus the unspun articles (every
flag candidate there is a negative). Each candidate word the decoder looks at
becomes one example with the decoder's features; a logistic regression
(scikit-learn) learns P(spun | features).

    python bench/train_detect.py [--docs 300]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from evalkit import labelled_decisions  # noqa: E402
from spinner import Spinner, SpunText, load_bbc, split_ids  # noqa: E402
from unspin.detect import Detector  # noqa: E402
from unspin.detect.calibration import FALLBACK, TokenModel  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "src" / "unspin" / "data" / "token_model.json"
SETTINGS = [
    dict(rate=0.15, pick="uniform"),
    dict(rate=0.3, pick="uniform"),
    dict(rate=0.5, pick="uniform"),
    dict(rate=0.3, pick="common", phrases=True),
    dict(rate=0.3, pick="front"),
]


def collect(det: Detector, records: list[dict], seed: int = 1) -> tuple[list[dict], list[int]]:
    rng = random.Random(seed)
    X: list[dict] = []
    y: list[int] = []
    for i, r in enumerate(records):
        # every article once clean, once spun under a rotating setting
        clean = SpunText(r["text"], r["text"], (), 0, 0)
        setting = SETTINGS[i % len(SETTINGS)]
        spun = Spinner(seed=rng.randrange(1 << 30), **setting).spin(r["text"])
        for sample in (clean, spun):
            for d, label, _orig in labelled_decisions(det, sample):
                if d.suggestion is None:
                    continue
                X.append(d.features)
                y.append(label)
    return X, y


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=300, help="training articles to use")
    args = ap.parse_args()
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler
    import numpy as np

    train, _test = split_ids(load_bbc())
    train = train[: args.docs]
    det = Detector(token_model=FALLBACK)
    t = time.time()
    X, y = collect(det, train)
    names = sorted(X[0])
    M = np.array([[x[n] for n in names] for x in X])
    sc = StandardScaler().fit(M)
    clf = LogisticRegression(C=1.0, max_iter=2000).fit(sc.transform(M), y)
    model = TokenModel(
        weights={n: float(w) for n, w in zip(names, clf.coef_[0])},
        bias=float(clf.intercept_[0]),
        scaling={n: (float(m), float(s)) for n, m, s in zip(names, sc.mean_, sc.scale_)},
        meta={"trained": True, "examples": len(y), "positives": int(sum(y)), "docs": len(train),
              "settings": SETTINGS, "corpus": "bbc_news_dev.jsonl train split (crc32(id) % 1000 >= 300)"},
    )
    OUT.write_text(json.dumps(model.to_dict(), indent=1) + "\n")
    print(f"{len(y)} examples ({sum(y)} spun) from {len(train)} articles in {time.time() - t:.0f}s -> {OUT}")
    for n in names:
        print(f"  {n:12s} {model.weights[n]:+.3f}")


if __name__ == "__main__":
    main()

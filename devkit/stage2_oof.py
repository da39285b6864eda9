"""Compare variants of the word model's stage 2 out of fold, on the examples ``train_detect`` keeps.

The word model (``training/train_detect.py``) is a logistic stage 1 and boosted trees in stage 2
that also read document features (the other words' stage-1 probabilities, ``DOC_FEATURES``). This
script refits both stages (`train_detect.fit`) on four fifths of the training articles and scores the
fifth (folds by article: an article's clean and spun versions stay together), for each stage-2 variant, and prints
the AUC and, at the word flag threshold and at the display threshold 0.3, the false flags among the
clean articles' and State of the Union passages' candidate words and P / R of the candidate words
per training habit (P / R over judged words, not the benchmark's per-substitution figures).

    python -m training.train_detect --docs 300 --sotu 30 --habits spinbot,spinnerchief --jobs 2 \\
        --word-only --examples /tmp/examples.npz --out-dir /tmp/base
    python -m devkit.stage2_oof /tmp/examples.npz [base,monotone,smooth,mono+smooth]

Variants: ``base`` (the shipped settings), ``monotone`` (increasing in ``doc_mean_p1`` and
``doc_share_p1``: a word no less likely a swap where the other words look more spun), ``smooth``
(15 leaves, at least 200 examples a leaf, L2 1.0) and both. Training data only: a comparison of
fits, not a benchmark (held-out habits and real pages are `bench/detect.py`'s).
"""

from __future__ import annotations

import sys

import numpy as np

from training.train_detect import REALISTIC, SETTINGS, _read_examples, fit
from unspin.detect.calibration import DOC_FEATURES
from unspin.settings import WORD_FLAG_AT

_MONO = [1 if n in ("doc_mean_p1", "doc_share_p1") else 0 for n in DOC_FEATURES]
_SMOOTH = dict(max_leaf_nodes=15, min_samples_leaf=200, l2_regularization=1.0)


def variants(n_features: int) -> dict[str, dict]:
    """Stage-2 settings (`train_detect.fit`'s ``stage2``) by name; ``n_features``: stage 1's."""
    mono = [0] * n_features + _MONO
    return {"base": {}, "monotone": dict(monotonic_cst=mono), "smooth": dict(_SMOOTH),
            "mono+smooth": dict(_SMOOTH, monotonic_cst=mono)}


def row_labels(groups: np.ndarray) -> np.ndarray:
    """Each example's row: ``clean``, ``sotu`` or the training setting its spun article was spun with
    (``train_detect.collect``: article i is document 2i+1 as written and 2i+2 spun with setting i)."""
    settings = SETTINGS + REALISTIC

    def one(g: int) -> str:
        if g >= 10_000_000:
            return "sotu"
        if (g - 1) % 2 == 0:
            return "clean"
        s = settings[((g - 1) // 2) % len(settings)]
        return f"{s.get('habit', s.get('pick'))} {s['rate']:.0%}"

    return np.array([one(int(g)) for g in groups])


def out_of_fold(X: list[dict], Y: np.ndarray, G: np.ndarray, which: list[str], folds: int = 5) -> dict[str, np.ndarray]:
    """Each variant's word probabilities, every article scored by `train_detect.fit` on the other folds
    (its document features from its own words, as at run time: `TokenModel.predict_document`)."""
    from sklearn.model_selection import GroupKFold

    article = np.where(G >= 10_000_000, G, (G - 1) // 2)
    conf = variants(len(X[0]))
    preds = {v: np.zeros(len(Y)) for v in which}
    for a, b in GroupKFold(folds).split(np.zeros(len(Y)), Y, article):
        docs: dict[int, list[int]] = {}
        for k in b:
            docs.setdefault(int(G[k]), []).append(int(k))
        for v in which:
            model = fit([X[k] for k in a], [int(Y[k]) for k in a], [int(G[k]) for k in a], {}, stage2=conf[v])
            for idx in docs.values():
                preds[v][idx] = model.predict_document([dict(X[k]) for k in idx])
        print(".", end="", flush=True)
    print()
    return preds


def main() -> None:
    from sklearn.metrics import roc_auc_score

    path = sys.argv[1]
    which = sys.argv[2].split(",") if len(sys.argv) > 2 else list(variants(0))
    X, y, groups = _read_examples(path)
    Y, G = np.array(y), np.array(groups)
    preds = out_of_fold(X, Y, G, which)
    lab = row_labels(G)
    rows = ["clean", "sotu"] + sorted(set(lab) - {"clean", "sotu"})
    for v in which:
        p = preds[v]
        print(f"{v}: AUC {roc_auc_score(Y, p):.4f}")
        for t in (0.3, WORD_FLAG_AT):
            out = []
            for r in rows:
                m = lab == r
                flagged = p[m] >= t
                if r in ("clean", "sotu"):
                    out.append(f"{r} {int(flagged.sum())}/{int(m.sum())}")
                else:
                    tp = int((flagged & (Y[m] == 1)).sum())
                    out.append(f"{r} {tp / max(int(flagged.sum()), 1):.3f}/{tp / max(int(Y[m].sum()), 1):.3f}")
            print(f"  at {t}: " + "; ".join(out))


if __name__ == "__main__":
    main()

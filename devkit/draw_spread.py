"""How much the real page's word confidences hang on the word model's training draw (issue 13).

For each model set given (``--model-dir``, a folder of ``train_detect --out-dir`` models; ``shipped``
for the shipped ones), the seed page's annotated swaps and genuine words: the median first-stage
probability (a logistic regression) and final confidence (boosted trees over it, the word's evidence
and the document features), and how many reach 0.3; then which second-stage feature moves the swaps'
median most when set to its value in a simulated spun article. With ``--examples FILE`` (a
``train_detect --examples`` file), the word model refitted ``--refits`` times on a random share of its
training documents: the spread a retrain on another draw of articles gives. docs/real-spinners.md,
"The real page hangs on the training draw".

    python -m devkit.draw_spread --model-dir shipped --model-dir DIR [--examples FILE --refits 5]
"""

from __future__ import annotations

import argparse
import random

import numpy as np

from devkit import realspin
from devkit.spinner import Spinner, training_articles
from unspin.detect.calibration import _sigmoid, doc_features
from unspin.detect.prepared import prepare
from unspin.model import Document

#: a development article of the training split that no shipped model was fitted on, spun, as the reference
REFERENCE = 522


def word_features(det, doc: Document, gold: list[tuple[int, int]]) -> tuple[list[dict], np.ndarray]:
    """The word model's features of every judged word of ``doc`` (as `Detector.decisions` builds them)
    and which of them overlap a ``gold`` span."""
    raw, scored = det.judged(prepare(doc))
    swap = np.array([any(a < raw[k].token.end and raw[k].token.start < b for a, b in gold) for k in scored], dtype=bool)
    return [dict(raw[k].features) for k in scored], swap


def with_doc_features(model, feats: list[dict]) -> list[dict]:
    p1 = [_sigmoid(model.stage1.raw(f)) for f in feats]
    out = [dict(f) for f in feats]
    for f, extra in zip(out, doc_features(p1, [f.get("margin", 0.0) for f in feats])):
        f.update(extra)
    return out


def describe(name: str, model, feats: list[dict], swap: np.ndarray) -> None:
    p1 = np.array([_sigmoid(model.stage1.raw(f)) for f in feats])
    final = np.array(model.predict_document([dict(f) for f in feats]))
    print(f"{name}: swaps ({int(swap.sum())}) first stage median {np.median(p1[swap]):.3f}, final median "
          f"{np.median(final[swap]):.3f}, {int((final[swap] >= 0.3).sum())} at >= 0.3; genuine words ({int((~swap).sum())}) "
          f"final median {np.median(final[~swap]):.3f}, {int((final[~swap] >= 0.3).sum())} at >= 0.3")


def feature_shifts(model, feats: list[dict], swap: np.ndarray, reference: list[dict]) -> list[tuple[float, str]]:
    """For each second-stage feature: the change of the swaps' median confidence when every word's value
    is set to its median in ``reference`` (another document's words)."""
    names = list(model.stage2.features)
    X = np.array([[f.get(n, 0.0) for n in names] for f in with_doc_features(model, feats)])
    R = np.array([[f.get(n, 0.0) for n in names] for f in with_doc_features(model, reference)])
    base = np.median(1 / (1 + np.exp(-model.stage2.raw_batch(X)))[swap])
    out = []
    for j, n in enumerate(names):
        X2 = X.copy()
        X2[:, j] = np.median(R[:, j])
        out.append((float(np.median(1 / (1 + np.exp(-model.stage2.raw_batch(X2)))[swap]) - base), n))
    return sorted(out, key=lambda t: -abs(t[0]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-dir", action="append", default=[], help="a model set folder, or 'shipped' (repeatable)")
    ap.add_argument("--examples", default="", help="a train_detect --examples file: refit the word model on its documents")
    ap.add_argument("--refits", type=int, default=5)
    ap.add_argument("--share", type=float, default=0.8, help="share of the training documents each refit draws")
    args = ap.parse_args()
    from training.train_docscore import model_detector
    from unspin.api import get_detector

    seed = realspin.seed_document()
    if seed is None:
        raise SystemExit("the seed page (../shared/seed/spun_article.txt) is not here")
    gold = [(g.start, g.end) for g in realspin.load_gold(seed.text)]
    ref = Spinner(rate=0.45, seed=3, habit="spinbot").spin(training_articles()[REFERENCE]["text"])
    for folder in args.model_dir or ["shipped"]:
        det = get_detector() if folder == "shipped" else model_detector(folder)
        feats, swap = word_features(det, seed, gold)
        describe(folder, det.token_model, feats, swap)
        reference, ref_swap = word_features(det, Document(ref.text), [(x.start, x.end) for x in ref.substitutions])
        describe(f"  the spun article {REFERENCE} (spinbot 45 %)", det.token_model, reference, ref_swap)
        shifts = feature_shifts(det.token_model, feats, swap, reference)
        print("  set to their value in a spun article (spinbot 45 %): " + ", ".join(f"{n} {d:+.3f}" for d, n in shifts[:4]))
    if args.examples:
        from training.train_detect import _read_examples, fit

        X, y, groups = _read_examples(args.examples)  # the refits judge the seed page's features of the last set
        docs = sorted(set(groups))
        for k in range(args.refits):
            keep = set(random.Random(k).sample(docs, int(args.share * len(docs))))
            idx = [i for i, g in enumerate(groups) if g in keep]
            model = fit([X[i] for i in idx], [y[i] for i in idx], [groups[i] for i in idx], {})
            describe(f"refit {k} on {args.share:.0%} of the documents", model, feats, swap)


if __name__ == "__main__":
    main()

"""How sure a shown flag's confidence is, on real pages and on simulated spins (issue 13).

A word flag's confidence is the display model's chance that the word is a swap
(`unspin.detect.calibration.DisplayModel`), fitted on simulated spins. For every judged word (one
with a suggestion, outside phrase and other flags) this prints, per band of that chance, how many
are swaps: on the seed page (any annotated substitution is a swap), on the realdev pairs (gold swaps
and insertions; words on rewritten runs are left out, as `bench.detect` leaves them out of
precision), and on development articles of the training split spun by realistic habits, which no
shipped model was fitted on (articles 520 onwards of the mixed order; the display model's are 330-389,
the document model's 330-479). It also prints the share of judged words that are swaps and the median
word confidence of swaps and of genuine words, which is where the real pages and the simulator
part: docs/real-spinners.md ("Real pages' flags are surer than their confidence says").

    python -m devkit.display_bands [--docs 15] [--model-dir DIR]
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Sequence

from devkit import realdev, realspin
from devkit.spinner import Spinner, training_articles
from unspin.api import check, get_detector
from unspin.detect.prepared import prepare
from unspin.model import Document

#: development articles of the training split after every shipped model's (`training.train_detect`,
#: `training.train_docscore`, `training.train_screen` use 0-499)
FIRST_DEV = 520
BANDS = ((0.5, 1.01), (0.3, 0.5), (0.2, 0.3), (0.1, 0.2), (0.0, 0.1))
ROWS = (("spinbot", 0.3), ("spinbot", 0.15), ("spinbot-frequent", 0.3))


def judged_words(det, doc: Document, gold: Sequence[tuple[int, int]], neither: Sequence[tuple[int, int]] = ()
                 ) -> list[tuple[float, float, bool]]:
    """(word confidence, display chance, is a swap) of every judged word of ``doc`` that no phrase or
    other flag covers, as `unspin.api.check` decides them; words only on ``neither`` spans are left out."""
    report = check(doc, detector=det)
    decisions = det.decisions(prepare(doc))
    chances = det.display_model.probabilities(decisions, report.spin_score)
    other = [(f.start, f.end) for f in report.flags if f.kind != "spin" or "phrase" in f.evidence]
    out = []
    for d, p in zip(decisions, chances):
        if p is None:
            continue
        a, b = d.token.start, d.token.end
        if any(x < b and a < y for x, y in other):
            continue
        swap = any(x < b and a < y for x, y in gold)
        if not swap and any(x < b and a < y for x, y in neither):
            continue
        out.append((d.confidence, p, swap))
    return out


def table(rows: dict[str, list[tuple[float, float, bool]]]) -> list[str]:
    names = list(rows)
    lines = ["| display chance | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for lo, hi in BANDS:
        cells = []
        for n in names:
            band = [s for _c, p, s in rows[n] if lo <= p < hi]
            cells.append(f"{sum(band)} / {len(band)} ({sum(band) / len(band):.2f})" if band else "—")
        lines.append(f"| {lo:g}–{min(hi, 1):g} | " + " | ".join(cells) + " |")
    share = [f"{sum(s for *_x, s in rows[n]) / max(len(rows[n]), 1):.2f}" for n in names]
    lines.append("| swaps among judged words | " + " | ".join(share) + " |")
    for label, want in (("median word confidence, swaps", True), ("median word confidence, genuine words", False)):
        med = [statistics.median(c for c, _p, s in rows[n] if s == want) if any(s == want for *_x, s in rows[n])
               else float("nan") for n in names]
        lines.append(f"| {label} | " + " | ".join(f"{m:.3f}" for m in med) + " |")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=15, help="development articles per simulated row")
    ap.add_argument("--model-dir", default="", help="a model set in a folder (training.train_docscore.use_models)")
    args = ap.parse_args()
    if args.model_dir:
        from training.train_docscore import use_models

        det = use_models(args.model_dir)
    else:
        det = get_detector()
    rows: dict[str, list[tuple[float, float, bool]]] = {}
    seed = realspin.seed_document()
    if seed is not None:
        rows["seed page"] = judged_words(det, seed, [(g.start, g.end) for g in realspin.load_gold(seed.text)])
    if realdev.available():
        rows["realdev synonym pairs"] = [
            w for p in realdev.load_pairs() if p.family == "synonym"
            for w in judged_words(det, Document(p.text), [(s.start, s.end) for s in p.swaps], p.rewrites)]
    records = training_articles("mixed")[FIRST_DEV : FIRST_DEV + args.docs]
    for habit, rate in ROWS:
        spinner = Spinner(rate=rate, seed=7, habit=habit)
        words = []
        for r in records:
            spun = spinner.spin(r["text"])
            words += judged_words(det, Document(spun.text), [(x.start, x.end) for x in spun.substitutions])
        rows[f"{habit} {rate:.0%}"] = words
    print("\n".join(table(rows)))


if __name__ == "__main__":
    main()

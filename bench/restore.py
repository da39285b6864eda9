"""Restoration benchmark: how often each ranking puts the original first among a swapped word's alternatives.

A flag suggests the restoration model's first alternative (`Detector.decisions`). For every
one-word-for-one-word substitution whose original is among the decoder's alternatives (the beam),
the share of words where a ranking puts the original first: the decoder's own order (trigram LM
plus channel prior, ``total_rel``) and each restoration model given (the shipped one by default).
Rows: held-out BBC articles (``spinner.split_ids`` test part, never trained on) spun by the
realistic habits the shipped model is trained on and by the held-apart variants it never sees
(another thesaurus, other pick weights), the seed page (its sure and its guessed swaps) and the
realdev pairs (synonym and paraphrase spinners). The shipped detector decodes every text, as at
run time. A second table counts only the words `check` flags: their suggestion is what is shown.

    python -m bench.restore [--docs 40] [--model before=old.json --model after=new.json] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import platform
import shlex
import subprocess
import time
from collections import Counter
from pathlib import Path

import numpy as np

from devkit import realdev, realspin
from devkit.spinner import TEST_ORDER_HELP, Spinner, held_out_articles
from unspin.detect.calibration import LinearModel, load_restore_model
from unspin.model import Document

RESULTS = Path(__file__).resolve().parent / "results"
ROWS = [
    ("spinbot 30% (trained on)", dict(rate=0.30, habit="spinbot")),
    ("spinnerchief 8% (trained on)", dict(rate=0.08, habit="spinnerchief")),
    ("held apart: spinbot picks from WordNet 30%", dict(rate=0.30, habit="spinbot-wordnet")),
    ("held apart: spinbot, frequent picks 30%", dict(rate=0.30, habit="spinbot-frequent")),
    ("held apart: spinbot, loose 30%", dict(rate=0.30, habit="spinbot-loose")),
]
SEED_ROW = "seed page (real spinner, sure swaps)"
SEED_GUESS_ROW = "seed page, guessed swaps"
REALDEV_ROW = "realdev pairs, synonym spinners"
REALDEV_PARA_ROW = "realdev pairs, paraphrase spinners"

_DET = None
_RESTORE_BEAM: int | None = None


def _groups(item: tuple[str, str, list[tuple[int, int, str]]]) -> list[tuple[str, list[dict], int, bool]]:
    """(row, alternatives' features, index of the original, flagged by `check`) for every swapped word of one text."""
    global _DET
    from unspin.api import check, get_detector

    row, text, subs = item
    if _DET is None:
        if _RESTORE_BEAM is None:
            _DET = get_detector()
        else:
            from unspin.detect import Detector, DetectorOptions

            _DET = Detector(options=DetectorOptions(restore_beam=_RESTORE_BEAM))
    # decoded twice (here for the alternatives' features, in `check` for its flags): a benchmark's cost
    _tokens, raw = _DET.decode_document(Document(text))
    flags = [(f.start, f.end) for f in check(Document(text), detector=_DET).flags]
    out = []
    for d in raw:
        sub = next((s for s in subs if d.token.start < s[1] and s[0] < d.token.end), None)
        words = [w for w, _ in d.alternatives]
        if sub is not None and sub[2] in words:
            flagged = any(a < d.token.end and d.token.start < b for a, b in flags)
            out.append((row, [f for _, f in d.alternatives], words.index(sub[2]), flagged))
    return out


def _one_word(subs) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.original.lower()) for s in subs
            if s.original and " " not in s.original.strip() and " " not in s.spun.strip()]


def items(docs: int, order: str = "mixed") -> tuple[list, Counter]:
    """The texts to decode, each with its one-word swaps, and the number of swaps per row."""
    test = held_out_articles(order)
    out = []
    for name, setting in ROWS:
        spinner = Spinner(seed=7, **setting)
        for r in test[:docs]:
            spun = spinner.spin(r["text"])
            out.append((name, spun.text, _one_word(spun.substitutions)))
    seed = realspin.seed_document()
    if seed is not None:
        gold = realspin.load_gold(seed.text)
        out.append((SEED_ROW, seed.text, _one_word([g for g in gold if g.kind == "sure"])))
        out.append((SEED_GUESS_ROW, seed.text, _one_word([g for g in gold if g.kind == "guess"])))
    if realdev.available():
        for p in realdev.load_pairs():
            row = REALDEV_ROW if p.family == "synonym" else REALDEV_PARA_ROW
            out.append((row, p.text, _one_word([s for s in p.swaps if s.kind == "swap"])))
    swaps = Counter()
    for row, _text, subs in out:
        swaps[row] += len(subs)
    return out, swaps


def first_rank(groups, score) -> Counter:
    hits: Counter = Counter()
    for row, feats, label, _flagged in groups:
        scores = [score(f) for f in feats]
        hits[row] += int(int(np.argmax(scores)) == label)
    return hits


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=40, help="held-out articles per simulated row")
    ap.add_argument("--model", action="append", default=[],
                    help="a restoration model file (restore_model.json) to rank with, as PATH or LABEL=PATH; "
                         "repeat to compare (default: the shipped one)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes for decoding")
    ap.add_argument("--order", choices=["mixed", "file"], default="mixed", help=TEST_ORDER_HELP)
    ap.add_argument("--restore-beam", type=int, default=None,
                    help="alternatives per word (`DetectorOptions.restore_beam`; default: the shipped option)")
    ap.add_argument("--out", default=str(RESULTS / "restore.md"))
    args = ap.parse_args()
    models = {}
    for m in args.model:
        label, _, path = m.rpartition("=") if "=" in m else (Path(m).name, "", m)
        models[label] = LinearModel.from_dict(json.loads(Path(path).read_text()))
    models = models or {"shipped model": load_restore_model()}
    global _RESTORE_BEAM
    _RESTORE_BEAM = args.restore_beam
    t = time.time()
    texts, swaps = items(args.docs, args.order)
    if args.jobs > 1:
        import multiprocessing as mp

        with mp.get_context("fork").Pool(args.jobs) as pool:
            parts = pool.map(_groups, texts, chunksize=2)
    else:
        parts = [_groups(x) for x in texts]
    groups = [g for p in parts for g in p]
    in_beam = Counter(row for row, _f, _l, _fl in groups)
    shown = [g for g in groups if g[3]]
    n_shown = Counter(g[0] for g in shown)
    columns = {"decoder order": first_rank(groups, lambda f: f["total_rel"])}
    flagged = {"decoder order": first_rank(shown, lambda f: f["total_rel"])}
    for name, model in models.items():
        columns[name] = first_rank(groups, model.raw)
        flagged[name] = first_rank(shown, model.raw)
    rows = [name for name, _ in ROWS] + [r for r in (SEED_ROW, SEED_GUESS_ROW, REALDEV_ROW, REALDEV_PARA_ROW) if swaps[r]]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    lines = [
        "# Restoration benchmark",
        "",
        f"`python -m bench.restore --docs {args.docs} --order {args.order}" + "".join(f" --model {shlex.quote(m)}" for m in args.model)
        + (f" --restore-beam {args.restore_beam}" if args.restore_beam is not None else "") + "`; "
        f"{platform.machine()}, Python {platform.python_version()}; code at `{commit}`; {time.time() - t:.0f} s.",
        "For every one-word swap whose original is among the decoder's alternatives (*in beam*), the share where "
        "each ranking puts the original first (what a flag suggests). Simulated rows: held-out BBC articles "
        f"({args.docs} per row); *held apart* habits are never trained on; the seed page and the realdev pairs "
        "are real spinners (report only, never tuned on). *Of all swaps*: the last ranking's first-ranked originals "
        "over all one-word swaps (what the beam and the ranking together restore).",
        "",
        "| row | one-word swaps | in beam | " + " | ".join(columns) + " | of all swaps |",
        "|---|---:|---:|" + "---:|" * (len(columns) + 1),
    ]
    for r in rows:
        n = in_beam[r]
        last = list(columns.values())[-1]
        lines.append(f"| {r} | {swaps[r]} | {n} | " + " | ".join(f"{c[r] / n:.3f}" if n else "-" for c in columns.values())
                     + f" | {last[r] / max(swaps[r], 1):.3f} |")
    lines += ["", "The same, only the words `check` flags (their suggestion is what a reader sees):", "",
              "| row | flagged, original in beam | " + " | ".join(flagged) + " |",
              "|---|---:|" + "---:|" * len(flagged)]
    for r in rows:
        n = n_shown[r]
        lines.append(f"| {r} | {n} | " + " | ".join(f"{c[r] / n:.3f}" if n else "-" for c in flagged.values()) + " |")
    text = "\n".join(lines) + "\n"
    print(text)
    Path(args.out).write_text(text)


if __name__ == "__main__":
    main()

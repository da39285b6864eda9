"""Generalisation benchmark: what a model loses on a spinner habit it was not trained on.

Every model here is trained on some spinner habits and tested on others. The held-apart habit
variants of `devkit.spinner.HABITS` (spinbot-wordnet, -frequent, -loose) are never trained on, but
the two realistic habits, ``spinbot`` and ``spinnerchief``, are in every shipped training mix
(`devkit.spinner.training_mix`). This benchmark takes model sets trained the same way and on the
same number of articles, once on the full mix and once *without* habit X
(``train_detect --exclude X``, then ``train_docscore --exclude X --start -1 --model-dir`` on that word model),
and checks each set on held-out BBC articles (`devkit.spinner.split_ids` test part) spun by every
habit: the row of habit X in the "without X" column is the generalisation figure, the same row in
the full-mix column what training on X bought.

A model set is a folder with ``token_model.json`` and ``restore_model.json`` (``train_detect
--out-dir``) and optionally ``doc_model.json`` (``train_docscore --out-dir``; the shipped document
model otherwise); ``shipped`` is the models in ``src/unspin/data``. Word level: precision, recall
and F1 of every flag `unspin.api.check` shows (as ``bench/detect.py``); document level: F1 and AUC
of ``spin_score >= 0.5`` against the unspun articles (as ``bench/docscore.py``).

Real pages (../shared/data/realdev) are split by site fold (`devkit.realdev.site_fold`): the word
rows on the pairs, the document rows on the spun against the genuine pages of the fold. No word or
document model is trained on realdev, so these rows measure how each model set transfers to real
spinners it has never seen, fold by fold (the spread between folds is the site-to-site spread); the
channel model (``channel_model.json``, the same in every set) is fitted on simulated picks
(``train_channel --fit-on sim``), so no model in any set has seen a real page.

    python -m bench.generalise --models full=/tmp/gen/models-full,no-spinbot=/tmp/gen/models-no-spinbot \\
        [--docs 30]    # writes bench/results/generalise.md (and .json)
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

from devkit import realdev
from devkit.evalkit import Counts, score_flags
from devkit.spinner import Spinner, SpunText, load_bbc, split_ids
from training.train_docscore import use_models
from unspin.api import check
from unspin.model import Document, Report
from unspin.text import TokenKind, tokenize

RESULTS = Path(__file__).resolve().parent / "results"
#: (row, habit, spinner setting): the habits a model set may be trained without, then held-apart variants
ROWS = [
    ("spinbot 15% of content words", "spinbot", dict(rate=0.15, habit="spinbot")),
    ("spinbot 30% of content words", "spinbot", dict(rate=0.30, habit="spinbot")),
    ("spinnerchief 8% of words", "spinnerchief", dict(rate=0.08, habit="spinnerchief")),
    ("held apart: spinbot-frequent 30%", "spinbot-frequent", dict(rate=0.30, habit="spinbot-frequent")),
]


def words_in(text: str) -> int:
    return sum(1 for t in tokenize(text) if t.kind is TokenKind.WORD)


def evaluate(det, test: list[dict], rows: list[tuple[str, str, dict]], seed: int = 7) -> dict:
    """Word counts and document scores of one model set: the unspun ``test`` articles, the ``rows``
    spun from them, and the realdev pairs and pages by site fold."""
    out: dict = {"word": {}, "doc": {}}
    memo: dict[str, Report] = {}

    def checked(text: str) -> Report:
        if text not in memo:
            memo[text] = check(Document(text), detector=det)
        return memo[text]

    def run(name: str, items: list[tuple[str, SpunText | None]]) -> None:
        c = Counts()
        scores = []
        for text, gold in items:
            r = check(Document(text), detector=det)
            n = words_in(text)
            c.add(score_flags([(f.start, f.end, f.suggestion) for f in r.flags], gold or SpunText(text, text, (), 0, 0), n))
            scores.append(r.spin_score)
        out["word"][name] = c.__dict__
        out["doc"][name] = scores
        print(f"  {name:40s} P {c.precision:.3f} R {c.recall:.3f} false/1k {c.false_per_1000:.2f}", flush=True)

    run("clean news", [(r["text"], None) for r in test])
    for name, _habit, setting in rows:
        sp = Spinner(seed=seed, **setting)
        spun = [sp.spin(r["text"]) for r in test]
        run(name, [(s.text, s) for s in spun])
    if realdev.available():
        pairs = realdev.load_pairs()
        pages = realdev.load_pages()
        for fold in (0, 1):
            c = realdev.PairCounts()
            sel = [p for p in pairs if realdev.site_fold(p.site) == fold]
            for p in sel:
                c.add(realdev.score_pair([(f.start, f.end, f.suggestion) for f in checked(p.text).flags], p))
            out["word"][f"realdev pairs, site fold {fold}"] = dict(c.__dict__, pairs=len(sel))
            for label in (0, 1):
                out["doc"][f"realdev fold {fold} {'spun' if label else 'genuine'}"] = [
                    checked(p.text).spin_score
                    for p in pages if realdev.site_fold(p.site) == fold and p.label == label]
        print("  realdev done", flush=True)
    return out


def held_out(label: str) -> str:
    """The habit a model set was trained without, from its label ``no-<habit>`` ("" for the full mix)."""
    return label[3:] if label.startswith("no-") else ""


def table(results: dict[str, dict], rows: list[tuple[str, str, dict]], docs: int, sizes: str) -> str:
    labels = list(results)
    head = " | ".join(f"{lab}" for lab in labels)
    lines = [
        "# Generalisation: trained without habit X, tested on X",
        "",
        f"`python -m bench.generalise --docs {docs} --models ...`: {docs} held-out BBC dev articles per row (test split, "
        f"seed 7); {platform.machine()}, Python {platform.python_version()}. {sizes}",
        "",
        "Word level (every flag `check` shows): P / R / F1. **Bold**: the model set was trained without this row's habit.",
        "",
        f"| row | {head} |",
        "|---|" + "---|" * len(labels),
    ]

    def held(label: str, habit: str) -> bool:
        return bool(held_out(label)) and habit == held_out(label)

    for name, habit, _ in rows:
        cells = []
        for lab in labels:
            c = Counts(**results[lab]["word"][name])
            cell = f"{c.precision:.3f} / {c.recall:.3f} / {c.f1:.3f}"
            cells.append(f"**{cell}**" if held(lab, habit) else cell)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    cells = [f"{Counts(**results[lab]['word']['clean news']).false_per_1000:.2f} false /1k" for lab in labels]
    lines.append("| clean news | " + " | ".join(cells) + " |")
    for fold in (0, 1):
        key = f"realdev pairs, site fold {fold}"
        if key not in results[labels[0]]["word"]:
            continue
        cells = []
        for lab in labels:
            d = dict(results[lab]["word"][key])
            n = d.pop("pairs")
            c = realdev.PairCounts(**d)
            cells.append(f"{c.precision:.3f} / {c.recall:.3f} / {c.f1:.3f}")
        lines.append(f"| {key} ({n} pairs, {c.gold} gold swaps) | " + " | ".join(cells) + " |")
    lines += ["", "Document level (`spin_score >= 0.5` against the unspun articles, or the fold's genuine pages): "
              "F1 / AUC; clean rows: share judged spun.", "", f"| row | {head} |", "|---|" + "---|" * len(labels)]
    for name, habit, _ in rows:
        cells = []
        for lab in labels:
            m = realdev.doc_metrics(results[lab]["doc"][name], results[lab]["doc"]["clean news"])
            cell = f"{m.f1:.3f} / {m.auc:.3f}"
            cells.append(f"**{cell}**" if held(lab, habit) else cell)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    cells = [f"{sum(s >= 0.5 for s in results[lab]['doc']['clean news']) / max(len(results[lab]['doc']['clean news']), 1):.1%}"
             for lab in labels]
    lines.append("| clean news (judged spun) | " + " | ".join(cells) + " |")
    for fold in (0, 1):
        key = f"realdev fold {fold} spun"
        if key not in results[labels[0]]["doc"]:
            continue
        cells = []
        for lab in labels:
            pos, neg = results[lab]["doc"][key], results[lab]["doc"][f"realdev fold {fold} genuine"]
            m = realdev.doc_metrics(pos, neg)
            cells.append(f"{m.f1:.3f} / {m.auc:.3f}")
        lines.append(f"| realdev site fold {fold}: {len(pos)} spun vs {len(neg)} genuine pages | " + " | ".join(cells) + " |")
    # what holding X out costs: F1 on X's rows, full mix minus without X
    full = next((lab for lab in labels if not held_out(lab) and lab != "shipped"), None)
    if full:
        lines += ["", f"Cost of holding habit X out: `{full}` minus `no-X`, on X's rows and on the other rows "
                  "(positive: training on X helped).", "",
                  "| trained without | X's rows: word F1 | doc F1 | doc AUC | other rows: word F1 | doc F1 | doc AUC |",
                  "|---|---|---|---|---|---|---|"]
        for lab in labels:
            x = held_out(lab)
            if not x:
                continue
            on_x, off_x = [], []
            for name, habit, _ in rows:
                wl = Counts(**results[full]["word"][name]).f1 - Counts(**results[lab]["word"][name]).f1
                a = realdev.doc_metrics(results[full]["doc"][name], results[full]["doc"]["clean news"])
                b = realdev.doc_metrics(results[lab]["doc"][name], results[lab]["doc"]["clean news"])
                (on_x if habit == x else off_x).append((name, wl, a.f1 - b.f1, a.auc - b.auc))

            def fmt(items: list[tuple[str, float, float, float]], k: int) -> str:
                return ", ".join(f"{v[k]:+.3f}" for v in items) or "—"

            lines.append(f"| {x} | {fmt(on_x, 1)} | {fmt(on_x, 2)} | {fmt(on_x, 3)} | "
                         f"{fmt(off_x, 1)} | {fmt(off_x, 2)} | {fmt(off_x, 3)} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", required=True,
                    help="comma-separated label=folder (label no-<habit> for a set trained without that habit; "
                         "'shipped' for src/unspin/data)")
    ap.add_argument("--docs", type=int, default=30, help="held-out articles per row")
    ap.add_argument("--sizes", default="", help="a sentence on how the model sets were trained (for the table)")
    ap.add_argument("--json", default=str(RESULTS / "generalise.json"), help="where to keep the results ('' for nowhere)")
    ap.add_argument("--from-json", default="",
                    help="only write the table, from earlier --json files (comma-separated: runs of one set each merged)")
    ap.add_argument("--out", default=str(RESULTS / "generalise.md"), help="the table ('' to only print it)")
    args = ap.parse_args()
    specs = []
    for item in args.models.split(","):
        label, _, folder = item.partition("=")
        if label != "shipped" and not (Path(folder) / "token_model.json").exists():
            raise SystemExit(f"--models: {folder!r} has no token_model.json (a train_detect --out-dir)")
        specs.append((label, folder))
    if args.from_json:
        results = {}
        for path in args.from_json.split(","):
            results.update(json.loads(Path(path).read_text()))
        results = {label: results[label] for label, _ in specs if label in results} or results
    else:
        _train, test = split_ids(load_bbc())
        test = test[: args.docs]
        results = {}
        for label, folder in specs:
            t = time.time()
            print(f"{label}:", flush=True)
            from unspin.detect import score

            score._MODEL = None  # the shipped document model unless the folder has one
            det = use_models(folder) if label != "shipped" else None
            if det is None:
                from unspin.api import get_detector

                det = get_detector()
            results[label] = evaluate(det, test, ROWS)
            print(f"  {time.time() - t:.0f}s", flush=True)
        if args.json:
            Path(args.json).write_text(json.dumps(results) + "\n")
    text = table(results, ROWS, args.docs, args.sizes)
    print(text)
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()

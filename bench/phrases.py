"""Phrase-level swaps: how many there are, how many `unspin check` finds, and a held-apart phrase model.

For each row every gold substitution is put in one class by its two sides: *word -> word*, *word ->
phrase* (a multi-word synonym for one word: "director" -> "managing director", "recently" -> "as of
late"), *phrase -> any* (a multi-word original: "passed away" -> "died", "prime minister" -> "state
leader") and *insertion* (spun-only wording, real pages only). A class is found when a shown flag
overlaps the substitution, restored when a flag suggests exactly the original. Beside the classes:
precision of every shown flag and of the phrase flags (those with ``evidence.phrase``), and false
phrase flags per 1,000 words of clean text.

Rows: held-out BBC dev articles (``spinner.split_ids`` test part) unspun and spun by the realistic
habits, the seed page (``devkit/realspin.py``) and each realdev pair of a synonym spinner by site
(``devkit/realdev.py``; flags touching only rewritten words are left out of precision). With
``--held-apart HABIT=MODEL`` the rows run a second time with a phrase model trained without that
habit (``python -m training.train_phrases --exclude HABIT --out MODEL``): the generalisation row.

    python -m bench.phrases [--docs 12] [--held-apart spinnerchief=/tmp/pm_nochief.json]
"""

from __future__ import annotations

import argparse
import json
import platform
from collections import Counter
from pathlib import Path

from devkit import realdev, realspin
from devkit.spinner import Spinner, load_bbc, split_ids
from unspin.api import check, get_detector
from unspin.detect.calibration import LinearModel
from unspin.model import Document

RESULTS = Path(__file__).resolve().parent / "results"
HABITS = [("spinbot 30% of content words", dict(rate=0.30, habit="spinbot")),
          ("spinnerchief 8% of words", dict(rate=0.08, habit="spinnerchief")),
          ("held apart: spinbot picks from WordNet 30%", dict(rate=0.30, habit="spinbot-wordnet"))]
CLASSES = ("word -> word", "word -> phrase", "phrase -> any", "insertion")


def klass(spun: str, original: str, kind: str = "") -> str:
    spun, original = spun.strip(), (original or "").strip()
    if kind in ("spun-only", "insert") or original in ("", "-"):
        return "insertion"
    if " " in original:
        return "phrase -> any"
    return "word -> phrase" if " " in spun else "word -> word"


def count(doc: Document, gold, c: Counter, rewrites=()) -> None:
    """Add one document's counts to ``c``; ``gold``: objects with start, end, spun, original (and kind)."""
    rep = check(doc, detector=get_detector())
    c["words"] += rep.words
    for f in rep.flags:
        if any(f.start < g.end and g.start < f.end for g in gold):
            true = 1
        elif any(f.start < e and s < f.end for s, e in rewrites):
            continue  # neither true nor false (realdev rewrites)
        else:
            true = 0
        phrase = "phrase" in f.evidence
        c["flags"] += 1
        c["true"] += true
        c["phrase flags"] += phrase
        c["true phrase"] += true and phrase
    for g in gold:
        k = klass(g.spun, g.original, getattr(g, "kind", ""))
        c[k] += 1
        over = [f for f in rep.flags if f.start < g.end and g.start < f.end]
        if over:
            c[k, "found"] += 1
            if any((f.suggestion or "").lower() == (g.original or "").lower() for f in over):
                c[k, "restored"] += 1


def rows(docs: list[dict], seed: int) -> dict[str, Counter]:
    out: dict[str, Counter] = {}
    c: Counter = Counter()
    for r in docs:
        count(Document(r["text"]), [], c)
    out["clean news (unspun BBC)"] = c
    for name, setting in HABITS:
        sp = Spinner(seed=seed, **setting)
        c = Counter()
        for r in docs:
            s = sp.spin(r["text"])
            count(Document(s.text), s.substitutions, c)
        out[name] = c
        print(name, dict(c), flush=True)
    page = realspin.seed_document()
    if page is not None:
        c = Counter()
        count(page, realspin.load_gold(page.text), c)
        out["seed page"] = c
    if realdev.available():
        for p in realdev.load_pairs():
            if p.family == "synonym":
                c = Counter()
                count(Document(p.text), p.swaps, c, p.rewrites)
                out[f"realdev {p.site} (fold {realdev.site_fold(p.site)})"] = c
    return out


def line(name: str, model: str, c: Counter) -> str:
    p = f"{c['true'] / c['flags']:.3f}" if c["flags"] else "—"
    pp = f"{c['true phrase'] / c['phrase flags']:.3f} ({c['phrase flags']})" if c["phrase flags"] else "— (0)"
    false_phrase = 1000 * (c["phrase flags"] - c["true phrase"]) / max(c["words"], 1)
    cells = []
    for k in CLASSES:
        cells.append(f"{c[k, 'found']}/{c[k]} ({c[k, 'restored']})" if c[k] else "—")
    gold = sum(c[k] for k in CLASSES)
    found = sum(c[k, "found"] for k in CLASSES)
    r = f"{found / gold:.3f}" if gold else "—"
    return f"| {name} | {model} | {p} | {r} | {pp} | {false_phrase:.2f} | " + " | ".join(cells) + " |"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=12, help="held-out articles per simulated row")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--held-apart", default="", help="HABIT=MODEL: a phrase model trained without HABIT")
    ap.add_argument("--out", default=str(RESULTS / "phrases.md"), help="the table ('' to only print it)")
    args = ap.parse_args()
    _, test = split_ids(load_bbc())
    docs = test[: args.docs]
    det = get_detector()
    results = {"shipped": rows(docs, args.seed)}
    if args.held_apart:
        habit, path = args.held_apart.split("=", 1)
        shipped = det.phrases.model
        det.phrases.model = LinearModel.from_dict(json.loads(Path(path).read_text()))
        try:
            results[f"trained without {habit}"] = rows(docs, args.seed)
        finally:
            det.phrases.model = shipped
    lines = [
        "# Phrase-level swaps",
        "",
        f"`python -m bench.phrases --docs {args.docs}"
        + (f" --held-apart {args.held_apart.split('=')[0]}=MODEL" if args.held_apart else "")
        + f"`: {len(docs)} held-out BBC dev articles per simulated row (seed {args.seed}); {platform.machine()}, "
        f"Python {platform.python_version()}. Every flag `unspin check` shows at default settings.",
        "P: true flags / flags (all shown flags); R: substitutions found (all classes); phrase flags: precision "
        "(number); false phrase /1k: false phrase flags per 1,000 words. Class cells: found/gold (restored exactly).",
        "",
        "| row | phrase model | P | R | phrase flags P (n) | false phrase /1k | " + " | ".join(CLASSES) + " |",
        "|---|---|---|---|---|---|" + "---|" * len(CLASSES),
    ]
    names = list(results["shipped"])
    for name in names:
        for model, res in results.items():
            if name in res:
                lines.append(line(name, model, res[name]))
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()

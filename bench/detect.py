"""Detection benchmark: per-substituted-word precision, recall and restoration.

Held-out BBC development articles (``spinner.split_ids`` test part; never used
by ``train_detect.py``) are spun by the simulator under several habits and
rates. unspin (the flags of `unspin.api.check`, which adds the flags of
``DetectorOptions.spun_document_threshold`` in documents judged spun) and a
plain baseline run side by side on the same texts:

* baseline: flag every content word whose trigram log10 probability in
  context is below ``--baseline-threshold`` (the LM-surprise detector), with
  the best inverse-Moby candidate by local LM score as its suggestion.

Clean rows run both on the unspun articles (false flags per 1,000 words).

The last row is not the simulator: the real spinner's output in
../shared/seed/spun_article.txt against the hand annotation in
``devkit/data/seed_gold.tsv`` (see ``devkit/realspin.py``; skipped without ../shared).

    python -m bench.detect [--docs 120]     # writes bench/results/detect.md
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path


from devkit import realspin
from devkit.evalkit import Counts, score_flags
from devkit.spinner import Spinner, SpunText, load_bbc, split_ids
from unspin.api import check
from unspin.detect import Detector
from unspin.model import Document
from unspin.text import TokenKind, tokenize

RESULTS = Path(__file__).resolve().parent / "results" / "detect.md"
SETTINGS = [
    ("uniform 15%", dict(rate=0.15, pick="uniform")),
    ("uniform 30%", dict(rate=0.30, pick="uniform")),
    ("uniform 50%", dict(rate=0.50, pick="uniform")),
    ("common+phrases 30%", dict(rate=0.30, pick="common", phrases=True)),
    ("front-of-list 30%", dict(rate=0.30, pick="front")),
    # fluent near-synonyms, the same one for every occurrence: the habit of the real spinner below
    ("close synonyms 30%", dict(rate=0.30, pick="close")),
    # a thesaurus the detector does not invert (Debian wordnet-base; the row is skipped without it)
    ("WordNet synonyms 30%", dict(rate=0.30, pick="uniform", source="wordnet")),
]


def baseline_flags(det: Detector, text: str, threshold: float) -> list[tuple[int, int, str | None]]:
    """LM-surprise baseline: low-probability content words, best local candidate as suggestion."""
    out = []
    tokens = tokenize(text)
    from unspin.text import split_sentences

    for sent in split_sentences(text, tokens):
        slots = det._slots(tokens[sent.first_token : sent.last_token])
        for i, s in enumerate(slots):
            if not s.candidate_slot:
                continue
            p2 = slots[i - 2].word if i >= 2 else None
            lp = det._cond(s.word, p2, slots[i - 1].word)
            if lp < threshold:
                out.append((s.token.start, s.token.end, s.choices[1] if len(s.choices) > 1 else None))
    return out


def word_count(text: str) -> int:
    return sum(1 for t in tokenize(text) if t.kind is TokenKind.WORD)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=120, help="held-out articles per setting")
    ap.add_argument("--baseline-threshold", type=float, default=-4.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--only", default="", help="comma-separated substrings of the settings to run (development)")
    args = ap.parse_args()

    _train, test = split_ids(load_bbc())
    test = test[: args.docs]
    t0 = time.time()
    det = Detector()
    det.detect(Document("Warm up the caches."))
    load_s = time.time() - t0
    rows = []
    det_time = det_words = 0.0
    settings = [("clean (unspun)", None)] + SETTINGS
    if args.only:
        settings = [s for s in settings if any(k in s[0] for k in args.only.split(","))]
    for name, setting in settings:
        ours, base = Counts(), Counts()
        try:
            spinner = Spinner(seed=args.seed, **setting) if setting else None
        except FileNotFoundError as exc:
            print(f"{name}: skipped ({exc})", flush=True)
            continue
        for r in test:
            spun = spinner.spin(r["text"]) if spinner else SpunText(r["text"], r["text"], (), 0, 0)
            n = word_count(spun.text)
            t = time.process_time()  # CPU time: steadier than wall time on a shared machine
            flags = check(Document(spun.text), detector=det).flags
            det_time += time.process_time() - t
            det_words += n
            ours.add(score_flags([(f.start, f.end, f.suggestion) for f in flags], spun, n))
            base.add(score_flags(baseline_flags(det, spun.text, args.baseline_threshold), spun, n))
        rows.append((name, ours, base))
        print(f"{name:22s} P={ours.precision:.3f} R={ours.recall:.3f} restore={ours.restoration:.3f} "
              f"false/1k={ours.false_per_1000:.1f} | baseline P={base.precision:.3f} R={base.recall:.3f} "
              f"false/1k={base.false_per_1000:.1f}", flush=True)
    real = None
    seed = realspin.seed_document() if not args.only or "real" in args.only else None
    if seed is not None:
        gold = realspin.load_gold(seed.text)
        flags = check(seed, detector=det).flags
        real = (realspin.score([(f.start, f.end, f.suggestion) for f in flags], gold),
                realspin.score(baseline_flags(det, seed.text, args.baseline_threshold), gold), len(gold))
        print(f"real spinner: P={real[0].precision:.3f} R={real[0].recall:.3f} restore={real[0].restoration:.3f}", flush=True)
    wps = det_words / det_time
    lines = [
        "# Detection benchmark",
        "",
        f"`python -m bench.detect --docs {args.docs}` on {len(test)} held-out BBC dev articles per row "
        f"(seed {args.seed}); {platform.processor() or platform.machine()}, Python {platform.python_version()}.",
        "Per substituted word: precision = flags overlapping a substitution / flags; recall = substitutions "
        "overlapped by a flag / substitutions; restore = suggestion equals the true original, among found substitutions.",
        f"Baseline: LM-surprise flagging (trigram log10 P < {args.baseline_threshold}) with the best local inverse-Moby candidate.",
        "",
        "| setting | unspin P | unspin R | unspin restore | unspin false flags /1k words | baseline P | baseline R | baseline restore | baseline false /1k | F1 ratio unspin/baseline |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, o, b in rows:
        ratio = f"{o.f1 / b.f1:.2f}" if b.f1 and o.gold else "—"
        if not o.gold:
            lines.append(f"| {name} | — | — | — | {o.false_per_1000:.2f} | — | — | — | {b.false_per_1000:.2f} | — |")
        else:
            lines.append(f"| {name} | {o.precision:.3f} | {o.recall:.3f} | {o.restoration:.3f} | {o.false_per_1000:.2f} | "
                         f"{b.precision:.3f} | {b.recall:.3f} | {b.restoration:.3f} | {b.false_per_1000:.2f} | {ratio} |")
    if real is not None:
        o, b, n = real
        ratio = f"{o.f1 / b.f1:.2f}" if b.f1 else "—"
        lines.append(f"| real spinner, seed article ({n} hand-annotated substitutions) | {o.precision:.3f} | {o.recall:.3f} | "
                     f"{o.restoration:.3f} | — | {b.precision:.3f} | {b.recall:.3f} | {b.restoration:.3f} | — | {ratio} |")
    lines += ["", f"Throughput after loading: {wps:,.0f} words per CPU-second on one core (`check`: detector and document score, all rows, "
              f"process CPU time; the caches warm up over the run). Load + warm-up: {load_s:.2f} s wall.", ""]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text)


if __name__ == "__main__":
    main()

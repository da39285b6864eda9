"""Detection benchmark: word-level precision, recall and restoration, unspin beside a naive decoder.

Every row runs unspin (the flags `unspin.api.check` shows at default settings, including the
low-confidence flags it adds in documents it judges spun: every flag shown counts) and the naive
decoder of `devkit.naive` (inverse-Moby candidates, flag when the best beats the observed word by a
trigram margin) on the same texts:

* **realistic simulated spins** of held-out BBC development articles (``spinner.split_ids`` test
  part, never used in training): the ``spinbot`` habit at 15 % and 30 % of the content words and
  the ``spinnerchief`` habit at 8 % of all words (`devkit.spinner.HABITS`), and held-apart variants
  that no model is trained on (another thesaurus, other pick weights);
* the **older uniform habits** (``--rows all``), kept so that changes show where they cost;
* **clean text** (false flags per 1,000 words): the unspun articles, State of the Union passages
  from the test half of the addresses (`devkit.sotu`), and the genuine pages of
  ../shared/data/realdev (hard negatives: regional and old-fashioned English, translated prose);
* **real spinners**: the seed page (``devkit/realspin.py``, 143 hand-annotated substitutions) and
  the realdev pairs, gold swaps from aligning each spun page with its source (`devkit.realdev`;
  flags on rewritten runs are neither true nor false and are counted apart), reported for the
  synonym spinners and the fluent paraphrasers separately; and the realdev spun pages without a
  source, judged inside their annotated evidence fragments only (`devkit.realdev.load_evidence`:
  twelve more sites; the fragments were picked because they show swaps, so precision there reads
  high against the whole page's). The synonym-spinner pages are pooled in one row (the seed page, the
  pairs, the evidence fragments: the real-page figure to compare models by, since one page alone
  swings with the training draw) and split by site fold (`devkit.realdev.site_fold`), for a model
  trained on one fold's pages.

Precision = true flags / flags; recall = gold substitutions overlapped by a flag; restore = the
suggestion equals the original, among found substitutions. ``--json`` keeps the counts so a later
run can be set beside this one (``--before FILE``).

    python -m bench.detect [--docs 40] [--rows realistic|all] [--before bench/results/detect_before.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

from devkit import realdev, realspin
from devkit.evalkit import Counts, score_flags
from devkit.naive import NaiveDecoder
from devkit.spinner import GENRE_HELP, GENRES, TEST_ORDER_HELP, Spinner, SpunText, held_out_articles
from unspin.api import check, get_detector
from unspin.model import Document
from unspin.text import TokenKind, tokenize

RESULTS = Path(__file__).resolve().parent / "results"
#: (row, spinner setting, group); realistic rows first
SIMULATED = [
    ("spinbot 15% of content words", dict(rate=0.15, habit="spinbot"), "realistic"),
    ("spinbot 30% of content words", dict(rate=0.30, habit="spinbot"), "realistic"),
    ("spinnerchief 8% of words", dict(rate=0.08, habit="spinnerchief"), "realistic"),
    ("held apart: spinbot picks from WordNet 30%", dict(rate=0.30, habit="spinbot-wordnet"), "realistic"),
    ("held apart: spinbot, frequent picks 30%", dict(rate=0.30, habit="spinbot-frequent"), "realistic"),
    ("held apart: spinbot, loose (inconsistent, 15% wrong POS) 30%", dict(rate=0.30, habit="spinbot-loose"), "realistic"),
    ("uniform 15%", dict(rate=0.15, pick="uniform"), "old"),
    ("uniform 30%", dict(rate=0.30, pick="uniform"), "old"),
    ("common+phrases 30%", dict(rate=0.30, pick="common", phrases=True), "old"),
    ("close synonyms 30%", dict(rate=0.30, pick="close"), "old"),
    ("WordNet synonyms 30%", dict(rate=0.30, pick="uniform", source="wordnet"), "old"),
]


def word_count(text: str) -> int:
    return sum(1 for t in tokenize(text) if t.kind is TokenKind.WORD)


DETECTOR = None
#: lexicons every check uses (``--lexicon``)
LEXICONS: list = []


_SEEN: dict[str, list[tuple[int, int, str | None]]] = {}


def unspin_flags(text: str | Document) -> list[tuple[int, int, str | None]]:
    """The flags `check` shows (remembered per text, so a breakdown by site checks nothing twice)."""
    if isinstance(text, str) and text in _SEEN:
        return _SEEN[text]
    doc = text if isinstance(text, Document) else Document(text)
    out = [(f.start, f.end, f.suggestion) for f in check(doc, detector=DETECTOR or get_detector(), lexicons=LEXICONS).flags]
    if isinstance(text, str):
        _SEEN[text] = out
    return out


def fmt(c: Counts, clean: bool) -> str:
    if clean:
        return f"— | — | — | — | {c.false_per_1000:.2f}"
    return f"{c.precision:.3f} | {c.recall:.3f} | {c.restoration:.3f} | {c.f1:.3f} | {c.false_per_1000:.2f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=40, help="held-out articles per simulated row")
    ap.add_argument("--sotu", type=int, default=20, help="State of the Union passages (test half) as clean prose")
    ap.add_argument("--rows", choices=["realistic", "all"], default="all")
    ap.add_argument("--only", default="", help="comma-separated substrings of the rows to run (development)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--order", choices=["mixed", "file"], default="mixed", help=TEST_ORDER_HELP)
    ap.add_argument("--genre", choices=GENRES, default=None, help=GENRE_HELP)
    ap.add_argument("--label", default="", help="name of this run in the table title (e.g. the model)")
    ap.add_argument("--json", default=str(RESULTS / "detect.json"), help="where to keep the counts ('' for nowhere)")
    ap.add_argument("--before", default="", help="a --json file of an earlier run, shown beside this one")
    ap.add_argument("--out", default=str(RESULTS / "detect.md"), help="the table ('' to only print it)")
    ap.add_argument("--model-dir", default="", help="a model set trained into a folder (train_detect --out-dir ...): its "
                                                      "word, restoration, display, phrase and document models, where it has them")
    ap.add_argument("--lexicon", action="append", default=[], help="check with this spinner lexicon too (repeatable; "
                                                                     "as unspin check --lexicon)")
    args = ap.parse_args()
    global DETECTOR
    if args.model_dir:
        from training.train_docscore import use_models

        DETECTOR = use_models(args.model_dir)  # its word, restoration, display and document models, where it has them
    if args.lexicon:
        from unspin.learn.lexicon import read_lexicon

        LEXICONS[:] = [read_lexicon(p) for p in args.lexicon]

    def wanted(name: str) -> bool:
        return not args.only or any(k in name for k in args.only.split(","))

    test = held_out_articles(args.order, args.genre or "")[: args.docs]
    genre_of = [str(r.get("category", "")) for r in test]
    t0 = time.time()
    (DETECTOR or get_detector()).detect(Document("Warm up the caches."))
    naive = NaiveDecoder()
    load_s = time.time() - t0
    rows: list[tuple[str, str, Counts, Counts, float]] = []  # name, group, unspin, naive, share of words swapped
    cpu = words_checked = 0.0

    by_genre: dict[str, dict[str, Counts]] = {}  # row -> genre -> unspin's counts

    def run_texts(name: str, group: str, items, genres: list[str] | None = None) -> None:
        """``items``: (text or Document, gold SpunText or None); ``genres``: each item's topic, for the
        breakdown by genre."""
        nonlocal cpu, words_checked
        ours, base = Counts(), Counts()
        swapped = 0
        for k, (doc, spun) in enumerate(items):
            text = doc.text if isinstance(doc, Document) else doc
            n = word_count(text)
            t = time.process_time()
            fl = unspin_flags(doc)
            cpu += time.process_time() - t
            words_checked += n
            gold = spun or SpunText(text, text, (), 0, 0)
            swapped += sum(word_count(s.spun) for s in gold.substitutions)
            c = score_flags(fl, gold, n)
            ours.add(c)
            if genres is not None:
                by_genre.setdefault(name, {}).setdefault(genres[k], Counts()).add(c)
            base.add(score_flags(naive.flags(text), gold, n))
        rows.append((name, group, ours, base, swapped / max(ours.words, 1)))
        print(f"{name:58s} {fmt(ours, not ours.gold)} || naive {fmt(base, not base.gold)}", flush=True)

    # clean text
    if wanted("clean news"):
        run_texts("clean news (unspun BBC)", "clean", [(r["text"], None) for r in test], genre_of)
    if wanted("State of the Union"):
        try:
            from devkit.sotu import sotu_passages

            run_texts("State of the Union passages", "clean", [(p, None) for p in sotu_passages(args.sotu, part="test")])
        except Exception as exc:  # npm missing or offline
            print(f"State of the Union: skipped ({exc})")
    site_notes: list[str] = []
    if realdev.available() and wanted("realdev genuine"):
        genuine = [p for p in realdev.load_pages() if p.label == 0]
        run_texts("realdev genuine pages (hard negatives)", "clean", [(p.text, None) for p in genuine])
        per_site: dict[str, Counts] = {}
        for p in genuine:  # again, by site (`unspin_flags` remembers each page's flags)
            c = per_site.setdefault(p.site, Counts())
            c.add(score_flags(unspin_flags(p.text), SpunText(p.text, p.text, (), 0, 0), word_count(p.text)))
        site_notes.append("realdev genuine pages by site, unspin false flags /1k: " + ", ".join(
            f"{site} {c.false_per_1000:.2f} ({c.flags} of {c.words} words)" for site, c in sorted(per_site.items())))
    # simulated spins
    for name, setting, group in SIMULATED:
        if (args.rows == "realistic" and group != "realistic") or not wanted(name):
            continue
        try:
            sp = Spinner(seed=args.seed, **setting)
        except FileNotFoundError as exc:
            print(f"{name}: skipped ({exc})")
            continue
        items = []
        for r in test:
            spun = sp.spin(r["text"])
            items.append((spun.text, spun))
        run_texts(name, group, items, genre_of)
    # real spinners
    real: list[tuple[str, Counts, Counts, str]] = []
    seed = realspin.seed_document() if wanted("seed") else None
    if seed is not None:
        gold = realspin.load_gold(seed.text)
        o = realspin.score(unspin_flags(seed), gold)
        b = realspin.score(naive.flags(seed.text), gold)
        real.append((f"seed page ({len(gold)} hand-annotated substitutions)", o, b, ""))
        print(f"seed page: {fmt(o, False)} || naive {fmt(b, False)}", flush=True)
    #: (family, site fold) -> unspin's and the naive decoder's counts over the pairs and the evidence fragments
    by_fold: dict[tuple[str, int], tuple[realdev.PairCounts, realdev.PairCounts]] = {}

    def run_pairs(kind: str, pairs: list, what: str, neutral: str) -> None:
        """Word-level rows of real spun pages with gold swaps (`devkit.realdev.Pair`), one per spinner family."""
        for fam in ("synonym", "paraphrase"):
            o, b = realdev.PairCounts(), realdev.PairCounts()
            sel = [p for p in pairs if p.family == fam]
            by_site: dict[str, realdev.PairCounts] = {}
            for p in sel:
                c = realdev.score_pair(unspin_flags(p.text), p)
                o.add(c)
                by_site.setdefault(p.site, realdev.PairCounts()).add(c)
                cb = realdev.score_pair(naive.flags(p.text), p)
                b.add(cb)
                fo, fb = by_fold.setdefault((fam, realdev.site_fold(p.site)), (realdev.PairCounts(), realdev.PairCounts()))
                fo.add(c)
                fb.add(cb)
            site_notes.append(f"realdev {fam} {kind} by site, unspin P / R (flags): " + ", ".join(
                f"{site} {c.precision:.2f} / {c.recall:.2f} ({c.flags})" for site, c in sorted(by_site.items())))
            rw = sum(p.rewritten_words for p in sel)
            note = (f"{len(sel)} {what}, {o.gold} gold swaps, {rw} rewritten words; {neutral} (neither true nor "
                    f"false): unspin {o.neutral}, naive {b.neutral}")
            real.append((f"realdev {kind}, {fam} spinners", o, b, note))
            print(f"realdev {kind} {fam}: {fmt(o, False)} || naive {fmt(b, False)}  ({note})", flush=True)

    if realdev.available() and wanted("realdev pairs"):
        run_pairs("pairs", realdev.load_pairs(), "pairs", "flags on rewrites")
    if realdev.available() and wanted("realdev evidence"):
        # the spun pages without a source, judged inside their annotated fragments only (words: theirs)
        run_pairs("evidence fragments", realdev.load_evidence(), "pages (their evidence fragments)",
                  "flags on rewrites or outside the fragments")
    # every real synonym-spinner page together: the figure to compare models by (one page alone swings with the
    # training draw between shown and not shown, docs/real-spinners.md)
    parts = [(o, b) for name, o, b, _n in real if name.startswith("seed page") or name.endswith(", synonym spinners")]
    if len(parts) > 1:
        o, b = Counts(), Counts()
        for po, pb in parts:
            o.add(po)
            b.add(pb)
        o.words = b.words = 0  # the seed page has no word total: no rate of false flags
        real.append(("real synonym spinners pooled: the seed page, the pairs and the evidence fragments", o, b,
                     "pooled: restore is over all swaps found (the seed page's own row counts its sure swaps only)"))
    # by site fold (`devkit.realdev.site_fold`): a model trained on one fold's pages is judged on the other's
    for (fam, fold), (o, b) in sorted(by_fold.items()):
        real.append((f"realdev {fam} spinners, site fold {fold}: pairs and evidence fragments", o, b, ""))

    before = json.loads(Path(args.before).read_text()) if args.before else {}
    title = f" ({args.label})" if args.label else ""
    lines = [
        f"# Detection benchmark{title}",
        "",
        f"`python -m bench.detect --docs {args.docs} --sotu {args.sotu} --rows {args.rows} --order {args.order}"
        + (f" --genre {args.genre}" if args.genre else "") + "`: "
        f"{len(test)} held-out BBC dev articles per simulated row (seed {args.seed}; "
        + (f"round-robin over the topics: {', '.join(f'{g} {genre_of.count(g)}' for g in GENRES if g in genre_of)}"
           if args.order == "mixed" else f"the first in file order: {', '.join(sorted(set(genre_of)))}")
        + f"); {platform.machine()}, Python {platform.python_version()}.",
        "unspin: every flag `unspin check` shows at default settings. naive: inverse-Moby candidates + trigram "
        "margin (`devkit/naive.py`). P = true flags / flags; R = substitutions found; restore = exact original "
        "among found; false /1k = false flags per 1,000 words.",
        "",
        "| row | words swapped | unspin P | R | restore | F1 | false /1k | naive P | R | restore | F1 | false /1k |"
        + (" unspin P before | restore before | F1 before |" if before else ""),
        "|---|---|---|---|---|---|---|---|---|---|---|---|" + ("---|---|---|" if before else ""),
    ]
    dump = {}
    for name, _group, o, b, share in rows:
        clean = not o.gold
        dump[name] = {"unspin": o.__dict__, "naive": b.__dict__}
        prev = before.get(name, {}).get("unspin")
        extra = ""
        if before:
            pc = Counts(**prev) if prev else None
            extra = ((f" — | — | {pc.false_per_1000:.2f} /1k |" if clean else
                      f" {pc.precision:.3f} | {pc.restoration:.3f} | {pc.f1:.3f} |") if pc else " — | — | — |")
        lines.append(f"| {name} | {'—' if clean else f'{share:.1%}'} | {fmt(o, clean)} | {fmt(b, clean)} |{extra}")
    for name, o, b, _note in real:
        dump[name] = {"unspin": o.__dict__, "naive": b.__dict__}
        prev = before.get(name, {}).get("unspin")
        extra = ""
        if before:
            pc = type(o)(**prev) if prev else None
            extra = f" {pc.precision:.3f} | {pc.restoration:.3f} | {pc.f1:.3f} |" if pc else " — | — | — |"
        row = f"| {name} | — | {fmt(o, False)} | {fmt(b, False)} |{extra}"
        if not o.words:  # the seed page's counts have no word total
            row = row.replace(f" {o.false_per_1000:.2f} |", " — |")
        lines.append(row)
    lines += [""] + [f"- {name}: {note}" for name, _o, _b, note in real if note] + [f"- {n}" for n in site_notes]
    if by_genre:
        present = [g for g in GENRES if g in genre_of]
        lines += ["", "By genre (the BBC topic of the article; unspin only: P / R / false flags per 1,000 words, false "
                  "flags alone on clean text). Which topics the models were trained on: docs/real-spinners.md, \"Genres\" "
                  "(every topic since 2026-12-03; before, the word model on business and entertainment only).", "",
                  "| row | " + " | ".join(present) + " |", "|---|" + "---|" * len(present)]
        for name, per in by_genre.items():
            cells = []
            for g in present:
                gc = per.get(g)
                cells.append("—" if gc is None else f"{gc.false_per_1000:.2f}" if not gc.gold
                             else f"{gc.precision:.3f} / {gc.recall:.3f} / {gc.false_per_1000:.1f}")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        dump["by genre"] = {name: {g: gc.__dict__ for g, gc in per.items()} for name, per in by_genre.items()}
    lines += ["", f"unspin throughput: {words_checked / max(cpu, 1e-9):,.0f} words per CPU-second (`check`, process CPU "
                  f"time). Load + warm-up: {load_s:.1f} s.", ""]
    text = "\n".join(lines)
    print(text)
    if args.json:
        Path(args.json).write_text(json.dumps(dump, indent=1) + "\n")
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()

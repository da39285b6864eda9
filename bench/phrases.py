"""Phrase-level swaps: how many there are, how many `unspin check` finds, and a held-apart phrase model.

For each row every gold substitution is put in one class by its two sides: *word -> word*, *word ->
phrase* (a multi-word synonym for one word: "director" -> "managing director", "recently" -> "as of
late"), *phrase -> any* (a multi-word original: "passed away" -> "died", "prime minister" -> "state
leader") and *insertion* (spun-only wording, or the original kept and wording added after it: "then"
-> "then, at that point"). A class is found when a shown flag overlaps the substitution, restored
when a flag suggests exactly the original. The *tells* column counts, across classes, the multi-word
connective tells of the simulator's table (``devkit.spinner.TELLS``, read here for counting only;
detection never reads it) and, on the seed page, its four multi-word tells. Beside the classes:
precision of every shown flag and of the phrase flags (those with ``evidence.phrase``), and false
phrase flags per 1,000 words of clean text (BBC, State of the Union passages, realdev genuine pages).

The row *held apart: doubled synonyms* is a check of the insertion pass on wording no spinner of ours
writes: after some content words that head a Moby list, one of the list's multi-word entries is
added between commas ("rose" -> "rose, went up,"), a few per article.

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
import random
import re
from collections import Counter
from pathlib import Path

from devkit import realdev, realspin
from devkit.spinner import TELLS, TEST_ORDER_HELP, Spinner, Substitution, held_out_articles
from unspin.api import check, get_detector
from unspin.detect.calibration import LinearModel
from unspin.model import Document

RESULTS = Path(__file__).resolve().parent / "results"
HABITS = [("spinbot 30% of content words", dict(rate=0.30, habit="spinbot")),
          ("spinnerchief 8% of words", dict(rate=0.08, habit="spinnerchief")),
          ("held apart: spinbot picks from WordNet 30%", dict(rate=0.30, habit="spinbot-wordnet"))]
CLASSES = ("word -> word", "word -> phrase", "phrase -> any", "insertion")
#: multi-word connective tells, ``(original, spun)``: the simulator's (counting only) and the seed page's
MULTI_WORD_TELLS = frozenset({(o, s.rstrip(",")) for o, ss in TELLS.items() for s in ss if " " in s}
                             | {("-", "at that point"), ("recently", "as of late"), ("fundamentally", "on a very basic level"),
                                ("for its part", "as far as concerns")})


def klass(spun: str, original: str, kind: str = "") -> str:
    spun, original = spun.strip(), (original or "").strip()
    if kind in ("spun-only", "insert") or original in ("", "-") or spun.lower().startswith(original.lower() + ","):
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
        tell = (g.original.lower(), g.spun.lower()) in MULTI_WORD_TELLS
        over = [f for f in rep.flags if f.start < g.end and g.start < f.end]
        restored = any((f.suggestion or "").lower() == (g.original or "").lower() for f in over)
        for key in (k, "tells") if tell else (k,):
            c[key] += 1
            c[key, "found"] += bool(over)
            c[key, "restored"] += restored


def doubled_synonyms(text: str, rng: random.Random, per_doc: int = 4) -> tuple[str, list[Substitution]]:
    """``text`` with a Moby multi-word synonym added after a few content words, between commas
    ("rose" -> "rose, went up,"), and the gold substitutions (spun "rose, went up", original "rose")."""
    th = get_detector().th
    spots = []
    for m in re.finditer(r"(?<=[a-z] )([a-z]+)(?= [a-z])", text):
        w = m.group(1)
        opts = [p for p in th.synonyms(w) if 2 <= len(p.split(" ")) <= 4 and p.replace(" ", "").isalpha()]
        if len(w) > 3 and opts:
            spots.append((m.start(), m.end(), w, opts))
    chosen = sorted(rng.sample(spots, min(per_doc, len(spots))))
    out, subs, pos = [], [], 0
    for _a, b, w, opts in chosen:
        out.append(text[pos:b])
        start = sum(map(len, out)) - len(w)
        phrase = rng.choice(opts)
        out.append(f", {phrase},")
        subs.append(Substitution(start, start + len(w) + 2 + len(phrase), f"{w}, {phrase}", w))
        pos = b
    out.append(text[pos:])
    return "".join(out), subs


def rows(docs: list[dict], seed: int, sotu: int = 12) -> dict[str, Counter]:
    out: dict[str, Counter] = {}
    c: Counter = Counter()
    for r in docs:
        count(Document(r["text"]), [], c)
    out["clean news (unspun BBC)"] = c
    if sotu:
        from devkit.sotu import sotu_passages

        c = Counter()
        for text in sotu_passages(sotu, part="test"):
            count(Document(text), [], c)
        out["State of the Union passages"] = c
    if realdev.available():
        c = Counter()
        for page in realdev.load_pages():
            if page.label == 0:
                count(Document(page.text), [], c)
        out["realdev genuine pages (hard negatives)"] = c
    for name, setting in HABITS:
        sp = Spinner(seed=seed, **setting)
        c = Counter()
        for r in docs:
            s = sp.spin(r["text"])
            count(Document(s.text), s.substitutions, c)
        out[name] = c
        print(name, dict(c), flush=True)
    rng, c = random.Random(seed), Counter()
    for r in docs:
        text, subs = doubled_synonyms(r["text"], rng)
        count(Document(text), subs, c)
    out["held apart: doubled synonyms (word, thesaurus phrase,)"] = c
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


def tell_table(docs: list[dict], seed: int) -> list[str]:
    """The multi-word tells alone, over many held-out articles: the phrase pass by itself (no word
    decoder, so it is cheap), a tell found when a phrase match at the detector's flag threshold
    (`DetectorOptions.phrase_flag_at`: ``settings.PHRASE_FLAG_AT``, an insertion ``settings.INSERTION_FLAG_AT``)
    overlaps it; and the
    insertion matches on the same articles unspun."""
    from unspin.detect.prepared import prepare

    det = get_detector()

    def shown(m) -> bool:
        return m.confidence >= det.options.phrase_flag_at(m.kind)

    c: Counter = Counter()
    for r in docs:
        words = len(r["text"].split())
        c["clean words"] += words
        c["clean inserted"] += sum(m.kind == "inserted" and shown(m) for m in det.phrase_matches(prepare(Document(r["text"]))))
    out = [f"Multi-word tells alone, `--tells {len(docs)}`: the phrase pass by itself on {len(docs)} held-out articles "
           f"(seed {seed}); a tell is found when a phrase match at confidence >= {det.options.phrase_threshold:g} (an "
           f"insertion >= {det.options.insertion_threshold:g}) overlaps it. On the "
           f"same articles unspun ({c['clean words']:,} words): {c['clean inserted']} insertion matches at that confidence.",
           "", "| habit | tell (original -> spun) | gold | found | restored |", "|---|---|---|---|---|"]
    for habit, rate in (("spinbot", 0.30), ("spinnerchief", 0.08)):
        sp = Spinner(seed=seed, rate=rate, habit=habit)
        gold: Counter = Counter()
        found: Counter = Counter()
        restored: Counter = Counter()
        for r in docs:
            s = sp.spin(r["text"])
            ms = [m for m in det.phrase_matches(prepare(Document(s.text))) if shown(m)]
            for g in s.substitutions:
                key = (g.original.lower(), g.spun.lower())
                if key not in MULTI_WORD_TELLS:
                    continue
                over = [m for m in ms if m.start < g.end and g.start < m.end]
                gold[key] += 1
                found[key] += bool(over)
                restored[key] += any((m.suggestion or "").lower() == key[0] for m in over)
        for key in sorted(gold):
            out.append(f"| {habit} | {key[0]} -> {key[1]} | {gold[key]} | {found[key]} | {restored[key]} |")
        out.append(f"| {habit} | all multi-word tells | {gold.total()} | {found.total()} | {restored.total()} |")
    return out


def line(name: str, model: str, c: Counter) -> str:
    p = f"{c['true'] / c['flags']:.3f}" if c["flags"] else "—"
    pp = f"{c['true phrase'] / c['phrase flags']:.3f} ({c['phrase flags']})" if c["phrase flags"] else "— (0)"
    false_phrase = 1000 * (c["phrase flags"] - c["true phrase"]) / max(c["words"], 1)
    cells = []
    for k in (*CLASSES, "tells"):
        cells.append(f"{c[k, 'found']}/{c[k]} ({c[k, 'restored']})" if c[k] else "—")
    gold = sum(c[k] for k in CLASSES)
    found = sum(c[k, "found"] for k in CLASSES)
    r = f"{found / gold:.3f}" if gold else "—"
    return f"| {name} | {model} | {p} | {r} | {pp} | {false_phrase:.2f} | " + " | ".join(cells) + " |"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=12, help="held-out articles per simulated row")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--order", choices=["mixed", "file"], default="mixed", help=TEST_ORDER_HELP)
    ap.add_argument("--sotu", type=int, default=12, help="State of the Union passages (clean rows; 0: none)")
    ap.add_argument("--held-apart", default="", help="HABIT=MODEL: a phrase model trained without HABIT")
    ap.add_argument("--without-insertions", action="store_true",
                    help="also run every row with the insertion pass off (the phrase pass as before it)")
    ap.add_argument("--tells", type=int, default=0,
                    help="also the multi-word tells alone, by the phrase pass on this many held-out articles (0: not)")
    ap.add_argument("--out", default=str(RESULTS / "phrases.md"), help="the table ('' to only print it)")
    args = ap.parse_args()
    test = held_out_articles(args.order)
    docs = test[: args.docs]
    det = get_detector()
    results = {"shipped": rows(docs, args.seed, args.sotu)}
    if args.held_apart:
        habit, path = args.held_apart.split("=", 1)
        shipped = det.phrases.model
        det.phrases.model = LinearModel.from_dict(json.loads(Path(path).read_text()))
        try:
            results[f"trained without {habit}"] = rows(docs, args.seed, args.sotu)
        finally:
            det.phrases.model = shipped
    if args.without_insertions:
        det.phrases.insertions = False
        try:
            results["shipped, no insertion pass"] = rows(docs, args.seed, args.sotu)
        finally:
            det.phrases.insertions = True
    lines = [
        "# Phrase-level swaps",
        "",
        f"`python -m bench.phrases --docs {args.docs} --order {args.order} --sotu {args.sotu}"
        + (f" --held-apart {args.held_apart.split('=')[0]}=MODEL" if args.held_apart else "")
        + (" --without-insertions" if args.without_insertions else "")
        + (f" --tells {args.tells}" if args.tells else "")
        + f"`: {len(docs)} held-out BBC dev articles per simulated row (seed {args.seed}); {platform.machine()}, "
        f"Python {platform.python_version()}. Every flag `unspin check` shows at default settings.",
        "P: true flags / flags (all shown flags); R: substitutions found (all classes); phrase flags: precision "
        "(number); false phrase /1k: false phrase flags per 1,000 words. Class cells: found/gold (restored exactly).",
        "",
        "| row | phrase model | P | R | phrase flags P (n) | false phrase /1k | " + " | ".join(CLASSES) + " | tells |",
        "|---|---|---|---|---|---|" + "---|" * (len(CLASSES) + 1),
    ]
    names = list(results["shipped"])
    for name in names:
        for model, res in results.items():
            if name in res:
                lines.append(line(name, model, res[name]))
    if args.tells:
        lines += ["", *tell_table(test[: args.tells], args.seed)]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()

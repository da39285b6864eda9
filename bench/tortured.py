"""Tortured phrases caught without a catalogue (issue 13's row), and what it costs on clean prose.

**Evaluation list** (benchmark only: never shipped, never trained on, never copied into the
repository): the Problematic Paper Screener's tortured phrases with their expected wording
(Cabanac, Labbé & Magazinov, CC BY 4.0), as exported in the public repository
``giladfeldman/torturedcheck`` (``src/data/tortured-phrases.json``). ``--list`` takes that JSON
file, or the repository's git directory (read with ``git show HEAD:src/data/tortured-phrases.json``).
Kept: entries whose expected wording is 2-4 plain words (parenthesised abbreviations dropped,
entries with ``?``, ``/``, brackets or quotes skipped) and whose tortured phrase is 1-6 plain
words different from it. The list is cut in two halves by a hash of the tortured phrase:
``tune`` (thresholds are chosen there) and ``test`` (reported).

Each phrase is put, as written in the list, into one of a few neutral sentences (chosen by hash)
and checked. Recall: **right term** = a flag overlapping the phrase reads it as the expected wording
(its term, or its suggestion for other kinds; compared without case, hyphens or a plural -s);
**flagged** = any flag overlaps it.

* ``tortured`` rows: the tortured-phrase flagger alone (`unspin.detect.tortured`), every phrase;
* ``unspin check`` rows: the whole default check (all flag kinds), on ``--check`` phrases of the half;
* ``naive decoder`` (`devkit.naive`): any naive word flag inside the phrase, same phrases.

**Clean prose**: tortured-phrase flags per 1,000 words on the BBC articles of the held-out split
(`devkit.spinner.split_ids`, test part; ``--bbc`` articles) and on State of the Union passages
(`devkit.sotu`, test half; ``--sotu`` passages of 500 words); the target is < 1 per 1,000 words.
CPU per document: the flagger alone on the BBC articles (mean CPU ms per article and per 1,000 words).

**Precision of the shown flags**: of all the flags shown in the phrases' sentences, the share that
restore the phrase: a tortured flag whose term is the expected wording; for the whole check and the
naive decoder also a flag on words of the phrase whose suggestion is words of the expected wording
("profound" -> "deep" in "profound learning"). On clean prose every flag is false.

``--fit`` fits the acceptance model (`unspin.settings.TorturedSettings`: a logistic regression over
`unspin.detect.tortured.FEATURES`) on the tune half, the BBC *training* split and the State of the
Union *train* half, grids its threshold keeping false flags under ``--max-fp`` per 1,000 words on
both, and prints the best settings. ``--half tune`` measures the tune half only (while developing;
the test half is reported once).

    python -m bench.tortured --list /work/.mirror/giladfeldman+torturedcheck/repo [--check 300] [--bbc 200] [--sotu 60] [--half tune] [--fit]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import time
import zlib
from dataclasses import replace
from pathlib import Path

from unspin.text import split_sentences, tokenize

TEMPLATES = (
    "In this study, the {p} was examined in detail.",
    "Recent work has paid close attention to {p} and its applications.",
    "The results show that {p} plays an important role in the proposed approach.",
    "We describe how {p} is used in the experiments below.",
    "Several authors have reported on {p} over the past decade.",
)
_PLAIN = re.compile(r"^[a-z][a-z' -]*[a-z]$")
RESULTS = Path(__file__).resolve().parent / "results" / "tortured.md"


def read_list(path: Path) -> list[dict]:
    if path.is_dir():
        raw = subprocess.run(["git", "--git-dir", str(path), "show", "HEAD:src/data/tortured-phrases.json"],
                             check=True, capture_output=True).stdout
        data = json.loads(raw)
    else:
        data = json.loads(path.read_text(encoding="utf-8"))
    return list(data["phrases"])


def clean_entries(entries: list[dict]) -> list[tuple[str, str]]:
    """(tortured, expected) pairs the row can be measured on (see the module docstring)."""
    out: dict[str, str] = {}
    for e in entries:
        tortured, correct = str(e.get("tortured", "")).strip().lower(), str(e.get("correct", "")).strip().lower()
        if any(c in correct for c in "?/[]\"\\"):
            continue
        correct = re.sub(r"\s*\([^)]*\)", "", correct).strip()
        if not (_PLAIN.match(correct) and _PLAIN.match(tortured)):
            continue
        if not 2 <= len(correct.replace("-", " ").split()) <= 4 or not 1 <= len(tortured.split()) <= 6:
            continue
        if _key(tortured) == _key(correct):
            continue
        out.setdefault(tortured, correct)
    return sorted(out.items())


def _key(text: str) -> str:
    words = text.lower().replace("-", " ").split()
    return " ".join(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words)


def half(tortured: str) -> str:
    return "tune" if zlib.crc32(tortured.encode()) % 2 == 0 else "test"


def sentence(tortured: str) -> tuple[str, int, int]:
    t = TEMPLATES[zlib.crc32(("t" + tortured).encode()) % len(TEMPLATES)]
    start = t.index("{p}")
    return t.format(p=tortured), start, start + len(tortured)


def _overlap(a: int, b: int, start: int, end: int) -> bool:
    return a < end and start < b


def run_flagger(finder, pairs):
    """Per pair: (expected term in the term list, a candidate reads the phrase as it, any accepted
    flag overlapping the phrase, one with the right term, flags shown in the sentence, of them right)."""
    out = []
    for tortured, correct in pairs:
        text, a, b = sentence(tortured)
        ms = [m for m in finder.matches(tokenize(text)) if _overlap(m.window_start, m.window_end, a, b)]
        shown = _select([m for m in finder.matches(tokenize(text), min_score=_min_score()) if finder.accept(m)])
        hit = [m for m in shown if _overlap(m.start, m.end, a, b)]
        in_list = tuple(correct.replace("-", " ").split()) in finder.terms.by_words or any(
            _key(t.text) == _key(correct) for t in _terms_like(finder, correct))
        good = sum(_key(m.term.text) == _key(correct) for m in hit)
        out.append((in_list, any(_key(m.term.text) == _key(correct) for m in ms), bool(hit), good > 0, len(shown), good))
    return out


def _min_score() -> float:
    from unspin.detect import tortured

    return float(tortured.SETTINGS.min_score)


def restores(suggestion: str, flagged: str, tortured: str, correct: str) -> bool:
    """Does a flag with ``suggestion`` on ``flagged`` restore (part of) the expected wording? Its
    suggestion is the whole expected term, or words of it put for words of the phrase."""
    if not suggestion:
        return False
    if _key(suggestion) == _key(correct):
        return True
    want = set(_key(correct).split())
    return set(_key(suggestion).split()) <= want and set(_key(flagged).split()) <= set(_key(tortured).split()) - want


def _terms_like(finder, correct):
    first = correct.replace("-", " ").split()[0]
    return [finder.terms.terms[i] for i in finder.terms.by_first.get(first, ())]


def clean_texts(n_bbc: int, n_sotu: int, part: str = "test") -> dict[str, list[str]]:
    from devkit.spinner import load_bbc, split_ids

    train, test = split_ids(load_bbc())
    bbc = (test if part == "test" else train)[:n_bbc]
    texts = {"BBC news, held-out split" if part == "test" else "BBC news, training split": [r["text"] for r in bbc]}
    if n_sotu:
        from devkit.sotu import sotu_passages

        texts["State of the Union passages" + (", test half" if part == "test" else ", train half")] = sotu_passages(n_sotu, part=part)
    return texts


def words_of(text: str) -> int:
    return sum(1 for t in tokenize(text) if t.is_word)


def fit(finder, pairs, n_bbc: int, n_sotu: int, max_fp: tuple[float, float], prefilter: float = 1.0) -> None:
    """Fit the acceptance model (`unspin.settings.TorturedSettings`) and choose its threshold.

    Candidates scoring at least ``prefilter`` are collected on the tune half (a positive: a window
    overlapping the phrase read as its expected term; every other candidate of those sentences a
    negative) and on clean prose of the training splits (the BBC training split, the State of the
    Union train half: all negatives). A logistic regression over `unspin.detect.tortured.FEATURES`
    (balanced classes, standardised, the scaling folded back into the weights) is fitted on them;
    then ``min_score`` and ``min_logit`` are gridded: the most tune phrases read as their term with
    at most ``max_fp`` (BBC, State of the Union) flags per 1,000 words of the clean training prose.
    """
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from unspin.detect.tortured import FEATURES
    from unspin.settings import TORTURED

    texts = clean_texts(n_bbc, n_sotu, part="train")
    sets = []  # per clean set: (name, words, candidates per sentence)
    for name, docs in texts.items():
        cands = []
        for t in docs:
            toks = tokenize(t)
            for s in split_sentences(t, toks):
                cands.append([m for m in finder.matches(toks, s.first_token, s.last_token, min_score=prefilter) if not m.window_known])
        sets.append((name, sum(words_of(t) for t in docs), cands))
    phrase_cands = []
    for tortured, correct in pairs:
        text, a, b = sentence(tortured)
        ms = [m for m in finder.matches(tokenize(text), min_score=prefilter) if not m.window_known]
        phrase_cands.append((ms, a, b, correct))
    X, Y = [], []
    for ms, a, b, correct in phrase_cands:
        for m in ms:
            X.append([m.features[k] for k in FEATURES])
            Y.append(int(_overlap(m.start, m.end, a, b) and _key(m.term.text) == _key(correct)))
    for _name, _n, cands in sets:
        for ms in cands:
            X.extend([m.features[k] for k in FEATURES] for m in ms)
            Y.extend(0 for _m in ms)
    x, y = np.array(X, dtype=float), np.array(Y)
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-9
    lr = LogisticRegression(C=1.0, max_iter=5000, class_weight="balanced").fit((x - mu) / sd, y)
    weights = tuple(round(float(w), 4) for w in lr.coef_[0] / sd)
    bias = round(float(lr.intercept_[0] - (lr.coef_[0] / sd) @ mu), 4)
    print(f"fitted on {int(y.sum())} positives, {len(y) - int(y.sum())} negatives (candidates scoring >= {prefilter})")
    rows = []
    for min_score in sorted({prefilter, *(x for x in (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0) if x >= prefilter)}):
        for min_logit in np.arange(-1.0, 6.01, 0.25):
            s = replace(TORTURED, min_score=min_score, weights=weights, bias=bias, min_logit=round(float(min_logit), 2))
            fps = [sum(len(_select([m for m in c if finder.accept(m, s)])) for c in cands) / n * 1000 for _name, n, cands in sets]
            right = flagged = shown = good = 0
            for ms, a, b, correct in phrase_cands:
                kept = _select([m for m in ms if finder.accept(m, s)])
                hit = [m for m in kept if _overlap(m.start, m.end, a, b)]
                flagged += bool(hit)
                right += any(_key(m.term.text) == _key(correct) for m in hit)
                shown += len(kept)
                good += sum(_overlap(m.start, m.end, a, b) and _key(m.term.text) == _key(correct) for m in kept)
            rows.append((right / len(pairs), flagged / len(pairs), good / max(shown, 1), fps, s))
    ok = [r for r in rows if all(fp <= cap for fp, cap in zip(r[3], max_fp))]
    print(f"tune half: {len(pairs)} phrases; clean: " + "; ".join(f"{name}: {n:,} words" for name, n, _c in sets)
          + f" (at most {max_fp} flags per 1,000 words)")
    for right, flagged, prec, fps, s in sorted(ok, key=lambda r: (-r[0], sum(r[3])))[:12]:
        print(f"right {right:.3f} flagged {flagged:.3f} precision in phrase sentences {prec:.2f} fp/1k "
              + " / ".join(f"{fp:.2f}" for fp in fps) + f"  min_score={s.min_score} min_logit={s.min_logit}")
    print(f"weights = {weights}\nbias = {bias}")


def _select(cands):
    cands = sorted(cands, key=lambda m: (-m.score, m.start))
    kept = []
    for m in cands:
        if not any(_overlap(m.window_start, m.window_end, k.window_start, k.window_end) for k in kept):
            kept.append(m)
    return kept


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--list", type=Path, required=True, help="tortured-phrases.json or the git directory of its repository")
    ap.add_argument("--check", type=int, default=300, help="phrases of the test half checked by the whole check and the naive decoder")
    ap.add_argument("--bbc", type=int, default=200, help="held-out BBC articles for false flags")
    ap.add_argument("--sotu", type=int, default=60, help="State of the Union passages for false flags")
    ap.add_argument("--fit", action="store_true", help="fit the acceptance model and its threshold on the tune half instead")
    ap.add_argument("--max-fp", type=float, nargs=2, default=(0.15, 0.5), metavar=("BBC", "SOTU"),
                    help="--fit: most false flags per 1,000 words of the BBC training split and of the State of the Union train half")
    ap.add_argument("--half", choices=("tune", "test", "both"), default="both", help="which halves to measure")
    ap.add_argument("--prefilter", type=float, default=1.0, help="--fit: weigh only candidates scoring at least this")
    ap.add_argument("--write", action="store_true", help=f"write the table to {RESULTS.relative_to(RESULTS.parents[2])}")
    args = ap.parse_args()

    from unspin.api import get_detector
    from unspin.detect.tortured import for_detector, load_terms

    pairs = clean_entries(read_list(args.list))
    halves = {h: [p for p in pairs if half(p[0]) == h] for h in ("tune", "test")}
    detector = get_detector()
    finder = for_detector(detector)
    if args.fit:
        fit(finder, halves["tune"], args.bbc, args.sotu, tuple(args.max_fp), args.prefilter)
        return
    lines = [(f"evaluation list: {len(pairs)} usable phrases of the Problematic Paper Screener export "
             f"({len(halves['tune'])} tune / {len(halves['test'])} test); term list: {len(load_terms().terms):,} terms")]
    table = ["| set | phrases | right term | flagged | flags shown in the sentences | precision of the shown flags |",
             "|---|---:|---:|---:|---:|---:|"]
    ceiling = ["| half | phrases | expected term in the term list | a candidate reads the phrase as the term (any score) |",
               "|---|---:|---:|---:|"]
    for h in [x for x in ("test", "tune") if args.half in (x, "both")]:
        res = run_flagger(finder, halves[h])
        n = len(res)
        shown = sum(r[4] for r in res)
        table.append(f"| tortured-phrase flagger alone, {h} half | {n} | {sum(r[3] for r in res) / n:.3f} | {sum(r[2] for r in res) / n:.3f} "
                     f"| {shown} | {sum(r[5] for r in res) / max(shown, 1):.3f} |")
        ceiling.append(f"| {h} | {n} | {sum(r[0] for r in res) / n:.3f} | {sum(r[1] for r in res) / n:.3f} |")
    sample = halves["tune" if args.half == "tune" else "test"][: args.check]
    if sample:
        import unspin
        from devkit.naive import NaiveDecoder

        right = flagged = naive_hit = shown = good = naive_shown = naive_good = 0
        naive = NaiveDecoder()
        for tortured, correct in sample:
            text, a, b = sentence(tortured)
            rep = unspin.check(text)
            hit = [f for f in rep.flags if _overlap(f.start, f.end, a, b)]
            flagged += bool(hit)
            right += any(_key(str(f.evidence.get("term") or f.suggestion or "")) == _key(correct) for f in hit)
            shown += len(rep.flags)
            good += sum(_overlap(f.start, f.end, a, b) and (_key(str(f.evidence.get("term") or "")) == _key(correct)
                                                             or restores(f.suggestion or "", f.text, tortured, correct)) for f in rep.flags)
            nf = naive.flags(text)
            naive_hit += any(_overlap(s, e, a, b) for s, e, _ in nf)
            naive_shown += len(nf)
            naive_good += sum(_overlap(s, e, a, b) and restores(g or "", text[s:e], tortured, correct) for s, e, g in nf)
        n = len(sample)
        sh = "tune" if args.half == "tune" else "test"
        table.append(f"| unspin check (default, all kinds), {sh} half | {n} | {right / n:.3f} | {flagged / n:.3f} | {shown} | {good / max(shown, 1):.3f} |")
        table.append(f"| naive decoder (devkit.naive), {sh} half | {n} | - | {naive_hit / n:.3f} | {naive_shown} | {naive_good / max(naive_shown, 1):.3f} |")
    fp_table = ["| clean prose | texts | words | tortured flags | per 1,000 words |", "|---|---:|---:|---:|---:|"]
    cpu_line = ""
    examples: list[str] = []
    for name, docs in clean_texts(args.bbc, args.sotu).items():
        if not docs:
            continue
        n_words = n_flags = 0
        cpu = 0.0
        for t in docs:
            toks = tokenize(t)
            sents = split_sentences(t, toks)
            c0 = time.process_time()
            ms = finder.find(toks, sents)
            cpu += time.process_time() - c0
            n_words += words_of(t)
            n_flags += len(ms)
            examples.extend(f"{t[m.start:m.end]!r} -> {m.suggestion!r} (score {m.score:.2f})" for m in ms[:2])
        fp_table.append(f"| {name} | {len(docs)} | {n_words:,} | {n_flags} | {n_flags / n_words * 1000:.2f} |")
        if name.startswith("BBC"):
            warm = 0.0
            for t in docs:  # the same articles again: the memos are warm
                toks = tokenize(t)
                sents = split_sentences(t, toks)
                c0 = time.process_time()
                finder.find(toks, sents)
                warm += time.process_time() - c0
            cpu_line = (f"CPU of the flagger alone on the BBC articles, first pass in this process: "
                        f"{cpu / len(docs) * 1000:.1f} ms per article, {cpu / n_words * 1e6:.1f} ms per 1,000 words; "
                        f"second pass (memos warm): {warm / len(docs) * 1000:.1f} ms per article, {warm / n_words * 1e6:.1f} ms per 1,000 words")
    out = "\n".join([*lines, "", *table, "", "what bounds the recall:", "", *ceiling, "", *fp_table, "", cpu_line, "", "false flags on clean prose (first two per text):",
                     *(f"- {e}" for e in examples[:30])])
    print(out)
    if args.write:
        RESULTS.write_text("# Tortured phrases without a catalogue (bench/tortured.py)\n\n"
                           f"`python -m bench.tortured --list <repo> --check {args.check} --bbc {args.bbc} --sotu {args.sotu} --write`\n\n"
                           + out + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

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

``--tune`` grids the acceptance thresholds (`unspin.settings.TorturedSettings`) on the tune half, the
BBC *training* split and the State of the Union *train* half, keeping false flags under ``--max-fp``
per 1,000 words on both, and prints the best.

    python -m bench.tortured --list /work/.mirror/giladfeldman+torturedcheck/repo [--check 300] [--bbc 200] [--sotu 60] [--tune]
"""

from __future__ import annotations

import argparse
import itertools
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
    flag overlapping the phrase, one with the right term)."""
    out = []
    for tortured, correct in pairs:
        text, a, b = sentence(tortured)
        ms = [m for m in finder.matches(tokenize(text)) if _overlap(m.window_start, m.window_end, a, b)]
        hit = [m for m in _select([m for m in ms if finder.accept(m)]) if _overlap(m.start, m.end, a, b)]
        in_list = tuple(correct.replace("-", " ").split()) in finder.terms.by_words or any(
            _key(t.text) == _key(correct) for t in _terms_like(finder, correct))
        out.append((in_list, any(_key(m.term.text) == _key(correct) for m in ms), bool(hit),
                    any(_key(m.term.text) == _key(correct) for m in hit)))
    return out


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


def tune(finder, pairs, n_bbc: int, n_sotu: int, max_fp: float) -> None:
    from unspin.settings import TORTURED

    texts = clean_texts(n_bbc, n_sotu, part="train")
    sets = []  # per clean set: (name, words, candidates per sentence)
    for name, docs in texts.items():
        cands = []
        for t in docs:
            toks = tokenize(t)
            for s in split_sentences(t, toks):
                cands.append(finder.matches(toks, s.first_token, s.last_token, min_score=1.0))
        sets.append((name, sum(words_of(t) for t in docs), cands))
    phrase_cands = []
    for tortured, correct in pairs:
        text, a, b = sentence(tortured)
        toks = tokenize(text)
        phrase_cands.append((finder.matches(toks, min_score=1.0), a, b, correct))
    rows = []
    for min_score, max_pmi, min_zipf, min_term_pmi, min_coh in itertools.product(
            (2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0), (-0.5, 0.0, 0.5), (1.0, 3.0), (1.0, 2.0, 3.0), (-1.0, 0.0, 0.1, 0.2, 0.3)):
        s = replace(TORTURED, min_score=min_score, max_window_pmi=max_pmi, min_term_zipf=min_zipf, min_term_pmi=min_term_pmi,
                    min_coherence_gap=min_coh)

        def ok(m, s=s):
            return (not m.window_known and m.score >= s.min_score and m.window_pmi <= s.max_window_pmi
                    and m.term.zipf >= s.min_term_zipf and m.term.pmi >= s.min_term_pmi and m.coherence_gap >= s.min_coherence_gap)

        fp = max(sum(len(_select([m for m in c if ok(m)])) for c in cands) / n * 1000 for _name, n, cands in sets)
        right = flagged = 0
        for cands, a, b, correct in phrase_cands:
            hit = [m for m in _select([m for m in cands if ok(m)]) if _overlap(m.start, m.end, a, b)]
            flagged += bool(hit)
            right += any(_key(m.term.text) == _key(correct) for m in hit)
        rows.append((right / len(pairs), flagged / len(pairs), fp, s))
    good = sorted((r for r in rows if r[2] < max_fp), key=lambda r: (-r[0], r[2]))
    print(f"tune half: {len(pairs)} phrases; clean: " + "; ".join(f"{name}: {n:,} words" for name, n, _c in sets)
          + " (fp/1k: the worse of them)")
    for right, flagged, fp, s in good[:15]:
        print(f"right {right:.3f} flagged {flagged:.3f} fp/1k {fp:.2f}  min_score={s.min_score} max_window_pmi={s.max_window_pmi} "
              f"min_term_zipf={s.min_term_zipf} min_term_pmi={s.min_term_pmi} min_coherence_gap={s.min_coherence_gap}")


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
    ap.add_argument("--tune", action="store_true", help="grid the thresholds on the tune half instead")
    ap.add_argument("--max-fp", type=float, default=0.5, help="--tune: most false flags per 1,000 words of the BBC training split")
    ap.add_argument("--write", action="store_true", help=f"write the table to {RESULTS.relative_to(RESULTS.parents[2])}")
    args = ap.parse_args()

    from unspin.api import get_detector
    from unspin.detect.tortured import for_detector, load_terms

    pairs = clean_entries(read_list(args.list))
    halves = {h: [p for p in pairs if half(p[0]) == h] for h in ("tune", "test")}
    detector = get_detector()
    finder = for_detector(detector)
    if args.tune:
        tune(finder, halves["tune"], args.bbc, args.sotu, args.max_fp)
        return
    lines = [(f"evaluation list: {len(pairs)} usable phrases of the Problematic Paper Screener export "
             f"({len(halves['tune'])} tune / {len(halves['test'])} test); term list: {len(load_terms().terms):,} terms")]
    table = ["| set | phrases | right term | flagged |", "|---|---:|---:|---:|"]
    ceiling = ["| half | phrases | expected term in the term list | a candidate reads the phrase as the term (any score) |",
               "|---|---:|---:|---:|"]
    for h in ("test", "tune"):
        res = run_flagger(finder, halves[h])
        n = len(res)
        table.append(f"| tortured-phrase flagger alone, {h} half | {n} | {sum(r[3] for r in res) / n:.3f} | {sum(r[2] for r in res) / n:.3f} |")
        ceiling.append(f"| {h} | {n} | {sum(r[0] for r in res) / n:.3f} | {sum(r[1] for r in res) / n:.3f} |")
    sample = halves["test"][: args.check]
    if sample:
        import unspin
        from devkit.naive import NaiveDecoder

        right = flagged = naive_hit = 0
        naive = NaiveDecoder()
        for tortured, correct in sample:
            text, a, b = sentence(tortured)
            rep = unspin.check(text)
            hit = [f for f in rep.flags if _overlap(f.start, f.end, a, b)]
            flagged += bool(hit)
            right += any(_key(str(f.evidence.get("term") or f.suggestion or "")) == _key(correct) for f in hit)
            naive_hit += any(_overlap(s, e, a, b) for s, e, _ in naive.flags(text))
        n = len(sample)
        table.append(f"| unspin check (default, all kinds), test half | {n} | {right / n:.3f} | {flagged / n:.3f} |")
        table.append(f"| naive decoder (devkit.naive), test half | {n} | - | {naive_hit / n:.3f} |")
    fp_table = ["| clean prose | texts | words | tortured flags | per 1,000 words |", "|---|---:|---:|---:|---:|"]
    cpu_line = ""
    examples: list[str] = []
    for name, docs in clean_texts(args.bbc, args.sotu).items():
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

"""Why real originals are not candidates: candidate coverage of real swaps, by cause (issue 13).

For every gold swap of the real spun pages — the realdev pairs aligned with their sources
(`devkit.realdev.align_swaps`), the ``evidence`` ``[spun, original]`` pairs of realdev's spun pages
(aligned the same way, located in the page for the context), split by site fold
(`devkit.realdev.site_fold`), and the seed page's sure substitutions (reported only: a test page) —
is the original among the candidates unspin generates for the spun word or phrase (the detector's
own `CandidateGenerator`, WordNet on as checks run; multi-word spun runs: the phrase detector's
candidates), and if not, why? Each swap gets exactly one cause, the first that applies:

* ``covered``: the original is a candidate and the spun word is judged;
* ``covered, dropped as rare``: a candidate, but below the decoder's frequency floor / out of the LM;
* ``covered, word not judged (capitalised)``: a candidate, but the spun word is capitalised inside a
  sentence (read as a name: "Normal" for General) or sentence-initial and rare;
* ``spun word is a function word`` / ``original is a function word`` (never judged / never proposed);
* ``same lemma (inflection only)``: "advances" for "advanced";
* ``inflection mismatch``: the original's lemma is a candidate headword, not in this form;
* ``Moby, other direction``: the spun word's own Moby list holds the original (or its lemma);
* ``WordNet, other part of speech``: a WordNet synonym of the spun word's lemma under a part of
  speech the spun word was not read as;
* ``derivation``: a word of the original's family (common stem) is a candidate or in the spun word's
  list ("arrival" for release is not one; "execution" for implementation is);
* ``two thesaurus steps``: some headword listing the spun word is listed under / lists the original;
* ``spun word unknown`` / ``original unknown``: in neither Moby nor WordNet;
* ``unrelated in Moby and WordNet``: the rest;
* shapes other than one word for one word: ``multi-word spun, phrase candidates lack it``,
  ``multi-word spun, covered by phrase candidates``, ``multi-word original`` (one spun word for a
  phrase: "year" → "12 months" reversed), ``multi-word both sides``.

    python -m devkit.coverage [--family synonym|paraphrase|all] [--examples 5] [--json PATH]

``--trial reverse`` measures the one cheap fix the table suggests, not adopted: the spun word's *own*
Moby list as candidates ("Moby, other direction"; `CandidateGenerator` with ``reverse=True``,
`unspin.detect.candidates.REVERSE_MIN_COSINE` chosen on fold 0). It runs
`devkit.oracle.funnel` on the realdev synonym pairs by fold and on the seed page, with and without
the source, and counts the flags `check` shows on clean text (realdev genuine pages; BBC training-split
articles 450-469, unseen by the shipped models), plus the funnel on those articles spun by the
held-apart habit spinbot-loose at 30 %.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from devkit import realdev, realspin
from unspin.api import get_detector
from unspin.detect.candidates import REVERSE_MIN_COSINE, REVERSE_PENALTY
from unspin.detect.phrases import PhraseDetector
from unspin.text import TokenKind, tokenize
from unspin.text.stopwords import FUNCTION_WORDS

UPOS = ("NOUN", "VERB", "ADJ", "ADV")


@dataclass(frozen=True)
class Real:
    """A real swap with its context: the spun page's text and the span of the spun words in it."""

    group: str  # "fold 0" | "fold 1" | "seed"
    text: str
    start: int
    end: int
    spun: str
    original: str


def _words(s: str) -> list[str]:
    return [t.norm for t in tokenize(s) if t.kind is TokenKind.WORD]


def _split(r: Real) -> list[Real]:
    """A run of n spun words for n original words, read word by word as the decoder judges it: the
    differing positions, each a one-word swap ("discharge request" <- "release order"); other runs whole."""
    sp = [t for t in tokenize(r.spun) if t.kind is TokenKind.WORD]
    ow = _words(r.original)
    if len(sp) < 2 or len(sp) != len(ow):
        return [r]
    return [Real(r.group, r.text, r.start + t.start, r.start + t.end, t.text, o)
            for t, o in zip(sp, ow) if t.norm != o]


def real_swaps(family: str = "synonym") -> Iterator[Real]:
    for r in _real_swaps(family):
        yield from _split(r)


def _real_swaps(family: str) -> Iterator[Real]:
    """Every gold swap of realdev (pairs and spun pages' evidence) and of the seed page."""
    if realdev.available():
        for p in realdev.load_pairs():
            if family != "all" and p.family != family:
                continue
            g = f"fold {realdev.site_fold(p.site)}"
            for s in p.swaps:
                if s.kind == "swap":
                    yield Real(g, p.text, s.start, s.end, s.spun, s.original)
        with open(realdev.DIR / "spun.jsonl", encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
        for r in rows:
            if family != "all" and realdev.family(r.get("spinner_family", "")) != family:
                continue
            g = f"fold {realdev.site_fold(realdev.site_of(r['url']))}"
            seen: set[tuple[int, int]] = set()
            for ev_spun, ev_orig in r.get("evidence") or []:
                at = r["text"].find(ev_spun)
                if at < 0 or "..." in ev_orig:
                    continue
                swaps, _rw, _n = realdev.align_swaps(ev_spun, ev_orig)
                for s in swaps:
                    span = (at + s.start, at + s.end)
                    if s.kind == "swap" and span not in seen:
                        seen.add(span)
                        yield Real(g, r["text"], span[0], span[1], s.spun, s.original)
    seed = realspin.seed_document()
    if seed is not None:
        for gs in realspin.load_gold(seed.text):
            if gs.kind == "sure":
                yield Real("seed", seed.text, gs.start, gs.end, gs.spun, gs.original)


def _judged(det, r: Real) -> bool:
    """Would the detector judge the (single) spun word: the decoder's content-word rule, with
    sentence-initial read from the text before it."""
    toks = [t for t in tokenize(r.text[r.start : r.end]) if t.kind is TokenKind.WORD]
    if len(toks) != 1:
        return True
    before = r.text[: r.start].rstrip(" \t\"'“‘(")
    initial = not before or before[-1] in ".!?\n:|"
    return det.slot_builder.is_candidate(toks[0], initial)


def _lemmas(th, w: str) -> set[str]:
    return {lemma for _u, lemma, _t in th.analyse(w)} | {w}


def _stem_related(a: str, b: str) -> bool:
    """Same word family by a shared stem ("implement"/"implementation", "arrest"/"arrested")."""
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n >= 4 and n >= 0.6 * min(len(a), len(b)) and a != b


def classify(det, r: Real) -> str:
    th, gen, wn = det.th, det.gen, det.gen.wordnet
    sw, ow = _words(r.spun), _words(r.original)
    if not sw or not ow:
        return "other (punctuation only)"
    if len(sw) > 1:
        phr: PhraseDetector = det.phrases
        forms: set[str] = set()
        for key, tags in phr._readings(sw):
            forms |= {c.form for c in phr.candidates(" ".join(key), tags)}
            forms |= set(phr._originals(" ".join(key), tags))
        if " ".join(ow) in forms:
            return "multi-word spun, covered by phrase candidates"
        return "multi-word spun, phrase candidates lack it" if len(ow) == 1 else "multi-word both sides"
    s, o = sw[0], " ".join(ow)
    if len(ow) > 1:
        return "multi-word original"
    cands = gen.candidates(s)
    if o in {c.form for c in cands}:
        if s in FUNCTION_WORDS:
            return "covered, word not judged (function word)"
        if not _judged(det, r):
            return "covered, word not judged (capitalised)"
        if o not in {c.form for c in det.slot_builder.usable_candidates(s)}:
            return "covered, dropped as rare"
        return "covered"
    if s in FUNCTION_WORDS:
        return "spun word is a function word"
    if o in FUNCTION_WORDS:
        return "original is a function word"
    sl, ol = _lemmas(th, s), _lemmas(th, o)
    if sl & ol:
        return "same lemma (inflection only)"
    heads = {c.headword for c in cands}
    if heads & ol:
        return "inflection mismatch"
    own = set()
    for x in sl:
        own |= set(th.synonyms(x))
    if own & ol:
        return "Moby, other direction"
    if wn is not None:
        wsyn = set()
        for x in sl:
            for u in UPOS:
                wsyn |= set(wn.synonyms(x, u))
        if wsyn & ol:
            return "WordNet, other part of speech"
    else:
        wsyn = set()
    family = heads | own | wsyn
    if any(_stem_related(f, x) for f in family for x in ol):
        return "derivation"
    for x in sl:
        for h, _rank in th.inverse(x):
            if ol & set(th.synonyms(h)) or any(h in th.synonyms(y) for y in ol):
                return "two thesaurus steps"

    def known(w: str) -> bool:
        return th.knows(w) or (wn is not None and any(wn.synonyms(w, u) for u in UPOS))

    if not any(known(x) for x in sl):
        return "spun word unknown"
    if not any(known(x) for x in ol):
        return "original unknown"
    return "unrelated in Moby and WordNet"


ORDER = ["covered", "covered, dropped as rare", "covered, word not judged (capitalised)",
         "covered, word not judged (function word)", "spun word is a function word", "original is a function word", "same lemma (inflection only)",
         "inflection mismatch", "Moby, other direction", "WordNet, other part of speech", "derivation",
         "two thesaurus steps", "spun word unknown", "original unknown", "unrelated in Moby and WordNet",
         "multi-word spun, covered by phrase candidates", "multi-word spun, phrase candidates lack it",
         "multi-word original", "multi-word both sides", "other (punctuation only)"]


def _reset(det) -> None:
    det.gen.candidates.cache_clear()
    det.slot_builder._usable.clear()


def trial(det) -> None:
    from devkit.oracle import funnel
    from devkit.spinner import Spinner, load_bbc, split_ids
    from unspin.api import check
    from unspin.model import Document

    pairs = [p for p in realdev.load_pairs() if p.family == "synonym"] if realdev.available() else []
    genuine = [pg for pg in realdev.load_pages() if pg.label == 0] if realdev.available() else []
    train, _test = split_ids(load_bbc())
    bbc = train[450:470]
    sp = Spinner(rate=0.3, seed=7, habit="spinbot-loose")
    spun = [sp.spin(r["text"]) for r in bbc]
    seed = realspin.seed_document()
    keys = ["one-word swaps", "original among candidates", "original in the decoder's beam",
            "restoration ranks it first", "flagged by check", "flagged and restored"]
    print("| row | variant | " + " | ".join(keys[1:]) + " |")
    print("|---" * (len(keys) + 1) + "|")
    for variant in ("shipped", f"+ reverse Moby (cos ≥ {REVERSE_MIN_COSINE}, −{REVERSE_PENALTY} log10)"):
        det.gen.reverse = variant != "shipped"
        _reset(det)
        rows: dict[str, Counter] = defaultdict(Counter)
        for p in pairs:
            rows[f"realdev synonym pairs, fold {realdev.site_fold(p.site)}"] += funnel(
                Document(p.text), [x for x in p.swaps if x.kind == "swap"])
        if seed is not None:
            rows["seed page (sure)"] = funnel(seed, [g for g in realspin.load_gold(seed.text) if g.kind == "sure"])
        c = Counter()
        for st in spun:
            c += funnel(Document(st.text), st.substitutions)
        rows["spinbot-loose 30 %, BBC train 450-469"] = c
        for name, c in rows.items():
            n = max(c["one-word swaps"], 1)
            print(f"| {name} | {variant} | " + " | ".join(f"{c[k] / n:.3f}" for k in keys[1:]) + f" (n={n}) |")
        for name, docs in (("realdev genuine pages", [pg.text for pg in genuine]),
                           ("clean BBC train 450-469", [r["text"] for r in bbc])):
            flags = sum(len(check(Document(t), detector=det).flags) for t in docs)
            n = sum(len(_words(t)) for t in docs)
            print(f"| {name}: flags /1k words | {variant} | {1000 * flags / n:.2f} ({flags} in {n} words) |")
    det.gen.reverse = False
    _reset(det)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--family", default="synonym", choices=["synonym", "paraphrase", "all"])
    ap.add_argument("--examples", type=int, default=0, help="print this many examples per cause and group")
    ap.add_argument("--json", default="", help="write the counts (and examples) here")
    ap.add_argument("--trial", default="", choices=["", "reverse"], help="measure a candidate fix (see above)")
    args = ap.parse_args()
    det = get_detector()
    if args.trial:
        trial(det)
        return
    counts: dict[str, Counter] = defaultdict(Counter)
    examples: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in real_swaps(args.family):
        c = classify(det, r)
        counts[r.group][c] += 1
        examples[(r.group, c)].append(f"{r.spun} <- {r.original}")
    groups = [g for g in ("fold 0", "fold 1", "seed") if g in counts]
    print(f"| cause ({args.family} spinners) | " + " | ".join(groups) + " |")
    print("|---" * (len(groups) + 1) + "|")
    for c in ORDER + sorted(set().union(*counts.values()) - set(ORDER)):
        if any(counts[g][c] for g in groups):
            cells = []
            for g in groups:
                n = sum(counts[g].values())
                cells.append(f"{counts[g][c]} ({counts[g][c] / n:.0%})")
            print(f"| {c} | " + " | ".join(cells) + " |")
    print("| all swaps | " + " | ".join(str(sum(counts[g].values())) for g in groups) + " |")
    one = {g: sum(v for k, v in counts[g].items() if not k.startswith("multi")) for g in groups}
    cov = {g: counts[g]["covered"] + counts[g]["covered, dropped as rare"] + counts[g]["covered, word not judged (capitalised)"]
           + counts[g]["covered, word not judged (function word)"] for g in groups}
    print("| one-word swaps: original among the candidates | "
          + " | ".join(f"{cov[g]}/{one[g]} ({cov[g] / max(one[g], 1):.0%})" for g in groups) + " |")
    if args.examples:
        for (g, c), ex in sorted(examples.items()):
            print(f"{g} | {c}: " + "; ".join(ex[: args.examples]))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"family": args.family, "counts": {g: dict(counts[g]) for g in groups}}, fh, indent=1)


if __name__ == "__main__":
    main()

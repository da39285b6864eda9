"""Spinner-lexicon benchmark (issue 14): learn one spinner's dictionary from K aligned copies,
then catch its other copies whose source is not known.

A *spinner* here is a dictionary: `DictionarySpinner` is the simulator (`devkit.spinner`) with
a fixed share of the vocabulary in its dictionary (30 % of the lemmas) and one fixed pick per
word across documents (seeded by the spinner's own seed), so two copies from the same spinner
make the same swap, as a content farm's tool does; 90 % of the occurrences of a dictionary word
are swapped.

For each habit: K (10, 30, 100, 300) training articles (the training split of the BBC dev set)
spun by the spinner and paired with their sources are learned from (`unspin.learn.learn_pairs`,
``min_docs=2``); other articles (the test split) spun by the same spinner are checked without
their sources, with `unspin.api.check` alone and with ``lexicons=[...]``. Per substituted word:
precision, recall, exact restoration of found substitutions (`devkit.evalkit.score_flags`), for
all flags and for the lexicon's flags alone. Further rows:

* another spinner: a lexicon learned from spinner A (K=100) applied to spinner B's copies;
* clean text with the K=100 lexicons: false flags per 1,000 words on the test articles unspun
  and on State of the Union passages (test half), all flags and the lexicon's alone;
* the real pairs of ../shared/data/realdev: learn from the pairs of one half of the sites,
  check the spun pages of the other half (and the reverse); gold swaps from aligning each page
  with its source;
* learning speed: CPU seconds to learn from 10,000 pairs, in a fresh process (cold caches):
  every BBC article spun once by the spinbot-habit dictionary spinner (1,080 distinct copies),
  repeated under distinct ids (`bench.speed`'s ``--task learn`` worker, which also times it side
  by side against another revision).

    python -m bench.learn [--train 300] [--test 40]      # writes bench/results/learn.md
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import pickle
import platform
import random
import re
import time
from pathlib import Path

from devkit.evalkit import Counts, score_flags
from devkit.spinner import Spinner, SpunText, load_bbc, mixed, split_ids
from unspin.api import check
from unspin.detect import Detector
from unspin.learn import CopyPair, SpinnerLexicon, learn_pairs
from unspin.model import Document
from unspin.text import TokenKind, tokenize

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results" / "learn.md"
WORK = ROOT / "work" / "learn"
_WORD = re.compile(r"[\w'-]+")

#: (row name, Spinner keyword arguments, dictionary seed)
HABITS = [
    ("close synonyms", dict(rate=0.30, pick="close"), 101),
    ("uniform picks", dict(rate=0.30, pick="uniform"), 102),
    ("spinbot habit", dict(rate=0.30, habit="spinbot"), 103),
    ("spinnerchief habit", dict(rate=0.30, habit="spinnerchief"), 104),
]
KS = (10, 30, 100, 300)


class DictionarySpinner(Spinner):
    """The simulator as one spinner's dictionary: a fixed share ``rate`` of the vocabulary (by
    lemma, chosen by the dictionary seed) has an entry, each with one fixed pick across all
    documents, and an occurrence of a word with an entry is swapped with probability ``swap``."""

    def __init__(self, *args, dictionary_seed: int = 0, swap: float = 0.9, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.dictionary_seed = dictionary_seed
        self.coverage = self.rate
        # the base simulator's per-occurrence draw; the realistic habits' share of content words
        # to spin (then every unit with a dictionary entry, up to that share)
        self.rate = swap

    def _in_dictionary(self, lemma: str) -> bool:
        h = hashlib.sha1(f"{self.dictionary_seed}:{lemma}".encode()).digest()
        return int.from_bytes(h[:4], "big") / 2**32 < self.coverage

    def _synonyms(self, word: str):
        from unspin.lexicon import inflection as infl

        lemma = infl.lemmas(word)[0][1]
        return super()._synonyms(word) if self._in_dictionary(lemma) else []

    def _habit_options(self, word, upos, lemma, tag):  # the realistic habits, when present
        return super()._habit_options(word, upos, lemma, tag) if self._in_dictionary(lemma) else []  # type: ignore[misc]

    def _fixed(self, pick, options, word: str):
        saved = self.rng
        self.rng = random.Random(f"{self.dictionary_seed}:{word}:{len(options)}")
        self._consistent = {}
        try:
            return pick()
        finally:
            self.rng = saved

    def _choose(self, options, word: str = ""):
        return self._fixed(lambda: super(DictionarySpinner, self)._choose(options, word), options, word)

    def _habit_pick(self, original, options):  # the realistic habits (devkit.spinner.Habit)
        return self._fixed(lambda: super(DictionarySpinner, self)._habit_pick(original, options), options, original)


def git_head() -> str:
    """The commit the benchmark ran on (``+ changes`` when the tree is not clean), or ``?``."""
    import subprocess

    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True,
                               text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return f"`{head}`" + (" + changes" if dirty else "")


def covered(lex: SpinnerLexicon, docs: list[SpunText]) -> float:
    """Share of the substitutions of ``docs`` whose spun -> original pair is an entry of ``lex``
    (any inflection): the most its flags could find with the right restoration."""
    from unspin.learn.keys import lemma_pair

    keys = {e.key for e in lex.entries}
    subs = [s for d in docs for s in d.substitutions]
    hit = sum(lemma_pair(tuple(s.spun.lower().split()), tuple(s.original.lower().split())) in keys for s in subs)
    return hit / max(len(subs), 1)


def word_count(text: str) -> int:
    return sum(1 for t in tokenize(text) if t.kind is TokenKind.WORD)


def spin_cached(name: str, kwargs: dict, dseed: int, records: list[dict], seed: int) -> list[SpunText]:
    """Spin ``records`` (cached under bench/work/learn: spinning is the slow part)."""
    key = hashlib.sha1(repr((name, sorted(kwargs.items()), dseed, seed, [r["id"] for r in records])).encode()).hexdigest()[:16]
    path = WORK / f"{key}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    sp = DictionarySpinner(seed=seed, dictionary_seed=dseed, **kwargs)
    out = [sp.spin(r["text"]) for r in records]
    WORK.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(out))
    return out


def pairs_of(spun: list[SpunText], tag: str) -> list[CopyPair]:
    return [CopyPair(s.text, s.original, f"{tag}-{i}", site=tag) for i, s in enumerate(spun)]


def evaluate(det: Detector, docs: list[SpunText], lexicons: list[SpinnerLexicon] | None,
             channel: bool = True) -> tuple[Counts, Counts]:
    """Counts for all flags of `check` and for its lexicon flags alone (``channel``: the decoder
    weighs candidate originals by the lexicon's fitted channel, as `check` does by default)."""
    return evaluate_split(det, docs, lexicons, channel)[:2]


#: ``--min-confidence`` values the K = 100 rows are also scored at
CUTS = (0.5, 0.7, 0.9)
#: where a flag comes from (`origin`), in table order
ORIGINS = ("lexicon", "word", "shown word", "phrase", "tortured")


def origin(f, threshold: float) -> str:
    """Where a flag of `check` comes from: the lexicon, the word model at its own threshold, a word
    the display model shows below it (given the document score), a phrase, the tortured-phrase flagger."""
    if f.kind != "spin":
        return f.kind
    if "phrase" in f.evidence:
        return "phrase"
    return "word" if f.evidence.get("word_confidence", f.confidence) >= threshold else "shown word"


class Extra:
    """Further counts of one evaluation: all flags at each ``--min-confidence`` of `CUTS`, and
    flags / true flags by `origin`."""

    def __init__(self) -> None:
        self.all = Counts()
        self.cuts = {t: Counts() for t in CUTS}
        self.origins: dict[str, list[int]] = {}


def evaluate_split(det: Detector, docs: list[SpunText], lexicons: list[SpinnerLexicon] | None,
                   channel: bool = True, against: SpinnerLexicon | None = None,
                   extra: Extra | None = None) -> tuple[Counts, Counts, Counts, Counts]:
    """`evaluate`, plus all flags' recall and restoration on the substitutions the lexicon
    ``against`` (default: the first of ``lexicons``) covers and on those it does not (and the
    counts of ``extra`` when given)."""
    from devkit.evalkit import match_flags
    from unspin.learn.keys import lemma_pair

    ref = against if against is not None else (lexicons[0] if lexicons else None)
    keys = {e.key for e in ref.entries} if ref is not None else set()
    allc, lexc, cov, unc = Counts(), Counts(), Counts(), Counts()
    for s in docs:
        n = word_count(s.text)
        flags = check(Document(s.text), detector=det, lexicons=lexicons or (), lexicon_channel=channel).flags
        spans = [(f.start, f.end, f.suggestion) for f in flags]
        allc.add(score_flags(spans, s, n))
        if extra is not None:
            extra.all.add(score_flags(spans, s, n))
            for t, c in extra.cuts.items():
                c.add(score_flags([(f.start, f.end, f.suggestion) for f in flags if f.confidence >= t], s, n))
            for f in flags:
                true, _ = match_flags([(f.start, f.end, f.suggestion)], s.substitutions)
                got = extra.origins.setdefault(origin(f, det.options.threshold), [0, 0])
                got[0] += 1
                got[1] += true
        lexc.add(score_flags([(f.start, f.end, f.suggestion) for f in flags if f.kind == "lexicon"], s, n))
        inside = [x for x in s.substitutions if lemma_pair(tuple(x.spun.lower().split()), tuple(x.original.lower().split())) in keys]
        outside = [x for x in s.substitutions if x not in inside]
        for part, c in ((inside, cov), (outside, unc)):
            _, hit = match_flags(spans, part)
            c.add(Counts(gold=len(part), found=len(hit), restored=sum(hit.values())))
    return allc, lexc, cov, unc


def fmt_split(c: Counts) -> str:
    return f"{c.recall:.3f} | {c.restoration:.3f}" if c.gold else "- | -"


def clean_rate(det: Detector, texts: list[str], lexicons: list[SpinnerLexicon] | None,
               channel: bool = True) -> tuple[float, float, int]:
    """False flags per 1,000 words on clean texts: all flags, the lexicon's alone; words."""
    words = flags = lex = 0
    for t in texts:
        fl = check(Document(t), detector=det, lexicons=lexicons or (), lexicon_channel=channel).flags
        words += word_count(t)
        flags += len(fl)
        lex += sum(f.kind == "lexicon" for f in fl)
    return 1000 * flags / max(words, 1), 1000 * lex / max(words, 1), words


def word_row(name: str, without: Extra, with_: Extra) -> str:
    def o(ex: Extra, k: str) -> str:
        t = ex.origins.get(k, [0, 0])
        return f"{t[1]} / {t[0]}"

    return (f"| {name} | {without.all.precision:.3f} / {without.all.recall:.3f} / {without.all.restoration:.3f} | "
            f"{with_.all.precision:.3f} / {with_.all.recall:.3f} / {with_.all.restoration:.3f} | "
            f"{o(without, 'word')} | {o(without, 'shown word')} | {o(with_, 'word')} | {o(with_, 'shown word')} |")


def fmt(c: Counts) -> str:
    return f"{c.precision:.3f} | {c.recall:.3f} | {c.restoration:.3f}"


def realdev_rows(det: Detector) -> tuple[list[str], list[str]]:
    """Rows for the real pages of ../shared/data/realdev (`devkit.realdev`, split by site).

    Pairs: learn from the pairs of the sites in one fold, check the spun pages of the other
    fold's sites (gold: the aligned swaps). Every pair is from a different site, so the lexicon is
    learned with ``min_docs=1``; with the default ``min_docs=2`` nothing is kept at all.

    Evidence: every spun page of the set (the 8 pairs' and the 12 unpaired ones) lists example
    ``[spun, original]`` phrase pairs; learned from (`unspin.learn.evidence_pair`, ``min_docs=1``) for
    the sites of one fold, the lexicon is applied to the other fold's spun pages and to the 20
    clean pages. On a page without a source a lexicon flag is *confirmed* when it lies inside one of
    the page's own evidence phrases, and *restored* when its suggestion is in that phrase's original."""
    import json

    from devkit import realdev
    from unspin.learn import evidence_pair

    if not realdev.available():
        return [], []
    pairs = realdev.load_pairs()
    rows = []
    every = learn_pairs([CopyPair(p.text, p.source, p.id, p.site) for p in pairs], min_docs=2)
    rows.append(f"| all {len(pairs)} pairs ({len({p.site for p in pairs})} sites), `min_docs=2`: {len(every)} entries "
                "(no swap is seen on two sites) | - | - | - |")
    def records(name: str) -> list[dict]:
        with open(realdev.DIR / name, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]

    pages = []  # (site, id, spun text, evidence, evidence pair)
    for r in records("pairs.jsonl") + records("spun.jsonl"):
        site = realdev.site_of(r.get("spun_url") or r["url"])
        pages.append((site, r["id"], r.get("spun_text") or r["text"], r["evidence"],
                      evidence_pair(r["evidence"], r["id"], site)))
    clean = [r["text"] for r in records("clean.jsonl")]
    for fold in (0, 1):
        train, test = realdev.split_by_site(pairs, fold)
        lex = learn_pairs([CopyPair(p.text, p.source, p.id, p.site) for p in train], min_docs=1)
        base, withl, lexonly = realdev.PairCounts(), realdev.PairCounts(), realdev.PairCounts()
        for p in test:
            f0 = check(Document(p.text), detector=det).flags
            f1 = check(Document(p.text), detector=det, lexicons=[lex]).flags
            base.add(realdev.score_pair([(f.start, f.end, f.suggestion) for f in f0], p))
            withl.add(realdev.score_pair([(f.start, f.end, f.suggestion) for f in f1], p))
            lexonly.add(realdev.score_pair([(f.start, f.end, f.suggestion) for f in f1 if f.kind == "lexicon"], p))
        rows.append(f"| learn from {len(train)} pairs of {len({p.site for p in train})} sites ({len(lex)} entries), "
                    f"check {len(test)} pages of {len({p.site for p in test})} other sites ({base.gold} swaps) | "
                    f"{fmt(base)} | {fmt(withl)} | {fmt(lexonly)} |")
        print(rows[-1], flush=True)
    # the pairs and the evidence of the unpaired pages of one fold's sites (each page once), checked on the
    # other fold's paired pages, whose swaps are known from the alignment
    paired = {p.id for p in pairs}
    for min_docs in (1, 2):
        for fold in (0, 1):
            train, test = realdev.split_by_site(pairs, fold)
            ev = [pg[4] for pg in pages if realdev.site_fold(pg[0]) != fold and pg[1] not in paired]
            lex = learn_pairs([CopyPair(p.text, p.source, p.id, p.site) for p in train] + ev, min_docs=min_docs)
            base, withl, lexonly, nowords = (realdev.PairCounts() for _ in range(4))
            for p in test:
                f0 = check(Document(p.text), detector=det).flags
                f1 = check(Document(p.text), detector=det, lexicons=[lex]).flags
                f2 = check(Document(p.text), detector=det, lexicons=[dataclasses.replace(lex, words={})]).flags
                base.add(realdev.score_pair([(f.start, f.end, f.suggestion) for f in f0], p))
                withl.add(realdev.score_pair([(f.start, f.end, f.suggestion) for f in f1], p))
                nowords.add(realdev.score_pair([(f.start, f.end, f.suggestion) for f in f2], p))
                lexonly.add(realdev.score_pair([(f.start, f.end, f.suggestion) for f in f1 if f.kind == "lexicon"], p))
            rows.append(f"| `min_docs={min_docs}`: learn from {len(train)} pairs and the evidence of {len(ev)} unpaired pages of "
                        f"{len({p.site for p in train} | {pg.site for pg in ev})} sites ({len(lex)} entries), check {len(test)} "
                        f"pages of {len({p.site for p in test})} other sites ({base.gold} swaps) | {fmt(base)} | {fmt(withl)} "
                        f"(without the word table: {fmt(nowords).replace(' | ', ' / ')}) | {fmt(lexonly)} |")
            print(rows[-1], flush=True)

    ev_rows = []
    base_flags = {}  # page id -> check's flags without a lexicon (the same for every row)
    for min_docs in (1, 2):
        for fold in (0, 1):
            train = [pg for pg in pages if realdev.site_fold(pg[0]) != fold]
            test = [pg for pg in pages if realdev.site_fold(pg[0]) == fold]
            lex = learn_pairs([pg[4] for pg in train], min_docs=min_docs)
            flags = confirmed = restored = words = 0
            located = found_lex = found_all = found_base = all_flags = all_inside = 0
            no_words = [0, 0]  # all flags, inside the evidence, with the lexicon without its word table
            examples = []
            for _site, pid, text, evidence, _pair in test:
                spans = []
                for spun, orig in evidence:
                    at = text.find(spun)
                    if at >= 0:
                        spans.append((at, at + len(spun), orig.lower()))
                words += word_count(text)
                got = check(Document(text), detector=det, lexicons=[lex]).flags
                bare = check(Document(text), detector=det, lexicons=[dataclasses.replace(lex, words={})]).flags
                no_words[0] += len(bare)
                no_words[1] += sum(any(a <= f.start and f.end <= b for a, b, _o in spans) for f in bare)
                if pid not in base_flags:
                    base_flags[pid] = check(Document(text), detector=det).flags
                located += len(spans)
                for a, b, _o in spans:  # recall of the page's evidence swaps: a flag inside the phrase
                    found_lex += any(a <= f.start and f.end <= b for f in got if f.kind == "lexicon")
                    found_all += any(a <= f.start and f.end <= b for f in got)
                    found_base += any(a <= f.start and f.end <= b for f in base_flags[pid])
                all_flags += len(got)
                all_inside += sum(any(a <= f.start and f.end <= b for a, b, _o in spans) for f in got)
                for f in got:
                    if f.kind != "lexicon":
                        continue
                    flags += 1
                    inside = [o for a, b, o in spans if a <= f.start and f.end <= b]
                    confirmed += bool(inside)
                    sugg = " " + " ".join(_WORD.findall((f.suggestion or "").lower())) + " "
                    restored += sugg.strip() != "" and any(sugg in " " + " ".join(_WORD.findall(o)) + " " for o in inside)
                    if len(examples) < 6:
                        examples.append(f"{f.text} → {f.suggestion}")
            cflags = cwords = 0
            for text in clean:
                cflags += sum(f.kind == "lexicon" for f in check(Document(text), detector=det, lexicons=[lex]).flags)
                cwords += word_count(text)
            ev_rows.append(
                f"| {min_docs} | evidence of {len(train)} pages of {len(train)} sites ({sum(len(pg[3]) for pg in train)} "
                f"phrase pairs, {len(lex)} entries) | {len(test)} spun pages of other sites ({words:,} words, {located} "
                f"evidence phrases found in the text) | {flags} ({1000 * flags / max(words, 1):.2f}) | {confirmed} / {restored} | "
                f"{found_lex / max(located, 1):.3f} | {found_base / max(located, 1):.3f} → {found_all / max(located, 1):.3f} | "
                f"{all_inside} / {all_flags} ({no_words[1]} / {no_words[0]}) | {'; '.join(examples) or '-'} | "
                f"{cflags} ({1000 * cflags / max(cwords, 1):.2f}, {cwords:,} words) |")
            print(ev_rows[-1], flush=True)
    # the one real spinner's page we have hand-annotated (../shared/seed), with all of the above learned
    from devkit import realspin

    doc = realspin.seed_document()
    if doc is not None:
        lex = learn_pairs([CopyPair(p.text, p.source, p.id, p.site) for p in pairs] + [pg[4] for pg in pages], min_docs=1)
        gold = realspin.load_gold(doc.text)
        f0 = check(doc, detector=det).flags
        f1 = check(doc, detector=det, lexicons=[lex]).flags
        c0, c1, cl = (realspin.score([(f.start, f.end, f.suggestion) for f in fl], gold)
                      for fl in (f0, f1, [f for f in f1 if f.kind == "lexicon"]))
        rows.append(f"| learn from all {len(pairs)} pairs and the evidence of all {len(pages)} spun pages ({len(lex)} entries), "
                    f"check the real spinner's page in ../shared/seed ({len(gold)} hand-annotated substitutions) | "
                    f"{fmt(c0)} | {fmt(c1)} | {fmt(cl)} |")
        print(rows[-1], flush=True)
    return rows, ev_rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", type=int, default=300, help="largest K: training copies per spinner")
    ap.add_argument("--test", type=int, default=40, help="test copies per spinner (checked without their sources)")
    ap.add_argument("--clean", type=int, default=40, help="clean BBC articles and State of the Union passages each")
    ap.add_argument("--speed-pairs", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--only", default="", help="comma-separated substrings of the habits to run (development)")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()

    train, test_all = (mixed(x) for x in split_ids(load_bbc()))
    train, test = train[: args.train], test_all[: args.test]
    ks = [k for k in KS if k <= args.train] or [args.train]
    det = Detector()
    det.detect(Document("Warm up the caches."))
    habits = [h for h in HABITS if not args.only or any(k in h[0] for k in args.only.split(","))]
    lines = [
        "# Spinner lexicon benchmark",
        "",
        f"`python -m bench.learn --train {args.train} --test {args.test} --clean {args.clean}`; "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}; code at {git_head()}.",
        f"Each spinner is the simulator with one fixed pick per word across documents (a dictionary). "
        f"Learned from K spun training articles paired with their sources (`min_docs=2`), checked on {len(test)} other "
        "articles spun by the same spinner, without their sources; both drawn round-robin over the five BBC topics "
        "(`mixed`). Per substituted word: P = flags overlapping a substitution / flags, R = substitutions found / "
        "substitutions, restore = exact original among found. *Swaps covered*: share of the test copies' "
        "substitutions whose spun -> original pair is an entry of the lexicon (the most its own flags can find "
        "with the right original).",
        "",
        "| spinner | K | entries | swaps covered | without lexicon P | R | restore | with lexicon P | R | restore | lexicon flags alone P | R | restore |",
        "|---|---:|---:|---:|---|---|---|---|---|---|---|---|---|",
    ]
    lex100: dict[str, SpinnerLexicon] = {}
    spun_test: dict[str, list[SpunText]] = {}
    extra: dict[tuple[str, bool | str], Extra] = {}
    word_rows: list[str] = []
    k100 = min(100, max(ks))
    for name, kwargs, dseed in habits:
        t0 = time.time()
        tr = spin_cached(name, kwargs, dseed, train, args.seed)
        te = spin_cached(name, kwargs, dseed, test, args.seed + 1)
        spun_test[name] = te
        print(f"{name}: spun {len(tr)} + {len(te)} in {time.time() - t0:.0f} s", flush=True)
        extra[(name, False)] = Extra()
        base = evaluate_split(det, te, None, extra=extra[(name, False)])[0]
        for k, min_docs in [(k, 2) for k in ks] + [(k100, 1)]:
            lex = learn_pairs(pairs_of(tr[:k], name), min_docs=min_docs)
            ex = None
            if k == k100 and min_docs == 2:
                lex100[name] = lex
                ex = extra[(name, True)] = Extra()
            allc, lexc = evaluate_split(det, te, [lex], extra=ex)[:2]
            if ex is not None:  # the same lexicon without its word table: the flags before the word rule
                ex0 = extra[(name, "no words")] = Extra()
                evaluate_split(det, te, [dataclasses.replace(lex, words={})], extra=ex0)
                word_rows.append(word_row(name, ex0, ex))
                print(word_rows[-1], flush=True)
            label = f"{k}" if min_docs == 2 else f"{k}, `min_docs=1`"
            row = f"| {name} | {label} | {len(lex)} | {covered(lex, te):.3f} | {fmt(base)} | {fmt(allc)} | {fmt(lexc)} |"
            lines.append(row)
            print(row, flush=True)
    # where the flags come from, and the precision/recall a --min-confidence gives (K = 100)
    if lex100:
        lines += ["", f"Where the flags come from (K = {k100}): true / all flags of each origin, without and with the lexicon "
                  "(*word*: the word model at its own threshold; *shown word*: a word the display model shows below it, "
                  "given the document score; *phrase*: statistical multi-word flags).", "",
                  "| spinner | checked with | " + " | ".join(ORIGINS) + " |", "|---|---|" + "---:|" * len(ORIGINS)]
        for name in lex100:
            for with_lex in (False, True):
                o = extra[(name, with_lex)].origins
                lines.append(f"| {name} | {f'lexicon, K = {k100}' if with_lex else 'no lexicon'} | "
                             + " | ".join(f"{o[k][1]} / {o[k][0]} ({o[k][1] / o[k][0]:.2f})" if k in o else "-" for k in ORIGINS) + " |")
        lines += ["", f"All flags at `--min-confidence` (`check(..., min_confidence=...)`: P / R), K = {k100}.", "",
                  "| spinner | lexicon | all | " + " | ".join(f"≥ {t:g}" for t in CUTS) + " |", "|---|---|---|" + "---|" * len(CUTS)]
        for name in lex100:
            for with_lex in (False, True):
                ex = extra[(name, with_lex)]
                lines.append(f"| {name} | {f'K = {k100}' if with_lex else 'none'} | {ex.all.precision:.3f} / {ex.all.recall:.3f} | "
                             + " | ".join(f"{c.precision:.3f} / {c.recall:.3f}" for c in ex.cuts.values()) + " |")
        print("\n".join(lines[-2 * len(lex100) - 12:]), flush=True)
    if word_rows:
        lines += ["", f"The word table (K = {k100}): the same lexicons without and with it (without: the statistical "
                  "flags as the detector shows them; with: in a document the lexicon recognises as its spinner's, each "
                  "shown word flag judged by the spinner's counts of that word form, `review_word_flags`). P / R / restore "
                  "of all flags, then true / all flags of the word model (*word*) and of the display model's words "
                  "below its threshold (*shown word*).", "",
                  "| spinner | without: P / R / restore | with | without: word | shown word | with: word | shown word |",
                  "|---|---|---|---|---|---|---|", *word_rows]
    # one spinner's lexicon on another spinner's copies
    names = list(lex100)
    cross = []
    for a, b in zip(names, names[1:] + names[:1]):
        if a == b:
            continue
        base, _ = evaluate(det, spun_test[b], None)
        allc, lexc = evaluate(det, spun_test[b], [lex100[a]])
        cross.append(f"| lexicon of {a} on copies of {b} | {fmt(base)} | {fmt(allc)} | {fmt(lexc)} |")
        print(cross[-1], flush=True)
    # the learned channel: the same K = 100 lexicons with the shipped channel and with their own,
    # recall split into the swaps the lexicon covers and those it does not
    chan_rows = []
    pairs_ab = [(a, a) for a in names] + [(a, b) for a, b in zip(names, names[1:] + names[:1]) if a != b]
    for a, b in pairs_ab:
        lex = lex100[a]
        _, _, cov0, unc0 = evaluate_split(det, spun_test[b], None, against=lex)
        got = [evaluate_split(det, spun_test[b], [lex], channel=ch) for ch in (False, True)]
        label = a if a == b else f"lexicon of {a} on copies of {b}"
        ws = lex.channel.get("weights", {}) if lex.channel else {}
        chan_rows.append(
            f"| {label} | {cov0.gold + unc0.gold} | {cov0.gold / max(cov0.gold + unc0.gold, 1):.3f} | "
            f"{fmt_split(cov0)} | {fmt_split(unc0)} | "
            + " | ".join(f"{c[0].precision:.3f} | {c[0].recall:.3f} | {fmt_split(c[2])} | {fmt_split(c[3])}" for c in got)
            + f" | {', '.join(f'{k} {v:+.1f}' for k, v in ws.items() if abs(v) >= 0.5)} |")
        print(chan_rows[-1], flush=True)
    if cross:
        lines += ["", "Another spinner's lexicon (K = 100):", "",
                  "| rows | without P | R | restore | with P | R | restore | lexicon alone P | R | restore |",
                  "|---|---|---|---|---|---|---|---|---|---|", *cross]
    if chan_rows:
        lines += ["", "The learned channel (K = 100): the same lexicons with the decoder's candidate prior from the shipped "
                  "channel model and from the lexicon's own fitted channel (`check(..., lexicon_channel=False/True)`). "
                  "Recall (R) and exact restoration (rest.) of all flags, split into the test swaps the lexicon covers "
                  "(its spun -> original pair is an entry) and the others.", "",
                  "| spinner | swaps | covered | no lexicon: covered R | rest. | uncovered R | rest. | "
                  "shipped channel: P | R | covered R | rest. | uncovered R | rest. | "
                  "learned channel: P | R | covered R | rest. | uncovered R | rest. | fitted weights (abs ≥ 0.5) |",
                  "|---|---:|---:|" + "---|" * 17, *chan_rows]
    # clean text
    clean_bbc = [r["text"] for r in test_all[-args.clean:]]
    clean_sets = [("BBC test articles, unspun", clean_bbc)]
    try:
        from devkit.sotu import sotu_passages

        clean_sets.append(("State of the Union passages (test half)", sotu_passages(args.clean, words=300, seed=3)))
    except Exception as exc:  # npm missing or offline: the row is skipped and says so
        print(f"State of the Union passages skipped: {exc}", flush=True)
    clean_rows = []
    for label, texts in clean_sets:
        f0, _, words = clean_rate(det, texts, None)
        for name, lex in lex100.items():
            f1, fl, _ = clean_rate(det, texts, [lex])
            f2, _, _ = clean_rate(det, texts, [lex], channel=False)
            clean_rows.append(f"| {label} ({words:,} words) | {name} | {f0:.2f} | {f1:.2f} | {fl:.2f} | {f2:.2f} |")
            print(clean_rows[-1], flush=True)
    lines += ["", "Clean text with a K = 100 lexicon: false flags per 1,000 words.", "",
              "| text | lexicon of | without lexicon | with lexicon | lexicon flags alone | with lexicon, shipped channel |",
              "|---|---|---:|---:|---:|---:|", *clean_rows]
    # real pairs
    real, evidence = realdev_rows(det)
    if real:
        lines += ["", "Real pairs (../shared/data/realdev), split by site; gold: the aligned swaps of each page.", "",
                  "| rows | without P | R | restore | with P | R | restore | lexicon alone P | R | restore |",
                  "|---|---|---|---|---|---|---|---|---|---|", *real]
    if evidence:
        lines += ["", "Real spun pages' evidence (../shared/data/realdev: example [spun, original] phrase pairs of each "
                  "spun page, 20 pages of 20 sites) learned (`min_docs` 1 and 2) from one fold of sites, applied to the other "
                  "fold's spun pages and to the 20 clean pages. Confirmed: lexicon flags inside one of the page's own evidence "
                  "phrases; restored: and suggesting a word of that phrase's original (flags outside the evidence are unjudged). "
                  "Evidence recall: the share of the checked pages' evidence phrases (those found verbatim in the page) "
                  "with a lexicon flag inside; all flags: with any flag of `check` inside, without → with the lexicon; "
                  "all flags inside the evidence / all flags: a lower bound on their precision (the evidence lists are "
                  "examples, not every swap of the page; in brackets: with the lexicon without its word table).",
                  "", "| `min_docs` | learned from | checked | lexicon flags (per 1k words) | confirmed / restored | "
                  "evidence recall, lexicon flags | all flags: without → with lexicon | all flags inside evidence / all | "
                  "examples | lexicon flags on clean pages (per 1k) |", "|---|---|---|---|---|---|---|---|---|---|", *evidence]
    # speed: a fresh process (the caches above are warm), the pairs of `bench.speed --task learn`
    if args.speed_pairs:
        import json
        import subprocess
        import sys
        import tempfile

        from bench.speed import prepare_pairs

        with tempfile.TemporaryDirectory(prefix="unspin-learn-speed-") as tmp:
            path, out = Path(tmp) / "pairs.jsonl", Path(tmp) / "out.json"
            distinct = prepare_pairs(args.speed_pairs, 1, path)  # bench.speed's default seed: the same pairs
            subprocess.run([sys.executable, "-m", "bench.speed", "--worker", str(path), "--task", "learn", "--out", str(out)],
                           check=True, cwd=ROOT.parent)
            got = json.loads(out.read_text())
        lines += ["", f"Learning from {args.speed_pairs:,} pairs ({distinct:,} distinct copies: every BBC article spun once by the "
                  f"spinbot-habit dictionary spinner, repeated under distinct ids; a fresh process, `bench.speed --task learn`'s "
                  f"worker): {got['cpu']:.1f} CPU seconds on one core, {got['entries']:,} entries. Side by side with an earlier "
                  "revision: bench/results/speed_learn.md."]
        print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text)


if __name__ == "__main__":
    main()

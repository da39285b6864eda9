"""Rebuild ``src/unspin/data/channel_model.json``: how real spinners pick a synonym.

Examples are real spinners' single-word picks ``(original, spun, candidates)``
(`unspin.detect.channel.fit_channel`), taken at lemma level where the spun
word or phrase is in the original's candidate set (Moby list plus WordNet's
other synonyms; a pick outside it says nothing about how the spinner ranks
the list):

* ``seed``: the ``sure`` substitutions hand-annotated in ``devkit/data/seed_gold.tsv``
  (the commercial spinner of ``../shared/seed``);
* ``rp-*``: the real spun pages of ``../shared/data/realdev/pairs.jsonl`` aligned
  word by word with their sources (difflib): a one-word run replaced by a run of
  one to three words is a swap. Each page is a different spinning site.

``--eval`` measures, one document (= site) held out at a time with the model
fitted on the others, how the channel model ranks the true original among the
inverse-thesaurus candidates of the spun word (every headword whose candidate
set holds it), against the uniform ``1 / len(list)`` prior of the old decoder:
top-1, top-3 and mean reciprocal rank, channel alone and times a unigram prior
(``+zipf``: the candidate's word frequency, which the decoder's LM supplies).

    python -m training.train_channel [--eval] [--l2 1.0]
"""

from __future__ import annotations

import argparse
import difflib
import json
import math
import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from unspin.detect.candidates import usable_headword
from unspin.detect.channel import FEATURES, ChannelLexicon, ChannelModel, default_lexicon, fit_channel, load_channel_model
from unspin.detect.stopwords import FUNCTION_WORDS
from unspin.lexicon.freq import zipf
from unspin.text import tokenize

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "unspin" / "data" / "channel_model.json"
GOLD = ROOT / "devkit" / "data" / "seed_gold.tsv"
PAIRS = ROOT.parent / "shared" / "data" / "realdev" / "pairs.jsonl"


@dataclass(frozen=True)
class Pick:
    doc: str  # the document (site) the pick comes from
    original: str  # lemma-level original (a headword)
    spun: str  # lemma-level spun word or phrase, in the original's candidate set
    observed: str  # the spun wording as written


def seed_swaps() -> list[tuple[str, str, str]]:
    """``(doc, original, spun)`` of the seed article's sure one-word-original substitutions."""
    out = []
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        spun, original, kind = line.split("\t")
        if kind == "sure" and " " not in original.strip():
            out.append(("seed", original.lower(), spun.lower()))
    return out


def _words(text: str) -> list[str]:
    return [t.norm for t in tokenize(text)]


def pair_swaps(path: Path = PAIRS) -> list[tuple[str, str, str]]:
    """``(doc, original, spun)`` one-word originals replaced by 1–3 words in the realdev pairs."""
    out = []
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        src, spn = _words(rec["source_text"]), _words(rec["spun_text"])
        sm = difflib.SequenceMatcher(None, src, spn, autojunk=False)
        for op, i1, i2, j1, j2 in sm.get_opcodes():
            if op != "replace" or i2 - i1 != 1 or not 1 <= j2 - j1 <= 3:
                continue
            o, s = src[i1], spn[j1:j2]
            if not o.isalpha() or o in FUNCTION_WORDS or not all(w.replace("-", "").isalpha() for w in s):
                continue
            out.append((rec["id"], o, " ".join(s)))
    return out


def _forms(word: str, lex: ChannelLexicon) -> list[str]:
    """The word and its lemmas; a phrase, and the phrase with its first or last word lemmatised."""
    words = word.split()
    if len(words) == 1:
        return list(dict.fromkeys([word] + [lem for _u, lem, _t in lex.th.analyse(word)]))
    out = [word]
    for k in (0, len(words) - 1):
        for _u, lem, _t in lex.th.analyse(words[k]):
            out.append(" ".join(words[:k] + [lem] + words[k + 1 :]))
    return list(dict.fromkeys(out))


def explain(doc: str, original: str, spun: str, lex: ChannelLexicon) -> Pick | None:
    """The lemma-level pick behind ``original`` → ``spun``, if a candidate set explains it."""
    for o in _forms(original, lex):
        if " " in o or not usable_headword(o):
            continue
        cands = set(lex.candidate_set(o))
        for s in _forms(spun, lex):
            if s in cands and s != o:
                return Pick(doc, o, s, spun)
    return None


def picks(lex: ChannelLexicon) -> tuple[list[Pick], dict[str, tuple[int, int]]]:
    """The explainable picks and, per document, ``(explained, all)`` swap counts."""
    out, counts = [], {}
    for doc, o, s in seed_swaps() + pair_swaps():
        p = explain(doc, o, s, lex)
        e, n = counts.get(doc, (0, 0))
        counts[doc] = (e + (p is not None), n + 1)
        if p is not None:
            out.append(p)
    return out, counts


def pps_swaps(path: Path) -> list[tuple[str, str, str]]:
    """``(doc, original, spun)`` word by word from the *tune half* of a tortured-phrase list (the
    Problematic Paper Screener's, as `bench.tortured` reads it: its test half stays unseen): an
    equal-length tortured phrase and its expected wording, each differing word a swap. The doc is
    ``pps`` for all (one spinner family, many papers)."""
    from bench.tortured import clean_entries, half, read_list

    out = []
    for tortured, expected in clean_entries(read_list(path)):
        if half(tortured) != "tune":
            continue
        t, e = _words(tortured), _words(expected)
        if len(t) != len(e):
            continue
        for o, sp in zip(e, t):
            if o != sp and o.isalpha() and sp.isalpha() and o not in FUNCTION_WORDS and sp not in FUNCTION_WORDS:
                out.append(("pps", o, sp))
    return out


def simulated_picks(lex: ChannelLexicon, docs: int = 150, seed: int = 0) -> list[Pick]:
    """Picks of the realistic simulated spinners (``devkit.spinner`` habits ``spinbot`` at 30 % of
    the content words and ``spinnerchief`` at 8 % of the words) on the *training* split of the BBC
    development corpus; the benchmarks use the other split. Each article is one document."""
    from devkit.spinner import Spinner, load_bbc, split_ids

    train, _test = split_ids(load_bbc())
    rng = random.Random(seed)
    out = []
    for k, rec in enumerate(rng.sample(train, min(docs, len(train)))):
        habit, rate = (("spinbot", 0.3), ("spinnerchief", 0.08))[k % 2]
        spun = Spinner(rate=rate, habit=habit, seed=seed + k).spin(rec["text"])
        for sub in spun.substitutions:
            o = sub.original.lower()
            if " " in o or not o.isalpha():
                continue
            p = explain(f"sim-{habit}-{k}", o, sub.spun.lower(), lex)
            if p is not None:
                out.append(p)
    return out


def examples(ps: list[Pick], lex: ChannelLexicon) -> list[tuple[str, str, list[str]]]:
    return [(p.original, p.spun, lex.candidate_set(p.original)) for p in ps]


# -- evaluation: ranking the true original among the inverse candidates ---------------------

class Ranker:
    """The inverse-thesaurus candidates of a spun word and their features, memoised so each
    fold only re-weights them."""

    def __init__(self, lex: ChannelLexicon) -> None:
        self.lex = lex
        self._x: dict[str, np.ndarray] = {}
        self._heads: dict[str, list[str]] = {}

    def heads(self, spun: str) -> list[str]:
        """Headwords whose candidate set holds ``spun``: Moby's inverse plus WordNet (symmetric)."""
        got = self._heads.get(spun)
        if got is None:
            hs = [h for h, _r in self.lex.th.inverse(spun)]
            if " " not in spun:
                hs += list(self.lex.wn_synonyms(spun))
            got = self._heads[spun] = [h for h in dict.fromkeys(hs) if usable_headword(h) and h != spun]
        return got

    def matrix(self, head: str) -> tuple[list[str], np.ndarray]:
        cands = self.lex.candidate_set(head)
        x = self._x.get(head)
        if x is None:
            x = self._x[head] = self.lex.feature_matrix(head, cands).astype(np.float32)
        return cands, x

    def uniform(self, head: str, spun: str) -> float:
        """The old decoder's prior: 1/len(Moby list), a WordNet-only pair at 1/len(synonyms) − 0.5 log10."""
        listing, n = self.lex.listing(head)
        if spun in listing:
            return -math.log10(n)
        return -math.log10(max(len(self.lex.wn_synonyms(head)), 1)) - 0.5

    def channel(self, head: str, spun: str, w: np.ndarray) -> float:
        cands, x = self.matrix(head)
        sc = x @ w
        top = float(sc.max())
        lz = top + math.log(float(np.exp(sc - top).sum()))
        return (float(sc[cands.index(spun)]) - lz) / math.log(10)


def rank_stats(ranks: list[int | None]) -> dict[str, float]:
    found = [r for r in ranks if r is not None]
    n = len(ranks)
    return {"n": n, "top1": sum(r == 1 for r in found) / n, "top3": sum(r <= 3 for r in found) / n,
            "mrr": sum(1 / r for r in found) / n}


def evaluate(ps: list[Pick], lex: ChannelLexicon, l2: float, fixed: ChannelModel | None = None) -> dict[str, dict[str, float]]:
    """Ranks of the true originals of ``ps``: with ``fixed`` (fitted on other data) as it is, else
    fitted on the other documents of ``ps`` for each document in turn."""
    ranker = Ranker(lex)
    docs = sorted({p.doc for p in ps})
    ranks: dict[str, list[int | None]] = {k: [] for k in ("uniform", "channel", "uniform+zipf", "channel+zipf", "shipped-issue-fit")}
    issue_fit = np.array([{"zipf": 0.5, "cos": 8.0, "multi": -3.0}.get(f, 0.0) for f in FEATURES])
    per_doc = {}
    for d in docs:
        train = [p for p in ps if p.doc != d]
        test = [p for p in ps if p.doc == d]
        model = fixed if fixed is not None else fit_channel(examples(train, lex), l2=l2, lexicon=lex)
        w = model._w()
        doc_ranks = []
        for p in test:
            heads = ranker.heads(p.spun)
            if p.original not in heads:
                for k in ranks:
                    ranks[k].append(None)
                doc_ranks.append(None)
                continue
            scores = {
                "uniform": {h: ranker.uniform(h, p.spun) for h in heads},
                "channel": {h: ranker.channel(h, p.spun, w) for h in heads},
                "shipped-issue-fit": {h: ranker.channel(h, p.spun, issue_fit) for h in heads},
            }
            scores["uniform+zipf"] = {h: v + zipf(h) for h, v in scores["uniform"].items()}
            scores["channel+zipf"] = {h: v + zipf(h) for h, v in scores["channel"].items()}
            for k, sc in scores.items():
                gold = sc[p.original]
                ranks[k].append(1 + sum(v > gold for v in sc.values()))
            doc_ranks.append(ranks["channel+zipf"][-1])
        per_doc[d] = (rank_stats(ranks["uniform+zipf"][-len(test):]), rank_stats(doc_ranks))
    out = {k: rank_stats(v) for k, v in ranks.items()}
    out["_per_doc"] = per_doc  # type: ignore[assignment]
    return out


def print_eval(title: str, res: dict) -> None:
    per_doc = res.pop("_per_doc")
    print(f"\n{title}\n| prior | n | top-1 | top-3 | MRR |\n|---|---|---|---|---|")
    for k, r in res.items():
        print(f"| {k} | {r['n']} | {r['top1']:.3f} | {r['top3']:.3f} | {r['mrr']:.3f} |")
    print("per document, uniform+zipf vs channel+zipf (top-1 / MRR):")
    for d, (u, c) in per_doc.items():
        print(f"  {d}: n={u['n']} uniform {u['top1']:.2f}/{u['mrr']:.2f}  channel {c['top1']:.2f}/{c['mrr']:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--docs", type=int, default=150, help="simulated training articles")
    ap.add_argument("--fit-on", choices=["sim", "real", "pps"], default="sim",
                    help="sim: the realistic simulated spinners (real picks stay held out); real: the real picks; "
                         "pps: the tune half of a tortured-phrase list (--list), real SpinBot-family picks in "
                         "scientific papers (the seed and realdev picks stay held out)")
    ap.add_argument("--list", type=Path, default=None, help="the tortured-phrase list for --fit-on pps (as bench.tortured --list)")
    ap.add_argument("--eval", action="store_true", help="rank the true originals of the real picks")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    t0 = time.time()
    lex = default_lexicon()
    real, counts = picks(lex)
    print(f"{len(real)} explainable real picks of {sum(n for _e, n in counts.values())} swaps:",
          ", ".join(f"{d} {e}/{n}" for d, (e, n) in sorted(counts.items())))
    if args.fit_on == "sim":
        train = simulated_picks(lex, args.docs)
        what = f"{len(train)} simulated picks (spinbot 30 % / spinnerchief 8 %, {args.docs} BBC training-split articles)"
    elif args.fit_on == "pps":
        if args.list is None:
            ap.error("--fit-on pps needs --list")
        swaps = pps_swaps(args.list)
        train = [p for doc, o, sp in swaps if (p := explain(doc, o, sp, lex)) is not None]
        what = f"{len(train)} explainable picks of {len(swaps)} word swaps in the tune half of {args.list.name}"
    else:
        train = real
        docs = sorted({p.doc for p in real})
        what = f"{len(real)} real picks: " + ", ".join(f"{d} {sum(p.doc == d for p in real)}" for d in docs)
    model = fit_channel(examples(train, lex), l2=args.l2, lexicon=lex,
                        note=f"fitted by training/train_channel.py --fit-on {args.fit_on} (l2={args.l2}) on {what}")
    print(f"fitted on {what}\nweights:", {k: round(v, 3) for k, v in model.weights.items()})
    if args.eval:
        if args.fit_on in ("sim", "pps"):
            print_eval(f"the model fitted on {args.fit_on}, on every real pick (none seen in fitting):",
                       evaluate(real, lex, args.l2, fixed=model))
            print_eval("the shipped model, on every real pick:", evaluate(real, lex, args.l2, fixed=load_channel_model()))
        print_eval("fitted on the real picks of the other documents, one document (= site) held out at a time:",
                   evaluate(real, lex, args.l2))
    if not args.no_write:
        OUT.write_text(json.dumps(ChannelModel(model.weights, model.version, model.note).to_dict(), indent=1) + "\n",
                       encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)}")
    print(f"{time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()

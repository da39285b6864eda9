"""Tortured phrases without a catalogue: can what ships find the term behind "counterfeit consciousness"?

A tortured phrase is a known multi-word term with each word swapped for a thesaurus synonym
("artificial intelligence" -> "counterfeit consciousness"). This probe measures the two halves of
catching one without a catalogue (docs/channel.md):

* **term lists**: is the original term a Moby or WordNet multi-word entry, and is it a collocation
  of the trigram LM (PMI = log10 P(b | a) - log10 P(b))?
* **search**: for each adjacent pair of content words, the pair (a, b) among the ``--k`` likeliest
  inverse-thesaurus candidates of each word (channel model × word frequency) with the strongest
  collocation; how often is it the true term, and how many pairs of clean BBC news (test split)
  does the same rule flag?

    python -m bench.tortured_probe [--k 20] [--docs 60]

(The tortured-phrase flagger built afterwards, unspin.detect.tortured, is measured by bench/tortured.py.)
"""

from __future__ import annotations

import argparse
from functools import cache

from devkit.spinner import load_bbc, split_ids
from unspin.detect.candidates import usable_headword
from unspin.detect.channel import ChannelTable, default_lexicon, load_channel_model
from unspin.lexicon.freq import zipf
from unspin.lm.ngram import load_lm
from unspin.text import TokenKind, tokenize
from unspin.text.stopwords import FUNCTION_WORDS

#: tortured phrases reported in the scientific literature, with the term they stand for
TORTURED = [
    ("counterfeit consciousness", "artificial intelligence"), ("profound learning", "deep learning"),
    ("irregular woodland", "random forest"), ("bosom malignancy", "breast cancer"),
    ("colossal information", "big data"), ("choice tree", "decision tree"),
    ("neural organization", "neural network"), ("straight relapse", "linear regression"),
    ("strategic relapse", "logistic regression"), ("remote organization", "wireless network"),
    ("picture acknowledgment", "image recognition"), ("discourse acknowledgment", "speech recognition"),
    ("information mining", "data mining"), ("kidney disappointment", "kidney failure"),
    ("square mistake", "square error"), ("savvy city", "smart city"),
    ("inexhaustible vitality", "renewable energy"), ("highlight extraction", "feature extraction"),
    ("haphazard backwoods", "random forest"), ("vitality utilization", "energy consumption"),
    ("lactose bigotry", "lactose intolerance"), ("versatile organization", "mobile network"),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--k", type=int, default=20, help="candidates per word (channel x frequency)")
    ap.add_argument("--docs", type=int, default=60, help="clean BBC test-split articles")
    args = ap.parse_args()
    lex = default_lexicon()
    th, lm, wn = lex.th, load_lm(), lex.wordnet
    table = ChannelTable(load_channel_model())
    terms = {t for t in th.terms if " " in t}
    if wn is not None:  # WordNet's multi-word lemmas, every part of speech
        terms |= {lemma.replace("_", " ").lower() for index, _data in wn._tables.values() for lemma in index if "_" in lemma}

    @cache
    def lp(w: str, c: str | None = None) -> float:
        if not lm.in_vocab(w):
            return -7.0
        return lm.logprob(w, [c] if c and lm.in_vocab(c) else [])

    def pmi(a: str, b: str) -> float:
        return lp(b, a) - lp(b)

    @cache
    def heads(w: str) -> tuple[str, ...]:
        best: dict[str, float] = {}
        for key in {w} | {lem for _u, lem, _t in th.analyse(w)}:
            for h, r in th.inverse(key):
                if usable_headword(h) and lm.in_vocab(h) and zipf(h) >= 3:
                    best[h] = max(best.get(h, -99.0), table.log_prob(h, r))
        return tuple(sorted(best, key=lambda h: -(best[h] + zipf(h)))[: args.k])

    def search(x: str, y: str) -> tuple[float, str, str] | None:
        got = [(pmi(a, b), a, b) for a in heads(x) for b in heads(y)]
        return max(got) if got else None

    in_lists = sum(t in terms for _s, t in TORTURED)
    collocations = sum(pmi(*t.split()) >= 1 for _s, t in TORTURED)
    print(f"{len(TORTURED)} tortured phrases: term a Moby/WordNet entry {in_lists}, LM collocation (PMI >= 1) {collocations}")
    _train, test = split_ids(load_bbc())
    clean: list[float] = []
    words = 0
    for rec in test[: args.docs]:
        toks = [t for t in tokenize(rec["text"])]
        words += sum(t.kind is TokenKind.WORD for t in toks)
        for t1, t2 in zip(toks, toks[1:]):
            if t1.kind is not TokenKind.WORD or t2.kind is not TokenKind.WORD or t2.start - t1.end != 1:
                continue
            x, y = t1.norm, t2.norm
            if t2.text[:1].isupper() or x in FUNCTION_WORDS or y in FUNCTION_WORDS or pmi(x, y) > 0.5:
                continue
            found = search(x, y)
            if found is not None:
                clean.append(found[0])
    for thr in (1.0, 2.0, 3.0):
        hits = 0
        for spun, term in TORTURED:
            found = search(*spun.split())
            hits += found is not None and found[0] >= thr and f"{found[1]} {found[2]}" == term
        flagged = sum(p >= thr for p in clean)
        print(f"k={args.k} PMI >= {thr}: true term found {hits}/{len(TORTURED)}; clean news pairs flagged "
              f"{flagged} ({1000 * flagged / words:.1f} per 1,000 words, {args.docs} articles)")


if __name__ == "__main__":
    main()

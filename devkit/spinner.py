"""A realistic article spinner, for development and benchmarks.

It does what SpinBot-style spinners do: walk the text, and for a share of the
content words look the word's lemma up in a thesaurus, pick a synonym without
looking at the context, re-inflect it like the original and keep the
capitalisation. Names (capitalised words inside a sentence), numbers and
function words are left alone. Every substitution is recorded as a character
span of the *spun* text with the original wording (the gold standard).

Habits vary the spinner so the detector is not tuned to one of them:

* ``pick="uniform"``: any entry of the synonym list (context-blind, SpinBot-like);
* ``pick="common"``: entries weighted by word frequency (WordAI-like output
  that reads more naturally, harder to catch);
* ``pick="front"``: the first entries of the list (Moby lists the closest
  synonyms first);
* ``pick="close"``: one of the three entries nearest the original in GloVe space,
  weighted by frequency, and the same choice for every occurrence of a word in a
  text: fluent near-synonyms used consistently, as the commercial spinner of
  ../shared/seed does ("leaders" -> "chiefs", "countries" -> "nations" throughout);
* ``phrases=True``: multi-word synonyms are allowed ("close and personal");
* ``thesaurus``: a `Thesaurus` other than Moby (e.g. one built from another file);
* ``source="wordnet"``: draw synonyms from WordNet synsets instead of Moby's lists
  (`unspin.lexicon.wordnet`, Debian ``wordnet-base``): a thesaurus the detector does not invert.

Usage::

    python -m bench.spinner --rate 0.3 --pick uniform < article.txt
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path


from unspin.detect.stopwords import FUNCTION_WORDS
from unspin.lexicon import inflection as infl
from unspin.lexicon.freq import zipf
from unspin.lexicon.moby import Thesaurus, load_thesaurus
from unspin.text import TokenKind, split_sentences, tokenize


@dataclass(frozen=True)
class Substitution:
    start: int  # in the spun text
    end: int
    spun: str
    original: str


@dataclass(frozen=True)
class SpunText:
    text: str
    original: str
    substitutions: tuple[Substitution, ...]
    eligible: int  # content words that had synonyms
    words: int  # all word tokens of the original


class Spinner:
    def __init__(
        self,
        rate: float = 0.3,
        pick: str = "uniform",
        phrases: bool = False,
        seed: int = 0,
        thesaurus: Thesaurus | None = None,
        min_zipf: float = 1.5,
        source: str = "moby",
    ) -> None:
        if pick not in ("uniform", "common", "front", "close"):
            raise ValueError(f"unknown pick habit {pick!r}")
        if source not in ("moby", "wordnet"):
            raise ValueError(f"unknown synonym source {source!r}")
        self.rate = rate
        self.pick = pick
        self.phrases = phrases
        self.rng = random.Random(seed)
        self.th = thesaurus or load_thesaurus()
        self.min_zipf = min_zipf
        self.wordnet = None
        self.vectors = None
        self._consistent: dict[str, str] = {}
        if pick == "close":
            from unspin.lexicon.vectors import load_vectors

            self.vectors = load_vectors()
        if source == "wordnet":
            from unspin.lexicon.wordnet import load_wordnet

            self.wordnet = load_wordnet()
            if self.wordnet is None:
                raise FileNotFoundError("WordNet database not installed (apt-get install wordnet-base)")

    def _synonyms(self, word: str) -> list[tuple[str, str]]:
        """``(form, lemma_synonym)`` pairs that could replace ``word``."""
        out: list[tuple[str, str]] = []
        for upos, lemma in infl.lemmas(word):
            if upos not in infl.UPOS_TAGS:
                continue
            tags = infl.penn_tags_for(word, lemma, upos)
            if not tags:
                continue
            synonyms = self.wordnet.synonyms(lemma, upos) if self.wordnet is not None else self.th.synonyms(lemma)
            for syn in synonyms:
                if " " in syn and not self.phrases:
                    continue
                if not all(p.replace("-", "").isalpha() for p in syn.split(" ")):
                    continue
                if " " not in syn and not self.th.can_be(syn, upos):
                    continue
                form = self.th.inflect(syn, tags[0]) if " " not in syn else infl.inflect(syn, tags[0])
                if not form or form == word:
                    continue
                if zipf(form.split(" ")[-1]) < self.min_zipf:
                    continue
                out.append((form, syn))
        return out

    def _choose(self, options: list[tuple[str, str]], word: str = "") -> str:
        if self.pick == "close":
            if word in self._consistent:
                return self._consistent[word]
            v = self.vectors.get(word)
            scored = []
            for form, syn in options:
                u = self.vectors.get(syn) if " " not in syn else None
                if v is not None and u is not None:
                    scored.append((float(v @ u), form))
            near = [f for _, f in sorted(scored, reverse=True)[:3]] or [f for f, _ in options[:3]]
            weights = [10 ** zipf(f.split(" ")[-1]) for f in near]
            new = self._consistent[word] = self.rng.choices(near, weights=weights)[0]
            return new
        if self.pick == "uniform":
            return self.rng.choice(options)[0]
        if self.pick == "front":
            return self.rng.choice(options[: max(3, len(options) // 10)])[0]
        weights = [10 ** zipf(f.split(" ")[-1]) for f, _ in options]
        return self.rng.choices(options, weights=weights)[0][0]

    def spin(self, text: str) -> SpunText:
        self._consistent = {}
        tokens = tokenize(text)
        sentence_starts = {tokens[s.first_token].start for s in split_sentences(text, tokens)}
        pieces: list[str] = []
        subs: list[Substitution] = []
        pos = 0  # in the original
        out_len = 0
        eligible = 0
        words = 0
        for t in tokens:
            if t.kind is not TokenKind.WORD:
                continue
            words += 1
            w = t.norm
            if w in FUNCTION_WORDS or len(w) < 3 or not w.replace("-", "").replace("'", "").isalpha():
                continue
            if t.text[:1].isupper() and t.start not in sentence_starts:
                continue  # a name
            if t.text.isupper() and len(t.text) > 1:
                continue
            options = self._synonyms(w)
            if not options:
                continue
            eligible += 1
            if self.rng.random() >= self.rate:
                continue
            new = self._choose(options, w)
            if t.text[:1].isupper():
                new = new[:1].upper() + new[1:]
            gap = text[pos : t.start]
            pieces.append(gap)
            out_len += len(gap)
            subs.append(Substitution(out_len, out_len + len(new), new, t.text))
            pieces.append(new)
            out_len += len(new)
            pos = t.end
        pieces.append(text[pos:])
        return SpunText("".join(pieces), text, tuple(subs), eligible, words)


def load_bbc(path: str | Path = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc_news_dev.jsonl") -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def split_ids(records: list[dict], test_share: float = 0.3) -> tuple[list[dict], list[dict]]:
    """Deterministic train/test split by id hash (the test part is never used for training)."""
    import zlib

    train, test = [], []
    for r in records:
        (test if zlib.crc32(r["id"].encode()) % 1000 < test_share * 1000 else train).append(r)
    return train, test


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rate", type=float, default=0.3)
    ap.add_argument("--pick", default="uniform", choices=["uniform", "common", "front", "close"])
    ap.add_argument("--phrases", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true", help="print the gold substitutions as JSON too")
    args = ap.parse_args()
    spun = Spinner(args.rate, args.pick, args.phrases, args.seed).spin(sys.stdin.read())
    if args.json:
        print(json.dumps({"text": spun.text, "substitutions": [s.__dict__ for s in spun.substitutions]}))
    else:
        sys.stdout.write(spun.text)


if __name__ == "__main__":
    main()

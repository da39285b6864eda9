"""The naive decoder: inverse-Moby candidates and a trigram margin, nothing learnt.

The baseline every detection row is compared with (issue 13's table). For each content word of a
sentence (not a function word, a name, a number or shorter than three letters) the candidates are
the headwords whose Moby list holds the word, re-inflected like it (`unspin.detect.candidates`),
kept when common (Zipf >= ``min_zipf``) and known to the trigram LM, at most ``max_candidates`` of
them, the most frequent first. Each candidate is put in the word's place and the five-word window
around it is scored by the trigram LM (the three trigrams that contain the word); the word is
flagged when the best candidate beats the observed word by at least ``margin`` (log10), with that
candidate as the suggestion. No channel prior, no confidence model, no document context.

    python -m devkit.naive < text.txt      # prints the flags
"""

from __future__ import annotations

import sys

from unspin.detect.candidates import CandidateGenerator
from unspin.detect.stopwords import FUNCTION_WORDS
from unspin.lexicon.freq import zipf
from unspin.lexicon.moby import load_thesaurus
from unspin.lm.ngram import load_lm
from unspin.text import TokenKind, split_sentences, tokenize

#: log10 margin of the best candidate over the observed word that makes a flag (2.5: about 40 false
#: flags per 1,000 words of clean news, the operating point of issue 13's naive decoder; chosen on 12
#: articles of the training split: 58 at 2.0, 38 at 2.5, 21 at 3.0)
MARGIN = 2.5
OOV = -7.0


class NaiveDecoder:
    def __init__(self, margin: float = MARGIN, min_zipf: float = 3.0, max_candidates: int = 50) -> None:
        self.margin = margin
        self.min_zipf = min_zipf
        self.max_candidates = max_candidates
        self.gen = CandidateGenerator(load_thesaurus())
        self.lm = load_lm()
        self._memo: dict[tuple[str, str | None, str | None], float] = {}
        self._cands: dict[str, list[str]] = {}

    def _lp(self, w: str, c2: str | None, c1: str | None) -> float:
        key = (w, c2, c1)
        v = self._memo.get(key)
        if v is None:
            ctx = [c for c in (c2, c1) if c is not None]
            lp = self.lm.logprob(w, ctx)
            v = self._memo[key] = OOV if lp is None else lp
            if len(self._memo) > 2_000_000:
                self._memo.clear()
        return v

    def candidates(self, word: str) -> list[str]:
        got = self._cands.get(word)
        if got is None:
            forms = {c.form for c in self.gen.candidates(word)}
            forms = [f for f in forms if zipf(f) >= self.min_zipf and self.lm.in_vocab(f)]
            got = self._cands[word] = sorted(forms, key=lambda f: -zipf(f))[: self.max_candidates]
        return got

    def _window(self, words: list[str], i: int, w: str) -> float:
        """log10 P of the trigrams that contain position ``i`` with ``w`` there."""
        seq = words[max(0, i - 2) : i] + [w] + words[i + 1 : i + 3]
        off = min(i, 2)  # index of w in seq
        total = 0.0
        for j in range(off, len(seq)):
            total += self._lp(seq[j], seq[j - 2] if j >= 2 else None, seq[j - 1] if j >= 1 else None)
        return total

    def flags(self, text: str) -> list[tuple[int, int, str | None]]:
        """``(start, end, suggestion)`` for every flagged word of ``text``."""
        tokens = tokenize(text)
        out = []
        for sent in split_sentences(text, tokens):
            toks = [t for t in tokens[sent.first_token : sent.last_token] if t.kind is TokenKind.WORD]
            words = [t.norm for t in toks]
            for i, t in enumerate(toks):
                w = words[i]
                if w in FUNCTION_WORDS or len(w) < 3 or not w.replace("-", "").isalpha():
                    continue
                if i > 0 and t.text[:1].isupper():
                    continue  # a name
                cands = self.candidates(w)
                if not cands:
                    continue
                observed = self._window(words, i, w)
                best, best_score = None, -1e9
                for c in cands:
                    s = self._window(words, i, c)
                    if s > best_score:
                        best, best_score = c, s
                if best_score - observed >= self.margin:
                    sugg = best[:1].upper() + best[1:] if t.text[:1].isupper() else best
                    out.append((t.start, t.end, sugg))
        return out


if __name__ == "__main__":
    text = sys.stdin.read()
    for a, b, s in NaiveDecoder().flags(text):
        print(f"{text[a:b]!r} -> {s!r}")

"""Slot building: a sentence's words as LM positions, each with its candidate originals.

A *slot* is one word of the sentence (or the sentence boundary), the observed word
first among its choices, then the best candidate originals by local trigram score
plus channel probability, each with its log10 prior. Only content words that could
have been swapped get candidates (`SlotBuilder.is_candidate`: not a function word,
a number, an acronym or a name). Internal to `unspin.detect`.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from unspin.detect._lmcache import LMCache
from unspin.detect.candidates import Candidate, CandidateGenerator
from unspin.lexicon.freq import zipf
from unspin.lm.bigrams import BOS as WEB_BOS
from unspin.lm.ngram import BOS, EOS
from unspin.text import Token, TokenKind
from unspin.text.stopwords import FUNCTION_WORDS

if TYPE_CHECKING:
    from unspin.detect.decoder import DetectorOptions

#: usable-candidate lists kept before the memo is cleared
MAX_USABLE = 200_000
#: words spelt with a vowel but read with a consonant sound ("a university", "a one-off") and the reverse
#: ("an hour"): the article a word takes
_CONSONANT_SOUND = ("uni", "use", "usu", "uti", "ure", "eu", "ewe", "one", "once", "ubiq", "uga", "uk", "ura")
_VOWEL_SOUND = ("hour", "honest", "honor", "honour", "heir")
ARTICLES = ("a", "an")


def agreeing_article(word: str) -> str:
    """"an" before a word read with a vowel sound ("an event", "an hour"), else "a" ("a trade", "a union")."""
    w = word.lower()
    if w.startswith(_VOWEL_SOUND):
        return "an"
    if w[:1] in "aeiou" and not w.startswith(_CONSONANT_SOUND):
        return "an"
    return "a"


def article_for(before: str | None, word: str) -> str | None:
    """``before`` as a candidate original ``word`` reads it: the agreeing article when ``before`` is one."""
    return agreeing_article(word) if before in ARTICLES else before


@dataclass
class Slot:
    """One LM position of a sentence: a word token and its alternatives."""

    token: Token | None  # None for BOS/EOS
    word: str  # normalised observed word
    choices: list[str]  # choices[0] is the observed word
    priors: list[float]  # log10 prior of each choice
    cands: list[Candidate | None] = field(default_factory=list)
    candidate_slot: bool = False
    #: choices[:decoded] take part in decoding (the observed word and the beam); the others are
    #: only ranked as restorations (`DetectorOptions.restore_beam`)
    decoded: int = 1


class SlotBuilder:
    """Turns a sentence's tokens into slots with scored candidate originals."""

    def __init__(self, lm: LMCache, gen: CandidateGenerator, options: DetectorOptions) -> None:
        self.lm = lm
        self.gen = gen
        self.options = options
        self._usable: dict[str, tuple[Candidate, ...]] = {}

    def build(self, tokens: Sequence[Token], only: Collection[int] | None = None) -> list[Slot]:
        """The sentence's slots; ``only``: the start offsets of the words that may get candidates (the spot
        check's, `unspin.spot`: every other word is kept as written), None for every judged word."""
        opt = self.options
        words = [t for t in tokens if t.kind is not TokenKind.PUNCT]
        slots: list[Slot] = [Slot(None, BOS, [BOS], [0.0], [None])]
        for t, judged in zip(words, judged_words(words)):
            w = t.norm if t.kind is TokenKind.WORD else "<num>"
            slot = Slot(t, w, [w], [0.0], [None])
            slot.candidate_slot = judged and (only is None or t.start in only)
            slots.append(slot)
        slots.append(Slot(None, EOS, [EOS], [0.0], [None]))
        keep_prior = math.log10(1 - 10**opt.log_spin_prior)
        cond = self.lm.cond
        for i, s in enumerate(slots):
            if not s.candidate_slot:
                continue
            cands = list(self.usable_candidates(s.word))
            if not cands:
                # still a content word the document score counts, but nothing to propose
                s.priors[0] = 0.0
                continue
            p2 = slots[i - 2].word if i >= 2 else None
            p1 = slots[i - 1].word
            n1 = slots[i + 1].word if i + 1 < len(slots) else None
            n2 = slots[i + 2].word if i + 2 < len(slots) else None
            agree = opt.article_agreement and p1 in ARTICLES
            if len(cands) > opt.shortlist:
                # cheap pre-scores before the full trigram scoring: the bigram with the left
                # neighbour for every candidate, then both bigrams for the best `prescore`
                if agree:  # each with the article that agrees with it
                    left: dict[str, float] = {}
                    for art in ARTICLES:
                        group = [c for c in cands if agreeing_article(c.form) == art]
                        left.update((c.form, lp + c.prior) for c, lp in zip(group, self.lm.bigrams_after(art, [c.form for c in group])))
                else:
                    left = {c.form: lp + c.prior for c, lp in zip(cands, self.lm.bigrams_after(p1, [c.form for c in cands]))}
                if len(cands) > opt.prescore:
                    cands = sorted(cands, key=lambda c: left[c.form], reverse=True)[: opt.prescore]
                if n1 is not None:
                    right = dict(zip((c.form for c in cands), self.lm.bigrams_before(n1, [c.form for c in cands])))
                    cands = sorted(cands, key=lambda c: left[c.form] + right[c.form], reverse=True)[: opt.shortlist]
                else:
                    cands = sorted(cands, key=lambda c: left[c.form], reverse=True)[: opt.shortlist]
            scored = []
            for c in cands:
                a1 = agreeing_article(c.form) if agree else p1
                sc = cond(c.form, p2, a1)
                if n1 is not None:
                    sc += cond(n1, a1, c.form)
                    if n2 is not None:
                        sc += cond(n2, c.form, n1)
                scored.append((sc + c.prior, c))
            scored.sort(key=lambda x: -x[0])
            s.priors[0] = keep_prior
            # the first `beam` are decoded; the rest, up to `restore_beam`, are only ranked as restorations
            s.decoded = 1 + min(opt.beam, len(scored))
            for _sc, c in scored[: max(opt.beam, opt.restore_beam)]:
                s.choices.append(c.form)
                s.cands.append(c)
                # the ICM prior stays the uniform pick's: decoding with the channel model's sharper
                # prior moves the evidence the confidence model was trained on (seed page recall
                # 0.37 -> 0.06); it chooses which candidates get here (see `usable_candidates`)
                s.priors.append(opt.log_spin_prior + c.log_channel)
        return slots

    def usable_candidates(self, word: str) -> tuple[Candidate, ...]:
        """Candidates the LM knows and that are common enough, most likely first by frequency and
        the channel prior (`Candidate.prior`: the channel model's pick probability), memoised."""
        got = self._usable.get(word)
        if got is None:
            opt = self.options
            # unigram LM log10 P as the frequency filter (log10 P = Zipf - 9): cheaper than wordfreq
            uni = {c.form: self.lm.cond(c.form, None, None) for c in self.gen.candidates(word)}
            floor = opt.min_candidate_zipf - 9.0
            cands = [c for c in self.gen.candidates(word) if uni[c.form] >= floor and self.lm.lm.in_vocab(c.form)]
            cands.sort(key=lambda c: -(uni[c.form] + c.prior))
            if len(self._usable) > MAX_USABLE:
                self._usable.clear()
            got = self._usable[word] = tuple(cands)
        return got

    @staticmethod
    def is_candidate(t: Token, sentence_initial: bool) -> bool:
        """Could this word have been swapped by a spinner (a content word, not a name)?"""
        w = t.norm
        if len(w) < 3 or w in FUNCTION_WORDS or not any(ch.isalpha() for ch in w):
            return False
        if any(ch.isdigit() for ch in w):
            return False
        if t.text.isupper() and len(t.text) > 1:
            return False  # acronym or shouting
        if t.text[:1].isupper():
            if not sentence_initial:
                return False  # a name (or a word in a title)
            if zipf(w) < 3.0:
                return False  # sentence-initial name
        return True


def _web_word(w: str | None) -> str | None:
    """A slot's word as the web bigram list writes it: the sentence start is `WEB_BOS` (listed), the
    sentence end and numbers have no bigrams there (None)."""
    if w is None or w == EOS or w == "<num>":
        return None
    return WEB_BOS if w == BOS else w


def judged_words(words: Sequence[Token]) -> list[bool]:
    """Which of a sentence's words and numbers (its tokens but punctuation) could have been swapped
    (`SlotBuilder.is_candidate`): the first word counts as sentence-initial unless another capitalised
    word follows it ("Hazel Blears said": a name too)."""
    out = []
    for k, t in enumerate(words):
        initial = k == 0 and not (len(words) > 1 and words[1].text[:1].isupper())
        out.append(t.kind is TokenKind.WORD and SlotBuilder.is_candidate(t, initial))
    return out

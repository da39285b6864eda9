"""Decoding a sentence: iterated conditional modes over the slots' choices.

Each word in turn takes the choice that maximises the trigram scores of the three
n-grams it takes part in plus its prior (channel probability and topic fit), given
the current choices of its neighbours, until nothing changes. Because neighbours are
re-read on every pass, two adjacent swaps ("devastating approvals") are restored
together ("crippling sanctions"). Internal to `unspin.detect`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from unspin.detect import _evidence
from unspin.detect._lmcache import LMCache
from unspin.detect._slots import Slot, SlotBuilder, _web_word, article_for
from unspin.lexicon.vectors import Vectors
from unspin.lm.bigrams import WebBigrams, load_bigrams
from unspin.text import Token

if TYPE_CHECKING:
    from unspin.detect.decoder import DetectorOptions
    from unspin.text.pos import Reading


Alternatives = tuple[tuple[str, dict[str, float]], ...]


class RawDecision:
    """Decoder output for one content word, before the confidence model.

    ``alternatives`` (every candidate original with the features the restoration model ranks it by)
    may be given as a function that computes them: they are then computed on first use, once. A check
    ranks the alternatives of the few words it flags only (computing them for every judged word cost
    about a seventh of a check: bench/results/speed.md); what is computed, when it is, is the same."""

    __slots__ = ("token", "suggestion", "features", "_alternatives", "_near")

    def __init__(self, token: Token, suggestion: str | None, features: dict[str, float],
                 alternatives: Alternatives | Callable[[], Alternatives] = ()) -> None:
        self.token = token
        #: the decoder's best alternative (None: the word has no candidate original)
        self.suggestion = suggestion
        self.features = features
        self._alternatives = alternatives
        #: the observed content words around it, for ``near`` (`_evidence.add_alternative_context`)
        self._near: tuple[np.ndarray | None, float, Vectors] | None = None

    @property
    def alternatives(self) -> Alternatives:
        alts = self._alternatives
        if callable(alts):
            alts = self._alternatives = alts()
            if self._near is not None:
                _evidence.add_near(alts, *self._near)
        return alts

    def add_near(self, wc: np.ndarray | None, wn: float, vecs: Vectors) -> None:
        """Give every alternative its ``near`` (`_evidence.add_near`), now or when they are computed."""
        if callable(self._alternatives):
            self._near = (wc, wn, vecs)
        else:
            _evidence.add_near(self._alternatives, wc, wn, vecs)

    def __repr__(self) -> str:
        return f"RawDecision({self.token!r}, {self.suggestion!r})"


class SentenceDecoder:
    """Restores the most probable original of a sentence and measures each word's evidence."""

    def __init__(self, lm: LMCache, slots: SlotBuilder, vectors: Vectors, options: DetectorOptions,
                 web: WebBigrams | None = None) -> None:
        self.lm = lm
        self.slots = slots
        self.vectors = vectors
        self.options = options
        #: the web bigram counts (`unspin.lm.bigrams`), loaded on first use when not given
        self.web = web or load_bigrams()

    def decode(
        self, tokens: Sequence[Token], topic: np.ndarray | None = None, counts: Mapping[str, int] | None = None,
        tags: Mapping[int, Reading] | None = None, only: Collection[int] | None = None,
    ) -> list[RawDecision]:
        """The decoder's best alternative, its evidence and every alternative for each content word
        (``tags``: the document's part-of-speech tags in context, for the restoration features; ``only``:
        decode only the words starting at these offsets, every other word kept as written, `SlotBuilder.build`)."""
        slots = self.slots.build(tokens, only)
        if topic is not None and self.options.topic_weight:
            lam = self.options.topic_weight
            for s in slots:
                if s.candidate_slot and len(s.choices) > 1:
                    for c, w in enumerate(s.choices):
                        v = self.vectors.get(w)
                        if v is not None:
                            s.priors[c] += lam * float(v @ topic)
        n = len(slots)
        cur = [0] * n
        idx = [i for i, s in enumerate(slots) if s.candidate_slot]
        # a slot whose neighbours (two each side) kept their choices since it was last
        # evaluated would choose the same again: only "dirty" slots are re-evaluated
        dirty = set(idx)
        for _ in range(self.options.passes):
            changed = False
            for i in idx:
                if i not in dirty:
                    continue
                dirty.discard(i)
                s = slots[i]
                best, best_sc = 0, -1e18
                for c in range(s.decoded):
                    sc = self.local_at(slots, cur, i, c) + s.priors[c]
                    if sc > best_sc:
                        best, best_sc = c, sc
                if best != cur[i]:
                    cur[i] = best
                    changed = True
                    dirty.update(j for j in (i - 2, i - 1, i + 1, i + 2) if 0 <= j < n and slots[j].candidate_slot)
            if not changed:
                break
        out: list[RawDecision] = []
        for i in idx:
            s = slots[i]
            assert s.token is not None
            if len(s.choices) == 1:
                out.append(RawDecision(s.token, None, {}, ()))
                continue
            local = [self.local_at(slots, cur, i, c) for c in range(len(s.choices))]
            best = max(range(1, s.decoded), key=lambda c: local[c] + s.priors[c])
            left, right = _web_word(_word(slots, cur, i - 1)), _web_word(_word(slots, cur, i + 1))
            alts = partial(_evidence.alternative_features, s, local, topic, counts or {}, self.vectors, self.lm.cond,
                           self.web, left, right, tags)
            feats = _evidence.word_features(s, _word(slots, cur, i - 2), _word(slots, cur, i - 1), best, local,
                                            self.lm, _neighbour_changed(cur, i))
            feats.update(_evidence.web_features(self.web, s.word, s.choices[best], left, right))
            out.append(RawDecision(s.token, s.choices[best], feats, alts))
        return out

    def local_at(self, slots: list[Slot], cur: list[int], i: int, c: int) -> float:
        """Sum of the trigram log10 scores of the n-grams that contain slot ``i``'s choice ``c``."""
        w = slots[i].choices[c]
        p2, p1 = _word(slots, cur, i - 2), _word(slots, cur, i - 1)
        n1, n2 = _word(slots, cur, i + 1), _word(slots, cur, i + 2)
        if self.options.article_agreement:
            # a candidate original reads "a" / "an" before it as the article that agrees with it (the
            # observed word keeps its own), and so does a neighbour's decoded candidate before it
            if c > 0:
                p1 = article_for(p1, w)
            if i >= 1 and cur[i - 1] > 0 and p2 is not None and p1 is not None:
                p2 = article_for(p2, p1)
        cond = self.lm.cond
        total = cond(w, p2, p1)
        if n1 is not None:
            total += cond(n1, p1, w)
            if n2 is not None:
                total += cond(n2, w, n1)
        return total


def _word(slots: list[Slot], cur: list[int], j: int) -> str | None:
    if j < 0 or j >= len(slots):
        return None
    return slots[j].choices[cur[j]]


def _neighbour_changed(cur: list[int], i: int) -> bool:
    return (i > 0 and cur[i - 1] > 0) or (i + 1 < len(cur) and cur[i + 1] > 0)

"""Noisy-channel decoder that restores the original wording of a spun text.

The observed sentence was produced from an unknown original by a spinner that
replaced some content words with thesaurus synonyms. For every content word we
take the candidate originals from the inverse thesaurus
(`unspin.detect.candidates`), keep the few that fit the local context best,
and run a Viterbi search over the whole sentence under the trigram language
model, so that two adjacent swaps ("devastating approvals") are restored
together ("crippling sanctions"). Forward and backward max-product passes give
for every word the best score with and without a change there: their
difference (the *margin*, in log10) and a handful of lexical features go
through a logistic model (`unspin.detect.calibration`) to give the flag's
confidence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

from unspin.detect.calibration import TokenModel, load_token_model
from unspin.detect.candidates import Candidate, CandidateGenerator
from unspin.detect.stopwords import FUNCTION_WORDS
from unspin.lexicon.freq import zipf
from unspin.lexicon.moby import Thesaurus, load_thesaurus
from unspin.lm.ngram import BOS, EOS, LanguageModel, load_lm
from unspin.model import Document, Flag
from unspin.text import Sentence, Token, TokenKind, split_sentences, tokenize

NEG_INF = -1e9


@dataclass(frozen=True)
class DetectorOptions:
    #: candidates kept per word after local pre-scoring (besides the observed word)
    beam: int = 4
    #: candidates pre-ranked by frequency before local scoring
    shortlist: int = 24
    #: log10 prior that a given content word was substituted
    log_spin_prior: float = math.log10(0.15)
    #: cost in log10 of a word the LM does not know
    oov_penalty: float = -6.5
    #: minimum confidence for a flag to be reported
    threshold: float = 0.5
    #: skip words rarer than this in context-free frequency (Zipf) as candidates
    min_candidate_zipf: float = 2.0


@dataclass
class Slot:
    """One LM position of a sentence: a word token and its alternatives."""

    token: Token | None  # None for BOS/EOS
    word: str  # normalised observed word
    choices: list[str]  # choices[0] is the observed word
    priors: list[float]  # log10 prior of each choice
    cands: list[Candidate | None] = field(default_factory=list)
    candidate_slot: bool = False


@dataclass(frozen=True)
class WordDecision:
    """The decoder's view of one content word (flagged or not)."""

    token: Token
    suggestion: str | None
    margin: float
    features: dict[str, float]
    confidence: float


class Detector:
    """Finds spun words in a document and proposes the originals."""

    def __init__(
        self,
        lm: LanguageModel | None = None,
        thesaurus: Thesaurus | None = None,
        options: DetectorOptions | None = None,
        token_model: TokenModel | None = None,
    ) -> None:
        self.lm = lm or load_lm()
        self.th = thesaurus or load_thesaurus()
        self.options = options or DetectorOptions()
        self.gen = CandidateGenerator(self.th)
        self.token_model = token_model or load_token_model()

    # -- public ----------------------------------------------------------
    def detect(self, doc: Document) -> tuple[list[Flag], list[WordDecision]]:
        """Flags for ``doc`` and the per-word decisions behind them."""
        tokens = tokenize(doc.text)
        if doc.excluded:
            tokens = [t for t in tokens if not _inside(t, doc.excluded)]
        decisions: list[WordDecision] = []
        for sent in split_sentences(doc.text, tokens):
            decisions.extend(self.decode_sentence(tokens[sent.first_token : sent.last_token]))
        flags = [
            Flag(
                start=d.token.start,
                end=d.token.end,
                text=d.token.text,
                suggestion=_match_case(d.suggestion, d.token.text) if d.suggestion else None,
                confidence=d.confidence,
                kind="spin",
                evidence={"margin_log10": round(d.margin, 3)},
            )
            for d in decisions
            if d.suggestion is not None and d.confidence >= self.options.threshold
        ]
        return flags, decisions

    # -- decoding --------------------------------------------------------
    def decode_sentence(self, tokens: Sequence[Token]) -> list[WordDecision]:
        slots = self._slots(tokens)
        if not any(s.candidate_slot for s in slots):
            return [self._decision(s, None, 0.0, {}) for s in slots if s.token is not None and s.candidate_slot]
        alpha, beta = self._forward_backward(slots)
        out: list[WordDecision] = []
        for i, s in enumerate(slots):
            if not s.candidate_slot:
                continue
            # max-marginal score of each choice at slot i
            mm = [NEG_INF] * len(s.choices)
            for (a, b), v in alpha[i].items():
                tot = v + beta[i].get((a, b), NEG_INF)
                if tot > mm[b]:
                    mm[b] = tot
            best = max(range(1, len(mm)), key=mm.__getitem__, default=None)
            if best is None:
                continue
            margin = mm[best] - mm[0]
            feats = self._features(slots, i, best, margin)
            out.append(self._decision(s, s.choices[best], margin, feats))
        return out

    def _decision(self, s: Slot, suggestion: str | None, margin: float, feats: dict[str, float]) -> WordDecision:
        assert s.token is not None
        conf = self.token_model.predict(feats) if suggestion else 0.0
        return WordDecision(s.token, suggestion, margin, feats, conf)

    def _features(self, slots: list[Slot], i: int, best: int, margin: float) -> dict[str, float]:
        s = slots[i]
        cand = s.cands[best]
        assert cand is not None
        obs_z = zipf(s.word)
        cand_z = zipf(s.choices[best])
        prev = slots[i - 1].word if i > 0 else BOS
        nxt = slots[i + 1].word if i + 1 < len(slots) else EOS
        lm = self.lm
        obs_lp = lm.logprob(s.word, [prev])
        cand_lp = lm.logprob(s.choices[best], [prev])
        obs_next = lm.logprob(nxt, [s.word]) if obs_lp is not None else None
        cand_next = lm.logprob(nxt, [s.choices[best]])
        return {
            "margin": margin,
            "obs_zipf": obs_z,
            "cand_zipf": cand_z,
            "zipf_gain": cand_z - obs_z,
            "obs_oov": 1.0 if obs_lp is None else 0.0,
            "bigram_gain": ((cand_lp or self.options.oov_penalty) - (obs_lp if obs_lp is not None else self.options.oov_penalty))
            + ((cand_next or self.options.oov_penalty) - (obs_next if obs_next is not None else self.options.oov_penalty)),
            "log_channel": cand.log_channel,
            "n_choices": float(len(s.choices) - 1),
        }

    def _slots(self, tokens: Sequence[Token]) -> list[Slot]:
        opt = self.options
        words = [t for t in tokens if t.kind is not TokenKind.PUNCT]
        slots: list[Slot] = [Slot(None, BOS, [BOS], [0.0], [None])]
        for k, t in enumerate(words):
            w = t.norm if t.kind is TokenKind.WORD else "<num>"
            slot = Slot(t, w, [w], [0.0], [None])
            if t.kind is TokenKind.WORD and self._is_candidate(t, k == 0 or _sentence_initial(tokens, t)):
                slot.candidate_slot = True
            slots.append(slot)
        slots.append(Slot(None, EOS, [EOS], [0.0], [None]))
        # local pre-scoring with the observed neighbours, then keep the best few
        for i, s in enumerate(slots):
            if not s.candidate_slot:
                continue
            cands = self.gen.candidates(s.word)
            cands = [c for c in cands if zipf(c.form) >= opt.min_candidate_zipf and self.lm.in_vocab(c.form)]
            if not cands:
                s.candidate_slot = False
                continue
            cands.sort(key=lambda c: -(zipf(c.form) + c.log_channel))
            cands = cands[: opt.shortlist]
            p2 = slots[i - 2].word if i >= 2 else None
            p1 = slots[i - 1].word
            n1 = slots[i + 1].word if i + 1 < len(slots) else None
            n2 = slots[i + 2].word if i + 2 < len(slots) else None
            scored = []
            for c in cands:
                sc = self._local(p2, p1, c.form, n1, n2) + c.log_channel
                scored.append((sc, c))
            scored.sort(key=lambda x: -x[0])
            keep_prior = math.log10(1 - 10**opt.log_spin_prior)
            s.priors[0] = keep_prior
            for sc, c in scored[: opt.beam]:
                s.choices.append(c.form)
                s.cands.append(c)
                s.priors.append(opt.log_spin_prior + c.log_channel)
        return slots

    def _local(self, p2: str | None, p1: str, w: str, n1: str | None, n2: str | None) -> float:
        lp = self._cond
        total = lp(w, p2, p1)
        if n1 is not None:
            total += lp(n1, p1, w)
            if n2 is not None:
                total += lp(n2, w, n1)
        return total

    def _cond(self, w: str, c2: str | None, c1: str | None) -> float:
        """log10 P(w | c2 c1) with OOV words cutting the history."""
        ctx = [x for x in (c2, c1) if x is not None]
        lp = self.lm.logprob(w, ctx)
        return self.options.oov_penalty if lp is None else lp

    def _forward_backward(self, slots: list[Slot]) -> tuple[list[dict], list[dict]]:
        n = len(slots)
        cond = self._cond
        # alpha[i][(a, b)]: best prefix score with choice a at i-1 and b at i
        alpha: list[dict[tuple[int, int], float]] = [dict() for _ in range(n)]
        alpha[0][(0, 0)] = 0.0
        for i in range(1, n):
            s = slots[i]
            p1 = slots[i - 1]
            p2 = slots[i - 2] if i >= 2 else None
            cur = alpha[i]
            for (a, b), v in alpha[i - 1].items():
                c2 = p2.choices[a] if p2 is not None else None
                c1 = p1.choices[b]
                for c, word in enumerate(s.choices):
                    sc = v + cond(word, c2, c1) + s.priors[c]
                    key = (b, c)
                    if sc > cur.get(key, NEG_INF):
                        cur[key] = sc
        # beta[i][(a, b)]: best suffix score after slot i given a at i-1, b at i
        beta: list[dict[tuple[int, int], float]] = [dict() for _ in range(n)]
        for key in alpha[n - 1]:
            beta[n - 1][key] = 0.0
        for i in range(n - 2, -1, -1):
            s_next = slots[i + 1]
            p1 = slots[i]
            p2 = slots[i - 1] if i >= 1 else None
            cur = beta[i]
            for (a, b) in alpha[i]:
                c2 = p2.choices[a] if p2 is not None else None
                c1 = p1.choices[b]
                best = NEG_INF
                for c, word in enumerate(s_next.choices):
                    nb = beta[i + 1].get((b, c))
                    if nb is None:
                        continue
                    sc = cond(word, c2, c1) + s_next.priors[c] + nb
                    if sc > best:
                        best = sc
                cur[(a, b)] = best
        return alpha, beta

    def _is_candidate(self, t: Token, sentence_initial: bool) -> bool:
        w = t.norm
        if len(w) < 3 or w in FUNCTION_WORDS or not any(ch.isalpha() for ch in w):
            return False
        if any(ch.isdigit() for ch in w):
            return False
        if t.text[:1].isupper():
            if not sentence_initial:
                return False  # a name (or a word in a title)
            if t.text.isupper() and len(t.text) > 1:
                return False  # acronym
            if zipf(w) < 3.0:
                return False  # sentence-initial name
        if t.text.isupper() and len(t.text) > 1:
            return False
        return True


def _sentence_initial(tokens: Sequence[Token], t: Token) -> bool:
    for prev in tokens:
        if prev is t:
            return True
        if prev.kind is not TokenKind.PUNCT:
            return False
    return True


def _inside(t: Token, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a <= t.start and t.end <= b for a, b in spans)


def _match_case(suggestion: str, observed: str) -> str:
    if observed.isupper() and len(observed) > 1:
        return suggestion.upper()
    if observed[:1].isupper():
        return suggestion[:1].upper() + suggestion[1:]
    return suggestion

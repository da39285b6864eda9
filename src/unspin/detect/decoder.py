"""Noisy-channel decoder that restores the original wording of a spun text.

The observed sentence was produced from an unknown original by a spinner that
replaced some content words with thesaurus synonyms. For every content word we
take the candidate originals from the inverse thesaurus
(`unspin.detect.candidates`), keep the ones that fit the local context best,
and decode the sentence under the trigram language model plus the channel
prior with iterated conditional modes: each word in turn takes the choice that
maximises the trigram scores of the three n-grams it takes part in, given the
current choices of its neighbours, until nothing changes. Because neighbours
are re-read on every pass, two adjacent swaps ("devastating approvals") are
restored together ("crippling sanctions").

For every content word the decoder then measures the evidence: how much more
probable the best restoration makes its n-grams (the *margin*, log10), how
surprising the observed word is, word frequencies, the channel probability,
and how much of the rest of the document looks spun. A logistic model
(`unspin.detect.calibration`) turns these into the flag's confidence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Mapping, Sequence

import numpy as np

from unspin.detect.calibration import TokenModel, load_restore_model, load_token_model
from unspin.detect.candidates import Candidate, CandidateGenerator
from unspin.detect.phrases import PhraseDetector, PhraseMatch
from unspin.detect.stopwords import FUNCTION_WORDS
from unspin.lexicon.freq import zipf
from unspin.lexicon.moby import Thesaurus, load_thesaurus
from unspin.lexicon.vectors import Vectors, load_vectors
from unspin.lexicon.wordnet import load_wordnet
from unspin.lm.ngram import BOS, EOS, LanguageModel, load_lm
from unspin.model import Document, Flag
from unspin.settings import PHRASE_FLAG_AT, SPUN_DOCUMENT_FLAG_AT, WORD_FLAG_AT
from unspin.text import Token, TokenKind, split_sentences, tokenize


@dataclass(frozen=True)
class DetectorOptions:
    #: candidates kept per word after local scoring (besides the observed word)
    beam: int = 10
    #: candidates kept after the cheap bigram pre-score
    shortlist: int = 30
    #: candidates (best by left bigram) that get the two-sided bigram pre-score
    prescore: int = 60
    #: log10 prior that a given content word was substituted (used while decoding)
    log_spin_prior: float = math.log10(0.15)
    #: cost in log10 of a word the LM does not know
    oov_penalty: float = -6.5
    #: minimum confidence for a flag to be reported
    threshold: float = WORD_FLAG_AT
    #: minimum confidence for a word flag once the document as a whole is judged spun
    #: (`spun_document_flags`): there most surprising words are swaps, so the bar drops
    spun_document_threshold: float = SPUN_DOCUMENT_FLAG_AT
    #: minimum confidence for a multi-word substitution (`unspin.detect.phrases`): higher than
    #: ``threshold`` because genuine idioms outnumber spun phrases in clean text
    phrase_threshold: float = PHRASE_FLAG_AT
    #: candidates rarer than this (Zipf) are not proposed as originals
    min_candidate_zipf: float = 2.0
    #: passes of iterated conditional modes over a sentence
    passes: int = 3
    #: log10 units per unit of cosine between a choice and the document's topic
    topic_weight: float = 2.0


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
class RawDecision:
    """Decoder output for one content word, before the confidence model."""

    token: Token
    suggestion: str | None  # the decoder's best alternative
    features: dict[str, float]
    alternatives: tuple[tuple[str, dict[str, float]], ...]


@dataclass(frozen=True)
class WordDecision:
    """The decoder's view of one content word (flagged or not)."""

    token: Token
    suggestion: str | None
    margin: float
    features: dict[str, float]
    confidence: float
    #: candidate originals, most likely first (``alternatives[0] == suggestion``)
    alternatives: tuple[str, ...] = ()


class Detector:
    """Finds spun words in a document and proposes the originals."""

    def __init__(
        self,
        lm: LanguageModel | None = None,
        thesaurus: Thesaurus | None = None,
        options: DetectorOptions | None = None,
        token_model: TokenModel | None = None,
        vectors: Vectors | None = None,
    ) -> None:
        self.lm = lm or load_lm()
        self.th = thesaurus or load_thesaurus()
        self.options = options or DetectorOptions()
        self.gen = CandidateGenerator(self.th, wordnet=load_wordnet())
        self.token_model = token_model or load_token_model()
        self.restore_model = load_restore_model()
        self._memo: dict[tuple[str, str | None, str | None], float] = {}
        # vocabulary membership, memoised: the LM's own check behind a plain dict lookup
        self._known = _Vocabulary(self.lm).__getitem__
        self._usable: dict[str, tuple[Candidate, ...]] = {}
        self.vectors = vectors or load_vectors()
        self.phrases = PhraseDetector(self.th, self._cond, self._known, min_candidate_zipf=self.options.min_candidate_zipf)

    # -- public ----------------------------------------------------------
    def detect(self, doc: Document) -> tuple[list[Flag], list[WordDecision]]:
        """Flags for ``doc`` and the per-word decisions behind them."""
        tokens, raw = self.decode_document(doc)
        counts = _word_counts(tokens)
        # document context: how well each word fits the topic (centroid of the
        # other content words) and whether it repeats elsewhere in the text
        vecs = self.vectors
        zero = np.zeros(vecs.dim, dtype=np.float32)
        obs_vecs = [vecs.get(r.token.norm) for r in raw]
        centroid_sum = np.sum([v for v in obs_vecs if v is not None] or [zero], axis=0)
        scored: list[int] = []
        for k, (r, v_obs) in enumerate(zip(raw, obs_vecs)):
            tok, sugg, feats = r.token, r.suggestion, r.features
            if sugg is None:
                continue
            scored.append(k)
            centroid = centroid_sum - v_obs if v_obs is not None else centroid_sum
            cn = float(np.linalg.norm(centroid)) or 1.0
            v_alt = vecs.get(sugg)
            feats["topic_obs"] = float(v_obs @ centroid) / cn if v_obs is not None else 0.0
            feats["topic_alt"] = float(v_alt @ centroid) / cn if v_alt is not None else 0.0
            feats["topic_gain"] = feats["topic_alt"] - feats["topic_obs"]
            feats["sim_obs_alt"] = float(v_obs @ v_alt) if v_obs is not None and v_alt is not None else 0.0
            window = [w for w in obs_vecs[max(0, k - 4) : k] + obs_vecs[k + 1 : k + 5] if w is not None]
            if window:
                wc = np.sum(window, axis=0)
                wn = float(np.linalg.norm(wc)) or 1.0
                feats["near_obs"] = float(v_obs @ wc) / wn if v_obs is not None else 0.0
                feats["near_alt"] = float(v_alt @ wc) / wn if v_alt is not None else 0.0
            else:
                feats["near_obs"] = feats["near_alt"] = 0.0
            feats["obs_repeats"] = math.log2(counts.get(tok.norm, 1))
            feats["alt_in_doc"] = math.log2(1 + counts.get(sugg, 0))
        confs = self.token_model.predict_document([raw[k].features for k in scored])
        conf_at = dict(zip(scored, confs))
        decisions = []
        for k, r in enumerate(raw):
            ranked = self._rank_alternatives(r.alternatives)
            suggestion = ranked[0] if ranked else r.suggestion
            decisions.append(WordDecision(r.token, suggestion, r.features.get("margin", 0.0), r.features,
                                          conf_at.get(k, 0.0), tuple(ranked[:5])))
        phrase_flags = [
            Flag(
                start=m.start,
                end=m.end,
                text=doc.text[m.start : m.end],
                suggestion=_match_case(m.suggestion, doc.text[m.start : m.end]) if m.suggestion else None,
                confidence=m.confidence,
                kind="spin",
                evidence={"margin_log10": round(m.features["margin"], 3), "phrase": m.phrase,
                          "alternatives": [_match_case(a, doc.text[m.start : m.end]) for a in m.alternatives[1:4]]},
            )
            for m in self.phrase_matches(doc, tokens)
            if m.confidence >= self.options.phrase_threshold
        ]
        flags = [_word_flag(d) for d in decisions if d.suggestion is not None and d.confidence >= self.options.threshold]
        if phrase_flags:
            # a phrase flag explains the word flags inside it
            flags = sorted(phrase_flags + [f for f in flags if not any(f.start < p.end and p.start < f.end for p in phrase_flags)],
                           key=lambda f: f.start)
        return flags, decisions

    def spun_document_flags(self, decisions: Sequence[WordDecision], flags: Sequence[Flag]) -> list[Flag]:
        """Word flags between `spun_document_threshold` and `threshold`, for a document judged spun.

        The word model's confidence assumes a modest prior that any one word was
        swapped; once the document score says the text is spun, a much larger
        share of its words are swaps, and words the model found suspicious but
        not suspicious enough are worth showing. Words inside ``flags`` are skipped.
        These flags carry ``evidence["in_spun_document"] = True``.
        """
        lo, hi = self.options.spun_document_threshold, self.options.threshold
        out = []
        for d in decisions:
            if d.suggestion is None or not lo <= d.confidence < hi:
                continue
            if any(d.token.start < f.end and f.start < d.token.end for f in flags):
                continue
            f = _word_flag(d)
            out.append(replace(f, evidence={**f.evidence, "in_spun_document": True}))
        return out

    def phrase_matches(self, doc: Document, tokens: Sequence[Token] | None = None) -> list[PhraseMatch]:
        """Thesaurus phrases in ``doc`` scored as multi-word substitutions (`unspin.detect.phrases`)."""
        if tokens is None:
            tokens = document_tokens(doc)
        out: list[PhraseMatch] = []
        for sent in split_sentences(doc.text, tokens):
            out.extend(self.phrases.find(tokens[sent.first_token : sent.last_token], _protected))
        return out

    # -- decoding --------------------------------------------------------
    def _topic(self, tokens: Sequence[Token]) -> np.ndarray | None:
        """Unit centroid of the document's content-word vectors (None if too few)."""
        vs = [self.vectors.get(t.norm) for t in tokens if t.kind is TokenKind.WORD and t.norm not in FUNCTION_WORDS and len(t.norm) > 2]
        vs = [v for v in vs if v is not None]
        if len(vs) < 5:
            return None
        c = np.sum(vs, axis=0)
        return c / (float(np.linalg.norm(c)) or 1.0)

    def decode_document(self, doc: Document) -> tuple[list[Token], list[RawDecision]]:
        """The document's tokens (furniture removed) and the decoder's output for each content word."""
        tokens = document_tokens(doc)
        topic = self._topic(tokens)
        counts = _word_counts(tokens)
        raw: list[RawDecision] = []
        for sent in split_sentences(doc.text, tokens):
            raw.extend(self.decode_sentence(tokens[sent.first_token : sent.last_token], topic, counts))
        return tokens, raw

    def decode_sentence(
        self, tokens: Sequence[Token], topic: np.ndarray | None = None, counts: Mapping[str, int] | None = None
    ) -> list[RawDecision]:
        """The decoder's best alternative, its evidence and every alternative for each content word."""
        slots = self._slots(tokens)
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
                for c in range(len(s.choices)):
                    sc = self._local_at(slots, cur, i, c) + s.priors[c]
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
            local = [self._local_at(slots, cur, i, c) for c in range(len(s.choices))]
            best = max(range(1, len(s.choices)), key=lambda c: local[c] + s.priors[c])
            alts = self._alternatives(s, local, topic, counts or {})
            out.append(RawDecision(s.token, s.choices[best], self._features(slots, cur, i, best, local), alts))
        return out

    def _alternatives(self, s: Slot, local: list[float], topic: np.ndarray | None, counts: Mapping[str, int]) -> tuple[tuple[str, dict[str, float]], ...]:
        """Every alternative of a slot with the features the restoration model ranks them by."""
        top_local = max(local[1:])
        top_total = max(local[c] + s.priors[c] for c in range(1, len(s.choices)))
        v_obs = self.vectors.get(s.word)
        out = []
        for c in range(1, len(s.choices)):
            w = s.choices[c]
            v = self.vectors.get(w)
            cand = s.cands[c]
            assert cand is not None
            out.append((w, {
                "local_rel": local[c] - top_local,
                "total_rel": local[c] + s.priors[c] - top_total,
                "log_channel": cand.log_channel,
                "topic": float(v @ topic) if v is not None and topic is not None else 0.0,
                "unigram": self._cond(w, None, None),
                "sim_obs": float(v @ v_obs) if v is not None and v_obs is not None else 0.0,
                "in_doc": math.log2(1 + counts.get(w, 0)),
            }))
        return tuple(out)

    def _rank_alternatives(self, alternatives: Sequence[tuple[str, dict[str, float]]]) -> list[str]:
        """Alternatives best first by the restoration model (decoder order without one)."""
        if not alternatives:
            return []
        model = self.restore_model
        if model is None:
            ranked = sorted(alternatives, key=lambda a: -a[1]["total_rel"])
        else:
            ranked = sorted(alternatives, key=lambda a: -model.raw(a[1]))
        return [w for w, _ in ranked]

    def _word(self, slots: list[Slot], cur: list[int], j: int) -> str | None:
        if j < 0 or j >= len(slots):
            return None
        return slots[j].choices[cur[j]]

    def _local_at(self, slots: list[Slot], cur: list[int], i: int, c: int) -> float:
        """Sum of the trigram log10 scores of the n-grams that contain slot ``i``'s choice ``c``."""
        w = slots[i].choices[c]
        p2, p1 = self._word(slots, cur, i - 2), self._word(slots, cur, i - 1)
        n1, n2 = self._word(slots, cur, i + 1), self._word(slots, cur, i + 2)
        cond = self._cond
        total = cond(w, p2, p1)
        if n1 is not None:
            total += cond(n1, p1, w)
            if n2 is not None:
                total += cond(n2, w, n1)
        return total

    def _features(self, slots: list[Slot], cur: list[int], i: int, best: int, local: list[float]) -> dict[str, float]:
        s = slots[i]
        cand = s.cands[best]
        assert cand is not None
        obs, alt = s.word, s.choices[best]
        p2, p1 = self._word(slots, cur, i - 2), self._word(slots, cur, i - 1)
        obs_left = self._cond(obs, p2, p1)
        alt_left = self._cond(alt, p2, p1)
        obs_uni = self._cond(obs, None, None)
        alt_uni = self._cond(alt, None, None)
        others = sorted(local[1:], reverse=True)
        return {
            "margin": local[best] - local[0],
            "second_gap": (others[0] - others[1]) if len(others) > 1 else 3.0,
            "obs_left": obs_left,
            "left_gain": alt_left - obs_left,
            "obs_local_rel": local[0] - 3 * obs_uni,
            "obs_uni": obs_uni,
            "alt_uni": alt_uni,
            "obs_zipf": zipf(obs),
            "alt_zipf": zipf(alt),
            "obs_oov": 1.0 if not self.lm.in_vocab(obs) else 0.0,
            "log_channel": cand.log_channel,
            "n_choices": math.log10(len(s.choices)),
            "neighbour_changed": float((i > 0 and cur[i - 1] > 0) or (i + 1 < len(cur) and cur[i + 1] > 0)),
        }

    def _slots(self, tokens: Sequence[Token]) -> list[Slot]:
        opt = self.options
        words = [t for t in tokens if t.kind is not TokenKind.PUNCT]
        slots: list[Slot] = [Slot(None, BOS, [BOS], [0.0], [None])]
        for k, t in enumerate(words):
            w = t.norm if t.kind is TokenKind.WORD else "<num>"
            slot = Slot(t, w, [w], [0.0], [None])
            initial = k == 0 or _sentence_initial(tokens, t)
            # "Hazel Blears said": a capitalised first word followed by a name is a name too
            if initial and k + 1 < len(words) and words[k + 1].text[:1].isupper():
                initial = False
            if t.kind is TokenKind.WORD and self._is_candidate(t, initial):
                slot.candidate_slot = True
            slots.append(slot)
        slots.append(Slot(None, EOS, [EOS], [0.0], [None]))
        keep_prior = math.log10(1 - 10**opt.log_spin_prior)
        cond = self._cond
        for i, s in enumerate(slots):
            if not s.candidate_slot:
                continue
            cands = list(self._usable_candidates(s.word))
            if not cands:
                # still a content word the document score counts, but nothing to propose
                s.priors[0] = 0.0
                continue
            p2 = slots[i - 2].word if i >= 2 else None
            p1 = slots[i - 1].word
            n1 = slots[i + 1].word if i + 1 < len(slots) else None
            n2 = slots[i + 2].word if i + 2 < len(slots) else None
            if len(cands) > opt.shortlist:
                # cheap pre-scores before the full trigram scoring: the bigram with the left
                # neighbour for every candidate, then both bigrams for the best `prescore`
                left = {c.form: lp + c.log_channel for c, lp in zip(cands, self._bigrams_after(p1, [c.form for c in cands]))}
                if len(cands) > opt.prescore:
                    cands = sorted(cands, key=lambda c: left[c.form], reverse=True)[: opt.prescore]
                if n1 is not None:
                    right = dict(zip((c.form for c in cands), self._bigrams_before(n1, [c.form for c in cands])))
                    cands = sorted(cands, key=lambda c: left[c.form] + right[c.form], reverse=True)[: opt.shortlist]
                else:
                    cands = sorted(cands, key=lambda c: left[c.form], reverse=True)[: opt.shortlist]
            scored = []
            for c in cands:
                sc = cond(c.form, p2, p1)
                if n1 is not None:
                    sc += cond(n1, p1, c.form)
                    if n2 is not None:
                        sc += cond(n2, c.form, n1)
                scored.append((sc + c.log_channel, c))
            scored.sort(key=lambda x: -x[0])
            s.priors[0] = keep_prior
            for _sc, c in scored[: opt.beam]:
                s.choices.append(c.form)
                s.cands.append(c)
                s.priors.append(opt.log_spin_prior + c.log_channel)
        return slots

    def _usable_candidates(self, word: str) -> tuple[Candidate, ...]:
        """Candidates the LM knows and that are common enough, most frequent first (memoised)."""
        got = self._usable.get(word)
        if got is None:
            opt = self.options
            # unigram LM log10 P as the frequency filter (log10 P = Zipf - 9): cheaper than wordfreq
            uni = {c.form: self._cond(c.form, None, None) for c in self.gen.candidates(word)}
            floor = opt.min_candidate_zipf - 9.0
            cands = [c for c in self.gen.candidates(word) if uni[c.form] >= floor and self.lm.in_vocab(c.form)]
            cands.sort(key=lambda c: -(uni[c.form] + c.log_channel))
            if len(self._usable) > 200_000:
                self._usable.clear()
            got = self._usable[word] = tuple(cands)
        return got

    def _cond(self, w: str, c2: str | None, c1: str | None) -> float:
        """log10 P(w | c2 c1) with OOV words cutting the history (memoised).

        The hot path of the decoder: the same as ``self.lm.logprob(w, [c2, c1])``
        (OOV → ``oov_penalty``), with the vocabulary checks and the reversed
        context built inline."""
        key = (w, c2, c1)
        v = self._memo.get(key)
        if v is None:
            if len(self._memo) > 2_000_000:
                self._memo.clear()
            known = self._known
            if known(w) is False:
                v = self.options.oov_penalty
            else:
                rev = [w]
                if c1 is not None:
                    if known(c1):
                        rev.append(c1)
                        if c2 is not None and known(c2):
                            rev.append(c2)
                elif c2 is not None and known(c2):
                    rev.append(c2)
                v = self.lm.raw_logprob(rev)
            self._memo[key] = v
        return v

    def _bigrams_after(self, c1: str | None, words: Sequence[str]) -> list[float]:
        """``[self._cond(w, None, c1) for w in words]``, batched (the pre-score's hot loop);
        ``words`` must all be in the LM's vocabulary (usable candidates are)."""
        memo, known, raw = self._memo, self._known, self.lm.raw_logprob
        if len(memo) > 2_000_000:
            memo.clear()
        ctx = [c1] if c1 is not None and known(c1) else []
        out = []
        for w in words:
            key = (w, None, c1)
            v = memo.get(key)
            if v is None:
                v = memo[key] = raw([w, *ctx])
            out.append(v)
        return out

    def _bigrams_before(self, w: str, contexts: Sequence[str]) -> list[float]:
        """``[self._cond(w, None, c) for c in contexts]``, batched; ``contexts`` must all be
        in the LM's vocabulary."""
        memo, known, raw = self._memo, self._known, self.lm.raw_logprob
        if len(memo) > 2_000_000:
            memo.clear()
        w_known = known(w)
        oov = self.options.oov_penalty
        out = []
        for c in contexts:
            key = (w, None, c)
            v = memo.get(key)
            if v is None:
                v = memo[key] = raw([w, c]) if w_known else oov
            out.append(v)
        return out

    def _is_candidate(self, t: Token, sentence_initial: bool) -> bool:
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


class _Vocabulary(dict):  # type: ignore[type-arg]
    """word -> is it in the LM's vocabulary; filled on first lookup, bounded."""

    def __init__(self, lm: LanguageModel) -> None:
        super().__init__()
        self.lm = lm

    def __missing__(self, word: str) -> bool:
        if len(self) > 1_000_000:
            self.clear()
        known = self[word] = self.lm.in_vocab(word)
        return known


def _protected(t: Token, k: int) -> bool:
    """A word that cannot be part of a spun phrase: an acronym, or a capitalised word
    that does not open the sentence (a name)."""
    if t.text.isupper() and len(t.text) > 1:
        return True
    return t.text[:1].isupper() and k > 0


def _word_counts(tokens: Sequence[Token]) -> dict[str, int]:
    """Occurrences of each word. A context-blind spinner swaps each occurrence on its
    own: the original often survives elsewhere in the text, and a word used many
    times is usually kept."""
    counts: dict[str, int] = {}
    for t in tokens:
        if t.kind is TokenKind.WORD:
            counts[t.norm] = counts.get(t.norm, 0) + 1
    return counts


def _sentence_initial(tokens: Sequence[Token], t: Token) -> bool:
    for prev in tokens:
        if prev is t:
            return True
        if prev.kind is not TokenKind.PUNCT:
            return False
    return True


def document_tokens(doc: Document) -> list[Token]:
    """The tokens of ``doc`` that detection reads: all of them but the page furniture."""
    tokens = tokenize(doc.text)
    if doc.excluded:
        tokens = [t for t in tokens if not _inside(t, doc.excluded)]
    return tokens


def _inside(t: Token, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a <= t.start and t.end <= b for a, b in spans)


def _word_flag(d: WordDecision) -> Flag:
    return Flag(
        start=d.token.start,
        end=d.token.end,
        text=d.token.text,
        suggestion=_match_case(d.suggestion, d.token.text) if d.suggestion else None,
        confidence=d.confidence,
        kind="spin",
        evidence={"margin_log10": round(d.margin, 3), "alternatives": [_match_case(a, d.token.text) for a in d.alternatives[1:4]]},
    )


def _match_case(suggestion: str, observed: str) -> str:
    if observed[:1].isupper():
        return suggestion[:1].upper() + suggestion[1:]
    return suggestion

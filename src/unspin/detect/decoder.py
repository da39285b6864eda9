"""Noisy-channel decoder that restores the original wording of a spun text.

The observed sentence was produced from an unknown original by a spinner that
replaced some content words with thesaurus synonyms. For every content word we
take the candidate originals from the inverse thesaurus
(`unspin.detect.candidates`), keep the ones that fit the local context best
(`_slots`), and decode the sentence under the trigram language model plus the
channel prior with iterated conditional modes (`_decode`).

For every content word the decoder then measures the evidence (`_evidence`): how
much more probable the best restoration makes its n-grams (the *margin*, log10),
how surprising the observed word is, word frequencies, the channel probability,
and how much of the rest of the document looks spun. A two-stage model
(`unspin.detect.calibration`) turns these into the word's confidence, and a
linear model ranks its candidate originals. `Detector` holds the resources and
runs these steps on a `PreparedDocument`; `unspin.detect.pipeline` turns its
output into a report.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np

from unspin.detect import _evidence
from unspin.detect._decode import RawDecision, SentenceDecoder
from unspin.detect._evidence import TAG_FEATURES
from unspin.detect._lmcache import LMCache
from unspin.detect._slots import Slot, SlotBuilder
from unspin.detect.calibration import DisplayModel, TokenModel, load_display_model, load_restore_model, load_token_model
from unspin.detect.candidates import CandidateGenerator
from unspin.detect.channel import ChannelLexicon, ChannelTable, load_channel_model
from unspin.detect.flags import layer, phrase_flag, shown_word_flags, spun_document_flags, word_flag
from unspin.detect.phrases import PhraseDetector, PhraseMatch
from unspin.detect.prepared import PreparedDocument, document_tokens, prepare
from unspin.lexicon.moby import Thesaurus, load_thesaurus
from unspin.lexicon.vectors import Vectors, load_vectors
from unspin.lexicon.wordnet import load_wordnet
from unspin.lm.ngram import LanguageModel, load_lm
from unspin.model import Document, Flag
from unspin.settings import INSERTION_FLAG_AT, PHRASE_FLAG_AT, SPUN_DOCUMENT_FLAG_AT, WORD_FLAG_AT
from unspin.text import Token

__all__ = ["Detector", "DetectorOptions", "WordDecision", "document_tokens"]


@dataclass(frozen=True)
class DetectorOptions:
    #: candidates kept per word after local scoring (besides the observed word), decoded
    beam: int = 10
    #: candidates ranked as restorations (the beam and the next best by local score, not decoded:
    #: the original is among the first 10 of a spun word's candidates 82 % of the time, the first 20 91 %)
    restore_beam: int = 20
    #: candidates kept after the cheap bigram pre-score
    shortlist: int = 30
    #: score a candidate original after "a" / "an" with the article that agrees with it ("a development"
    #: read as "an event" for "event"): a spinner that fixes the article does not make the original
    #: ungrammatical (`unspin.detect._slots.agreeing_article`); the observed word keeps its own
    article_agreement: bool = True
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
    #: minimum confidence for an insertion ("then, at that point," -> "then"; `PhraseMatch.kind`
    #: ``"inserted"``), a pattern genuine prose hardly has
    insertion_threshold: float = INSERTION_FLAG_AT
    #: candidates rarer than this (Zipf) are not proposed as originals
    min_candidate_zipf: float = 2.0
    #: passes of iterated conditional modes over a sentence
    passes: int = 3
    #: log10 units per unit of cosine between a choice and the document's topic
    topic_weight: float = 2.0
    #: decode with the channel model's pick probabilities (`unspin.detect.channel`) as the
    #: candidate prior instead of the uniform ``1 / len(list)``
    channel_prior: bool = True
    #: tag the document's parts of speech in context (`unspin.text.pos`) for the restoration
    #: features (`_evidence.TAG_FEATURES`): None tags when the restoration model reads one (the shipped
    #: one does not), True always (``train_detect --pos``), False never
    pos_tags: bool | None = None

    def phrase_flag_at(self, kind: str) -> float:
        """The confidence from which a phrase match of this `PhraseMatch.kind` is flagged."""
        return self.insertion_threshold if kind == "inserted" else self.phrase_threshold


class WordDecision:
    """The decoder's view of one content word (flagged or not).

    ``suggestion`` and ``alternatives`` may be given as ``rank``, a function returning the ranked
    candidate originals: they are then ranked on first use (a check ranks the few words it flags
    only). ``judged`` (the word has a candidate original) is known without ranking."""

    __slots__ = ("token", "margin", "features", "confidence", "judged", "_suggestion", "_alternatives", "_rank")

    def __init__(self, token: Token, suggestion: str | None, margin: float, features: dict[str, float],
                 confidence: float, alternatives: tuple[str, ...] = (),
                 rank: Callable[[], list[str]] | None = None) -> None:
        self.token = token
        self.margin = margin
        self.features = features
        self.confidence = confidence
        #: the decoder judged the word: it has candidate originals (``suggestion`` is not None)
        self.judged = suggestion is not None
        self._suggestion = suggestion
        self._alternatives = alternatives
        self._rank = rank

    def _ranked(self) -> None:
        if self._rank is not None:
            ranked, self._rank = self._rank(), None
            if ranked:
                self._suggestion = ranked[0]
            self._alternatives = tuple(ranked[:5])

    @property
    def suggestion(self) -> str | None:
        """The likeliest original (None when the word has none)."""
        self._ranked()
        return self._suggestion

    @property
    def alternatives(self) -> tuple[str, ...]:
        """Candidate originals, most likely first (``alternatives[0] == suggestion``), at most five."""
        self._ranked()
        return self._alternatives

    def __repr__(self) -> str:
        return f"WordDecision({self.token!r}, {self.suggestion!r}, confidence={self.confidence!r})"


class Detector:
    """Finds spun words in a document and proposes the originals.

    Loads its resources once (language model, thesaurus, WordNet when installed,
    GloVe vectors, the shipped models) and is then shared read-only."""

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
        channel = None
        if self.options.channel_prior:
            # the table is cached on disk for the shared thesaurus; another one gets its own
            own = None if thesaurus is None or thesaurus is load_thesaurus() else ChannelLexicon(thesaurus=self.th)
            channel = ChannelTable(load_channel_model(), lexicon=own)
        self.vectors = vectors or load_vectors()
        self.gen = CandidateGenerator(self.th, wordnet=load_wordnet(), channel=channel, vectors=self.vectors)
        self.token_model = token_model or load_token_model()
        self.restore_model = load_restore_model()
        self._pos_tags = self.options.pos_tags
        #: which word flags are shown (`shown_flags`); None: the fixed thresholds of `spin_flags`
        #: and `spun_document_flags` (a detector built with another word model has none, since the
        #: shipped one was fitted on the shipped word model's confidences)
        self.display_model: DisplayModel | None = load_display_model() if token_model is None else None
        self.scores = LMCache(self.lm, self.options.oov_penalty)
        self.slot_builder = SlotBuilder(self.scores, self.gen, self.options)
        self.decoder = SentenceDecoder(self.scores, self.slot_builder, self.vectors, self.options)
        self.phrases = PhraseDetector(self.th, self.scores.cond, self.scores.known, min_candidate_zipf=self.options.min_candidate_zipf)

    @property
    def pos_tags(self) -> bool:
        """Does `decode` tag the document's parts of speech in context (`unspin.text.pos`)? As set
        (`DetectorOptions.pos_tags`), else whenever the restoration model reads a tag feature."""
        if self._pos_tags is not None:
            return self._pos_tags
        return any(f in TAG_FEATURES for f in _features(self.restore_model))

    @pos_tags.setter
    def pos_tags(self, value: bool | None) -> None:
        self._pos_tags = value

    # -- the steps of a check (`unspin.detect.pipeline`) ---------------------------
    def judged(self, prepared: PreparedDocument) -> tuple[list[RawDecision], list[int]]:
        """The decoder's output for each content word, with its document context, and the indices of the
        words the word model judges (what `decisions` scores; their ``features`` are the model's input)."""
        raw = self.decode(prepared)
        return raw, _evidence.add_document_context(raw, prepared.counts, self.vectors)

    def decisions(self, prepared: PreparedDocument) -> list[WordDecision]:
        """Decode the document and judge every content word: confidence and ranked originals."""
        raw, scored = self.judged(prepared)
        confs = self.token_model.predict_document([raw[k].features for k in scored])
        conf_at = dict(zip(scored, confs))
        return [WordDecision(r.token, r.suggestion, r.features.get("margin", 0.0), r.features, conf_at.get(k, 0.0),
                             rank=partial(self._rank_raw, r)) for k, r in enumerate(raw)]

    def spin_flags(self, prepared: PreparedDocument, decisions: Sequence[WordDecision]) -> list[Flag]:
        """Word flags at `DetectorOptions.threshold` and phrase flags at ``phrase_threshold``
        (insertions at ``insertion_threshold``);
        a phrase flag explains (replaces) the word flags inside it."""
        opt = self.options
        words = [word_flag(d) for d in decisions if d.judged and d.confidence >= opt.threshold]
        phrases = [phrase_flag(m, prepared.text) for m in self.phrase_matches(prepared)
                   if m.confidence >= opt.phrase_flag_at(m.kind)]
        return layer([words, phrases])

    def spun_document_flags(self, decisions: Sequence[WordDecision], flags: Sequence[Flag]) -> list[Flag]:
        """Word flags between `spun_document_threshold` and `threshold`, for a document judged spun.

        The word model's confidence assumes a modest prior that any one word was
        swapped; once the document score says the text is spun, a much larger
        share of its words are swaps, and words the model found suspicious but
        not suspicious enough are worth showing. Words inside ``flags`` are skipped.
        These flags carry ``evidence["in_spun_document"] = True``.
        """
        return spun_document_flags(decisions, flags, self.options.spun_document_threshold, self.options.threshold)

    def shown_flags(self, decisions: Sequence[WordDecision], flags: Sequence[Flag], spin_score: float) -> list[Flag]:
        """The flags to show once the document is scored: ``flags`` with the word flags chosen again
        by the display model (`unspin.detect.calibration.DisplayModel`): every word at
        ``spun_document_threshold`` or above whose chance of being a swap, given its confidence, the
        document's spin score and its neighbours, is at least the model's threshold (in any document,
        not only one judged spun; a word the word model alone flags, ``threshold``, too, but only at
        that chance), each with that chance as its confidence. Without a display model, ``flags`` unchanged."""
        model = self.display_model
        if model is None:
            return list(flags)
        return shown_word_flags(decisions, flags, model.probabilities(decisions, spin_score), model.threshold,
                                self.options.spun_document_threshold)

    def decode(self, prepared: PreparedDocument) -> list[RawDecision]:
        """The decoder's output for each content word of the document, sentence by sentence, each
        alternative with its document context too (``near``, `_evidence.add_alternative_context`)."""
        tokens = prepared.tokens
        topic = _evidence.topic_vector(tokens, self.vectors)
        tags = prepared.pos_tags if self.pos_tags else None
        raw: list[RawDecision] = []
        for sent in prepared.sentences:
            raw.extend(self.decoder.decode(tokens[sent.first_token : sent.last_token], topic, prepared.counts, tags))
        _evidence.add_alternative_context(raw, self.vectors)
        return raw

    def phrase_matches(self, doc: Document | PreparedDocument, tokens: Sequence[Token] | None = None) -> list[PhraseMatch]:
        """Thesaurus phrases in ``doc`` scored as multi-word substitutions (`unspin.detect.phrases`)."""
        prepared = doc if isinstance(doc, PreparedDocument) else _prepared(doc, tokens)
        out: list[PhraseMatch] = []
        for sent in prepared.sentences:
            out.extend(self.phrases.find(prepared.tokens[sent.first_token : sent.last_token], _protected))
        return out

    # -- whole-document conveniences (benchmarks and training) ---------------------
    def detect(self, doc: Document | PreparedDocument) -> tuple[list[Flag], list[WordDecision]]:
        """Statistical flags for ``doc`` and the per-word decisions behind them (no catalogue,
        source or document score: `unspin.check` runs the whole pipeline)."""
        prepared = doc if isinstance(doc, PreparedDocument) else prepare(doc)
        decisions = self.decisions(prepared)
        return self.spin_flags(prepared, decisions), decisions

    def decode_document(self, doc: Document) -> tuple[list[Token], list[RawDecision]]:
        """The document's tokens (furniture removed) and the decoder's output for each content word."""
        prepared = prepare(doc)
        return prepared.tokens, self.decode(prepared)

    def decode_sentence(
        self, tokens: Sequence[Token], topic: np.ndarray | None = None, counts: Mapping[str, int] | None = None
    ) -> list[RawDecision]:
        """The decoder's best alternative, its evidence and every alternative for each content word."""
        return self.decoder.decode(tokens, topic, counts)

    def _rank_raw(self, r: RawDecision) -> list[str]:
        """`_rank_alternatives` of ``r``'s alternatives, computing them only now (`WordDecision`'s ``rank``)."""
        return self._rank_alternatives(r.alternatives)

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

    # kept for bench/detect.py, which scores slots itself
    def _slots(self, tokens: Sequence[Token]) -> list[Slot]:
        return self.slot_builder.build(tokens)

    def _cond(self, w: str, c2: str | None, c1: str | None) -> float:
        return self.scores.cond(w, c2, c1)


def _prepared(doc: Document, tokens: Sequence[Token] | None) -> PreparedDocument:
    if tokens is None:
        return prepare(doc)
    from unspin.detect._evidence import word_counts
    from unspin.text import TokenKind, split_sentences

    toks = list(tokens)
    return PreparedDocument(doc, toks, toks, split_sentences(doc.text, toks),
                            sum(1 for t in toks if t.kind is TokenKind.WORD), word_counts(toks), len(doc.text))


def _features(model: object) -> tuple[str, ...]:
    """The features a model reads (a wrapper's, such as `unspin.learn.apply.LearnedChannelRanking`,
    are its inner model's)."""
    got = getattr(model, "features", None)
    if got is None and hasattr(model, "model"):
        return _features(model.model)
    return tuple(got or ())


def _protected(t: Token, k: int) -> bool:
    """A word that cannot be part of a spun phrase: an acronym, or a capitalised word
    that does not open the sentence (a name)."""
    if t.text.isupper() and len(t.text) > 1:
        return True
    return t.text[:1].isupper() and k > 0

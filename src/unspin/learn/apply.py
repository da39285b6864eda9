"""Use a learned lexicon on a new document: flags of kind ``lexicon``.

Every occurrence of an entry's spun wording (any inflection) is a candidate swap
with the entry's original as the restoration. The trigram language model judges the
context, so a learned swap of an everyday word ("chiefs" -> "leaders") is flagged only
where the original fits better than the observed wording:

* ``margin``: log10 of how much more probable the original makes the n-grams it
  takes part in (the wording, and the two words after it) than the observed wording;
* the entry's swap rate ``count / (count + kept)``: how often that wording, in the
  spinner's own copies, was a swap.

The confidence is the posterior that the occurrence is a swap: prior odds from the
swap rate (smoothed) times the LM likelihood ratio ``10 ** margin``. Whether the
document is the spinner's output at all decides the bar: a document with at least
``gate_count`` *strong* occurrences (``margin >= min_margin``), at least ``gate_density``
per 100 words, is (K = 100 lexicons of the simulator's spinners, bench/learn.py: 4-36 per
copy, at least 1.9 per 100 words on the realistic habits; on 300-word State of the Union
passages 0-4, at most 1.33 per 100 words), and there every occurrence where the original fits
better (``margin > 0``) is flagged; elsewhere only ``margin >= alone_margin``. A *distinctive* multi-word entry, whose spun wording
is far less probable as a phrase than the original (``isolation gain >=
distinctive_gain``, e.g. "opening service" for "opening ceremony"), is flagged wherever
it occurs, like a catalogued tortured phrase, unless the context clearly prefers it.
Each flag's evidence names the entry and its counts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from unspin.learn.keys import realise
from unspin.learn.lexicon import LexiconEntry, SpinnerLexicon
from unspin.learn.match import LexiconIndex, LexiconMatch
from unspin.lm.ngram import BOS, EOS
from unspin.model import Document, Flag
from unspin.text import Token, TokenKind, split_sentences
from unspin.text.tokens import normalize_token

#: weight, in pseudo-counts, of a shown word flag's own confidence (the generic model's chance that
#: the word is a swap) against the spinner's counts of that word form in its copies
#: (`spinner_word_chance`). Tuned with `unspin.learn.extract.MIN_KEPT` on development copies (20 training-split
#: articles per spinner after the 300 bench/learn.py learns from, spun with another seed; K = 100
#: lexicons of the first 100 training copies; never the bench's test articles), docs/learning.md
WORD_PRIOR_WEIGHT = 2.0
#: a word form the spinner's copies never showed (neither output nor kept) is judged as if they had kept it
#: this many times (`review_word_flags`): its flag keeps ``WORD_PRIOR_WEIGHT / (WORD_PRIOR_WEIGHT + UNSEEN_KEPT)``
#: of its generic confidence. Such words were the biggest group of false flags in the spinner's documents;
#: tuned on the same development copies as `WORD_PRIOR_WEIGHT` (docs/learning.md). Only once the word table
#: has counted at least `UNSEEN_MIN_COUNT` occurrences (spun + kept; K = 100 news copies: ~14,000; K = 30: ~4,000;
#: lexicons from real pages' example swaps: under 500): a smaller table has not seen enough of the spinner's
#: words for their absence to say anything (`unseen_kept`)
UNSEEN_KEPT = 2.0
UNSEEN_MIN_COUNT = 10_000


@dataclass(frozen=True)
class LexiconOptions:
    #: LM gain (log10) of the original in context that makes an occurrence *strong* evidence
    min_margin: float = 1.0
    #: a document is this spinner's output when it has at least ``gate_count`` strong occurrences
    #: and at least ``gate_density`` per 100 words; there every occurrence where the original
    #: fits better (margin > ``spun_margin``) is flagged
    gate_count: int = 3
    gate_density: float = 1.5
    spun_margin: float = 0.0
    #: elsewhere (clean text, another spinner) only occurrences this strong are flagged
    alone_margin: float = 4.0
    #: least confidence for a flag
    threshold: float = 0.6
    #: LM gain (log10) of the original over the spun wording *as phrases* above which a
    #: multi-word entry is flagged wherever it occurs
    distinctive_gain: float = 2.0
    #: a distinctive entry is still not flagged where the context prefers the spun wording by this much
    distinctive_floor: float = -1.0
    #: confidence of a distinctive entry's flag
    distinctive_confidence: float = 0.9


@dataclass(frozen=True)
class _Scored:
    match: LexiconMatch
    entry: LexiconEntry
    lexicon: SpinnerLexicon
    suggestion: str
    margin: float
    gain: float  # isolation gain (multi-word), 0 otherwise
    confidence: float
    distinctive: bool
    #: the entry cuts words the spinner inserted ("then at that point" -> "then")
    insertion: bool = False


def spinner_word_chance(spun: float, kept: float, confidence: float, weight: float = WORD_PRIOR_WEIGHT) -> float:
    """The chance that a word is a swap in a document of this spinner: its swap rate in the spinner's
    copies, ``spun / (spun + kept)``, smoothed towards the generic model's ``confidence`` with
    ``weight`` pseudo-counts (few counts: about the generic chance; many: the spinner's own rate)."""
    return (spun + weight * confidence) / (spun + kept + weight)


def table_count(words: Mapping[str, tuple[int, int]]) -> int:
    """How many occurrences a word table counted (output + kept, every form)."""
    return sum(n + k for n, k in words.values())


def unseen_kept(words: Mapping[str, tuple[int, int]]) -> float:
    """As how many kept occurrences a word form the table never saw counts: `UNSEEN_KEPT` when the table
    has counted at least `UNSEEN_MIN_COUNT` occurrences (`table_count`), else 0 (its flag left as it is)."""
    return UNSEEN_KEPT if table_count(words) >= UNSEEN_MIN_COUNT else 0.0


def is_spinner_document(flags: Sequence[Flag]) -> bool:
    """Does a lexicon recognise the document as its spinner's (a lexicon flag says so)?"""
    return any(f.kind == "lexicon" and f.evidence.get("spinner_document") for f in flags)


def review_word_flags(flags: Sequence[Flag], words: Mapping[str, tuple[int, int]], threshold: float,
                      weight: float = WORD_PRIOR_WEIGHT, unseen: float | None = None) -> list[Flag]:
    """The statistical word flags of a document the lexicon recognises as its spinner's, judged by
    the spinner's own counts of the flagged word form (``words``: form -> (spun, kept)): each gets
    `spinner_word_chance` as its confidence and is shown only if that is at least ``threshold`` (the
    display model's), so a word the spinner demonstrably keeps loses its flag and a word it
    demonstrably outputs gains confidence. A form the copies never showed counts as kept ``unseen``
    times (default `unseen_kept`; evidence ``spinner_word: {"spun": 0, "kept": 0}``; 0: left as it
    is). Other flags and every flag of a document the lexicon does not recognise are returned as
    they are."""
    if not words or not is_spinner_document(flags):
        return list(flags)
    if unseen is None:
        unseen = unseen_kept(words)
    out = []
    for f in flags:
        if f.kind != "spin" or "phrase" in f.evidence or " " in f.text.strip():
            out.append(f)
            continue
        spun, kept = words.get(normalize_token(f.text.strip()), (0, 0))
        if not spun + kept and not unseen:
            out.append(f)
            continue
        p = spinner_word_chance(spun, kept if spun + kept else unseen, f.confidence, weight)
        if p + 1e-12 < threshold:
            continue
        out.append(replace(f, confidence=round(p, 4), evidence={
            **f.evidence, "spinner_word": {"spun": spun, "kept": kept}, "generic_confidence": f.confidence}))
    return out


class LexiconFlagger:
    """Flags for the entries of one or more lexicons (an entry in several: counts summed)."""

    def __init__(self, lexicons: Sequence[SpinnerLexicon], detector, options: LexiconOptions | None = None) -> None:
        from unspin.learn.lexicon import merge

        self.lexicons = tuple(lexicons)
        self.lexicon = self.lexicons[0] if len(self.lexicons) == 1 else merge(self.lexicons)
        self.names = ", ".join(lex.name for lex in self.lexicons if lex.name)
        self.index = LexiconIndex(self.lexicon.entries)
        self.det = detector
        self.options = options or LexiconOptions()
        self.unseen = unseen_kept(self.lexicon.words)

    def flags(self, doc: Document, tokens: Sequence[Token] | None = None) -> list[Flag]:
        """Non-overlapping lexicon flags for ``doc`` (``tokens``: its tokens without furniture)."""
        if not self.index:
            return []
        if tokens is None:
            from unspin.detect.decoder import document_tokens

            tokens = document_tokens(doc)
        opt = self.options
        found: list[_Scored] = []
        for sent in split_sentences(doc.text, list(tokens)):
            stoks = list(tokens[sent.first_token : sent.last_token])
            found.extend(self._sentence(stoks))
        # is this document the spinner's output? many of its wordings, where the original fits better
        # (an insertion's margin compares a shorter wording, always likelier: never evidence alone)
        strong = sum(s.margin >= opt.min_margin and not s.insertion for s in found)
        n_words = sum(1 for t in tokens if t.kind is TokenKind.WORD)
        spinner_doc = strong >= opt.gate_count and 100 * strong >= opt.gate_density * max(n_words, 1)
        keep = [s for s in found if s.distinctive
                or (s.confidence >= opt.threshold and (spinner_doc or not s.insertion)
                    and s.margin > (opt.spun_margin if spinner_doc else opt.alone_margin) - 1e-12)]
        return [self._flag(doc, s, strong if spinner_doc else 0) for s in keep]

    def review(self, flags: Sequence[Flag], detector=None) -> list[Flag]:
        """``flags`` (all of a document's, once shown) with the statistical word flags judged by the
        spinner's counts of each word form (`review_word_flags`), in a document the lexicon
        recognises as its spinner's; elsewhere unchanged."""
        display = getattr(detector if detector is not None else self.det, "display_model", None)
        threshold = getattr(display, "threshold", None)
        if threshold is None:
            threshold = self.det.options.spun_document_threshold
        return review_word_flags(flags, self.lexicon.words, threshold, unseen=self.unseen)

    def _sentence(self, tokens: list[Token]) -> list[_Scored]:
        matches = self.index.find(tokens)
        if not matches:
            return []
        # LM words of the sentence: word tokens and numbers (as <num>), punctuation skipped
        words = [BOS]
        at: dict[int, int] = {}
        for i, t in enumerate(tokens):
            if t.kind is TokenKind.PUNCT:
                continue
            at[i] = len(words)
            words.append(t.norm if t.kind is TokenKind.WORD else "<num>")
        words.append(EOS)
        scored = [s for m in matches if (s := self._score(m, words, at)) is not None]
        # keep the most confident, then the longest, of overlapping candidates
        scored.sort(key=lambda s: (-s.confidence, -(s.match.end - s.match.start)))
        out: list[_Scored] = []
        for s in scored:
            if any(s.match.start < o.match.end and o.match.start < s.match.end for o in out):
                continue
            out.append(s)
        return out

    def _phrase_score(self, seq: list[str], a: int, b: int) -> float:
        """log10 P of seq[a:b] and the two words after it, given the two before."""
        cond = self.det._cond
        total = 0.0
        for k in range(a, min(b + 2, len(seq))):
            total += cond(seq[k], seq[k - 2] if k >= 2 else None, seq[k - 1] if k >= 1 else None)
        return total

    def _isolated(self, phrase: Sequence[str]) -> float:
        cond = self.det._cond
        return sum(cond(phrase[k], phrase[k - 2] if k >= 2 else None, phrase[k - 1] if k >= 1 else None)
                   for k in range(len(phrase)))

    def _score(self, m: LexiconMatch, words: list[str], at: dict[int, int]) -> _Scored | None:
        opt = self.options
        a, b = at[m.first], at[m.last] + 1
        obs = self._phrase_score(words, a, b)
        best: _Scored | None = None
        for e in m.entries:
            suggestion = realise(e.original, m.pos, m.tag)
            repl = suggestion.split(" ")
            seq = words[:a] + repl + words[b:]
            margin = self._phrase_score(seq, a, a + len(repl)) - obs
            gain = 0.0
            distinctive = False
            insertion = len(repl) < len(m.words) and tuple(repl) == tuple(m.words[: len(repl)])
            if len(m.words) > 1:
                gain = self._isolated(repl) - self._isolated(m.words)
                # an insertion ("the business" -> "the", "to ground" -> "to") is always far less probable
                # than its shorter original, in isolation and in context: its gain and margin say little,
                # so it is never distinctive and is flagged only in a document that is the spinner's
                distinctive = not insertion and gain >= opt.distinctive_gain and margin >= opt.distinctive_floor
            # posterior odds of a swap: the entry's smoothed swap rate times the LM likelihood ratio
            p = (e.count + 0.5) / (e.count + e.kept + 1.0)
            z = math.log(p / (1 - p)) + math.log(10) * margin
            conf = 1 / (1 + math.exp(-max(-40.0, min(40.0, z))))
            if distinctive:
                conf = max(conf, opt.distinctive_confidence)
            elif margin <= opt.spun_margin:
                continue  # the observed wording fits at least as well: never a lexicon flag
            s = _Scored(m, e, self.lexicon, suggestion, margin, gain, conf, distinctive, insertion)
            if best is None or s.confidence > best.confidence or (s.confidence == best.confidence and s.margin > best.margin):
                best = s
        return best

    def _flag(self, doc: Document, s: _Scored, strong: int) -> Flag:
        text = doc.text[s.match.start : s.match.end]
        sugg = s.suggestion
        if text[:1].isupper():
            sugg = sugg[:1].upper() + sugg[1:]
        e = s.entry
        evidence = {
            "lexicon_entry": f"{e.spun} -> {e.original}" + (f" ({e.pos})" if e.pos != "-" else ""),
            "count": e.count, "docs": e.docs, "sites": e.sites, "kept": e.kept,
            "margin_log10": round(s.margin, 3),
        }
        if strong:
            evidence["spinner_document"] = strong  # strong occurrences that mark the document as this spinner's
        if s.distinctive:
            evidence["distinctive"] = True
            evidence["phrase_gain_log10"] = round(s.gain, 3)
        if self.names:
            evidence["lexicon"] = self.names
        return Flag(s.match.start, s.match.end, text, sugg, s.confidence, kind="lexicon", evidence=evidence)


_FLAGGERS: dict[tuple[int, ...], LexiconFlagger] = {}


def lexicon_flagger(lexicons, detector) -> LexiconFlagger:
    """A `LexiconFlagger` for ``lexicons`` (returned as is when it is one), reused across calls
    with the same lexicon objects and detector."""
    if isinstance(lexicons, LexiconFlagger):
        return lexicons
    lexicons = tuple(lexicons)
    if len(lexicons) == 1 and isinstance(lexicons[0], LexiconFlagger):
        return lexicons[0]
    key = (id(detector), *map(id, lexicons))
    got = _FLAGGERS.get(key)
    if got is None or got.det is not detector or got.lexicons != lexicons:
        if len(_FLAGGERS) > 16:
            _FLAGGERS.clear()
        got = _FLAGGERS[key] = LexiconFlagger(lexicons, detector)
    return got


class LexiconCandidates:
    """A `unspin.detect.candidates.CandidateSource`: the single-word entries of a lexicon as
    candidate originals of an observed word, with the learned ``log10 P(observed | original)``
    (the entry's share of the swaps of that original)."""

    name = "lexicon"

    def __init__(self, lexicon: SpinnerLexicon) -> None:
        self.index = LexiconIndex(e for e in lexicon.entries if e.n_words == 1 and " " not in e.original)
        totals: dict[tuple[str, str], int] = {}
        for e in lexicon.entries:
            totals[(e.original, e.pos)] = totals.get((e.original, e.pos), 0) + e.count
        self.totals = totals

    def __call__(self, observed: str):
        from unspin.learn.keys import lookup_keys

        out = []
        for key, pos, tag in lookup_keys((observed,)):
            for e in self.index.by_key.get((key, pos), ()):
                form = realise(e.original, pos, tag)
                p = e.count / max(self.totals.get((e.original, e.pos), e.count), 1)
                out.append((form, math.log10(max(p, 1e-6)), {"lexicon_entry": f"{e.spun} -> {e.original}", "count": e.count}))
        return out


_DETECTORS: dict[tuple, object] = {}
#: detectors kept at once (each holds its own channel table and candidate memo: ~30 MB)
MAX_DETECTORS = 4


def lexicon_channel(lexicons):
    """The fitted channel parameters the lexicons carry (merged, weighted by the swaps each was
    fitted on), as a `unspin.detect.channel.ChannelModel`; None when none carries readable ones."""
    from unspin.detect.channel import ChannelModel

    lexicons = [lex for lex in (lexicons.lexicons if isinstance(lexicons, LexiconFlagger) else lexicons)]
    chans = [lex.channel for lex in lexicons if isinstance(lex, SpinnerLexicon) and lex.channel]
    if not chans:
        return None
    if len(chans) > 1:
        from unspin.learn.channel import merge_channels

        merged = merge_channels(chans, [1.0] * len(chans))
        chans = [merged] if merged else []
    try:
        return ChannelModel.from_dict(chans[0])
    except (KeyError, TypeError, ValueError, AttributeError):
        return None  # parameters this version cannot read: the shipped channel


def _with_generator(detector, gen, key):
    import copy

    from unspin.detect._decode import SentenceDecoder
    from unspin.detect._slots import SlotBuilder

    got = _DETECTORS.get(key)
    if got is not None:
        return got
    det = copy.copy(detector)
    det.gen = gen
    det.slot_builder = SlotBuilder(det.scores, det.gen, det.options)
    det.decoder = SentenceDecoder(det.scores, det.slot_builder, det.vectors, det.options)
    while len(_DETECTORS) >= MAX_DETECTORS:
        _DETECTORS.pop(next(iter(_DETECTORS)))
    _DETECTORS[key] = det
    return det


#: weight of the learned channel's pick probability in the restoration model's ranking, in units
#: of the uniform pick's (``log_channel``) weight it stands in for. Tuned on development copies
#: (20 training-split articles per spinner, never the bench's test articles; K = 100 lexicons):
#: weights 1, 2, 4, 6, 10 gave exact restoration of all found swaps 0.856, 0.863, 0.870, 0.874,
#: 0.874 (close synonyms), 0.842, 0.845, 0.847, 0.852, 0.849 (spinbot), 0.853, 0.861, 0.867, 0.867,
#: 0.867 (spinnerchief), 0.833 throughout (uniform picks: no taste to learn)
RESTORE_CHANNEL_WEIGHT = 6.0


class LearnedChannelRanking:
    """A restoration model that reads the uniform pick's ``log_channel`` (those fitted before the
    conditional logit, e.g. a ``train_detect --out-dir`` model of that time) ranking a word's
    candidate originals with the learned channel's pick probability (``log_prior`` in a channel
    detector) in its place, weighted `RESTORE_CHANNEL_WEIGHT` times: among a spinner's swaps, which
    original it wrote a word for follows its taste. The shipped model reads ``log_prior`` itself
    (`reads_uniform_pick` is false) and is not wrapped: in a channel detector that feature *is* the
    learned channel's pick probability."""

    def __init__(self, model, weight: float = RESTORE_CHANNEL_WEIGHT) -> None:
        self.model = model
        self.weight = weight

    def raw(self, features) -> float:
        f = dict(features)
        lc, lp = f.get("log_channel", 0.0), f.get("log_prior", f.get("log_channel", 0.0))
        f["log_channel"] = lc + self.weight * (lp - lc)
        return self.model.raw(f)


def reads_uniform_pick(model) -> bool:
    """Does the restoration ``model`` read the uniform pick's ``log_channel`` (and so need
    `LearnedChannelRanking` to rank by a learned channel)?"""
    return model is not None and "log_channel" in getattr(model, "features", ())


def channel_detector(lexicons, detector):
    """``detector`` with the lexicons' fitted channel (`lexicon_channel`) as the decoder's candidate
    prior: which candidate originals of a word the decoder weighs follows this spinner's taste,
    also for words its copies never showed. The language model, thesaurus, vectors and models are
    shared; one detector is kept per distinct channel (and base detector), the least recent
    dropped beyond `MAX_DETECTORS`. ``detector`` itself when the lexicons carry no channel or the
    detector uses no channel prior."""
    from unspin.detect.channel import ChannelTable

    model = lexicon_channel(lexicons)
    if model is None or detector.gen.channel is None:
        return detector
    key = (id(detector), model.digest())
    got = _DETECTORS.get(key)
    if got is not None:
        return got
    lex = detector.gen.channel.lex
    table = ChannelTable(model, lexicon=None if lex is _default_channel_lexicon() else lex)
    det = _with_generator(detector, detector.gen.derived(channel=table), key)
    if reads_uniform_pick(detector.restore_model) and not isinstance(det.restore_model, LearnedChannelRanking):
        det.restore_model = LearnedChannelRanking(detector.restore_model)
    return det


class _Flags:
    """Lexicon flags computed already, as a `unspin.detect.pipeline.Flagger`."""

    kind = "lexicon"

    def __init__(self, flags: list[Flag], flagger: LexiconFlagger | None = None) -> None:
        self._flags = flags
        self._flagger = flagger

    def flags(self, prepared, detector) -> list[Flag]:
        return list(self._flags)

    def review(self, flags: Sequence[Flag], detector=None) -> list[Flag]:
        return self._flagger.review(flags, detector) if self._flagger is not None else list(flags)


def spinner_check(lexicons, detector, prepared):
    """The lexicons' flags for a prepared document (a `unspin.detect.pipeline.Flagger` holding
    them) and the detector to decode it with: `channel_detector` when the lexicon recognises the
    document as its spinner's output (a flag with ``spinner_document`` evidence), else
    ``detector``. A spinner's channel describes that spinner only: applied to another spinner's
    copies it lowered recall and restoration (bench/learn.py), so it is used where the lexicon's
    own evidence says the document is that spinner's."""
    flagger = lexicon_flagger(lexicons, detector)
    flags = flagger.flags(prepared.document, tokens=prepared.tokens)
    if any(f.evidence.get("spinner_document") for f in flags):
        detector = channel_detector(lexicons, detector)
    return _Flags(flags, flagger), detector


def _default_channel_lexicon():
    from unspin.detect.channel import default_lexicon

    return default_lexicon()


def lexicon_detector(lexicons, detector):
    """`channel_detector` plus the lexicons' single-word entries as extra candidate originals
    (`LexiconCandidates`); measured no better than the lexicon flags for the covered words
    (bench/learn.py), kept for experiments."""
    flagger = lexicon_flagger(lexicons, detector)
    base = channel_detector(flagger, detector)
    key = (id(detector), id(flagger), "candidates")
    got = _DETECTORS.get(key)
    if got is not None:
        return got
    gen = detector.gen.derived(channel=base.gen.channel, sources=[*detector.gen.sources, LexiconCandidates(flagger.lexicon)])
    return _with_generator(detector, gen, key)

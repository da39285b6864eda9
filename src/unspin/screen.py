"""The screening pass: a document-level spin score from look-ups only, ~35x cheaper than a full check.

A crawl is mostly clean. `screen` reads a document once and scores it with a trained linear
model over features that cost a few dictionary or language-model look-ups per word — no
candidate generation, no decoding. The model is *distilled* from the full check
(``training/train_screen.py``):

* **the word model**: per word the full check would judge, the probability that the full check is
  confident it was swapped, from look-ups (the gain of its likeliest originals in context, its fit
  with its neighbours and the document, its frequency...), summarised per document as the full
  check's document model reads its confidences (``word_p_topf`` is its ``top_conf``);
* **the own model**: the same for the full check's probability of a swap on the word's own evidence,
  summarised as its ``own_top``, ``own_share`` and ``own_common_share``;
* **thesaurus phrases** scored by the full check's own phrase model on precomputed candidates;
* **spinner-likeness of words and bigrams**: learned log-odds of a word (a bigram) being a
  spinner's substitute rather than the writer's word;
* **language-model look-ups** (the trigram model of the full check): mean log10 P(word | two words
  before), the share of very surprising words, context misfits;
* **word frequency** (wordfreq Zipf): rare content words, mean Zipf;
* **style** (what a spinner leaves alone, so the model learns what is normal for a kind of
  prose): function-word share, names, numbers, words per sentence, and the full check's own hinged
  style features, with which it discounts old prose.

`screen` returns a `ScreenResult` (score, whether it passes on, the features and the words that
raised it); `screen_report` turns it into the `unspin.model.Report` of ``unspin check --screen``
(``flags`` empty, verdict ``clean`` when screened out, ``uncertain`` when the document goes on
to the full check, the evidence in ``explanation``). The default threshold is
`unspin.settings.SCREEN_THRESHOLD`, chosen by ``training/train_screen.py`` out of fold for 97 %
recall of the documents the full check calls spun (docs/screen.md).
"""

from __future__ import annotations

import itertools
import math
import re
import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from unspin.detect.calibration import LinearModel
from unspin.detect.score import FORMAL_FUNCTION_WORDS
from unspin.lm.ngram import reversed_history
from unspin.model import Document, Report
from unspin.settings import DOCUMENT_FEATURES, MIN_WORDS, PHRASE_FLAG_AT, SCREEN_THRESHOLD
from unspin.text.stopwords import FUNCTION_WORDS

if TYPE_CHECKING:
    from unspin.detect.decoder import Detector

__all__ = ["ScreenModel", "ScreenResult", "SpotStage", "SPOT_FEATURES", "spot_features", "screen", "screen_features", "screen_report", "load_screen_model",
           "word_units", "word_feature_dict", "FEATURES", "WORD_FEATURES", "WORD_PAIRS", "MODEL_FILE"]

MODEL_FILE = "screen_model.json"
#: every feature `screen_features` computes (what the screening model may read)
FEATURES = ("word_spin", "word_spin_hi", "bigram_spin", "orig_gain", "orig_gain_share", "orig_gain_strong", "lm_mean", "lm_surprise", "lm_misfit", "lm_misfit_strong",
            "lm_misfit_mean", "oov_share",
            "rare_share", "zipf_mean", "function_share", "name_share", "number_share", "sentence_words",
            "word_p_mean", "word_p_sum", "word_p_high", "word_p_mid", "word_p_top", "gain2", "phrase_density", "phrase_mass",
            "word_p_topf", "word_p_top1", "word_p_top3", "word_p_n40", "word_p_n60", "word_p_share20",
            "own_p_top", "own_p_share", "own_p_common", "style_function", "style_names", "style_numbers", "style_sentence",
            "style_formal")
#: what the word and own models (`ScreenModel.word_model`, `ScreenModel.own_model`) read of one word: its
#: spinner-likeness weight; the log10 gain of its best likely original with the two words before
#: (``left_gain``, clipped; ``left_gain_pos`` unclipped, from 0) and with the word after too
#: (``gain``, ``gain_pos``; ``right_gain`` the part after); its context misfit (log10 P(w | h) - log10 P(w),
#: clipped), log10 P(w | h), log10 P(w), Zipf and the Zipf of its best original over its own; how well it
#: fits its four neighbours on each side and the document (cosine with their word-vector sum, as the
#: full check's ``near_obs`` and ``topic_obs``), how often it repeats (log2), how many originals it has and
#: whether it has none (then its gains are 0)
WORD_FEATURES = ("weight", "left_gain", "gain", "left_gain_pos", "gain_pos", "misfit", "lp", "uni", "zipf", "orig_zipf_gap",
                 "right_gain", "near", "topic", "repeats", "n_originals", "no_originals")
#: the word features whose products two by two (squares too) the word model may also read, as ``"a*b"``
_ZIPF = WORD_FEATURES.index("zipf")
WORD_PAIR_BASE = ("gain_pos", "near", "uni", "misfit", "repeats", "topic", "zipf", "weight", "no_originals")
#: words without likely originals are scored too (``no_originals`` 1)
SCORE_ALL_WORDS = True
WORD_PAIRS = tuple(f"{a}*{b}" for k, a in enumerate(WORD_PAIR_BASE) for b in WORD_PAIR_BASE[k:])
_PAIR_AT = {name: (WORD_FEATURES.index(a), WORD_FEATURES.index(b))
            for name in WORD_PAIRS for a, b in [name.split("*")]}


def word_feature_dict(x: tuple[float, ...]) -> dict[str, float]:
    """One word's `WORD_FEATURES` values and their `WORD_PAIRS` products by name (what the word model is fitted on)."""
    d = dict(zip(WORD_FEATURES, x))
    for name, (a, b) in _PAIR_AT.items():
        d[name] = x[a] * x[b]
    return d


#: the word model's probability from which a word counts in ``word_p_high`` and ``word_p_mid``
WORD_P_HIGH = 0.5
WORD_P_MID = 0.3
#: ``word_p_top``: the mean of this many strongest word probabilities
WORD_P_TOP = 10
#: ``word_p_topf``: the mean of this share of the strongest word probabilities (at least `WORD_P_TOPF_MIN`), as
#: the full check's ``top_conf`` (`unspin.detect.score.top_confidence`) reads its word confidences
WORD_P_TOPF = 0.02
WORD_P_TOPF_MIN = 2
#: the likely originals (the best with the words before) also scored with the word after
RIGHT_ORIGINALS = 4
#: longest thesaurus phrase looked up (words)
PHRASE_WORDS = 4
#: the language model's log10 probability of an unknown word
OOV_LOG10 = -7.0
#: bits of a phrase candidate (`ScreenModel.phrases`)
PHRASE_OWN, PHRASE_WORDNET_ONLY = 1, 2
#: the phrase features the screen computes, in the order of its tuples (those of `unspin.detect.phrases`)
_PHRASE_FEATURES = ("margin", "margin_channel", "per_word_obs", "cohesion", "n_words", "log_channel", "alt_uni",
                    "alt_zipf", "content_share", "min_content_zipf", "inflected", "second_gap", "own_word",
                    "wordnet_only", "phrase_in_moby", "own_margin", "own_cohesion", "multi_word_original")
#: log10 P under which a word counts as surprising (`lm_surprise`)
SURPRISE_LOG10 = -4.0
#: context penalty (log10 P(w | h) - log10 P(w)) under which a content word misfits its context
MISFIT_LOG10 = -0.3
#: a stronger context penalty (`lm_misfit_strong`)
STRONG_MISFIT_LOG10 = -1.0
#: log10 gain of the likely original over the word in its context from which `orig_gain_share` counts it
ORIG_GAIN_LOG10 = 0.5
#: ... and `orig_gain_strong`
STRONG_GAIN_LOG10 = 1.5
#: Zipf frequency under which a content word is rare
RARE_ZIPF = 3.0
#: a word weight from which a word counts in `word_spin_hi`
HIGH_WORD_WEIGHT = 2.0
#: the language model's units (log base 1.0001) per log10
_LOG10 = 23027.0
_PS_OOV = -536870912

_NEWS = DOCUMENT_FEATURES.news_style

# words (letters, inner apostrophes and hyphens), numbers, sentence ends: one regex pass
_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*|\d+(?:[.,]\d+)*|[.!?]+|\n")


#: what the spot check adds to the document features: the mean of the highest 2 % (at least 2) of the word
#: probabilities with the spot-checked words' replaced by the full check's confidences (``word_p_topf`` made
#: exact where it matters most), and the highest of those confidences
SPOT_FEATURES = ("spot_topf", "spot_max")


@dataclass(frozen=True)
class SpotStage:
    """The spot check's part of a `ScreenModel` (``training/train_screen.py``, docs/screen.md)."""

    model: LinearModel
    #: the look-up score band [low, high) in which the spot check runs: under it a document is screened out,
    #: at or over it passed on, on look-ups alone
    band: tuple[float, float]
    #: the default threshold of the score with the spot check (chosen out of fold like `SCREEN_THRESHOLD`)
    threshold: float
    #: the words the spot check decodes: the word model's most probable
    words: int

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model.to_dict(), "band": list(self.band), "threshold": self.threshold, "words": self.words}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> SpotStage:
        lo, hi = d["band"]
        return cls(LinearModel.from_dict(d["model"]), (float(lo), float(hi)), float(d["threshold"]), int(d["words"]))


@dataclass(frozen=True)
class ScreenModel:
    """Word and bigram spinner-likeness weights and the linear model over the document features."""

    words: Mapping[str, float]
    bigrams: Mapping[str, float]
    model: LinearModel
    #: a word -> the originals a spinner most likely replaced with it (a few, inflected like it, in the language
    #: model's vocabulary): precomputed by the training script from the full check's candidate generator
    originals: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    meta: Mapping[str, Any] = field(default_factory=dict)
    #: one word's probability that the full check would give it a high confidence, from `WORD_FEATURES`
    #: (distilled from the full check's word confidences); None: the ``word_p_*`` features are 0
    word_model: LinearModel | None = None
    #: a thesaurus phrase of 2-4 words (Moby's and WordNet's multi-word entries, as written) -> whether Moby
    #: lists it, and the single words a spinner may have replaced with it as ``(word, log10 channel
    #: probability, bits)`` (`PHRASE_OWN`: one of the phrase's own words; `PHRASE_WORDNET_ONLY`: from
    #: WordNet only): the full check's phrase candidates, precomputed by the training script; scored here
    #: by the full check's own phrase model
    phrases: Mapping[str, tuple[bool, tuple[tuple[str, float, int], ...]]] = field(default_factory=dict)
    #: one word's probability of being a swap *on its own evidence*, as the full check's word model gives it
    #: before it reads the rest of the document (`unspin.detect.score.context_free_probabilities`, what its
    #: document model's ``own_*`` features read), from `WORD_FEATURES`; None: the ``own_p_*`` features are 0
    own_model: LinearModel | None = None
    #: the spot check (`screen(..., spot=True)`): a document model reading `FEATURES` and `SPOT_FEATURES`, the
    #: band of the look-up score in which it is asked, its threshold and how many words it decodes; None: no spot check
    spot: SpotStage | None = None

    def __post_init__(self) -> None:
        # the word models folded into one weight per `WORD_FEATURES` entry, one per product of `WORD_PAIRS` they
        # read and a bias (a dot product a word, plus the products)
        object.__setattr__(self, "_folded", _fold(self.word_model))
        object.__setattr__(self, "_folded_own", _fold(self.own_model))
        # the two words a thesaurus phrase starts with (most positions need no further look-up)
        object.__setattr__(self, "_phrase_starts", frozenset(" ".join(p.split(" ", 2)[:2]) for p in self.phrases))
        # a word -> what the screen looks up of it (`_word_info`), memoised per process, bounded in size
        object.__setattr__(self, "_info", {})
        # the words a weighted bigram starts with (most word pairs need no look-up)
        object.__setattr__(self, "_bigram_starts", frozenset(b.split(" ", 1)[0] for b in self.bigrams))

    def word_probabilities(self, X: np.ndarray) -> np.ndarray:
        """The word model's probability of each row of ``X`` (`WORD_FEATURES` values, one word a row)."""
        return _apply(self._folded, X)  # type: ignore[attr-defined]

    def own_probabilities(self, X: np.ndarray) -> np.ndarray:
        """`own_model`'s probability of each row of ``X`` (as `word_probabilities`)."""
        return _apply(self._folded_own, X)  # type: ignore[attr-defined]

    def to_dict(self) -> dict[str, Any]:
        return {"type": "screen", "model": self.model.to_dict(),
                "word_model": self.word_model.to_dict() if self.word_model is not None else None,
                "own_model": self.own_model.to_dict() if self.own_model is not None else None,
                "words": {w: round(v, 3) for w, v in sorted(self.words.items())},
                "bigrams": {b: round(v, 3) for b, v in sorted(self.bigrams.items())},
                "originals": {w: " ".join(o) for w, o in sorted(self.originals.items())},
                "phrases": {p: " ".join([str(int(moby)), *(f"{f}:{lc:.2f}:{b}" for f, lc, b in c)])
                            for p, (moby, c) in sorted(self.phrases.items())},
                "spot": self.spot.to_dict() if self.spot is not None else None}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ScreenModel:
        wm, om = d.get("word_model"), d.get("own_model")
        return cls(dict(d["words"]), dict(d["bigrams"]), LinearModel.from_dict(d["model"]),
                   {w: tuple(o.split()) for w, o in d.get("originals", {}).items()},
                   dict(d.get("metadata", {})), LinearModel.from_dict(wm) if wm else None,
                   {p: _read_phrase(c) for p, c in d.get("phrases", {}).items()},
                   LinearModel.from_dict(om) if om else None,
                   SpotStage.from_dict(d["spot"]) if d.get("spot") else None)


_Folded = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]


def _fold(wm: LinearModel | None) -> _Folded:
    """A word model as one weight per `WORD_FEATURES` entry, the index pairs and weights of the `WORD_PAIRS`
    products it reads, and a bias (None: a bias of -40, every probability ~0)."""
    coef, pairs, pcoef, bias = [0.0] * len(WORD_FEATURES), [], [], -40.0
    if wm is not None:
        bias = wm.bias
        for name, w in wm.weights.items():
            mean, scale = wm.scaling.get(name, (0.0, 1.0))
            bias -= w * mean / scale
            if name in _PAIR_AT:
                pairs.append(_PAIR_AT[name])
                pcoef.append(w / scale)
            else:
                coef[WORD_FEATURES.index(name)] = w / scale
    ia = np.asarray([a for a, _ in pairs], dtype=np.int64)
    ib = np.asarray([b for _, b in pairs], dtype=np.int64)
    return np.asarray(coef), ia, ib, np.asarray(pcoef), bias


def _apply(folded: _Folded, X: np.ndarray) -> np.ndarray:
    coef, ia, ib, pcoef, bias = folded
    t = X @ coef + bias
    if len(pcoef):
        t += (X[:, ia] * X[:, ib]) @ pcoef
    return 1.0 / (1.0 + np.exp(-np.clip(t, -40.0, 40.0)))


def _read_phrase(text: str) -> tuple[bool, tuple[tuple[str, float, int], ...]]:
    moby, *cands = text.split()
    out = []
    for c in cands:
        form, lc, bits = c.rsplit(":", 2)
        out.append((form, float(lc), int(bits)))
    return moby == "1", tuple(out)


@dataclass(frozen=True)
class ScreenResult:
    """One document's screening: ``score`` in [0, 1]; ``passed`` when it goes on to the full check."""

    score: float
    passed: bool
    threshold: float
    words: int
    features: Mapping[str, float]
    #: the spinner-like words and bigrams found, strongest first (at most 8)
    hits: tuple[str, ...] = ()
    #: scored again by the spot check (`screen(..., spot=True)`, in the spot band)
    spotted: bool = False

    def explanation(self) -> str:
        if self.words < MIN_WORDS:
            return f"screen: {self.words} words, too short to screen out: passed on to the full check"
        f = self.features
        why = f"surprising words {100 * f.get('lm_surprise', 0.0):.1f} %, context misfits {100 * f.get('lm_misfit', 0.0):.1f} %"
        if self.hits:
            why = "spinner-like " + ", ".join(f"'{h}'" for h in self.hits) + "; " + why
        if self.spotted:
            why += f"; spot-checked: the full check's confidence of its most suspicious words up to {self.features.get('spot_max', 0.0):.2f}"
        if self.passed:
            return f"screen score {self.score:.2f} at or above {self.threshold:g}: passed on to the full check ({why})"
        return f"screen score {self.score:.2f} under {self.threshold:g}: screened out as clean ({why})"


_LOCK = threading.Lock()
_MODEL: ScreenModel | None = None


def load_screen_model() -> ScreenModel:
    """The shipped screening model (loaded once; a `ResourceError` if missing or stale)."""
    global _MODEL
    with _LOCK:
        if _MODEL is None:
            from unspin.detect.modelio import check_features, load_shipped

            d = load_shipped(MODEL_FILE)
            m = ScreenModel.from_dict(d)
            check_features(MODEL_FILE, d["metadata"], m.model.features, FEATURES)
            if any(wm is not None and not set(wm.features) <= set(WORD_FEATURES) | set(WORD_PAIRS)
                   for wm in (m.word_model, m.own_model)) or (
                    m.spot is not None and not set(m.spot.model.features) <= set(FEATURES) | set(SPOT_FEATURES)):
                from unspin.errors import ResourceError

                raise ResourceError(f"model file unspin/data/{MODEL_FILE}: its word model reads features this version "
                                    "of unspin does not compute; rebuild it with `make model`")
            _MODEL = m
        return _MODEL


class _Lookups:
    """The language model and word frequencies, with per-process memos bounded in size."""

    MAX = 2_000_000

    def __init__(self) -> None:
        from unspin.lexicon.freq import zipf
        from unspin.lexicon.vectors import load_vectors
        from unspin.lm import load_lm
        from unspin.lm.trie import load_trie

        self.prob = load_lm()._model.prob
        #: the language model as arrays: the likely originals of a document's words are scored in one call
        self.trie = load_trie()
        self.zipf = zipf
        self.uni: dict[str, float | None] = {}
        self.vectors = load_vectors()
        self.zero = np.zeros(self.vectors.dim, dtype=np.float32)
        from unspin.detect.phrases import load_phrase_model

        pm = load_phrase_model()
        missing = sorted(set(pm.features) - set(_PHRASE_FEATURES))
        if missing:
            from unspin.errors import ResourceError

            raise ResourceError(f"the phrase model reads features the screen does not compute: {', '.join(missing)}")
        # the full check's phrase model folded into one weight per feature in `_PHRASE_FEATURES` order and a bias
        self.phrase_coef = [pm.weights.get(f, 0.0) / pm.scaling.get(f, (0.0, 1.0))[1] for f in _PHRASE_FEATURES]
        self.phrase_bias = pm.bias - sum(pm.weights.get(f, 0.0) * pm.scaling.get(f, (0.0, 1.0))[0] / pm.scaling.get(f, (0.0, 1.0))[1]
                                         for f in _PHRASE_FEATURES)
        #: a phrase -> what of its score does not depend on its context (memoised, bounded)
        self.phrase_memo: dict[str, tuple[float, float, float, list[tuple[str, float, int, float, float]]]] = {}

    def unigram(self, w: str) -> float | None:
        lp = self.uni.get(w, 0.0)
        if lp == 0.0 and w not in self.uni:
            raw = self.prob([w])
            lp = None if raw == _PS_OOV else raw / _LOG10
            if len(self.uni) > self.MAX:
                self.uni.clear()
            self.uni[w] = lp
        return lp


_LOOKUPS: _Lookups | None = None

#: the most words `_word_info` remembers per model (a few hundred bytes each with the caches behind it; then
#: it starts again): a crawl's vocabulary past the commonest 200,000 words is rare enough to look up each time
INFO_MAX = 200_000
#: what the screen looks up of one word (`_word_info`): function word, formal function word, Zipf frequency,
#: spinner-likeness weight (None: none), log10 P(word) (None: not in the language model), likely originals
#: (None: none), unit vector (None: none), the word's id in the language model's arrays (-1: none), the likely
#: originals' ids (None: none)
_Info = tuple[bool, bool, float, "float | None", "float | None", "tuple[str, ...] | None", "np.ndarray | None", int,
              "np.ndarray | None"]
#: one word as `screen_features` passes it on (see there)
_Seq = tuple[int, str, bool, bool, "float | None", "float | None", _Info]


def _word_info(m: ScreenModel, look: _Lookups, w: str) -> _Info:
    """Everything the screen reads of ``w`` that does not depend on its context, looked up once per process
    (`ScreenModel._info`)."""
    cands = m.originals.get(w)
    ids = getattr(m, "_original_ids", None)
    if ids is None:
        ids = _original_ids(m, look)
    info: _Info = (w in FUNCTION_WORDS, w in FORMAL_FUNCTION_WORDS, look.zipf(w), m.words.get(w), look.unigram(w),
                   cands, look.vectors.get(w), look.trie.vocab.get(w, -1), ids.get(w))
    memo = m._info  # type: ignore[attr-defined]
    if len(memo) > INFO_MAX:
        memo.clear()
    memo[w] = info
    return info


def _original_ids(m: ScreenModel, look: _Lookups) -> dict[str, np.ndarray]:
    """Every word's likely originals as ids in the language model's arrays (-1: unknown), computed for the whole
    table at once (~0.3 s of CPU, once per model and process: one by one, a word met for the first time cost ~12 µs)."""
    vocab = look.trie.vocab
    words = list(m.originals)
    flat = np.fromiter((vocab.get(o, -1) for w in words for o in m.originals[w]), dtype=np.int64)
    ends = np.cumsum([len(m.originals[w]) for w in words])
    ids = dict(zip(words, np.split(flat, ends[:-1]) if words else [], strict=True))
    object.__setattr__(m, "_original_ids", ids)
    return ids


def _lookups() -> _Lookups:
    global _LOOKUPS
    with _LOCK:
        if _LOOKUPS is None:
            _LOOKUPS = _Lookups()
        return _LOOKUPS


def word_units(text: str) -> list[tuple[int, int, str | None]]:
    """``(start, end, word)`` of every word as the screen reads it (lower case, straight apostrophe),
    with ``word`` None for a number or a sentence end (where a bigram cannot span): what
    ``training/train_screen.py`` counts its word and bigram weights over."""
    out: list[tuple[int, int, str | None]] = []
    for m in _TOKEN.finditer(text):
        tok = m.group()
        out.append((m.start(), m.end(), tok.lower().replace("’", "'") if tok[0].isalpha() else None))
    return out


def screen_features(text: str, model: ScreenModel | None = None, word_rows: list[tuple[int, tuple[float, ...]]] | None = None,
                    ) -> tuple[dict[str, float], int, list[tuple[float, str]]]:
    """``(features, words, hits)`` of ``text``: the document features (`FEATURES`), the number of
    words, and the spinner-like words and bigrams found as ``(weight, text)``. ``word_rows``, when
    given, receives ``(start, WORD_FEATURES values)`` of every word the word model scores (training)."""
    m = model or load_screen_model()
    look = _lookups()
    prob, infos = look.prob, m._info  # type: ignore[attr-defined]
    bweights, bstarts = m.bigrams, m._bigram_starts  # type: ignore[attr-defined]
    n = content = names = numbers = function = formal = sentences = 0
    scored = surprising = misfits = strong = judged = oov = rare = 0
    lm_sum = zipf_sum = word_spin = bigram_spin = misfit_sum = 0.0
    hi = 0
    hits: list[tuple[float, str]] = []
    h1 = h2 = None  # the two words before, in the LM's vocabulary (None: sentence start or after an OOV word)
    prev = None  # the word before (for bigrams), None after a sentence end
    start = True
    first_at = -1  # the start of a capitalised sentence-initial word just read
    # every word as (start, word, not judged by the full check — a name, an acronym, under 3 letters —, function
    # word, log10 P(word), log10 P(word | two before), `_word_info`), None at a break
    seq: list[_Seq | None] = []
    # every word and number as (start, end, word or "<num>", may be part of a phrase), None at a sentence end
    toks: list[tuple[int, int, str, bool] | None] = []
    for match in _TOKEN.finditer(text):
        tok = match.group()
        c = tok[0]
        if c.isalpha():
            n += 1
            at = match.start()
            acronym = len(tok) > 1 and tok.isupper()
            w = tok.lower().replace("’", "'") if not tok.islower() else tok.replace("’", "'")
            info = infos.get(w) or _word_info(m, look, w)
            is_func, is_formal, z, ww, u = info[:5]
            capital = c.isupper() and not start
            # what the full check does not judge (`unspin.detect._slots.SlotBuilder.is_candidate`): a name (capitalised
            # inside a sentence; at its start, when rare or followed by another capitalised word), an acronym, a
            # word under 3 letters
            skip = capital or len(w) < 3 or acronym or (c.isupper() and z < 3.0)
            if c.isupper() and seq and seq[-1] is not None and seq[-1][0] == first_at:
                seq[-1] = (seq[-1][0], seq[-1][1], True, *seq[-1][3:])  # "Hazel Blears said"
            first_at = at if start and c.isupper() else -1
            if capital and not is_func:
                names += 1
            toks.append((at, match.end(), w, not capital and not acronym))
            start = False
            if is_formal:
                formal += 1
            if is_func:
                function += 1
            else:
                content += 1
                zipf_sum += z
                if z < RARE_ZIPF:
                    rare += 1
                if ww is not None:
                    word_spin += ww
                    if ww >= HIGH_WORD_WEIGHT:
                        hi += 1
                    hits.append((ww, w))
            if prev is not None and prev in bstarts:
                bw = bweights.get(prev + " " + w)
                if bw is not None:
                    bigram_spin += bw
                    hits.append((bw, prev + " " + w))
            prev = w
            if u is None:
                seq.append((at, w, skip, is_func, None, None, info))
                if tok.islower():
                    oov += 1
                h1 = h2 = None
                continue
            lp = None
            if h1 is not None:
                lp = prob([w, h1, h2] if h2 is not None else [w, h1]) / _LOG10
                scored += 1
                lm_sum += lp
                if lp < SURPRISE_LOG10:
                    surprising += 1
                if not is_func:
                    judged += 1
                    gap = lp - u
                    if gap < MISFIT_LOG10:
                        misfits += 1
                        misfit_sum += gap
                        if gap < STRONG_MISFIT_LOG10:
                            strong += 1
            seq.append((at, w, skip, is_func, u, lp, info))
            h1, h2 = w, h1
        elif c.isdigit():
            numbers += 1
            h1 = h2 = prev = None
            seq.append(None)
            toks.append((match.start(), match.end(), "<num>", False))
        else:
            toks.append(None)
            if not start:
                sentences += 1
            h1 = h2 = prev = None
            start = True
            seq.append(None)
    if not start:
        sentences += 1
    nn, nc = max(n, 1), max(content, 1)
    feats = {
        "word_spin": word_spin / nc,
        "word_spin_hi": hi / nc,
        "bigram_spin": bigram_spin / nn,
        "lm_mean": lm_sum / scored if scored else -2.0,
        "lm_surprise": surprising / max(scored, 1),
        "lm_misfit": misfits / max(judged, 1),
        "lm_misfit_strong": strong / max(judged, 1),
        "lm_misfit_mean": -misfit_sum / max(judged, 1),
        "oov_share": oov / nn,
        "rare_share": rare / nc,
        "zipf_mean": zipf_sum / nc if content else 4.0,
        "function_share": function / nn,
        "name_share": names / nn,
        "number_share": numbers / nn,
        "sentence_words": math.log10(1 + n / max(sentences, 1)),
        # the full check's own style features (`unspin.detect.score.style_features`): the excess over typical
        # news towards old oratory, 0 for text at least as news-like
        "style_function": max(0.0, function / nn - _NEWS["function"]),
        "style_names": max(0.0, _NEWS["names"] - names / nn),
        "style_numbers": max(0.0, _NEWS["numbers"] - numbers / nn),
        "style_sentence": max(0.0, math.log10(max(n, 1) / max(sentences, 1) / _NEWS["sentence_words"])),
        "style_formal": formal / nn,
    }
    feats.update(_word_evidence(seq, m, look, word_rows, hits))
    density, mass = _phrase_evidence(text, toks, m, look, hits) if m.phrases else (0.0, 0.0)
    feats["phrase_density"], feats["phrase_mass"] = density / nc, mass / nc
    return feats, n, hits


def _phrase_evidence(text: str, toks: list[tuple[int, int, str, bool] | None], m: ScreenModel, look: _Lookups,
                     hits: list[tuple[float, str]]) -> tuple[float, float]:
    """``(phrases flagged, summed confidence)``: runs of 2-4 adjacent words (nothing but a space between,
    no name or number) that are a thesaurus phrase of `ScreenModel.phrases`, scored as the full check's
    phrase pass scores them (`unspin.detect.phrases`: the margin of the best single word over the phrase
    with the two words after, the full check's phrase model), the best-scoring ones that do not overlap."""
    table, starts = m.phrases, m._phrase_starts  # type: ignore[attr-defined]
    prob, unigram, zipf = look.prob, look.unigram, look.zipf
    pcoef, pbias, memo = look.phrase_coef, look.phrase_bias, look.phrase_memo
    L = _LOG10

    def known(w: str | None) -> bool:
        return w is not None and (w == "<s>" or unigram(w) is not None)

    def cond(w: str, c2: str | None, c1: str | None) -> float:
        if not known(w):
            return OOV_LOG10
        return prob(reversed_history(w, c2, c1, known)) / L

    found: list[tuple[float, int, int, str]] = []
    sent: list[tuple[int, int, str, bool]] = []
    for item in [*toks, None]:
        if item is not None:
            sent.append(item)
            continue
        k = len(sent)
        if k >= 2:
            norms = [x[2] for x in sent]
            for i in range(k - 1):
                if not sent[i][3] or norms[i] + " " + norms[i + 1] not in starts:
                    continue
                # how many words from i on may form a phrase (allowed, one space apart)
                run = 1
                while run < PHRASE_WORDS and i + run < k:
                    x0, x1 = sent[i + run - 1], sent[i + run]
                    if not x1[3] or x1[0] - x0[1] > 1 or (x1[0] != x0[1] and text[x0[1]] != " "):
                        break
                    run += 1
                for n in range(run, 1, -1):
                    phrase = norms[i:i + n]
                    key = " ".join(phrase)
                    entry = table.get(key)
                    if entry is None:
                        continue
                    in_moby, cands = entry
                    fixed = memo.get(key)
                    if fixed is None:
                        content = [w for w in phrase if w not in FUNCTION_WORDS]
                        fixed = (sum(cond(phrase[j], phrase[j - 2] if j >= 2 else None, phrase[j - 1]) for j in range(1, n)) / (n - 1),
                                 len(content) / n, min((zipf(w) for w in content), default=7.0),
                                 [(form, lc, bits, cond(form, None, None), zipf(form)) for form, lc, bits in cands])
                        if len(memo) > 200_000:
                            memo.clear()
                        memo[key] = fixed
                    cohesion, content_share, min_zipf, forms = fixed
                    p2 = norms[i - 2] if i >= 2 else ("<s>" if i == 1 else None)
                    p1 = norms[i - 1] if i >= 1 else "<s>"
                    after = norms[i + n:i + n + 2]
                    obs, ctx = 0.0, [x for x in (p2, p1) if x is not None]
                    for w in phrase + after:
                        obs += cond(w, ctx[-2] if len(ctx) > 1 else None, ctx[-1] if ctx else None)
                        ctx.append(w)
                    scored = []
                    for form, lc, bits, uni, fz in forms:
                        sc = cond(form, p2, p1)
                        if after:
                            sc += cond(after[0], p1, form)
                            if len(after) > 1:
                                sc += cond(after[1], form, after[0])
                        scored.append((sc + lc, sc, lc, uni, fz, bits, form))
                    scored.sort(reverse=True)
                    _, best_lp, best_lc, alt_uni, alt_zipf, best_bits, best = scored[0]
                    margin = best_lp - obs
                    own = bool(best_bits & PHRASE_OWN)
                    # `_PHRASE_FEATURES`, in order (no lemmatised readings here: ``inflected`` is 0)
                    f = (margin, margin + best_lc, obs / (n + len(after)), cohesion, float(n), best_lc, alt_uni, alt_zipf,
                         content_share, min_zipf, 0.0, scored[0][0] - scored[1][0] if len(scored) > 1 else 3.0,
                         float(own), float(bool(best_bits & PHRASE_WORDNET_ONLY)), float(in_moby),
                         margin if own else 0.0, cohesion if own else 0.0, 0.0)  # single-word originals only
                    t = pbias + sum(c * v for c, v in zip(pcoef, f))
                    conf = 1.0 / (1.0 + math.exp(-_clip(t, -40.0, 40.0)))
                    found.append((conf, sent[i][0], sent[i + n - 1][1], f"{' '.join(phrase)} ({best}?)"))
        sent = []
    kept: list[tuple[float, int, int, str]] = []
    for f4 in sorted(found, key=lambda x: (-x[0], x[1])):
        if all(f4[2] <= o[1] or o[2] <= f4[1] for o in kept):
            kept.append(f4)
    flagged = [x for x in kept if x[0] >= PHRASE_FLAG_AT]
    hits.extend((3.0 * x[0], x[3]) for x in flagged)
    return float(len(flagged)), sum(x[0] for x in kept)


def _clip(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


def _word_evidence(seq: list[_Seq | None], m: ScreenModel, look: _Lookups,
                   rows: list[tuple[int, tuple[float, ...]]] | None, hits: list[tuple[float, str]]) -> dict[str, float]:
    """The ``word_p_*``, ``own_p_*``, ``gain2`` and ``orig_gain*`` features: every content word in the language
    model that the full check would judge (not a name, an acronym or under 3 letters) gets `WORD_FEATURES`
    (``no_originals`` 1 and the gains 0 when it has no likely originals) and the word and own models'
    probabilities; the features summarise those per content word."""
    content = [k for k, it in enumerate(seq) if it is not None and not it[3]]
    nc = len(content)
    out = dict.fromkeys(("word_p_mean", "word_p_sum", "word_p_high", "word_p_mid", "word_p_top", "gain2",
                         "orig_gain", "orig_gain_share", "orig_gain_strong", "word_p_topf", "word_p_top1", "word_p_top3",
                         "word_p_n40", "word_p_n60", "word_p_share20", "own_p_top", "own_p_share", "own_p_common"), 0.0)
    if not nc:
        return out
    unigram, zipf = look.unigram, look.zipf
    # fit with the neighbours (four content words each side) and with the document: cosine of the word's
    # vector with the sum of theirs (0 for a word without a vector)
    zero = look.zero
    M = np.array([v if (v := seq[k][6][6]) is not None else zero for k in content], dtype=np.float32)  # type: ignore[index]
    cs = np.concatenate([np.zeros((1, look.vectors.dim), dtype=np.float32), np.cumsum(M, axis=0)])
    idx = np.arange(nc)
    W = cs[np.minimum(idx + 5, nc)] - cs[np.maximum(idx - 4, 0)] - M
    near = ((M * W).sum(axis=1) / (np.linalg.norm(W, axis=1) + 1e-9)).tolist()
    C = cs[nc] - M
    topic = ((M * C).sum(axis=1) / (np.linalg.norm(C, axis=1) + 1e-9)).tolist()
    # how often each word repeats (log2)
    repeats = {w: math.log2(c) for w, c in Counter(seq[k][1] for k in content).items()}  # type: ignore[index]
    L = _LOG10
    xs: list[tuple[float, ...]] = []
    named: list[tuple[str, str]] = []
    gain_sum = left_sum = 0.0
    gains = strong = 0
    last = len(seq) - 1
    # three passes, so that the language model scores a document's n-grams in two calls to its arrays
    # (`unspin.lm.trie`, pocketsphinx's values): each word's likely originals with the words before and the
    # word after with the word; then the `RIGHT_ORIGINALS` best originals with the word after
    trie = look.trie
    plans: list[tuple[int, int, str, float, float, _Info, int, int, int]] = []  # ``lp``: log10 P(word | before), else P(word)
    segments: list[np.ndarray] = []  # the likely originals' ids, one array a word with words before
    seg_h1: list[int] = []
    seg_h2: list[int] = []
    single: list[tuple[int, int, int]] = []  # (word after, word, word before) of each word with a word after
    for j, k in enumerate(content):
        start, w, capital, _, u, lp, info = seq[k]  # type: ignore[misc]
        if u is None or capital:
            continue
        if info[5] is None:
            if SCORE_ALL_WORDS:  # no likely originals (a rare word): read on its own fit, frequency and context only
                plans.append((j, start, w, u, u if lp is None else lp, info, 0, -1, -1))
            continue
        b1 = seq[k - 1] if k >= 1 else None
        b2 = seq[k - 2] if b1 is not None and k >= 2 else None
        ctx = [] if b1 is None or b1[4] is None else [b1] if b2 is None or b2[4] is None else [b1, b2]
        a1 = seq[k + 1] if k < last else None
        at = -1
        if ctx:
            at = len(segments)
            segments.append(info[8])  # type: ignore[arg-type]
            seg_h1.append(ctx[0][6][7])
            seg_h2.append(ctx[1][6][7] if len(ctx) == 2 else -1)
        after = -1
        if a1 is not None and a1[4] is not None:
            after = len(single)
            single.append((a1[6][7], info[7], ctx[0][6][7] if ctx else -1))
        plans.append((j, start, w, u, u if lp is None else lp, info, len(ctx), at, after))
    sizes = [len(g) for g in segments]
    n_left = sum(sizes)
    if segments or single:
        sw, sh1, sh2 = zip(*single) if single else ((), (), ())
        values = trie.raw(np.concatenate([*segments, np.asarray(sw, dtype=np.int64)]),
                          np.concatenate([np.repeat(np.asarray(seg_h1, dtype=np.int64), sizes), np.asarray(sh1, dtype=np.int64)]),
                          np.concatenate([np.repeat(np.asarray(seg_h2, dtype=np.int64), sizes), np.asarray(sh2, dtype=np.int64)])).tolist()
    offsets = [0, *itertools.accumulate(sizes)]
    # pass 2: each word's originals ranked with the words before (on the language model's integer units: the
    # same order, ties included, as on log10 gains); the best of them with the word after queued
    lefts_of: list[list[tuple[float, str, int]]] = []
    right_w: list[int] = []
    right_h1: list[int] = []
    right_h2: list[int] = []
    for _j, _start, _w, _u, lp, info, nctx, at, after in plans:
        cands = info[5]
        if cands is None:
            lefts_of.append([])
            continue
        ids = info[8].tolist()  # type: ignore[union-attr]
        if nctx:
            raw = list(zip(values[offsets[at]:offsets[at + 1]], cands, ids, strict=True))
            if len(raw) > 1:
                raw.sort(reverse=True)
            lefts = [(v / L - lp, o, i) for v, o, i in raw[:RIGHT_ORIGINALS]]
        else:
            lefts = [((unigram(o) or OOV_LOG10) - lp, o, i) for o, i in zip(cands, ids, strict=True)]
            if len(lefts) > 1:
                lefts.sort(reverse=True)
        lefts_of.append(lefts)
        if after >= 0:
            n1, _, c1 = single[after]
            for _lo, _o, i in lefts[:RIGHT_ORIGINALS]:
                right_w.append(n1)
                right_h1.append(i)
                right_h2.append(c1)
    rights = trie.raw(np.asarray(right_w, dtype=np.int64), np.asarray(right_h1, dtype=np.int64),
                      np.asarray(right_h2, dtype=np.int64)).tolist() if right_w else []
    r_at = 0
    # pass 3: the features of each word, in the document's order
    for (j, start, w, u, lp, info, nctx, _at, after), lefts in zip(plans, lefts_of, strict=True):
        z, ww, cands = info[2], info[3], info[5]
        if ww is None:
            ww = 0.0
        if cands is None:
            gap = lp - u
            x = (ww, 0.0, 0.0, 0.0, 0.0, -4.0 if gap < -4.0 else 2.0 if gap > 2.0 else gap,
                 lp, u, z, 0.0, 0.0, near[j], topic[j], repeats[w], 0.0, 1.0)
            if rows is not None:
                rows.append((start, x))
            xs.append(x)
            named.append((w, ""))
            continue
        # the word after, with the word before: how well the original fits on its right
        rw = values[n_left + after] / L if after >= 0 else 0.0
        best_left = lefts[0][0]
        best, best_right, best_o = -1e9, 0.0, lefts[0][1]
        for lo, o, _i in lefts[:RIGHT_ORIGINALS]:
            if after >= 0:
                ro = rights[r_at] / L - rw
                r_at += 1
            else:
                ro = 0.0
            if lo + ro > best:
                best, best_right, best_o = lo + ro, ro, o
        gap = lp - u
        g = -4.0 if best < -4.0 else 6.0 if best > 6.0 else best
        x = (ww, -3.0 if best_left < -3.0 else 4.0 if best_left > 4.0 else best_left, g,
             best_left if best_left > 0.0 else 0.0, best if best > 0.0 else 0.0,
             -4.0 if gap < -4.0 else 2.0 if gap > 2.0 else gap, lp, u, z, zipf(best_o) - z, best_right, near[j], topic[j],
             repeats[w], float(len(cands)), 0.0)
        if rows is not None:
            rows.append((start, x))
        xs.append(x)
        named.append((w, best_o))
        if g > 0.0:
            gain_sum += g
        if nctx and best_left > 0.0:  # the likely original with the words before only
            left_sum += best_left
            if best_left >= ORIG_GAIN_LOG10:
                gains += 1
                if best_left >= STRONG_GAIN_LOG10:
                    strong += 1
    out.update(gain2=gain_sum / nc, orig_gain=left_sum / nc, orig_gain_share=gains / nc, orig_gain_strong=strong / nc)
    X = np.asarray(xs, dtype=np.float64)
    if xs and m.word_model is not None:
        p = m.word_probabilities(X)
        ranked = np.sort(p)[::-1]
        kf = max(WORD_P_TOPF_MIN, math.ceil(WORD_P_TOPF * len(p)))
        out.update(word_p_mean=float(p.mean()), word_p_sum=float(p.sum()) / nc, word_p_high=float((p > WORD_P_HIGH).sum()) / nc,
                   word_p_mid=float((p > WORD_P_MID).sum()) / nc, word_p_top=float(ranked[:WORD_P_TOP].sum()) / WORD_P_TOP,
                   word_p_topf=float(ranked[:kf].sum()) / kf, word_p_top1=float(ranked[0]),
                   word_p_top3=float(ranked[:3].sum()) / 3, word_p_n40=float((p > 0.4).sum()), word_p_n60=float((p > 0.6).sum()),
                   word_p_share20=float((p > 0.2).sum()) / len(p))
        for q in np.flatnonzero(p > WORD_P_HIGH).tolist():
            hits.append((2.0 * float(p[q]), f"{named[q][0]} ({named[q][1]}?)" if named[q][1] else named[q][0]))
    if xs and m.own_model is not None:
        # the full check's ``own_top``, ``own_share`` and ``own_common_share`` on the own model's probabilities
        p1 = m.own_probabilities(X)
        cut = DOCUMENT_FEATURES
        k1 = max(cut.top_min, math.ceil(cut.own_top_share * len(p1)))
        over = p1 >= cut.own_share_at
        out.update(own_p_top=float(np.sort(p1)[::-1][:k1].sum()) / k1, own_p_share=float(over.sum()) / len(p1),
                   own_p_common=float((over & (X[:, _ZIPF] >= cut.common_zipf)).sum()) / len(p1))
    return out


def spot_features(text: str, rows: list[tuple[int, tuple[float, ...]]], model: ScreenModel, words: int,
                  detector: Detector | None = None) -> dict[str, float]:
    """The `SPOT_FEATURES` of ``text`` from its word rows (``screen_features(..., word_rows=...)``): the full
    check's confidences of the ``words`` words the word model finds most probable (`unspin.spot`), the
    own model's probabilities standing in for the rest of the document."""
    from unspin.spot import spot_confidences

    if not rows or model.word_model is None:
        return dict.fromkeys(SPOT_FEATURES, 0.0)
    X = np.asarray([x for _, x in rows], dtype=np.float64)
    p = model.word_probabilities(X)
    p1 = model.own_probabilities(X) if model.own_model is not None else p
    order = np.argsort(-p, kind="stable")[:words].tolist()
    got = spot_confidences(text, {rows[j][0]: float(p1[j]) for j in order}, float(p1.sum()), int((p1 > 0.5).sum()),
                           len(rows), detector)
    merged = p.copy()
    for j in order:
        merged[j] = got.get(rows[j][0], p[j])
    kf = max(WORD_P_TOPF_MIN, math.ceil(WORD_P_TOPF * len(p)))
    return {"spot_topf": float(np.sort(merged)[::-1][:kf].mean()), "spot_max": float(max((merged[j] for j in order), default=0.0))}


def screen(document: Document | str, threshold: float | None = None, model: ScreenModel | None = None,
           spot: bool = False) -> ScreenResult:
    """Screen one document: its score and whether it goes on to the full check (score at or above
    ``threshold``, default `unspin.settings.SCREEN_THRESHOLD`; a text under `MIN_WORDS` words
    always goes on: too short to screen out).

    ``spot=True``: a document whose look-up score falls in the model's spot band is scored again with the
    full check's own confidences of its few most suspicious words (`spot_features`, `unspin.spot`; ~30 ms
    of CPU for such a document, nothing for the others), and the default threshold is the spot stage's."""
    doc = Document(text=document) if isinstance(document, str) else document
    m = model or load_screen_model()
    stage = m.spot if spot else None
    if spot and stage is None:
        from unspin.errors import ResourceError

        raise ResourceError(f"model file unspin/data/{MODEL_FILE} has no spot stage; rebuild it with `make model`")
    thr = (stage.threshold if stage is not None else SCREEN_THRESHOLD) if threshold is None else threshold
    text = doc.visible_text()
    rows: list[tuple[int, tuple[float, ...]]] | None = [] if stage is not None else None
    feats, n, hits = screen_features(text, m, rows)
    score = _sig(m.model.raw(feats))
    spotted = False
    if stage is not None and rows and stage.band[0] <= score < stage.band[1]:
        feats.update(spot_features(text, rows, m, stage.words))
        score = _sig(stage.model.raw(feats))
        spotted = True
    seen: dict[str, None] = {}
    for _, h in sorted(hits, key=lambda t: -t[0]):
        if len(seen) >= 8:
            break
        seen.setdefault(h)
    return ScreenResult(score, score >= thr or n < MIN_WORDS, thr, n, feats, tuple(seen), spotted)


def _sig(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))


def screen_report(document: Document | str, threshold: float | None = None, warnings: tuple[str, ...] = (),
                  spot: bool = False) -> Report:
    """The `Report` of ``unspin check --screen``: the screening score as ``spin_score``, no flags,
    verdict ``clean`` (screened out) or ``uncertain`` (goes on to the full check), the evidence in
    ``explanation``."""
    doc = Document(text=document) if isinstance(document, str) else document
    r = screen(doc, threshold, spot=spot)
    return Report(doc, round(r.score, 4), "uncertain" if r.passed else "clean", (), r.explanation(), r.words,
                  tuple(warnings))

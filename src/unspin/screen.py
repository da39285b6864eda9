"""The screening pass: a document-level spin score from lookups only, ~100x cheaper than a full check.

A crawl is mostly clean. `screen` reads a document once and scores it with a trained linear
model over features that cost one dictionary or language-model look-up per word — no
candidate generation, no decoding:

* **spinner-likeness of words and bigrams**: learned log-odds of a word (a bigram) being a
  spinner's substitute rather than the writer's word (``training/train_screen.py``: simulated
  spins of every habit in ``devkit.spinner`` against the same articles unspun, plus real spun
  pages against clean ones); the document feature is their sum per content word;
* **language-model look-ups** (the pocketsphinx trigram model of the full check): mean log10
  P(word | two words before), the share of very surprising words, and the share of content
  words that their context makes *less* likely than they are alone (a swap fits its context
  worse than the word it replaced);
* **word frequency** (wordfreq Zipf): rare content words, mean Zipf;
* **style** (what a spinner leaves alone, so the model learns what is normal for a kind of
  prose): function-word share, names, numbers, words per sentence.

`screen` returns a `ScreenResult` (score, whether it passes on, the features and the words that
raised it); `screen_report` turns it into the `unspin.model.Report` of ``unspin check --screen``
(``flags`` empty, verdict ``clean`` when screened out, ``uncertain`` when the document goes on
to the full check, the evidence in ``explanation``). The default threshold is
`unspin.settings.SCREEN_THRESHOLD`, chosen from ``bench/screen.py`` (docs/screen.md).
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from unspin.detect.calibration import LinearModel
from unspin.model import Document, Report
from unspin.settings import MIN_WORDS, SCREEN_THRESHOLD
from unspin.text.stopwords import FUNCTION_WORDS

__all__ = ["ScreenModel", "ScreenResult", "screen", "screen_features", "screen_report", "load_screen_model",
           "word_units", "FEATURES", "MODEL_FILE"]

MODEL_FILE = "screen_model.json"
#: every feature `screen_features` computes (what the screening model may read)
FEATURES = ("word_spin", "word_spin_hi", "bigram_spin", "orig_gain", "orig_gain_share", "orig_gain_strong", "lm_mean", "lm_surprise", "lm_misfit", "lm_misfit_strong",
            "lm_misfit_mean", "oov_share",
            "rare_share", "zipf_mean", "function_share", "name_share", "number_share", "sentence_words")
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

# words (letters, inner apostrophes and hyphens), numbers, sentence ends: one regex pass
_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*|\d+(?:[.,]\d+)*|[.!?]+|\n")


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

    def to_dict(self) -> dict[str, Any]:
        return {"type": "screen", "model": self.model.to_dict(),
                "words": {w: round(v, 3) for w, v in sorted(self.words.items())},
                "bigrams": {b: round(v, 3) for b, v in sorted(self.bigrams.items())},
                "originals": {w: " ".join(o) for w, o in sorted(self.originals.items())}}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ScreenModel:
        return cls(dict(d["words"]), dict(d["bigrams"]), LinearModel.from_dict(d["model"]),
                   {w: tuple(o.split()) for w, o in d.get("originals", {}).items()},
                   dict(d.get("metadata", {})))


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

    def explanation(self) -> str:
        if self.words < MIN_WORDS:
            return f"screen: {self.words} words, too short to screen out: passed on to the full check"
        f = self.features
        why = f"surprising words {100 * f.get('lm_surprise', 0.0):.1f} %, context misfits {100 * f.get('lm_misfit', 0.0):.1f} %"
        if self.hits:
            why = "spinner-like " + ", ".join(f"'{h}'" for h in self.hits) + "; " + why
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
            _MODEL = m
        return _MODEL


class _Lookups:
    """The language model and word frequencies, with per-process memos bounded in size."""

    MAX = 2_000_000

    def __init__(self) -> None:
        from unspin.lexicon.freq import zipf
        from unspin.lm import load_lm

        self.prob = load_lm()._model.prob
        self.zipf = zipf
        self.uni: dict[str, float | None] = {}

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


def screen_features(text: str, model: ScreenModel | None = None) -> tuple[dict[str, float], int, list[tuple[float, str]]]:
    """``(features, words, hits)`` of ``text``: the document features (`FEATURES`), the number of
    words, and the spinner-like words and bigrams found as ``(weight, text)``."""
    m = model or load_screen_model()
    look = _lookups()
    prob, zipf, unigram = look.prob, look.zipf, look.unigram
    wweights, bweights, origs = m.words, m.bigrams, m.originals
    n = content = names = numbers = function = sentences = 0
    scored = surprising = misfits = strong = judged = oov = rare = 0
    lm_sum = zipf_sum = word_spin = bigram_spin = misfit_sum = gain_sum = 0.0
    gains = strong_gains = 0
    hi = 0
    hits: list[tuple[float, str]] = []
    h1 = h2 = None  # the two words before, in the LM's vocabulary (None: sentence start or after an OOV word)
    prev = None  # the word before (for bigrams), None after a sentence end
    start = True
    for tok in _TOKEN.findall(text):
        c = tok[0]
        if c.isalpha():
            n += 1
            w = tok.lower().replace("’", "'") if not tok.islower() else tok.replace("’", "'")
            is_func = w in FUNCTION_WORDS
            if tok[0].isupper() and not start and not is_func:
                names += 1
            start = False
            if is_func:
                function += 1
            else:
                content += 1
                z = zipf(w)
                zipf_sum += z
                if z < RARE_ZIPF:
                    rare += 1
                ww = wweights.get(w)
                if ww is not None:
                    word_spin += ww
                    if ww >= HIGH_WORD_WEIGHT:
                        hi += 1
                    hits.append((ww, w))
            if prev is not None:
                bw = bweights.get(prev + " " + w)
                if bw is not None:
                    bigram_spin += bw
                    hits.append((bw, prev + " " + w))
            prev = w
            u = unigram(w)
            if u is None:
                if tok.islower():
                    oov += 1
                h1 = h2 = None
                continue
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
                    cands = origs.get(w)
                    if cands is not None:
                        best, bo = 0.0, ""
                        for o in cands:
                            g = prob([o, h1, h2] if h2 is not None else [o, h1]) / _LOG10 - lp
                            if g > best:
                                best, bo = g, o
                        if best > 0.0:
                            gain_sum += best
                            if best >= ORIG_GAIN_LOG10:
                                gains += 1
                                if best >= STRONG_GAIN_LOG10:
                                    strong_gains += 1
                                hits.append((best, f"{w} ({bo}?)"))
            h1, h2 = w, h1
        elif c.isdigit():
            numbers += 1
            h1 = h2 = prev = None
        else:
            if not start:
                sentences += 1
            h1 = h2 = prev = None
            start = True
    if not start:
        sentences += 1
    nn, nc = max(n, 1), max(content, 1)
    feats = {
        "word_spin": word_spin / nc,
        "word_spin_hi": hi / nc,
        "bigram_spin": bigram_spin / nn,
        "orig_gain": gain_sum / nc,
        "orig_gain_share": gains / nc,
        "orig_gain_strong": strong_gains / nc,
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
    }
    return feats, n, hits


def screen(document: Document | str, threshold: float | None = None, model: ScreenModel | None = None) -> ScreenResult:
    """Screen one document: its score and whether it goes on to the full check (score at or above
    ``threshold``, default `unspin.settings.SCREEN_THRESHOLD`; a text under `MIN_WORDS` words
    always goes on: too short to screen out)."""
    doc = Document(text=document) if isinstance(document, str) else document
    m = model or load_screen_model()
    thr = SCREEN_THRESHOLD if threshold is None else threshold
    feats, n, hits = screen_features(doc.visible_text(), m)
    z = m.model.raw(feats)
    score = 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))
    seen: dict[str, None] = {}
    for _, h in sorted(hits, key=lambda t: -t[0]):
        if len(seen) >= 8:
            break
        seen.setdefault(h)
    return ScreenResult(score, score >= thr or n < MIN_WORDS, thr, n, feats, tuple(seen))


def screen_report(document: Document | str, threshold: float | None = None, warnings: tuple[str, ...] = ()) -> Report:
    """The `Report` of ``unspin check --screen``: the screening score as ``spin_score``, no flags,
    verdict ``clean`` (screened out) or ``uncertain`` (goes on to the full check), the evidence in
    ``explanation``."""
    doc = Document(text=document) if isinstance(document, str) else document
    r = screen(doc, threshold)
    return Report(doc, round(r.score, 4), "uncertain" if r.passed else "clean", (), r.explanation(), r.words,
                  tuple(warnings))

"""Every threshold of the check, in one place.

The rest of the library (and the CLI and web views, for their colour bands and help
texts) reads these names instead of restating the numbers. Changing one changes
what ``unspin check`` reports; the measured effect of each is in
``docs/``.

Two kinds of number live here:

* **decision thresholds** — when a flag is reported, which verdict a score gets,
  how confident a catalogue or source flag is. They act on the models' outputs and
  can be changed without retraining.
* **feature definitions** (`DocumentFeatureCutoffs`) — the cut-offs inside the
  document-score features (what counts as a "surprising" or "rare" word). The
  shipped document model was trained on features computed with exactly these
  values; they are recorded in the model file and checked at load, so changing
  one means retraining (``make model``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

# -- flags -----------------------------------------------------------------------

#: minimum confidence of a word flag (``kind: "spin"``)
WORD_FLAG_AT = 0.6
#: minimum confidence of a word flag once the document as a whole is judged spun: there
#: most suspicious words are swaps, so the bar drops (``evidence.in_spun_document``)
SPUN_DOCUMENT_FLAG_AT = 0.3
#: minimum confidence of a multi-word substitution (`unspin.detect.phrases`): higher than
#: `WORD_FLAG_AT` because genuine idioms outnumber spun phrases in clean text
PHRASE_FLAG_AT = 0.8
#: confidence of a flag from the tortured-phrase catalogue (``kind: "fingerprint"``)
CATALOGUE_FLAG_CONFIDENCE = 0.99
#: confidence of a flag read off an aligned source (``kind: "source"``)
SOURCE_FLAG_CONFIDENCE = 0.97
#: colour bands of the terminal and web reports: "high" from here, "mid" from `WORD_FLAG_AT`
#: (flags of a spun document below it are "low")
HIGH_CONFIDENCE_AT = 0.8

#: flags of different origins that overlap: a later kind replaces the earlier kinds' flags it
#: overlaps (`unspin.detect.flags.layer`). Weakest first: the statistical detector, then
#: a swap learned from the same spinner's copies (`unspin.learn`), then evidence from outside
#: the text (a catalogued tortured phrase, an aligned source).
FLAG_PRECEDENCE: tuple[str, ...] = ("spin", "tortured", "lexicon", "fingerprint", "source")
#: kinds read off the text alone (statistics): unlike a match with outside evidence, they do not
#: raise the spin_score to `MATCHED_SCORE_FLOOR`
STATISTICAL_KINDS: tuple[str, ...] = ("spin", "tortured")


@dataclass(frozen=True)
class TorturedSettings:
    """When a window that reads as a spin of a known term is flagged (``kind: "tortured"``,
    `unspin.detect.tortured`). Chosen by ``python -m bench.tortured --tune --bbc 80 --sotu 40 --max-fp 0.7``:
    among the settings with at most 0.7 flags per 1,000 words on the BBC training split and on the State
    of the Union train half, one of the most tortured phrases of the list's tune half read as their term
    (0.8 %) at the fewest false flags (0.30 per 1,000 words, the worse of the two); docs/tortured.md."""

    #: log10 odds of the term spun against the window as written (the trigram LM's preference
    #: for the term in the sentence plus the channel probability of the spinner's picks)
    min_score: float = 3.0
    #: the window's own words stick together at most this much (LM PMI, log10): not a collocation
    max_window_pmi: float = -0.5
    #: the term is at least this common (Zipf) ...
    min_term_zipf: float = 1.0
    #: ... and its words stick together at least this much (PMI, log10)
    min_term_pmi: float = 2.0
    #: the term's parts are at least this much more coherent than the window's (GloVe cosine of
    #: neighbouring parts): a spinner's wrong-sense picks do not belong together
    min_coherence_gap: float = 0.0
    #: confidence = logistic(bias + slope * score)
    confidence_bias: float = -1.0
    confidence_slope: float = 0.8


#: flag tortured phrases by default in every check (`unspin.detect.pipeline.run`)
TORTURED_PHRASES = True
TORTURED = TorturedSettings()

# -- work per document -------------------------------------------------------------

#: words checked per document: a longer one is checked up to the end of the sentence that
#: reaches the cap and the report warns about the rest, so time and memory stay bounded.
#: Measured (docs/pipeline.md): ~0.7-0.8 s of CPU per 1,000 words and ~+185 MB of
#: memory over the loaded detector at 5,000 words; the longest BBC development article has 4,428.
MAX_CHECK_WORDS = 5_000

# -- verdict ---------------------------------------------------------------------

#: spin_score at or above which the verdict is ``spun``
SPUN_AT = 0.7
#: spin_score below which the verdict is ``clean`` (``uncertain`` in between)
CLEAN_BELOW = 0.3
#: texts with fewer words are always ``uncertain`` (too short to judge), at score 0.5
MIN_WORDS = 30
#: a catalogued tortured phrase or an aligned source raises the spin_score to at least this
MATCHED_SCORE_FLOOR = 0.9

# -- screening (`unspin.screen`) ----------------------------------------------------

#: screening score at or above which a document goes on to the full check (``unspin check
#: --screen``, the value to give ``unspin scan --screen``): the highest that passes on 97 % of the
#: documents the full check calls spun on bench/screen.py's development rows (bench/results/screen.md:
#: 0.969 of them over all rows, and 40 % of clean documents; docs/screen.md)
SCREEN_THRESHOLD = 0.05


# -- document-score features (part of the trained document model) -----------------


@dataclass(frozen=True)
class DocumentFeatureCutoffs:
    """The cut-offs that define the document-score features (`unspin.detect.score`).

    The document model in ``unspin/data/doc_model.json`` was trained on features
    computed with these values and records them; loading it checks they still match.
    """

    #: a word is "surprising" when log10 P(word | left context) is below this (``surprise_share``)
    surprise_log10: float = -5.0
    #: a word is "rare" below this Zipf frequency (``rare_share``)
    rare_zipf: float = 3.5
    #: a word counts towards ``high_share`` above this confidence
    high_confidence: float = 0.8
    #: ``common_flag_density``: words at or above this confidence ...
    common_flag_confidence: float = 0.5
    #: ... whose observed Zipf frequency is at least this (everyday words)
    common_zipf: float = 4.0
    #: the medians of the clean training news (``training/train_docscore.py``'s BBC split):
    #: the style features measure how far a text is from them, on the side away from news only
    news_style: Mapping[str, float] = field(default_factory=lambda: {
        "sentence_words": 20.0, "function": 0.46, "names": 0.12, "numbers": 0.026})

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["news_style"] = dict(self.news_style)
        return d


DOCUMENT_FEATURES = DocumentFeatureCutoffs()

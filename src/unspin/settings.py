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
#: minimum confidence of an *insertion* (a word kept and a thesaurus synonym of it added after a
#: comma: "then, at that point,"): the pattern itself is rare in genuine prose (no insertion match
#: at 0.5 in 145,000 held-out words of BBC news and State of the Union and the realdev genuine pages;
#: docs/phrases.md), so it needs less of the phrase model than a phrase in place of its original
INSERTION_FLAG_AT = 0.6
#: minimum confidence of a multi-word substitution once the document is judged spun
#: (`unspin.detect.phrases.spun_document_phrase_flags`; tuned on the training split, docs/phrases.md)
SPUN_DOCUMENT_PHRASE_FLAG_AT = 0.6
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
    `unspin.detect.tortured`): a logistic model over the match's features
    (`unspin.detect.tortured.FEATURES`), fitted and its threshold chosen by
    ``python -m bench.tortured --fit --bbc 200 --sotu 60`` on the tune half of the evaluation list, the BBC training
    split and the State of the Union train half (docs/tortured.md)."""

    #: candidates scoring below this (log10 odds of the term spun against the window as written:
    #: the LM's preference for the term plus the channel probability of the picks) are not weighed
    min_score: float = 1.0
    #: the model's weights, in the order of `unspin.detect.tortured.FEATURES`, and its bias
    weights: tuple[float, ...] = (0.4203, -0.1307, 0.3157, -0.6927, -0.6722, 1.2085, -0.7126, 0.2925, 1.3252, 0.7088,
                                  1.5683, 0.8676)
    bias: float = -2.5721
    #: flag when the model's log odds reach this: the most tune phrases read as their term (3.0 %)
    #: with at most 0.15 / 0.5 flags per 1,000 words of BBC / State of the Union training prose
    #: (0.03 / 0.47)
    min_logit: float = 2.25


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
#: documents the full check calls spun among training/train_screen.py's training documents, out of
#: fold (the model file's ``meta.threshold``; bench/results/screen.md reports it on held-out rows)
SCREEN_THRESHOLD = 0.25


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
    #: ``top_conf``: the mean confidence of this share of the judged words, the most confident ones ...
    top_share: float = 0.02
    #: ... and of at least this many
    top_min: int = 2
    #: ``own_top``: the mean context-free probability (`unspin.detect.score.context_free_probabilities`)
    #: of this share of the judged words, the most suspicious ones (at least ``top_min``)
    own_top_share: float = 0.05
    #: ``own_share``: the share of judged words whose context-free probability is at least this
    own_share_at: float = 0.3
    #: ``own_llr``: the log-likelihood ratio, per judged word, of a spin of this share of the words ...
    llr_spin_rate: float = 0.03
    #: ... against none, each word's likelihood ratio its context-free odds over this prior (the share of
    #: swaps among the word model's training words, 12 %)
    llr_word_prior: float = 0.12
    #: the medians of the clean training news (``training/train_docscore.py``'s BBC split):
    #: the style features measure how far a text is from them, on the side away from news only
    news_style: Mapping[str, float] = field(default_factory=lambda: {
        "sentence_words": 20.0, "function": 0.46, "names": 0.12, "numbers": 0.026})

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["news_style"] = dict(self.news_style)
        return d


DOCUMENT_FEATURES = DocumentFeatureCutoffs()

"""Document spin score: a calibrated probability that the text was machine-spun.

The detector's per-word evidence is summarised into a few document features
(density and strength of the flags, how much more probable the restored
wording is, how many words are surprising in context or rare, and the words'
own evidence added up: `own_evidence`), four style
features describe the kind of prose (`style_features`: names, numbers,
function words and sentence length, none of which a spinner changes) so that
the evidence is weighed against what is normal for that kind of text, and a
logistic regression, trained by ``training/train_docscore.py`` on the BBC development
corpus and the spinner simulator, turns them into ``spin_score``. Logistic
regression is calibrated by construction (its log-loss training objective);
``bench/docscore.py`` reports the Brier score and a reliability table on
held-out articles.

``verdict`` follows from the score: ``spun`` at `SPUN_AT` and above, ``clean``
below `CLEAN_BELOW`, ``uncertain`` in between, and always ``uncertain`` for
texts shorter than `MIN_WORDS` words (too short to judge). A catalogued
fingerprint or an aligned source raises the score to at least `MATCHED_SCORE_FLOOR` (0.9).
The thresholds and the features' cut-offs live in `unspin.settings`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from unspin.detect.calibration import LinearModel
from unspin.detect.modelio import check_features, load_shipped
from unspin.model import Flag
from unspin.settings import CLEAN_BELOW, DOCUMENT_FEATURES, MATCHED_SCORE_FLOOR, MIN_WORDS, SPUN_AT, STATISTICAL_KINDS
from unspin.text import Sentence, Token, TokenKind, split_sentences, tokenize
from unspin.text.stopwords import FUNCTION_WORDS

if TYPE_CHECKING:
    from unspin.detect.decoder import WordDecision

MODEL_FILE = "doc_model.json"


@dataclass(frozen=True)
class DocumentScore:
    spin_score: float
    verdict: str
    explanation: str
    features: Mapping[str, float]


#: style features (names of `style_features`): the only ones whose weight may be negative
STYLE = ("style_function", "style_names", "style_numbers", "style_sentence", "style_formal")
#: function words of formal and old English that news rarely uses ("shall", "upon", "whereby"): a
#: synonym spinner swaps content words and leaves these as the writer put them. Connectives a spinner
#: may pick for a plainer one ("moreover" for "also", "nevertheless" for "however", "heretofore"
#: for "previously") are not in it.
FORMAL_FUNCTION_WORDS = frozenset("""shall upon whilst thereof therein thereby hereby herein hitherto wherein whereby
whereas whom whence thence wherefore ought amongst amidst inasmuch insofar thereto hereafter thereafter wherewith
whereof""".split())


#: the medians of the clean training news (`unspin.settings.DocumentFeatureCutoffs.news_style`)
NEWS_STYLE = DOCUMENT_FEATURES.news_style


def style_features(text: str, tokens: Sequence[Token] | None = None,
                   sentences: Sequence[Sentence] | None = None) -> dict[str, float]:
    """What kind of prose this is, from what spinners leave alone.

    Five measures — share of words that are function words, of words that are
    capitalised inside a sentence (names), numbers per word, the mean
    number of words per sentence, and the share of formal function words
    (`FORMAL_FUNCTION_WORDS`: "shall", "upon", "whereby") — each as its excess over typical news
    (`NEWS_STYLE`) in the direction of 18th-19th-century oratory: more function
    words, fewer names and numbers, longer sentences (log10 of the ratio).
    They are 0 for text at least as news-like as the median news article, so
    terse news gets no bonus. A word-for-word spinner changes none of them.
    ``sentences`` are those of ``tokens`` when the caller has split them already.
    """
    tokens = tokenize(text) if tokens is None else list(tokens)
    first_words = set()
    if sentences is None:
        sentences = split_sentences(text, tokens) if tokens else []
    for s in sentences:
        for k in range(s.first_token, s.last_token):
            if tokens[k].kind is TokenKind.WORD:
                first_words.add(k)
                break
    words = [k for k, t in enumerate(tokens) if t.kind is TokenKind.WORD]
    if not words:
        return dict.fromkeys(STYLE, 0.0)
    n = len(words)
    names = sum(1 for k in words if tokens[k].text[:1].isupper() and k not in first_words
                and tokens[k].norm not in FUNCTION_WORDS)  # not "I"
    function = sum(1 for k in words if tokens[k].norm in FUNCTION_WORDS) / n
    formal = sum(1 for k in words if tokens[k].norm in FORMAL_FUNCTION_WORDS) / n
    numbers = sum(1 for t in tokens if t.kind is TokenKind.NUMBER) / n
    per_sentence = n / max(len(sentences), 1)
    return {
        "style_function": max(0.0, function - NEWS_STYLE["function"]),
        "style_names": max(0.0, NEWS_STYLE["names"] - names / n),
        "style_numbers": max(0.0, NEWS_STYLE["numbers"] - numbers),
        "style_sentence": max(0.0, math.log10(per_sentence / NEWS_STYLE["sentence_words"])),
        # the median news article has none of them: the share itself is the excess
        "style_formal": formal,
    }


def document_features(decisions: Sequence[WordDecision], flags: Sequence[Flag], total_words: int,
                      text: str = "", tokens: Sequence[Token] | None = None,
                      sentences: Sequence[Sentence] | None = None) -> dict[str, float]:
    """The document-level evidence the score is computed from.

    ``text`` (and optionally its ``tokens``, e.g. without page furniture) give the style features.
    """
    cut = DOCUMENT_FEATURES
    judged = [d for d in decisions if d.features]
    n = max(len(decisions), 1)
    spin_flags = [f for f in flags if f.kind in STATISTICAL_KINDS]  # a tortured phrase is a spin too
    gain = sum(max(0.0, float(f.evidence.get("margin_log10", 0.0))) for f in spin_flags)
    return {
        "top_conf": top_confidence([d.confidence for d in judged]),
        "log_words": math.log10(total_words + 1),
        "flag_density": len(spin_flags) / n,
        "mass_density": sum(f.confidence for f in spin_flags) / n,
        "mean_conf": sum(d.confidence for d in judged) / max(len(judged), 1),
        "high_share": sum(1 for d in judged if d.confidence > cut.high_confidence) / n,
        "gain_per_word": gain / n,
        "surprise_share": sum(1 for d in judged if d.features.get("obs_left", 0.0) < cut.surprise_log10) / n,
        "rare_share": sum(1 for d in judged if d.features.get("obs_zipf", 7.0) < cut.rare_zipf) / n,
        # flags on everyday words ("service" for "ceremony", "chiefs" for "leaders"): a spinner's
        # wrong-sense picks, where genuine old prose is flagged mostly on rare words ("approbation")
        "common_flag_density": sum(1 for d in judged if d.confidence >= cut.common_flag_confidence and d.features.get("obs_zipf", 0.0) >= cut.common_zipf) / n,
        # multi-word substitutions (`unspin.detect.phrases`): rare in genuine text
        "phrase_density": sum(1 for f in spin_flags if f.evidence.get("phrase")) / n,
        **own_evidence(decisions),
        **style_features(text, tokens, sentences),
    }


def own_evidence(decisions: Sequence[WordDecision]) -> dict[str, float]:
    """Evidence that adds up over the document, from each word's probability of being a swap on its
    own evidence (`context_free_probabilities`), which the word model's document stage does not
    pull down in a lightly spun document whose other words look clean:

    - ``own_top``: the mean of the most suspicious `own_top_share` of the judged words (at least `top_min`);
    - ``own_share``: the share of judged words at `own_share_at` or above;
    - ``own_common_share``: the share of judged words at `own_share_at` or above that are everyday words
      (Zipf frequency `common_zipf` or more): a spinner's wrong-sense picks ("opera" for "review"), where
      genuine old prose draws suspicion mostly on rare words;
    - ``own_llr``: log10 of how much more likely the judged words are if `llr_spin_rate` of them were
      swapped than if none were, per judged word: sum_i log10(1 - r + r * LR_i) / n, where LR_i is the
      word's context-free odds over the word model's prior odds (`llr_word_prior`). Each word adds at
      most a little when it looks clean (log10(1 - r)) and much when it looks swapped, so many weak
      signals add up where no single word is sure.
    """
    cut = DOCUMENT_FEATURES
    judged = [(p, d) for p, d in zip(context_free_probabilities(decisions), decisions) if d.features]
    own = [p for p, _ in judged]
    if not own:
        return {"own_top": 0.0, "own_share": 0.0, "own_common_share": 0.0, "own_llr": 0.0}
    r, prior_odds = cut.llr_spin_rate, cut.llr_word_prior / (1 - cut.llr_word_prior)
    llr = 0.0
    for p in own:
        p = min(max(p, 1e-6), 1 - 1e-6)
        llr += math.log10(1 - r + r * (p / (1 - p)) / prior_odds)
    return {
        "own_top": top_confidence(own, cut.own_top_share),
        "own_share": sum(1 for p in own if p >= cut.own_share_at) / len(own),
        "own_common_share": sum(1 for p, d in judged if p >= cut.own_share_at
                                and d.features.get("obs_zipf", 0.0) >= cut.common_zipf) / len(own),
        "own_llr": llr / len(own),
    }


def context_free_probabilities(decisions: Sequence[WordDecision]) -> list[float]:
    """Every judged word's probability of being a swap *on its own evidence*, before the word model looks
    at the rest of the document; 0.0 for a word not judged.

    The word model (`unspin.detect.calibration.TokenModel`) judges each word twice: stage 1 from the word's
    own evidence, stage 2 from that and the mean stage-1 probability of the *other* words of the document
    (``doc_mean_p1``). Stage 2 sharpens the per-word flags, but in a lightly spun document whose other words
    look clean it pulls every swap down with them (a 15 % spin whose 24 swaps all end below 0.02): the
    document score needs the independent per-word evidence to add up. A decision that carries it as
    ``features["p1"]`` gives it directly; otherwise it is recovered exactly from ``doc_mean_p1``, which
    for word i of the n judged words is (S - p_i) / (n - 1) with S the sum of all p: the means sum to S, so
    p_i = S - (n - 1) * mean_i. Without either (a one-stage word model), or when what is recovered is not
    a probability (``doc_mean_p1`` defined otherwise), it is the word's confidence."""
    judged = [k for k, d in enumerate(decisions) if d.features]
    out = [0.0] * len(decisions)
    means = [decisions[k].features.get("doc_mean_p1") for k in judged]
    direct = [decisions[k].features.get("p1") for k in judged]
    if judged and all(p is not None for p in direct):
        values = [float(p) for p in direct if p is not None]
    else:
        values = [decisions[k].confidence for k in judged]
        if len(judged) > 1 and all(m is not None for m in means):
            total = sum(float(m) for m in means if m is not None)
            recovered = [total - (len(judged) - 1) * float(m) for m in means if m is not None]
            # not probabilities: ``doc_mean_p1`` means something else now; the confidences stand in
            if all(-1e-6 <= p <= 1 + 1e-6 for p in recovered):
                values = recovered
    for k, p in zip(judged, values):
        out[k] = min(1.0, max(0.0, p))
    return out


def top_confidence(confidences: Sequence[float], share: float | None = None) -> float:
    """The mean of the highest word confidences: of the `top_share` (or ``share``) most confident judged
    words, at least `top_min` (`unspin.settings.DocumentFeatureCutoffs`); 0 without judged words. A light
    spin leaves a few words the word model is sure of, where the density and the mean over all words hardly
    move."""
    if not confidences:
        return 0.0
    cut = DOCUMENT_FEATURES
    k = max(cut.top_min, math.ceil((cut.top_share if share is None else share) * len(confidences)))
    top = sorted(confidences, reverse=True)[:k]
    return sum(top) / k


#: every document feature `document_features` computes (what the document model may read)
DOCUMENT_FEATURE_NAMES = ("top_conf", "log_words", "flag_density", "mass_density", "mean_conf", "high_share", "gain_per_word",
                          "surprise_share", "rare_share", "common_flag_density", "phrase_density",
                          "own_top", "own_share", "own_common_share", "own_llr", *STYLE)


def _load_model() -> LinearModel:
    d = load_shipped(MODEL_FILE)
    model = LinearModel.from_dict(d)
    check_features(MODEL_FILE, d["metadata"], model.features, DOCUMENT_FEATURE_NAMES,
                   feature_settings=DOCUMENT_FEATURES.to_dict())
    return model


_MODEL: LinearModel | None = None


def doc_model() -> LinearModel:
    """The shipped document model, its features and their cut-offs checked (`unspin.detect.modelio`)."""
    global _MODEL
    if _MODEL is None:
        _MODEL = _load_model()
    return _MODEL


def probability(features: Mapping[str, float], model: LinearModel | None = None) -> float:
    """spin_score from document features."""
    model = model or doc_model()
    z = model.raw(features)
    z = max(-40.0, min(40.0, z))
    return 1.0 / (1.0 + math.exp(-z))


def score_document(
    decisions: Sequence[WordDecision], flags: Sequence[Flag], total_words: int, model: LinearModel | None = None,
    text: str = "", tokens: Sequence[Token] | None = None, sentences: Sequence[Sentence] | None = None,
    statistical: Sequence[Flag] | None = None,
) -> DocumentScore:
    """The document's score, verdict and explanation from its word decisions and ``flags`` (the flags of
    outside evidence among them floor the score). ``statistical``: the flags whose statistical evidence the
    features read instead of ``flags``' own (`unspin.detect.pipeline.run` passes the flags as without a
    spinner lexicon, whose matches replace the statistical flags they cover but must not take their evidence
    away)."""
    evidence = flags if statistical is None else statistical
    feats = document_features(decisions, evidence, total_words, text, tokens, sentences)
    spin = [f for f in evidence if f.kind in STATISTICAL_KINDS]
    # matches with outside evidence (catalogue, lexicon, source) floor the score; statistical kinds do not
    other = [f for f in flags if f.kind not in STATISTICAL_KINDS]
    n_flags = len(flags)
    phrases = f"{n_flags} suspicious phrase{'s' if n_flags != 1 else ''} in {total_words} words"
    if total_words < MIN_WORDS:
        return DocumentScore(0.5, "uncertain", f"too short to judge: {phrases} (need {MIN_WORDS} words)", feats)
    score = probability(feats, model)
    if other:
        score = max(score, MATCHED_SCORE_FLOOR)
    verdict = "spun" if score >= SPUN_AT else "clean" if score < CLEAN_BELOW else "uncertain"
    gain = sum(max(0.0, float(f.evidence.get("margin_log10", 0.0))) for f in spin)
    expl = phrases
    if spin and gain >= 1:
        expl += f"; restored wording is 10^{gain:.0f} times more probable"
    # the words' own evidence added up (`own_evidence`): told once it favours a spin ten to one
    own_total = feats["own_llr"] * sum(1 for d in decisions if d.features)
    if own_total >= 1:
        expl += f"; on their own evidence the words are {10 ** own_total:.0f} times likelier lightly spun than as written"
    if other:
        kinds = sorted({f.kind for f in other})
        expl += f"; {len(other)} from {' and '.join(kinds)} matches"
    return DocumentScore(score, verdict, expl, feats)

"""Document spin score: right side of the line, monotone in the amount of spinning, explained."""

import re

from test_detect import CLEAN, SWAPS
from unspin.api import check
from unspin.detect.score import MIN_WORDS, doc_model, document_features


def spin_first(k: int) -> str:
    text = CLEAN
    for orig, spun in SWAPS[:k]:
        text = re.sub(rf"\b{orig}\b", spun, text, count=1)
    return text


def test_clear_cases_land_on_the_right_side():
    clean, spun = check(CLEAN), check(spin_first(len(SWAPS)))
    assert clean.verdict == "clean" and clean.spin_score < 0.3
    assert spun.verdict == "spun" and spun.spin_score > 0.7


def test_score_is_monotone_in_substitution_rate():
    scores = [check(spin_first(k)).spin_score for k in (0, 3, 6, 12, 18, 24)]
    assert all(b >= a - 0.02 for a, b in zip(scores, scores[1:])), scores
    assert scores[-1] - scores[0] > 0.5, scores


def test_explanation_is_one_readable_line():
    r = check(spin_first(len(SWAPS)))
    assert "\n" not in r.explanation
    assert re.search(r"\d+ suspicious phrases in \d+ words; restored wording is 10\^\d+ times more probable", r.explanation)


def test_short_text_says_so():
    r = check("Officials cautioned of devastating approvals.")
    assert r.verdict == "uncertain" and "too short to judge" in r.explanation
    assert r.words < MIN_WORDS


def test_trained_model_ships_and_uses_every_feature():
    model = doc_model()
    assert model is not None, "src/unspin/data/doc_model.json is missing: run training/train_docscore.py"
    from unspin.api import get_detector
    from unspin.model import Document

    flags, decisions = get_detector().detect(Document(CLEAN))
    assert set(model.weights) <= set(document_features(decisions, flags, 200)) and model.weights


def test_spun_document_shows_its_less_confident_swaps():
    """Without a display model (tests/test_display.py), the fixed thresholds decide what is shown."""
    import copy

    from unspin.api import get_detector

    det = copy.copy(get_detector())
    det.display_model = None
    opts = det.options
    r = check(spin_first(len(SWAPS)), detector=det)
    assert r.verdict == "spun"
    extra = [f for f in r.flags if f.evidence.get("in_spun_document")]
    assert extra and all(opts.spun_document_threshold <= f.confidence < opts.threshold for f in extra)
    # "remuneration" (payments) is shown, at the word threshold or, with the word models before the web
    # bigram features, as an extra; the word model trained on the realistic habits (issue 13) adds
    # genuine words too, so not every extra flag is a swap
    assert "remuneration" in {f.text for f in r.flags}
    assert f"{len(extra)} more word" in r.explanation and "because the document is spun" in r.explanation
    for k in (0, 3):  # texts not judged spun keep the word threshold
        r = check(spin_first(k), detector=det)
        assert r.verdict != "spun" and not any(f.evidence.get("in_spun_document") for f in r.flags)
        assert all(f.confidence >= opts.threshold for f in r.flags if f.kind == "spin" and not f.evidence.get("phrase"))


def test_style_features_are_untouched_by_word_swaps():
    from test_detect import SPUN
    from unspin.detect.score import NEWS_STYLE, STYLE, style_features

    clean, spun = style_features(CLEAN), style_features(SPUN)
    assert set(clean) == set(STYLE)
    assert clean == spun
    # they do tell news from 19th-century oratory
    speech = ("It is with great satisfaction that I am able to inform you that our relations with all "
              "foreign powers, and especially with those of the old world, continue to be of the most "
              "amicable character, and that the prospect of their remaining so is, in every respect, "
              "as favorable as could be desired by those who have at heart the peace of the nation.")
    old = style_features(speech)
    assert old["style_sentence"] > clean["style_sentence"] and old["style_function"] > clean["style_function"]
    assert old["style_names"] == NEWS_STYLE["names"]  # no names at all ("I" is not one)
    # formal function words ("shall", "upon", "thereof") that news rarely uses and a spinner leaves alone
    formal = style_features("The treaty shall be laid before you, upon which I ought to add that the terms thereof are just.")
    assert formal["style_formal"] == 3 / 19 + 1 / 19 and clean["style_formal"] == 0.0
    assert style_features("") == dict.fromkeys(STYLE, 0.0)


def test_top_confidence_is_the_mean_of_the_most_confident_share():
    from unspin.detect.score import top_confidence
    from unspin.settings import DOCUMENT_FEATURES as cut

    assert top_confidence([]) == 0.0
    # few words: the `top_min` most confident
    assert top_confidence([0.9, 0.1, 0.7]) == (0.9 + 0.7) / cut.top_min
    # many: the top `top_share` of them (4 of 200 at 2 %)
    conf = [0.95, 0.9, 0.85, 0.8] + [0.1] * 196
    k = max(cut.top_min, -(-int(cut.top_share * 1000) * len(conf) // 1000))
    assert k == 4
    assert abs(top_confidence(conf) - sum(conf[:k]) / k) < 1e-12
    # a few sure words raise it where the mean over all words hardly moves
    assert top_confidence(conf) > 0.8 > 5 * (sum(conf) / len(conf))


def test_kept_evidence_gives_back_the_checks_features_and_verdict():
    """training/train_docscore.py keeps a check's evidence so that a refitted document model (and
    training/train_screen.py's teacher) re-scores it without checking again: the features and the verdict
    recomputed from it are the check's own."""
    from training.train_docscore import evidence_hash, features_of, raw_evidence, verdict_of
    from unspin.detect.score import doc_model, probability

    for text in (CLEAN, spin_first(len(SWAPS)), spin_first(4)):
        raw = raw_evidence(text)
        assert verdict_of(raw) == raw["verdict"] == check(text).verdict
        assert abs(probability(features_of(raw)) - check(text).spin_score) < 1e-3
    # a document model that calls everything spun changes the verdict, not the evidence
    from unspin.detect.calibration import LinearModel

    eager = LinearModel(dict.fromkeys(doc_model().weights, 0.0), 40.0, dict(doc_model().scaling))
    assert verdict_of(raw_evidence(CLEAN), eager) == "spun"
    assert len(evidence_hash()) == 12 and evidence_hash() == evidence_hash()


def _decisions(features: list[dict], confidences: list[float]) -> list:
    from types import SimpleNamespace

    return [SimpleNamespace(features=f, confidence=c, margin=0.0) for f, c in zip(features, confidences)]


def test_context_free_probabilities_are_the_word_models_stage_one():
    """Recovered exactly from the ``doc_mean_p1`` the word model's document stage adds to every judged word,
    whatever its second stage then says; a word not judged gets 0."""
    import math

    from unspin.detect.calibration import LinearModel, TokenModel
    from unspin.detect.score import context_free_probabilities

    stage1 = LinearModel({"margin": 1.5, "obs_zipf": -0.4}, -1.0)
    # a document stage that pulls every word down when the other words look clean
    stage2 = LinearModel({"margin": 1.0, "doc_mean_p1": 10.0}, -10.0)
    feats = [{"margin": m, "obs_zipf": z} for m, z in ((2.5, 3.0), (0.1, 5.0), (1.8, 2.0), (-0.5, 6.0), (0.0, 4.5))]
    conf = TokenModel(stage1, stage2).predict_document(feats)
    want = [1 / (1 + math.exp(-stage1.raw(f))) for f in feats]
    decisions = _decisions([*feats, {}], [*conf, 0.0])
    got = context_free_probabilities(decisions)
    assert max(abs(a - b) for a, b in zip(got, want)) < 1e-9 and got[-1] == 0.0
    assert max(conf) < 0.1 < max(got)  # the second stage hid what the first saw
    # a probability carried as ``p1`` is read as is; without either, the confidence stands in
    assert context_free_probabilities(_decisions([{"p1": 0.7}, {"p1": 0.2}], [0.1, 0.1])) == [0.7, 0.2]
    assert context_free_probabilities(_decisions([{"margin": 1.0}, {"margin": 0.0}], [0.4, 0.05])) == [0.4, 0.05]
    # means that are not those of the other words' probabilities (here: of all words) give no probabilities
    odd = [{"doc_mean_p1": 0.5}, {"doc_mean_p1": 0.1}, {"doc_mean_p1": 0.1}]
    assert context_free_probabilities(_decisions(odd, [0.3, 0.2, 0.1])) == [0.3, 0.2, 0.1]


def test_own_evidence_adds_up_over_the_document():
    """A word as suspicious as the word model's prior adds nothing to ``own_llr``; many weakly suspicious
    words add up to more than a few; a stronger word never lowers any of the three features."""
    from unspin.detect.score import own_evidence
    from unspin.settings import DOCUMENT_FEATURES as cut

    def own(ps: list[float]) -> dict[str, float]:
        return own_evidence(_decisions([{"p1": p} for p in ps], [0.0] * len(ps)))

    assert abs(own([cut.llr_word_prior] * 100)["own_llr"]) < 1e-12
    clean = [0.05] * 100
    weak_many = [0.3] * 30 + [0.05] * 70  # none reaches a flag
    assert own(weak_many)["own_llr"] > own([0.3] * 3 + [0.05] * 97)["own_llr"] > own(clean)["own_llr"]
    assert own(weak_many)["own_llr"] > 0 > own(clean)["own_llr"]
    base = [0.05] * 99 + [0.4]
    stronger = [0.05] * 99 + [0.9]
    for name in ("own_top", "own_share", "own_llr"):
        assert own(stronger)[name] >= own(base)[name]
    assert own(base)["own_share"] == 1 / 100 and own([])["own_llr"] == 0.0


def test_own_common_share_counts_suspicious_everyday_words_only():
    """A suspicious rare word (genuine old prose: "approbation") counts towards ``own_share`` but not
    ``own_common_share``; a suspicious everyday word (a spinner's wrong-sense pick) towards both."""
    from unspin.detect.score import own_evidence
    from unspin.settings import DOCUMENT_FEATURES as cut

    def own(zipfs: list[float]) -> dict[str, float]:
        feats = [{"p1": 0.6, "obs_zipf": z} for z in zipfs] + [{"p1": 0.01, "obs_zipf": 5.0}] * 8
        return own_evidence(_decisions(feats, [0.0] * len(feats)))

    rare, common = own([cut.common_zipf - 1.5] * 2), own([cut.common_zipf + 0.5] * 2)
    assert rare["own_share"] == common["own_share"] == 0.2
    assert rare["own_common_share"] == 0.0 and common["own_common_share"] == 0.2

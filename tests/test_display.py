"""Which word flags are shown: the display model (issue 13, "flags a person can trust")."""

import copy
from dataclasses import dataclass

import pytest

from test_detect import CLEAN, SPUN, SWAPS
from test_score import spin_first
from unspin.api import check, get_detector
from unspin.detect.calibration import DISPLAY_FEATURES, DisplayModel, LinearModel, display_features, load_display_model
from unspin.detect.flags import shown_word_flags
from unspin.model import Flag
from unspin.text import Token, TokenKind


@dataclass
class D:
    """A stand-in `WordDecision`."""

    token: Token
    suggestion: str | None
    confidence: float
    margin: float = 1.0
    alternatives: tuple[str, ...] = ()

    @property
    def judged(self) -> bool:
        return self.suggestion is not None


def decision(start: int, conf: float, suggestion: str | None = "x") -> D:
    text = "word"
    return D(Token(start, start + len(text), text, TokenKind.WORD), suggestion, conf, alternatives=(suggestion,) if suggestion else ())


def test_features_see_the_other_words_and_the_neighbours():
    ds = [decision(0, 0.9), decision(10, 0.2), decision(20, 0.5, None), decision(200, 0.1)]
    feats = display_features(ds, 0.8)
    assert feats[2] is None and all(f is not None for k, f in enumerate(feats) if k != 2)
    assert set(feats[0]) == set(DISPLAY_FEATURES)
    # the word at 10 sits next to a confident word (0.9); the one at 200 has no neighbour within reach
    assert feats[1]["near_conf"] == pytest.approx(0.9) and feats[3]["near_conf"] == 0.0
    # the document as seen from each word leaves that word out
    assert feats[1]["doc_mean_conf"] == pytest.approx((0.9 + 0.1) / 2)
    assert feats[0]["doc_share_high"] == 0.0 and feats[1]["doc_share_high"] == pytest.approx(0.5)
    assert feats[0]["doc_score"] == 0.8 and feats[0]["word_x_doc"] == pytest.approx(feats[0]["word_logit"] * 0.8)


def test_a_word_is_shown_by_its_chance_of_being_a_swap():
    # a model that reads the word model's confidence and the document score only
    model = DisplayModel(LinearModel({"word_logit": 1.0, "doc_score": 4.0}, -2.0), threshold=0.5)
    ds = [decision(0, 0.4), decision(100, 0.7)]
    clean, spun = model.probabilities(ds, 0.0), model.probabilities(ds, 1.0)
    assert all(c < s for c, s in zip(clean, spun))  # the same words are likelier swaps in a spun document
    phrase = Flag(95, 120, "w", "y", 0.9, kind="spin", evidence={"phrase": "a b"})
    old_word = Flag(0, 4, "word", "x", 0.7, kind="spin")
    shown = shown_word_flags(ds, [old_word, phrase], spun, model.threshold, 0.3)
    # the word inside the phrase flag is not flagged again; the other is, with its chance as confidence
    assert [f.start for f in shown] == [0, 95]
    assert shown[0].confidence == pytest.approx(spun[0], abs=1e-4) and shown[0].evidence["word_confidence"] == 0.4
    assert shown_word_flags(ds, [old_word, phrase], clean, model.threshold, 0.3) == [phrase]  # the old word flag is gone
    # a word the word model alone is confident about is shown at its chance in this document, and only
    # when that chance reaches the threshold: a flag shown at 0.03 would be a claim that is probably wrong
    sure = [decision(0, 0.7)]
    in_clean, in_spun = model.probabilities(sure, 0.0), model.probabilities(sure, 1.0)
    assert in_clean[0] < model.threshold <= in_spun[0]
    assert shown_word_flags(sure, [], in_clean, model.threshold, 0.3) == []
    kept = shown_word_flags(sure, [], in_spun, model.threshold, 0.3)
    assert len(kept) == 1 and kept[0].confidence == pytest.approx(in_spun[0], abs=1e-4)
    # and a word under the floor is never shown, however likely the document makes it
    assert shown_word_flags([decision(0, 0.2)], [], [0.99], 0.5, 0.3) == []


def test_shipped_display_model_keeps_clean_text_clean_and_shows_swaps():
    model = load_display_model()
    assert 0.2 <= model.threshold <= 0.9 and set(model.features) == set(DISPLAY_FEATURES)
    clean = check(CLEAN)
    assert not [f for f in clean.flags if f.kind == "spin"]
    spun = check(spin_first(24))
    words = [f for f in spun.flags if f.kind == "spin" and "phrase" not in f.evidence]
    assert len(words) >= 5 and all(f.confidence >= model.threshold and "word_confidence" in f.evidence for f in words)
    assert "chance of a swap" in spun.explanation
    # the report's word flags are not the word model's own: some shown below its 0.6, or some above hidden
    assert check(SPUN).flags


def test_without_a_display_model_the_fixed_thresholds_apply():
    det = copy.copy(get_detector())
    det.display_model = None
    r = check(spin_first(len(SWAPS)), detector=det)
    assert r.verdict == "spun"
    extra = [f for f in r.flags if f.evidence.get("in_spun_document")]
    assert extra and all(det.options.spun_document_threshold <= f.confidence < det.options.threshold for f in extra)
    assert not any("word_confidence" in f.evidence for f in r.flags)

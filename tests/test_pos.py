"""Part of speech in context (`unspin.text.pos`) and the restoration feature read from it (``alt_tag_fit``)."""

from dataclasses import replace

import pytest

from unspin.detect._evidence import TAG_FEATURES
from unspin.detect.decoder import Detector
from unspin.detect.prepared import prepare
from unspin.model import Document
from unspin.text import tokenize
from unspin.text.pos import best_tag, load_tagger, reading_fit, tag_document, tag_fit

#: a real spinner's wrong-part-of-speech swap ("it hopes" -> "it expectations") among right-POS ones
SPUN = "It expectations that the two chiefs composed a letter about the devastating approvals."


def test_tags_are_read_in_context_and_aligned_by_offsets():
    text = "\n  " + SPUN + " He's well-known."
    tokens = tokenize(text)
    tags = tag_document(text, tokens)
    by_word = {text[t.start : t.end]: best_tag(tags.get(t.start)) for t in tokens}
    # the form "expectations" is a plural noun; in "It ___ that" the tagger reads a verb
    assert by_word["expectations"] == "VBZ"
    assert by_word["chiefs"] == "NNS" and by_word["composed"] == "VBD" and by_word["approvals"] == "NNS"
    assert by_word["devastating"] == "JJ"
    # tokens spaCy splits otherwise get no tag rather than a neighbour's
    assert by_word["He's"] is None and by_word["well-known"] is None
    # punctuation is not tagged; every tag sits at a word token's own offset
    assert set(tags) <= {t.start for t in tokens if t.is_word}
    # a reading: tags best first with the tagger's probabilities
    for reading in tags.values():
        ps = [p for _tag, p in reading]
        assert ps == sorted(ps, reverse=True) and 0 < sum(ps) <= 1.001 and all(0 < p <= 1 for p in ps)


def test_reading_fit_weighs_the_tags_by_their_probabilities():
    reading = (("VBD", 0.75), ("JJ", 0.25))
    assert reading_fit("wrote", reading) == pytest.approx(0.75)  # a verb, not an adjective
    assert reading_fit("calm", reading) == pytest.approx(0.25)
    assert reading_fit("composed", reading) == 1.0
    assert reading_fit("composed", None) == 0.5


def test_tagger_is_loaded_once():
    assert load_tagger() is load_tagger()
    assert tag_document("", []) == {}


def test_missing_tagger_is_a_resource_error(monkeypatch):
    import builtins

    from unspin.errors import ResourceError

    real = builtins.__import__

    def no_spacy(name, *args, **kwargs):
        if name == "spacy":
            raise ImportError(name)
        return real(name, *args, **kwargs)

    load_tagger.cache_clear()
    monkeypatch.setattr(builtins, "__import__", no_spacy)
    try:
        with pytest.raises(ResourceError, match=r"unspin\[pos\]"):
            load_tagger()
    finally:
        monkeypatch.undo()
        load_tagger.cache_clear()
    assert load_tagger() is not None


@pytest.mark.parametrize("form, tag, fit", [
    ("hopes", "VBZ", 1.0), ("expectations", "VBZ", 0.0), ("expectations", "NNS", 1.0),
    ("together", "VBD", 0.0), ("composed", "VBD", 1.0), ("crippling", "JJ", 1.0),  # a participle as adjective
    ("sanctions", "NNS", 1.0), ("letter", "NNS", 0.0), ("went", "VBN", 0.0), ("gone", "VBN", 1.0),
    ("quickly", "RB", 1.0), ("london", "NNP", 0.5), ("letter", "NNP", 1.0), ("xyzzy", "NN", 0.5), ("around", "IN", 0.5), ("hopes", None, 0.5),
])
def test_tag_fit(form, tag, fit):
    assert tag_fit(form, tag) == fit


def test_prepared_document_tags_once():
    prepared = prepare(Document(SPUN))
    tags = prepared.pos_tags
    assert prepared.pos_tags is tags
    word = next(t for t in prepared.tokens if t.norm == "expectations")
    assert best_tag(tags[word.start]) == "VBZ"


def test_alternatives_carry_the_tag_fit(detector):
    tagging = Detector(lm=detector.lm, thesaurus=detector.th, vectors=detector.vectors,
                       options=replace(detector.options, pos_tags=True))
    _tokens, raw = tagging.decode_document(Document(SPUN))
    d = next(r for r in raw if r.token.norm == "expectations")
    alts = dict(d.alternatives)
    # "hopes" can be the verb the context asks for; the plural nouns cannot
    assert alts["hopes"]["alt_tag_fit"] == 1.0
    assert any(f["alt_tag_fit"] == 0.0 for f in alts.values())
    # "expectations" fits its reading (VBZ, some NNS) worse than "hopes" (either)
    assert alts["hopes"]["alt_tag_p"] == 1.0 and alts["hopes"]["alt_tag_gain"] > 0.5
    # the features but the new one are the untagged detector's
    plain = Detector(lm=detector.lm, thesaurus=detector.th, vectors=detector.vectors,
                     options=replace(detector.options, pos_tags=False))
    _tokens, raw_plain = plain.decode_document(Document(SPUN))
    for a, b in zip(raw, raw_plain):
        assert [w for w, _ in a.alternatives] == [w for w, _ in b.alternatives]
        assert a.features == b.features
        for (_, fa), (_, fb) in zip(a.alternatives, b.alternatives):
            assert {k: v for k, v in fa.items() if k not in TAG_FEATURES} == fb and not set(TAG_FEATURES) & set(fb)


def test_detector_tags_when_its_models_read_the_tags(detector):
    assert detector.pos_tags == bool(set(TAG_FEATURES) & set(detector.restore_model.features))


def test_a_restoration_model_reading_the_tags_gets_them(detector):
    from unspin.detect.calibration import LinearModel
    from unspin.learn.apply import LearnedChannelRanking

    det = Detector(lm=detector.lm, thesaurus=detector.th, vectors=detector.vectors, options=detector.options)
    assert not set(TAG_FEATURES) & set(det.restore_model.features)  # the shipped one reads none
    assert not det.pos_tags
    # a model that ranks by the tag fit alone: the tagger runs, and "hopes" (VBZ or NNS) beats the nouns
    det.restore_model = LinearModel({"alt_tag_p": 1.0}, 0.0)
    assert det.pos_tags
    prepared = prepare(Document(SPUN))
    r = next(r for r in det.decode(prepared) if r.token.norm == "expectations")
    fits = [reading_fit(w, prepared.pos_tags[r.token.start]) for w in det._rank_alternatives(r.alternatives)]
    assert fits == sorted(fits, reverse=True) and fits[0] == 1.0 > fits[-1]
    det.restore_model = LearnedChannelRanking(det.restore_model)  # a wrapper reads its inner model's features
    assert det.pos_tags
    det.pos_tags = False  # set: as set, whatever the model reads
    assert not det.pos_tags

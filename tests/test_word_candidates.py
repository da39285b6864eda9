"""Function-word originals (`unspin.detect.candidates`) and the restoration beam (`DetectorOptions.restore_beam`)."""

from dataclasses import replace

import pytest

from unspin.detect.candidates import (
    AUXILIARIES,
    FUNCTION_ORIGINAL_MIN_COSINE,
    REVERSE_MIN_COSINE,
    REVERSE_PENALTY,
    CandidateGenerator,
)
from unspin.detect.decoder import Detector
from unspin.lexicon import load_thesaurus
from unspin.lexicon.vectors import load_vectors
from unspin.model import Document
from unspin.text.stopwords import FUNCTION_WORDS


@pytest.fixture(scope="module")
def generators():
    th = load_thesaurus()
    return CandidateGenerator(th, vectors=load_vectors()), CandidateGenerator(th)


@pytest.mark.parametrize("spun, original", [("mentioned", "said"), ("stated", "said"), ("likewise", "also"),
                                            ("approximately", "around")])
def test_close_function_word_synonyms_are_originals(generators, spun, original):
    with_vectors, without = generators
    assert original in {c.form for c in with_vectors.candidates(spun)}
    assert original not in {c.form for c in without.candidates(spun)}


def test_other_senses_of_function_words_are_not(generators):
    with_vectors, _ = generators
    # Moby lists "bathroom" under "can" and "abyss" under "mine": another sense, far in meaning
    assert "can" not in {c.form for c in with_vectors.candidates("bathroom")}
    assert "mine" not in {c.form for c in with_vectors.candidates("abyss")}
    assert not with_vectors.function_original("can", "bathroom")
    assert with_vectors.function_original("also", "likewise")
    assert 0 < FUNCTION_ORIGINAL_MIN_COSINE < 1


@pytest.mark.parametrize("spun", ["came", "made", "performed", "got"])
def test_auxiliaries_are_never_originals(generators, spun):
    # Moby lists "be", "have", "do" under many content verbs: "came" -> "was", "made" -> "had" were junk
    with_vectors, _ = generators
    assert not {c.form for c in with_vectors.candidates(spun)} & AUXILIARIES
    assert not with_vectors.function_original("be", "come")
    assert {"was", "had", "done", "can"} <= AUXILIARIES


def test_auxiliary_originals_switch_is_kept_by_derived_copies(generators):
    # training/train_detect.py collects the word model's examples with them (learnt as easy negatives)
    with_vectors, _ = generators
    gen = with_vectors.derived()
    gen.auxiliary_originals = True
    assert gen.function_original("be", "come") or gen.function_original("have", "make")
    assert gen.derived().auxiliary_originals
    assert not with_vectors.derived().auxiliary_originals


def test_function_original_is_judged_with_its_own_feature(detector):
    _tokens, raw = detector.decode_document(Document("He mentioned that the talks would resume on Monday."))
    d = next(r for r in raw if r.token.norm == "mentioned")
    assert "said" in {w for w, _ in d.alternatives}
    feats = dict(d.alternatives)["said"]
    assert feats["function"] == 1.0
    assert d.features["alt_function"] == float(d.suggestion in FUNCTION_WORDS)


def test_restoration_beam_ranks_more_without_changing_the_decoding(detector):
    text = Document("The opening service was held in the stadium on Friday evening, officials mentioned.")
    narrow = Detector(lm=detector.lm, thesaurus=detector.th, vectors=detector.vectors,
                      options=replace(detector.options, restore_beam=detector.options.beam))
    _t, wide_raw = detector.decode_document(text)
    _t, narrow_raw = narrow.decode_document(text)
    assert [r.suggestion for r in wide_raw] == [r.suggestion for r in narrow_raw]
    assert [r.features for r in wide_raw] == [r.features for r in narrow_raw]
    wide_n = [len(r.alternatives) for r in wide_raw]
    narrow_n = [len(r.alternatives) for r in narrow_raw]
    assert all(n <= detector.options.beam for n in narrow_n)
    assert all(w >= n for w, n in zip(wide_n, narrow_n)) and max(wide_n) > detector.options.beam
    # the narrow beam's alternatives are the wide one's first ones by local score: all of them are kept
    for w, n in zip(wide_raw, narrow_raw):
        assert {a for a, _ in n.alternatives} <= {a for a, _ in w.alternatives}


# -- the other direction of Moby (issue 13: originals real spinners use that Moby lists only the other way) --

@pytest.fixture(scope="module")
def reverse_on():
    return CandidateGenerator(load_thesaurus(), vectors=load_vectors(), reverse=True)


@pytest.mark.parametrize("spun, original", [("audited", "reviewed"), ("anonymous", "unnamed"), ("initial", "opening"),
                                            ("undermine", "threaten")])
def test_own_list_entries_are_originals(generators, reverse_on, spun, original):
    # real swaps whose original the spun word's own Moby list holds, but no headword over the spun word is
    with_vectors, without = generators
    got = {c.form: c for c in reverse_on.candidates(spun)}
    assert original in got and got[original].source == "moby-reverse"
    assert original not in {c.form for c in with_vectors.candidates(spun)}  # off by default (not adopted)
    no_vectors = CandidateGenerator(without.th, reverse=True)
    assert original not in {c.form for c in no_vectors.candidates(spun)}  # needs the vectors
    # a pick from the observed word's own list, made less likely than a forward one
    assert got[original].log_channel <= -REVERSE_PENALTY


def test_own_list_entries_far_in_meaning_are_not(reverse_on):
    th, vec = reverse_on.th, reverse_on.vectors
    word = "protection"
    got = {c.form: c for c in reverse_on.candidates(word)}
    rev = [c for c in got.values() if c.source == "moby-reverse"]
    assert rev
    for c in rev:
        assert c.headword in th.synonyms(word)
        assert float(vec.get(c.form) @ vec.get(word)) >= REVERSE_MIN_COSINE
    far = [e for e in th.synonyms(word) if " " not in e and vec.get(e) is not None
           and float(vec.get(e) @ vec.get(word)) < REVERSE_MIN_COSINE]
    assert far and not any(e in got and got[e].source == "moby-reverse" for e in far)


def test_forward_reading_wins_and_switch_is_kept(generators, reverse_on):
    with_vectors, _ = generators
    # what the forward lists propose is unchanged by the reverse direction, which only adds
    fwd = {c.form: c for c in with_vectors.candidates("protection")}
    got = {c.form: c for c in reverse_on.candidates("protection")}
    assert all(got[f] == c for f, c in fwd.items()) and len(got) > len(fwd)
    assert reverse_on.derived().reverse and not with_vectors.derived().reverse

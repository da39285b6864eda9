"""The web bigram counts (`unspin.lm.bigrams`) and the word features the decoder reads from them."""

import math

import pytest

from unspin.errors import ResourceError
from unspin.lm.bigrams import BOS, CUTOFF, LOG_UNLISTED, WebBigrams, load_bigrams

LINES = ["opening ceremony\t255681", "the opening\t4000000", "ceremony was\t300000", "Opening ceremony\t1000", "",
         f"{BOS} the\t90000000"]


def test_from_lines_sums_duplicates_and_lowercases():
    b = WebBigrams.from_lines(LINES)
    assert b.log_count("opening", "ceremony") == pytest.approx(math.log10(256681))
    assert b.log_count("opening", "service") is None
    assert b.listed("the", "opening") and not b.listed("opening", "service") and not b.listed(None, "opening")
    assert b.n_listed("ceremony", "opening", "was") == 2 and b.n_listed("service", "opening", "was") == 0


@pytest.mark.parametrize("line", ["opening ceremony 255681", "opening\t12", "opening ceremony\tmany", "a b\t0"])
def test_bad_line_is_a_resource_error(line):
    with pytest.raises(ResourceError, match="line 1"):
        WebBigrams.from_lines([line])


def test_empty_table_is_a_resource_error():
    with pytest.raises(ResourceError, match="empty"):
        WebBigrams.from_lines(["", "  "])


def test_logprob_listed_beats_unlisted_and_stays_a_probability():
    b = WebBigrams.from_lines(LINES)
    listed, unlisted = b.logprob("ceremony", "opening"), b.logprob("service", "opening")
    assert listed > unlisted
    assert listed <= 0 and unlisted <= 0
    # an unlisted pair is never given more than half the cut-off
    assert unlisted <= LOG_UNLISTED - b.log_unigram("opening") + 1e-9
    assert b.score("ceremony", "opening", "was") > b.score("service", "opening", "was")
    assert b.association("ceremony", "opening", "was") > 0 > b.association("service", "opening", "was") - 1e-9


def test_sentence_start_is_counted():
    b = WebBigrams.from_lines(LINES)
    assert b.log_starts == pytest.approx(math.log10(90000000))
    assert b.logprob("the", BOS) == pytest.approx(0.0)


def test_shipped_counts_know_collocations():
    b = load_bigrams()
    assert load_bigrams() is b  # loaded once
    assert len(b.counts) > 200_000 and min(b.counts.values()) >= math.log10(CUTOFF) - 1e-9
    assert b.score("ceremony", "opening", "was") > b.score("service", "opening", "was") + 1
    assert b.score("able", "be", "to") > b.score("capable", "be", "to")


def test_missing_package_is_a_resource_error(monkeypatch):
    import builtins

    from unspin.lm import bigrams

    real = builtins.__import__

    def no_wordsegment(name, *args, **kwargs):
        if name == "wordsegment":
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_wordsegment)
    with pytest.raises(ResourceError, match="wordsegment"):
        bigrams.bigrams_path()


def test_decoder_reads_the_broken_collocation():
    from unspin.detect import Detector
    from unspin.detect._evidence import WEB_FEATURES
    from unspin.model import Document

    det = Detector()
    _tokens, raw = det.decode_document(Document("The opening service was held in the stadium on Friday evening."))
    d = next(r for r in raw if r.token.norm == "service")
    assert set(WEB_FEATURES) <= set(d.features)
    if d.suggestion == "ceremony":
        assert d.features["web_gain"] > 0 and d.features["web_alt_listed"] > d.features["web_obs_listed"]
    assert all({"web_rel", "web_pmi"} <= set(f) for _w, f in d.alternatives)
    assert max(f["web_rel"] for _w, f in d.alternatives) == 0.0

"""A word's alternatives are computed when asked for (issue 17, item 4): the answer must not depend on when."""

from __future__ import annotations

from unspin.detect import _evidence
from unspin.detect.prepared import prepare
from unspin.model import Document

TEXT = ("The opening service was held in the stadium on Friday evening, officials mentioned. "
        "The two chiefs composed a joint letter about devastating approvals on the nation. "
        "A quokka was seen near the zyxtrol farm.")


def _raw(detector, touch_first: bool):
    prepared = prepare(Document(TEXT))
    topic = _evidence.topic_vector(prepared.tokens, detector.vectors)
    raw = []
    for sent in prepared.sentences:
        raw.extend(detector.decoder.decode(prepared.tokens[sent.first_token : sent.last_token], topic, prepared.counts))
    if touch_first:  # computed before their document context is known: `near` is added to them then
        for r in raw:
            _ = r.alternatives
    _evidence.add_alternative_context(raw, detector.vectors)
    return raw


def test_alternatives_are_the_same_whenever_they_are_computed(detector):
    early, late = _raw(detector, True), _raw(detector, False)
    assert [r.suggestion for r in early] == [r.suggestion for r in late]
    judged = [r for r in late if r.suggestion is not None]
    assert judged and all(r.alternatives for r in judged)
    for a, b in zip(early, late):
        assert a.alternatives == b.alternatives
        assert all("near" in feats for _w, feats in b.alternatives)
    # and what the detector's own decode gives
    assert [r.alternatives for r in detector.decode(prepare(Document(TEXT)))] == [r.alternatives for r in late]


def test_decisions_rank_on_first_use(detector):
    prepared = prepare(Document(TEXT))
    decisions = detector.decisions(prepared)
    raw = detector.decode(prepared)
    assert len(decisions) == len(raw)
    assert any(d.judged for d in decisions) and not all(d.judged for d in decisions)
    for d, r in zip(decisions, raw):
        # `judged` is known without ranking, and agrees with the ranked suggestion
        assert d.judged == (r.suggestion is not None)
        ranked = detector._rank_alternatives(r.alternatives)
        assert d.suggestion == (ranked[0] if ranked else None)
        assert d.alternatives == tuple(ranked[:5])
        assert (d.suggestion is not None) == d.judged

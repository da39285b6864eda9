"""unspin.spot: the full check's word model on a few named words (the screen's spot check)."""

from __future__ import annotations

import numpy as np
import pytest

from unspin.detect.calibration import TreeEnsemble
from unspin.detect.prepared import prepare
from unspin.model import Document
from unspin.spot import spot_confidences
from unspin.text import tokenize
from unspin.text.tokens import Token, TokenKind, normalize_token

CLEAN = ("The government said on Tuesday that it would raise the tax on fuel next year. Ministers argued that the money "
         "was needed to repair roads and bridges across the country, while opposition leaders said families could not "
         "afford higher prices. The plan will be debated in parliament next month.")
# "tax" -> "duty", "repair roads" -> "fix streets"
SPUN = CLEAN.replace("raise the tax on fuel", "boost the duty on fuel").replace("repair roads", "fix streets")


def _full_check(detector, text):
    """The full check's decisions by start, each word's stage-1 probability by start, and the scored count."""
    from unspin.detect.score import context_free_probabilities

    decisions = detector.decisions(prepare(Document(text=text)))
    p1 = {d.token.start: p for p, d in zip(context_free_probabilities(decisions), decisions) if d.features}
    return {d.token.start: d for d in decisions if d.features}, p1


def _sums(p1):
    return sum(p1.values()), sum(p > 0.5 for p in p1.values()), len(p1)


def test_a_token_keeps_its_normal_form_and_compares_without_it():
    toks = tokenize("O\u2019Brien’s well\u2011known Café")
    assert [t.norm for t in toks] == [normalize_token(t.text) for t in toks] == ["o'brien's", "well-known", "café"]
    # built by hand (no normal form given) it is computed; equality ignores it
    t = Token(0, 8, "O’Brien’", TokenKind.WORD)
    assert t.norm == "o'brien'" and t == Token(0, 8, "O’Brien’", TokenKind.WORD, "other")


def test_trees_compiled_for_one_row_match_the_batch_evaluation():
    rng = np.random.RandomState(3)
    names = ("a", "b", "c")
    trees = []
    for _ in range(7):
        # a depth-2 tree: node 0 splits, nodes 1 and 2 split, 3-6 are leaves
        trees.append({"feature": np.array([rng.randint(3), rng.randint(3), rng.randint(3), 0, 0, 0, 0]),
                      "threshold": rng.randn(7), "left": np.array([1, 3, 5, 0, 0, 0, 0]),
                      "right": np.array([2, 4, 6, 0, 0, 0, 0]), "leaf": np.array([0, 0, 0, 1, 1, 1, 1], dtype=bool),
                      "value": rng.randn(7), "missing_left": rng.rand(7) < 0.5})
    ens = TreeEnsemble(names, 0.25, tuple(trees))
    X = rng.randn(50, 3)
    X[::7, 1] = np.nan  # missing values go where each node sends them
    got = [ens.raw_one({n: v for n, v in zip(names, row)}) for row in X]
    assert np.allclose(got, ens.raw_batch(X))
    compiled = ens.__dict__["_compiled"]
    ens.raw_one({})
    assert ens.__dict__["_compiled"] is compiled  # compiled once


def test_spot_confidences_are_the_full_checks_on_the_named_words(detector):
    full, p1 = _full_check(detector, SPUN)
    total, high, n = _sums(p1)
    # given the document's own stage-1 figures, each word decoded alone in its sentence gets the full check's
    # confidence, but where the full check restored a neighbour too ("boost the duty": "tax" read beside it)
    got = spot_confidences(SPUN, p1, total, high, n, detector)
    assert set(got) == set(full)
    same = {s for s in full if got[s] == pytest.approx(full[s].confidence, abs=1e-9)}
    last = SPUN.index("The plan")
    assert len(same) >= 0.8 * n and {s for s in full if s > last} <= same
    # one at a time or together: the same where no neighbour is restored
    assert all(spot_confidences(SPUN, {s: p1[s]}, total, high, n, detector) == {s: got[s]} for s in full if s > last)
    duty = SPUN.index("duty")
    assert got[duty] == max(got.values()) and got[duty] > 0.1 and duty in same
    # the stand-ins matter as they do in the full check: other words that look clean pull a word down
    assert spot_confidences(SPUN, {duty: p1[duty]}, total / 2, 0, n, detector)[duty] < got[duty]
    # the word as written is less suspicious
    tax = CLEAN.index("tax")
    assert spot_confidences(CLEAN, {tax: p1[duty]}, total, high, n, detector)[tax] < got[duty]


def test_spot_confidences_leave_out_what_the_full_check_does_not_judge(detector):
    names = SPUN.index("Tuesday"), SPUN.index("The"), SPUN.index("the")
    starts = [*names, 10_000, SPUN.index("duty") + 2]
    got = spot_confidences(SPUN, dict.fromkeys(starts, 0.1), 2.0, 0, 40, detector)
    # a name, a function word, an offset that is no word's start: not judged, left out
    assert got == {}
    assert spot_confidences(SPUN, {}, 2.0, 0, 40, detector) == {}


@pytest.mark.parametrize("text", ["", "   ", "12 34 56.", "Of the, and."])
def test_spot_confidences_on_texts_without_judged_words(detector, text):
    assert spot_confidences(text, {0: 0.5, 1: 0.5}, 0.0, 0, 0, detector) == {}

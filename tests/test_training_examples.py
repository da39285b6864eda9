"""The word model's kept examples (``train_detect --examples``) read back as written, and the
tortured-phrase list's tune half as ``unspin learn`` pairs (no ../shared needed)."""

import json

from bench.tortured import half


def test_word_examples_round_trip(tmp_path):
    from training.train_detect import _read_examples, _write_examples

    X = [{"margin": 1.5, "obs_uni": -4.25, "alt_in_doc": 0.0}, {"margin": -0.5, "obs_uni": -6.0, "alt_in_doc": 1.0}]
    path = str(tmp_path / "ex.npz")
    _write_examples(path, X, [1, 0], [3, 10_000_000])
    X2, y2, g2 = _read_examples(path)
    assert X2 == X and y2 == [1, 0] and g2 == [3, 10_000_000]


def test_pps_pairs_keep_only_the_tune_half(tmp_path):
    from devkit.pps_pairs import SENTENCE, pairs

    phrases = ["profound learning", "counterfeit consciousness", "irregular woodland", "bosom peril", "flag examination"]
    expected = ["deep learning", "artificial intelligence", "random forest", "breast cancer", "signal processing"]
    f = tmp_path / "list.json"
    f.write_text(json.dumps({"phrases": [{"tortured": t, "correct": c} for t, c in zip(phrases, expected)]}))
    got = pairs(f)
    tune = [t for t in phrases if half(t) == "tune"]
    assert 0 < len(tune) < len(phrases), "the fixture should hold both halves"
    assert [r["copy"] for r in got] == [SENTENCE.format(t) for t in sorted(tune)]
    for r in got:
        t = r["copy"][len("It is the "):].split(" that ")[0]
        assert r["source"] == SENTENCE.format(expected[phrases.index(t)])

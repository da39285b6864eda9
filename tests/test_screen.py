"""unspin.screen: the screening pass (features, score, report contract), check --screen, scan --screen."""

from __future__ import annotations

import json
import math
import random

import pytest
from typer.testing import CliRunner

from unspin.cli import app
from unspin.model import Document, Report
from unspin.screen import (
    FEATURES,
    MODEL_FILE,
    WORD_FEATURES,
    WORD_PAIRS,
    ScreenModel,
    load_screen_model,
    screen,
    screen_features,
    screen_report,
    word_feature_dict,
)
from unspin.settings import SCREEN_THRESHOLD

PARAGRAPHS = [
    "The city council has approved a plan to rebuild the old harbour bridge, which was closed last winter after engineers "
    "found cracks in its main supports. Work is expected to start in the spring and to last about two years. The council "
    "said the cost would be shared with the regional government, and that a temporary ferry would run while the bridge was "
    "closed. Local shop owners welcomed the decision but warned that many businesses had already lost customers during the "
    "months of uncertainty. A spokesman for the engineers said the new design would carry heavier traffic and would need "
    "less repair in the years to come.",
    "Hospital waiting times have fallen for the first time in five years, according to figures published on Tuesday. The "
    "health minister said the improvement showed that extra funding for staff was starting to work, but doctors said the "
    "change was small and that many patients were still waiting too long for operations. The report found that the number "
    "of people waiting more than a year for treatment had dropped by about a tenth. Opposition leaders called for a full "
    "review of how the money had been spent and asked the government to publish its plans for the coming winter.",
    "Energy prices are likely to stay high through the winter, the country's largest supplier has warned. The company said "
    "that the cost of gas on the wholesale market had risen sharply over the summer and that it could not keep bills at "
    "their present level for much longer. Consumer groups urged families to check whether they could switch to a cheaper "
    "tariff and asked ministers to extend the support scheme that ends next month. The supplier said it would offer help "
    "to customers who struggled to pay and would not cut off anyone's supply during the coldest months.",
]


def test_features_are_the_models_and_the_shipped_model_carries_metadata():
    from unspin.detect.modelio import load_shipped

    meta = load_shipped(MODEL_FILE)["metadata"]
    model = load_screen_model()
    assert set(model.model.features) <= set(FEATURES)
    assert meta["features"] == sorted(model.model.features) and meta["data"]
    feats, words, _ = screen_features(PARAGRAPHS[0])
    assert set(feats) == set(FEATURES) and words == len(PARAGRAPHS[0].split())
    assert all(isinstance(v, float) and v == v for v in feats.values())


def test_word_model_reads_the_words_the_full_check_judges():
    model = load_screen_model()
    assert model.word_model is not None and set(model.word_model.features) <= set(WORD_FEATURES) | set(WORD_PAIRS)
    rows: list = []
    feats, _, _ = screen_features(PARAGRAPHS[0], model, rows)
    starts = [a for a, _ in rows]
    assert rows and all(len(x) == len(WORD_FEATURES) for _, x in rows) and starts == sorted(set(starts))
    # every row is a content word, not capitalised inside a sentence; one without likely originals is marked so
    for a, x in rows:
        word = PARAGRAPHS[0][a:].split()[0].strip(".,").lower()
        f = dict(zip(WORD_FEATURES, x))
        assert f["n_originals"] == len(model.originals.get(word, ())) and f["no_originals"] == float(word not in model.originals)
    assert 0.0 < feats["word_p_mean"] < 1.0 and 0.0 <= feats["word_p_high"] <= feats["word_p_mid"] <= 1.0
    # without a word model the word features are 0 and the other features unchanged
    bare = ScreenModel(model.words, model.bigrams, model.model, model.originals)
    plain, _, _ = screen_features(PARAGRAPHS[0], bare)
    assert plain["word_p_mean"] == 0.0 and plain["lm_mean"] == feats["lm_mean"] and plain["gain2"] == feats["gain2"]


def test_the_strongest_words_summarised_from_the_word_models_probabilities():
    """``word_p_topf`` (the full check's ``top_conf`` read on the word model), ``word_p_top1``/``top3`` and the
    counts over 0.4 and 0.6 are all read from the word model's probabilities of the same rows."""
    import math

    from unspin.screen import WORD_P_TOPF, WORD_P_TOPF_MIN

    model = load_screen_model()
    text = ("The number of visitors to the museum rose sharply last year, the organisers said on Friday. "
            "They will open two new galleries and a garden before the first events of the spring begin.")
    spun = text.replace("last year", "last annum").replace("rose sharply", "rose acutely")
    rows: list = []
    bad, _, _ = screen_features(spun, model, rows)
    # the folded word model (one dot product and the products a word) is the fitted one on the named features
    wm = model.word_model
    assert wm is not None and any(f in WORD_PAIRS for f in wm.features)
    p = sorted((1 / (1 + math.exp(-wm.raw(word_feature_dict(x)))) for _, x in rows), reverse=True)
    assert len(p) >= 5
    k = max(WORD_P_TOPF_MIN, math.ceil(WORD_P_TOPF * len(p)))
    assert abs(bad["word_p_topf"] - sum(p[:k]) / k) < 1e-9 and bad["word_p_topf"] >= bad["word_p_top"] - 1e-9
    assert abs(bad["word_p_top1"] - p[0]) < 1e-9 and abs(bad["word_p_top3"] - sum(p[:3]) / 3) < 1e-9
    assert bad["word_p_n40"] == sum(q > 0.4 for q in p) >= bad["word_p_n60"] == sum(q > 0.6 for q in p)
    assert abs(bad["word_p_share20"] - sum(q > 0.2 for q in p) / len(p)) < 1e-9
    clean, _, _ = screen_features(text, model)
    assert bad["word_p_top1"] > clean["word_p_top1"]


def test_thesaurus_phrases_are_scored_like_the_full_checks_phrase_pass():
    from devkit.spinner import Spinner

    model = load_screen_model()
    assert len(model.phrases) > 10_000 and all(1 <= len(c) <= 3 for _, c in list(model.phrases.values())[:100])
    for i, p in enumerate(PARAGRAPHS):
        clean, _, _ = screen_features(p, model)
        spun, _, hits = screen_features(Spinner(rate=0.3, pick="common", phrases=True, seed=i).spin(p).text, model)
        assert spun["phrase_mass"] > clean["phrase_mass"] + 0.01 and clean["phrase_density"] == 0.0
        assert spun["phrase_density"] > 0.0 and any(len(h.split(" (")[0].split()) >= 2 for _, h in hits)
    bare = ScreenModel(model.words, model.bigrams, model.model, model.originals, word_model=model.word_model)
    assert screen_features(PARAGRAPHS[0], bare)[0]["phrase_mass"] == 0.0


def test_what_the_screen_remembers_of_a_word_is_what_it_would_look_up():
    """A word's context-free look-ups are remembered per model and process (`_word_info`): a text screened
    with a cold memo and again with a warm one gives the same features, and the remembered values are the
    look-ups themselves; another model (its own weights and originals) has its own memo."""
    from unspin.lexicon.freq import zipf
    from unspin.screen import _lookups

    model = load_screen_model()
    fresh = ScreenModel(model.words, model.bigrams, model.model, model.originals, word_model=model.word_model,
                        phrases=model.phrases, own_model=model.own_model)
    cold = screen_features(PARAGRAPHS[1], fresh)
    assert fresh._info and screen_features(PARAGRAPHS[1], fresh) == cold == screen_features(PARAGRAPHS[1], model)
    look = _lookups()
    for w in ("waiting", "the", "government", "minister"):
        func, formal, z, weight, uni, originals, vec, wid, ids = fresh._info[w]
        assert z == zipf(w) and weight == model.words.get(w) and uni == look.unigram(w)
        assert originals == model.originals.get(w) and (vec is None) == (look.vectors.get(w) is None)
        # the word's and its originals' ids in the language model's arrays
        assert wid == look.trie.vocab[w] and (ids is None) == (originals is None)
        assert originals is None or ids.tolist() == [look.trie.vocab.get(o, -1) for o in originals]
    assert fresh._info["waiting"][8] is not None
    other = ScreenModel({"waiting": 4.0}, {}, model.model, {})
    screen_features(PARAGRAPHS[1], other)
    assert other._info["waiting"][3] == 4.0 and other._info["waiting"][5] is None
    assert fresh._info["waiting"][3] == model.words.get("waiting")


def test_model_round_trips_and_the_threshold_is_the_trained_one():
    from unspin.detect.modelio import load_shipped

    model = load_screen_model()
    again = ScreenModel.from_dict(json.loads(json.dumps(model.to_dict())))
    for p in PARAGRAPHS:
        assert abs(screen(p, model=again).score - screen(p).score) < 1e-6
    assert SCREEN_THRESHOLD == load_shipped(MODEL_FILE)["meta"]["threshold"]  # chosen out of fold on the training documents, not on the benchmark


def test_spun_paragraphs_score_higher_than_their_originals():
    from devkit.spinner import Spinner

    clean = [screen(p).score for p in PARAGRAPHS]
    spun = [screen(Spinner(rate=0.4, pick="uniform", seed=i).spin(p).text).score for i, p in enumerate(PARAGRAPHS)]
    assert all(0.0 <= s <= 1.0 for s in clean + spun)
    assert sum(spun) / len(spun) > sum(clean) / len(clean) + 0.1
    assert sum(s > c for s, c in zip(spun, clean)) >= 2


def test_threshold_decides_and_a_short_text_always_passes_on():
    r = screen(PARAGRAPHS[1])
    assert screen(PARAGRAPHS[1], threshold=0.0).passed
    assert not screen(PARAGRAPHS[1], threshold=1.01).passed
    assert r.passed == (r.score >= SCREEN_THRESHOLD)
    short = screen("A short note about the harbour bridge.", threshold=1.01)
    assert short.passed and "too short" in short.explanation()


def test_page_furniture_is_not_read():
    text = PARAGRAPHS[2]
    furniture = "Subscribe now! Cookies policy | Share on social media | Related stories\n"
    doc = Document(furniture + text, excluded=((0, len(furniture)),))
    assert screen(doc).features == screen(text).features


def test_report_follows_the_check_contract():
    rep = screen_report(Document(PARAGRAPHS[0], id="p0"), warnings=("a reader warning",))
    assert rep.flags == () and rep.verdict in ("clean", "uncertain") and rep.warnings == ("a reader warning",)
    assert (rep.verdict == "clean") == (rep.spin_score < SCREEN_THRESHOLD)
    assert "screen score" in rep.explanation
    assert Report.from_dict(json.loads(rep.to_json())) == rep


def test_unicode_and_odd_input_do_not_break_the_screen():
    for text in ("", "\n\n", "1 2 3 4 5", "Ünïcödé wörds — “quoted” ‘text’ naïve café " * 8, "x" * 10_000, "\u200b" * 50):
        r = screen(text)
        assert 0.0 <= r.score <= 1.0


runner = CliRunner()


def test_check_screen_command(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(PARAGRAPHS[0])
    r = runner.invoke(app, ["check", "--screen", "--json", str(p)])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout.strip().splitlines()[-1])
    assert d["flags"] == [] and d["verdict"] in ("clean", "uncertain") and d["explanation"].startswith("screen")
    assert d["spin_score"] == round(screen(PARAGRAPHS[0]).score, 4)
    bad = runner.invoke(app, ["check", "--screen", "--index", str(tmp_path / "none.db"), str(p)])
    assert bad.exit_code == 2 and "--screen" in bad.output


@pytest.mark.parametrize("threshold", [0.0, 1.0])
def test_scan_screen_checks_only_what_passes(tmp_path, detector, threshold):
    import pyarrow.parquet as pq

    from devkit.spinner import Spinner
    from unspin.api import check
    from unspin.scan import scan

    rng = random.Random(3)
    docs = [{"id": f"c{i}", "text": p} for i, p in enumerate(PARAGRAPHS)]
    docs.append({"id": "s0", "text": Spinner(rate=0.4, seed=rng.randrange(1000)).spin(PARAGRAPHS[0]).text})
    src = tmp_path / "docs.jsonl"
    src.write_text("".join(json.dumps(d) + "\n" for d in docs))
    s = scan([str(src)], tmp_path / "out", workers=0, screen=threshold, cluster=False)
    rows = {r["id"]: r for r in pq.read_table(next((tmp_path / "out" / "documents").glob("part-*.parquet"))).to_pylist()}
    assert s.checked == len(docs)
    for d in docs:
        row = rows[d["id"]]
        sc = screen(d["text"])
        assert row["screen_score"] == round(sc.score, 4)
        if threshold == 0.0:
            full = check(Document(d["text"], id=d["id"]))
            assert not row["screened_out"] and row["verdict"] == full.verdict and row["spin_score"] == round(full.spin_score, 4)
        else:
            assert row["screened_out"] and row["verdict"] == "clean" and row["n_flags"] == 0 and row["explanation"].startswith("screen")
    assert s.screened_out == (0 if threshold == 0.0 else len(docs))


def test_scan_command_screen_option(tmp_path):
    src = tmp_path / "docs.jsonl"
    src.write_text("".join(json.dumps({"id": f"c{i}", "text": p}) + "\n" for i, p in enumerate(PARAGRAPHS)))
    r = runner.invoke(app, ["scan", str(src), "--out", str(tmp_path / "out"), "--workers", "0", "--no-clusters", "--screen", "1.0", "--json"])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    assert summary["screened_out"] == len(PARAGRAPHS) and summary["clean"] == len(PARAGRAPHS)
    bad = runner.invoke(app, ["scan", str(src), "--out", str(tmp_path / "out2"), "--screen", "1.5"])
    assert bad.exit_code == 2


def test_cross_fit_gives_a_training_document_the_likely_originals_a_new_text_would_find():
    """Out of fold, a document's rare words have likely originals only when the other half holds them (or they
    are common): the shipped table, which holds every training word, would make a spun document look easier."""
    from training.train_screen import cross_fit_originals

    corpus = [dict(text="The envoy partook of the feast."), dict(text="A jolly envoy sang."), dict(text="The feast ended.")]
    halves = [0, 1, 1]
    originals = {"partook": ("took",), "envoy": ("diplomat",), "feast": ("meal",), "jolly": ("happy",), "sang": ("sung",)}
    for_0, for_1 = cross_fit_originals(corpus, halves, originals, common={"sang"})
    assert set(for_0) == {"envoy", "feast", "jolly", "sang"}  # not "partook": only half 0 has it
    assert set(for_1) == {"partook", "envoy", "feast", "sang"}  # not "jolly": only half 1 has it
    assert for_0["envoy"] == ("diplomat",)


def test_names_acronyms_and_short_words_are_not_judged_as_the_full_check_does_not():
    """The words the full check does not judge (`SlotBuilder.is_candidate`) get no word-model row: a name inside a
    sentence, a capitalised sentence-initial word followed by another ("Hazel Blears said"), a rare capitalised
    first word, an acronym, a word under 3 letters (the "m" of "5m")."""
    model = load_screen_model()
    text = ("Hazel Blears said the plan would cost 5m pounds. NATO leaders met in Brussels on Monday. "
            "Truculent voters returned the minister to office. Leaders gathered in the square.")
    rows: list = []
    screen_features(text, model, rows)
    judged = {text[a:].split()[0].strip(".,") for a, _ in rows}
    assert not judged & {"Hazel", "Blears", "m", "NATO", "Brussels", "Monday", "Truculent"}
    assert {"plan", "pounds", "leaders", "voters", "minister", "Leaders", "square"} <= judged


def test_own_model_and_style_features_are_the_full_checks_document_features_read_on_the_screen():
    """``own_p_*`` are the full check's ``own_top``/``own_share``/``own_common_share`` on the own model's
    probabilities of the same rows; ``style_*`` are the full check's style features."""
    import math

    import numpy as np

    from unspin.detect.score import STYLE, style_features
    from unspin.settings import DOCUMENT_FEATURES as cut

    model = load_screen_model()
    assert model.own_model is not None
    for text in PARAGRAPHS:
        rows: list = []
        feats, _, _ = screen_features(text, model, rows)
        X = np.asarray([x for _, x in rows])
        p = model.own_probabilities(X)
        k = max(cut.top_min, math.ceil(cut.own_top_share * len(p)))
        assert abs(feats["own_p_top"] - np.sort(p)[::-1][:k].mean()) < 1e-9
        assert abs(feats["own_p_share"] - (p >= cut.own_share_at).mean()) < 1e-9
        zipf = X[:, WORD_FEATURES.index("zipf")]
        assert abs(feats["own_p_common"] - ((p >= cut.own_share_at) & (zipf >= cut.common_zipf)).mean()) < 1e-9
        full = style_features(text)
        for name in STYLE:
            assert abs(feats[name] - full[name]) < 0.01, name
    old = "It is the duty of the government, and of all who love their country, that the laws which we have made " \
          "should be obeyed by every citizen, and that the public faith should be kept in every engagement."
    assert screen_features(old, model)[0]["style_function"] > 0.0 and screen_features("Prices rose in May. Shops shut early.", model)[0]["style_sentence"] == 0.0


def test_the_document_model_learns_the_full_checks_score():
    """train_screen's soft target is the score the full check's verdict is cut from; the fit follows it."""
    from training.train_screen import fit

    X = [{"word_p_topf": v, "lm_mean": -2.0 + 0.01 * i} for i, v in enumerate([0.1, 0.2, 0.3, 0.5, 0.7, 0.9] * 5)]
    target = [x["word_p_topf"] for x in X]
    m = fit(X, target, [int(t >= 0.5) for t in target], [1] * len(X))
    probs = [1 / (1 + math.exp(-m.raw(x))) for x in X[:6]]
    assert probs == sorted(probs) and abs(probs[0] - 0.1) < 0.1 and abs(probs[-1] - 0.9) < 0.1
    assert m.weights["word_p_topf"] > 0


def test_the_teachers_score_is_the_full_checks():
    """`train_screen.scores` re-reads the score of the kept evidence: the check's own spin_score."""
    from training.train_docscore import raw_evidence
    from training.train_screen import scores
    from unspin.api import check

    for text in (PARAGRAPHS[1], PARAGRAPHS[1].replace("fallen", "dropped").replace("improvement", "betterment")):
        assert abs(scores([raw_evidence(text)])[0] - check(text).spin_score) < 1e-3


def test_the_spot_stage_scores_again_only_what_falls_in_its_band(detector):
    from dataclasses import replace

    from unspin.errors import ResourceError
    from unspin.screen import SPOT_FEATURES, SpotStage

    model = load_screen_model()
    stage = model.spot
    assert stage is not None and set(stage.model.features) <= set(FEATURES) | set(SPOT_FEATURES)
    assert stage.band[0] <= stage.threshold <= stage.band[1] and stage.words >= 1
    assert SpotStage.from_dict(json.loads(json.dumps(stage.to_dict()))) == stage
    everywhere = replace(model, spot=replace(stage, band=(0.0, 1.01)))
    nowhere = replace(model, spot=replace(stage, band=(2.0, 3.0)))
    for p in PARAGRAPHS:
        plain = screen(p, model=model)
        out = screen(p, model=nowhere, spot=True)
        # outside the band: the look-up score, decided at the spot stage's threshold
        assert not out.spotted and out.score == plain.score and out.threshold == stage.threshold
        got = screen(p, model=everywhere, spot=True)
        assert got.spotted and set(SPOT_FEATURES) <= set(got.features) and 0.0 <= got.score <= 1.0
        assert 0.0 <= got.features["spot_max"] <= 1.0 and "spot-checked" in got.explanation()
        assert got.passed == (got.score >= stage.threshold)
        assert screen(p, 0.99, model=everywhere, spot=True).threshold == 0.99
    with pytest.raises(ResourceError, match="no spot stage"):
        screen(PARAGRAPHS[0], model=replace(model, spot=None), spot=True)


def test_spot_features_read_the_full_checks_confidences_of_the_likeliest_words(detector):
    from devkit.spinner import Spinner
    from unspin.screen import spot_features

    model = load_screen_model()
    text = Spinner(rate=0.4, seed=7).spin(PARAGRAPHS[1]).text
    rows: list = []
    feats, _, _ = screen_features(text, model, rows)
    got = spot_features(text, rows, model, 6, detector)
    assert set(got) == {"spot_topf", "spot_max"} and all(0.0 <= v <= 1.0 for v in got.values())
    # with no word decoded the figures are the word model's own
    assert spot_features(text, rows, model, 0, detector)["spot_topf"] == pytest.approx(feats["word_p_topf"])
    assert spot_features(text, [], model, 6, detector) == {"spot_topf": 0.0, "spot_max": 0.0}


def test_check_and_scan_take_the_spot_stage_with_the_screen_only(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(PARAGRAPHS[0])
    r = runner.invoke(app, ["check", "--screen", "--spot", "--json", str(p)])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout.strip().splitlines()[-1])
    assert d["flags"] == [] and d["spin_score"] == round(screen(PARAGRAPHS[0], spot=True).score, 4)
    bad = runner.invoke(app, ["check", "--spot", str(p)])
    assert bad.exit_code == 2 and "--screen" in bad.output
    src = tmp_path / "docs.jsonl"
    src.write_text("".join(json.dumps({"id": f"c{i}", "text": t}) + "\n" for i, t in enumerate(PARAGRAPHS)))
    r = runner.invoke(app, ["scan", str(src), "--out", str(tmp_path / "out"), "--workers", "0", "--no-clusters", "--screen", "1.0",
                            "--spot", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout.strip().splitlines()[-1])["screened_out"] == len(PARAGRAPHS)
    bad = runner.invoke(app, ["scan", str(src), "--out", str(tmp_path / "out2"), "--workers", "0", "--spot"])
    assert bad.exit_code != 0 and "screen" in bad.output

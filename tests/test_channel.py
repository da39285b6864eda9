"""The channel model: features, normalisation, fitting, the shipped default, the table."""

from __future__ import annotations

import math

import numpy as np
import pytest

from unspin.detect.channel import (
    FEATURES,
    UNIFORM,
    ChannelLexicon,
    ChannelModel,
    ChannelTable,
    default_lexicon,
    fit_channel,
    load_channel_model,
)

SMALL_MOBY = """leader,chief,head,boss,bellwether,guiding light,top dog
country,nation,land,state,commonwealth,body politic
nation,country,people,state
tension,pressure,strain,stress,tautness,suspense
"""


@pytest.fixture(scope="module")
def small_lexicon(tmp_path_factory):
    from unspin.lexicon.moby import load_thesaurus

    p = tmp_path_factory.mktemp("moby") / "words.txt"
    p.write_text(SMALL_MOBY, encoding="utf-8")
    return ChannelLexicon(thesaurus=load_thesaurus(p), wordnet=None)


def test_features_of_a_pair(small_lexicon):
    m = ChannelModel({}, lexicon=small_lexicon)
    f = m.features("leader", "chief")
    assert set(f) == set(FEATURES)
    assert f["in_moby"] == 1.0 and f["front"] == 1.0 and f["multi"] == 0.0 and f["rank"] == 0.0
    assert f["cos"] > 0.3 and f["no_vec"] == 0.0 and f["zipf"] > 4
    assert m.features("leader", "guiding light")["multi"] == 1.0
    unlisted = m.features("leader", "banana")
    assert unlisted["in_moby"] == 0.0 and unlisted["rank"] == 1.0
    # "country" <-> "nation" are listed both ways, "leader" is not under "chief"
    assert m.features("country", "nation")["mutual"] == 1.0
    assert m.features("leader", "chief")["mutual"] == 0.0
    assert m.features("leader", "leaders")["same_lemma"] == 1.0


def test_log_prob_normalises_over_the_candidates(small_lexicon):
    m = ChannelModel({"zipf": 0.5, "cos": 8.0, "multi": -3.0}, lexicon=small_lexicon)
    cands = small_lexicon.candidate_set("leader")
    total = sum(10 ** m.log_prob("leader", s, cands) for s in cands)
    assert total == pytest.approx(1.0)
    # a close, common synonym is a likelier pick than a rare multi-word one
    assert m.log_prob("leader", "chief") > m.log_prob("leader", "guiding light") + 1
    # the spun word joins the candidates when missing
    assert 10 ** m.log_prob("leader", "captain", ["chief"]) < 1


def test_uniform_is_one_over_the_list(small_lexicon):
    u = ChannelModel(UNIFORM.weights, lexicon=small_lexicon)
    assert u.log_prob("leader", "chief") == pytest.approx(-math.log10(6))
    assert u.log_prob("tension", "suspense") == pytest.approx(-math.log10(5))


def test_round_trip_and_bad_files():
    m = ChannelModel({"zipf": 0.25, "cos": 4.0}, version=3, note="x")
    back = ChannelModel.from_dict(m.to_dict())
    assert back == m and back.digest() == m.digest()
    with pytest.raises(ValueError, match="unknown features"):
        ChannelModel.from_dict({"weights": {"shoe_size": 1.0}})
    with pytest.raises(ValueError, match="not a channel model"):
        ChannelModel.from_dict({"type": "linear", "weights": {}})


def test_fit_recovers_the_weights_it_was_sampled_from():
    """Picks drawn from a known model over real Moby lists: the fit finds that model again."""
    lex = default_lexicon()
    true = ChannelModel({"zipf": 0.6, "cos": 5.0, "multi": -2.0, "front": 1.0}, lexicon=lex)
    w = true._w()
    rng = np.random.default_rng(0)
    heads = [h for h in ("leader", "country", "tension", "attack", "house", "speak", "quick", "strong", "money",
                         "happy", "problem", "meeting", "decision", "war", "city", "child", "buy", "show")]
    examples = []
    for _ in range(1500):
        o = heads[int(rng.integers(len(heads)))]
        cands = lex.candidate_set(o)
        x = lex.feature_matrix(o, cands) @ w
        p = np.exp(x - x.max())
        examples.append((o, cands[int(rng.choice(len(cands), p=p / p.sum()))], cands))
    fitted = fit_channel(examples, l2=0.1, lexicon=lex, features=("zipf", "cos", "multi", "front"))
    for f in ("zipf", "cos", "multi", "front"):
        assert fitted.weights[f] == pytest.approx(true.weights[f], abs=0.35 * max(1.0, abs(true.weights[f])))
    assert fitted.weights["in_wordnet"] == 0.0  # not fitted
    # the fitted model gives the held-in picks more likelihood than the uniform pick does
    ll_fit = sum(fitted.log_prob(o, s, c) for o, s, c in examples[:200])
    ll_uni = sum(ChannelModel({}, lexicon=lex).log_prob(o, s, c) for o, s, c in examples[:200])
    assert ll_fit > ll_uni + 20


def test_fit_refuses_examples_without_a_choice():
    with pytest.raises(ValueError, match="no example"):
        fit_channel([("leader", "chief", ["chief"])])


def test_shipped_model_prefers_close_common_synonyms():
    m = load_channel_model()
    assert m.version >= 1 and m.weights["cos"] > 0 and m.weights["multi"] < 0
    # the real spinner's picks are likelier than a rare, distant entry of the same list
    assert m.log_prob("leader", "chief") > m.log_prob("leader", "bellwether")
    assert m.log_prob("country", "nation") > m.log_prob("country", "body politic")


def test_table_matches_log_prob(small_lexicon):
    m = ChannelModel({"zipf": 0.5, "cos": 6.0, "multi": -2.5, "mutual": 0.7, "front": 0.2}, lexicon=small_lexicon)
    table = ChannelTable(m, lexicon=small_lexicon)
    th = small_lexicon.th
    for head in ("leader", "country", "nation", "tension"):
        for rank, s in enumerate(th.synonyms(head)):
            assert table.log_prob(head, rank) == pytest.approx(m.log_prob(head, s), abs=1e-4)
    # a pair outside the list: normalised over the list alone (log_prob adds it to the candidates)
    lp = m.log_prob("leader", "captain")
    assert table.log_prob_pair("leader", "captain") == pytest.approx(lp - math.log10(1 - 10**lp), abs=1e-4)


def test_candidates_carry_the_channel_prior_and_extra_sources(small_lexicon):
    from unspin.detect.candidates import CandidateGenerator

    th = small_lexicon.th
    m = ChannelModel({"zipf": 0.5, "cos": 6.0, "multi": -2.5}, lexicon=small_lexicon)
    gen = CandidateGenerator(th, channel=ChannelTable(m, lexicon=small_lexicon))
    by_form = {c.form: c for c in gen.candidates("chief")}
    c = by_form["leader"]
    assert c.log_channel == pytest.approx(-math.log10(6)) and c.source == "moby"
    assert c.prior == pytest.approx(m.log_prob("leader", "chief"), abs=1e-4) and c.prior != c.log_channel
    # without a channel model the prior is the uniform pick's
    plain = {c.form: c for c in CandidateGenerator(th).candidates("chief")}
    assert plain["leader"].prior == plain["leader"].log_channel

    # the hook for learned lexicons: observed word -> [(original, log10 P, evidence)]
    def lexicon(observed):
        return [("captain", -0.2, {"count": 7})] if observed == "chief" else []

    gen.add_source(lexicon)
    got = {c.form: c for c in gen.candidates("chief")}
    assert got["captain"].prior == -0.2 and got["captain"].source == "lexicon"
    assert got["captain"].evidence == {"count": 7}
    assert "leader" in got  # the thesaurus's candidates stay
    assert not any(c.source == "lexicon" for c in gen.candidates("head"))


def test_detector_decodes_with_the_channel_prior(detector):
    assert detector.options.channel_prior and detector.gen.channel is not None
    cands = {c.form: c for c in detector.gen.candidates("chiefs")}
    assert "leaders" in cands
    # a close, common synonym: likelier under the channel model than a uniform pick from a long list
    assert cands["leaders"].prior > cands["leaders"].log_channel


def test_a_derived_generator_keeps_every_setting_but_what_it_replaces(small_lexicon):
    from unspin.detect.candidates import CandidateGenerator

    th = small_lexicon.th
    table = ChannelTable(ChannelModel({"zipf": 0.5, "cos": 6.0, "multi": -2.5}, lexicon=small_lexicon), lexicon=small_lexicon)
    vectors = object()
    base = CandidateGenerator(th, max_candidates=7, wordnet_penalty=0.9, vectors=vectors)  # type: ignore[arg-type]
    d = base.derived(channel=table)
    assert d is not base and d.channel is table and base.channel is None
    assert (d.th, d.max_candidates, d.wordnet_penalty, d.vectors, d.sources) == (th, 7, 0.9, vectors, [])

    def extra(observed):
        return []

    d2 = d.derived(sources=[extra])
    assert d2.channel is table and d2.sources == [extra] and d.sources == []

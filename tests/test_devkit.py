"""The development kit that the benchmarks and the training rely on: real-data gold, spinner habits,
the naive baseline. None of these tests needs ../shared."""

from __future__ import annotations

import json

import pytest

from devkit import realdev
from devkit.spinner import GENRES, HABITS, Habit, Spinner, mixed
from unspin.text import TokenKind, tokenize

SOURCE = ("The leaders of the two countries met on Friday in Beijing to discuss trade. "
          "Officials said the talks were friendly and that both sides wanted closer ties in the coming years, "
          "according to a statement released by the foreign ministry after the meeting.")
SPUN = ("The chiefs of the two nations met on Friday in Beijing to talk about trade. "
        "Officials stated the talks were amicable, and the whole meeting was described by state media as a warm "
        "exchange between old friends that would shape the region, according to a statement released by the foreign "
        "ministry after the meeting.")


def _words(text: str) -> int:
    return sum(1 for t in tokenize(text) if t.kind is TokenKind.WORD)


def test_align_swaps_short_runs_are_swaps_long_runs_rewrites():
    swaps, rewrites, rewritten = realdev.align_swaps(SPUN, SOURCE)
    got = {(s.spun, s.original, s.kind) for s in swaps}
    assert ("chiefs", "leaders", "swap") in got
    assert ("nations", "countries", "swap") in got
    assert ("talk about", "discuss", "swap") in got  # one word for two is still a swap
    assert ("stated", "said", "swap") in got
    for s in swaps:
        assert SPUN[s.start : s.end] == s.spun
    # the restructured clause is one rewrite, not a string of swaps
    assert len(rewrites) == 1
    a, b = rewrites[0]
    assert "whole meeting" in SPUN[a:b] and rewritten > realdev.MAX_SWAP
    assert not any(a <= s.start < b for s in swaps)


def test_align_swaps_folds_case_and_accents_and_finds_insertions():
    swaps, rewrites, _ = realdev.align_swaps("President Moise said doctors tried", "president Moïse said doctors tried")
    assert swaps == [] and rewrites == []
    swaps, _, _ = realdev.align_swaps("medical doctors tried to save him", "doctors tried to save him")
    assert [(s.spun, s.original, s.kind) for s in swaps] == [("medical", "", "insert")]


def _pair(spun: str, source: str) -> realdev.Pair:
    swaps, rewrites, rw = realdev.align_swaps(spun, source)
    return realdev.Pair("t", "spun.example", "source.example", spun, source, "synonym", tuple(swaps), tuple(rewrites),
                        _words(spun), rw)


def test_score_pair_counts_rewrite_flags_as_neither_true_nor_false():
    p = _pair(SPUN, SOURCE)
    at = SPUN.index
    flags = [
        (at("chiefs"), at("chiefs") + 6, "leaders"),  # true, restored
        (at("nations"), at("nations") + 7, "states"),  # true, not restored
        (at("whole"), at("whole") + 5, "entire"),  # inside the rewrite: neutral
        (at("Beijing"), at("Beijing") + 7, None),  # an unchanged word: false
    ]
    c = realdev.score_pair(flags, p)
    assert (c.flags, c.true_flags, c.neutral) == (3, 2, 1)
    assert c.found == 2 and c.gold == len(p.swaps)
    assert c.restored == 1 and c.restoration == 0.5
    assert c.precision == pytest.approx(2 / 3)


def test_load_evidence_judges_flags_inside_the_fragments_only(tmp_path):
    page = "Lead paragraph nobody annotated. " + SPUN + " A closing line."
    fragment = SPUN[: SPUN.index(" Officials")]  # "The chiefs of the two nations met ... to talk about trade."
    original = SOURCE[: SOURCE.index(" Officials")]
    rows = [{"id": "s1", "url": "https://www.spun.example/a", "text": page, "spinner_family": "SpinBot",
             "evidence": [[fragment, original], [fragment, original], ["not in the page", "x"], ["broken"]]},
            {"id": "s2", "url": "https://other.example/b", "text": "No evidence here.", "evidence": []}]
    (tmp_path / "spun.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    p, empty = realdev.load_evidence(tmp_path)
    assert (p.site, p.family, empty.swaps, empty.words) == ("spun.example", "synonym", (), 0)
    assert {(s.spun, s.original) for s in p.swaps} == {("chiefs", "leaders"), ("nations", "countries"),
                                                       ("talk about", "discuss")}
    assert p.words == _words(fragment)  # the fragment once, though listed twice
    at = page.index
    flags = [
        (at("chiefs"), at("chiefs") + 6, "leaders"),  # a gold swap inside the fragment: true
        (at("Beijing"), at("Beijing") + 7, None),  # an unchanged word inside it: false
        (at("nobody"), at("nobody") + 6, None),  # outside every fragment: neutral
        (at("stated"), at("stated") + 6, "said"),  # a swap the evidence does not cover: neutral
    ]
    c = realdev.score_pair(flags, p)
    assert (c.flags, c.true_flags, c.neutral, c.gold, c.found, c.restored) == (2, 1, 2, 3, 1, 1)


def test_doc_metrics_and_auc():
    m = realdev.doc_metrics([0.9, 0.8, 0.4], [0.1, 0.6, 0.2, 0.3])
    assert m.precision == pytest.approx(2 / 3) and m.recall == pytest.approx(2 / 3)
    assert m.fpr == pytest.approx(0.25)
    assert m.auc == pytest.approx(11 / 12)
    assert realdev.auc([0.5], [0.5]) == 0.5


def test_sites_and_folds_never_split_a_site():
    assert realdev.site_of("https://www.bbc.co.uk/news/x?y=1") == "bbc.co.uk"
    assert realdev.site_of("http://newsonscreen.com/a") == "newsonscreen.com"
    pages = [realdev.Page(str(i), site, "", i % 2, "", "", "clean") for i, site in
             enumerate(["a.com", "b.com", "a.com", "c.org", "d.net", "b.com", "e.io"])]
    train, test = realdev.split_by_site(pages, 0)
    assert {p.site for p in train}.isdisjoint({p.site for p in test})
    assert len(train) + len(test) == len(pages)


def test_family_of_spinner_descriptions():
    assert realdev.family("SpinBot-style synonym spinner") == "synonym"
    assert realdev.family("WP auto-rewriter, \"12 months\" dictionary family") == "synonym"
    assert realdev.family("QuillBot-style fluent paraphraser") == "paraphrase"
    assert realdev.family("machine-translation round trip") == "paraphrase"


ARTICLE = ("Electrolux saw its shares rise 14% on Tuesday after it said it would be shifting more of its manufacturing "
           "to low-cost countries. The Swedish firm, the world's largest maker of home appliances, said it is to relocate "
           "about 10 of its 27 plants in western Europe and North America. It did not say which facilities would be "
           "affected, but plans moving them to Asia. The company has two manufacturing sites in the region. Then the "
           "chairman said: \"We expect difficult decisions and painful changes for our workers this year.\" "
           "Recently the company reported strong sales, and its workers expect further changes.")


def _check_gold(spun):
    for s in spun.substitutions:
        assert spun.text[s.start : s.end] == s.spun
        assert s.original in spun.original


def test_spinbot_habit_rate_consistency_and_gold():
    sp = Spinner(rate=0.3, seed=4, habit="spinbot")
    spun = sp.spin(ARTICLE)
    _check_gold(spun)
    synonym_subs = [s for s in spun.substitutions if s.original.lower() not in
                    {"then", "recently", "said", "but", "about", "also", "however"}]
    assert synonym_subs, "a 30 % spin changed nothing"
    # one preferred synonym per word, reused across the text
    by_word: dict[str, set[str]] = {}
    for s in spun.substitutions:
        by_word.setdefault(s.original.lower(), set()).add(s.spun.lower())
    assert all(len(v) == 1 for k, v in by_word.items() if k not in {"said", "then", "recently", "but", "about"})
    # deterministic for a seed
    assert Spinner(rate=0.3, seed=4, habit="spinbot").spin(ARTICLE).text == spun.text


def test_habit_rate_is_a_share_of_content_words_and_quotes_can_be_left_alone():
    h = Habit("t", connectives=0.0, quote_rate=0.0)
    lo = Spinner(rate=0.1, seed=1, habit=h).spin(ARTICLE)
    hi = Spinner(rate=0.5, seed=1, habit=h).spin(ARTICLE)
    assert len(hi.substitutions) > 2 * len(lo.substitutions) > 0
    q0, q1 = ARTICLE.index('"'), ARTICLE.rindex('"')
    for spun in (lo, hi):
        _check_gold(spun)
        # quotations untouched: the quoted sentence survives verbatim
        assert ARTICLE[q0 : q1 + 1] in spun.text


def test_connective_tells():
    h = Habit("tells", connectives=1.0)
    spun = Spinner(rate=0.3, seed=2, habit=h).spin(ARTICLE)
    tells = {s.original.lower(): s.spun.lower() for s in spun.substitutions}
    assert tells.get("then") in {"at that point", "then, at that point"}
    assert tells.get("recently") in {"as of late", "lately"}


def test_named_habits_are_distinct_and_unknown_habit_is_refused():
    assert HABITS["spinbot"] != HABITS["spinnerchief"]
    assert HABITS["spinnerchief"].thesaurus == "wordnet" and HABITS["spinnerchief"].w_multi > 0
    with pytest.raises(ValueError, match="unknown spinner habit"):
        Spinner(habit="nope")


def test_naive_decoder_margin_orders_flags():
    from devkit.naive import NaiveDecoder

    nd = NaiveDecoder(margin=-1e9)
    text = "The chiefs of the two nations met on Friday to talk about commerce."
    every = nd.flags(text)
    assert every, "no content word had a candidate"
    for a, b, sugg in every:
        w = text[a:b]
        assert w[:1].islower() or a == 0 and sugg
    nd.margin = 1e9
    assert nd.flags(text) == []


def test_mixed_deals_articles_round_robin_over_topics():
    # the corpus file is sorted by topic: its first articles are all business stories
    records = [{"id": f"{g}{i}", "category": g} for g in GENRES for i in range(3 if g != "tech" else 1)]
    out = mixed(records)
    assert sorted(r["id"] for r in out) == sorted(r["id"] for r in records)  # nothing lost or repeated
    assert [r["category"] for r in out[:5]] == list(GENRES)  # the first five: one of each topic
    assert [r["id"] for r in out if r["category"] == "sport"] == ["sport0", "sport1", "sport2"]  # file order kept
    assert [r["category"] for r in out[5:]] == ["business", "entertainment", "politics", "sport"] * 2  # tech ran out


def test_a_topic_can_be_left_out_of_training_and_benchmarked_alone(monkeypatch):
    import devkit.spinner as sp

    records = [{"id": f"{g}{i}", "category": g} for g in GENRES for i in range(40)]
    monkeypatch.setattr(sp, "load_bbc", lambda: records)
    assert sp.genres_named("spinbot,sport,close") == {"sport"}  # habits in --exclude are not topics
    train = sp.training_articles("mixed", "spinbot,sport")
    assert train and all(r["category"] != "sport" for r in train)
    assert len(train) == len(sp.training_articles("mixed")) - sum(r["category"] == "sport" for r in sp.training_articles())
    test = sp.held_out_articles("mixed", "sport")
    assert test and {r["category"] for r in test} == {"sport"}
    assert not {r["id"] for r in test} & {r["id"] for r in sp.training_articles()}  # still the held-out split
    with pytest.raises(ValueError, match="unknown genre"):
        sp.held_out_articles("mixed", "weather")

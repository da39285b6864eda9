"""unspin.learn: learning a spinner's lexicon from aligned pairs, the TSV file, merging, flags."""

import pytest

from unspin.learn import CopyPair, LexiconEntry, SpinnerLexicon, learn_pairs, merge, parse_lexicon, read_lexicon
from unspin.learn.lexicon import LexiconError

SOURCES = [
    "The two leaders met in the capital on Tuesday to discuss the trade deal. Officials said the talks "
    "went well and that both sides wanted a quick agreement. Then the ministers wrote a short statement "
    "about the new rules for farmers and the price of grain, which has risen sharply this year.",
    "Union leaders warned that the plan would cost jobs in the north. The report was written by a group "
    "of economists who studied the industry for many months. Then the board met again and agreed to "
    "delay the decision until the spring, when the market should be calmer than it is now.",
    "Local leaders have asked the council to repair the old bridge before the winter. Engineers wrote "
    "that the structure was unsafe for lorries and buses. Then the mayor said the work would start "
    "soon, although the budget for the year has already been spent on other roads.",
]


def spin(text: str, swaps: list[tuple[str, str]]) -> str:
    for a, b in swaps:
        assert a in text, a
        text = text.replace(a, b, 1)
    return text


COPIES = [
    spin(SOURCES[0], [("leaders", "chiefs"), ("wrote", "composed"), ("Then the", "Then, at that point, the"),
                      ("Tuesday", "Monday"), ("this year", "this 12 months")]),
    spin(SOURCES[1], [("leaders", "chiefs"), ("written", "composed"), ("Then the", "Then, at that point, the"),
                      ("calmer", "quieter")]),
    spin(SOURCES[2], [("leaders", "chiefs"), ("wrote", "composed"), ("repair", "mend"), ("Then the mayor", "The mayor then")]),
]


def pairs():
    return [CopyPair(c, s, f"doc{i}", site=f"site{i % 2}") for i, (c, s) in enumerate(zip(COPIES, SOURCES))]


def test_learn_pairs_keeps_repeated_swaps_lemmatised():
    lex = learn_pairs(pairs(), min_docs=2, fit_channel=False)
    got = {(e.spun, e.original, e.pos): e for e in lex.entries}
    chief = got[("chief", "leader", "NOUN")]
    assert (chief.count, chief.docs, chief.sites) == (3, 3, 2)
    # "wrote" and "written" -> "composed": one verb entry
    assert got[("compose", "write", "VERB")].docs == 3
    # the inserted padding, anchored on the word before it
    assert any(e.spun == "then at that point" and e.original == "then" for e in lex.entries)
    # names, numbers, single-document swaps and reorderings are not entries
    spuns = {e.spun for e in lex.entries}
    assert not spuns & {"monday", "quieter", "mend", "month", "12 months"}
    assert lex.meta["pairs"] == 3 and lex.problems == ()


def test_min_docs_one_keeps_single_swaps():
    lex = learn_pairs(pairs(), min_docs=1, fit_channel=False)
    assert any(e.spun == "mend" and e.original == "repair" for e in lex.entries)
    assert any(e.spun == "quiet" and e.original == "calm" for e in lex.entries)  # comparative lemmatised


def test_bad_pairs_are_one_line_errors_and_the_rest_is_used():
    seen = []
    bad = [
        {"id": "unrelated", "copy": SOURCES[1], "source": SOURCES[0]},
        {"id": "empty", "spun": "   ", "original": SOURCES[0]},
        {"id": "nofield", "text": "x"},
        *[{"id": p.id, "spun": p.copy, "original": p.source} for p in pairs()],
    ]
    lex = learn_pairs(bad, min_docs=2, on_error=seen.append, fit_channel=False)
    assert len(seen) == 3 and all("\n" not in m for m in seen)
    assert "pair unrelated" in seen[0] and "does not align" in seen[0]
    assert "pair empty" in seen[1] and "empty copy" in seen[1]
    assert "pair nofield" in seen[2]
    assert lex.problems == tuple(seen)
    assert any(e.spun == "chief" for e in lex.entries)


def test_evidence_phrase_pairs_are_learned_from():
    from unspin.learn import PairError, evidence_pair, pair_from_record

    ev = [["Khan's capture in a defilement case was unlawful", "Khan's arrest in a corruption case was illegal"],
          ["the previous PM was taken to court", "the former PM was taken to court"], ["bad", 3]]
    pair = pair_from_record({"id": "p1", "url": "https://farm.example/x", "text": "the whole page", "evidence": ev})
    assert pair.site == "farm.example" and pair.copy.split("\n\n")[1] == "the previous PM was taken to court"
    other = evidence_pair([["the previous PM resigned a week after his capture by the police in the north",
                            "the former PM resigned a week after his arrest by the police in the north"],
                           ["the court said the ruling was final", "the court said the ruling was final"]], "p2", "other.example")
    lex = learn_pairs([pair, other], min_docs=2, fit_channel=False)
    got = {(e.spun, e.original): e for e in lex.entries}
    assert got[("capture", "arrest")].sites == 2 and got[("previous", "former")].docs == 2
    assert ("defilement", "corruption") not in got  # seen on one page only
    with pytest.raises(PairError, match="no \\[spun, original\\] pair"):
        evidence_pair([["only one"]], "p3")
    seen = []
    learn_pairs([{"id": "p4", "evidence": "not a list"}], on_error=seen.append, fit_channel=False)
    assert "pair p4" in seen[0] and "evidence must be a list" in seen[0]


def test_huge_text_is_refused():
    seen = []
    learn_pairs([CopyPair("word " * 50, "word " * 50, "big")], on_error=seen.append, max_chars=100, fit_channel=False)
    assert "too large" in seen[0]


def test_tsv_round_trip_and_broken_lines(tmp_path):
    lex = learn_pairs(pairs(), min_docs=2, fit_channel=False)
    path = tmp_path / "spinner.lex"
    lex.write(path)
    text = path.read_text()
    assert text.splitlines()[0].startswith("# unspin spinner lexicon")
    assert "spun\toriginal\tpos\tcount\tdocs\tsites\tkept" in text
    again = read_lexicon(path)
    assert again.entries == lex.entries and again.meta == lex.meta and again.problems == ()
    broken = text + "onlyone\nchief\tleader\tNOUN\tmany\t1\t1\t0\nx\ty\tNOUN\t1\t1\t1\t0\textra\nsame\tsame\nboss\tleader\tNOUN\t2\t2\t1\t0\n"
    path.write_text(broken)
    got = read_lexicon(path)
    assert len(got.problems) == 4
    n_lines = len(text.splitlines())
    assert got.problems[0].startswith(f"{path}:{n_lines + 1}:")
    assert "count must be a whole number" in got.problems[1]
    assert any(e.spun == "boss" for e in got.entries)
    assert len(got.entries) == len(lex.entries) + 1


def test_channel_line_and_headerless_file():
    lex = parse_lexicon('# channel: {"weights": {"zipf": 0.5}}\n# channel: not json\nchief\tleader\tNOUN\t2\t2\t1\t0\n', "x.lex")
    assert lex.channel == {"weights": {"zipf": 0.5}}
    assert any("not valid JSON" in p for p in lex.problems) and any("no header" in p for p in lex.problems)
    assert lex.entries[0].swap_rate == 1.0


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(LexiconError, match="no such lexicon file"):
        read_lexicon(tmp_path / "nope.lex")
    bad = tmp_path / "bin.lex"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(LexiconError, match="not a UTF-8"):
        read_lexicon(bad)


def test_merge_adds_counts_and_weights_channels():
    a = SpinnerLexicon((LexiconEntry("chief", "leader", "NOUN", 3, 2, 1, 1),), {"weights": {"zipf": 1.0}, "examples": 30}, {"pairs": 2})
    b = SpinnerLexicon((LexiconEntry("chief", "leader", "NOUN", 1, 1, 1, 0), LexiconEntry("mend", "repair", "VERB", 1, 1, 1, 0)),
                       {"weights": {"zipf": 0.0}, "examples": 10}, {"pairs": 1})
    m = merge([a, b], min_docs=2)
    assert m.entries == (LexiconEntry("chief", "leader", "NOUN", 4, 3, 2, 1),)
    assert m.channel["weights"]["zipf"] == pytest.approx(3 / 4)  # weighted by swaps: 3 and 1
    assert m.meta["pairs"] == 3
    assert len(merge([a, b]).entries) == 2


LEX = SpinnerLexicon((
    LexiconEntry("chief", "leader", "NOUN", 6, 5, 2, 0),
    LexiconEntry("opening service", "opening ceremony", "NOUN", 3, 3, 2, 0),
), name="test.lex")


def test_lexicon_flag_only_where_the_original_fits_better(detector):
    from unspin.learn.apply import LexiconFlagger

    fl = LexiconFlagger([LEX], detector)
    spun = "The two chiefs met in Beijing on Friday before the opening service of the Winter Olympics."
    from unspin.model import Document

    flags = fl.flags(Document(spun))
    by_text = {f.text: f for f in flags}
    assert by_text["chiefs"].suggestion == "leaders" and by_text["chiefs"].kind == "lexicon"
    ev = by_text["chiefs"].evidence
    assert ev["lexicon_entry"] == "chief -> leader (NOUN)" and ev["docs"] == 5 and ev["lexicon"] == "test.lex"
    assert by_text["opening service"].suggestion == "opening ceremony"
    # where the observed word is what a writer would use, nothing is flagged
    clean = "The fire chiefs said the blaze was under control. The police chief thanked the volunteers."
    assert fl.flags(Document(clean)) == []


def test_an_insertion_is_flagged_only_in_the_spinners_documents(detector):
    from unspin.learn.apply import LexiconFlagger, LexiconOptions
    from unspin.model import Document

    lex = SpinnerLexicon((LexiconEntry("the business", "the", "-", 3, 3, 1, 0), LexiconEntry("to ground", "to", "-", 5, 4, 1, 0)))
    fl = LexiconFlagger([lex], detector)
    # a shorter wording is always likelier, so an insertion is neither distinctive nor strong evidence alone
    assert fl.flags(Document("That is what the directors are in the business for.")) == []
    assert fl.flags(Document("The airline was forced to ground its fleet after the storm.")) == []
    # in a document taken as the spinner's (here: the gate opened for the test), the cut is proposed
    spinner = LexiconFlagger([lex], detector, LexiconOptions(gate_count=0, gate_density=0.0))
    got = spinner.flags(Document("The airline was forced to ground its fleet after the storm."))
    assert [(f.text, f.suggestion) for f in got] == [("to ground", "to")]


def test_check_with_lexicons_takes_precedence_and_scores(detector):
    from unspin.api import check

    text = "The two chiefs met in Beijing on Friday before the opening service of the Winter Olympics."
    plain = check(text, detector=detector)
    with_lex = check(text, detector=detector, lexicons=[LEX])
    kinds = {f.text: f.kind for f in with_lex.flags}
    assert kinds["chiefs"] == "lexicon"
    assert all(not (f.kind == "spin" and f.start < 20) for f in with_lex.flags)
    assert with_lex.spin_score >= plain.spin_score
    assert check(text, detector=detector, lexicons=[]).to_dict() == plain.to_dict()


def test_a_lone_lexicon_flag_does_not_make_a_clean_text_spun(detector):
    from unspin.api import check

    text = ("The two chiefs met in Beijing on Friday to talk about trade. Officials said the meeting went well and "
            "that both sides hoped to sign an agreement before the summer. The ministers will meet again next month "
            "in Geneva, where talks on farm prices and fishing rights are expected to continue.")
    lex = SpinnerLexicon((LexiconEntry("chief", "leader", "NOUN", 6, 5, 2, 0),))
    plain = check(text, detector=detector)
    rep = check(text, detector=detector, lexicons=[lex])
    lone = [f for f in rep.flags if f.kind == "lexicon"]
    assert len(lone) == 1 and not lone[0].evidence.get("spinner_document") and not lone[0].evidence.get("distinctive")
    # shown, but not outside evidence: the score is the detector's own, not floored to "spun"
    assert rep.spin_score == pytest.approx(plain.spin_score, abs=0.05) and rep.spin_score < 0.9
    assert rep.verdict == plain.verdict


# -- command line -------------------------------------------------------------------------------

def _cli(args, **kw):
    from typer.testing import CliRunner

    from unspin.cli import app

    return CliRunner().invoke(app, args, **kw)


def _pairs_file(tmp_path, extra=()):
    import json

    path = tmp_path / "pairs.jsonl"
    lines = [json.dumps({"id": p.id, "copy": p.copy, "source": p.source, "site": p.site}) for p in pairs()]
    path.write_text("\n".join([*lines, *extra]) + "\n")
    return path


def test_cli_learn_check_and_merge(tmp_path):
    pf = _pairs_file(tmp_path, extra=["{not json", '{"id": "x", "spun": "' + SOURCES[1][:200] + '", "original": "' + SOURCES[0][:200] + '"}'])
    lex = tmp_path / "spinner.lex"
    r = _cli(["learn", str(pf), "--out", str(lex), "--no-channel"])
    assert r.exit_code == 1, r.output  # two bad lines reported, the rest learned
    assert "pairs.jsonl:4: not a JSON object" in r.output and "pair x: the copy does not align" in r.output
    assert "learned" in r.output and lex.exists()
    assert "chief\tleader\tNOUN\t3\t3\t2" in lex.read_text()
    doc = tmp_path / "doc.txt"
    doc.write_text("The two chiefs met in Beijing on Friday to talk about trade, and the chiefs agreed on a plan.\n")
    r = _cli(["check", str(doc), "--json", "--lexicon", str(lex)])
    assert r.exit_code == 0, r.output
    assert '"kind": "lexicon"' in r.output and '"suggestion": "leaders"' in r.output
    merged = tmp_path / "both.lex"
    r = _cli(["learn", "--merge", str(lex), str(lex), "--out", str(merged)])
    assert r.exit_code == 0, r.output
    assert "chief\tleader\tNOUN\t6\t6\t4" in merged.read_text()
    assert "\nchiefs\t3\t0\n" in lex.read_text() and "\nchiefs\t6\t0\n" in merged.read_text()  # word counts add up
    out = _cli(["learn", str(pf), "--out", str(lex), "--no-channel"]).output
    assert "word forms counted" in out and "under 10,000: forms never seen are not judged" in " ".join(out.split())


def test_cli_learn_usage_errors(tmp_path):
    pf = _pairs_file(tmp_path)
    r = _cli(["learn", str(pf)])
    assert r.exit_code == 2 and "--out" in r.output
    r = _cli(["check", str(pf), "--lexicon", str(tmp_path / "missing.lex")])
    assert r.exit_code == 2 and "no such lexicon file" in r.output
    r = _cli(["learn", "--help"])
    assert r.exit_code == 0 and "--min-docs" in r.output and "--merge" in r.output


def test_serve_applies_lexicons(tmp_path, detector):
    from fastapi.testclient import TestClient

    from unspin.web.app import create_app
    from unspin.web.settings import Settings

    path = tmp_path / "spinner.lex"
    LEX.write(path)
    text = "The two chiefs met in Beijing on Friday before the opening service of the Winter Olympics."
    with TestClient(create_app(Settings(workers=1, lexicons=(str(path),)))) as c:
        r = c.post("/v1/check", json={"text": text})
    assert r.status_code == 200, r.text
    flags = {f["text"]: f for f in r.json()["flags"]}
    assert flags["chiefs"]["kind"] == "lexicon" and flags["opening service"]["suggestion"] == "opening ceremony"
    assert Settings.from_env({"UNSPIN_LEXICONS": "a.lex, b.lex"}).lexicons == ("a.lex", "b.lex")


def test_scan_with_lexicon_flags_every_document(tmp_path, detector):
    import json

    import pyarrow.parquet as pq

    from unspin.scan import scan

    path = tmp_path / "spinner.lex"
    LEX.write(path)
    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps({"id": "a", "text": "The two chiefs met in Beijing on Friday before the opening service of the Winter Olympics."}) + "\n")
    scan([str(docs)], tmp_path / "out", workers=0, lexicons=[path], cluster=False)
    rows = pq.read_table(tmp_path / "out" / "documents" / "part-000000.parquet").to_pylist()
    flags = json.loads(rows[0]["flags"])
    assert {f["text"]: f["kind"] for f in flags}["chiefs"] == "lexicon"


def test_learn_from_a_scan_with_an_index(tmp_path):
    import json

    from unspin.index import SourceIndex
    from unspin.model import Document

    with SourceIndex.open(tmp_path / "sources.db") as ix, ix.insertion_session():
        for i, text in enumerate(SOURCES):
            ix.add(Document(text, id=f"src-{i}"))
    copies = tmp_path / "copies.jsonl"
    copies.write_text("".join(json.dumps({"id": f"copy-{i}", "text": c}) + "\n" for i, c in enumerate(COPIES)))
    r = _cli(["scan", str(copies), "--out", str(tmp_path / "out"), "--index", str(tmp_path / "sources.db"),
              "--workers", "0", "--no-detect", "--learn"])
    assert r.exit_code == 0, r.output
    assert "chief\tleader\tNOUN\t3\t3" in (tmp_path / "out" / "lexicon.lex").read_text()
    r = _cli(["learn", "--scan", str(tmp_path / "out"), "--out", str(tmp_path / "again.lex"), "--no-channel"])
    assert r.exit_code == 0, r.output
    assert "chief\tleader\tNOUN\t3\t3" in (tmp_path / "again.lex").read_text()
    r = _cli(["learn", "--scan", str(tmp_path), "--out", str(tmp_path / "x.lex")])
    assert r.exit_code == 1 and "not a scan output directory" in r.output


def test_cli_learn_from_an_index(tmp_path):
    from unspin.index import SourceIndex
    from unspin.model import Document

    with SourceIndex.open(tmp_path / "sources.db") as ix, ix.insertion_session():
        for i, text in enumerate(SOURCES):
            ix.add(Document(text, id=f"src-{i}"))
    copies = tmp_path / "copies"
    copies.mkdir()
    for i, c in enumerate(COPIES):
        (copies / f"copy{i}.txt").write_text(c)
    (copies / "unrelated.txt").write_text("Completely different words about gardening and the weather in the hills, " * 3)
    out = tmp_path / "idx.lex"
    r = _cli(["learn", "--index", str(tmp_path / "sources.db"), str(copies), "--out", str(out), "--no-channel"])
    assert r.exit_code == 1, r.output  # the unrelated page has no source: one error, the rest learned
    assert "unrelated.txt: no source found in the index" in r.output
    assert "chief\tleader\tNOUN\t3\t3" in out.read_text()
    r = _cli(["learn", "--index", str(tmp_path / "nope.db"), str(copies), "--out", str(out)])
    assert r.exit_code == 2 and "no index" in r.output


def test_a_lexicons_fitted_channel_becomes_the_decoders_candidate_prior(detector):
    from unspin.detect.channel import ChannelModel, ChannelTable
    from unspin.learn import apply

    # a spinner that picks rare, multi-word synonyms: the opposite of the shipped channel's taste
    weights = {"zipf": -2.0, "multi": 3.0, "cos": 0.5}
    lex = SpinnerLexicon(LEX.entries, {"type": "channel", "version": 1, "weights": weights, "examples": 40}, name="rare.lex")
    det = apply.channel_detector([lex], detector)
    assert det is not detector and det.gen.channel is not detector.gen.channel
    assert det.gen.channel.model.weights["zipf"] == -2.0
    assert apply.channel_detector([lex], detector) is det  # one detector per distinct channel
    assert det.lm is detector.lm and det.th is detector.th and det.token_model is detector.token_model
    # the same candidate sources as the shipped detector's, function-word originals included
    assert det.gen.vectors is detector.gen.vectors and det.gen.wordnet is detector.gen.wordnet
    # the candidate prior of every candidate is the learned channel's pick probability
    table = ChannelTable(ChannelModel.from_dict(lex.channel))
    cands = [c for c in det.gen.candidates("chiefs") if c.source == "moby"]
    assert cands
    for c in cands[:20]:
        assert c.prior == pytest.approx(table.log_prob(c.headword, c.rank))
    base = {c.form: c.prior for c in detector.gen.candidates("chiefs")}
    assert any(abs(base[c.form] - c.prior) > 0.1 for c in cands)
    # a lexicon without a channel, or a check told not to, keeps the shipped one
    assert apply.channel_detector([LEX], detector) is detector
    # the shipped restoration model reads the channel's pick probability itself: in this detector,
    # the learned one (no wrapper); a model that reads the uniform pick instead is wrapped
    assert "log_prior" in detector.restore_model.features and not apply.reads_uniform_pick(detector.restore_model)
    assert det.restore_model is detector.restore_model
    from unspin.detect.calibration import LinearModel

    legacy = LinearModel({"log_channel": 1.0, "local_rel": 1.0}, 0.0)
    assert apply.reads_uniform_pick(legacy)
    f = {"log_channel": -1.0, "log_prior": -3.0, "local_rel": 0.0}
    assert apply.LearnedChannelRanking(legacy).raw(f) < legacy.raw(f)


def test_check_uses_the_learned_channel_only_in_the_spinners_documents(detector):
    from unspin.api import check
    from unspin.learn import apply
    from unspin.learn.apply import LexiconFlagger, LexiconOptions
    from unspin.model import Document

    weights = {"zipf": -2.0, "multi": 3.0, "cos": 0.5}
    lex = SpinnerLexicon(LEX.entries, {"type": "channel", "version": 1, "weights": weights, "examples": 40}, name="rare.lex")
    text = "The two chiefs met in Beijing on Friday before the opening service of the Winter Olympics."
    apply._DETECTORS.clear()
    # one everyday swap: not the spinner's document, so the shipped channel decodes it
    rep = check(text, detector=detector, lexicons=[lex])
    assert {f.text: f.kind for f in rep.flags}["chiefs"] == "lexicon" and not apply._DETECTORS
    # a flagger whose gate takes every document as the spinner's: the learned channel decodes it
    gate_open = LexiconFlagger([lex], detector, LexiconOptions(gate_count=0, gate_density=0.0))
    from unspin.detect.prepared import prepare

    flags, det = apply.spinner_check(gate_open, detector, prepare(Document(text)))
    assert det is not detector and det.gen.channel.model.weights["multi"] == 3.0
    assert [f.text for f in flags.flags(None, det)] == [f.text for f in gate_open.flags(Document(text))]
    rep2 = check(text, detector=detector, lexicons=gate_open)
    assert any(f.kind == "lexicon" and f.evidence.get("spinner_document") is not None for f in rep2.flags)
    assert apply._DETECTORS  # built and kept for the next document
    apply._DETECTORS.clear()
    check(text, detector=detector, lexicons=gate_open, lexicon_channel=False)
    assert not apply._DETECTORS


def test_channels_of_several_lexicons_are_merged_and_unreadable_ones_ignored():
    from unspin.learn.apply import lexicon_channel

    a = SpinnerLexicon((), {"weights": {"zipf": 1.0}, "examples": 30})
    b = SpinnerLexicon((), {"weights": {"zipf": 0.0}, "examples": 10})
    assert lexicon_channel([a, b]).weights["zipf"] == pytest.approx(0.75)
    assert lexicon_channel([a]).weights["zipf"] == 1.0
    assert lexicon_channel([SpinnerLexicon((), {"weights": {"no_such_feature": 1.0}})]) is None
    assert lexicon_channel([SpinnerLexicon(())]) is None


def test_the_service_builds_a_lexicons_channel_when_it_loads(tmp_path, detector):
    from unspin.learn import apply
    from unspin.web.service import Checker
    from unspin.web.settings import Settings

    path = tmp_path / "rare.lex"
    SpinnerLexicon(LEX.entries, {"type": "channel", "version": 1, "weights": {"zipf": -1.5, "multi": 2.0}, "examples": 40}).write(path)
    apply._DETECTORS.clear()
    checker = Checker.load(Settings(workers=1, lexicons=(str(path),)))
    assert checker.lexicons[0].channel["weights"]["multi"] == 2.0
    assert [d.gen.channel.model.weights["multi"] for d in apply._DETECTORS.values()] == [2.0]


def test_a_lexicon_never_costs_the_detector_the_words_it_knows_nothing_about(detector):
    """In a document the lexicon takes as its spinner's, every flag the detector shows without the
    lexicon is still shown where no lexicon flag covers it: the display model's low-confidence words
    and the spun-document phrases included (they had been dropped there, which lowered recall on the
    swaps the lexicon does not cover: bench/learn.py)."""
    from unspin.api import check
    from unspin.learn.apply import LexiconFlagger, LexiconOptions

    text = ("The two chiefs met in the capital on Tuesday to examine the exchange bargain. Authorities said the "
            "discussions went well and that the two sides needed a speedy understanding. Then, at that point, the "
            "pastors composed a short articulation about the new guidelines for ranchers and the cost of grain, which "
            "has ascended forcefully this year. Union chiefs cautioned that the arrangement would cost occupations in "
            "the north.")
    lex = SpinnerLexicon((LexiconEntry("chief", "leader", "NOUN", 9, 9, 2), LexiconEntry("compose", "write", "VERB", 9, 9, 2)))
    gate_open = LexiconFlagger([lex], detector, LexiconOptions(gate_count=0, gate_density=0.0))
    without = check(text, detector=detector).flags
    with_lex = check(text, detector=detector, lexicons=gate_open, lexicon_channel=False).flags
    lexf = [f for f in with_lex if f.kind == "lexicon"]
    assert {f.text for f in lexf} == {"chiefs", "composed"} and all(f.evidence.get("spinner_document") is not None for f in lexf)
    rest = [f for f in without if not any(f.start < g.end and g.start < f.end for g in lexf)]
    low = [f for f in rest if f.evidence.get("word_confidence", 1.0) < detector.options.threshold]
    assert low  # words the display model shows below the word model's own threshold
    got = {(f.start, f.end, f.suggestion, f.kind) for f in with_lex}
    assert {(f.start, f.end, f.suggestion, f.kind) for f in rest} <= got


# -- what the spinner leaves alone: the word table and the flag rule ------------------------------


def test_word_table_counts_words_the_spinner_output_and_kept():
    lex = learn_pairs(pairs(), min_docs=2, fit_channel=False)
    w = lex.words
    assert w["chiefs"] == (3, 0) and w["composed"] == (3, 0)  # the spinner's output, never kept
    assert w["mend"] == (1, 0)  # a swap seen once is no entry, but the spinner did output the word
    assert w["capital"] == (0, 1) and w["market"] == (0, 1)  # kept unchanged from the source
    assert "leaders" not in w and "the" not in w  # never in a copy; function words are left out
    assert w["point"] == (2, 0)  # an insertion's words, not the word it is anchored on
    assert "capital" not in learn_pairs(pairs(), min_docs=2, fit_channel=False, min_kept=2).words


def test_word_table_round_trip_merge_and_old_files(tmp_path):
    lex = learn_pairs(pairs(), min_docs=2, fit_channel=False)
    path = tmp_path / "s.lex"
    lex.write(path)
    text = path.read_text()
    assert "\nword\tspun\tkept\n" in text and "\nchiefs\t3\t0\n" in text
    again = read_lexicon(path)
    assert again.words == lex.words and again.entries == lex.entries and again.problems == ()
    # broken rows of the word table: one line each, the rest used
    path.write_text(text + "two words\t1\t0\nsaid\tx\t3\nsaid\t0\t5\nsaid\t0\t2\n")
    got = read_lexicon(path)
    assert len(got.problems) == 2 and all(f"{path}:" in p for p in got.problems)
    assert got.words["said"] == (0, 7)  # the same word on two rows is added up
    # a file written before the word table existed loads, with no word counts
    old = "# unspin spinner lexicon 1\nspun\toriginal\tpos\tcount\tdocs\tsites\tkept\nchief\tleader\tNOUN\t3\t3\t1\t0\n"
    got = parse_lexicon(old, "old.lex")
    assert got.words == {} and got.problems == () and got.entries[0].count == 3
    # merging adds the word counts up
    m = merge([lex, SpinnerLexicon(words={"chiefs": (2, 1), "said": (0, 4)})])
    assert m.words["chiefs"] == (5, 1) and m.words["said"] == (0, 4) and m.words["capital"] == (0, 1)
    assert parse_lexicon(m.to_tsv()).words == m.words


def test_spinner_word_chance_moves_from_the_generic_chance_to_the_spinners_rate():
    from unspin.learn.apply import spinner_word_chance

    assert spinner_word_chance(0, 0, 0.4) == pytest.approx(0.4)
    assert spinner_word_chance(0, 30, 0.4) < 0.05  # kept 30 times, never output: not a swap
    assert spinner_word_chance(30, 0, 0.4) > 0.95
    assert spinner_word_chance(0, 1, 0.4) == pytest.approx(0.8 / 3)


def test_review_judges_shown_word_flags_only_in_the_spinners_documents():
    from unspin.learn.apply import UNSEEN_MIN_COUNT, review_word_flags, unseen_kept
    from unspin.model import Flag

    lexflag = Flag(0, 6, "chiefs", "leaders", 0.9, kind="lexicon", evidence={"spinner_document": 4})
    kept = Flag(10, 14, "said", "stated", 0.4, evidence={"word_confidence": 0.35})
    output = Flag(20, 28, "composed", "wrote", 0.35, evidence={"word_confidence": 0.32})
    unknown = Flag(30, 35, "xyzzy", "plugh", 0.4)
    phrase = Flag(40, 50, "said twice", "stated", 0.4, evidence={"phrase": True})
    weak = Flag(36, 40, "frobs", "plughs", 0.5)
    words = {"said": (0, 20), "composed": (12, 0)}
    # a small table (32 occurrences counted): the forms it never saw keep their flags as they are
    got = review_word_flags([lexflag, kept, output, unknown, phrase, weak], words, threshold=0.3)
    assert [f.text for f in got] == ["chiefs", "composed", "xyzzy", "said twice", "frobs"]
    raised = got[1]
    assert raised.confidence > 0.85 and raised.evidence["spinner_word"] == {"spun": 12, "kept": 0}
    assert raised.evidence["generic_confidence"] == 0.35
    assert got[2] is unknown and got[3] is phrase and got[4] is weak
    # a table that has counted enough: a form it never saw counts as kept twice, half its generic chance
    # (0.4 -> 0.2, 0.5 -> 0.25: both under 0.3); at a lower threshold, or with a weaker rule, a flag stays with
    # its chance and the evidence that the copies never showed it
    big = {**words, "filler": (0, UNSEEN_MIN_COUNT - 32)}
    assert unseen_kept(words) == 0.0 and unseen_kept(big) == 2.0
    got = review_word_flags([lexflag, kept, output, unknown, phrase, weak], big, threshold=0.3)
    assert [f.text for f in got] == ["chiefs", "composed", "said twice"]
    assert [f.text for f in review_word_flags([lexflag, unknown, weak], big, threshold=0.24)] == ["chiefs", "frobs"]
    spared = review_word_flags([lexflag, unknown, weak], words, threshold=0.3, unseen=0.5)
    assert [(f.text, f.confidence) for f in spared] == [("chiefs", 0.9), ("xyzzy", 0.32), ("frobs", 0.4)]
    assert spared[1].evidence["spinner_word"] == {"spun": 0, "kept": 0} and spared[1].evidence["generic_confidence"] == 0.4
    # a document the lexicon does not recognise as its spinner's: today's flags, unchanged
    plain = Flag(0, 6, "chiefs", "leaders", 0.9, kind="lexicon", evidence={})
    flags = [plain, kept, output]
    assert review_word_flags(flags, words, threshold=0.3) == flags
    assert review_word_flags([lexflag, kept], {}, threshold=0.3) == [lexflag, kept]


def test_check_drops_shown_words_the_spinner_keeps(detector):
    """Through `check`: in the spinner's document a shown word flag on a word the copies kept many
    times is gone, the others stay; with the gate closed (not the spinner's document) nothing changes."""
    from unspin.api import check
    from unspin.learn.apply import LexiconFlagger, LexiconOptions

    text = ("The two chiefs met in the capital on Tuesday to examine the exchange bargain. Authorities said the "
            "discussions went well and that the two sides needed a speedy understanding. Then, at that point, the "
            "pastors composed a short articulation about the new guidelines for ranchers and the cost of grain, which "
            "has ascended forcefully this year. Union chiefs cautioned that the arrangement would cost occupations in "
            "the north.")
    entries = (LexiconEntry("chief", "leader", "NOUN", 9, 9, 2), LexiconEntry("compose", "write", "VERB", 9, 9, 2))
    base = check(text, detector=detector, lexicons=LexiconFlagger([SpinnerLexicon(entries)], detector,
                                                                  LexiconOptions(gate_count=0, gate_density=0.0)),
                 lexicon_channel=False).flags
    words = [f for f in base if f.kind == "spin" and "phrase" not in f.evidence and " " not in f.text]
    assert len(words) >= 2
    gone, up = words[0], words[1]
    table = {gone.text.lower(): (0, 40), up.text.lower(): (25, 0)}
    lex = SpinnerLexicon(entries, words=table)
    got = check(text, detector=detector, lexicons=LexiconFlagger([lex], detector, LexiconOptions(gate_count=0, gate_density=0.0)),
                lexicon_channel=False)
    spans = {(f.start, f.end) for f in got.flags}
    assert (gone.start, gone.end) not in spans and "dropped" in got.explanation
    again = next(f for f in got.flags if (f.start, f.end) == (up.start, up.end))
    assert again.confidence > up.confidence and again.evidence["spinner_word"]["spun"] == 25
    # the other flags stay: the table is too small for the forms it never saw to say anything
    assert {(f.start, f.end) for f in base} - {(gone.start, gone.end)} == spans
    # with a table that has counted enough, those forms count as kept `UNSEEN_KEPT` times: each of their flags
    # stays only if that chance still reaches the display model's threshold; phrase and lexicon flags all stay
    from unspin.learn.apply import UNSEEN_KEPT, UNSEEN_MIN_COUNT, spinner_word_chance

    lex = SpinnerLexicon(entries, words={**table, "filler": (0, UNSEEN_MIN_COUNT)})
    spans = {(f.start, f.end) for f in check(text, detector=detector, lexicons=LexiconFlagger(
        [lex], detector, LexiconOptions(gate_count=0, gate_density=0.0)), lexicon_channel=False).flags}
    others = {(f.start, f.end) for f in base if f not in (gone, up) and (f not in words or spinner_word_chance(
        0, UNSEEN_KEPT, f.confidence) >= detector.display_model.threshold)}
    assert others | {(up.start, up.end)} == spans and len(others) < len(base) - 2
    # the default gate: one entry occurrence is no spinner's document, so the flags are today's
    closed = check(text, detector=detector, lexicons=[SpinnerLexicon(entries[:1], words=table)], lexicon_channel=False).flags
    plain = check(text, detector=detector, lexicons=[SpinnerLexicon(entries[:1])], lexicon_channel=False).flags
    assert not any(f.evidence.get("spinner_document") for f in closed)
    assert [(f.start, f.end, f.confidence) for f in closed] == [(f.start, f.end, f.confidence) for f in plain]


def test_kept_counts_of_phrase_entries_match_looking_up_every_phrase():
    """`_count_kept` looks up each distinct kept phrase once and skips those whose words other than the
    head begin or end no key: its counts are those of looking up every phrase at every position."""
    from collections import Counter

    from unspin.learn.extract import _count_kept
    from unspin.learn.keys import lookup_keys

    keys = {("chief", "NOUN"), ("opening service", "NOUN"), ("come to", "VERB"), ("public authority", "NOUN"),
            ("as of late", "-"), ("expectation", "NOUN")}
    runs = [[("the", "chiefs", "came", "to", "the", "opening", "services")],
            [("a", "public", "authorities", "chief", "comes", "to", "terms", "as", "of", "late")],
            [("opening", "service", "public", "authority", "expectations", "came", "to")]]
    want: Counter = Counter()
    for run in (r for rs in runs for r in rs):
        for a in range(len(run)):
            for n in range(1, min(3, len(run) - a) + 1):
                want.update((k, p) for k, p, _ in lookup_keys(run[a : a + n]) if (k, p) in keys)
    got = _count_kept(keys, runs)
    assert got == want
    assert got[("chief", "NOUN")] == 2 and got[("come to", "VERB")] == 3 and got[("opening service", "NOUN")] == 2
    assert got[("public authority", "NOUN")] == 2 and got[("as of late", "-")] == 1

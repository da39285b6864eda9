"""Tortured phrases without a catalogue (`unspin.detect.tortured`)."""

from __future__ import annotations

import gzip
from dataclasses import replace

import pytest

import unspin
from unspin.api import get_detector
from unspin.detect.prepared import prepare
from unspin.detect.tortured import (
    TermList,
    TorturedFlagger,
    for_detector,
    load_terms,
    spelling_variants,
)
from unspin.text import split_sentences, tokenize


@pytest.fixture(scope="module")
def finder():
    return for_detector(get_detector())


def _matches(finder, text):
    toks = tokenize(text)
    return finder.find(toks, split_sentences(text, toks))


def test_term_list_is_shipped_and_parsed():
    terms = load_terms()
    assert len(terms.terms) > 10_000
    by_text = {t.text: t for t in terms.terms}
    ai = by_text["artificial intelligence"]
    assert ai.words == ("artificial", "intelligence") and ai.zipf > 4 and ai.pmi > 2
    assert by_text["signal-to-noise ratio"].words == ("signal", "to", "noise", "ratio")
    assert "to" not in terms.vocab and "noise" in terms.vocab
    assert terms.metadata["format"] == 2
    # the technical dictionaries (V.E.R.A., FOLDOC) are among the sources
    assert by_text["neural network"].technical and ai.dictionary
    assert any(t.technical for t in terms.terms if t.text == "advanced encryption standard")
    # a pair only the bigram counts know must read as a noun phrase: no "improve customer"
    assert "improve customer" not in by_text and "start using" not in by_text
    # the scientific register of OpenCS (training/train_terms.py --opencs): a dictionary, whose
    # terms do not get the technical dictionaries' weight (docs/tortured.md)
    assert terms.metadata["opencs"] is True and "CC BY 4.0" in terms.metadata["opencs_attribution"]
    for term in ("deep learning", "random forest", "feature extraction", "hidden layer"):
        assert by_text[term].sources == "o" and by_text[term].dictionary and not by_text[term].technical


def test_term_list_parse_from_text():
    tl = TermList.parse('# {"format": 2}\nbreast cancer\t5.8\t5.5\tgsw\nbig data\t4.0\t3.0\tgs\n'
                        'neural network\t4.1\t3.2\tfgsw\nmalformed line\n')
    assert [t.text for t in tl.terms] == ["breast cancer", "big data", "neural network"] and tl.by_first["breast"] == (0,)
    assert [(t.dictionary, t.technical) for t in tl.terms] == [(True, False), (False, False), (True, True)]
    opencs = TermList.parse("random forest\t-0.34\t-0.28\to\n").terms[0]
    assert opencs.dictionary and not opencs.technical


def test_acceptance_model_weighs_the_features(finder):
    from unspin.detect.tortured import FEATURES
    from unspin.settings import TORTURED

    assert len(TORTURED.weights) == len(FEATURES)
    text = "We used counterfeit consciousness to sort the scans."
    m = max(finder.matches(tokenize(text)), key=lambda m: m.score)
    by_hand = TORTURED.bias + sum(w * m.features[k] for k, w in zip(FEATURES, TORTURED.weights))
    assert m.logit() == pytest.approx(by_hand)
    assert finder.accept(m, replace(TORTURED, min_logit=by_hand - 0.01, min_score=-100.0))
    assert not finder.accept(m, replace(TORTURED, min_logit=by_hand + 0.01, min_score=-100.0))
    # spinners reach for the rarer synonym: "counterfeit consciousness" is rarer than the term
    assert m.zipf_drop > 0


@pytest.mark.parametrize("phrase, term", [
    ("counterfeit consciousness", "artificial intelligence"),
    ("bosom malignant growth", "breast cancer"),
    ("flag to commotion proportion", "signal-to-noise ratio"),
])
def test_tortured_phrase_read_back_to_its_term(finder, phrase, term):
    text = f"The study reports that the {phrase} was examined in detail."
    ms = finder.matches(tokenize(text))
    best = max((m for m in ms if text[m.start:m.end] == phrase), key=lambda m: m.score)
    assert best.term.text == term and best.swaps >= 2 and best.margin > 0


def test_flag_names_term_and_swaps_and_matches_case(finder):
    text = "Counterfeit consciousness is changing how hospitals read their scans."
    ms = finder.matches(tokenize(text))
    m = max((m for m in ms if m.start == 0), key=lambda m: m.score)
    f = finder.flag(m, text)
    assert f.kind == "tortured" and f.text == "Counterfeit consciousness"
    assert f.suggestion == "Artificial intelligence"
    assert f.evidence["term"] == "artificial intelligence"
    assert ["counterfeit", "artificial"] in f.evidence["swaps"] and 0 <= f.confidence <= 1


def test_flag_covers_the_swapped_words_and_plural_follows_the_window(finder):
    text = "Both neural organizations were trained for a week."
    ms = [m for m in finder.matches(tokenize(text)) if m.term.text == "neural network"]
    assert ms and text[ms[0].start:ms[0].end] == "organizations" and ms[0].suggestion == "networks"
    assert text[ms[0].window_start:ms[0].window_end] == "neural organizations"


def test_a_swap_of_the_lemma_is_inflected_like_the_observed_word(finder):
    # "necessities" -> "necessity" -> "requirement" -> "requirements"; "handling" -> "processing"
    assert "requirements" in finder.originals("necessities") and "processing" in finder.originals("handling")
    # the head itself stays a reading: "neural organizations" is "neural network" spun
    assert "network" in finder.originals("organizations")
    text = "The study weighed the vitality necessities of the plant."
    assert any(m.term.text == "energy requirements" for m in finder.matches(tokenize(text)))


def test_the_term_itself_and_respellings_are_not_swaps(finder):
    # the term as written, and a British spelling of it, are no tortured phrase
    for text in ("Artificial intelligence is changing how hospitals read scans.",
                 "The industrialised nations met in Geneva to discuss aid programmes."):
        assert not [m for m in finder.matches(tokenize(text)) if m.swaps == 0]
        assert not any(m.term.text in ("artificial intelligence", "industrialized nations") for m in _matches(finder, text))
    assert finder.is_swap("programmes", "program") is False and finder.is_swap("bosom", "breast") is True
    assert "organization" in spelling_variants("organisation")


def test_common_clean_phrases_are_not_flagged(finder):
    text = ("The team said it was the final year of the project and of great importance to the city. "
            "Shares in the company rose sharply after the announcement on Monday.")
    assert _matches(finder, text) == []


def test_thresholds_decide(finder, monkeypatch):
    from unspin.detect import tortured

    text = "We used counterfeit consciousness to sort the scans."
    monkeypatch.setattr(tortured, "SETTINGS", replace(tortured.SETTINGS, min_score=-100.0, min_logit=-100.0))
    assert _matches(finder, text)
    monkeypatch.setattr(tortured, "SETTINGS", replace(tortured.SETTINGS, min_score=100.0))
    assert _matches(finder, text) == []


def test_default_check_runs_the_flagger_and_it_does_not_floor_the_score(monkeypatch):
    from unspin.detect import tortured

    monkeypatch.setattr(tortured, "SETTINGS", replace(tortured.SETTINGS, min_score=-100.0, min_logit=-100.0))
    text = "The bosom malignant growth was examined in detail by the team at the hospital last week."
    report = unspin.check(text)
    tort = [f for f in report.flags if f.kind == "tortured"]
    assert tort and any(f.suggestion == "breast cancer" for f in tort)
    # the tortured flag replaced the word flags it overlaps (FLAG_PRECEDENCE)
    for f in tort:
        assert not [g for g in report.flags if g.kind == "spin" and g.start < f.end and f.start < g.end]
    # a statistical kind: no MATCHED_SCORE_FLOOR (too short to judge here anyway)
    assert report.verdict == "uncertain"
    flags = TorturedFlagger().flags(prepare(unspin.Document(text)), get_detector())
    assert [f.to_dict() for f in flags] == [f.to_dict() for f in tort]


def test_terms_file_is_deterministic_gzip():
    from importlib import resources

    raw = resources.files("unspin.data").joinpath("terms.tsv.gz").read_bytes()
    assert raw[4:8] == b"\x00\x00\x00\x00"  # mtime 0: rebuilding the same list gives the same bytes
    assert gzip.decompress(raw).startswith(b"# {")


def test_train_terms_reads_vera_and_foldoc_and_filters_noun_phrases(tmp_path):
    from training.train_terms import foldoc_terms, noun_phrase, vera_terms
    from unspin.lexicon.moby import load_thesaurus

    (tmp_path / "vera.dict.dz").write_bytes(gzip.compress(
        b"00-database-short\n     V.E.R.A.\n\nAES\n       Advanced Encryption Standard (cryptography)\n\n"
        b"SNR\n       1. Signal to Noise Ratio [measurement]\n       continued (here)\n"))
    (tmp_path / "foldoc.index").write_text("neural network\tBM8/\tcp\n!!!batch\tBCy\tGo\n")
    assert vera_terms(tmp_path)[-3:] == ["Advanced Encryption Standard", "Signal to Noise Ratio", "continued"]
    assert foldoc_terms(tmp_path) == ["neural network", "!!!batch"]
    th = load_thesaurus()
    assert noun_phrase(("random", "forest"), th) and noun_phrase(("remote", "sensing"), th)
    assert noun_phrase(("bacterial", "growth"), th)  # a word the thesaurus does not know passes
    assert not noun_phrase(("improve", "customer"), th) and not noun_phrase(("start", "using"), th)
    assert not noun_phrase(("greatly", "improve"), th)
    with pytest.raises(SystemExit, match="dict-vera"):
        vera_terms(tmp_path / "missing")


def test_train_terms_reads_opencs_concept_names(tmp_path):
    import subprocess

    from training.train_terms import opencs_terms, split_term

    ttl = ('@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\nocs:C1 a skos:Concept ;\n'
           '    skos:broader ocs:C0 ;\n    skos:prefLabel "Random forest" .\n')
    core = tmp_path / "checkout" / "ontology" / "core" / "0"
    core.mkdir(parents=True)
    (core / "C1.ttl").write_text(ttl)
    (core / "C2.ttl").write_text(ttl.replace("C1", "C2").replace("Random forest", 'Say \\"hidden\\" layer'))
    assert opencs_terms(tmp_path / "checkout") == ["Random forest", 'Say "hidden" layer']
    # the repository's git directory, as a bare clone or the fetch tool leaves it
    subprocess.run(["git", "init", "-q", str(tmp_path / "checkout")], check=True)
    subprocess.run(["git", "-C", str(tmp_path / "checkout"), "add", "."], check=True)
    subprocess.run(["git", "-C", str(tmp_path / "checkout"), "-c", "user.name=t", "-c", "user.email=t@t",
                    "commit", "-qm", "x"], check=True)
    assert opencs_terms(tmp_path / "checkout" / ".git") == ["Random forest", 'Say "hidden" layer']
    (tmp_path / "list.txt").write_text("# a list\nDeep learning\n\nHidden layer\n")
    assert opencs_terms(tmp_path / "list.txt") == ["Deep learning", "Hidden layer"]
    assert split_term("Deep learning") == ("deep", "learning")
    with pytest.raises(SystemExit, match="no such file"):
        opencs_terms(tmp_path / "missing")
    (tmp_path / "empty.ttl").write_text("@prefix skos: <x> .\nocs:C1 skos:prefLabel  .\n")
    with pytest.raises(SystemExit, match="no skos:prefLabel"):
        opencs_terms(tmp_path / "empty.ttl")


def test_bench_counts_a_flag_right_only_when_it_restores_the_phrase():
    from bench.tortured import restores

    # the whole term, or words of it put for words of the phrase
    assert restores("artificial intelligence", "counterfeit consciousness", "counterfeit consciousness", "artificial intelligence")
    assert restores("deep", "profound", "profound learning", "deep learning")
    assert restores("Networks", "organizations", "neural organizations", "neural network")
    # a word of the phrase the term keeps, or a suggestion outside the term, is no restoration
    assert not restores("knowledge", "learning", "profound learning", "deep learning")
    assert not restores("deep", "learning", "profound learning", "deep learning")
    assert not restores("", "profound", "profound learning", "deep learning")

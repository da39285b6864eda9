"""The optional WordNet thesaurus (Debian wordnet-base): read, cached, used as a second candidate source."""

import pytest

from unspin.detect.candidates import CandidateGenerator
from unspin.lexicon import wordnet as wn_mod
from unspin.lexicon.wordnet import WordNet, load_wordnet, wordnet_dir

needs_wordnet = pytest.mark.skipif(wordnet_dir() is None, reason="WordNet database not installed (apt-get install wordnet-base)")


def _tiny_database(d):
    """A two-synset WordNet database in the real file format."""
    header = "  1 This software and database is being provided to you, the LICENSEE, by\n"
    (d / "index.noun").write_text(header + "buyer n 1 1 @ 1 0 00000100  \npurchaser n 1 1 @ 1 0 00000100  \n")
    (d / "data.noun").write_text(header + "00000100 18 n 02 buyer 0 purchaser 0 000 | a person who buys\n")
    (d / "index.verb").write_text(header + "shout v 1 1 @ 1 0 00000200  \n")
    (d / "data.verb").write_text(header + "00000200 32 v 03 shout 0 yell 0 cry_out(a) 0 000 | utter loudly\n")
    for pos in ("adj", "adv"):
        (d / f"index.{pos}").write_text(header)
        (d / f"data.{pos}").write_text(header)


def test_reads_the_database_format_and_caches_it(tmp_path, monkeypatch):
    db = tmp_path / "wn"
    db.mkdir()
    _tiny_database(db)
    monkeypatch.setenv("UNSPIN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("UNSPIN_WORDNET_DIR", str(db))
    assert wordnet_dir() == db
    wn = WordNet.open(db)
    assert wn.synonyms("buyer", "NOUN") == ("purchaser",)
    assert wn.synonyms("shout", "VERB") == ("yell", "cry out")  # "_" is a space, markers like "(a)" dropped
    assert wn.synonyms("shout", "NOUN") == () and wn.synonyms("buyer", "X") == ()
    cached = list((tmp_path / "cache").glob("wordnet-*.pickle"))
    assert len(cached) == 1
    # the second open reads the cache, not the files
    def no_parse(directory):
        raise AssertionError("parsed again")

    monkeypatch.setattr(wn_mod, "_parse", no_parse)
    assert WordNet.open(db).synonyms("buyer", "NOUN") == ("purchaser",)
    # a changed database is parsed again (the cache key covers sizes and times)
    monkeypatch.undo()
    monkeypatch.setenv("UNSPIN_CACHE_DIR", str(tmp_path / "cache"))
    (db / "data.noun").write_text("  1 licence\n")
    assert WordNet.open(db).synonyms("buyer", "NOUN") == ()


def test_missing_database_means_moby_only(monkeypatch):
    monkeypatch.setenv("UNSPIN_WORDNET_DIR", "")
    assert wordnet_dir() is None
    monkeypatch.setattr(wn_mod, "_LOADED", False)
    monkeypatch.setattr(wn_mod, "_WORDNET", None)
    assert load_wordnet() is None


def test_wordnet_synonyms_become_candidates(tmp_path, monkeypatch, detector):
    db = tmp_path / "wn"
    db.mkdir()
    _tiny_database(db)
    monkeypatch.setenv("UNSPIN_CACHE_DIR", str(tmp_path / "cache"))
    gen = CandidateGenerator(detector.th, wordnet=WordNet.open(db))
    moby_only = CandidateGenerator(detector.th)
    got = {c.form: c for c in gen.candidates("purchasers")}
    assert "buyers" in got  # re-inflected like the observed word
    assert got["buyers"].log_channel < 0
    assert {c.form for c in moby_only.candidates("purchasers")} <= set(got)


@needs_wordnet
def test_installed_wordnet_is_used_by_the_detector(detector):
    assert detector.gen.wordnet is not None
    assert "purchasers" in {c.form for c in detector.gen.candidates("buyers")}

"""Multi-word substitutions: a thesaurus phrase in place of one word (texts written for these tests)."""

from unspin.api import check
from unspin.detect.phrases import PhraseDetector
from unspin.model import Document

# "rates" -> "yelps at" and "worried" -> "put to it": Moby lists both phrases under those headwords
SPUN_RATES = "The minister said that floating exchange yelps at help poorer countries cope with sudden shocks to their economies."
SPUN_WORRIED = "Investors were put to it about the risk of a sharp fall in prices, the survey of fund managers found."
# genuine idioms that are Moby entries too
IDIOMS = ("The government will take note of the report. Spending was in excess of the budget, and ministers must "
          "deal with the shortfall before the end of the year, officials said.")


def _phrase_flags(text):
    return [f for f in check(text).flags if f.evidence.get("phrase")]


def test_phrase_in_moby_lists_is_found_and_restored():
    flags = _phrase_flags(SPUN_RATES)
    assert [(f.text, f.suggestion) for f in flags] == [("yelps at", "rates")]
    assert flags[0].evidence["phrase"] == "yelp at"  # matched with its first word lemmatised
    assert flags[0].confidence >= 0.7


def test_phrase_restored_to_inflected_original():
    flags = _phrase_flags(SPUN_WORRIED)
    assert [(f.text, f.suggestion) for f in flags] == [("put to it", "worried")]


def test_genuine_idioms_are_not_flagged():
    assert check(IDIOMS).flags == ()


def test_phrase_flag_replaces_word_flags_inside_it():
    report = check(SPUN_RATES)
    inside = [f for f in report.flags if 73 > f.start >= SPUN_RATES.index("yelps") and not f.evidence.get("phrase")]
    assert inside == []


def test_names_and_punctuation_break_phrases(detector):
    ph: PhraseDetector = detector.phrases
    assert ("put", "to", "it") in ph.index()
    # a comma between the words: not one phrase
    assert not [m for m in detector.phrase_matches(Document("They were put, to it all, in the end.")) if m.phrase == "put to it"]
    # a capitalised word inside the sentence is a name and never part of a phrase
    assert not [m for m in detector.phrase_matches(Document("Yesterday she met Young Men at noon.")) if "young" in m.phrase]


def test_candidates_exclude_the_phrases_own_words(detector):
    for m in detector.phrase_matches(Document("The firm is attempting to cut costs this year.")):
        assert m.suggestion not in m.phrase.split()

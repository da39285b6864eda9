"""Multi-word substitutions: a thesaurus phrase in place of one word (texts written for these tests)."""

from unspin.api import check
from unspin.detect.phrases import WORDNET, PhraseDetector
from unspin.lexicon.wordnet import WordNet
from unspin.model import Document
from unspin.text import tokenize

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


def test_own_word_candidates_are_the_word_as_written(detector):
    """A spinner pads a word into a phrase that contains it ("won" -> "won out"): the phrase's own
    content word, as written, is a candidate; a function word of the phrase never is."""
    [m] = [m for m in detector.phrase_matches(Document("Her new phone won out over its rivals in the first quarter."))
           if m.phrase == "win out"]
    assert m.suggestion == "won" and m.features["own_word"] == 1.0
    for m in detector.phrase_matches(Document("The firm is attempting to cut costs this year.")):
        assert m.suggestion not in ("to", "at", "of")
        assert m.features["own_word"] == (1.0 if m.suggestion in {"attempting", "cut", "costs"} else 0.0)


def _tiny_wordnet() -> WordNet:
    """A WordNet with one noun synset, {urban area, city, town} (the shape `WordNet.open` parses)."""
    empty: tuple[dict, dict] = ({}, {})
    noun = ({"urban_area": (1,), "city": (1,), "town": (1,)}, {1: ("urban area", "city", "town")})
    return WordNet({"noun": noun, "verb": empty, "adj": empty, "adv": empty})


def test_wordnet_multiword_lemmas_are_matched_with_their_one_word_synonyms(detector):
    text = "Residents of urban areas pay more for housing than those in villages, the report found."
    assert detector.th.knows("urban area") is False  # a WordNet lemma Moby does not have
    with_wn = PhraseDetector(detector.th, detector.scores.cond, detector.scores.known, wordnet=_tiny_wordnet())
    without = PhraseDetector(detector.th, detector.scores.cond, detector.scores.known, wordnet=None)
    assert ("urban", "area") in with_wn.index() and ("urban", "area") not in without.index()
    cands = with_wn.candidates("urban area", ("NNS",))
    assert {c.form for c in cands} >= {"cities", "towns"} and all(c.source == WORDNET for c in cands)
    [m] = with_wn.find(tokenize(text), lambda t, k: False)
    assert (m.phrase, m.suggestion) == ("urban area", "cities")
    assert m.features["wordnet_only"] == 1.0 and m.features["phrase_in_moby"] == 0.0
    assert not without.find(tokenize(text), lambda t, k: False)


def test_spun_document_phrase_flags_fill_only_free_spans(detector):
    """Below the phrase threshold, a phrase is flagged only for a document judged spun, only where no
    flag is yet, and marked as such."""
    from unspin.detect.phrases import spun_document_phrase_flags
    from unspin.detect.prepared import prepare
    from unspin.model import Flag

    prepared = prepare(Document(SPUN_WORRIED + " " + IDIOMS))
    matches = detector.phrase_matches(prepared)
    low = [m for m in matches if m.confidence < detector.options.phrase_threshold]
    assert low  # the genuine idioms score below it
    got = spun_document_phrase_flags(detector, prepared, [], 0.0)
    assert [(f.start, f.end) for f in got] == [(m.start, m.end) for m in low]
    assert all(f.evidence["in_spun_document"] and f.evidence["phrase"] for f in got)
    # a span that already has a flag gets no second one
    first = got[0]
    taken = Flag(first.start, first.end, first.text, None, 0.9, "spin", {})
    assert (first.start, first.end) not in {(f.start, f.end) for f in spun_document_phrase_flags(detector, prepared, [taken], 0.0)}
    # and a floor above every low match leaves nothing
    assert spun_document_phrase_flags(detector, prepared, [], detector.options.phrase_threshold) == []


def test_phrase_matches_are_memoised_per_sentence_and_model(detector):
    doc = Document(SPUN_RATES)
    a = detector.phrase_matches(doc)
    b = detector.phrase_matches(doc)
    assert a == b and a is not b
    ph = detector.phrases
    old = ph.model
    try:
        from unspin.detect.phrases import FALLBACK

        ph.model = FALLBACK  # another model: not served from the memo
        c = detector.phrase_matches(doc)
        assert [m.confidence for m in c] != [m.confidence for m in a]
    finally:
        ph.model = old


def test_multiword_originals_are_candidates(detector):
    """A phrase replaced as a unit ("stepped down" -> "left office"): the other multi-word members of
    its synset are candidates, inflected like the phrase, and scored word by word in its place."""
    empty: tuple[dict, dict] = ({}, {})
    verb = ({"leave_office": (2,), "step_down": (2,), "resign": (2,)}, {2: ("resign", "step down", "leave office")})
    wn = WordNet({"noun": empty, "verb": verb, "adj": empty, "adv": empty})
    ph = PhraseDetector(detector.th, detector.scores.cond, detector.scores.known, wordnet=wn)
    forms = {c.form for c in ph.candidates("leave office", ("VBD",))}
    assert {"stepped down", "resigned"} <= forms and "left office" not in forms
    text = "The minister left office after the vote on Tuesday."
    [m] = [m for m in ph.find(tokenize(text), lambda t, k: False) if m.phrase == "leave office"]
    assert "stepped down" in m.alternatives
    assert m.features["multi_word_original"] == (1.0 if " " in (m.suggestion or "") else 0.0)


def test_bench_phrase_classes():
    from bench.phrases import klass

    assert klass("managing director", "director") == "word -> phrase"
    assert klass("died", "passed away") == "phrase -> any" == klass("left office", "stepped down")
    assert klass("stated", "said") == "word -> word"
    assert klass("at that point", "-", "spun-only") == "insertion" == klass("medical", "", "insert")

"""Insertions: a spinner keeps a word and adds a thesaurus synonym of it after a comma ("then, at that
point,"); the flag covers both and restores the word alone (texts written for these tests)."""

from unspin.api import check
from unspin.detect.phrases import PhraseDetector
from unspin.model import Document
from unspin.text import tokenize

# "at that point" is in neither thesaurus; it is Moby's "at that moment" (listed under "then") with
# "moment" swapped for its synonym "point"
THEN = "The two leaders will then, at that point, attend the opening ceremony on Friday evening."
# "went up" is the verb entry "go up", listed under "rise": an exact entry, inflected like the word
ROSE = "Prices rose, went up, by ten percent in the last three months of the year."


def _inserted(detector, text):
    return [m for m in detector.phrase_matches(Document(text)) if m.kind == "inserted"]


def test_connective_with_its_synonym_inserted_is_flagged_and_restored():
    [f] = [f for f in check(THEN).flags if f.evidence.get("inserted")]
    assert (f.text, f.suggestion) == ("then, at that point", "then")
    assert f.evidence["inserted"] == "swapped" and f.evidence["phrase"] == "at that moment"
    assert f.confidence >= 0.8


def test_inserted_exact_entry_restored_to_the_inflected_word(detector):
    [m] = _inserted(detector, ROSE)
    assert (ROSE[m.start : m.end], m.suggestion, m.entry) == ("rose, went up", "rose", "")
    assert m.features["own_word"] == 1.0


def test_insertion_needs_the_commas_around_it(detector):
    # no comma before: not an insertion (the words are read as a replacement, if at all)
    assert not _inserted(detector, "The two leaders will then at that point attend the opening ceremony.")
    # the words run on after the entry ("at that point in the talks"): not set off, not an insertion
    assert not _inserted(detector, "The two leaders will then, at that point in the talks, attend the ceremony.")


def test_a_parenthesis_that_is_no_synonym_of_the_word_before_is_not_an_insertion(detector):
    assert not _inserted(detector, "The two leaders will meet, at that point, to sign the agreement on Friday.")
    assert not _inserted(detector, "Prices rose, in the main, because energy costs went up in the winter.")


def test_insertion_pass_can_be_switched_off(detector):
    ph = PhraseDetector(detector.th, detector.scores.cond, detector.scores.known, insertions=False)
    assert not [m for m in ph.find(tokenize(THEN), lambda t, k: False) if m.kind == "inserted"]
    on = PhraseDetector(detector.th, detector.scores.cond, detector.scores.known)
    assert [m.suggestion for m in on.find(tokenize(THEN), lambda t, k: False) if m.kind == "inserted"] == ["then"]


def test_near_entries_padded_and_swapped(detector):
    ph = detector.phrases
    assert ("as", "of", "late") not in ph.index() and ("at", "that", "point") not in ph.index()
    assert ("of late", "padded") in ph._near(["as", "of", "late"])  # one function word more ahead of the entry
    assert ("at the least", "padded") in ph._near(["at", "the", "very", "least"])  # an entry of function words only
    assert ("at that moment", "swapped") in ph._near(["at", "that", "point"])  # point: a synonym of moment
    assert ph._near(["of", "late", "as"]) == []  # padding after the entry is not looked for
    assert ph._near(["at", "that", "banana"]) == []  # no synonym of the entry's word


def test_connective_originals_are_offered_for_insertions_only(detector):
    ph = detector.phrases
    assert "then" in ph._originals("at that moment", ())
    assert "then" not in {c.form for c in ph.candidates("at that moment", ())}


def test_genuine_text_with_parentheses_has_no_insertion_flag():
    text = ("The company said, in a statement, that profits had risen. Officials, for their part, declined to "
            "comment, and the minister, at long last, agreed to meet the unions, according to the report.")
    assert not [f for f in check(text).flags if f.evidence.get("inserted")]


def test_bench_classes_and_doubled_synonyms():
    """bench/phrases.py: a kept original with wording added is an insertion; the held-apart row's
    insertions sit where its gold says, each a word of the text followed by a multi-word entry of its
    Moby list between commas."""
    import random

    from bench.phrases import doubled_synonyms, klass

    assert klass("then, at that point", "then") == "insertion"
    assert klass("at that point", "then") == "word -> phrase"
    assert klass("at that point", "-", "spun-only") == "insertion"
    text = ("The bank said that profits rose sharply last year as customers borrowed more money to buy new "
            "houses and cars, while the number of branches fell again in every region of the country.")
    spun, gold = doubled_synonyms(text, random.Random(3))
    assert gold and spun.replace(", ", " ").count(" ") > text.count(" ")
    from unspin.api import get_detector

    th = get_detector().th
    for g in gold:
        word, phrase = g.spun.split(", ", 1)
        assert spun[g.start : g.end] == g.spun and g.original == word and phrase in th.synonyms(word)
        assert spun[g.end] == ","
    back = spun
    for g in sorted(gold, key=lambda g: -g.start):  # take the insertions out again: the text as it was
        back = back[: g.start + len(g.original)] + back[g.end + 1 :]
    assert back == text


def test_repetition_and_coordination_are_not_insertions(detector):
    """Rhetoric, not spinning: the word said again inside the entry, or a list joined by a conjunction
    (padding is never "and"/"or")."""
    assert not _inserted(detector, "We will act then, and only then, when the facts are known to all of us.")
    assert not _inserted(detector, "A government of the people, by the people, for the people shall not perish.")
    assert detector.phrases._near(["and", "good", "judgment"]) == []
    assert ("good judgment", "padded") not in detector.phrases._near(["and", "good", "judgment"])


def test_insertions_are_flagged_from_their_own_lower_threshold(detector, monkeypatch):
    from unspin.detect.phrases import PhraseMatch
    from unspin.detect.prepared import prepare
    from unspin.settings import INSERTION_FLAG_AT, PHRASE_FLAG_AT

    assert INSERTION_FLAG_AT < PHRASE_FLAG_AT
    prepared = prepare(Document(THEN))
    mid = (INSERTION_FLAG_AT + PHRASE_FLAG_AT) / 2
    at = THEN.index("then, at that point")
    inserted = PhraseMatch(3, 7, at, at + len("then, at that point"), "at that moment", "then", ("then",), {"margin": 1.0},
                           confidence=mid, kind="inserted", entry="swapped")
    service = THEN.index("opening ceremony")
    replaced = PhraseMatch(9, 11, service, service + len("opening ceremony"), "opening ceremony", "launch", ("launch",), {"margin": 1.0},
                           confidence=mid)
    monkeypatch.setattr(detector, "phrase_matches", lambda *a, **k: [inserted, replaced])
    flags = detector.spin_flags(prepared, [])
    # the insertion clears its own bar; the same confidence is not enough for a phrase in place of a word
    assert [(f.text, f.suggestion) for f in flags] == [("then, at that point", "then")]

"""`devkit.coverage`: why a real swap's original is or is not among unspin's candidates (no ../shared needed)."""

import pytest

from devkit.coverage import ORDER, Real, _split, classify


def real(text: str, spun: str, original: str) -> Real:
    at = text.index(spun)
    return Real("fold 0", text, at, at + len(spun), spun, original)


@pytest.mark.parametrize("text, spun, original, cause", [
    ("The officials mentioned that talks would resume.", "mentioned", "said", "covered"),
    ("The board audited the accounts last year.", "audited", "reviewed", "Moby, other direction"),
    ("He kicked the bucket last week.", "kicked the bucket", "died", "multi-word spun, covered by phrase candidates"),
    ("She walked down Wall Avenue at dawn.", "Avenue", "Street", "covered, word not judged (capitalised)"),
    ("The storm hit the city within hours.", "within", "in", "covered, word not judged (function word)"),
    ("The men left quickly yesterday.", "left", "far away", "multi-word original"),
    ("He visited the selfmade shelter.", "selfmade", "homemade", "spun word unknown"),
])
def test_causes(detector, text, spun, original, cause):
    assert cause in ORDER
    assert classify(detector, real(text, spun, original)) == cause


def test_sentence_initial_capitalised_word_is_judged(detector):
    # the same word opening a sentence is judged like any other
    assert classify(detector, real("Avenue lights were on.", "Avenue", "Street")) != "covered, word not judged (capitalised)"


def test_equal_length_runs_are_read_word_by_word():
    r = real("They signed the discharge request today.", "discharge request", "release order")
    parts = _split(r)
    assert [(p.spun, p.original) for p in parts] == [("discharge", "release"), ("request", "order")]
    assert [r.text[p.start:p.end] for p in parts] == ["discharge", "request"]
    # unequal lengths stay whole; equal words are not swaps
    assert _split(real("The individuals had been there.", "individuals had been", "people were")) == \
        [real("The individuals had been there.", "individuals had been", "people were")]
    assert [p.spun for p in _split(real("a big red car", "big red", "large red"))] == ["big"]

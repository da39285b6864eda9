from search_samples import ARTICLES, HARBOUR_SWAPS, UNRELATED, spin
from unspin.align import align
from unspin.model import Alignment


def test_substitutions_are_recovered_exactly():
    text = ARTICLES["harbour"][1]
    copy, swaps = spin(text, HARBOUR_SWAPS)
    al = align(copy, text)
    got = [(s.copy_text, s.source_text) for s in al.substitutions]
    assert got == swaps
    for s in al.substitutions:
        assert copy[s.copy_start : s.copy_end] == s.copy_text
        assert text[s.source_start : s.source_end] == s.source_text
    assert len(al.pairs) == 1 and al.coverage > 0.95 and al.score > 0.8


def test_phrase_substitution():
    src = "Officials in Portmere said the plan would help small firms survive the winter, and that it would start in May."
    copy = "Officials in Portmere said the plan would assist little firms endure the winter, and that it would kick off in May."
    subs = [(s.copy_text, s.source_text) for s in align(copy, src).substitutions]
    assert ("kick off", "start") in subs and ("endure", "survive") in subs


def test_partial_copy_inside_a_longer_page():
    text = ARTICLES["harbour"][1]
    copy, _ = spin(text, HARBOUR_SWAPS)
    part = copy[: len(copy) // 2]
    page = ARTICLES["orchestra"][1] + "\n\n" + part + "\n\n" + UNRELATED
    al = align(page, text)
    assert len(al.pairs) == 1
    p = al.pairs[0]
    assert page[p.copy_start : p.copy_end].startswith("The city council of Portmere")
    assert text[p.source_start : p.source_end] in text and p.source_start == 0
    assert all(page[s.copy_start : s.copy_end] == s.copy_text for s in al.substitutions)
    assert ("endorsed", "approved") in [(s.copy_text, s.source_text) for s in al.substitutions]
    assert 0.2 < al.coverage < 0.5


def test_source_quoted_inside_a_longer_copy():
    src = ARTICLES["drought"][1][:300]
    page = ARTICLES["orchestra"][1] + " " + src.replace("harvest", "crop") + " " + UNRELATED
    al = align(page, src)
    assert ("crop", "harvest") in [(s.copy_text, s.source_text) for s in al.substitutions]
    assert al.score > 0.9


def test_unrelated_texts_do_not_align():
    al = align(UNRELATED, ARTICLES["drought"][1])
    assert al.pairs == () and al.score == 0.0


def test_alignment_round_trips():
    text = ARTICLES["harbour"][1]
    al = align(spin(text, HARBOUR_SWAPS)[0], text)
    back = Alignment.from_dict(al.to_dict())
    assert back.pairs == al.pairs and [s.to_dict() for s in back.substitutions] == [s.to_dict() for s in al.substitutions]

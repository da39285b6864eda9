"""Detector tests on texts this project wrote itself: a news-like article and its hand-spun twin."""


from unspin.api import check
from unspin.detect.candidates import CandidateGenerator
from unspin.lexicon import load_thesaurus
from unspin.model import Document

CLEAN = """The government announced on Tuesday that it would raise taxes on large companies to pay for a new scheme to help families with rising energy bills. Ministers said the plan would cost about 5bn pounds over the next two years and would protect millions of households from the worst of the winter price increases.

The opposition welcomed the support but said it came too late for many families who had already fallen behind on their payments. Business groups warned that higher taxes could slow investment and cost jobs at a time when the economy was already weak.

The prime minister defended the decision in parliament, saying the country faced a serious crisis and that those with the broadest shoulders should carry the heaviest burden. She said the government would review the scheme in the spring and promised further help if prices continued to rise.

Economists said the measures would reduce inflation by about one percentage point next year, but warned that the central bank was still likely to raise interest rates again in the coming months. Shares in energy firms fell sharply after the announcement, while the pound rose against the dollar."""

# (spun word, original) pairs, each a Moby synonym swap, applied to CLEAN
SWAPS = [
    ("announced", "proclaimed"), ("raise", "hoist"), ("large", "bulky"), ("scheme", "contrivance"),
    ("families", "clans"), ("rising", "ascending"), ("bills", "invoices"), ("protect", "safeguard"),
    ("worst", "direst"), ("increases", "increments"), ("support", "backing"), ("payments", "remuneration"),
    ("warned", "cautioned"), ("jobs", "occupations"), ("weak", "feeble"), ("decision", "determination"),
    ("crisis", "emergency"), ("burden", "weight"), ("review", "reexamine"), ("promised", "vowed"),
    ("reduce", "diminish"), ("likely", "apt"), ("coming", "approaching"), ("fell", "plummeted"),
]


def spin(text):
    import re

    for orig, spun in SWAPS:
        text = re.sub(rf"\b{orig}\b", spun, text, count=1)
    return text


SPUN = spin(CLEAN)


def test_swaps_are_real_moby_synonyms():
    from unspin.lexicon import lemmas

    th = load_thesaurus()
    for orig, spun in SWAPS:
        forms = {spun} | {lem for _, lem in lemmas(spun)}
        assert any(f in th.synonyms(lem) for _, lem in lemmas(orig) for f in forms), (orig, spun)


def test_inverse_candidates_contain_the_original():
    gen = CandidateGenerator(load_thesaurus())
    for spun, orig in [("approvals", "sanctions"), ("service", "ceremony"), ("chiefs", "leaders"),
                       ("cautioned", "warned"), ("occupations", "jobs")]:
        assert orig in [c.form for c in gen.candidates(spun)], spun


def test_clean_article_is_not_flagged():
    r = check(CLEAN)
    assert [f.text for f in r.flags] == []
    assert r.verdict == "clean"


def test_spun_twin_is_flagged_and_restored():
    r = check(SPUN)
    found = {f.text.lower(): (f.suggestion or "").lower() for f in r.flags}
    spun_words = {s for _, s in SWAPS}
    hits = spun_words & set(found)
    # most swaps are found, and at most one other word is flagged (the word model trained on the
    # realistic habits of issue 13 flags "households" here: recall for precision)
    assert len(hits) >= len(SWAPS) // 2, found
    assert len(set(found) - spun_words) <= 1, set(found) - spun_words
    # specific restorations
    originals = {s: o for o, s in SWAPS}
    restored = [w for w in hits if found[w] == originals[w]]
    # at least 40 % of the found swaps restored exactly (8 of 18 with the models trained on the
    # realistic habits of issue 13, which find more of the hard swaps and restore fewer of them)
    assert len(restored) >= 0.4 * len(hits), {w: found[w] for w in hits}
    assert r.verdict == "spun"
    assert r.spin_score > check(CLEAN).spin_score


def test_offsets_index_into_text_and_excluded_spans_are_ignored():
    r = check(SPUN)
    for f in r.flags:
        assert SPUN[f.start : f.end] == f.text and 0 <= f.confidence <= 1 and f.kind in ("spin", "tortured")
    # exclude the whole first paragraph: no flag may fall inside it
    cut = SPUN.index("\n\n")
    r2 = check(Document(SPUN, excluded=((0, cut),)))
    assert all(f.start >= cut for f in r2.flags)


def test_short_text_is_uncertain():
    r = check("The two chiefs met.")
    assert r.verdict == "uncertain" and "too short" in r.explanation


# A WordAI-like twin: everyday synonyms in the wrong sense ("chiefs", "opening service", "devastating
# approvals"), the habit of the real spinner behind ../shared/seed/spun_article.txt (text written for
# this test). The shipped models once learnt to call such text clean; this guards against it.
WORDAI_ORIGINAL = (
    "The two leaders will attend the opening ceremony of the summit in Geneva on Monday. Officials said the talks "
    "would focus on trade and on the crippling sanctions imposed on the country last year. Both governments have "
    "strengthened their ties since the war ended, and analysts expect a joint statement on security and other issues. "
    "The president is ready for his first face-to-face meeting with a foreign leader in nearly two years.")
WORDAI_SPUN = (
    "The two chiefs will go to the opening service of the highest point in Geneva on Monday. Authorities said the "
    "discussions would concentrate on exchange and on the devastating approvals forced on the nation a year ago. The two "
    "legislatures have reinforced their ties since the conflict finished, and experts anticipate a joint explanation on "
    "security and different issues. The president is prepared for his first eye to eye gathering with a foreign chief "
    "in almost two years.")


def test_everyday_wrong_sense_synonyms_are_caught():
    clean, spun = check(WORDAI_ORIGINAL), check(WORDAI_SPUN)
    assert clean.flags == () and clean.verdict == "clean"
    found = {(f.text, f.suggestion) for f in spun.flags}
    assert ("service", "ceremony") in found
    assert len(spun.flags) >= 2
    assert spun.verdict != "clean"
    assert spun.spin_score > clean.spin_score + 0.4


def test_word_cap_truncates_with_a_warning(detector):
    long = "\n\n".join([CLEAN] * 3)
    full = check(long, detector=detector, max_words=None)
    capped = check(long, detector=detector, max_words=200)
    assert not full.warnings and full.words > 400
    assert 100 <= capped.words <= 200
    assert capped.warnings and "checked the first" in capped.warnings[0] and f"of {full.words:,} words" in capped.warnings[0]
    cut = int(capped.warnings[0].split("after character ")[1].split()[0].replace(",", ""))
    assert long[:cut].rstrip().endswith(".")  # cut at a sentence end
    assert all(f.end <= cut for f in capped.flags)
    # a text without sentence ends is cut inside its one sentence, at the cap
    run_on = " ".join(CLEAN.replace(".", " ").split())
    assert check(run_on, detector=detector, max_words=50).words == 50


def test_prepared_document_is_read_once():
    from unspin.detect.prepared import prepare
    from unspin.text import TokenKind, split_sentences, tokenize

    doc = Document(CLEAN, excluded=((0, 14),))
    p = prepare(doc)
    assert p.tokens == [t for t in tokenize(CLEAN) if t.start >= 14]
    assert p.sentences == split_sentences(CLEAN, p.tokens)
    assert p.words == p.total_words == sum(1 for t in p.tokens if t.kind is TokenKind.WORD)
    assert p.counts["government"] == CLEAN.count("government") - 1 and p.warning() is None and p.checked_text == CLEAN


def test_one_precedence_rule():
    from unspin.detect.flags import layer
    from unspin.model import Flag

    text = "aaa bbb ccc ddd"
    spin_ = [Flag(0, 3, "aaa", "x", 0.7), Flag(8, 11, "ccc", "y", 0.7)]
    cat = [Flag(0, 7, "aaa bbb", "z", 0.99, "fingerprint")]
    src = [Flag(4, 7, "bbb", "w", 0.97, "source")]
    assert [f.text for f in layer([spin_, cat, src])] == ["bbb", "ccc"]  # source > catalogue > spin
    assert [f.text for f in layer([spin_, None, []])] == ["aaa", "ccc"]
    assert text[0:7] == "aaa bbb"


def test_flagger_hook_and_unknown_kind(detector):
    from unspin.model import Flag

    class Marks:
        def __init__(self, kind):
            self.kind = kind

        def flags(self, prepared, det):
            i = prepared.text.index("energy")
            return [Flag(i, i + 6, "energy", "power", 0.95, self.kind)]

    r = check(CLEAN, detector=detector, flaggers=[Marks("fingerprint")])
    assert [(f.text, f.kind) for f in r.flags if f.kind != "spin"] == [("energy", "fingerprint")]
    import pytest

    with pytest.raises(ValueError, match="FLAG_PRECEDENCE"):
        check(CLEAN, detector=detector, flaggers=[Marks("guess")])


def test_an_article_the_spinner_fixed_does_not_hide_the_original(detector):
    """The real spinner of the seed page wrote "a development" for "an event", "an exchange" for "a
    trade": a candidate original is scored with the article that agrees with it, the observed word
    with its own (`DetectorOptions.article_agreement`)."""
    from unspin.detect import Detector, DetectorOptions
    from unspin.detect._slots import agreeing_article

    assert [agreeing_article(w) for w in ("event", "trade", "university", "hour", "one", "umbrella")] == ["an", "a", "a", "an", "a", "an"]
    text = "The games were meant to shift attention away from a development cursed by a strategic boycott."

    def alternatives(det):
        _tokens, raw = det.decode_document(Document(text))
        return next(r for r in raw if r.token.norm == "development")

    d = alternatives(detector)
    assert "event" in [w for w, _ in d.alternatives] and d.suggestion == "event"
    off = alternatives(Detector(options=DetectorOptions(article_agreement=False)))
    assert "event" not in [w for w, _ in off.alternatives]

from pathlib import Path

from unspin.lexicon import load_thesaurus, reinflect
from unspin.lexicon.moby import cache_file
from unspin.lexicon.moby import load_thesaurus as load
from unspin.lexicon.vectors import load_vectors
from unspin.lm import load_lm


def test_moby_forward_and_inverse():
    th = load_thesaurus()
    assert "service" in th.synonyms("ceremony")
    assert "ceremony" in [h for h, _ in th.inverse("service")]
    assert "sanction" in [h for h, _ in th.inverse("approval")]
    assert th.list_size("ceremony") == len(th.synonyms("ceremony")) > 50


def test_lemma_aware_round_trip():
    # "approvals" -> lemma "approval" -> headword "sanction" -> re-inflected "sanctions"
    assert reinflect("approvals", "sanction") == ["sanctions"]
    assert "led" in reinflect("drove", "lead")
    th = load_thesaurus()
    assert th.inflect("sanction", "NNS") == "sanctions"


def test_lm_prefers_the_real_phrase():
    lm = load_lm()
    good = lm.score("the opening ceremony of the games".split())
    bad = lm.score("the opening service of the games".split())
    assert good > bad + 1.0  # log10 units


def test_lm_units_order_and_oov():
    lm = load_lm()
    # log10 of a probability: negative, and P(ceremony | the opening) >> P(ceremony)
    in_ctx = lm.logprob("ceremony", ["the", "opening"])
    alone = lm.logprob("ceremony")
    assert -3 < in_ctx < 0 and alone < in_ctx
    # reading order: "opening ceremony" is likely, "ceremony opening" much less
    assert lm.logprob("ceremony", ["opening"]) > lm.logprob("opening", ["ceremony"])
    assert lm.logprob("xqzvbnw") is None and not lm.in_vocab("xqzvbnw")
    # an unknown context word cuts the history instead of failing
    assert lm.logprob("met", ["xqzvbnw"]) == lm.logprob("met")


def test_cache_is_keyed_by_package_version(monkeypatch, tmp_path):
    import unspin.lexicon.moby as moby

    monkeypatch.setenv("UNSPIN_CACHE_DIR", str(tmp_path))
    a = cache_file()
    monkeypatch.setattr(moby, "package_version", lambda name: "999.0")
    b = cache_file()
    assert a != b and "999.0" in b.name and a.parent == b.parent == tmp_path


def test_compile_alternative_thesaurus(tmp_path: Path):
    src = tmp_path / "mini.txt"
    src.write_bytes(b"ceremony,rite,service,ritual\r\nsanction,approval,ban\r\nbad,\xff\xfeoops,poor\r\n")
    th = load(source=src)
    assert th.synonyms("ceremony") == ["rite", "service", "ritual"]
    assert [h for h, _ in th.inverse("service")] == ["ceremony"]
    assert th.synonyms("bad") == ["poor"]  # the undecodable entry is dropped


def test_vectors():
    v = load_vectors()
    a, b, c = v.get("ceremony"), v.get("ritual"), v.get("spreadsheet")
    assert a is not None and abs(float(a @ a) - 1) < 1e-5
    assert float(a @ b) > float(a @ c)
    assert v.get("xqzvbnw") is None


def test_inflections_read_once_per_lemma_are_lemminflects():
    """`inflections` reads lemminflect's table once per lemma (it deep-copies it on every call) and applies
    `getInflection`'s fallbacks itself: past / participle, adjective / adverb, the rules for unknown words.
    It must give what `getInflection` gives, tag by tag."""
    from lemminflect import getAllLemmas, getInflection
    from wordfreq import top_n_list

    from unspin.lexicon.inflection import UPOS_TAGS, inflections

    lemmas = {"go", "be", "datum", "criterion", "fast", "well", "good", "ox", "x", "zorblax", "Frobnicate", "New York"}
    for w in top_n_list("en", 3000):
        lemmas.add(w)
        lemmas.update(lem for found in getAllLemmas(w).values() for lem in found)
    tags = [t for ts in UPOS_TAGS.values() for t in ts]
    differ = [(lem, t) for lem in sorted(lemmas) for t in tags if inflections(lem, t) != tuple(getInflection(lem, tag=t) or ())]
    assert not differ, differ[:10]
    assert inflections("go", "VBD") == ("went",) and inflections("zorblax", "NNS") == ("zorblaxes",)


def test_zipf_reads_plain_words_from_the_table_as_wordfreq_does():
    """A plain lower-case word is read from wordfreq's table without its tokeniser: the same value as
    `wordfreq.zipf_frequency` for words it has (every 50th of the table), words it lacks and words that are
    not plain (through wordfreq itself)."""
    import random
    import string

    from wordfreq import get_frequency_dict, zipf_frequency

    from unspin.lexicon import freq

    table = [w for w in get_frequency_dict("en", "best") if freq._PLAIN.fullmatch(w)]
    rng = random.Random(11)
    words = table[::50] + ["".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(1, 12))) for _ in range(500)]
    words += ["Government", "don't", "e-mail", "naïve", "covid19", ""]
    got = [freq.zipf.__wrapped__(w) for w in words]
    assert [str(g) for g in got] == [str(zipf_frequency(w, "en")) for w in words]  # str: -0.0 is not 0.0 here
    assert 0.0 in got and max(got) > 7 and len(set(got)) > 300


def test_zipf_reads_words_joined_by_hyphens_or_apostrophes_as_wordfreq_does():
    """Hyphenated words (wordfreq combines its tokens' frequencies) and words with apostrophes (one token
    when the table has it; some it lacks are split by wordfreq's rules: "d'arcy"), read without the
    tokeniser: the same value as `wordfreq.zipf_frequency`."""
    import random
    import string

    from wordfreq import get_frequency_dict, zipf_frequency

    from unspin.lexicon import freq

    table = list(get_frequency_dict("en", "best"))
    plain = [w for w in table[:20_000] if freq._PLAIN.fullmatch(w)]
    rng = random.Random(7)

    def junk() -> str:
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(1, 8)))

    words = [w for w in table if freq._JOINED.fullmatch(w) and not freq._PLAIN.fullmatch(w)][::20]
    for _ in range(300):
        words += ["-".join(rng.choice(plain) for _ in range(rng.choice([2, 3]))), rng.choice(plain) + "-" + junk(),
                  rng.choice(plain) + "'" + rng.choice(["s", "t", "ll", "clock", "x"]), junk() + "'" + junk(),
                  rng.choice(plain) + "-" + rng.choice(plain) + "'s"]
    words += ["d'arcy", "o'herlihy", "coup-d'etat", "l'enfance", "well-known", "x-ray", "don't", "country's"]
    got = [freq.zipf.__wrapped__(w) for w in words]
    assert [str(g) for g in got] == [str(zipf_frequency(w, "en")) for w in words]
    assert sum(freq._joined(w) is not None for w in words) > 0.6 * len(words)  # the fast path is taken

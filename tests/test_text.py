from hypothesis import given, settings
from hypothesis import strategies as st

from unspin.text import TokenKind, normalize, split_sentences, tokenize


def rebuild(text, tokens):
    out, pos = [], 0
    for t in tokens:
        gap = text[pos : t.start]
        assert gap == "" or gap.isspace(), repr(gap)
        out.append(gap)
        out.append(t.text)
        pos = t.end
    assert text[pos:] == "" or text[pos:].isspace()
    out.append(text[pos:])
    return "".join(out)


@settings(max_examples=300)
@given(st.text())
def test_tokens_round_trip_any_unicode(text):
    tokens = tokenize(text)
    for t in tokens:
        assert t.text and text[t.start : t.end] == t.text
    assert all(a.end <= b.start for a, b in zip(tokens, tokens[1:]))
    assert rebuild(text, tokens) == text


@settings(max_examples=200)
@given(st.text(alphabet=st.sampled_from(list("ab .?!\n\r\u00a0\u2019\u201c\u201d\u2014-'A1"))))
def test_sentences_cover_tokens_in_order(text):
    tokens = tokenize(text)
    sents = split_sentences(text, tokens)
    covered = [i for s in sents for i in range(s.first_token, s.last_token)]
    assert covered == list(range(len(tokens)))


@settings(max_examples=200)
@given(st.text())
def test_normalize_offsets_map_back(text):
    norm, offsets = normalize(text)
    assert len(offsets) == len(norm) + 1
    assert offsets == sorted(offsets) and offsets[-1] == len(text)
    assert all(0 <= o <= len(text) for o in offsets)


def test_typographic_text():
    text = "Russia\u2019s Putin said\u00a0\u201cno\u201d \u2014 face-to-face talks, COVID-19.\r\nNext line."
    toks = tokenize(text)
    words = [t.text for t in toks if t.kind is TokenKind.WORD]
    assert "Russia\u2019s" in words and "face-to-face" in words
    assert [t.norm for t in toks if t.text == "Russia\u2019s"] == ["russia's"]
    assert rebuild(text, toks) == text


def test_numbers_and_names():
    toks = tokenize("Profits jumped 76% to $1.13bn in 2004.")
    kinds = {t.text: t.kind for t in toks}
    assert kinds["76%"] is TokenKind.NUMBER and kinds["1.13bn"] is TokenKind.NUMBER
    assert kinds["2004"] is TokenKind.NUMBER


def test_news_sentences():
    text = ("Mr. Smith met U.S. officials on Friday. They agreed a deal! \"It is good,\" he said.\n"
            "HEADLINE WITHOUT STOP\nThe end.")
    sents = [text[s.start : s.end] for s in split_sentences(text)]
    assert sents == [
        "Mr. Smith met U.S. officials on Friday.",
        "They agreed a deal!",
        "\"It is good,\" he said.",
        "HEADLINE WITHOUT STOP",
        "The end.",
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aZ Σσ.'’-İiIıﬁǅ\u0130\u00df9,\n")), max_size=40), st.integers(0, 45))
def test_token_fields_as_read_one_token_at_a_time(text, start):
    """`tokenize` normalises the text once and slices each token's normal form out of it; every field must be
    what reading that token alone gives (a capital sigma or a letter whose lower case is longer: per token)."""
    from unspin.text.tokens import normalize_token

    start = min(start, len(text))
    for t in tokenize(text, start):
        assert text[t.start : t.end] == t.text and t.start >= start
        assert t.norm == normalize_token(t.text)
        assert hash(t) == hash(type(t)(t.start, t.end, t.text, t.kind)) and t == type(t)(t.start, t.end, t.text, t.kind)


def test_token_normal_form_sigma_and_dotted_capital():
    # lower-casing "A:Σ" whole makes the sigma final ("a:ς"); read alone, the token "Σ" is "σ"
    assert "A:Σ".lower() == "a:ς"
    assert [t.norm for t in tokenize("A:Σ ΟΔΟΣ")] == ["a", ":", "σ", "οδος"]
    assert [t.norm for t in tokenize("İstanbul’s")] == ["i̇stanbul's"]

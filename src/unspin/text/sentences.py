"""Sentence splitting good enough for news text.

A sentence ends at ``.``, ``!`` or ``?`` (plus closing quotes and brackets)
followed by whitespace and something that can start a sentence, unless the
word before the stop is a known abbreviation or a single initial; a blank
line or a line break always ends a sentence (headlines, bylines).
"""

from __future__ import annotations

from dataclasses import dataclass

from unspin.text.tokens import Token, TokenKind, tokenize

ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sen rep gov gen col lt sgt capt st jr sr inc ltd co corp
    vs etc e.g i.e jan feb mar apr jun jul aug sep sept oct nov dec no nos fig
    u.s u.k u.n e.u mt ft approx dept est univ""".split()
)
_CLOSERS = set("\"'\u201d\u2019)]\u00bb")
_ENDERS = set(".!?\u2026")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    #: Index range into the token list the sentence was split from.
    first_token: int
    last_token: int  # exclusive


def split_sentences(text: str, tokens: list[Token] | None = None) -> list[Sentence]:
    """Return sentences covering every token of ``text`` in order."""
    if tokens is None:
        tokens = tokenize(text)
    out: list[Sentence] = []
    begin = 0
    n = len(tokens)
    i = 0
    while i < n:
        tok = tokens[i]
        boundary_after = None
        if tok.kind is TokenKind.PUNCT and tok.text in _ENDERS:
            j = i + 1
            while j < n and tokens[j].kind is TokenKind.PUNCT and (tokens[j].text in _CLOSERS or tokens[j].text in _ENDERS) and tokens[j].start == tokens[j - 1].end:
                j += 1
            if j >= n:
                boundary_after = j - 1
            elif tokens[j].start > tokens[j - 1].end and not _is_abbreviation(tokens, i):
                nxt = tokens[j].text[:1]
                if nxt.isupper() or nxt.isdigit() or not nxt.isalnum():
                    boundary_after = j - 1
        if boundary_after is None and i + 1 < n and "\n" in text[tok.end : tokens[i + 1].start]:
            boundary_after = i
        if boundary_after is not None:
            out.append(Sentence(tokens[begin].start, tokens[boundary_after].end, begin, boundary_after + 1))
            begin = boundary_after + 1
            i = boundary_after + 1
            continue
        i += 1
    if begin < n:
        out.append(Sentence(tokens[begin].start, tokens[n - 1].end, begin, n))
    return out


def _is_abbreviation(tokens: list[Token], i: int) -> bool:
    """Is the full stop at ``tokens[i]`` part of an abbreviation or an initial?"""
    if tokens[i].text != "." or i == 0:
        return False
    prev = tokens[i - 1]
    if prev.end != tokens[i].start or prev.kind is not TokenKind.WORD:
        return False
    w = prev.norm
    return w in ABBREVIATIONS or (len(w) == 1 and prev.text.isupper())

"""Tokenisation that keeps exact character offsets into the raw text.

Every non-whitespace character of the input belongs to exactly one token and
everything between tokens is whitespace (``str.isspace``), so the raw text can
always be rebuilt from the tokens and the gaps. Curly apostrophes, hyphens
inside words, em dashes, non-breaking spaces and CRLF line ends are handled
without rewriting the text: normalisation happens per token (`Token.norm`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum


class TokenKind(str, Enum):
    WORD = "word"
    NUMBER = "number"
    PUNCT = "punct"


_APOS = "'\u2019\u02bc"
_HYPH = "\\-\u2010\u2011"
# A word: letters, with inner apostrophes or hyphens joining letter runs
# ("don't", "face-to-face", "O’Brien"). Digits glued to letters ("COVID-19",
# "G7") stay one word so that names with numbers are not split.
_WORD = rf"[^\W_](?:[^\W_]|[{_APOS}{_HYPH}.](?=[^\W_]))*"
_NUMBER = r"\d+(?:[.,:/]\d+)*(?:%|st|nd|rd|th|s|bn|m|k)?(?![^\W_])"
_TOKEN_RE = re.compile(rf"(?P<number>{_NUMBER})|(?P<word>{_WORD})|(?P<punct>\S)")

_APOS_MAP = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-"})


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    text: str
    kind: TokenKind
    #: lower-cased form with typographic apostrophes and hyphens made plain (computed once: detection reads
    #: it several times a word)
    norm: str = field(default="", compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.norm:
            object.__setattr__(self, "norm", normalize_token(self.text))

    @property
    def is_word(self) -> bool:
        return self.kind is TokenKind.WORD

    @property
    def is_capitalized(self) -> bool:
        return self.text[:1].isupper()


def normalize_token(text: str) -> str:
    return text.translate(_APOS_MAP).lower()


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Split ``text[start:end]`` into tokens whose offsets index into ``text``."""
    stop = len(text) if end is None else end
    kinds = _KINDS  # a dict lookup instead of the Enum constructor: tokenize is a hot path
    part = text[start:stop]
    low = part.translate(_APOS_MAP).lower()
    if len(low) != len(part) or "\u03a3" in part:
        # a character whose lower case is longer, or a capital sigma (lower-cased by its context): per token
        amap = _APOS_MAP
        return [Token(m.start(), m.end(), g, kinds[m.lastgroup], g.translate(amap).lower())  # type: ignore[index]
                for m in _TOKEN_RE.finditer(text, start, stop) for g in (m.group(),)]
    # the normal forms sliced from the text normalised once, and each token's fields set directly (a frozen
    # dataclass's __init__ sets them one by one through object.__setattr__: twice the cost)
    new, s0, s1, s2, s3, s4 = _NEW, *_SETTERS
    out: list[Token] = []
    append = out.append
    for m in _TOKEN_RE.finditer(text, start, stop):
        a, b = m.span()
        t = new(Token)
        s0(t, a)
        s1(t, b)
        s2(t, m.group())
        s3(t, kinds[m.lastgroup])  # type: ignore[index]
        s4(t, low[a - start : b - start])
        append(t)
    return out


_NEW = object.__new__
#: the slot descriptors' setters of `Token`'s fields, in order
_SETTERS = tuple(vars(Token)[f].__set__ for f in ("start", "end", "text", "kind", "norm"))
_KINDS: dict[str, TokenKind] = {k.value: k for k in TokenKind}

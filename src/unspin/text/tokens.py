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
    kinds = _KINDS  # a dict lookup instead of the Enum constructor: tokenize is a hot path
    amap = _APOS_MAP
    return [Token(m.start(), m.end(), g, kinds[m.lastgroup], g.translate(amap).lower())  # type: ignore[index]
            for m in _TOKEN_RE.finditer(text, start, len(text) if end is None else end) for g in (m.group(),)]


_KINDS: dict[str, TokenKind] = {k.value: k for k in TokenKind}

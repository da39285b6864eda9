"""Word frequency from ``wordfreq`` on the Zipf scale (0 = unseen, 7 = "the").

A plain lower-case word (ASCII letters only: most of what unspin asks about), or such words joined by
hyphens or apostrophes ("well-known", "country's"), is read straight from wordfreq's table with
wordfreq's own arithmetic — ~1 µs instead of the ~70-100 µs its tokeniser costs a word met for the first
time; the same value for every such word (tested on the whole table, on words it lacks and on ~210,000
joined words). Anything else goes through `wordfreq.zipf_frequency`.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from wordfreq import freq_to_zipf, get_frequency_dict, zipf_frequency

#: what wordfreq's tokeniser leaves as it is, one token: lower-case ASCII letters
_PLAIN = re.compile(r"[a-z]+")
#: plain words joined by hyphens (where wordfreq's tokeniser splits) or apostrophes (which it keeps inside a
#: word of its table, but splits in some words it lacks: "d'arcy", "o'herlihy")
_JOINED = re.compile(r"[a-z]+(?:['-][a-z]+)*")


@lru_cache(maxsize=1)
def _table() -> dict[str, float]:
    return get_frequency_dict("en", "best")


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    if _PLAIN.fullmatch(word):
        # (wordfreq also rounds the frequency to 3 significant digits first: its table holds whole centibels,
        # so that never changes the Zipf value to 2 decimals — every word of the table checked)
        f = _table().get(word)
        return round(freq_to_zipf(f), 2) if f is not None else 0.0
    if _JOINED.fullmatch(word):
        z = _joined(word)
        if z is not None:
            return z
    return zipf_frequency(word, "en")


def _joined(word: str) -> float | None:
    """`zipf` of plain words joined by hyphens or apostrophes, as wordfreq computes it for the tokens it
    splits the word into (at the hyphens): 1 / f = 1 / f1 + 1 / f2 + ..., 0 when one of them is unknown,
    rounded to 3 significant digits; None for a part with an apostrophe that the table lacks (wordfreq's
    tokeniser may split it: left to wordfreq)."""
    table = _table()
    inverse = 0.0
    for token in word.split("-"):
        f = table.get(token)
        if f is None:
            return None if "'" in token else 0.0
        inverse += 1.0 / f
    freq = 1.0 / inverse
    freq = round(freq, math.floor(-math.log(freq, 10)) + 3)
    return round(freq_to_zipf(freq), 2)

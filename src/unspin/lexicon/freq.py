"""Word frequency from ``wordfreq`` on the Zipf scale (0 = unseen, 7 = "the")."""

from __future__ import annotations

from functools import lru_cache

from wordfreq import zipf_frequency


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    return zipf_frequency(word, "en")

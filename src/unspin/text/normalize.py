"""Normalisation that remembers where every character came from."""

from __future__ import annotations

import unicodedata

_MAP = {
    "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"',
    "\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-", "\u00a0": " ",
    "\u2009": " ", "\u202f": " ", "\r": "",
}


def normalize(text: str) -> tuple[str, list[int]]:
    """Return ``(normalised, offsets)`` where ``offsets[i]`` is the raw index of
    normalised character ``i`` (plus a final entry ``len(text)``).

    Typographic quotes, dashes and spaces become ASCII, CR is dropped (CRLF ->
    LF), and compatibility characters are NFKC-folded (``ﬁ`` -> ``fi``).
    """
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        rep = _MAP.get(ch)
        if rep is None:
            rep = unicodedata.normalize("NFKC", ch) if ord(ch) > 127 else ch
        out.append(rep)
        offsets.extend([i] * len(rep))
    offsets.append(len(text))
    return "".join(out), offsets

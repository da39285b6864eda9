"""Spin-invariant fingerprints: shingles of the words a spinner leaves alone.

A synonym spinner swaps content words and keeps function words, names and
numbers, so the *skeleton* of a text — its sequence of function words, names,
numbers and short words, content words dropped — survives spinning almost
intact, whatever the substitution rate. Shingles of ``k`` consecutive skeleton
tokens are hashed to 64 bits; a fixed hash-based sample (one in ``sample``)
keeps the index small while copy and source keep the same sample.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np

from unspin.text.stopwords import FUNCTION_WORDS

#: Function words a spinner often *writes* when it swaps a content word
#: ("doing", "go", "once"): left out of the skeleton so a swap does not insert one.
UNSTABLE = frozenset(
    """up out off down over go do doing done did does being been be having first second
    last next most more much just even still very too now then once again so all one ones
    say said says like quite rather ever never near around along above under within beyond
    behind across through upon into about against before after need yes ok""".split()
)
SKELETON_WORDS = FUNCTION_WORDS - UNSTABLE
_SKELETON_RE = re.compile(r"\d+(?:[.,:/]\d+)*\w*|\w[\w'\u2019\-]*|[.!?]")
_TOKEN_IDS: dict[str, int] = {}
_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)


@dataclass(frozen=True)
class FingerprintOptions:
    """How skeleton shingles are made. Changing any of these needs a re-index."""

    #: Skeleton tokens per shingle.
    k: int = 5
    #: Keep one shingle in ``sample`` (by hash), the same ones for every text.
    sample: int = 4
    #: A text whose sample has fewer shingles than this keeps all of them, so short
    #: texts can be found. Copy and source still share the sampled ones, whichever is short.
    full_below: int = 12

    def to_dict(self) -> dict[str, int]:
        return {"k": self.k, "sample": self.sample, "full_below": self.full_below}


def _token_id(s: str) -> int:
    v = _TOKEN_IDS.get(s)
    if v is None:
        v = int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "little")
        if len(_TOKEN_IDS) < 2_000_000:
            _TOKEN_IDS[s] = v
    return v


def skeleton(text: str) -> list[str]:
    """The tokens a spinner keeps: function words, short words, names, numbers.

    Example: ``skeleton("The crippling sanctions hit Iran in 2012.")`` ->
    ``["the", "Iran", "in", "2012"]``.
    """
    out: list[str] = []
    append = out.append
    words = SKELETON_WORDS
    prev_end = True  # at a sentence start
    # A lean tokeniser (strings, not Token objects: this is the ingest hot path). It
    # need not agree with unspin.text.tokenize, only with itself on copy and source.
    for tok in _SKELETON_RE.findall(text):
        c = tok[0]
        if c in ".!?":
            prev_end = True
            continue
        if c.isdigit():
            append(tok)
        else:
            w = tok.lower()
            if "\u2019" in w:
                w = w.replace("\u2019", "'")
            if w in words:
                append(w)
            elif len(w) < 3:
                pass
            elif c.isupper() and (not prev_end or (len(tok) > 1 and tok.isupper())):
                append(tok)  # a name or an acronym: spinners leave them alone
            elif not w.replace("-", "").replace("'", "").isalpha():
                append(w)  # "covid-19", "g7": the spinner only swaps plain words
        prev_end = False
    return out


def mix64(h: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads the bits of 64-bit hashes, so ``h % sample`` is a fair
    sample (`unspin.scan.minhash` derives its MinHash permutations from it too)."""
    with np.errstate(over="ignore"):
        h = h ^ (h >> np.uint64(30))
        h = h * np.uint64(0xBF58476D1CE4E5B9)
        h = h ^ (h >> np.uint64(27))
        h = h * np.uint64(0x94D049BB133111EB)
        h = h ^ (h >> np.uint64(31))
    return h


#: the old private name, still imported by `unspin.scan.minhash`
_mix = mix64


def shingle_hashes(tokens: list[str], k: int) -> np.ndarray:
    """64-bit hashes of every run of ``k`` consecutive tokens (all of them when fewer)."""
    if not tokens:
        return np.zeros(0, dtype=np.uint64)
    ids = np.fromiter((_token_id(t) for t in tokens), dtype=np.uint64, count=len(tokens))
    n = max(1, len(ids) - k + 1)
    k = min(k, len(ids))
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = mix64(h ^ ids[j : j + n] + np.uint64(j))
    return h


def fingerprint(text: str, options: FingerprintOptions = FingerprintOptions()) -> np.ndarray:
    """The sampled, de-duplicated skeleton shingle hashes of ``text`` as sorted ``int64``.

    Signed so that SQLite stores them as plain INTEGER keys.
    """
    h = shingle_hashes(skeleton(text), options.k)
    if options.sample > 1:
        sampled = h[h % np.uint64(options.sample) == 0]
        if len(np.unique(sampled)) >= options.full_below:
            h = sampled
    return np.unique(h.view(np.int64))

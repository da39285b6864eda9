"""MinHash signatures of spin-invariant fingerprints and their LSH band keys.

A document's fingerprint (`unspin.index.fingerprints.fingerprint`) is a set of
skeleton-shingle hashes that a synonym spinner leaves almost intact, so two
spun copies of one article have a high Jaccard similarity between their
fingerprints even when their words differ a lot. MinHash estimates that
Jaccard with ``num_perm`` minima of independent hash permutations; LSH cuts the
signature into ``bands`` bands of ``num_perm / bands`` rows and hashes each band
to one 64-bit key: two documents sharing any band key are candidates. With 8
bands of 4 rows, a pair at Jaccard 0.9 becomes a candidate with probability
0.9998, at 0.5 with 0.40, at 0.2 with 0.013.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from unspin.index.fingerprints import mix64


@dataclass(frozen=True)
class LSHOptions:
    """MinHash and banding. Changing them changes the candidates (and so the scan's argument hash)."""

    #: Hash permutations in a signature.
    num_perm: int = 32
    #: LSH bands (``num_perm`` must be a multiple).
    bands: int = 8
    #: Documents whose fingerprint has fewer hashes take no part in clustering (too short to judge).
    min_hashes: int = 5

    def __post_init__(self) -> None:
        if self.num_perm % self.bands:
            raise ValueError(f"num_perm {self.num_perm} is not a multiple of bands {self.bands}")

    @property
    def rows(self) -> int:
        return self.num_perm // self.bands

    def to_dict(self) -> dict[str, int]:
        return {"num_perm": self.num_perm, "bands": self.bands, "min_hashes": self.min_hashes}


def _seeds(n: int, salt: int = 0x5EED) -> np.ndarray:
    """``n`` fixed 64-bit seeds (the same in every process and every run)."""
    return mix64(np.arange(1, n + 1, dtype=np.uint64) + np.uint64(salt))


def signature(hashes: np.ndarray, num_perm: int = 32) -> np.ndarray:
    """MinHash signature (``num_perm`` uint64) of a set of 64-bit hashes (any integer dtype)."""
    h = np.asarray(hashes).view(np.uint64) if np.asarray(hashes).dtype.itemsize == 8 else np.asarray(hashes, dtype=np.uint64)
    if len(h) == 0:
        return np.full(num_perm, np.iinfo(np.uint64).max, dtype=np.uint64)
    return mix64(h[:, None] ^ _seeds(num_perm)[None, :]).min(axis=0)


def band_keys(signatures: np.ndarray, bands: int) -> np.ndarray:
    """``(n, bands)`` uint64 keys, one per band of each ``(n, num_perm)`` signature; band index mixed in."""
    sigs = np.asarray(signatures, dtype=np.uint64)
    n, p = sigs.shape
    rows = p // bands
    keys = np.empty((n, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for b in range(bands):
            h = np.full(n, np.uint64(b) * np.uint64(0x9E3779B97F4A7C15), dtype=np.uint64)
            for r in range(rows):
                h = mix64(h ^ sigs[:, b * rows + r])
            keys[:, b] = h
    return keys

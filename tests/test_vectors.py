"""The word vectors' cached unit rows (`unspin.lexicon.vectors`): the package's own values, kept in the cache."""

import numpy as np
import pytest

import unspin.cache as cache_module
from unspin.lexicon import vectors as vectors_module
from unspin.lexicon.vectors import Vectors, _cached_unit_rows, load_vectors, unit_rows


def _column_ordered(n: int = 300, dim: int = 50) -> np.ndarray:
    rng = np.random.default_rng(4)
    m = rng.normal(size=(n, dim)).astype(np.float32)
    m[7] = 0.0  # a word without a direction
    return np.asfortranarray(m)


def _expected(matrix: np.ndarray, n: int) -> np.ndarray:
    """Each row divided by its own `numpy.linalg.norm`, one row at a time (how vectors were always made)."""
    out = []
    for i in range(n):
        row = np.asarray(matrix[i], dtype=np.float32)
        norm = float(np.linalg.norm(row))
        out.append(row / norm if norm > 0 else np.zeros_like(row))
    return np.array(out, dtype=np.float32)


def test_unit_rows_are_each_row_over_its_own_norm_bit_for_bit():
    matrix = _column_ordered()
    got = unit_rows(matrix)
    assert got.flags.c_contiguous and got.dtype == np.float32
    assert np.array_equal(got, _expected(matrix, len(matrix)))  # not np.allclose: the same bits
    assert not got[7].any()


def test_the_unit_rows_are_kept_in_the_cache_and_a_broken_cache_is_rebuilt(monkeypatch, tmp_path):
    monkeypatch.setenv("UNSPIN_CACHE_DIR", str(tmp_path))
    matrix = _column_ordered()
    want = _expected(matrix, 200)
    rows = _cached_unit_rows(matrix, 200)
    assert np.array_equal(rows, want)
    [file] = tmp_path.glob("glove-unit-*-200-*.npy")
    assert isinstance(rows, np.memmap)  # the written copy, memory-mapped (shared between processes)
    assert np.array_equal(_cached_unit_rows(matrix, 200), want)  # read back
    file.write_bytes(file.read_bytes()[:1000])  # cut short: rebuilt
    assert np.array_equal(_cached_unit_rows(matrix, 200), want)
    file.write_bytes(b"not an npy file")
    assert np.array_equal(_cached_unit_rows(matrix, 200), want)
    np.save(file, np.zeros((10, 50), dtype=np.float32))  # another shape: rebuilt
    assert np.array_equal(_cached_unit_rows(matrix, 200), want)
    assert file.stat().st_size > 200 * 50 * 4


def test_a_cache_that_cannot_be_written_costs_only_time(monkeypatch, tmp_path):
    def refuse(path, data):
        raise PermissionError(f"read-only: {path}")

    monkeypatch.setenv("UNSPIN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(cache_module, "atomic_write_bytes", refuse)
    matrix = _column_ordered()
    assert np.array_equal(_cached_unit_rows(matrix, 120), _expected(matrix, 120))
    assert not list(tmp_path.glob("glove-unit-*"))


def test_a_word_vector_is_the_package_row_made_unit_length():
    v = load_vectors()
    package = np.load(vectors_module._package_root() / "glove_6B_50d_emb.npy", mmap_mode="r")
    for w in ["ceremony", "sanctions", "leaders", "the"]:
        got = v.get(w)
        assert got is not None and np.array_equal(got, _expected(package[v.index[w]:v.index[w] + 1], 1)[0])
        with pytest.raises(ValueError):
            got[0] = 1.0  # read-only: a caller cannot change the vector for everyone
    assert v.get("xqzvbnw") is None
    plain = Vectors(["a", "b"], np.array([[3.0, 4.0], [0.0, 0.0]], dtype=np.float32))
    assert np.allclose(plain.get("a"), [0.6, 0.8]) and plain.get("b") is None  # a zero row has no direction

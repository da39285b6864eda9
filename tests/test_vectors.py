"""The word vectors' row-ordered copy (`unspin.lexicon.vectors`): the package's own values, kept in the cache."""

import numpy as np

from unspin.lexicon import vectors as vectors_module
from unspin.lexicon.vectors import Vectors, _rows, load_vectors


def _column_ordered(n: int = 300, dim: int = 50) -> np.ndarray:
    rng = np.random.default_rng(4)
    return np.asfortranarray(rng.normal(size=(n, dim)).astype(np.float32))


def test_the_copy_holds_the_same_values_row_by_row_and_is_read_back(monkeypatch, tmp_path):
    monkeypatch.setenv("UNSPIN_CACHE_DIR", str(tmp_path))
    matrix = _column_ordered()
    rows = _rows(matrix, 200)
    assert rows.flags.c_contiguous and rows.dtype == np.float32 and rows.shape == (200, 50)
    assert np.array_equal(rows, matrix[:200])
    [file] = tmp_path.glob("glove-rows-*-200-*.npy")
    assert isinstance(rows, np.memmap)  # the written copy, memory-mapped (shared between processes)
    again = _rows(matrix, 200)
    assert np.array_equal(again, matrix[:200])
    file.write_bytes(file.read_bytes()[:1000])  # cut short: rebuilt
    assert np.array_equal(_rows(matrix, 200), matrix[:200])
    file.write_bytes(b"not an npy file")
    assert np.array_equal(_rows(matrix, 200), matrix[:200])
    np.save(file, np.zeros((10, 50), dtype=np.float32))  # another shape: rebuilt
    assert np.array_equal(_rows(matrix, 200), matrix[:200])
    assert file.stat().st_size > 200 * 50 * 4


def test_a_cache_that_cannot_be_written_costs_only_time(monkeypatch, tmp_path):
    def refuse(path, data):
        raise PermissionError(f"read-only: {path}")

    monkeypatch.setenv("UNSPIN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(vectors_module, "atomic_write_bytes", refuse)
    matrix = _column_ordered()
    rows = _rows(matrix, 120)
    assert np.array_equal(rows, matrix[:120]) and not list(tmp_path.glob("glove-rows-*"))


def test_a_word_vector_is_the_package_row_made_unit_length():
    v = load_vectors()
    words = ["ceremony", "sanctions", "leaders", "the"]
    for w in words:
        i = v.index[w]
        row = np.asarray(np.load(vectors_module._package_root() / "glove_6B_50d_emb.npy", mmap_mode="r")[i], dtype=np.float32)
        got = v.get(w)
        assert got is not None and np.array_equal(got, row / float(np.linalg.norm(row)))
    assert v.get("xqzvbnw") is None
    plain = Vectors(["a", "b"], np.array([[3.0, 4.0], [0.0, 0.0]], dtype=np.float32))
    assert np.allclose(plain.get("a"), [0.6, 0.8]) and plain.get("b") is None  # a zero row has no direction

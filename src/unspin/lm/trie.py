"""The language model read into arrays, for many look-ups in one call.

`LanguageModel.raw_logprob` costs ~0.6 µs a call, most of it crossing into pocketsphinx one call
at a time; a caller that knows a few thousand n-grams it needs (the screen: every likely original
of every word with the words around it) asks `TrieArrays.raw` for all of them at once instead.

The arrays are pocketsphinx's own binary trie (`en-us.lm.bin`, "Trie Language Model": unigrams as
floats, bigrams and trigrams bit-packed, their probabilities and back-offs quantised to 16-bit
indices into tables of floats), unpacked with numpy: each bigram and trigram becomes one int64 key,
hashed into as many buckets (a binary search over two million keys costs ~20 cache misses a query,
no faster than pocketsphinx; a bucket costs one or two). The scores are pocketsphinx's
(`ngram_model_trie_raw_score` in its ``lm_trie.c``): Katz back-off summed in float32 and truncated
to an int in log base 1.0001, so ``raw(...)`` equals ``NGramModel.prob`` value for value (tested);
the history is cut at the first unknown word as `unspin.lm.ngram.reversed_history` cuts it.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

import numpy as np

from unspin.cache import cached, package_version
from unspin.errors import ResourceError

_HEADER = b"Trie Language Model"
#: what pocketsphinx returns for a word not in the vocabulary (``log_zero``)
PS_OOV = -536870912
_BITS = 16  # the quantisation's bits for probabilities and back-offs (fixed in lm_trie_quant.c)


def _required_bits(max_value: int) -> int:
    return int(max_value).bit_length()


def _read_fields(mem: np.ndarray, offsets: np.ndarray, mask: int) -> np.ndarray:
    """The ``mask``-wide little-endian bit fields at bit ``offsets`` of ``mem`` (pocketsphinx's
    ``bitarr_read_int57``: 8 bytes from ``offset >> 3``, shifted by ``offset & 7``)."""
    byte = offsets >> 3
    value = np.zeros(len(offsets), dtype=np.uint64)
    for k in range(8):
        value |= mem[byte + k].astype(np.uint64) << np.uint64(8 * k)
    return ((value >> (offsets & 7).astype(np.uint64)) & np.uint64(mask)).astype(np.int64)


def _uniform_find(words: list[int], max_vocab: int, key: int) -> int:
    """Where pocketsphinx's interpolation search (``uniform_find``) finds ``key`` in one range of
    ``words`` (-1: not found): what it finds where a range is out of order."""
    before_it, before_v, after_it, after_v = -1, 0, len(words), max_vocab
    if key > after_v:
        return -1
    while after_it - before_it > 1:
        pivot = before_it + 1 + ((key - before_v) * (after_it - before_it - 1)) // (after_v - before_v + 1)
        mid = words[pivot]
        if mid < key:
            before_it, before_v = pivot, mid
        elif mid > key:
            after_it, after_v = pivot, mid
        else:
            return pivot
    return -1


_MIX = np.uint64(0x9E3779B97F4A7C15)


def _buckets(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sorted unique int64 keys hashed into as many buckets: ``(keys in bucket order, bucket starts,
    each position's index in keys)``; a bucket's keys stay ascending."""
    home = _home(keys, max(1, len(keys)))
    order = np.argsort(home, kind="stable")
    start = np.searchsorted(home[order], np.arange(max(1, len(keys)) + 1)).astype(np.int32)
    return keys[order], start, order.astype(np.int32)


def _home(keys: np.ndarray, size: int) -> np.ndarray:
    mixed = (keys.astype(np.uint64) * _MIX) >> np.uint64(32)
    return ((mixed * np.uint64(size)) >> np.uint64(32)).astype(np.int64)


def _find(keys: np.ndarray, start: np.ndarray, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(position, found)`` of each query in a `_buckets` table (position 0 where not found): a batch
    reads one or two keys a query instead of a binary search's ~20 (several times faster than
    `numpy.searchsorted` here, where cache misses dominate). Each round reads the next key of every
    bucket still searched, for the whole batch at once, until each query is found or passed (a bucket's
    keys are ascending; buckets hold about one key, rarely more than ten)."""
    at = np.zeros(len(query), dtype=np.int64)
    found = np.zeros(len(query), dtype=bool)
    b = _home(query, len(start) - 1)
    lo, hi = start[b].astype(np.int64), start[b + 1].astype(np.int64)
    live = np.flatnonzero(lo < hi)
    lo, hi, q = lo[live], hi[live], query[live]
    while len(live):
        k = keys[lo]
        hit = k == q
        at[live[hit]] = lo[hit]
        found[live[hit]] = True
        lo += 1
        go = (k < q) & (lo < hi)
        live, lo, hi, q = live[go], lo[go], hi[go], q[go]
    return at, found


def read_trie(path: Path | str) -> dict[str, np.ndarray]:
    """The arrays `TrieArrays` reads, from a pocketsphinx binary trie model (~2 s; `TrieArrays`
    keeps them in the user cache)."""
    path = Path(path)
    data = path.read_bytes()
    if not data.startswith(_HEADER):
        raise ResourceError(f"{path}: not a pocketsphinx trie language model")
    at = len(_HEADER)
    order = data[at]
    if order != 3:
        raise ResourceError(f"{path}: a {order}-gram model; the arrays read 3-gram models only")
    n1, n2, n3 = (int(c) for c in np.frombuffer(data, dtype="<u4", count=3, offset=at + 1))
    at += 1 + 12 + 4  # the counts, then a dummy int (once the quantisation type)
    nvalues = 3 << _BITS  # bigram probabilities, bigram back-offs, trigram probabilities
    tables = np.frombuffer(data, dtype="<f4", count=nvalues, offset=at).astype(np.float32)
    at += 4 * nvalues
    uni = np.frombuffer(data, dtype=np.dtype([("prob", "<f4"), ("bo", "<f4"), ("next", "<u4")]), count=n1 + 1, offset=at)
    at += 12 * (n1 + 1)
    uni_next = uni["next"].astype(np.int64)
    word_bits = _required_bits(n1)
    next_bits = _required_bits(n3)
    mid_bits = word_bits + 2 * _BITS + next_bits
    mid_size = ((1 + n2) * mid_bits + 7) // 8 + 8
    long_bits = word_bits + _BITS
    long_size = ((1 + n3) * long_bits + 7) // 8 + 8
    # (8 bytes past the two arrays: the word strings' length and first bytes, read past by the last field)
    mem = np.frombuffer(data, dtype=np.uint8, count=mid_size + long_size + 8, offset=at)
    at += mid_size + long_size
    k = int(np.frombuffer(data, dtype="<u4", count=1, offset=at)[0])
    words = data[at + 4 : at + 4 + k]
    if (nwords := words.count(b"\0")) != n1:
        raise ResourceError(f"{path}: {nwords} word strings for {n1} unigrams")
    mask = (1 << _BITS) - 1
    # bigrams: under each word w (``uni_next[w]:uni_next[w+1]``) the words before it, ascending (the header's
    # counts size the arrays; the n-grams in them can be a few fewer: pocketsphinx drops those whose
    # shorter context is missing when it builds the trie)
    m2 = int(uni_next[n1])
    off = np.arange(m2 + 1, dtype=np.int64) * mid_bits
    mid = mem[:mid_size]
    bi_next = _read_fields(mid, off + word_bits + 2 * _BITS, (1 << next_bits) - 1)
    m3 = int(bi_next[m2])
    if m2 > n2 or m3 > n3 or np.any(np.diff(uni_next) < 0) or np.any(np.diff(bi_next) < 0):
        raise ResourceError(f"{path}: the trie's pointers do not fit its counts")
    off = off[:-1]
    bi_key = np.repeat(np.arange(n1, dtype=np.int64), np.diff(uni_next[: n1 + 1])) * n1 + _read_fields(mid, off, (1 << word_bits) - 1)
    bi_bo = _read_fields(mid, off + word_bits, mask).astype(np.uint16)
    bi_prob = _read_fields(mid, off + word_bits + _BITS, mask).astype(np.uint16)
    del off
    # trigrams: under each bigram j (``bi_next[j]:bi_next[j+1]``) the words two before, ascending
    loff = np.arange(m3, dtype=np.int64) * long_bits
    lng = mem[mid_size:]
    tri_word = _read_fields(lng, loff, (1 << word_bits) - 1)
    tri_prob = _read_fields(lng, loff + word_bits, mask).astype(np.uint16)
    del loff
    towner = np.repeat(np.arange(m2, dtype=np.int64), np.diff(bi_next))
    tri_key = towner * n1 + tri_word
    bad = np.flatnonzero(np.diff(tri_key) <= 0)
    if len(bad):
        # a few ranges out of order (two in en-us.lm.bin): keep what pocketsphinx's search finds there
        keep = np.ones(len(tri_key), dtype=bool)
        for j in np.unique(towner[bad]).tolist():
            lo, hi = int(bi_next[j]), int(bi_next[j + 1])
            rng = tri_word[lo:hi].tolist()
            keep[lo:hi] = False
            keep[[lo + i for i, word in enumerate(rng) if _uniform_find(rng, n1, word) == i]] = True
        tri_key, tri_prob = tri_key[keep], tri_prob[keep]
    del towner, tri_word
    if np.any(np.diff(bi_key) <= 0) or np.any(np.diff(tri_key) <= 0):
        raise ResourceError(f"{path}: the n-grams are not in the trie's order")
    bi_key, bi_start, bi_index = _buckets(bi_key)
    tri_key, tri_start, tri_index = _buckets(tri_key)
    return {"counts": np.array([n1, n2, n3], dtype=np.int64), "tables": tables,
            "uni_prob": uni["prob"].astype(np.float32), "uni_bo": uni["bo"].astype(np.float32),
            "words": np.frombuffer(words, dtype=np.uint8).copy(),
            "bi_key": bi_key, "bi_start": bi_start, "bi_index": bi_index, "bi_prob": bi_prob[bi_index], "bi_bo": bi_bo[bi_index],
            "tri_key": tri_key, "tri_start": tri_start, "tri_prob": tri_prob[tri_index]}


#: bump when `read_trie`'s arrays change
FORMAT = 1


def _read_npz(file: Path) -> dict[str, np.ndarray]:
    with open(file, "rb") as fh, np.load(fh) as npz:  # (our handle: closed even when the zip is cut short)
        return {k: npz[k] for k in npz.files}


def _npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)  # type: ignore[arg-type]
    return buf.getvalue()


class TrieArrays:
    """A 3-gram pocketsphinx trie model as numpy arrays (~64 MB); `raw` scores many n-grams at once.

    Built from the model file on first use and kept in the user cache (`unspin.cache`), named after
    pocketsphinx's version and the file's size, so later processes read the arrays in ~0.2 s."""

    def __init__(self, path: Path | str, cache: bool = True) -> None:
        self.path = Path(path)
        name = None
        if cache:
            try:
                name = f"lm-trie-{package_version('pocketsphinx')}-{self.path.stat().st_size}-f{FORMAT}.npz"
            except OSError:
                name = None  # (read_trie says what is wrong with the model file)
        arrays = cached(name, _read_npz, lambda: read_trie(self.path), _npz_bytes)
        self.n1 = int(arrays["counts"][0])
        tables = arrays["tables"]
        self._bi_prob_table, self._bi_bo_table, self._tri_prob_table = (
            tables[: 1 << _BITS], tables[1 << _BITS : 2 << _BITS], tables[2 << _BITS :])
        self.uni_prob, self.uni_bo = arrays["uni_prob"], arrays["uni_bo"]
        self.vocab: dict[str, int] = {w.decode("utf-8"): i for i, w in enumerate(arrays["words"].tobytes().split(b"\0")[:-1])}
        if len(self.vocab) != self.n1:
            raise ResourceError(f"{self.path}: {len(self.vocab)} distinct words for {self.n1} unigrams")
        self._bi_key, self._bi_start, self._bi_index = arrays["bi_key"], arrays["bi_start"], arrays["bi_index"]
        self._bi_prob, self._bi_bo = arrays["bi_prob"], arrays["bi_bo"]
        self._tri_key, self._tri_start, self._tri_prob = arrays["tri_key"], arrays["tri_start"], arrays["tri_prob"]

    def ids(self, words: list[str | None]) -> np.ndarray:
        """Word ids (-1: unknown or None)."""
        get = self.vocab.get
        return np.fromiter((-1 if w is None else get(w, -1) for w in words), dtype=np.int64, count=len(words))

    def raw(self, w: np.ndarray, h1: np.ndarray, h2: np.ndarray) -> np.ndarray:
        """``NGramModel.prob([w, h1, h2])`` of each row, as int64 (log base 1.0001): ``w`` the word's id,
        ``h1`` the word before, ``h2`` the one before that (-1: none or unknown, which cuts the history
        there; an unknown ``w`` gives `PS_OOV`)."""
        w = np.asarray(w, dtype=np.int64)
        h1 = np.asarray(h1, dtype=np.int64)
        h2 = np.where(h1 < 0, -1, np.asarray(h2, dtype=np.int64))
        n1 = self.n1
        a = h1 >= 0
        b = h2 >= 0
        h1z = np.maximum(h1, 0)
        h2z = np.maximum(h2, 0)
        # bigram (h1, w), and trigram (h2, h1, w): keyed on the bigram's index in the trie
        bi, bfound = _find(self._bi_key, self._bi_start, np.maximum(w, 0) * n1 + h1z)
        bfound &= a
        ti, tfound = _find(self._tri_key, self._tri_start, self._bi_index[bi].astype(np.int64) * n1 + h2z)
        tfound &= bfound & b
        # the history's back-offs: bo(h1), and bo of the bigram (h2, h1) when there is one (each history
        # looked up once)
        hkeys, inverse = np.unique(h1z * n1 + h2z, return_inverse=True)
        hi, hfound = _find(self._bi_key, self._bi_start, hkeys)
        bo2 = np.where(hfound, self._bi_bo_table[self._bi_bo[hi]], np.float32(0.0)).astype(np.float32)[inverse]
        bo2[~b] = 0.0
        bo1 = self.uni_bo[h1z]
        u = self.uni_prob[np.maximum(w, 0)]
        bp = self._bi_prob_table[self._bi_prob[bi]]
        # pocketsphinx: with one word of history, P(w|h1) or P(w) + bo(h1); with two, P(w|h2 h1), or
        # P(w|h1) + bo(h2 h1), or P(w) + bo(h1) + bo(h2 h1) — float32 sums, truncated to int
        one = np.where(bfound, bp, u + bo1)
        two = np.where(tfound, self._tri_prob_table[self._tri_prob[ti]], np.where(bfound, bp + bo2, (u + bo1) + bo2))
        score = np.trunc(np.where(b, two, np.where(a, one, u))).astype(np.int64)
        score[w < 0] = PS_OOV
        return score


_LOCK = threading.Lock()
_TRIE: TrieArrays | None = None


def load_trie() -> TrieArrays:
    """The process-wide arrays of the language model `unspin.lm.load_lm` reads (built on first use, ~1 s)."""
    global _TRIE
    with _LOCK:
        if _TRIE is None:
            from unspin.lm.ngram import load_lm

            _TRIE = TrieArrays(load_lm().path)
        return _TRIE

"""The language model as arrays (`unspin.lm.trie`) gives pocketsphinx's own values."""

import random
import re

import numpy as np
import pytest

from unspin.errors import ResourceError
from unspin.lm import load_lm
from unspin.lm.trie import PS_OOV, TrieArrays, _buckets, _find, load_trie

TEXT = """The two leaders met at the opening ceremony of the games on Friday, where the prime minister said
that crippling sanctions would not change the country's course. Officials expect the talks to resume next
week, and the foreign minister wrote that relations between the nations were increasingly strained.
Xqzvbnw zzyzx the of of the the ceremony opening service chiefs approvals."""


def _queries(trie: TrieArrays) -> list[tuple[str, str | None, str | None]]:
    words = ["<s>", *re.findall(r"[a-z']+", TEXT.lower())]
    rng = random.Random(5)
    vocab = sorted(trie.vocab)
    qs: list[tuple[str, str | None, str | None]] = []
    for i in range(len(words)):
        h1 = words[i - 1] if i >= 1 else None
        h2 = words[i - 2] if i >= 2 else None
        qs += [(words[i], h1, h2), (words[i], h1, None), (words[i], None, None)]
        # a word of the vocabulary in the context, the context with a word of the vocabulary: back-off paths
        qs += [(rng.choice(vocab), h1, h2), (words[i], rng.choice(vocab), h2), (words[i], h1, rng.choice(vocab))]
    return qs


def test_the_arrays_score_every_ngram_as_pocketsphinx_does():
    lm = load_lm()
    trie = load_trie()
    qs = _queries(trie)
    got = trie.raw(trie.ids([q[0] for q in qs]), trie.ids([q[1] for q in qs]), trie.ids([q[2] for q in qs])).tolist()
    want = []
    for w, h1, h2 in qs:
        rev = [w]  # the history cut at its first unknown word, as unspin.lm.ngram.reversed_history cuts it
        if h1 is not None and h1 in trie.vocab:
            rev.append(h1)
            if h2 is not None and h2 in trie.vocab:
                rev.append(h2)
        want.append(lm._model.prob(rev))
    assert got == want
    assert PS_OOV in got  # an unknown word
    # every path of the back-off is exercised: a trigram found, a bigram found, neither
    assert len(set(got)) > len(qs) // 4


def test_the_arrays_are_kept_in_the_cache_and_a_broken_cache_is_rebuilt(monkeypatch, tmp_path):
    monkeypatch.setenv("UNSPIN_CACHE_DIR", str(tmp_path))
    path = load_lm().path
    first = TrieArrays(path)
    [file] = tmp_path.glob("lm-trie-*.npz")
    w, h1, h2 = first.ids(["ceremony", "service"]), first.ids(["opening", "opening"]), first.ids(["the", "the"])
    expected = first.raw(w, h1, h2)
    assert expected[0] > expected[1]  # "the opening ceremony" over "the opening service"
    assert np.array_equal(TrieArrays(path).raw(w, h1, h2), expected)  # read back from the cache
    whole = file.read_bytes()
    file.write_bytes(whole[: len(whole) // 2])  # cut short (a full disk, a killed writer)
    assert np.array_equal(TrieArrays(path).raw(w, h1, h2), expected)  # rebuilt
    file.write_bytes(b"not an npz")
    assert np.array_equal(TrieArrays(path).raw(w, h1, h2), expected)  # rebuilt
    assert file.stat().st_size > 1_000_000


def test_a_file_that_is_not_a_trie_model_is_refused(tmp_path):
    bad = tmp_path / "model.lm.bin"
    bad.write_bytes(b"ARPA or something else entirely")
    with pytest.raises(ResourceError, match="not a pocketsphinx trie"):
        TrieArrays(bad, cache=False)


def test_a_cache_that_cannot_be_written_costs_only_time(monkeypatch, tmp_path):
    import unspin.cache as cache_module

    def refuse(path, data):
        raise PermissionError(f"read-only: {path}")

    monkeypatch.setenv("UNSPIN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(cache_module, "atomic_write_bytes", refuse)
    arrays = TrieArrays(load_lm().path)
    assert not list(tmp_path.glob("lm-trie-*"))
    assert arrays.raw(arrays.ids(["ceremony"]), arrays.ids(["opening"]), arrays.ids(["the"]))[0] == load_trie().raw(
        load_trie().ids(["ceremony"]), load_trie().ids(["opening"]), load_trie().ids(["the"]))[0]


def test_the_hashed_table_finds_every_key_and_nothing_else():
    """`_find` against a plain search, buckets of every size the hash makes (a bucket of 7 or more keys among
    20,000 is all but certain)."""
    rng = np.random.default_rng(3)
    keys = np.unique(rng.integers(0, 2**40, size=20_000, dtype=np.int64))
    table, start, order = _buckets(keys)
    assert np.diff(start).max() >= 7
    absent = rng.integers(0, 2**40, size=5_000, dtype=np.int64)
    query = np.concatenate([keys[rng.permutation(len(keys))], absent, keys[:50]])
    at, found = _find(table, start, query)
    want = np.isin(query, keys)
    assert (found == want).all()
    assert (table[at[found]] == query[found]).all()
    assert (keys[order[at[found]]] == query[found]).all()

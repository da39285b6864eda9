"""The decoder's view of the language model: memoised log10 P(w | c2 c1), OOV-aware.

Decoding asks for the same few trigrams again and again (every candidate of a word, in
every pass, next to every candidate of its neighbours), so each answer is memoised;
the caches are bounded and cleared when full. Internal to `unspin.detect`.
"""

from __future__ import annotations

from collections.abc import Sequence

from unspin.lm.ngram import LanguageModel, reversed_history

#: entries before a memo is cleared (bounded memory in a long-running process)
MAX_MEMO = 2_000_000
MAX_VOCAB = 1_000_000


class LMCache:
    """log10 probabilities from ``lm`` with OOV words cutting the history, memoised."""

    def __init__(self, lm: LanguageModel, oov_penalty: float) -> None:
        self.lm = lm
        self.oov_penalty = oov_penalty
        self._memo: dict[tuple[str, str | None, str | None], float] = {}
        # vocabulary membership, memoised: the LM's own check behind a plain dict lookup
        self.known = _Vocabulary(lm).__getitem__

    def cond(self, w: str, c2: str | None, c1: str | None) -> float:
        """log10 P(w | c2 c1) with OOV words cutting the history (memoised).

        The hot path of the decoder: the same as ``lm.logprob(w, [c2, c1])``
        (OOV → ``oov_penalty``), the vocabulary checks behind a plain dict lookup."""
        key = (w, c2, c1)
        v = self._memo.get(key)
        if v is None:
            if len(self._memo) > MAX_MEMO:
                self._memo.clear()
            known = self.known
            if known(w) is False:
                v = self.oov_penalty
            else:
                v = self.lm.raw_logprob(reversed_history(w, c2, c1, known))
            self._memo[key] = v
        return v

    def bigrams_after(self, c1: str | None, words: Sequence[str]) -> list[float]:
        """``[self.cond(w, None, c1) for w in words]``, batched (the pre-score's hot loop);
        ``words`` must all be in the LM's vocabulary (usable candidates are)."""
        memo, known, raw = self._memo, self.known, self.lm.raw_logprob
        if len(memo) > MAX_MEMO:
            memo.clear()
        ctx = [c1] if c1 is not None and known(c1) else []
        out = []
        for w in words:
            key = (w, None, c1)
            v = memo.get(key)
            if v is None:
                v = memo[key] = raw([w, *ctx])
            out.append(v)
        return out

    def bigrams_before(self, w: str, contexts: Sequence[str]) -> list[float]:
        """``[self.cond(w, None, c) for c in contexts]``, batched; ``contexts`` must all be
        in the LM's vocabulary."""
        memo, known, raw = self._memo, self.known, self.lm.raw_logprob
        if len(memo) > MAX_MEMO:
            memo.clear()
        w_known = known(w)
        oov = self.oov_penalty
        out = []
        for c in contexts:
            key = (w, None, c)
            v = memo.get(key)
            if v is None:
                v = memo[key] = raw([w, c]) if w_known else oov
            out.append(v)
        return out


class _Vocabulary(dict):
    """word -> is it in the LM's vocabulary; filled on first lookup, bounded."""

    def __init__(self, lm: LanguageModel) -> None:
        super().__init__()
        self.lm = lm

    def __missing__(self, word: str) -> bool:
        if len(self) > MAX_VOCAB:
            self.clear()
        known = self[word] = self.lm.in_vocab(word)
        return known

"""The pocketsphinx US-English trigram model, wrapped for text scoring.

pocketsphinx's ``NGramModel.prob`` takes the words in *reverse* order
(``[w, w-1, w-2]``) and returns a log probability in base 1.0001; this module
hides both: `LanguageModel.logprob` takes a word and its left context in
reading order and returns log10. The model is lower-case; words are
normalised with `unspin.text.normalize_token` before lookup.

Out-of-vocabulary words are explicit: ``logprob`` of an OOV word returns the
`OOV` sentinel (``None``) and an OOV word in the context cuts the history (it
is treated like a sentence start), so one unknown name does not poison the
scores of its neighbours.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from unspin.errors import ResourceError

#: log base 1.0001 -> log10: divide by ln(10)/ln(1.0001) = 23027.0
LOG10_DIVISOR = 23027.0
OOV = None
_PS_OOV = -536870912  # what pocketsphinx returns for an unknown unigram
BOS = "<s>"
EOS = "</s>"


def reversed_history(w: str, c2: str | None, c1: str | None, known: Callable[[str], bool]) -> list[str]:
    """``[w, c1, c2]``, the order `NGramModel.prob` takes, cut at the first missing or unknown word
    of the history (an OOV context word ends it: the model backs off to what is left)."""
    rev = [w]
    if c1 is not None:
        if known(c1):
            rev.append(c1)
            if c2 is not None and known(c2):
                rev.append(c2)
    elif c2 is not None and known(c2):
        rev.append(c2)
    return rev


def lm_path() -> Path:
    try:
        import pocketsphinx
    except ImportError as exc:  # pragma: no cover
        raise ResourceError("the language model needs the 'pocketsphinx' package: pip install pocketsphinx") from exc
    path = Path(os.path.dirname(pocketsphinx.__file__)) / "model" / "en-us" / "en-us.lm.bin"
    if not path.exists():
        raise ResourceError(f"pocketsphinx is installed but its language model {path} is missing")
    return path


class LanguageModel:
    """Trigram log10 probabilities with explicit OOV handling."""

    order = 3

    def __init__(self, path: Path | None = None) -> None:
        from pocketsphinx import NGramModel

        self.path = Path(path) if path else lm_path()
        self._model = NGramModel.readfile(str(self.path))
        self._prob = self._model.prob
        self._cached = lru_cache(maxsize=1_000_000)(self._raw)
        self._vocab: dict[str, bool] = {}

    def _raw(self, rev: tuple[str, ...]) -> int:
        return self._prob(list(rev))

    def raw_logprob(self, reversed_words: list[str]) -> float:
        """log10 P of ``reversed_words`` = ``[w, w-1, w-2]`` as pocketsphinx takes them,
        every word known to be in the vocabulary (no checks: the caller's hot path)."""
        return self._prob(reversed_words) / LOG10_DIVISOR

    def in_vocab(self, word: str) -> bool:
        known = self._vocab.get(word)
        if known is None:
            known = word in (BOS, EOS) or self._prob([word]) != _PS_OOV
            if len(self._vocab) > 1_000_000:
                self._vocab.clear()
            self._vocab[word] = known
        return known

    def logprob(self, word: str, context: Sequence[str] = ()) -> float | None:
        """log10 P(word | context), context in reading order (last two words used).

        Returns `OOV` (None) if ``word`` is not in the vocabulary. Context
        words that are OOV cut the history at that point.
        """
        if not self.in_vocab(word):
            return OOV
        ctx: list[str] = []
        for w in reversed(context[-(self.order - 1):]):
            if not self.in_vocab(w):
                break
            ctx.append(w)
        return self._cached((word, *ctx)) / LOG10_DIVISOR

    def score(self, words: Iterable[str], bos: bool = True, eos: bool = False, oov_penalty: float = -7.0) -> float:
        """Total log10 probability of a word sequence; OOV words cost ``oov_penalty``."""
        hist: list[str] = [BOS] if bos else []
        total = 0.0
        seq = list(words) + ([EOS] if eos else [])
        for w in seq:
            lp = self.logprob(w, hist)
            if lp is None:
                total += oov_penalty
                hist = []
            else:
                total += lp
                hist = (hist + [w])[-(self.order - 1):]
        return total


_LOCK = threading.Lock()
_LM: LanguageModel | None = None


def load_lm() -> LanguageModel:
    """The process-wide language model (loaded once, shared read-only)."""
    global _LM
    with _LOCK:
        if _LM is None:
            _LM = LanguageModel()
        return _LM

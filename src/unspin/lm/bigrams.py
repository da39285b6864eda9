"""Web-scale bigram counts: which two-word sequences are frequent in English.

A second n-gram source beside the trigram LM (`unspin.lm.ngram`, a speech model with a small
vocabulary): the ~286,000 most frequent bigrams of the Google Web 1T corpus (about 10^12 words),
as shipped by the ``wordsegment`` package (Apache-2.0; Peter Norvig's ``count_2w``, every bigram
seen at least 100,000 times). A spinner breaks collocations ("opening ceremony" → "opening
service"): the original's bigrams with its neighbours are usually in this list, the spun word's
often are not.

`WebBigrams.logprob` is a bigram LM over these counts: log10 P(y | x) = log10 c(x y) − log10 c(x)
for a listed bigram; for one that is not listed (a count below `CUTOFF`) the independence
estimate c(x)·c(y)/N, capped at half the cutoff. Unigram counts come from ``wordfreq`` (Zipf
scale, `unspin.lexicon.freq.zipf`) rescaled to the corpus size, so no second unigram table is
loaded. Words are lower case, as the list is.

The table is read once, lazily (`load_bigrams`, about 0.7 s and 47 MB per process); a missing package or
file raises `unspin.errors.ResourceError`.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable
from pathlib import Path

from unspin.errors import ResourceError
from unspin.lexicon.freq import zipf

#: words in the corpus the counts come from (`wordsegment.Segmenter.TOTAL`)
TOTAL = 1024908267229.0
LOG_TOTAL = math.log10(TOTAL)
#: the list's cut-off: every bigram seen at least this often is listed
CUTOFF = 100_000
#: log10 count assumed at most for a bigram that is not listed (half the cut-off)
LOG_UNLISTED = math.log10(CUTOFF / 2)
#: the sentence start, as the list writes it
BOS = "<s>"
#: Zipf value assumed for a word wordfreq does not know
MIN_ZIPF = 1.0


def bigrams_path() -> Path:
    """The ``bigrams.txt`` file of the installed ``wordsegment`` package."""
    try:
        import wordsegment
    except ImportError as exc:
        raise ResourceError("the web bigram counts need the 'wordsegment' package: pip install wordsegment") from exc
    path = Path(wordsegment.__file__).with_name("bigrams.txt")
    if not path.is_file():
        raise ResourceError(f"wordsegment is installed but its bigram counts {path} are missing")
    return path


class WebBigrams:
    """Frequent web bigrams as log10 counts, with a bigram LM over them."""

    def __init__(self, counts: dict[str, float]) -> None:
        #: "x y" -> log10 count, every listed bigram ("<s> y": ``y`` opening a sentence)
        self.counts = counts
        starts = sum(10**c for k, c in counts.items() if k.startswith(BOS + " "))
        #: log10 count of sentence starts (the listed ones': a lower bound)
        self.log_starts = math.log10(starts) if starts else LOG_TOTAL - 1.0

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> WebBigrams:
        """Read ``x y<TAB>count`` lines (the ``wordsegment`` format); blank lines are skipped and
        a line in another format raises ResourceError."""
        raw: dict[str, float] = {}
        for n, line in enumerate(lines, start=1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            pair, sep, count = line.rpartition("\t")
            try:
                value = float(count)
            except ValueError:
                value = -1.0
            if not sep or " " not in pair or value <= 0:
                raise ResourceError(f"web bigram counts, line {n}: expected 'word word<TAB>count', got {line[:60]!r}")
            # the list holds some pairs twice (from differently capitalised originals): summed
            key = pair.lower()
            raw[key] = raw.get(key, 0.0) + value
        if not raw:
            raise ResourceError("the web bigram counts are empty")
        return cls({k: math.log10(v) for k, v in raw.items()})

    def log_count(self, x: str, y: str) -> float | None:
        """log10 count of the bigram ``x y``, or None if it is not a frequent bigram."""
        return self.counts.get(f"{x} {y}")

    def listed(self, x: str | None, y: str | None) -> bool:
        """Is ``x y`` a frequent bigram (False when either side is missing)?"""
        return x is not None and y is not None and f"{x} {y}" in self.counts

    def log_unigram(self, w: str) -> float:
        """log10 count of ``w`` in the corpus, from its Zipf frequency (wordfreq); `BOS`: the
        sentence starts."""
        if w == BOS:
            return self.log_starts
        return max(zipf(w), MIN_ZIPF) - 9.0 + LOG_TOTAL

    def logprob(self, y: str, x: str) -> float:
        """log10 P(y | x): the listed count over ``x``'s count, else the independence estimate
        capped below the cut-off; never above 0."""
        cx = self.log_unigram(x)
        c = self.counts.get(f"{x} {y}")
        if c is None:
            c = min(cx + self.log_unigram(y) - LOG_TOTAL, LOG_UNLISTED)
        return min(c - cx, 0.0)

    def score(self, w: str, left: str | None, right: str | None) -> float:
        """How well ``w`` fits between ``left`` and ``right``: log10 P(w | left) + log10 P(right | w)
        (a missing side leaves its term out; without a left word, the unigram P(w)). ``left`` may be
        `BOS`, the sentence start."""
        total = self.logprob(w, left) if left is not None else self.log_unigram(w) - LOG_TOTAL
        if right is not None:
            total += self.logprob(right, w)
        return total

    def association(self, w: str, left: str | None, right: str | None) -> float:
        """Pointwise mutual information (log10) of ``w`` with its neighbours, summed: how much more
        often than chance it occurs next to them (each side ≤ 0 for an unlisted pair)."""
        total = 0.0
        if left is not None:
            total += self.logprob(w, left) - (self.log_unigram(w) - LOG_TOTAL)
        if right is not None:
            total += self.logprob(right, w) - (self.log_unigram(right) - LOG_TOTAL)
        return total

    def n_listed(self, w: str, left: str | None, right: str | None) -> int:
        """How many of ``left w`` and ``w right`` are frequent bigrams (0-2)."""
        return int(self.listed(left, w)) + int(self.listed(w, right))


_lock = threading.Lock()
_loaded: WebBigrams | None = None


def load_bigrams() -> WebBigrams:
    """The shared table, read on first use (thread-safe)."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                path = bigrams_path()
                try:
                    with path.open(encoding="utf-8") as f:
                        _loaded = WebBigrams.from_lines(f)
                except OSError as exc:
                    raise ResourceError(f"cannot read the web bigram counts {path}: {exc}") from exc
    return _loaded

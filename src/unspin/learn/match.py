"""Find a lexicon's spun wordings in a token sequence (any inflection, punctuation inside skipped)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from unspin.learn.keys import analyses, lookup_keys
from unspin.learn.lexicon import LexiconEntry
from unspin.text import Token, TokenKind

#: punctuation that ends a run of words: a spun phrase never spans it
_BREAK = set('.!?;:"“”()[]{}…')
_OPENERS = set('.!?"“”‘\'(…:;')


@dataclass(frozen=True)
class LexiconMatch:
    """A span of tokens whose wording is the spun side of one or more entries."""

    first: int  # index of the first token in the sequence searched
    last: int  # index of the last token (inclusive)
    start: int  # character offsets
    end: int
    words: tuple[str, ...]  # the observed words, lower case
    pos: str  # how it matched: "-" (as written) or the part of speech of the lemmatised head
    tag: str  # Penn tag of the observed head ("" when matched as written)
    entries: tuple[LexiconEntry, ...]


class LexiconIndex:
    """Entries by their spun key; ``find`` lists every occurrence in a token sequence."""

    def __init__(self, entries: Iterable[LexiconEntry]) -> None:
        self.by_key: dict[tuple[str, str], list[LexiconEntry]] = {}
        self.max_words = 0
        self._starts: set[str] = set()
        for e in entries:
            self.by_key.setdefault((e.spun, e.pos), []).append(e)
            self.max_words = max(self.max_words, e.n_words)
            self._starts.add(e.spun.split(" ")[0])

    def __bool__(self) -> bool:
        return bool(self.by_key)

    def _may_start(self, word: str) -> bool:
        if word in self._starts:
            return True
        return any(lemma in self._starts for _, lemma, _ in analyses(word))

    def find(self, tokens: Sequence[Token], *, names: bool = False) -> list[LexiconMatch]:
        """Occurrences in ``tokens``, every length. Capitalised words inside a sentence (names)
        and acronyms are never part of a match unless ``names``."""
        out: list[LexiconMatch] = []
        if not self.by_key:
            return out
        # runs of word tokens between breaking punctuation
        runs: list[list[int]] = [[]]
        initial = True
        for i, t in enumerate(tokens):
            if t.kind is TokenKind.PUNCT:
                if t.text in _BREAK:
                    runs.append([])
                initial = initial or t.text in _OPENERS
                continue
            if t.kind is TokenKind.NUMBER or (not names and _is_name(t, initial)):
                runs.append([])
            else:
                runs[-1].append(i)
            initial = False
        for run in runs:
            for a in range(len(run)):
                if not self._may_start(tokens[run[a]].norm):
                    continue
                for n in range(1, min(self.max_words, len(run) - a) + 1):
                    idx = run[a : a + n]
                    words = tuple(tokens[i].norm for i in idx)
                    for key, pos, tag in lookup_keys(words):
                        found = self.by_key.get((key, pos))
                        if found:
                            out.append(LexiconMatch(idx[0], idx[-1], tokens[idx[0]].start, tokens[idx[-1]].end,
                                                    words, pos, tag, tuple(found)))
        return out


def _is_name(t: Token, initial: bool) -> bool:
    if t.text.isupper() and len(t.text) > 1:
        return True
    return t.text[:1].isupper() and not initial

"""Candidate originals for an observed word: the spinner's thesaurus, inverted.

A context-blind spinner turns an original word ``h`` into one of the entries
of ``h``'s thesaurus list. For an observed word ``w`` the candidates are
therefore the headwords whose list holds ``w`` (or ``w``'s lemma), each
re-inflected like ``w`` and carrying the channel probability
``P(w | h) = 1 / len(list(h))`` of a uniform pick from ``h``'s list.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from unspin.detect.stopwords import FUNCTION_WORDS
from unspin.lexicon.inflection import UPOS_TAGS
from unspin.lexicon.moby import Thesaurus


@dataclass(frozen=True, slots=True)
class Candidate:
    form: str  # the re-inflected original, lower case
    headword: str
    rank: int  # position of the observed word in the headword's list
    log_channel: float  # log10 P(observed | original)


class CandidateGenerator:
    def __init__(self, thesaurus: Thesaurus, max_candidates: int = 400) -> None:
        self.th = thesaurus
        self.max_candidates = max_candidates
        self.candidates = lru_cache(maxsize=200_000)(self._candidates)

    def _candidates(self, word: str) -> tuple[Candidate, ...]:
        th = self.th
        out: dict[str, Candidate] = {}
        for upos, lemma, tags in th.analyse(word):
            for key in dict.fromkeys((lemma, word)):
                for head, rank in th.inverse(key):
                    if head == lemma or head == word or " " in head or head in FUNCTION_WORDS:
                        continue
                    if not head.replace("-", "").replace("'", "").isalpha():
                        continue
                    size = th.list_size(head)
                    log_channel = -math.log10(max(size, 1))
                    if upos is None:
                        # a word we cannot analyse: propose the headwords as they are
                        forms = [head]
                    elif key == word and key != lemma:
                        # listed inflected already ("devastating" under "crippling")
                        if th.inflections.get(head) and not th.can_be(head, upos) and head not in th.inflections.get(head, {}).values():
                            continue
                        forms = [head]
                    else:
                        if upos in UPOS_TAGS and not th.can_be(head, upos):
                            continue
                        forms = [f for f in (th.inflect(head, t) for t in tags) if f]
                    for form in forms:
                        if form == word or form in FUNCTION_WORDS:
                            continue
                        prev = out.get(form)
                        if prev is None or prev.log_channel < log_channel:
                            out[form] = Candidate(form, head, rank, log_channel)
                    if len(out) >= self.max_candidates:
                        break
        return tuple(out.values())

"""Candidate originals for an observed word: the spinner's thesaurus, inverted.

A context-blind spinner turns an original word ``h`` into one of the entries
of ``h``'s thesaurus list. For an observed word ``w`` the candidates are
therefore the headwords whose list holds ``w`` (or ``w``'s lemma), each
re-inflected like ``w`` and carrying two channel probabilities:

* ``log_channel``: ``P(w | h) = 1 / len(list(h))``, a uniform pick from ``h``'s list
  (what the shipped confidence and restoration models were trained with);
* ``log_prior``: ``P(w | h)`` under the channel model of how spinners really pick
  (`unspin.detect.channel`: common, close-in-meaning, single-word synonyms), which the
  decoder uses to choose and rank the originals; equal to ``log_channel`` without one.

**Extra candidate sources** (the hook for learned spinner lexicons, issue 14):
``CandidateGenerator(..., sources=[...])`` or ``add_source(source)`` takes any callable
``source(observed) -> Iterable[(original, log10 P(observed | original), evidence)]``,
``observed`` being the normalised (lower-case) word as written. Its originals become
candidates like the thesaurus's, with ``log_channel = log_prior =`` the given probability,
``Candidate.source`` naming where they came from and ``Candidate.evidence`` the dict
returned; when the thesaurus proposes the same form too, the likelier of the two is kept.

**Function words as originals.** Function words are never candidates of their own (spinners leave
"the", "of", "can" alone, and Moby lists their unrelated senses: "can" → "bathroom"), but a few are
listed by the thesaurus as close synonyms of content words and real spinners replace them ("said" →
"mentioned", "also" → "likewise", "other" → "different"). With ``vectors`` given, a function-word
headword is a candidate original of a word its list holds when the two are close in meaning:
GloVe cosine of the headword and the observed word's lemma at least `FUNCTION_ORIGINAL_MIN_COSINE`
("say"/"mention" 0.66, "also"/"likewise" 0.76, "other"/"different" 0.89; "can"/"bathroom" 0.40).
Auxiliaries and modals (`AUXILIARIES`: "be", "have", "do", "will", "can", ...) never are: "came" -> "was",
"made" -> "had" were the junk this let in.

**The other direction of Moby** (``reverse=True``; off by default: measured, not adopted; needs ``vectors``). Moby is not symmetric,
and real spinners' thesauri are not Moby: for 3-4 % of real one-word swaps the original is not listed as
a headword over the spun word, but the spun word's *own* list holds it ("audited" for reviewed, "anonymous"
for unnamed, "initial" for opening; ``python -m devkit.coverage``, docs/real-spinners.md). The entries of
the observed word's own list (lemma looked up, re-inflected like the word) are candidates too when GloVe
puts them at cosine ≥ `REVERSE_MIN_COSINE` of the observed word, at the channel probability of a uniform
pick from the list that holds the pair (the observed word's lemma's) lowered by `REVERSE_PENALTY` (log10), ``source="moby-reverse"``; a form
the forward lists propose keeps its forward reading. With the shipped models (trained without these
candidates) it raised coverage of real one-word swaps by 3 points but not recall or restoration on real
or held-apart rows, cost 17 % of the throughput and added a false flag on the realdev genuine pages
(docs/real-spinners.md, "Why real originals are not candidates"): kept as an option for a retrain.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from unspin.lexicon.inflection import UPOS_TAGS
from unspin.lexicon.moby import Thesaurus
from unspin.lexicon.vectors import Vectors
from unspin.lexicon.wordnet import WordNet
from unspin.text.stopwords import FUNCTION_WORDS


@dataclass(frozen=True, slots=True)
class Candidate:
    form: str  # the re-inflected original, lower case
    headword: str
    rank: int  # position of the observed word in the headword's list (-1: not from a list)
    log_channel: float  # log10 P(observed | original) of a uniform pick
    #: log10 P(observed | original) under the channel model (NaN: same as ``log_channel``)
    log_prior: float = math.nan
    #: where the candidate came from: "moby", "wordnet" or an extra source's name
    source: str = "moby"
    evidence: Mapping[str, Any] | None = field(default=None, compare=False)

    @property
    def prior(self) -> float:
        """The decoder's log10 channel prior: the channel model's, else the uniform pick's."""
        return self.log_channel if math.isnan(self.log_prior) else self.log_prior


#: an extra source of candidate originals: observed word -> [(original, log10 P, evidence)]
CandidateSource = Callable[[str], Iterable[tuple[str, float, Mapping[str, Any]]]]


#: a function-word headword is a candidate original of a word its list holds from this GloVe cosine
#: (headword, lemma of the observed word) up: the close synonyms, not Moby's other senses
FUNCTION_ORIGINAL_MIN_COSINE = 0.6

#: auxiliaries and modals are never proposed as originals, however close GloVe puts them: Moby lists
#: "be", "have", "do" under many content verbs ("came" -> "was", "made" -> "had"), and a spinner that
#: left "was" alone everywhere else does not write "came" for it; the LM likes them everywhere
AUXILIARIES = frozenset("""be am is are was were been being have has had having do does did doing done
                         will would can could shall should may might must""".split())


#: an entry of the observed word's own Moby list is a candidate from this GloVe cosine to the observed word
#: (chosen on realdev site fold 0: it keeps 6 of the 7 reverse-only originals there and cuts the added
#: candidates about fivefold)
REVERSE_MIN_COSINE = 0.4
#: log10 penalty on a reverse candidate's channel probability: a spinner's list under the original is
#: likelier to hold the spun word than the spun word's list to hold the original
REVERSE_PENALTY = 1.0


def usable_headword(head: str) -> bool:
    """Can this thesaurus headword be proposed as an original: one content word (hyphens and
    apostrophes allowed), not a function word."""
    return not (" " in head or head in FUNCTION_WORDS or not head.replace("-", "").replace("'", "").isalpha())


def _inflected(head: str, table: dict[str, str] | None, tags: tuple[str, ...]) -> list[str]:
    """``head`` inflected for each Penn tag it has a form for (``Thesaurus.inflect`` for a
    single word, with the inflection table already looked up): a word without a table is
    its own adjective/adverb form."""
    if table is None:
        return [head for t in tags if t in ("JJ", "RB")]
    return [f for f in (table.get(t) for t in tags) if f]


class CandidateGenerator:
    def __init__(self, thesaurus: Thesaurus, max_candidates: int = 400, wordnet: WordNet | None = None,
                 wordnet_penalty: float = 0.5, channel: Any = None, sources: Sequence[CandidateSource] = (),
                 vectors: Vectors | None = None, auxiliary_originals: bool = False, reverse: bool = False) -> None:
        self.th = thesaurus
        #: GloVe vectors: with them, close function-word synonyms are candidates (module docstring)
        self.vectors = vectors
        self._function_pairs: dict[tuple[str, str], bool] = {}
        #: a `unspin.detect.channel.ChannelTable` (or None: the uniform pick is the prior too)
        self.channel = channel
        self.sources: list[CandidateSource] = list(sources)
        self.max_candidates = max_candidates
        #: optional second thesaurus: WordNet synonyms not in Moby's lists become candidates too,
        #: with the channel probability of a pick from the synonym's own synsets, lowered by
        #: ``wordnet_penalty`` (log10) because most spinners draw from Moby-like lists
        self.wordnet = wordnet
        self.wordnet_penalty = wordnet_penalty
        #: propose auxiliaries and modals (`AUXILIARIES`) as function-word originals too: off at run time;
        #: on only where ``training/train_detect.py`` builds the word model's examples, which it learnt to
        #: discount as easy negatives (the shipped word model was fitted so; see docs/detection.md)
        self.auxiliary_originals = auxiliary_originals
        #: propose the entries of the observed word's own Moby list too (module docstring; needs vectors;
        #: off at run time: measured, not adopted)
        self.reverse = reverse
        self.candidates = lru_cache(maxsize=200_000)(self._candidates)
        self._heads: dict[str, tuple[bool, float, dict[str, str] | None, bool]] = {}
        self._can: dict[tuple[str, str], bool] = {}

    def _head(self, head: str) -> tuple[bool, float, dict[str, str] | None, bool]:
        """What the candidate filter needs of a headword, computed once per headword:
        usable as a single content word, log channel, inflection table, lists its own forms."""
        info = self._heads.get(head)
        if info is None:
            th = self.th
            table = th.inflections.get(head)
            info = (usable_headword(head), -math.log10(max(th.list_size(head), 1)), table, table is not None and head in table.values())
            self._heads[head] = info
        return info

    def derived(self, channel: Any = None, sources: Sequence[CandidateSource] | None = None) -> CandidateGenerator:
        """A new generator with this one's thesauri, vectors and settings, and ``channel`` / ``sources``
        in place of its own where given (its own memos start empty)."""
        return CandidateGenerator(self.th, max_candidates=self.max_candidates, wordnet=self.wordnet,
                                  wordnet_penalty=self.wordnet_penalty,
                                  channel=self.channel if channel is None else channel,
                                  sources=self.sources if sources is None else sources, vectors=self.vectors,
                                  auxiliary_originals=self.auxiliary_originals, reverse=self.reverse)

    def add_source(self, source: CandidateSource) -> None:
        """Add an extra candidate source (see the module docstring); clears the memo."""
        self.sources.append(source)
        self.candidates.cache_clear()

    def _can_be(self, head: str, upos: str) -> bool:
        key = (head, upos)
        got = self._can.get(key)
        if got is None:
            got = self._can[key] = self.th.can_be(head, upos)
        return got

    def _candidates(self, word: str) -> tuple[Candidate, ...]:
        th = self.th
        out: dict[str, Candidate] = {}
        for upos, lemma, tags in th.analyse(word):
            for key in dict.fromkeys((lemma, word)):
                for head, rank in th.inverse(key):
                    if head == lemma or head == word:
                        continue
                    ok, log_channel, table, lists_own_form = self._head(head)
                    function = False
                    if not ok:
                        if not (head in FUNCTION_WORDS and self.function_original(head, lemma)):
                            continue
                        function = True
                    if upos is None:
                        # a word we cannot analyse: propose the headwords as they are
                        forms = [head]
                    elif key == word and key != lemma:
                        # listed inflected already ("devastating" under "crippling")
                        if table and not self._can_be(head, upos) and not lists_own_form:
                            continue
                        forms = [head]
                    else:
                        if upos in UPOS_TAGS and not self._can_be(head, upos):
                            continue
                        forms = _inflected(head, table, tags)
                    log_prior = self.channel.log_prob(head, rank) if self.channel is not None else math.nan
                    for form in forms:
                        if form == word or (form in FUNCTION_WORDS and not function):
                            continue
                        prev = out.get(form)
                        if prev is None or _better(log_channel, log_prior, prev):
                            out[form] = Candidate(form, head, rank, log_channel, log_prior)
                    if len(out) >= self.max_candidates:
                        break
            if self.reverse and self.vectors is not None and upos in UPOS_TAGS:
                self._add_reverse(out, word, upos, lemma, tags)
            if self.wordnet is not None and upos in UPOS_TAGS:
                self._add_wordnet(out, word, upos, lemma, tags)
        for source in self.sources:
            name = getattr(source, "name", None) or getattr(source, "__name__", None) or type(source).__name__
            for original, log_p, evidence in source(word):
                form = original.lower()
                if form == word:
                    continue
                prev = out.get(form)
                if prev is None or prev.prior < log_p:
                    out[form] = Candidate(form, form, -1, float(log_p), float(log_p), str(name), dict(evidence))
        return tuple(out.values())

    def function_original(self, head: str, lemma: str) -> bool:
        """May function word ``head`` be proposed as the original of a word with this lemma (a close
        synonym by GloVe, see the module docstring)? False without vectors; memoised."""
        if self.vectors is None or not head.isalpha() or (head in AUXILIARIES and not self.auxiliary_originals):
            return False
        key = (head, lemma)
        got = self._function_pairs.get(key)
        if got is None:
            a, b = self.vectors.get(head), self.vectors.get(lemma)
            got = a is not None and b is not None and float(a @ b) >= FUNCTION_ORIGINAL_MIN_COSINE
            self._function_pairs[key] = got
        return got

    def _add_reverse(self, out: dict[str, Candidate], word: str, upos: str, lemma: str, tags: tuple[str, ...]) -> None:
        """The entries of the observed word's own Moby list, close to it by GloVe (module docstring)."""
        assert self.vectors is not None
        v = self.vectors.get(word)
        if v is None or lemma in FUNCTION_WORDS:
            return
        th = self.th
        # a uniform pick from the list that holds the pair, the observed word's own (the entry may have none)
        log_channel = -math.log10(max(th.list_size(lemma), 1)) - REVERSE_PENALTY
        for entry in th.synonyms(lemma):
            if entry in out or entry == lemma:
                continue
            ok, _log_channel, table, _own = self._head(entry)
            if not ok or not self._can_be(entry, upos):
                continue
            log_prior = self.channel.log_prob_pair(entry, lemma) - REVERSE_PENALTY if self.channel is not None else math.nan
            for form in _inflected(entry, table, tags):
                if form == word or form in out or form in FUNCTION_WORDS:
                    continue
                u = self.vectors.get(form)
                if u is None or float(u @ v) < REVERSE_MIN_COSINE:
                    continue
                out[form] = Candidate(form, entry, -1, log_channel, log_prior, "moby-reverse")

    def _add_wordnet(self, out: dict[str, Candidate], word: str, upos: str, lemma: str, tags: tuple[str, ...]) -> None:
        wn = self.wordnet
        assert wn is not None
        for head in wn.synonyms(lemma, upos):
            if not head.isalpha() or not usable_headword(head):
                continue
            log_channel = -math.log10(max(len(wn.synonyms(head, upos)), 1)) - self.wordnet_penalty
            log_prior = self.channel.log_prob_pair(head, lemma) if self.channel is not None else math.nan
            for form in _inflected(head, self.th.inflections.get(head), tags):
                if form != word and form not in FUNCTION_WORDS and form not in out:
                    out[form] = Candidate(form, head, 0, log_channel, log_prior, "wordnet")


def _better(log_channel: float, log_prior: float, prev: Candidate) -> bool:
    """Is a new reading of the same form likelier than ``prev`` (by the prior the decoder uses)?"""
    if math.isnan(log_prior):
        return prev.log_channel < log_channel
    return prev.prior < log_prior

"""Tortured phrases without a catalogue: a known multi-word term with its words swapped.

A tortured phrase is what a synonym spinner makes of a fixed term: "counterfeit
consciousness" (artificial intelligence), "profound learning" (deep learning), "bosom
malignant growth" (breast cancer), "flag to commotion proportion" (signal to noise ratio).
The catalogue (`unspin.detect.catalogue`) flags the ones somebody listed; this module flags
the others, from what makes them tortured:

1. **a known term behind it**: the shipped term list (``unspin/data/terms.tsv.gz``, built by
   ``training/train_terms.py`` from WordNet's and Moby's multi-word entries and the frequent
   bigram counts of symspellpy and wordsegment), each term with its frequency (Zipf) and how
   strongly its words stick together (PMI);
2. **every changed word a thesaurus swap**: each word (or run of up to three words) of the
   window is the term's word itself or a synonym the spinner could have picked for it — the
   term word is a Moby headword whose list holds it (the inverse thesaurus,
   `unspin.lexicon.moby.Thesaurus.inverse`), a word of its own Moby list (Moby is not
   symmetric) or a WordNet synonym, weighed by the channel model of how spinners pick
   (`unspin.detect.channel`); at least one word changed,
   function words of the term ("signal *to* noise ratio") kept as they are;
3. **a rare window for a common term**: the window is not itself a known term, its own words do
   not stick together under the trigram LM (``window_pmi``), and in its sentence the LM prefers
   the term to the window by ``margin`` (log10).

Only lookups run per document: the term words' inverse-thesaurus entries come from the
compiled Moby arrays through a mask of term words, WordNet synonyms are memoised, and the LM
scores only the few windows that match a term.

`TorturedFlagger` is the pipeline's `Flagger` (kind ``tortured``; `unspin.detect.pipeline`
runs it by default, `unspin.settings.TORTURED_PHRASES`): the flag's suggestion is the term,
case-matched and inflected like the window, and its evidence names the term and each swap.
"""

from __future__ import annotations

import gzip
import json
import math
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np

from unspin.errors import ResourceError
from unspin.model import Flag
from unspin.settings import TORTURED as SETTINGS
from unspin.text import Token, TokenKind
from unspin.text.stopwords import FUNCTION_WORDS

if TYPE_CHECKING:
    from unspin.detect.prepared import PreparedDocument
    from unspin.lexicon.moby import Thesaurus
    from unspin.lexicon.wordnet import WordNet
    from unspin.lm import LanguageModel

TERMS_FILE = "terms.tsv.gz"
#: longest run of observed words that may stand for one word of a term ("malignant growth")
MAX_SPAN = 3
#: longest tortured phrase looked for, in words
MAX_WINDOW = 6
OOV_PENALTY = -7.0
_WN_POS = ("NOUN", "ADJ", "VERB", "ADV")


#: what the acceptance model (`unspin.settings.TorturedSettings.weights`) weighs, in order
FEATURES = ("score", "margin", "channel", "window_pmi", "term_zipf", "term_pmi", "swaps", "words",
            "coherence_gap", "dictionary", "technical", "zipf_drop")


@dataclass(frozen=True, slots=True)
class Term:
    text: str  # as written in the list ("signal-to-noise ratio")
    words: tuple[str, ...]  # hyphens split ("signal", "to", "noise", "ratio")
    zipf: float
    pmi: float
    #: where the list found it (training/train_terms.py): w WordNet, m Moby, v V.E.R.A., f FOLDOC,
    #: o OpenCS (research topics), s symspellpy bigrams, g wordsegment bigrams
    sources: str = ""

    @property
    def dictionary(self) -> bool:
        """An entry of a dictionary or thesaurus, not only a frequent word pair."""
        return any(c in "wmvfo" for c in self.sources)

    @property
    def technical(self) -> bool:
        """An entry of a technical dictionary (V.E.R.A.'s acronyms, FOLDOC; not OpenCS: see docs/tortured.md)."""
        return any(c in "vf" for c in self.sources)


@dataclass(frozen=True)
class TermList:
    terms: tuple[Term, ...]
    #: first word -> indices of the terms starting with it
    by_first: dict[str, tuple[int, ...]]
    #: every content word of every term
    vocab: frozenset[str]
    #: the terms by their words, to tell whether a window is itself a known term
    by_words: dict[tuple[str, ...], int]
    #: first word -> second word -> indices of the terms starting with those two
    by_pair: dict[str, dict[str, tuple[int, ...]]] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> TermList:
        meta: dict[str, Any] = {}
        terms = []
        for line in text.splitlines():
            if line.startswith("#"):
                meta = json.loads(line[1:])
                continue
            parts = line.split("\t")
            if len(parts) < 3:
                continue
            words = tuple(w for w in parts[0].replace("-", " ").split() if w)
            terms.append(Term(parts[0], words, float(parts[1]), float(parts[2]), parts[3] if len(parts) > 3 else ""))
        by_first: dict[str, list[int]] = {}
        for i, t in enumerate(terms):
            by_first.setdefault(t.words[0], []).append(i)
        vocab = frozenset(w for t in terms for w in t.words if w not in FUNCTION_WORDS)
        by_pair: dict[str, dict[str, list[int]]] = {}
        for i, t in enumerate(terms):
            by_pair.setdefault(t.words[0], {}).setdefault(t.words[1], []).append(i)
        return cls(tuple(terms), {k: tuple(v) for k, v in by_first.items()}, vocab,
                   {t.words: i for i, t in enumerate(terms)},
                   {k: {w: tuple(v) for w, v in d.items()} for k, d in by_pair.items()}, meta)


_LOCK = threading.Lock()
_TERMS: TermList | None = None


def load_terms() -> TermList:
    """The shipped term list (read once per process)."""
    global _TERMS
    with _LOCK:
        if _TERMS is None:
            try:
                raw = resources.files("unspin.data").joinpath(TERMS_FILE).read_bytes()
            except FileNotFoundError as exc:
                raise ResourceError(f"the term list unspin/data/{TERMS_FILE} is missing: "
                                    "rebuild it with python -m training.train_terms") from exc
            _TERMS = TermList.parse(gzip.decompress(raw).decode("utf-8"))
        return _TERMS


@dataclass(frozen=True)
class TorturedMatch:
    """A window of the text that reads as a spin of ``term``."""

    start: int  # character offsets of what the flag covers: the first to the last swapped word
    end: int
    first_token: int  # token indices of the same, end exclusive
    last_token: int
    window_start: int  # character offsets of the whole window read as the term
    window_end: int
    term: Term
    #: (observed, term word) for every word of the term, in order
    parts: tuple[tuple[str, str], ...]
    swaps: int
    margin: float  # log10 P(term in context) - log10 P(window in context)
    channel: float  # log10 P(window | term): the spinner's picks, summed over the swapped words
    window_pmi: float  # how much the window's own words stick together (LM, log10)
    #: the window is itself a term of the list, or the LM cannot read it (a word it does not know)
    window_known: bool
    #: coherence of the term's parts minus the window's (GloVe cosine of neighbouring parts)
    coherence_gap: float
    suggestion: str
    #: how much rarer the spinner's words are than the term's (wordfreq Zipf of the term word minus
    #: the observed word's, averaged over the swaps): spinners reach for the less common synonym
    zipf_drop: float = 0.0

    @property
    def score(self) -> float:
        """log10 odds that the window is the term spun, against the window as written:
        the LM's preference for the term plus the channel probability of the picks."""
        return self.margin + self.channel

    @property
    def features(self) -> dict[str, float]:
        return {"score": self.score, "channel": self.channel, "margin": self.margin, "window_pmi": self.window_pmi, "term_zipf": self.term.zipf,
                "term_pmi": self.term.pmi, "swaps": float(self.swaps), "words": float(len(self.term.words)),
                "coherence_gap": self.coherence_gap, "dictionary": float(self.term.dictionary),
                "technical": float(self.term.technical), "zipf_drop": self.zipf_drop}

    def logit(self, settings: Any = None) -> float:
        """The acceptance model's log odds that the window is the term spun (`FEATURES` weighed by
        `unspin.settings.TorturedSettings.weights`, fitted by ``python -m bench.tortured --fit``)."""
        s = settings or SETTINGS
        f = self.features
        return s.bias + sum(w * f[k] for k, w in zip(FEATURES, s.weights))


class TorturedPhrases:
    """Finds tortured phrases in token runs (see the module docstring)."""

    def __init__(self, terms: TermList, thesaurus: Thesaurus, lm: LanguageModel,
                 wordnet: WordNet | None = None, channel: Any = None, vectors: Any = None) -> None:
        self.terms = terms
        #: `unspin.lexicon.vectors.Vectors` for the coherence of a window (None: not measured)
        self.vectors = vectors
        #: a `unspin.detect.channel.ChannelTable` (None: a uniform pick from the list)
        self.channel = channel
        self.th = thesaurus
        self.lm = lm
        self.wordnet = wordnet
        # the thesaurus entries that can give a term word: the term words and their lemmas (a swap
        # of the lemma is inflected like the observed word: "necessities" -> "necessity" ->
        # "requirement" -> "requirements")
        mask = np.zeros(len(thesaurus.terms), dtype=bool)
        for w in terms.vocab:
            for key in {w, *(lemma for _u, lemma, _t in thesaurus.analyse(w))}:
                i = thesaurus.term_id.get(key)
                if i is not None:
                    mask[i] = True
        self._mask = mask
        self.originals = lru_cache(maxsize=100_000)(self._originals)
        self.paired_originals = lru_cache(maxsize=100_000)(self._paired_originals)
        self.is_swap = lru_cache(maxsize=200_000)(self._is_swap)
        self.lemmas = lru_cache(maxsize=100_000)(self._lemmas)
        self._window_lp: dict[tuple[tuple[str, ...], ...], float] = {}

    # -- what a run of observed words can stand for -------------------------------------
    def _lemmas(self, text: str) -> tuple[str, ...]:
        if " " in text:
            return (text,)
        return tuple(dict.fromkeys([text, *(lemma for _u, lemma, _t in self.th.analyse(text))]))

    def _readings(self, text: str) -> list[tuple[str, tuple[str, ...]]]:
        """``text`` and its lemmas, each with the Penn tags that inflect it back to ``text`` (for a run
        of words, of its first word: "getting to know" -> "get to know", VBG)."""
        first, _sp, rest = text.partition(" ")
        out: list[tuple[str, tuple[str, ...]]] = [(text, ())]
        for _u, lemma, tags in self.th.analyse(first):
            if lemma != first and tags:
                out.append((f"{lemma} {rest}" if rest else lemma, tags))
        return out

    def _originals(self, text: str) -> dict[str, float]:
        """Term words that ``text`` (lower case, one to three words) can stand for, each with
        log10 P(``text`` | the term word): 0 for the word itself, the channel probability
        (`unspin.detect.channel`; a uniform pick from the list without one) for a swap. A swap found
        for the observed word's lemma is inflected like the observed word ("handling" -> "handle"
        -> "process" -> "processing"), besides the swap itself."""
        th = self.th
        vocab = self.terms.vocab
        out: dict[str, float] = {}

        def forms(word: str, tags: tuple[str, ...]) -> list[str]:
            # the head itself (the term "neural network" read from "neural organizations") and the
            # head inflected like the observed word (the term "energy requirements" from "necessities"),
            # those that are term words
            got = [word, *(f for f in (th.inflect(word, t) for t in tags) if f and f != word)] if tags else [word]
            return [f for f in got if f in vocab]

        def keep(words: list[str], lp: float) -> None:
            for form in words:
                if lp > out.get(form, -math.inf):
                    out[form] = lp

        readings = self._readings(text)
        for key, tags in readings:
            i = th.term_id.get(key)
            if i is None:
                continue
            a, b = th.inv_indptr[i], th.inv_indptr[i + 1]
            ids = th.inv_ids[a:b]
            sel = self._mask[ids]
            for h, r in zip(ids[sel], th.inv_rank[a:b][sel]):
                head = th.terms[h]
                got = forms(head, tags)
                if got:
                    keep(got, self._channel_rank(head, int(r)))
            # and the other way round: a term word listed under the observed word (Moby's lists
            # are not symmetric, a spinner's thesaurus may be: "breeze" lists "wind")
            a, b = th.fwd_indptr[i], th.fwd_indptr[i + 1]
            ids = th.fwd_ids[a:b]
            for h in ids[self._mask[ids]]:
                head = th.terms[h]
                got = forms(head, tags) if head not in out else []
                if got:
                    keep(got, self._channel_pair(head, key, None))
        if self.wordnet is not None:
            for key, tags in readings:
                if " " in key:
                    continue
                for pos in _WN_POS:
                    for syn in self.wordnet.synonyms(key, pos):
                        if " " in syn or syn in out:
                            continue
                        got = forms(syn, tags)
                        if got:
                            keep(got, self._channel_pair(syn, key, pos))
        if " " in text:
            # "managing director" is not a swap for "director": a run holding the term word is that word, qualified
            for w in text.split(" "):
                out.pop(w, None)
        for key in self.lemmas(text):
            for same in {key, *spelling_variants(key)}:
                if same in vocab or same in FUNCTION_WORDS:
                    out[same] = 0.0
        return out

    def _paired_originals(self, text: str) -> tuple[tuple[str, float, dict[str, tuple[int, ...]]], ...]:
        """The `originals` of ``text`` that begin a term, each with the term's second words
        (``terms.by_pair``): what a window's first part can stand for."""
        by_pair = self.terms.by_pair
        return tuple((w0, lp0, sub) for w0, lp0 in self.originals(text).items() if (sub := by_pair.get(w0)))

    def _is_swap(self, observed: str, term_word: str) -> bool:
        """Is ``observed`` a synonym put for ``term_word`` (not the word itself, an inflection of
        it or its other spelling: "programmes" for "program" is no swap)?"""
        if observed == term_word:
            return False
        return not any(term_word == k or term_word in spelling_variants(k) for k in self.lemmas(observed))

    def _channel_rank(self, head: str, rank: int) -> float:
        if self.channel is not None:
            return self.channel.log_prob(head, rank)
        return -math.log10(max(self.th.list_size(head), 1))

    def _channel_pair(self, head: str, spun: str, pos: str | None) -> float:
        """log10 P(``spun`` | ``head``) for a pick outside ``head``'s Moby list (a WordNet synonym,
        or a word whose own list holds ``head``)."""
        if self.channel is not None:
            return self.channel.log_prob_pair(head, spun)
        if pos is None or self.wordnet is None:
            return -math.log10(max(self.th.list_size(spun), 1)) - 0.5
        return -math.log10(max(len(self.wordnet.synonyms(head, pos)), 1)) - 0.5

    # -- matching -------------------------------------------------------------------------
    def matches(self, tokens: Sequence[Token], first: int = 0, last: int | None = None,
                min_score: float | None = None) -> list[TorturedMatch]:
        """Every candidate tortured phrase in ``tokens[first:last]`` (one sentence), scored; with
        ``min_score``, only those scoring at least that (the rest are not fully scored: faster)."""
        last = len(tokens) if last is None else last
        found: list[TorturedMatch] = []
        for run in _runs(tokens, first, last):
            norms = [tokens[k].norm for k in run]
            for i in range(len(run)):
                if norms[i] in FUNCTION_WORDS:
                    continue
                for n1 in range(1, MAX_SPAN + 1):
                    if i + n1 >= len(run):
                        break
                    span1 = " ".join(norms[i : i + n1])
                    head = self.paired_originals(span1)
                    if not head:
                        continue
                    pos = i + n1
                    for n2 in range(1, MAX_SPAN + 1):
                        if pos + n2 > len(run) or (n2 > 1 and norms[pos] in FUNCTION_WORDS):
                            break
                        span2 = " ".join(norms[pos : pos + n2])
                        second = {span2: 0.0} if norms[pos] in FUNCTION_WORDS else self.originals(span2)
                        for w0, lp0, sub in head:
                            # the term second words the second part can stand for, in a fixed order
                            both = [w for w in sub if w in second] if len(sub) <= len(second) else [w for w in second if w in sub]
                            for w1 in both:
                                lp = lp0 + second[w1]
                                for ti in sub[w1]:
                                    term = self.terms.terms[ti]
                                    for end, parts, channel in self._rest(norms, pos + n2, term.words, 2):
                                        if end - i > MAX_WINDOW:
                                            continue
                                        parts = ((span1, w0), (span2, w1), *parts)
                                        swaps = sum(self.is_swap(o, t) for o, t in parts)
                                        if swaps:
                                            m = self._score(tokens, run, norms, i, end, term, parts, channel + lp, swaps, min_score)
                                            if m is not None:
                                                found.append(m)
        return found

    def _rest(self, norms: list[str], pos: int, words: tuple[str, ...], k: int
              ) -> Iterator[tuple[int, tuple[tuple[str, str], ...], float]]:
        """Ways to read ``words[k:]`` from ``norms[pos:]``: (end, parts, log10 channel probability)."""
        if k == len(words):
            yield pos, (), 0
            return
        w = words[k]
        if w in FUNCTION_WORDS:
            if pos < len(norms) and norms[pos] == w:
                for end, parts, channel in self._rest(norms, pos + 1, words, k + 1):
                    yield end, ((w, w), *parts), channel
            return
        for n in range(1, MAX_SPAN + 1):
            if pos + n > len(norms) or norms[pos] in FUNCTION_WORDS and n == 1:
                break
            text = " ".join(norms[pos : pos + n])
            lp = self.originals(text).get(w)
            if lp is None:
                continue
            for end, parts, channel in self._rest(norms, pos + n, words, k + 1):
                yield end, ((text, w), *parts), channel + lp

    def _score(self, tokens: Sequence[Token], run: list[int], norms: list[str], i: int, end: int, term: Term,
               parts: tuple[tuple[str, str], ...], channel: float, swaps: int,
               min_score: float | None = None) -> TorturedMatch | None:
        left = norms[max(0, i - 2) : i]
        right = norms[end : end + 2]
        window_words = tuple(w for p in norms[i:end] for w in p.replace("-", " ").split())
        # the window as the LM reads it: the term's own word where the window only inflects or
        # respells it, so the margin weighs the swaps alone ("aid programmes": only "aid")
        as_read = [w for o, t in parts for w in (o.replace("-", " ").split() if self.is_swap(o, t) else t.replace("-", " ").split())]
        key = (tuple(as_read), tuple(left), tuple(right))
        observed_lp = self._window_lp.get(key)
        if observed_lp is None:
            if len(self._window_lp) > 50_000:
                self._window_lp.clear()
            observed_lp = self._window_lp[key] = self._logprob([*as_read, *right], left)
        margin = self._logprob([*term.words, *right], left) - observed_lp
        if min_score is not None and margin + channel < min_score:
            return None
        # the flag covers what the spinner changed: from the first swapped part to the last
        # ("profound learning": "profound" -> "deep", the term "deep learning" in the evidence)
        sizes = [len(o.split(" ")) for o, _t in parts]
        offsets = [sum(sizes[:k]) for k in range(len(parts))]
        swapped = [k for k, (o, t) in enumerate(parts) if self.is_swap(o, t)]
        fs, ls = swapped[0], swapped[-1]
        a, b = run[i + offsets[fs]], run[i + offsets[ls] + sizes[ls] - 1]
        observed = [tokens[k] for k in range(a, b + 1) if tokens[k].kind is TokenKind.WORD]
        whole = fs == 0 and ls == len(parts) - 1
        text = term.text if whole else " ".join(t for _o, t in parts[fs : ls + 1])
        return TorturedMatch(
            start=tokens[a].start, end=tokens[b].end, first_token=a, last_token=b + 1,
            window_start=tokens[run[i]].start, window_end=tokens[run[end - 1]].end,
            term=term, parts=parts, swaps=swaps, margin=margin, channel=channel,
            window_pmi=self._pmi([p.replace("-", " ").split() for p, _t in parts]),
            window_known=window_words in self.terms.by_words or not all(self.lm.in_vocab(w) for w in as_read),
            coherence_gap=self._coherence([t.replace("-", " ").split() for _o, t in parts])
            - self._coherence([o.replace("-", " ").split() for o, _t in parts]),
            suggestion=self._suggestion(text, term.words[-1] if ls == len(parts) - 1 else None, observed),
            zipf_drop=sum(_zipf(t) - _zipf(o) for o, t in parts if self.is_swap(o, t)) / swaps)

    def _coherence(self, parts: Sequence[Sequence[str]]) -> float:
        """Mean GloVe cosine of neighbouring content parts (a part's vector: the mean of its
        words'); a term's parts belong together, a tortured window's often do not."""
        if self.vectors is None:
            return 0.0
        vecs = []
        for p in parts:
            got = [v for v in (self.vectors.get(w) for w in p if w not in FUNCTION_WORDS) if v is not None]
            if got:
                vecs.append(np.mean(got, axis=0))
        if len(vecs) < 2:
            return 0.0
        cos = [float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b) or 1.0)) for a, b in zip(vecs, vecs[1:])]
        return sum(cos) / len(cos)

    def _logprob(self, words: Sequence[str], left: Sequence[str]) -> float:
        hist = list(left)
        total = 0.0
        for w in words:
            lp = self.lm.logprob(w, hist)
            if lp is None:
                total += OOV_PENALTY
                hist = []
            else:
                total += lp
                hist = (hist + [w])[-2:]
        return total

    def _pmi(self, parts: Sequence[Sequence[str]]) -> float:
        """How much the window's parts stick together: the sum, over each part after the first,
        of log10 P(its first word | the two words before) - log10 P(its first word) (the words
        inside one part, "malignant growth", are one swap and not counted; OOV words add 0)."""
        words = [w for p in parts for w in p]
        total = 0.0
        k = 0
        for p in parts:
            if k:
                cond = self.lm.logprob(words[k], words[max(0, k - 2) : k])
                uni = self.lm.logprob(words[k])
                if cond is not None and uni is not None:
                    total += cond - uni
            k += len(p)
        return total

    def _suggestion(self, text: str, head: str | None, observed: Sequence[Token]) -> str:
        """``text`` (the term, or its words for the flagged part) as the window would have had it:
        with the term's last word ``head`` plural when the window ends in a plural, capitalised
        like the window's first word."""
        last = observed[-1].norm
        tags = {t for _u, _l, tags in self.th.analyse(last) for t in tags}
        if head is not None and "NNS" in tags and "NN" not in tags:
            plural = self.th.inflect(head, "NNS")
            if plural and text.endswith(head):
                text = text[: len(text) - len(head)] + plural
        first = observed[0].text
        if first.isupper() and len(first) > 1 and all(t.text.isupper() for t in observed):
            return text.upper()
        if first[:1].isupper():
            return text[:1].upper() + text[1:]
        return text

    # -- flags ----------------------------------------------------------------------------
    @staticmethod
    def accept(m: TorturedMatch, settings: Any = None) -> bool:
        """Flag the match? The window is not itself a known term, the LM knows its words, it scores
        at least ``min_score`` and the acceptance model's log odds reach ``min_logit``."""
        s = settings or SETTINGS
        return not m.window_known and m.score >= s.min_score and m.logit(s) >= s.min_logit

    @staticmethod
    def confidence(m: TorturedMatch) -> float:
        """logistic(the acceptance model's log odds); the model was fitted on balanced classes, so
        this ranks flags rather than gives their precision (bench/results/tortured.md has that)."""
        z = m.logit()
        return round(1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z)))), 4)

    def find(self, tokens: Sequence[Token], sentences: Sequence[Any] | None = None) -> list[TorturedMatch]:
        """The accepted matches of a document, best first where they overlap, without overlaps."""
        spans = [(s.first_token, s.last_token) for s in sentences] if sentences else [(0, len(tokens))]
        kept: list[TorturedMatch] = []
        for a, b in spans:
            cands = [m for m in self.matches(tokens, a, b, SETTINGS.min_score) if self.accept(m)]
            cands.sort(key=lambda m: (-m.score, m.start))
            for m in cands:
                if not any(m.window_start < k.window_end and k.window_start < m.window_end for k in kept):
                    kept.append(m)
        return sorted(kept, key=lambda m: m.start)

    def flag(self, m: TorturedMatch, text: str) -> Flag:
        return Flag(start=m.start, end=m.end, text=text[m.start : m.end], suggestion=m.suggestion,
                    confidence=self.confidence(m), kind="tortured",
                    evidence={"term": m.term.text, "swaps": [[o, t] for o, t in m.parts if o != t],
                              "score_log10": round(m.score, 3), "margin_log10": round(m.margin, 3),
                              "channel_log10": round(m.channel, 3), "window_pmi": round(m.window_pmi, 3),
                              "term_zipf": m.term.zipf, "term_sources": m.term.sources, "logit": round(m.logit(), 3)})


@lru_cache(maxsize=200_000)
def _zipf(text: str) -> float:
    """wordfreq's Zipf of a word, or the mean of a run's content words ("malignant growth")."""
    from unspin.lexicon.freq import zipf

    words = [w for w in text.replace("-", " ").split() if w not in FUNCTION_WORDS] or text.split()
    return sum(zipf(w) for w in words) / len(words)


def spelling_variants(word: str) -> tuple[str, ...]:
    """The American spellings of a British one and back (-ise/-ize, -isation/-ization, -our/-or,
    -re/-er, -mme/-m, -ll-/-l-): a spinner's swap is a synonym, never a spelling."""
    out = []
    for a, b in (("is", "iz"), ("isation", "ization"), ("our", "or"), ("tre", "ter"), ("mme", "m"), ("lled", "led"),
                 ("lling", "ling"), ("ogue", "og"), ("yse", "yze"), ("ence", "ense")):
        for x, y in ((a, b), (b, a)):
            if x in word:
                out.append(word.replace(x, y))
    return tuple(out)


def _runs(tokens: Sequence[Token], first: int, last: int) -> Iterator[list[int]]:
    """Runs of word tokens in ``tokens[first:last]`` not broken by punctuation or numbers."""
    run: list[int] = []
    for k in range(first, last):
        if tokens[k].kind is TokenKind.WORD:
            run.append(k)
        elif run:
            yield run
            run = []
    if run:
        yield run


class TorturedFlagger:
    """The pipeline's `Flagger` for tortured phrases (kind ``tortured``); built once per detector."""

    kind = "tortured"

    def __init__(self, finder: TorturedPhrases | None = None) -> None:
        self._finder = finder

    def finder(self, detector: Any) -> TorturedPhrases:
        if self._finder is None:
            self._finder = for_detector(detector)
        return self._finder

    def flags(self, prepared: PreparedDocument, detector: Any) -> list[Flag]:
        finder = self.finder(detector)
        return [finder.flag(m, prepared.text) for m in finder.find(prepared.tokens, prepared.sentences)]


_FINDERS: dict[int, TorturedPhrases] = {}


def for_detector(detector: Any) -> TorturedPhrases:
    """The finder sharing ``detector``'s thesaurus and LM (one per detector, built on first use)."""
    with _LOCK:
        got = _FINDERS.get(id(detector))
    if got is None:
        from unspin.lexicon.wordnet import load_wordnet

        got = TorturedPhrases(load_terms(), detector.th, detector.lm, load_wordnet(),
                              getattr(getattr(detector, "gen", None), "channel", None), getattr(detector, "vectors", None))
        with _LOCK:
            if len(_FINDERS) > 8:
                _FINDERS.clear()
            _FINDERS[id(detector)] = got
    return got

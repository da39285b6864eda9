"""The channel model: how a spinner picks the word ``s`` it writes for an original ``o``.

A context-blind spinner looks ``o`` up in its thesaurus and writes one entry
``s`` of the list. The old detector assumed a uniform pick, ``P(s | o) =
1 / len(list(o))``; real spinners do not pick uniformly. Fitted on the real
spinner of ``../shared/seed`` they prefer entries that are common and close in
meaning, and avoid multi-word entries. This module models the pick as a
log-linear (softmax) choice over the *candidate set* of ``o``::

    P(s | o) = exp(w · f(o, s)) / Σ_{s' ∈ C(o)} exp(w · f(o, s'))

with features ``f`` (`FEATURES`) of the pair:

``zipf``        word frequency of ``s`` (wordfreq's Zipf scale; phrases too)
``cos``         GloVe cosine between ``o`` and ``s`` (mean vector for a phrase)
``no_vec``      1 when either has no vector (then ``cos`` is 0)
``rank``        position of ``s`` in ``o``'s Moby list over the list length (1 when unlisted)
``front``       1 when ``s`` is one of the first five entries of ``o``'s Moby list
``multi``       ``s`` has more than one word
``in_moby``     Moby lists ``s`` under ``o``
``in_wordnet``  WordNet puts ``s`` in a synset of ``o`` (any part of speech)
``pos_agree``   ``s`` can be used as a part of speech ``o`` can be
``same_lemma``  ``s`` and ``o`` share a lemma (an inflection, not a synonym: the identity guard)
``mutual``      Moby also lists ``o`` under ``s`` (a two-way synonym is a close one)

The default candidate set `candidate_set` is ``o``'s Moby list plus the WordNet
synonyms Moby does not list. `ChannelModel.log_prob` normalises over any
candidate list a caller gives (the spinner-lexicon learner of issue 14 passes
its own); `ChannelTable` normalises over `candidate_set` for every Moby
headword at once (vectorised, cached on disk per model), which is what the
decoder's candidate prior reads. Probabilities are returned as log10, like
every other score in ``unspin.detect``.

`fit_channel` fits the weights by maximum likelihood with an L2 penalty
(Newton's method on the convex softmax likelihood; 10,000 examples in seconds),
`load_channel_model` reads the shipped default ``unspin/data/channel_model.json``
(``training/train_channel.py`` rebuilds it and says what it was fitted on).

One module of ~510 lines on purpose: the features, the model, its fit and the precomputed
table all read the same feature definitions, which must stay in step with the shipped weights.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from unspin.cache import atomic_write_bytes, cache_dir
from unspin.lexicon.freq import zipf

MODEL_FILE = "channel_model.json"
FORMAT = 1

FEATURES: tuple[str, ...] = (
    "zipf", "cos", "no_vec", "rank", "front", "multi", "in_moby", "in_wordnet", "pos_agree", "same_lemma", "mutual",
)

_POS_BITS = {"NOUN": 1, "VERB": 2, "ADJ": 4, "ADV": 8}
_LN10 = math.log(10.0)


# -- the lexical resources the features read ---------------------------------

class ChannelLexicon:
    """Moby, WordNet (optional), GloVe and wordfreq, with the per-term facts the
    features need computed once per term."""

    def __init__(self, thesaurus: Any = None, vectors: Any = None, wordnet: Any = "load") -> None:
        from unspin.lexicon.moby import load_thesaurus
        from unspin.lexicon.vectors import load_vectors
        from unspin.lexicon.wordnet import load_wordnet

        self.th = thesaurus if thesaurus is not None else load_thesaurus()
        self.vectors = vectors if vectors is not None else load_vectors()
        self.wordnet = load_wordnet() if wordnet == "load" else wordnet
        self._terms: dict[str, tuple[float, np.ndarray | None, int, frozenset[str]]] = {}
        self.listing = lru_cache(maxsize=50_000)(self._listing)
        self.wn_synonyms = lru_cache(maxsize=50_000)(self._wn_synonyms)
        self.listed_under = lru_cache(maxsize=50_000)(self._listed_under)
        self.wn_set = lru_cache(maxsize=50_000)(lambda o: frozenset(self.wn_synonyms(o)))

    def term(self, term: str) -> tuple[float, np.ndarray | None, int, frozenset[str]]:
        """``(zipf, unit vector or None, part-of-speech bits, lemmas)`` of a lower-case term."""
        got = self._terms.get(term)
        if got is None:
            words = term.split()
            if len(words) == 1:
                vec = self.vectors.get(term)
                pos, lemmas = self._pos_lemmas(term)
            else:
                vs = [v for v in (self.vectors.get(w) for w in words) if v is not None]
                vec = None
                if vs:
                    m = np.sum(vs, axis=0)
                    n = float(np.linalg.norm(m))
                    vec = m / n if n > 0 else None
                # a phrase is used as its first word's verb reading ("give up") or its
                # last word's noun/adjective/adverb reading ("young man", "as of late")
                first, _ = self._pos_lemmas(words[0])
                last, _ = self._pos_lemmas(words[-1])
                pos = (first & _POS_BITS["VERB"]) | (last & ~_POS_BITS["VERB"])
                lemmas = frozenset((term,))
            got = (_zipf(words), vec, pos, lemmas)
            if len(self._terms) > 400_000:
                self._terms.clear()
            self._terms[term] = got
        return got

    def _pos_lemmas(self, word: str) -> tuple[int, frozenset[str]]:
        readings = self.th.analyse(word)
        if readings == [(None, word, ())]:
            # not in the inflection table: an uninflected adjective/adverb if a thesaurus
            # term at all (`Thesaurus.can_be`), else unknown (no bits)
            return (_POS_BITS["ADJ"] | _POS_BITS["ADV"]) if self.th.knows(word) else 0, frozenset((word,))
        bits = 0
        for upos, _lemma, _tags in readings:
            bits |= _POS_BITS.get(upos or "", 0)
        return bits, frozenset(lemma for _u, lemma, _t in readings) | {word}

    def _listing(self, original: str) -> tuple[dict[str, int], int]:
        """``o``'s Moby list as ``{entry: position}`` and its length."""
        syns = self.th.synonyms(original)
        return {s: i for i, s in enumerate(syns)}, len(syns)

    def _wn_synonyms(self, original: str) -> tuple[str, ...]:
        """WordNet synonyms of ``o`` over every part of speech, phrases with spaces."""
        wn = self.wordnet
        if wn is None or " " in original:
            return ()
        out: dict[str, None] = {}
        for upos in _POS_BITS:
            for s in wn.synonyms(original, upos):
                out[s.replace("_", " ").lower()] = None
        out.pop(original, None)
        return tuple(out)

    def candidate_set(self, original: str) -> list[str]:
        """What a spinner could write for ``o``: its Moby list, then WordNet's other synonyms."""
        listing, _n = self.listing(original)
        out = list(listing)
        out.extend(s for s in self.wn_synonyms(original) if s not in listing)
        return out

    def _listed_under(self, term: str) -> frozenset[str]:
        """Headwords whose Moby list holds ``term``."""
        return frozenset(h for h, _r in self.th.inverse(term))

    def feature_matrix(self, original: str, spuns: Sequence[str]) -> np.ndarray:
        """``len(spuns) × len(FEATURES)`` features of each ``(original, s)`` pair."""
        _z_o, v_o, pos_o, lem_o = self.term(original)
        listing, n = self.listing(original)
        wn = self.wn_set(original)
        heads_of_o = self.listed_under(original)
        term = self.term
        rows = []
        vecs = []
        for s in spuns:
            z, v, pos, lem = term(s)
            r = listing.get(s)
            has = v is not None and v_o is not None
            vecs.append(v if has else None)
            rows.append((z, 0.0, 0.0 if has else 1.0, r / n if r is not None else 1.0,
                         1.0 if r is not None and r < 5 else 0.0, 1.0 if " " in s else 0.0,
                         1.0 if r is not None else 0.0, 1.0 if s in wn else 0.0, 1.0 if pos & pos_o else 0.0,
                         1.0 if (s == original or lem & lem_o) else 0.0, 1.0 if s in heads_of_o else 0.0))
        out = np.array(rows, dtype=np.float64).reshape(len(spuns), len(FEATURES))
        idx = [k for k, v in enumerate(vecs) if v is not None]
        if idx:
            out[idx, 1] = np.stack([v for v in vecs if v is not None]) @ v_o
        return out


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    from wordfreq import get_frequency_dict

    return get_frequency_dict("en")


def _word_zipf(word: str) -> float:
    """`unspin.lexicon.freq.zipf` of one word; a plain lower-case word straight from wordfreq's
    table (the same value without its tokeniser: 4,286 of 4,286 Moby words checked equal)."""
    if word.isalpha() and word.islower():
        f = _frequencies().get(word, 0.0)
        return round(math.log10(f) + 9, 2) if f > 0 else 0.0
    return zipf(word)


def _zipf(words: list[str]) -> float:
    """Zipf frequency of a word or phrase. A phrase combines its words' frequencies as wordfreq
    does (``1 / Σ 1/f``) from the per-word values, without re-tokenising the phrase."""
    if len(words) == 1:
        return _word_zipf(words[0])
    inv = 0.0
    for w in words:
        z = _word_zipf(w)
        if z <= 0:
            return 0.0
        inv += 10 ** (-z)
    return round(max(0.0, -math.log10(inv)), 2)


_LEX_LOCK = threading.Lock()
_LEXICON: ChannelLexicon | None = None


def default_lexicon() -> ChannelLexicon:
    """The process-wide `ChannelLexicon` over the shared Moby, GloVe and WordNet."""
    global _LEXICON
    with _LEX_LOCK:
        if _LEXICON is None:
            _LEXICON = ChannelLexicon()
        return _LEXICON


# -- the model ---------------------------------------------------------------

@dataclass(frozen=True)
class ChannelModel:
    """Log-linear pick model; ``weights`` over `FEATURES` (missing ones are 0)."""

    weights: Mapping[str, float]
    version: int = 1
    #: what the weights were fitted on (free text, for the record)
    note: str = ""
    lexicon: ChannelLexicon | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        unknown = set(self.weights) - set(FEATURES)
        if unknown:
            raise ValueError(f"channel model has unknown features: {sorted(unknown)}")
        # every feature present, in `FEATURES` order (absent ones weigh 0)
        object.__setattr__(self, "weights", {f: float(self.weights.get(f, 0.0)) for f in FEATURES})

    def _lex(self) -> ChannelLexicon:
        return self.lexicon if self.lexicon is not None else default_lexicon()

    def _w(self) -> np.ndarray:
        return np.array([float(self.weights.get(f, 0.0)) for f in FEATURES])

    def features(self, original: str, spun: str, lexicon: ChannelLexicon | None = None) -> dict[str, float]:
        """The features of the pair ``(original, spun)`` (lower case; ``spun`` may be a phrase)."""
        lex = lexicon or self._lex()
        row = lex.feature_matrix(original.lower(), [spun.lower()])[0]
        return {f: float(x) for f, x in zip(FEATURES, row)}

    def log_prob(self, original: str, spun: str, candidates: Sequence[str] | None = None) -> float:
        """log10 P(spinner writes ``spun`` | ``original``), normalised over ``candidates``
        (``spun`` is added when missing; `ChannelLexicon.candidate_set` when None)."""
        lex = self._lex()
        o, s = original.lower(), spun.lower()
        cands = list(dict.fromkeys(c.lower() for c in (candidates if candidates is not None else lex.candidate_set(o))))
        if s not in cands:
            cands.append(s)
        scores = lex.feature_matrix(o, cands) @ self._w()
        top = float(scores.max())
        log_z = top + math.log(float(np.exp(scores - top).sum()))
        return (float(scores[cands.index(s)]) - log_z) / _LN10

    def rank_originals(self, spun: str, originals: Sequence[str]) -> list[tuple[str, float]]:
        """``(o, log10 P(spun | o))`` for each candidate original, most likely first; each
        normalised over ``o``'s own `candidate_set`."""
        got = [(o, self.log_prob(o, spun)) for o in originals]
        return sorted(got, key=lambda x: -x[1])

    def to_dict(self) -> dict[str, Any]:
        return {"type": "channel", "version": self.version, "features": list(FEATURES),
                "weights": {f: float(self.weights.get(f, 0.0)) for f in FEATURES}, "note": self.note}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ChannelModel:
        if d.get("type", "channel") != "channel":
            raise ValueError(f"not a channel model: type {d.get('type')!r}")
        return cls({k: float(v) for k, v in d["weights"].items()}, int(d.get("version", 1)), str(d.get("note", "")))

    def digest(self) -> str:
        """Short hash of the weights (cache key of `ChannelTable`)."""
        blob = json.dumps({f: round(float(self.weights.get(f, 0.0)), 10) for f in FEATURES}, sort_keys=True)
        return hashlib.sha1(f"{FORMAT}|{blob}".encode()).hexdigest()[:12]


#: the context-blind uniform pick of the old detector, as a channel model (no features: every
#: candidate weighs the same, so P = 1 / |C(o)|)
UNIFORM = ChannelModel({}, version=0, note="uniform pick")


def fit_channel(
    examples: Iterable[tuple[str, str, Sequence[str]]],
    l2: float = 1.0,
    lexicon: ChannelLexicon | None = None,
    features: Sequence[str] = FEATURES,
    max_iter: int = 50,
    note: str = "",
) -> ChannelModel:
    """Maximum-likelihood weights (L2 penalty ``l2``) from ``(original, spun chosen,
    candidates the spinner could have chosen)`` examples.

    ``spun`` is added to its candidates when missing; an example whose candidates
    are only ``spun`` carries no information and is skipped. Features outside
    ``features`` keep weight 0. Newton's method on the (convex) penalised
    log-likelihood: a few iterations of a ``d × d`` solve.
    """
    lex = lexicon or default_lexicon()
    cols = [FEATURES.index(f) for f in features]
    blocks: list[np.ndarray] = []
    chosen: list[int] = []
    memo: dict[tuple[str, tuple[str, ...]], np.ndarray] = {}  # the same original and list: one matrix
    for original, spun, cands in examples:
        o, s = original.lower(), spun.lower()
        cs = list(dict.fromkeys(c.lower() for c in cands))
        if s not in cs:
            cs.append(s)
        if len(cs) < 2:
            continue
        key = (o, tuple(cs))
        block = memo.get(key)
        if block is None:
            block = memo[key] = lex.feature_matrix(o, cs)[:, cols]
        blocks.append(block)
        chosen.append(cs.index(s))
    if not blocks:
        raise ValueError("fit_channel: no example with more than one candidate")
    sizes = np.array([len(b) for b in blocks])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    x = np.concatenate(blocks)
    y_rows = starts + np.array(chosen)
    group = np.repeat(np.arange(len(blocks)), sizes)
    d = x.shape[1]
    w = np.zeros(d)
    x_chosen_sum = x[y_rows].sum(axis=0)

    def objective(w: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        s = x @ w
        top = np.maximum.reduceat(s, starts)
        e = np.exp(s - top[group])
        z = np.add.reduceat(e, starts)
        p = e / z[group]
        ll = float(s[y_rows].sum() - (top + np.log(z)).sum())
        grad = x_chosen_sum - p @ x - l2 * w
        ex = np.add.reduceat(p[:, None] * x, starts)  # expected features per example
        hess = (x * p[:, None]).T @ x - ex.T @ ex + l2 * np.eye(d)
        return ll - 0.5 * l2 * float(w @ w), grad, hess

    obj, grad, hess = objective(w)
    for _ in range(max_iter):
        step = np.linalg.solve(hess, grad)
        t = 1.0
        while True:  # backtracking: the Newton step never lowers the objective
            new_obj, new_grad, new_hess = objective(w + t * step)
            if new_obj >= obj - 1e-12 or t < 1e-4:
                break
            t *= 0.5
        w = w + t * step
        done = abs(new_obj - obj) < 1e-9 * max(1.0, abs(obj))
        obj, grad, hess = new_obj, new_grad, new_hess
        if done or float(np.abs(grad).max()) < 1e-8:
            break
    weights = {f: 0.0 for f in FEATURES}
    for f, v in zip(features, w):
        weights[f] = float(v)
    return ChannelModel(weights, version=1, note=note, lexicon=lexicon)


def load_channel_model() -> ChannelModel:
    """The shipped default channel model (``unspin/data/channel_model.json``)."""
    return _load_default()


@lru_cache(maxsize=1)
def _load_default() -> ChannelModel:
    text = resources.files("unspin.data").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return ChannelModel.from_dict(json.loads(text))


# -- every Moby pair at once, for the decoder -----------------------------------

class ChannelTable:
    """log10 P(entry | headword) for every entry of every Moby list, normalised over
    the headword's `candidate_set` (Moby list plus WordNet's other synonyms).

    Built once per model with NumPy over per-term arrays (a few seconds) and kept in
    the user cache, keyed by the model's weights: the decoder's candidate prior is
    then one array lookup per ``(headword, position)`` of the inverse thesaurus.
    """

    def __init__(self, model: ChannelModel, lexicon: ChannelLexicon | None = None) -> None:
        self.model = model
        self.lex = lexicon or model.lexicon or default_lexicon()
        self.th = self.lex.th
        path = cache_dir() / f"channel-{model.digest()}-wn{int(self.lex.wordnet is not None)}-f{FORMAT}.npz"
        arrays: tuple[np.ndarray, np.ndarray] | None = None
        if lexicon is None and model.lexicon is None and path.exists():
            try:
                with np.load(path) as npz:
                    arrays = (npz["entry"], npz["log_z"])
                if len(arrays[0]) != len(self.th.fwd_ids) or len(arrays[1]) != len(self.th.terms):
                    arrays = None  # built for another thesaurus version: rebuild
            except (OSError, ValueError, KeyError):
                arrays = None
        if arrays is None:
            arrays = self._build()
            if lexicon is None and model.lexicon is None:
                buf = io.BytesIO()
                np.savez(buf, entry=arrays[0], log_z=arrays[1])
                atomic_write_bytes(path, buf.getvalue())
        #: log10 P per forward entry (aligned with ``th.fwd_ids``); natural-log normaliser per term
        self.entry, self.log_z = arrays
        self._w = model._w()
        self._pairs: dict[tuple[str, str], float] = {}

    def log_prob(self, head: str, rank: int) -> float:
        """log10 P(``head``'s list entry at position ``rank`` | ``head``)."""
        i = self.th.term_id[head]
        return float(self.entry[int(self.th.fwd_indptr[i]) + rank])

    def log_prob_pair(self, head: str, spun: str) -> float:
        """log10 P(``spun`` | ``head``) for any pair (a WordNet-only pick, say), normalised
        like the table (memoised)."""
        key = (head, spun)
        got = self._pairs.get(key)
        if got is None:
            if len(self._pairs) > 500_000:
                self._pairs.clear()
            got = self._pairs[key] = self._log_prob_pair(head, spun)
        return got

    def _log_prob_pair(self, head: str, spun: str) -> float:
        i = self.th.term_id.get(head)
        if i is None or not np.isfinite(self.log_z[i]):
            return self.model.log_prob(head, spun)
        row = self.lex.feature_matrix(head, [spun])[0]
        return (float(row @ self._w) - float(self.log_z[i])) / _LN10

    def _build(self) -> tuple[np.ndarray, np.ndarray]:
        th, lex, w = self.th, self.lex, self.model._w()
        terms = th.terms
        n_terms = len(terms)
        sizes = np.diff(th.fwd_indptr)
        heads_with_list = np.flatnonzero(sizes)
        # per-term facts
        zipfs = np.zeros(n_terms)
        vecs = np.zeros((n_terms, self.lex.vectors.dim), dtype=np.float32)
        has_vec = np.zeros(n_terms, dtype=bool)
        pos = np.zeros(n_terms, dtype=np.int8)
        multi = np.zeros(n_terms)
        for i, t in enumerate(terms):
            z, v, p, _lem = lex.term(t)
            zipfs[i] = z
            if v is not None:
                vecs[i] = v
                has_vec[i] = True
            pos[i] = p
            multi[i] = 1.0 if " " in t else 0.0
        fwd = th.fwd_ids.astype(np.int64)
        head_of = np.repeat(np.arange(n_terms), sizes)
        rank = np.arange(len(fwd)) - th.fwd_indptr[head_of]
        x = np.zeros((len(fwd), len(FEATURES)), dtype=np.float32)
        x[:, 0] = zipfs[fwd]
        both = has_vec[fwd] & has_vec[head_of]
        for a in range(0, len(fwd), 500_000):
            b = min(a + 500_000, len(fwd))
            x[a:b, 1] = np.einsum("ij,ij->i", vecs[fwd[a:b]], vecs[head_of[a:b]])
        x[:, 1] *= both
        x[:, 2] = ~both
        x[:, 3] = rank / sizes[head_of]
        x[:, 4] = rank < 5
        x[:, 5] = multi[fwd]
        x[:, 6] = 1.0
        x[:, 8] = (pos[fwd] & pos[head_of]) != 0
        # WordNet agreement and lemma identity: per pair, only where they can hold
        if lex.wordnet is not None:
            for h in heads_with_list:
                wn = lex.wn_synonyms(terms[h])
                if not wn:
                    continue
                a, b = th.fwd_indptr[h], th.fwd_indptr[h + 1]
                wn_ids = {th.term_id[s] for s in wn if s in th.term_id}
                x[a:b, 7] = [1.0 if j in wn_ids else 0.0 for j in fwd[a:b]]
        # inflections of one lemma share their first three letters ("leader"/"leaders"): only
        # those pairs are checked one by one
        prefix = np.array([hash(t[:3]) for t in terms], dtype=np.int64)
        for k in np.flatnonzero((x[:, 8] > 0) & (prefix[fwd] == prefix[head_of]) & (multi[fwd] == 0) & (multi[head_of] == 0)):
            if lex.term(terms[fwd[k]])[3] & lex.term(terms[head_of[k]])[3]:
                x[k, 9] = 1.0
        # two-way pairs: the reversed pair code is a forward pair too
        code = np.sort(head_of * n_terms + fwd)
        rev = fwd * n_terms + head_of
        at = np.minimum(np.searchsorted(code, rev), len(code) - 1)
        x[:, 10] = code[at] == rev
        score = x.astype(np.float64) @ w
        starts = th.fwd_indptr[heads_with_list]
        top = np.maximum.reduceat(score, starts)
        sum_e = np.add.reduceat(np.exp(score - np.repeat(top, sizes[heads_with_list])), starts)
        # WordNet synonyms Moby does not list join the normaliser
        if lex.wordnet is not None:
            for j, h in enumerate(heads_with_list):
                o = terms[h]
                listing, _n = lex.listing(o)
                extra = [s for s in lex.wn_synonyms(o) if s not in listing]
                if extra:
                    sc = lex.feature_matrix(o, extra) @ w
                    sum_e[j] += float(np.exp(sc - top[j]).sum())
        log_z = np.full(n_terms, np.inf)
        log_z[heads_with_list] = top + np.log(sum_e)
        entry = ((score - log_z[head_of]) / _LN10).astype(np.float32)
        return entry, log_z

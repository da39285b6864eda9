"""The evidence features the confidence models read (`unspin.detect.calibration`).

Four groups, each named as the shipped models were trained on them:

* `word_features`: one word's own evidence once the sentence is decoded: the *margin*
  (how much more probable, log10, the best restoration makes its n-grams), how
  surprising the observed word is, word frequencies, the channel probability;
* `web_features`: the word and its restoration against the web bigram counts
  (`unspin.lm.bigrams`): does the restoration make frequent collocations the word breaks;
* `alternative_features`: what the restoration model ranks each candidate original by (with
  `TAG_FEATURES`, how well each fits the observed word's part of speech in context, when tagged);
* `add_document_context`: how well the word and its restoration fit the document's
  topic and neighbourhood (GloVe), and whether either repeats in the text.

`WORD_FEATURES` lists every name the token model may read; the model-contract tests
check the shipped models read nothing else. Internal to `unspin.detect`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from unspin.detect._lmcache import LMCache
from unspin.detect._slots import Slot
from unspin.lexicon.freq import zipf
from unspin.lexicon.vectors import Vectors
from unspin.lm.bigrams import WebBigrams
from unspin.text import Token, TokenKind
from unspin.text.stopwords import FUNCTION_WORDS

if TYPE_CHECKING:
    from unspin.detect._decode import RawDecision
    from unspin.text.pos import Reading

#: `word_features`, in the order they are computed
OWN_FEATURES = ("margin", "second_gap", "obs_left", "left_gain", "obs_local_rel", "obs_uni", "alt_uni", "obs_zipf",
                "alt_zipf", "obs_oov", "log_channel", "log_prior", "n_choices", "neighbour_changed", "alt_function")
#: `web_features`: the word and the restoration against the web bigram counts (`unspin.lm.bigrams`)
WEB_FEATURES = ("web_gain", "web_obs_pmi", "web_alt_pmi", "web_obs_listed", "web_alt_listed")
#: `add_document_context`
CONTEXT_FEATURES = ("topic_obs", "topic_alt", "topic_gain", "sim_obs_alt", "near_obs", "near_alt", "obs_repeats",
                    "alt_in_doc")
#: `alternative_features` read from the part-of-speech tags in context (`unspin.text.pos`), computed only
#: when the document is tagged (`Detector.pos_tags`: when the restoration model reads one, or for training
#: with ``train_detect --pos``); the shipped restoration model reads none (docs/detection.md, "Part of speech")
TAG_FEATURES = ("alt_tag_fit", "alt_tag_p", "alt_tag_gain")
#: `alternative_features` (the restoration model)
ALTERNATIVE_FEATURES = ("local_rel", "total_rel", "log_channel", "log_prior", "topic", "unigram", "sim_obs", "in_doc",
                        "web_rel", "web_pmi", "function", "near")
#: every feature of a word the token model's first stage may read (the second stage adds
#: `unspin.detect.calibration.DOC_FEATURES`)
WORD_FEATURES = OWN_FEATURES + WEB_FEATURES + CONTEXT_FEATURES


def web_features(web: WebBigrams, obs: str, alt: str, left: str | None, right: str | None) -> dict[str, float]:
    """The observed word and the restoration between the same (decoded) neighbours, by the web bigram
    counts: the gain of the restoration's bigram-LM score over the observed word's (log10), each one's
    association with its neighbours (PMI, log10) and how many of its two bigrams are frequent ones.
    A spinner breaks collocations: the original's bigrams are listed, the spun word's often are not."""
    return {
        "web_gain": web.score(alt, left, right) - web.score(obs, left, right),
        "web_obs_pmi": web.association(obs, left, right),
        "web_alt_pmi": web.association(alt, left, right),
        "web_obs_listed": float(web.n_listed(obs, left, right)),
        "web_alt_listed": float(web.n_listed(alt, left, right)),
    }


def word_features(s: Slot, p2: str | None, p1: str | None, best: int, local: list[float], lm: LMCache,
                  neighbour_changed: bool) -> dict[str, float]:
    """One word's own evidence: ``local[c]`` is choice ``c``'s local trigram score, ``best`` the
    decoder's best alternative, ``p2 p1`` the (decoded) words before it (`web_features` adds the
    web bigram evidence)."""
    cand = s.cands[best]
    assert cand is not None
    cond = lm.cond
    obs, alt = s.word, s.choices[best]
    obs_left = cond(obs, p2, p1)
    alt_left = cond(alt, p2, p1)
    obs_uni = cond(obs, None, None)
    alt_uni = cond(alt, None, None)
    others = sorted(local[1 : s.decoded], reverse=True)
    return {
        "margin": local[best] - local[0],
        "second_gap": (others[0] - others[1]) if len(others) > 1 else 3.0,
        "obs_left": obs_left,
        "left_gain": alt_left - obs_left,
        "obs_local_rel": local[0] - 3 * obs_uni,
        "obs_uni": obs_uni,
        "alt_uni": alt_uni,
        "obs_zipf": zipf(obs),
        "alt_zipf": zipf(alt),
        "obs_oov": 1.0 if not lm.lm.in_vocab(obs) else 0.0,
        "log_channel": cand.log_channel,
        # the channel model's probability that a spinner writes the observed word for this original
        "log_prior": cand.prior,
        "n_choices": math.log10(s.decoded),
        "neighbour_changed": float(neighbour_changed),
        # a function word proposed as the original ("mentioned" -> "said"; `unspin.detect.candidates`)
        "alt_function": float(alt in FUNCTION_WORDS),
    }


def alternative_features(s: Slot, local: list[float], topic: np.ndarray | None, counts: Mapping[str, int],
                         vectors: Vectors, cond: Callable[[str, str | None, str | None], float],
                         web: WebBigrams | None = None, left: str | None = None, right: str | None = None,
                         tags: Mapping[int, Reading] | None = None,
                         ) -> tuple[tuple[str, dict[str, float]], ...]:
    """Every alternative of a slot with the features the restoration model ranks them by (``left``
    and ``right``: the decoded neighbours, for the web bigram features; 0 without ``web``). With
    ``tags`` (the document's tags in context, `PreparedDocument.pos_tags`), ``alt_tag_fit``: can the
    alternative carry the observed word's tag in context (`unspin.text.pos.tag_fit`: 1, 0, 0.5 unknown)."""
    top_local = max(local[1:])
    top_total = max(local[c] + s.priors[c] for c in range(1, len(s.choices)))
    v_obs = vectors.get(s.word)
    webs = [web.score(s.choices[c], left, right) if web is not None else 0.0 for c in range(len(s.choices))]
    top_web = max(webs[1:])
    out = []
    for c in range(1, len(s.choices)):
        w = s.choices[c]
        v = vectors.get(w)
        cand = s.cands[c]
        assert cand is not None
        out.append((w, {
            "local_rel": local[c] - top_local,
            "total_rel": local[c] + s.priors[c] - top_total,
            "log_channel": cand.log_channel,
            # the channel model's pick probability (`unspin.detect.channel`; = log_channel without one)
            "log_prior": cand.prior,
            "topic": float(v @ topic) if v is not None and topic is not None else 0.0,
            "unigram": cond(w, None, None),
            "sim_obs": float(v @ v_obs) if v is not None and v_obs is not None else 0.0,
            "in_doc": math.log2(1 + counts.get(w, 0)),
            "web_rel": webs[c] - top_web,
            "web_pmi": web.association(w, left, right) if web is not None else 0.0,
            "function": float(w in FUNCTION_WORDS),
        }))
    if tags is not None:
        from unspin.text.pos import best_tag, reading_fit, tag_fit

        assert s.token is not None
        reading = tags.get(s.token.start)
        obs_fit = reading_fit(s.word, reading)
        for w, feats in out:
            feats["alt_tag_fit"] = tag_fit(w, best_tag(reading))
            feats["alt_tag_p"] = fit = reading_fit(w, reading)
            # an alternative that fits where the observed word does not (a wrong-part-of-speech swap)
            feats["alt_tag_gain"] = fit - obs_fit
    return tuple(out)


def add_alternative_context(raw: Sequence[RawDecision], vecs: Vectors) -> None:
    """Add ``near`` to every alternative of every decided word (in place): its closeness (GloVe) to
    the observed content words within four judged words either side, the window of the word model's
    ``near_alt``. The trigram LM sees two words either side; the original also fits the words a
    little further off ("sanctions" near "nuclear", "Tehran"), which a synonym picked from a list
    for the word alone need not. 0 without neighbours with vectors."""
    obs_vecs = [vecs.get(r.token.norm) for r in raw]
    for k, r in enumerate(raw):
        if r.suggestion is None:
            continue  # no alternatives
        window = [w for w in obs_vecs[max(0, k - 4) : k] + obs_vecs[k + 1 : k + 5] if w is not None]
        wc = np.sum(window, axis=0) if window else None
        wn = (float(np.linalg.norm(wc)) or 1.0) if wc is not None else 1.0
        r.add_near(wc, wn, vecs)


def add_near(alternatives: Sequence[tuple[str, dict[str, float]]], wc: np.ndarray | None, wn: float, vecs: Vectors) -> None:
    """``near`` of each alternative: its word vector's dot product with ``wc`` (the sum of the
    neighbours' vectors) over ``wn`` (its norm); 0 without neighbours or a vector."""
    for w, feats in alternatives:
        v = vecs.get(w) if wc is not None else None
        feats["near"] = float(v @ wc) / wn if v is not None else 0.0


def add_document_context(raw: Sequence[RawDecision], counts: Mapping[str, int], vecs: Vectors) -> list[int]:
    """Add the document-context features to every decided word (in place); returns the
    indices into ``raw`` of the words that have a suggestion (the ones the model scores).

    Document context: how well each word fits the topic (centroid of the other content
    words) and its neighbours, and whether it repeats elsewhere in the text."""
    zero = np.zeros(vecs.dim, dtype=np.float32)
    obs_vecs = [vecs.get(r.token.norm) for r in raw]
    centroid_sum = np.sum([v for v in obs_vecs if v is not None] or [zero], axis=0)
    scored: list[int] = []
    for k, (r, v_obs) in enumerate(zip(raw, obs_vecs)):
        tok, sugg, feats = r.token, r.suggestion, r.features
        if sugg is None:
            continue
        scored.append(k)
        centroid = centroid_sum - v_obs if v_obs is not None else centroid_sum
        cn = float(np.linalg.norm(centroid)) or 1.0
        v_alt = vecs.get(sugg)
        feats["topic_obs"] = float(v_obs @ centroid) / cn if v_obs is not None else 0.0
        feats["topic_alt"] = float(v_alt @ centroid) / cn if v_alt is not None else 0.0
        feats["topic_gain"] = feats["topic_alt"] - feats["topic_obs"]
        feats["sim_obs_alt"] = float(v_obs @ v_alt) if v_obs is not None and v_alt is not None else 0.0
        window = [w for w in obs_vecs[max(0, k - 4) : k] + obs_vecs[k + 1 : k + 5] if w is not None]
        if window:
            wc = np.sum(window, axis=0)
            wn = float(np.linalg.norm(wc)) or 1.0
            feats["near_obs"] = float(v_obs @ wc) / wn if v_obs is not None else 0.0
            feats["near_alt"] = float(v_alt @ wc) / wn if v_alt is not None else 0.0
        else:
            feats["near_obs"] = feats["near_alt"] = 0.0
        feats["obs_repeats"] = math.log2(counts.get(tok.norm, 1))
        feats["alt_in_doc"] = math.log2(1 + counts.get(sugg, 0))
    return scored


def topic_vector(tokens: Sequence[Token], vectors: Vectors) -> np.ndarray | None:
    """Unit centroid of the document's content-word vectors (None if too few)."""
    found = (vectors.get(t.norm) for t in tokens if t.kind is TokenKind.WORD and t.norm not in FUNCTION_WORDS and len(t.norm) > 2)
    vs = [v for v in found if v is not None]
    if len(vs) < 5:
        return None
    c = np.sum(vs, axis=0)
    return c / (float(np.linalg.norm(c)) or 1.0)


def word_counts(tokens: Sequence[Token]) -> dict[str, int]:
    """Occurrences of each word. A context-blind spinner swaps each occurrence on its
    own: the original often survives elsewhere in the text, and a word used many
    times is usually kept."""
    counts: dict[str, int] = {}
    for t in tokens:
        if t.kind is TokenKind.WORD:
            counts[t.norm] = counts.get(t.norm, 0) + 1
    return counts

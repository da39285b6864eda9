"""Rebuild ``src/unspin/data/screen_model.json``: the screening model (`unspin.screen`).

Training data, every part split so that the benchmark has data it never saw:

* the *training* split of the BBC development corpus (``spinner.split_ids``; ``bench/screen.py``
  uses the other split): every article as written (label 0) and once spun (label 1) under a
  rotating setting of `SETTINGS` — the simple picks (uniform, common, front, close, phrases) and
  the realistic habits ``spinbot`` and ``spinnerchief``, at 10-50 %. The held-apart habits
  (``spinbot-wordnet``, ``spinbot-frequent``, ``spinbot-loose``) are never trained on;
* passages from the training half of the State of the Union addresses (another genre and age),
  as written and, every third, spun;
* the real pages of ``../shared/data/realdev`` whose site is in fold 0 (`devkit.realdev.site_fold`;
  the benchmark reports fold 1 apart as sites never seen), each counted `REAL_WEIGHT` times.

Two tables are counted over the word units of `unspin.screen.word_units`: a content word's
spinner-likeness is the log ratio of its rate among substituted words (the simulator's gold, and
the aligned swaps of the real pairs) to its rate among the words of clean documents; a bigram's is
the log ratio of the share of spun documents holding it to the share of clean ones. Only words and
bigrams seen often enough and clearly spinner-like are kept. Two tables are precomputed from the
full check's own lexicon once: the likely originals of each word of the vocabulary (the 30,000
commonest English words and the corpus's; the full check's candidates, `unspin.detect.candidates`,
ranked by channel prior and frequency) and the single-word candidates of each thesaurus phrase its
phrase pass matches (`build_phrases`).

**Distillation.** The screen's job is to pass on what the full check would call spun, so it learns
the full check's own view (`teacher`: run once on every training document and kept in
``bench/work/screen_teacher_<hash>.json``, `teacher_file`): the *word model* (`fit_words`) is a logistic regression of
the full check's confidence of each word on the screen's look-up features of that word
(`unspin.screen.WORD_FEATURES`), the *own model* the same of its context-free probability of each word
(`word_own`), and the *document model* (`fit`) a logistic regression of the full check's document score
(`scores`, soft labels; whatever the document really is) on the document features
(`unspin.screen.FEATURES`), among them the word and own models' probabilities summarised. A document's
features are computed with the word and bigram tables and the word model of the *other* half of the
articles (cross-fitting), so the document model weighs them as they behave on unseen text; the
shipped tables and word model are fitted on all of it. The default threshold is chosen on the
out-of-fold document scores (`RECALL` of the documents the full check calls spun) and written to
the model's ``meta.threshold``; ``unspin.settings.SCREEN_THRESHOLD`` must equal it (a test checks).

    python -m training.train_screen [--docs 500] [--sotu 150] [--refit]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import time
from collections import Counter
from pathlib import Path

from devkit import realdev
from devkit.evalkit import fit_logistic
from devkit.provenance import training_files
from devkit.spinner import ORDER_HELP, Spinner, training_articles
from unspin.detect.calibration import LinearModel
from unspin.detect.modelio import save_model
from unspin.detect.score import STYLE
from unspin.screen import ScreenModel, SpotStage, _sig, screen_features, word_feature_dict, word_units
from unspin.text.stopwords import FUNCTION_WORDS

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "unspin" / "data" / "screen_model.json"
CACHE = ROOT / "bench" / "work" / "screen_training.json"

#: the spinner settings of the training mix, one per article in turn
SETTINGS: list[dict] = [
    dict(rate=0.15, pick="uniform"),
    dict(rate=0.3, pick="common"),
    dict(rate=0.15, habit="spinbot"),
    dict(rate=0.3, pick="front"),
    dict(rate=0.1, pick="close"),
    dict(rate=0.2, pick="common", phrases=True),
    dict(rate=0.3, habit="spinnerchief"),
    dict(rate=0.1, habit="spinbot"),
    dict(rate=0.5, pick="uniform"),
    dict(rate=0.3, habit="spinbot"),
    dict(rate=0.15, habit="spinnerchief"),
    dict(rate=0.2, pick="close"),
]
#: a real page counts this many times in the regression (there are few of them)
REAL_WEIGHT = 5
#: word table: seen substituted at least this often, kept when its log ratio is at least MIN_WEIGHT
MIN_WORD_COUNT = 2
#: bigram table: in at least this many spun documents
MIN_BIGRAM_DOCS = 3
MIN_WEIGHT = 0.7
#: likely originals kept per word, how they are ranked, the commonest words given them
ORIGINALS = 20
ORIGINAL_ZIPF_WEIGHT = 0.7
ORIGINAL_MIN_ZIPF = 3.0
VOCABULARY = 30_000
MAX_WEIGHT = 5.0
#: features whose weight may be negative (what is normal for a kind of prose, not evidence of spinning)
FREE = ("lm_mean", "zipf_mean", "oov_share", "function_share", "name_share", "number_share", "sentence_words", *STYLE)
#: weight of a document the full check calls genuine relative to one it calls spun in the regression
NEG_WEIGHT = 2.0
#: fit the own model (`unspin.screen.ScreenModel.own_model`) too
OWN_MODEL = True
#: the threshold passes on this share of the documents the full check calls spun (out of fold)
RECALL = 0.97
#: the spot stage (`unspin.screen.SpotStage`): the look-up score band in which it runs and how many words it
#: decodes, chosen out of fold on these documents (docs/screen.md: 0.25-0.7 spot-checks ~10 % of clean
#: documents; 6 words, not 3)
SPOT_BAND = (0.25, 0.7)
SPOT_WORDS = 6


def _spin(text: str, setting: dict, seed: int) -> tuple[str, list[tuple[int, int]], dict[str, str]]:
    s = Spinner(seed=seed, **setting).spin(text)
    return s.text, [(x.start, x.end) for x in s.substitutions], {f"{x.start}:{x.end}": x.original for x in s.substitutions}


def build_corpus(docs: int, sotu: int, order: str = "mixed") -> list[dict]:
    """Every training document: ``{"text", "label", "group", "spans", "weight", "kind"}`` (``spans``: the
    substituted character spans of a spun text; ``group``: the article it comes from, for the halves)."""
    from devkit.sotu import sotu_passages

    train = training_articles(order)
    rng = random.Random(17)
    out: list[dict] = []
    for i, r in enumerate(train[:docs]):
        out.append(dict(text=r["text"], label=0, group=f"bbc{i}", spans=[], weight=1, kind="bbc"))
        setting = SETTINGS[i % len(SETTINGS)]
        text, spans, originals = _spin(r["text"], setting, rng.randrange(1 << 30))
        out.append(dict(text=text, label=1, group=f"bbc{i}", spans=spans, originals=originals, weight=1,
                        kind=json.dumps(setting, sort_keys=True)))
    for i, p in enumerate(sotu_passages(sotu, part="train")):
        out.append(dict(text=p, label=0, group=f"sotu{i}", spans=[], weight=1, kind="sotu"))
        if i % 3 == 0:
            setting = SETTINGS[(i // 3) % len(SETTINGS)]
            text, spans, originals = _spin(p, setting, rng.randrange(1 << 30))
            out.append(dict(text=text, label=1, group=f"sotu{i}", spans=spans, originals=originals, weight=1, kind="sotu-spun"))
    if realdev.available():
        pages, _ = realdev.split_by_site(realdev.load_pages(), test_fold=1)
        pairs = {p.id: p for p in realdev.load_pairs()}
        for p in pages:
            pair = pairs.get(p.id) if p.label else None
            spans = [(s.start, s.end) for s in pair.swaps] if pair else []
            originals = {f"{s.start}:{s.end}": s.original for s in pair.swaps} if pair else {}
            out.append(dict(text=p.text, label=p.label, group=f"real:{p.site}", spans=spans, originals=originals,
                            weight=REAL_WEIGHT, kind="realdev"))
    return out


def count_tables(corpus: list[dict]) -> tuple[dict[str, float], dict[str, float]]:
    """The word and bigram spinner-likeness tables counted over ``corpus`` (see the module docstring)."""
    pos, neg = Counter(), Counter()
    spun_df, clean_df = Counter(), Counter()
    n_spun = n_clean = 0
    for d in corpus:
        units = word_units(d["text"])
        if d["label"]:
            n_spun += 1
            spans = d["spans"]
            if spans:
                k = 0
                spans = sorted(tuple(x) for x in spans)
                for a, b, w in units:
                    while k < len(spans) and spans[k][1] <= a:
                        k += 1
                    if w is not None and w not in FUNCTION_WORDS and k < len(spans) and spans[k][0] < b:
                        pos[w] += 1
        else:
            n_clean += 1
            for _, _, w in units:
                if w is not None and w not in FUNCTION_WORDS:
                    neg[w] += 1
        bigrams = {units[k - 1][2] + " " + units[k][2] for k in range(1, len(units))
                   if units[k][2] is not None and units[k - 1][2] is not None}
        (spun_df if d["label"] else clean_df).update(bigrams)
    P, N = max(sum(pos.values()), 1), max(sum(neg.values()), 1)
    words = {}
    for w, c in pos.items():
        if c >= MIN_WORD_COUNT:
            v = math.log((c / P) / ((neg[w] + 1) / N))
            if v >= MIN_WEIGHT:
                words[w] = min(v, MAX_WEIGHT)
    bigrams = {}
    for b, c in spun_df.items():
        if c >= MIN_BIGRAM_DOCS:
            v = math.log((c / max(n_spun, 1)) / ((clean_df[b] + 1) / max(n_clean, 1)))
            if v >= MIN_WEIGHT:
                bigrams[b] = min(v, MAX_WEIGHT)
    return words, bigrams


def build_originals(corpus: list[dict], top: int = VOCABULARY) -> dict[str, tuple[str, ...]]:
    """Each word of the vocabulary (the ``top`` commonest English words and every word of ``corpus``)
    -> the `ORIGINALS` likeliest originals of the full check's candidate generator (channel prior plus
    `ORIGINAL_ZIPF_WEIGHT` x Zipf frequency; Zipf at least `ORIGINAL_MIN_ZIPF`; in the language model)."""
    from wordfreq import top_n_list

    from unspin.api import get_detector
    from unspin.lexicon.freq import zipf
    from unspin.lm import load_lm

    gen, lm = get_detector().gen, load_lm()
    vocab = {w for w in top_n_list("en", top) if w.isalpha()}
    for d in corpus:
        vocab.update(w for _, _, w in word_units(d["text"]) if w is not None)
    out: dict[str, tuple[str, ...]] = {}
    for w in sorted(vocab):
        if w in FUNCTION_WORDS or not lm.in_vocab(w):
            continue
        cands = [(c.prior + ORIGINAL_ZIPF_WEIGHT * zipf(c.form), c.form) for c in gen.candidates(w)
                 if " " not in c.form and zipf(c.form) >= ORIGINAL_MIN_ZIPF and lm.in_vocab(c.form)]
        if cands:
            out[w] = tuple(f for _, f in sorted(cands, reverse=True)[:ORIGINALS])
    return out


#: single-word candidates kept per thesaurus phrase
PHRASE_CANDIDATES = 3


def build_phrases() -> dict[str, tuple[bool, tuple[tuple[str, float, int], ...]]]:
    """The multi-word entries the full check's phrase pass matches (`unspin.detect.phrases`: Moby's and
    WordNet's), as written, every word in the language model -> whether Moby lists it, and its
    `PHRASE_CANDIDATES` likeliest single-word originals as the phrase pass takes them (its candidates and
    channel probabilities; a candidate that is one of the phrase's own words becomes that word)."""
    from unspin.api import get_detector
    from unspin.detect.phrases import MOBY, OWN
    from unspin.lm import load_lm
    from unspin.screen import PHRASE_OWN, PHRASE_WORDNET_ONLY

    pd, lm = get_detector().phrases, load_lm()
    index = pd.index()
    sources = pd._sources
    out: dict[str, tuple[bool, tuple[tuple[str, float, int], ...]]] = {}
    for key, term in sorted(index.items()):
        if not all(lm.in_vocab(w) for w in key):
            continue
        cands: list[tuple[str, float, int]] = []
        for c in pd.candidates(term, ()):
            form, source = c.form, c.source
            if " " in form:
                continue  # a multi-word original: the screen scores single words only
            if form in key or c.headword in key:
                own = next((w for w in key if w in (c.form, c.headword) and w not in FUNCTION_WORDS), None)
                if own is None:
                    continue
                form, source = own, source | OWN
            cands.append((form, round(c.log_channel, 2),
                          (PHRASE_OWN if source & OWN else 0) | (0 if source & MOBY else PHRASE_WORDNET_ONLY)))
            if len(cands) >= PHRASE_CANDIDATES:
                break
        if cands:
            out[" ".join(key)] = (bool(sources.get(term, 0) & MOBY), tuple(cands))
    return out


_NO_MODEL = LinearModel({}, 0.0)


def hash_half(group: str) -> int:
    import zlib

    return zlib.crc32(group.encode()) % 2


def teacher_file() -> Path:
    """Where the full check's evidence on the training documents is kept: named by
    `training.train_docscore.evidence_hash` (what decides the word evidence), so a changed word or phrase pass
    is asked again rather than remembered, while a refitted document model only recomputes the verdicts from
    the kept evidence (`labels`)."""
    from training.train_docscore import evidence_hash

    return ROOT / "bench" / "work" / f"screen_teacher_{evidence_hash()}.json"


ORIGINALS_CACHE = ROOT / "bench" / "work" / "screen_originals.json"


def _teach(text: str) -> dict:
    """The full check's evidence on ``text`` (`training.train_docscore.raw_evidence`: every word decision, the
    flags the score reads, the style features, the verdict it had then), from which `labels` recomputes the
    verdict with the shipped document model and `word_conf` reads the confidence of every word it judged."""
    from training.train_docscore import raw_evidence

    return raw_evidence(text)


def teacher(corpus: list[dict], processes: int = 2) -> list[dict]:
    """The full check's evidence on every training document (`_teach`), memoised in bench/work by text hash,
    so an interrupted run resumes."""
    import hashlib
    from multiprocessing import get_context

    path = teacher_file()
    memo = json.loads(path.read_text()) if path.exists() else {}
    keys = [hashlib.sha256(d["text"].encode("utf-8", "surrogatepass")).hexdigest()[:24] for d in corpus]
    texts = {k: d["text"] for k, d in zip(keys, corpus)}
    first = {k for k, d in zip(keys, corpus) if d["label"] or d["kind"] == "realdev"}
    # the spun and real documents first: they decide the positives
    todo = sorted((k for k in texts if k not in memo), key=lambda k: (k not in first, k))
    if todo:
        print(f"  full checks of {len(todo)} documents -> {path}", flush=True)
        with get_context("fork").Pool(processes) as pool:
            for i, v in enumerate(pool.imap(_teach, [texts[k] for k in todo], chunksize=4)):
                memo[todo[i]] = v
                if i % 50 == 49:
                    path.write_text(json.dumps(memo))
                    print(f"  full checks {i + 1}/{len(todo)}", flush=True)
        path.write_text(json.dumps(memo))
    return [memo[k] for k in keys]


def word_conf(teach: dict) -> dict[int, float]:
    """The full check's confidence of each word it judged, by start offset."""
    return {int(at[0]): float(d[0]) for d, at in zip(teach["dec"], teach["at"]) if d[2]}


def word_own(teach: dict) -> dict[int, float]:
    """The full check's probability of each word it judged on the word's own evidence (its word model's first
    stage, `unspin.detect.score.context_free_probabilities`, what the document model's ``own_*`` features read),
    by start offset."""
    return {int(at[0]): float(p) for d, at, p in zip(teach["dec"], teach["at"], teach["p1"]) if d[2]}


def cross_fit_originals(corpus: list[dict], halves: list[int], originals: dict[str, tuple[str, ...]],
                        common: set[str]) -> list[dict[str, tuple[str, ...]]]:
    """The likely originals as a new text finds them, for the documents of half 0 and of half 1: those of the
    ``common`` words and of the *other* half's words only. The shipped table holds every training word too, so
    with it a training document's rare substitutes would all have originals (96 % of the simulator's substituted
    content words against 90 % in new text) and out-of-fold scores would be optimistic."""
    seen = [{w for d, h in zip(corpus, halves) if h == hh for _, _, w in word_units(d["text"]) if w is not None} for hh in (0, 1)]
    return [{w: o for w, o in originals.items() if w in common or w in seen[1 - hh]} for hh in (0, 1)]


def cross_fitted(corpus: list[dict], teach: list[dict], originals: dict[str, tuple[str, ...]],
                 phrases: dict[str, tuple[tuple[str, float], ...]]) -> tuple[list[dict[str, float]], list[list[tuple[int, tuple[float, ...]]]], list[LinearModel], list[LinearModel | None]]:
    """Every document's features as they behave on unseen text: its word and bigram tables, its word model and
    the words its likely-original table covers come from the other half of the articles. Returns the features, every document's word rows and the two
    word and own models (fit on half 0 and on half 1)."""
    halves = [hash_half(d["group"]) for d in corpus]
    tables = [count_tables([d for d, h in zip(corpus, halves) if h != hh]) for hh in (0, 1)]
    from wordfreq import top_n_list

    origs = cross_fit_originals(corpus, halves, originals, set(top_n_list("en", VOCABULARY)))
    rows: list[list[tuple[int, tuple[float, ...]]]] = []
    for d, h in zip(corpus, halves):
        r: list[tuple[int, tuple[float, ...]]] = []
        screen_features(d["text"], ScreenModel(*tables[h], _NO_MODEL, origs[h]), r)  # no phrases: rows only
        rows.append(r)
    fits = [fit_words([rw for rw, h in zip(rows, halves) if h == hh], [t for t, h in zip(teach, halves) if h == hh]) for hh in (0, 1)]
    owns = [fit_words([rw for rw, h in zip(rows, halves) if h == hh], [t for t, h in zip(teach, halves) if h == hh], word_own)
            for hh in (0, 1)] if OWN_MODEL else [None, None]
    X = [screen_features(d["text"], ScreenModel(*tables[h], _NO_MODEL, origs[h], word_model=fits[1 - h], phrases=phrases,
                                                own_model=owns[1 - h]))[0]
         for d, h in zip(corpus, halves)]
    return X, rows, fits, owns


def fit_words(rows: list[list[tuple[int, tuple[float, ...]]]], teach: list[dict], target=word_conf) -> LinearModel:
    """The word model: a logistic regression of the full check's confidence of a word (0 for a word it did not
    judge) on `WORD_FEATURES` and their `WORD_PAIRS` products — the soft labels teach it the full check's own view
    of each word. ``target=word_own``: the own model, of the full check's context-free probability instead."""
    X, y = [], []
    for doc_rows, t in zip(rows, teach):
        conf = target(t)
        for start, x in doc_rows:
            X.append(word_feature_dict(x))
            y.append(conf.get(start, 0.0))
    return fit_logistic(X, y)  # type: ignore[arg-type]


def labels(corpus: list[dict], teach: list[dict]) -> list[int]:
    """Positive: the full check calls the document spun (whatever it is: the screen passes on what the full
    check would flag), its verdict recomputed from the kept evidence with the shipped document model."""
    from training.train_docscore import verdict_of

    return [int(verdict_of(t) == "spun") for t in teach]


def scores(teach: list[dict]) -> list[float]:
    """The full check's document score of each training document (what its verdict is cut from: `verdict_of`'s
    score, floored by a match with outside evidence), recomputed from the kept evidence with the shipped
    document model: the document model's soft target."""
    from training.train_docscore import features_of
    from unspin.detect.score import probability
    from unspin.settings import MATCHED_SCORE_FLOOR, STATISTICAL_KINDS

    out = []
    for t in teach:
        score = probability(features_of(t))
        if any(f[0] not in STATISTICAL_KINDS for f in t["flags"]):
            score = max(score, MATCHED_SCORE_FLOOR)
        out.append(score)
    return out


def fit(X: list[dict[str, float]], target: list[float], y: list[int], weights: list[int]) -> LinearModel:
    """The document model: logistic regression of the full check's *score* (``target``, soft labels) on the
    document features, evidence features constrained to non-negative weights; a document the full check does
    not call spun (``y`` 0) weighs `NEG_WEIGHT` times one it does, times its own weight."""
    import numpy as np
    from scipy.optimize import minimize

    names = sorted(X[0])
    A = np.array([[x[n] for n in names] for x in X], dtype=float)
    Y = np.asarray(target, dtype=float)
    W = np.array([w * (1.0 if v else NEG_WEIGHT) for w, v in zip(weights, y)], dtype=float)
    mean, scale = A.mean(axis=0), A.std(axis=0) + 1e-9
    Z = (A - mean) / scale
    l2 = 1e-3

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        p = 1 / (1 + np.exp(-np.clip(Z @ w + b, -40, 40)))
        ll = -(W * (Y * np.log(p + 1e-12) + (1 - Y) * np.log(1 - p + 1e-12))).sum() / W.sum() + 0.5 * l2 * (w @ w)
        g = W * (p - Y) / W.sum()
        return ll, np.concatenate([Z.T @ g + l2 * w, [g.sum()]])

    bounds = [(0.0, None) if n not in FREE else (None, None) for n in names] + [(None, None)]
    res = minimize(loss, np.zeros(len(names) + 1), jac=True, method="L-BFGS-B", bounds=bounds)
    return LinearModel({n: float(v) for n, v in zip(names, res.x[:-1])}, float(res.x[-1]),
                       {n: (float(m), float(sc)) for n, m, sc in zip(names, mean, scale)})


def fit_spot(corpus: list[dict], X: list[dict[str, float]], rows: list, fits: list[LinearModel], owns: list,
             target: list[float], y: list[int], w8: list[int], halves: list[int], oof: list[float],
             recall: float) -> SpotStage:
    """The spot stage: `unspin.screen.SPOT_FEATURES` of every training document (its word and own models of the
    other half, as `cross_fitted`), the document model refitted with them, and the threshold of the two-stage
    score (the look-up score outside `SPOT_BAND`, the spot model's inside) chosen out of fold for ``recall``
    of the documents the full check calls spun."""
    from unspin.api import get_detector
    from unspin.screen import spot_features

    t0 = time.process_time()
    det = get_detector()
    spots = []
    for d, rw, h in zip(corpus, rows, halves):
        half = ScreenModel({}, {}, _NO_MODEL, word_model=fits[1 - h], own_model=owns[1 - h])
        spots.append(spot_features(d["text"], rw, half, SPOT_WORDS, det))
    print(f"spot features of {len(corpus)} documents: {1000 * (time.process_time() - t0) / max(len(corpus), 1):.1f} ms "
          "of CPU a document", flush=True)
    X2 = [dict(x, **sp) for x, sp in zip(X, spots)]
    lo, hi = SPOT_BAND
    both = list(oof)
    for hh in (0, 1):
        m = fit([x for x, h in zip(X2, halves) if h != hh], [v for v, h in zip(target, halves) if h != hh],
                [v for v, h in zip(y, halves) if h != hh], [w for w, h in zip(w8, halves) if h != hh])
        for i, h in enumerate(halves):
            if h == hh and lo <= oof[i] < hi:
                both[i] = _sig(m.raw(X2[i]))
    threshold = min(max(choose_threshold(both, y, recall), lo), hi)
    clean = [s for s, d in zip(both, corpus) if not d["label"]]
    band = sum(lo <= s < hi for s, d in zip(oof, corpus) if not d["label"]) / max(len(clean), 1)
    got = sum(s >= threshold for s, v in zip(both, y) if v) / max(sum(y), 1)
    print(f"spot stage out of fold: threshold {threshold:g} passes on {got:.3f} of the full check's spun documents and "
          f"{sum(s >= threshold for s in clean) / max(len(clean), 1):.3f} of the clean ones; {band:.3f} of the clean ones "
          f"spot-checked; AUC {auc(both, y):.4f}", flush=True)
    return SpotStage(fit(X2, target, y, w8), SPOT_BAND, threshold, SPOT_WORDS)


def choose_threshold(scores: list[float], y: list[int], recall: float) -> float:
    """The highest threshold (2 decimals) at which ``recall`` of the positives score at or above it."""
    pos = sorted(s for s, v in zip(scores, y) if v)
    k = int(len(pos) * (1 - recall))
    return float(int(pos[k] * 100) / 100)


def auc(scores: list[float], labels: list[int]) -> float:
    pos = [s for s, y in zip(scores, labels) if y]
    neg = [s for s, y in zip(scores, labels) if not y]
    wins = sum((p > q) + 0.5 * (p == q) for p in pos for q in neg)
    return wins / max(len(pos) * len(neg), 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=500, help="BBC training articles (each as written and spun once)")
    ap.add_argument("--sotu", type=int, default=150, help="State of the Union passages (training half)")
    ap.add_argument("--recall", type=float, default=RECALL, help="recall of the full check's spun documents the threshold is chosen for")
    ap.add_argument("--refit", action="store_true", help="reuse the spun texts and likely originals of the last run (bench/work)")
    ap.add_argument("--teach-only", action="store_true",
                    help="only run the full check on the training documents (kept in bench/work; the fit reads it "
                         "later, e.g. once a new document model is written)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes for the full checks")
    ap.add_argument("--order", choices=["file", "mixed"], default="mixed", help=ORDER_HELP)
    args = ap.parse_args()
    t = time.time()
    key = dict(docs=args.docs, sotu=args.sotu, settings=SETTINGS, version=2, **({"order": args.order} if args.order != "file" else {}))
    if args.refit and CACHE.exists() and json.loads(CACHE.read_text()).get("key") == key:
        corpus = json.loads(CACHE.read_text())["corpus"]
    else:
        corpus = build_corpus(args.docs, args.sotu, args.order)
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        CACHE.write_text(json.dumps(dict(key=key, corpus=corpus)))
    print(f"{len(corpus)} documents ({sum(d['label'] for d in corpus)} spun) in {time.time() - t:.0f}s", flush=True)
    teach = teacher(corpus, args.jobs)
    if args.teach_only:
        print(f"full check evidence of {len(teach)} documents kept in {teacher_file()} ({time.time() - t:.0f}s)")
        return
    y = labels(corpus, teach)
    target = scores(teach)
    print(f"full check: {sum(y)} of {len(corpus)} documents called spun ({time.time() - t:.0f}s)", flush=True)
    okey = dict(key, originals=ORIGINALS, vocabulary=VOCABULARY)
    cached = json.loads(ORIGINALS_CACHE.read_text()) if args.refit and ORIGINALS_CACHE.exists() else {}
    if cached and dict(cached["key"], originals=ORIGINALS) == okey and cached["key"]["originals"] >= ORIGINALS:
        # built with as many or more per word, ranked: the first ORIGINALS are the same
        originals = {w: tuple(o[:ORIGINALS]) for w, o in cached["originals"].items()}
    else:
        originals = build_originals(corpus)
        ORIGINALS_CACHE.write_text(json.dumps(dict(key=okey, originals=originals)))
    print(f"{len(originals)} words with likely originals ({time.time() - t:.0f}s)", flush=True)
    phrases = build_phrases()
    print(f"{len(phrases)} thesaurus phrases ({time.time() - t:.0f}s)", flush=True)
    X, rows, fits, owns = cross_fitted(corpus, teach, originals, phrases)
    w8 = [d["weight"] for d in corpus]
    halves = [hash_half(d["group"]) for d in corpus]
    # out-of-fold document scores (the document model of the other half): what the threshold is chosen on
    oof = [0.0] * len(corpus)
    for hh in (0, 1):
        m = fit([x for x, h in zip(X, halves) if h != hh], [v for v, h in zip(target, halves) if h != hh],
                [v for v, h in zip(y, halves) if h != hh], [w for w, h in zip(w8, halves) if h != hh])
        for i, h in enumerate(halves):
            if h == hh:
                oof[i] = _sig(m.raw(X[i]))
    cross = auc(oof, y)
    threshold = choose_threshold(oof, y, args.recall)
    passed = {}
    for kind in ("bbc", "sotu", "realdev"):
        clean = [s for s, d in zip(oof, corpus) if d["kind"] == kind and not d["label"]]
        passed[kind] = round(sum(s >= threshold for s in clean) / max(len(clean), 1), 3)
    recall = sum(s >= threshold for s, v in zip(oof, y) if v) / max(sum(y), 1)
    clean_oof = [s for s, d in zip(oof, corpus) if not d["label"]]
    sweep = {r: choose_threshold(oof, y, r) for r in (0.95, 0.96, 0.97, 0.98)}
    print("out of fold, recall of the full check's spun -> threshold, clean passed on: " + "; ".join(
        f"{r:.2f} -> {t:g}, {sum(s >= t for s in clean_oof) / max(len(clean_oof), 1):.3f}" for r, t in sweep.items()), flush=True)
    print(f"out of fold: AUC {cross:.4f}; threshold {threshold:g} passes on {recall:.3f} of the full check's spun "
          f"documents and of the clean ones {passed}", flush=True)
    model = fit(X, target, y, w8)
    spot = fit_spot(corpus, X, rows, fits, owns, target, y, w8, halves, oof, args.recall)
    words, bigrams = count_tables(corpus)
    word_model = fit_words(rows, teach)
    own_model = fit_words(rows, teach, word_own) if OWN_MODEL else None
    screen_model = ScreenModel(words, bigrams, model, originals, word_model=word_model, phrases=phrases, own_model=own_model,
                               spot=spot)
    data = training_files() + ([realdev.DIR / n for n in ("pairs.jsonl", "spun.jsonl", "clean.jsonl")] if realdev.available() else [])
    payload = dict(screen_model.to_dict(), meta=dict(docs=args.docs, sotu=args.sotu, documents=len(corpus),
                                                     full_check_spun=sum(y), out_of_fold_auc=round(cross, 4),
                                                     threshold=threshold, threshold_recall=args.recall,
                                                     out_of_fold_recall=round(recall, 3), out_of_fold_clean_passed=passed,
                                                     settings=SETTINGS, realdev_fold_trained=0))
    payload["meta"]["spot"] = dict(band=list(SPOT_BAND), words=SPOT_WORDS, threshold=spot.threshold)
    save_model(OUT, payload, model.features, data, compact=True)
    print(f"{len(words)} words, {len(bigrams)} bigrams, {len(originals)} likely originals, {len(phrases)} phrases -> {OUT}")
    print(f"set unspin.settings.SCREEN_THRESHOLD = {threshold:g}")
    for n, w in model.weights.items():
        print(f"  {n:15s} {w:+.3f}")
    print("word model:", {n: round(w, 3) for n, w in word_model.weights.items()})


if __name__ == "__main__":
    main()

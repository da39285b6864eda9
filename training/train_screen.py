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
bigrams seen often enough and clearly spinner-like are kept. The likely originals of each word of
the vocabulary (the 30,000 commonest English words and the corpus's) are the full check's own
candidates (`unspin.detect.candidates`), ranked by channel prior and frequency, computed here once.

The screen's job is to pass on what the full check would call spun, so the regression's positives
are the spun documents the full check calls spun (its verdicts are computed once and kept in
``bench/work/screen_teacher.json``); a spin the full check misses would be missed after the screen
too. The document features (`unspin.screen.FEATURES`) feed a logistic regression; the table features of a document are
computed with tables counted on the *other* half of the articles (cross-fitting), so the regression
weighs them as they behave on unseen text; the shipped tables are counted on all of it.

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
from devkit.spinner import Spinner, load_bbc, split_ids
from unspin.detect.calibration import LinearModel
from unspin.detect.modelio import save_model
from unspin.screen import ScreenModel, screen_features, word_units
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
ORIGINALS = 4
ORIGINAL_ZIPF_WEIGHT = 0.7
ORIGINAL_MIN_ZIPF = 3.0
VOCABULARY = 30_000
MAX_WEIGHT = 5.0
#: features whose weight may be negative (what is normal for a kind of prose, not evidence of spinning)
FREE = ("lm_mean", "zipf_mean", "oov_share", "function_share", "name_share", "number_share", "sentence_words")
#: weight of a genuine document relative to a spun one in the regression
NEG_WEIGHT = 2.0


def _spin(text: str, setting: dict, seed: int) -> tuple[str, list[tuple[int, int]], dict[str, str]]:
    s = Spinner(seed=seed, **setting).spin(text)
    return s.text, [(x.start, x.end) for x in s.substitutions], {f"{x.start}:{x.end}": x.original for x in s.substitutions}


def build_corpus(docs: int, sotu: int) -> list[dict]:
    """Every training document: ``{"text", "label", "group", "spans", "weight", "kind"}`` (``spans``: the
    substituted character spans of a spun text; ``group``: the article it comes from, for the halves)."""
    from devkit.sotu import sotu_passages

    train, _ = split_ids(load_bbc())
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


_NO_MODEL = LinearModel({}, 0.0)


def features(corpus: list[dict], originals: dict[str, tuple[str, ...]]) -> list[dict[str, float]]:
    """Each document's features, its table features from the tables of the other half (cross-fitting)."""
    halves = [[d for d in corpus if hash_half(d["group"]) == h] for h in (0, 1)]
    tables = [count_tables(halves[1 - h]) for h in (0, 1)]
    out = []
    for d in corpus:
        words, bigrams = tables[hash_half(d["group"])]
        out.append(screen_features(d["text"], ScreenModel(words, bigrams, _NO_MODEL, originals))[0])
    return out


def hash_half(group: str) -> int:
    import zlib

    return zlib.crc32(group.encode()) % 2


TEACHER = ROOT / "bench" / "work" / "screen_teacher.json"


def _verdict(text: str) -> str:
    from unspin.api import check

    return check(text).verdict


def teacher_labels(corpus: list[dict], limit: int | None = None, processes: int = 2) -> list[str | None]:
    """The full check's verdict on every spun training document (on ``limit`` of them at most, the real
    pages first, then in hash order), None for a genuine one (a negative whatever the full check says)
    and for a spun one left out; memoised in bench/work by text hash, so an interrupted run resumes."""
    import hashlib
    from multiprocessing import get_context

    memo = json.loads(TEACHER.read_text()) if TEACHER.exists() else {}
    keys = [hashlib.sha256(d["text"].encode("utf-8", "surrogatepass")).hexdigest()[:24] for d in corpus]
    spun = sorted({(d["kind"] != "realdev", k): d["text"] for k, d in zip(keys, corpus) if d["label"]}.items())
    spun = spun[:limit] if limit is not None else spun
    chosen = {k for (_, k), _ in spun}
    todo = [(k, t) for (_, k), t in spun if k not in memo]
    if todo:
        with get_context("fork").Pool(processes) as pool:
            for i, v in enumerate(pool.imap(_verdict, [t for _, t in todo], chunksize=8)):
                memo[todo[i][0]] = v
                if i % 50 == 49:
                    TEACHER.write_text(json.dumps(memo))
                    print(f"  full checks {i + 1}/{len(todo)}", flush=True)
        TEACHER.write_text(json.dumps(memo))
    return [memo[k] if d["label"] and k in chosen else None for k, d in zip(keys, corpus)]


def fit(X: list[dict[str, float]], corpus: list[dict]) -> LinearModel:
    """The regression: a document is positive when it is spun *and* the full check calls it spun (the
    screen's job is to pass on what the full check would catch; a spin the full check misses would be
    missed after the screen too, and as a positive it only blurs the boundary)."""
    XX, yy = [], []
    for x, d in zip(X, corpus):
        if d["label"] and d.get("full") is None:
            continue  # a spun document the full check was not run on: no label
        XX += [x] * d["weight"]
        yy += [int(d["label"] and d.get("full", "spun") == "spun")] * d["weight"]
    return fit_logistic(XX, yy, neg_weight=NEG_WEIGHT, nonneg=lambda n: n not in FREE)


def auc(scores: list[float], labels: list[int]) -> float:
    pos = [s for s, y in zip(scores, labels) if y]
    neg = [s for s, y in zip(scores, labels) if not y]
    wins = sum((p > q) + 0.5 * (p == q) for p in pos for q in neg)
    return wins / max(len(pos) * len(neg), 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=500, help="BBC training articles (each as written and spun once)")
    ap.add_argument("--sotu", type=int, default=150, help="State of the Union passages (training half)")
    ap.add_argument("--teacher", type=int, default=None, help="full checks on at most this many spun documents (default: all)")
    ap.add_argument("--refit", action="store_true", help="reuse the spun texts of the last run (bench/work)")
    args = ap.parse_args()
    t = time.time()
    key = dict(docs=args.docs, sotu=args.sotu, settings=SETTINGS, version=2)
    if args.refit and CACHE.exists() and json.loads(CACHE.read_text()).get("key") == key:
        corpus = json.loads(CACHE.read_text())["corpus"]
    else:
        corpus = build_corpus(args.docs, args.sotu)
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        CACHE.write_text(json.dumps(dict(key=key, corpus=corpus)))
    print(f"{len(corpus)} documents ({sum(d['label'] for d in corpus)} spun) in {time.time() - t:.0f}s")
    for d, v in zip(corpus, teacher_labels(corpus, args.teacher)):
        d["full"] = v
    print(f"full check: {sum(d['full'] == 'spun' for d in corpus if d['label'])} of {sum(d['full'] is not None for d in corpus)} "
          f"spun documents checked called spun ({time.time() - t:.0f}s)")
    originals = build_originals(corpus)
    print(f"{len(originals)} words with likely originals ({time.time() - t:.0f}s)")
    X = features(corpus, originals)
    model = fit(X, corpus)
    kept = [(x, int(d["label"] and d["full"] == "spun")) for x, d in zip(X, corpus) if not (d["label"] and d["full"] is None)]
    labels = [y for _, y in kept]
    cross = auc([model.raw(x) for x, _ in kept], labels)
    words, bigrams = count_tables(corpus)
    screen_model = ScreenModel(words, bigrams, model, originals)
    data = training_files() + ([realdev.DIR / n for n in ("pairs.jsonl", "spun.jsonl", "clean.jsonl")] if realdev.available() else [])
    payload = dict(screen_model.to_dict(), meta=dict(docs=args.docs, sotu=args.sotu, documents=len(corpus),
                                                     spun=sum(labels), cross_fitted_auc=round(cross, 4),
                                                     settings=SETTINGS, realdev_fold_trained=0,
                                                     teacher=sum(d["full"] is not None for d in corpus)))
    save_model(OUT, payload, model.features, data, compact=True)
    print(f"cross-fitted AUC on the training documents {cross:.4f}; {len(words)} words, {len(bigrams)} bigrams, "
          f"{len(originals)} likely originals -> {OUT}")
    for n, w in model.weights.items():
        print(f"  {n:15s} {w:+.3f}")


if __name__ == "__main__":
    main()

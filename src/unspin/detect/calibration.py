"""Per-word confidence: a two-stage model over the decoder's features.

Stage 1 is a logistic regression over one word's own evidence (LM margin,
surprise, frequencies, topic fit, ...). Its probabilities, averaged over the
*other* words of the document, say how spun the document looks as a whole;
stage 2 (gradient-boosted trees, scikit-learn's HistGradientBoosting exported
to plain arrays) sees the word's evidence plus those document features, so a
borderline word in a heavily spun article is flagged and the same word in a
clean one is not.

The model lives in ``unspin/data/token_model.json``; ``training/train_detect.py``
rebuilds it from the BBC development corpus and the spinner simulator (see
docs/detection.md). Inference needs only NumPy.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np

from unspin.detect.modelio import check_features, load_shipped

MODEL_FILE = "token_model.json"
DOC_FEATURES = ("doc_mean_p1", "doc_share_p1", "doc_log_words", "doc_mean_x_margin")


@dataclass(frozen=True)
class LinearModel:
    weights: Mapping[str, float]
    bias: float
    #: feature -> (mean, scale) used to standardise before the dot product
    scaling: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def features(self) -> tuple[str, ...]:
        """The features this model reads."""
        return tuple(self.weights)

    def raw(self, features: Mapping[str, float]) -> float:
        z = self.bias
        for name, w in self.weights.items():
            mean, scale = self.scaling.get(name, (0.0, 1.0))
            z += w * (features.get(name, 0.0) - mean) / scale
        return z

    def to_dict(self) -> dict[str, Any]:
        return {"type": "linear", "weights": dict(self.weights), "bias": self.bias,
                "scaling": {k: list(v) for k, v in self.scaling.items()}}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> LinearModel:
        return cls(dict(d["weights"]), float(d["bias"]),
                   {k: (float(v[0]), float(v[1])) for k, v in d.get("scaling", {}).items()})


@dataclass(frozen=True)
class TreeEnsemble:
    """Sum of regression trees (HistGradientBoosting layout) plus a baseline, as log-odds."""

    features: tuple[str, ...]
    baseline: float
    #: per tree: feature, threshold, left, right, leaf flag, value, missing-goes-left
    trees: tuple[dict[str, np.ndarray], ...]

    def raw_batch(self, X: np.ndarray) -> np.ndarray:
        out = np.full(X.shape[0], self.baseline, dtype=np.float64)
        rows = np.arange(X.shape[0])
        for t in self.trees:
            node = np.zeros(X.shape[0], dtype=np.int64)
            while True:
                leaf = t["leaf"][node]
                if leaf.all():
                    break
                x = X[rows, t["feature"][node]]
                go_left = np.where(np.isnan(x), t["missing_left"][node], x <= t["threshold"][node])
                nxt = np.where(go_left, t["left"][node], t["right"][node])
                node = np.where(leaf, node, nxt)
            out += t["value"][node]
        return out

    def raw_one(self, features: Mapping[str, float]) -> float:
        """`raw_batch` of one row given as a feature dict, through the trees compiled once to nested
        comparisons (a numpy pass per tree level costs ~15 ms for a single row, this ~0.1-0.5 ms)."""
        fn = self.__dict__.get("_compiled")
        if fn is None:
            fn = _compile_trees(self)
            object.__setattr__(self, "_compiled", fn)
        return fn([features.get(name, 0.0) for name in self.features])

    def to_dict(self) -> dict[str, Any]:
        return {"type": "trees", "features": list(self.features), "baseline": self.baseline,
                "trees": [{k: v.tolist() for k, v in t.items()} for t in self.trees]}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> TreeEnsemble:
        dtypes = {"feature": np.int64, "threshold": np.float64, "left": np.int64, "right": np.int64,
                  "leaf": bool, "value": np.float64, "missing_left": bool}
        trees = tuple({k: np.asarray(t[k], dtype=dt) for k, dt in dtypes.items()} for t in d["trees"])
        return cls(tuple(d["features"]), float(d["baseline"]), trees)


def _compile_trees(ensemble: TreeEnsemble) -> Callable[[list[float]], float]:
    """``ensemble`` as one Python function of a row (values in ``ensemble.features`` order)."""
    lines = ["def raw(x):", f"    z = {float(ensemble.baseline)!r}"]
    for t in ensemble.trees:
        feat, thr, left, right = t["feature"].tolist(), t["threshold"].tolist(), t["left"].tolist(), t["right"].tolist()
        leaf, value, miss = t["leaf"].tolist(), t["value"].tolist(), t["missing_left"].tolist()
        stack = [(0, 1)]
        while stack:  # depth first, the left branch before the right: the nesting of if/else
            node, depth = stack.pop()
            pad = "    " * depth
            if node < 0:  # the else of node -node - 1
                lines.append(f"{pad}else:")
                continue
            if leaf[node]:
                lines.append(f"{pad}z += {float(value[node])!r}")
                continue
            # NaN goes where the tree sends missing values: `not (v > t)` is true for NaN, `v <= t` false
            x = f"x[{int(feat[node])}]"
            lines.append(f"{pad}if {'not (' + x + ' > ' if miss[node] else x + ' <= '}{float(thr[node])!r}{')' if miss[node] else ''}:")
            stack += [(right[node], depth + 1), (-node - 1, depth), (left[node], depth + 1)]
    lines.append("    return z")
    scope: dict[str, Any] = {}
    exec(compile("\n".join(lines), "<unspin trees>", "exec"), scope)  # our own model's numbers only
    return scope["raw"]


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def doc_features(p1: Sequence[float], margins: Sequence[float]) -> list[dict[str, float]]:
    """Document features for each word from the stage-1 probabilities of the *other* words."""
    n = len(p1)
    total = float(sum(p1))
    high = sum(1 for p in p1 if p > 0.5)
    out = []
    for p, m in zip(p1, margins):
        mean = (total - p) / max(n - 1, 1)
        out.append({
            "doc_mean_p1": mean,
            "doc_share_p1": (high - (p > 0.5)) / max(n - 1, 1),
            "doc_log_words": math.log10(n + 1),
            "doc_mean_x_margin": mean * m,
        })
    return out


@dataclass(frozen=True)
class TokenModel:
    stage1: LinearModel
    stage2: TreeEnsemble | LinearModel | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def features(self) -> tuple[str, ...]:
        """Every feature either stage reads (stage 2 adds `DOC_FEATURES`)."""
        names = dict.fromkeys(self.stage1.features)
        if self.stage2 is not None:
            names.update(dict.fromkeys(self.stage2.features))
        return tuple(names)

    def predict_document(self, features: Sequence[dict[str, float]]) -> list[float]:
        """Confidence for every candidate word of one document (adds the doc features in place)."""
        if not features:
            return []
        p1 = [_sigmoid(self.stage1.raw(f)) for f in features]
        if self.stage2 is None:
            return p1
        for f, extra in zip(features, doc_features(p1, [f.get("margin", 0.0) for f in features])):
            f.update(extra)
        if isinstance(self.stage2, LinearModel):
            return [_sigmoid(self.stage2.raw(f)) for f in features]
        X = np.array([[f.get(n, 0.0) for n in self.stage2.features] for f in features], dtype=np.float64)
        return [_sigmoid(float(z)) for z in self.stage2.raw_batch(X)]

    def predict(self, features: dict[str, float]) -> float:
        """Confidence for a single word judged on its own (a one-word document)."""
        return self.predict_document([dict(features)])[0]

    def to_dict(self) -> dict[str, Any]:
        return {"stage1": self.stage1.to_dict(), "stage2": self.stage2.to_dict() if self.stage2 else None,
                "meta": dict(self.meta)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> TokenModel:
        s2 = d.get("stage2")
        stage2: TreeEnsemble | LinearModel | None = None
        if s2 is not None:
            stage2 = TreeEnsemble.from_dict(s2) if s2.get("type") == "trees" else LinearModel.from_dict(s2)
        return cls(LinearModel.from_dict(d["stage1"]), stage2, dict(d.get("meta", {})))


#: for training only (``training/train_detect.py`` collects features before a model exists):
#: confidence 0.5 at a margin of 2 log10 units. A missing shipped model is an error, not this.
FALLBACK = TokenModel(LinearModel(weights={"margin": 2.0}, bias=-4.0), None, {"trained": False})


def read_model_file(name: str) -> dict[str, Any] | None:
    """A model file shipped in ``unspin/data`` as a dict (None if it is not there)."""
    try:
        text = resources.files("unspin.data").joinpath(name).read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return None
    return json.loads(text)


def load_token_model() -> TokenModel:
    """The shipped word-confidence model, its features checked against the code's
    (`unspin.detect.modelio`; a `ResourceError` when missing or mismatched)."""
    from unspin.detect._evidence import WORD_FEATURES

    d = load_shipped(MODEL_FILE)
    model = TokenModel.from_dict(d)
    check_features(MODEL_FILE, d["metadata"], model.features, (*WORD_FEATURES, *DOC_FEATURES))
    return model


RESTORE_FILE = "restore_model.json"


def load_restore_model() -> LinearModel:
    """The shipped linear model that ranks candidate originals, its features checked."""
    from unspin.detect._evidence import ALTERNATIVE_FEATURES, TAG_FEATURES

    d = load_shipped(RESTORE_FILE)
    model = LinearModel.from_dict(d)
    check_features(RESTORE_FILE, d["metadata"], model.features, (*ALTERNATIVE_FEATURES, *TAG_FEATURES))
    return model


# -- which word flags are shown ------------------------------------------------------
DISPLAY_FILE = "display_model.json"
#: what the display model reads for each judged word, given the document's spin score
DISPLAY_FEATURES = ("word_logit", "doc_score", "word_x_doc", "doc_mean_conf", "doc_share_high", "near_conf",
                    "margin")
#: candidate words closer than this (characters) are neighbours for ``near_conf``
NEAR_CHARS = 25


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def display_features(decisions: Sequence[Any], spin_score: float, high: float = 0.6) -> list[dict[str, float] | None]:
    """Features of every judged word (one with a suggestion; None for the others) for the display
    model: the word model's confidence, the document's spin score, how confident the model is about
    the *other* words of the document and about the word's nearest neighbours (a genuine word next to
    a swap looks odd only because its context is spun), and the LM margin. ``decisions`` are
    `unspin.detect.decoder.WordDecision`s (anything with ``token``, ``judged``, ``confidence``,
    ``margin``)."""
    judged = [k for k, d in enumerate(decisions) if d.judged]
    confs = [decisions[k].confidence for k in judged]
    n, total = len(judged), float(sum(confs))
    high_n = sum(1 for c in confs if c >= high)
    s = min(max(spin_score, 0.0), 1.0)
    out: list[dict[str, float] | None] = [None] * len(decisions)
    for j, k in enumerate(judged):
        d = decisions[k]
        near = 0.0
        if j > 0 and d.token.start - decisions[judged[j - 1]].token.end < NEAR_CHARS:
            near = max(near, confs[j - 1])
        if j + 1 < n and decisions[judged[j + 1]].token.start - d.token.end < NEAR_CHARS:
            near = max(near, confs[j + 1])
        z = _logit(d.confidence)
        out[k] = {
            "word_logit": z,
            "doc_score": s,
            "word_x_doc": z * s,
            "doc_mean_conf": (total - d.confidence) / max(n - 1, 1),
            "doc_share_high": (high_n - (d.confidence >= high)) / max(n - 1, 1),
            "near_conf": near,
            "margin": float(d.margin),
        }
    return out


@dataclass(frozen=True)
class DisplayModel:
    """Which word flags ``unspin check`` shows: a logistic regression, fitted on development
    articles never used to train the word model or benchmarked (``training/train_detect.py
    --display-only``), of the chance that a judged word really is a swap given its confidence, the
    document's spin score and its neighbours'. A word is shown when that chance is at least
    ``threshold``, and the flag's confidence *is* that chance (the claim the flag makes)."""

    model: LinearModel
    threshold: float
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def features(self) -> tuple[str, ...]:
        return self.model.features

    def probabilities(self, decisions: Sequence[Any], spin_score: float) -> list[float | None]:
        """P(swap) of every judged word of one document (None for words without a suggestion)."""
        return [None if f is None else _sigmoid(self.model.raw(f)) for f in display_features(decisions, spin_score)]

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model.to_dict(), "threshold": self.threshold, "meta": dict(self.meta)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> DisplayModel:
        return cls(LinearModel.from_dict(d["model"]), float(d["threshold"]), dict(d.get("meta", {})))


def load_display_model() -> DisplayModel:
    """The shipped display model, its features checked (a `ResourceError` when missing or mismatched)."""
    d = load_shipped(DISPLAY_FILE)
    model = DisplayModel.from_dict(d)
    check_features(DISPLAY_FILE, d["metadata"], model.features, DISPLAY_FEATURES)
    return model

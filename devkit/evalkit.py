"""Shared helpers for the detection benchmark and the token-model training."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from devkit.spinner import SpunText
from unspin.detect import Detector
from unspin.model import Document


@dataclass
class Counts:
    flags: int = 0
    true_flags: int = 0
    gold: int = 0
    found: int = 0
    restored: int = 0
    words: int = 0

    def add(self, other: Counts) -> None:
        for k in self.__dict__:
            setattr(self, k, getattr(self, k) + getattr(other, k))

    @property
    def precision(self) -> float:
        return self.true_flags / self.flags if self.flags else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def restoration(self) -> float:
        return self.restored / self.found if self.found else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def false_per_1000(self) -> float:
        return 1000 * (self.flags - self.true_flags) / self.words if self.words else 0.0


def match_flags(flags: list[tuple[int, int, str | None]], subs) -> tuple[int, dict[int, bool]]:
    """Flags overlapping a substitution, and for each substitution overlapped by a flag (by index
    into ``subs``: objects with ``start``, ``end``, ``original``) whether one of them restored it."""
    true_flags = 0
    hit: dict[int, bool] = {}
    for a, b, sugg in flags:
        over = [k for k, s in enumerate(subs) if a < s.end and s.start < b]
        true_flags += bool(over)
        for k in over:
            hit[k] = hit.get(k, False) or (sugg or "").lower() == subs[k].original.lower()
    return true_flags, hit


def score_flags(flags: list[tuple[int, int, str | None]], spun: SpunText, n_words: int) -> Counts:
    """Per-substituted-word precision/recall counts for ``(start, end, suggestion)`` flags."""
    true_flags, hit = match_flags(flags, spun.substitutions)
    return Counts(flags=len(flags), true_flags=true_flags, gold=len(spun.substitutions), found=len(hit),
                  restored=sum(hit.values()), words=n_words)


def labelled_decisions(det: Detector, spun: SpunText):
    """The detector's per-word decisions on a spun text, each with its gold label and original."""
    _, decisions = det.detect(Document(spun.text))
    out = []
    for d in decisions:
        label, original = 0, None
        for s in spun.substitutions:
            if d.token.start < s.end and s.start < d.token.end:
                label, original = 1, s.original
                break
        out.append((d, label, original))
    return out


def fit_logistic(X: list[dict], y: list[int], *, neg_weight: float = 1.0, nonneg: Callable[[str], bool] = lambda name: False,
                 drop: tuple[str, ...] = (), l2: float = 1e-3):
    """Weighted, L2-regularised logistic regression over standardised features (scipy L-BFGS-B).

    Negatives weigh ``neg_weight`` times a positive; features for which ``nonneg(name)`` holds
    get weights >= 0 (monotone evidence); ``drop`` leaves features out. Returns a `LinearModel`.
    """
    import numpy as np
    from scipy.optimize import minimize

    from unspin.detect.calibration import LinearModel

    names = sorted(n for n in X[0] if n not in drop)
    A = np.array([[x[n] for n in names] for x in X], dtype=float)
    Y = np.array(y, dtype=float)
    mean, scale = A.mean(axis=0), A.std(axis=0) + 1e-9
    Z = (A - mean) / scale
    w8 = np.where(Y == 0, neg_weight, 1.0)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        p = 1 / (1 + np.exp(-np.clip(Z @ w + b, -40, 40)))
        ll = -(w8 * (Y * np.log(p + 1e-12) + (1 - Y) * np.log(1 - p + 1e-12))).sum() / w8.sum() + 0.5 * l2 * (w @ w)
        g = w8 * (p - Y) / w8.sum()
        return ll, np.concatenate([Z.T @ g + l2 * w, [g.sum()]])

    bounds = [(0.0, None) if nonneg(n) else (None, None) for n in names] + [(None, None)]
    res = minimize(loss, np.zeros(len(names) + 1), jac=True, method="L-BFGS-B", bounds=bounds)
    w, b = res.x[:-1], res.x[-1]
    return LinearModel({n: float(v) for n, v in zip(names, w)}, float(b),
                       {n: (float(m), float(s)) for n, m, s in zip(names, mean, scale)})

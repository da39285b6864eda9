"""Per-word confidence: a logistic model over the decoder's features.

The weights live in ``unspin/data/token_model.json``; ``bench/train_detect.py``
rebuilds that file from the BBC development corpus and the spinner simulator
(see the README). Without the file, a margin-only model is used.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from importlib import resources
from typing import Mapping

MODEL_FILE = "token_model.json"


@dataclass(frozen=True)
class TokenModel:
    weights: Mapping[str, float]
    bias: float
    #: feature -> (mean, scale) used to standardise before the dot product
    scaling: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    meta: Mapping[str, object] = field(default_factory=dict)

    def predict(self, features: Mapping[str, float]) -> float:
        z = self.bias
        for name, w in self.weights.items():
            x = features.get(name, 0.0)
            mean, scale = self.scaling.get(name, (0.0, 1.0))
            z += w * (x - mean) / scale
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)

    def to_dict(self) -> dict:
        return {"weights": dict(self.weights), "bias": self.bias,
                "scaling": {k: list(v) for k, v in self.scaling.items()}, "meta": dict(self.meta)}

    @classmethod
    def from_dict(cls, d: Mapping) -> "TokenModel":
        return cls(dict(d["weights"]), float(d["bias"]),
                   {k: (float(v[0]), float(v[1])) for k, v in d.get("scaling", {}).items()}, dict(d.get("meta", {})))


#: used only when no trained model ships: confidence 0.5 at a margin of 2 log10 units
FALLBACK = TokenModel(weights={"margin": 2.0}, bias=-4.0, meta={"trained": False})


def load_token_model() -> TokenModel:
    try:
        text = resources.files("unspin.data").joinpath(MODEL_FILE).read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return FALLBACK
    return TokenModel.from_dict(json.loads(text))

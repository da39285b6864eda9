"""Detection of spun words and the document spin score.

The check runs in `unspin.detect.pipeline`; `decoder.Detector` holds the resources and
judges the words, `phrases` finds multi-word substitutions, `score` the document score,
`flags` builds flags and settles overlaps, `prepared` reads a document once.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Detector", "DetectorOptions", "WordDecision", "DocumentScore", "score_document"]

_LAZY = {"Detector": "unspin.detect.decoder", "DetectorOptions": "unspin.detect.decoder",
         "WordDecision": "unspin.detect.decoder", "DocumentScore": "unspin.detect.score",
         "score_document": "unspin.detect.score"}


def __getattr__(name: str) -> Any:
    # loaded on first use, so that `unspin.detect.flags` (used by `unspin.search`) stays light
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'unspin.detect' has no attribute {name!r}")

"""Document-level spin score from the detector's per-word evidence.

Until the trained document model lands (issue 4), the score is a documented
closed-form: the expected number of spun words (sum of flag confidences) per
content word, mapped through a logistic curve centred on a density of 4 %
(clean news sits well below 1 %, spinners substitute 15-50 % of words).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from unspin.model import Flag

SPUN_AT = 0.7
CLEAN_BELOW = 0.3
MIN_WORDS = 30


@dataclass(frozen=True)
class DocumentScore:
    spin_score: float
    verdict: str
    explanation: str


def score_document(flags: Sequence[Flag], content_words: int, total_words: int) -> DocumentScore:
    if total_words < MIN_WORDS:
        return DocumentScore(0.5, "uncertain", f"too short to judge ({total_words} words; need {MIN_WORDS})")
    mass = sum(f.confidence for f in flags if f.kind == "spin")
    density = mass / max(content_words, 1)
    z = (density - 0.04) / 0.012
    score = 1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0
    if any(f.kind in ("fingerprint", "source") for f in flags):
        score = max(score, 0.9)
    verdict = "spun" if score >= SPUN_AT else "clean" if score < CLEAN_BELOW else "uncertain"
    expl = f"{len(flags)} suspicious phrase{'s' if len(flags) != 1 else ''} in {total_words} words ({100 * density:.1f}% of content words)"
    return DocumentScore(score, verdict, expl)

"""Language identification with py3langid (a naive Bayes model shipped inside the wheel).

unspin's thesaurus and language model are English, so a French page would be
"restored" into nonsense. The check looks at the text outside the excluded
furniture, at most `SAMPLE_CHARS` of it, and names the most likely language
with a probability. Nothing is downloaded: the model file is package data.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

#: Characters of text the identifier reads (beginning of the text, furniture left out).
SAMPLE_CHARS = 4000

_LOCK = threading.Lock()
_IDENTIFIER: Any = None


def _identifier() -> Any:
    """The process-wide py3langid identifier with normalised probabilities (loaded once, ~0.7 s)."""
    global _IDENTIFIER
    with _LOCK:
        if _IDENTIFIER is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _IDENTIFIER = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return _IDENTIFIER


def sample_text(text: str, excluded: Sequence[tuple[int, int]] = (), limit: int = SAMPLE_CHARS) -> str:
    """Up to ``limit`` characters of the text outside the excluded spans, in order."""
    parts: list[str] = []
    size = 0
    pos = 0
    for start, end in sorted(excluded) + [(len(text), len(text))]:
        if start > pos:
            piece = text[pos:start][: limit - size]
            parts.append(piece)
            size += len(piece)
            if size >= limit:
                break
        pos = max(pos, end)
    return " ".join(parts)


#: Very common English words; running prose in another language hardly uses them.
_ENGLISH_MARKERS = frozenset(
    "the of and to in is that it was for on are with as his they be at have this from by had not "
    "but what all were when we there can an your which their said if will would has been who its".split()
)


def obviously_english(text: str) -> bool:
    """Cheap pre-check: at least 20 % of the first 300 words are common English function words.

    Spares loading the language model (~0.5 s) for the usual English article;
    anything else goes to the identifier.
    """
    words = [w.strip(".,;:!?\"'()").lower() for w in text.split()[:300]]
    words = [w for w in words if w]
    return len(words) >= 30 and sum(w in _ENGLISH_MARKERS for w in words) / len(words) >= 0.2


def identify(text: str) -> tuple[str, float]:
    """The most likely language of a text (ISO 639-1 code) and its probability (0..1)."""
    if obviously_english(text):
        return "en", 1.0
    lang, prob = _identifier().classify(text)
    return str(lang), float(prob)

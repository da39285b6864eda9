"""Language identification with py3langid (a naive Bayes model shipped inside the wheel).

unspin's thesaurus and language model are English, so a French page would be
"restored" into nonsense. The check looks at the text outside the excluded
furniture, at most `SAMPLE_CHARS` of it, and names the most likely language
with a probability. Nothing is downloaded: the model file is package data.
"""

from __future__ import annotations

import threading
from typing import Any, Sequence

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


def identify(text: str) -> tuple[str, float]:
    """The most likely language of a text (ISO 639-1 code) and its probability (0..1)."""
    lang, prob = _identifier().classify(text)
    return str(lang), float(prob)

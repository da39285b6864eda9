"""The library entry points that the CLI, the web service and the scan wrap."""

from __future__ import annotations

import threading
from typing import Any, Sequence

from unspin.detect import Detector, score_document
from unspin.detect.fingerprints import FingerprintList
from unspin.detect.decoder import Detector as _Detector, document_tokens
from unspin.model import Document, Report
from unspin.text import TokenKind

_LOCK = threading.Lock()
_DETECTOR: _Detector | None = None


def get_detector() -> Detector:
    """The process-wide detector (resources loaded once, shared read-only)."""
    global _DETECTOR
    with _LOCK:
        if _DETECTOR is None:
            _DETECTOR = Detector()
        return _DETECTOR


def check(
    document: Document | str,
    *,
    detector: Detector | None = None,
    fingerprints: FingerprintList | None = None,
    warnings: Sequence[str] = (),
    index: Any = None,
    min_confidence: float | None = None,
    top_sources: int = 1,
    lexicons: Sequence[Any] = (),
) -> Report:
    """Check one document: flag spun phrases and score the whole text.

    With ``fingerprints``, catalogued tortured phrases are flagged too (kind
    ``fingerprint``); they take precedence over statistical flags they overlap.
    With ``index`` (a `unspin.index.SourceIndex` or an index path), the best
    source found there is aligned with the document and every substituted word
    gets a ``source`` flag with the exact original, taking precedence over
    flags it overlaps; ``Report.sources`` holds the verified sources found (up to
    ``top_sources``, best first), so callers never search the index a second time.
    When the verdict is ``spun``, word flags down to
    ``DetectorOptions.spun_document_threshold`` (0.3) are added, marked
    ``evidence["in_spun_document"]``: in a spun text most suspicious words are
    swaps (`Detector.spun_document_flags`).
    With ``lexicons`` (`unspin.learn.SpinnerLexicon`s, or one `unspin.learn.apply.LexiconFlagger`),
    the swaps a spinner was seen to make are flagged where the language model prefers the
    original (kind ``lexicon``); they take precedence over statistical flags they overlap.
    ``min_confidence`` drops less confident flags from the report; the score
    and verdict are computed from all the evidence first, so they do not change.
    """
    doc = Document(text=document) if isinstance(document, str) else document
    det = detector or get_detector()
    flags, decisions = det.detect(doc)
    if lexicons:
        from unspin.learn.apply import lexicon_flagger

        lex_flags = lexicon_flagger(lexicons, det).flags(doc)
        if lex_flags:
            flags = sorted(
                lex_flags + [f for f in flags if not any(f.start < g.end and g.start < f.end for g in lex_flags)],
                key=lambda f: f.start,
            )
    if fingerprints is not None:
        fp_flags = fingerprints.flags(doc)
        flags = sorted(
            fp_flags + [f for f in flags if not any(f.start < g.end and g.start < f.end for g in fp_flags)],
            key=lambda f: f.start,
        )
    if index is not None:
        from unspin.search import search, source_flags

        found = search(doc, index, top=max(1, top_sources)).matches
        src_flags = source_flags(doc, found[0]) if found else []
        if src_flags:
            flags = sorted(
                src_flags + [f for f in flags if not any(f.start < g.end and g.start < f.end for g in src_flags)],
                key=lambda f: f.start,
            )
    tokens = document_tokens(doc)
    words = [t for t in tokens if t.kind is TokenKind.WORD]
    score = score_document(decisions, flags, total_words=len(words), text=doc.text, tokens=tokens)
    explanation = score.explanation
    if score.verdict == "spun":
        # the document is spun, so most of its suspicious words are swaps: show those
        # below the word threshold too (the score above was computed without them)
        more = det.spun_document_flags(decisions, flags)
        if more:
            flags = sorted([*flags, *more], key=lambda f: f.start)
            explanation += (f"; {len(more)} more word{'s' if len(more) != 1 else ''} flagged at confidence "
                            f"≥ {det.options.spun_document_threshold:g} because the document is spun")
    if min_confidence is not None:
        kept = [f for f in flags if f.confidence >= min_confidence]
        if len(kept) < len(flags):
            explanation += f"; {len(kept)} shown at confidence ≥ {min_confidence:g}"
        flags = kept
    return Report(
        document=doc,
        spin_score=score.spin_score,
        verdict=score.verdict,  # type: ignore[arg-type]
        flags=tuple(flags),
        explanation=explanation,
        words=len(words),
        warnings=tuple(warnings),
        sources=None if index is None else tuple(found),
    )

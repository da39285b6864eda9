"""The library entry points that the CLI, the web service and the scan wrap.

`check` reads nothing itself: it prepares the document once (`unspin.detect.prepared`)
and runs the one check pipeline (`unspin.detect.pipeline.run`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from unspin.detect.decoder import Detector
from unspin.detect.pipeline import CatalogueFlagger, Flagger, LexiconLayer, run
from unspin.detect.prepared import prepare
from unspin.model import Document, Report
from unspin.settings import MAX_CHECK_WORDS

if TYPE_CHECKING:
    from unspin.detect.catalogue import PhraseCatalogue
    from unspin.index import SourceIndex

__all__ = ["check", "get_detector"]

_LOCK = threading.Lock()
_DETECTOR: Detector | None = None


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
    catalogue: PhraseCatalogue | None = None,
    index: SourceIndex | str | Path | None = None,
    top_sources: int = 1,
    min_confidence: float | None = None,
    max_words: int | None = MAX_CHECK_WORDS,
    warnings: Sequence[str] = (),
    detector: Detector | None = None,
    lexicons: Sequence[Any] = (),
    flaggers: Sequence[Flagger] = (),
    fingerprints: PhraseCatalogue | None = None,
    lexicon_channel: bool = True,
) -> Report:
    """Check one document: flag spun phrases and score the whole text.

    With ``catalogue`` (a `unspin.detect.catalogue.PhraseCatalogue` of tortured phrases),
    catalogued phrases are flagged too (kind ``fingerprint``); they take precedence over
    statistical flags they overlap. ``fingerprints`` is its old name, still accepted.
    With ``index`` (a `unspin.index.SourceIndex` or an index path), the best source
    found there is aligned with the document and every substituted word gets a
    ``source`` flag with the exact original, taking precedence over the flags it
    overlaps; ``Report.sources`` holds the verified sources found (up to
    ``top_sources``, best first), so callers never search the index a second time.
    (The order is `unspin.settings.FLAG_PRECEDENCE`.)
    Once the document is scored, the word flags shown are chosen by the display model
    (`unspin.detect.calibration.DisplayModel`): a word's confidence is its chance of being a
    swap given its own evidence, the spin score and its neighbours, and words under the
    model's threshold are not shown (the word model's own confidence is in
    ``evidence["word_confidence"]``).
    ``min_confidence`` drops less confident flags from the report; the score
    and verdict are computed from all the evidence first, so they do not change.
    ``max_words`` caps the words checked (`unspin.settings.MAX_CHECK_WORDS`; None: no
    cap): a longer document is checked up to the end of the sentence reaching the cap,
    with a warning in ``Report.warnings``. ``warnings`` (e.g. from the reader) are
    passed through to the report.
    With ``lexicons`` (`unspin.learn.SpinnerLexicon`s, or one `unspin.learn.apply.LexiconFlagger`),
    the swaps a spinner was seen to make are flagged where the language model prefers the
    original (kind ``lexicon``); they take precedence over statistical flags they overlap.
    In a document the lexicons recognise as their spinner's output, when they carry fitted channel
    parameters, the decoder weighs and ranks candidate originals by that spinner's channel instead
    of the shipped one (`unspin.learn.apply.spinner_check`; ``lexicon_channel=False``: never).
    ``flaggers`` are further origins of flags (`unspin.detect.pipeline.Flagger`, kinds named
    in `FLAG_PRECEDENCE`).

    Example: ``check("The two chiefs will then go to the opening service.").verdict``
    """
    doc = Document(text=document) if isinstance(document, str) else document
    prepared = prepare(doc, max_words)
    if fingerprints is not None:
        if catalogue is not None:
            raise TypeError("check() takes catalogue= or its old name fingerprints=, not both")
        catalogue = fingerprints
    layers: list[Flagger] = [*flaggers]
    if catalogue is not None:
        layers.insert(0, CatalogueFlagger(catalogue))
    if lexicons and lexicon_channel:
        from unspin.learn.apply import spinner_check

        lexicon_layer, detector = spinner_check(lexicons, detector or get_detector(), prepared)
        layers.insert(0, lexicon_layer)
    elif lexicons:
        layers.insert(0, LexiconLayer(lexicons))
    if index is None:
        return run(prepared, detector or get_detector(), flaggers=layers, top_sources=top_sources,
                   min_confidence=min_confidence, warnings=warnings)
    from unspin.index import SourceIndex

    ix = index if isinstance(index, SourceIndex) else SourceIndex.open(index)
    try:
        return run(prepared, detector or get_detector(), flaggers=layers, index=ix, top_sources=top_sources,
                   min_confidence=min_confidence, warnings=warnings)
    finally:
        if ix is not index:
            ix.close()

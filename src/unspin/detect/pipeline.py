"""The check, in one place: a prepared document in, a `Report` out.

`run` is the whole of ``unspin check`` after reading the input, in this order:

1. the document was prepared once (`unspin.detect.prepared`: tokens, sentences, word
   counts, the word cap);
2. decode: every content word judged (`Detector.decisions`);
3. flags by origin: statistical word and phrase flags (`Detector.spin_flags`), the
   tortured-phrase catalogue, any further flaggers (the hook for spinner lexicons), and the
   exact restorations read off the best source found in the index;
4. one precedence rule settles overlaps (`unspin.settings.FLAG_PRECEDENCE`,
   `unspin.detect.flags.layer`);
5. the document score and verdict (`unspin.detect.score`);
6. the word flags shown are chosen again by the display model, now that the document score is
   known (`Detector.shown_flags`); without one, in a document judged spun the words between the
   spun-document and the word thresholds are flagged too;
7. a spinner lexicon judges the word flags shown in a document it recognises as its spinner's
   by its counts of each word form (a flagger's ``review``: `unspin.learn.apply.review_word_flags`);
8. the explanation, and ``min_confidence`` applied last (score and verdict do not change).

`unspin.check` (``unspin.api.check``) prepares the document and calls `run`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from unspin.detect.flags import layer, source_flags
from unspin.detect.phrases import spun_document_phrase_flags
from unspin.detect.prepared import PreparedDocument
from unspin.detect.score import score_document
from unspin.model import Flag, Match, Report
from unspin.settings import FLAG_PRECEDENCE, SPUN_DOCUMENT_PHRASE_FLAG_AT, TORTURED_PHRASES

if TYPE_CHECKING:
    from unspin.detect.decoder import Detector
    from unspin.index import SourceIndex


class Flagger(Protocol):
    """A further origin of flags for `run` (e.g. a spinner lexicon learned from its copies).

    ``kind`` is the kind of flag it makes and must be named in `FLAG_PRECEDENCE`, which
    says which flags it replaces on overlap and which replace it."""

    kind: str

    def flags(self, prepared: PreparedDocument, detector: Detector) -> list[Flag]: ...


class CatalogueFlagger:
    """A tortured-phrase catalogue as a `Flagger` (kind ``fingerprint``)."""

    kind = "fingerprint"

    def __init__(self, catalogue: object) -> None:
        self.catalogue = catalogue

    def flags(self, prepared: PreparedDocument, detector: Detector) -> list[Flag]:
        return self.catalogue.flags(prepared.document, tokens=prepared.tokens)  # type: ignore[attr-defined]


class LexiconLayer:
    """Spinner lexicons (`unspin.learn`) as a `Flagger` (kind ``lexicon``)."""

    kind = "lexicon"

    def __init__(self, lexicons: object) -> None:
        self.lexicons = lexicons

    def flags(self, prepared: PreparedDocument, detector: Detector) -> list[Flag]:
        from unspin.learn.apply import lexicon_flagger

        return lexicon_flagger(self.lexicons, detector).flags(prepared.document, tokens=prepared.tokens)

    def review(self, flags: Sequence[Flag], detector: Detector) -> list[Flag]:
        from unspin.learn.apply import lexicon_flagger

        return lexicon_flagger(self.lexicons, detector).review(flags, detector)


def find_sources(prepared: PreparedDocument, index: SourceIndex, top: int = 1) -> tuple[Match, ...]:
    """Verified sources of the checked text in ``index``, best first."""
    return tuple(index.search(prepared.checked_text, top=max(1, top), tokens=prepared.all_tokens))


def run(
    prepared: PreparedDocument,
    detector: Detector,
    *,
    flaggers: Sequence[Flagger] = (),
    index: SourceIndex | None = None,
    top_sources: int = 1,
    min_confidence: float | None = None,
    warnings: Sequence[str] = (),
) -> Report:
    """Check a prepared document (see the module docstring for the steps)."""
    doc = prepared.document
    decisions = detector.decisions(prepared)
    by_kind: dict[str, list[Flag]] = {"spin": detector.spin_flags(prepared, decisions)}
    if TORTURED_PHRASES and not any(f.kind == "tortured" for f in flaggers):
        from unspin.detect.tortured import TorturedFlagger

        flaggers = [TorturedFlagger(), *flaggers]  # uncatalogued tortured phrases, on by default
    for flagger in flaggers:
        _require_kind(flagger.kind)
        by_kind.setdefault(flagger.kind, []).extend(flagger.flags(prepared, detector))
    sources: tuple[Match, ...] | None = None
    if index is not None:
        sources = find_sources(prepared, index, top_sources)
        by_kind["source"] = source_flags(doc, sources[0]) if sources else []
    flags = layer(by_kind.get(kind) for kind in FLAG_PRECEDENCE)

    # a lexicon flag is outside evidence (it floors the score) in a document the lexicon recognises
    # as its spinner's, or for a distinctive entry; a lone everyday swap elsewhere is not: it had
    # turned clean articles "spun" and let the spun-document flags in (bench/learn.py)
    scored = [f for f in flags if f.kind != "lexicon" or f.evidence.get("spinner_document") or f.evidence.get("distinctive")]
    # a lexicon adds outside evidence and takes none away: the statistical evidence is read as without it (its
    # flags replace the word flags they cover, whose margins and confidences the document features read), so
    # the score, and with it which of the other words are shown, is never lower than without the lexicon
    statistical = (layer(by_kind.get(kind) for kind in FLAG_PRECEDENCE if kind != "lexicon")
                   if any(f.kind == "lexicon" for f in flags) else None)
    score = score_document(decisions, scored, total_words=prepared.words, text=doc.text, tokens=prepared.tokens,
                           sentences=prepared.sentences, statistical=statistical)
    explanation = score.explanation
    display = getattr(detector, "display_model", None)
    # (a spinner lexicon's flags change none of this: the words it knows nothing about are judged as
    # without it, so it never costs the detector recall there; bench/learn.py)
    if score.verdict == "spun":
        # the document is spun, so most of its suspicious words are swaps: show those
        # below the word threshold too (the score above was computed without them)
        # phrases first (a low phrase flag explains the words inside it), then words
        phrases = spun_document_phrase_flags(detector, prepared, flags, SPUN_DOCUMENT_PHRASE_FLAG_AT)
        more = detector.spun_document_flags(decisions, [*flags, *phrases]) if display is None else []
        if more or phrases:
            flags = sorted([*flags, *phrases, *more], key=lambda f: f.start)
            what: list[str] = []
            at: list[str] = []
            if display is None:  # the words are chosen here (with a display model: below)
                what.append(f"{len(more)} more word{'s' if len(more) != 1 else ''}")
                at.append(f"≥ {detector.options.spun_document_threshold:g}")
            if phrases:
                what.append(f"{len(phrases)} phrase{'s' if len(phrases) != 1 else ''}")
                at.append(f"(phrases ≥ {SPUN_DOCUMENT_PHRASE_FLAG_AT:g})" if at else f"≥ {SPUN_DOCUMENT_PHRASE_FLAG_AT:g}")
            explanation += f"; {' and '.join(what)} flagged at confidence {' '.join(at)} because the document is spun"
    if display is not None:
        # which word flags are shown is decided now that the document is scored: the chance that
        # each word is a swap given its confidence, the score and its neighbours (the score above
        # was computed from the word model's own flags)
        flags = detector.shown_flags(decisions, flags, score.spin_score)
        n = sum(1 for f in flags if f.kind == "spin" and "phrase" not in f.evidence)
        explanation += f"; {n} word flag{'s' if n != 1 else ''} shown, each with its chance of a swap given the document"
    # a spinner lexicon judges the word flags shown in its spinner's documents by its counts of each
    # word form: how often the spinner output it, how often it kept it (`unspin.learn.apply.review_word_flags`)
    for flagger in flaggers:
        review = getattr(flagger, "review", None)
        if review is not None:
            n = len(flags)
            flags = review(flags, detector)
            if len(flags) < n:
                explanation += f"; {n - len(flags)} word flag{'s' if n - len(flags) != 1 else ''} dropped: words the spinner's copies kept or never showed"
    if min_confidence is not None:
        kept = [f for f in flags if f.confidence >= min_confidence]
        if len(kept) < len(flags):
            explanation += f"; {len(kept)} shown at confidence ≥ {min_confidence:g}"
        flags = kept
    cut = prepared.warning()
    return Report(
        document=doc,
        spin_score=score.spin_score,
        verdict=score.verdict,  # type: ignore[arg-type]
        flags=tuple(flags),
        explanation=explanation,
        words=prepared.words,
        warnings=(*warnings, cut) if cut else tuple(warnings),
        sources=sources,
    )


def _require_kind(kind: str) -> None:
    if kind not in FLAG_PRECEDENCE:
        raise ValueError(f"flag kind {kind!r} has no place in unspin.settings.FLAG_PRECEDENCE {FLAG_PRECEDENCE}")

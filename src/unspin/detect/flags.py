"""Flag assembly: decisions and matches become `Flag`s, and one rule settles overlaps.

`overlay` is the only place where flags of different origins meet: a flag of a
stronger kind replaces every weaker flag it overlaps. The order, weakest first, is
`unspin.settings.FLAG_PRECEDENCE`: a statistical word flag, a multi-word (phrase)
flag, then the kinds read off outside evidence (catalogue, source).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from unspin.model import Document, Flag, Match
from unspin.settings import SOURCE_FLAG_CONFIDENCE

if TYPE_CHECKING:
    from unspin.detect.decoder import WordDecision
    from unspin.detect.phrases import PhraseMatch


def overlay(lower: Sequence[Flag], upper: Sequence[Flag]) -> list[Flag]:
    """``upper`` over ``lower``: every flag of ``upper``, and those of ``lower`` that overlap none of them,
    sorted by start (on a tie, the ``upper`` flag first)."""
    return sorted([*upper, *(f for f in lower if not any(f.start < g.end and g.start < f.end for g in upper))],
                  key=lambda f: f.start)


def layer(layers: Iterable[Sequence[Flag] | None]) -> list[Flag]:
    """Flags of several origins, given weakest first, with overlaps settled by `overlay`
    (an origin with no flags changes nothing)."""
    out: list[Flag] = []
    for flags in layers:
        if flags:
            out = overlay(out, flags) if out else sorted(flags, key=lambda f: f.start)
    return out


def word_flag(d: WordDecision) -> Flag:
    return Flag(
        start=d.token.start,
        end=d.token.end,
        text=d.token.text,
        suggestion=match_case(d.suggestion, d.token.text) if d.suggestion else None,
        confidence=d.confidence,
        kind="spin",
        evidence={"margin_log10": round(d.margin, 3), "alternatives": [match_case(a, d.token.text) for a in d.alternatives[1:4]]},
    )


def phrase_flag(m: PhraseMatch, text: str) -> Flag:
    observed = text[m.start : m.end]
    return Flag(
        start=m.start,
        end=m.end,
        text=observed,
        suggestion=match_case(m.suggestion, observed) if m.suggestion else None,
        confidence=m.confidence,
        kind="spin",
        evidence={"margin_log10": round(m.features["margin"], 3), "phrase": m.phrase,
                  "alternatives": [match_case(a, observed) for a in m.alternatives[1:4]],
                  **({"inserted": m.entry or "entry"} if m.kind == "inserted" else {})},
    )


def source_flags(document: Document, match: Match, confidence: float = SOURCE_FLAG_CONFIDENCE) -> list[Flag]:
    """Exact restorations read off an aligned source: one ``source`` flag per substitution."""
    return [
        Flag(start=s.copy_start, end=s.copy_end, text=document.text[s.copy_start : s.copy_end], suggestion=s.source_text,
             confidence=confidence, kind="source", evidence={"source_id": match.id, "alignment_score": round(match.score, 4)})
        for s in match.substitutions
    ]


def spun_document_flags(decisions: Sequence[WordDecision], flags: Sequence[Flag], lo: float, hi: float) -> list[Flag]:
    """Word flags with confidence in ``[lo, hi)`` outside ``flags``, marked ``evidence.in_spun_document``."""
    out = []
    for d in decisions:
        if not d.judged or not lo <= d.confidence < hi:
            continue
        if any(d.token.start < f.end and f.start < d.token.end for f in flags):
            continue
        f = word_flag(d)
        out.append(replace(f, evidence={**f.evidence, "in_spun_document": True}))
    return out


def match_case(suggestion: str, observed: str) -> str:
    if observed[:1].isupper():
        return suggestion[:1].upper() + suggestion[1:]
    return suggestion


def shown_word_flags(decisions: Sequence[WordDecision], flags: Sequence[Flag], probabilities: Sequence[float | None],
                     threshold: float, floor: float) -> list[Flag]:
    """``flags`` with their plain word flags chosen again: the words at ``floor`` or above whose
    chance of being a swap in this document (``probabilities``, from the display model) is at least
    ``threshold``. The chance is the flag's confidence, the word model's own is kept in
    ``evidence.word_confidence``. A word the word model alone is sure of is not shown when the
    document makes it unlikely: it would be a flag whose own confidence says it is probably wrong
    (State of the Union passages judged clean showed such words at 0.03-0.1). Phrase flags and flags
    of other kinds are kept, and a word inside one of them is not flagged again."""
    kept = [f for f in flags if f.kind != "spin" or "phrase" in f.evidence]
    words = []
    for d, p in zip(decisions, probabilities):
        if p is None or not d.judged:
            continue
        if p < threshold or d.confidence < floor:
            continue
        if any(d.token.start < f.end and f.start < d.token.end for f in kept):
            continue
        f = word_flag(d)
        words.append(replace(f, confidence=round(p, 4), evidence={**f.evidence, "word_confidence": round(d.confidence, 4)}))
    return sorted([*kept, *words], key=lambda f: f.start)

"""What the report page shows, computed from one `Report`: segments, restored text, side by side.

Everything here returns plain data (strings, numbers); the Jinja2 templates
escape every piece of article text when they render it, and the page's JSON
twin (`report_json`) is built from the same objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from unspin.model import Flag, Match, Report
from unspin.settings import HIGH_CONFIDENCE_AT, WORD_FLAG_AT


def confidence_class(confidence: float) -> str:
    """The colour band of a flag (the terminal report's, from `unspin.settings`)."""
    return "high" if confidence >= HIGH_CONFIDENCE_AT else "mid" if confidence >= WORD_FLAG_AT else "low"


@dataclass(frozen=True)
class Segment:
    """A run of text: plain, page furniture, a flagged phrase, or one side of an aligned pair."""

    text: str
    flag: int | None = None  # index into report.flags
    furniture: bool = False
    level: str = ""
    suggestion: str | None = None
    confidence: float = 0.0
    pair: int | None = None  # index into SideBySide.substitutions


def _non_overlapping(flags: Sequence[Flag]) -> list[tuple[int, Flag]]:
    out: list[tuple[int, Flag]] = []
    pos = 0
    for i, f in sorted(enumerate(flags), key=lambda x: x[1].start):
        if f.start >= pos and f.end > f.start:
            out.append((i, f))
            pos = f.end
    return out


def _plain(text: str, a: int, b: int, excluded: Sequence[tuple[int, int]]) -> list[Segment]:
    """Text ``a:b`` split into plain and furniture segments."""
    segs: list[Segment] = []
    pos = a
    for x, y in sorted(excluded):
        x, y = max(x, a), min(y, b)
        if x >= y:
            continue
        if x > pos:
            segs.append(Segment(text[pos:x]))
        segs.append(Segment(text[x:y], furniture=True))
        pos = y
    if pos < b:
        segs.append(Segment(text[pos:b]))
    return segs


def highlighted(report: Report) -> list[Segment]:
    """The document text as segments, every flagged phrase its own segment."""
    doc = report.document
    segs: list[Segment] = []
    pos = 0
    for i, f in _non_overlapping(report.flags):
        segs.extend(_plain(doc.text, pos, f.start, doc.excluded))
        segs.append(Segment(f.text, flag=i, level=confidence_class(f.confidence), suggestion=f.suggestion, confidence=f.confidence))
        pos = f.end
    segs.extend(_plain(doc.text, pos, len(doc.text), doc.excluded))
    return segs


def restored_segments(report: Report) -> list[Segment]:
    """The text with every suggestion applied; restored words are their own segments."""
    text = report.document.text
    segs: list[Segment] = []
    pos = 0
    for i, f in _non_overlapping(report.flags):
        if not f.suggestion:
            continue
        if f.start > pos:
            segs.append(Segment(text[pos : f.start]))
        segs.append(Segment(f.suggestion, flag=i, level=confidence_class(f.confidence), suggestion=f.text, confidence=f.confidence))
        pos = f.end
    if pos < len(text):
        segs.append(Segment(text[pos:]))
    return segs


def restored_text(report: Report) -> str:
    """The document text with every suggestion applied."""
    return "".join(s.text for s in restored_segments(report))


def _paired(text: str, spans: Sequence[tuple[int, int, int]]) -> list[Segment]:
    segs: list[Segment] = []
    pos = 0
    for a, b, k in sorted(spans):
        if a < pos or b > len(text) or a >= b:
            continue
        if a > pos:
            segs.append(Segment(text[pos:a]))
        segs.append(Segment(text[a:b], pair=k))
        pos = b
    if pos < len(text):
        segs.append(Segment(text[pos:]))
    return segs


@dataclass(frozen=True)
class SideBySide:
    """The copy and its source as segments, each aligned substitution's two sides sharing a ``pair`` number."""

    match: Match
    copy: list[Segment]
    source: list[Segment]
    #: The substitutions shown (those with a span in the source).
    substitutions: int


def side_by_side(report: Report, match: Match) -> SideBySide:
    """Both texts cut at the substitutions of ``match`` (which must carry its ``source_text``)."""
    subs = [s for s in match.substitutions if s.source_end > s.source_start]
    copy = _paired(report.document.text, [(s.copy_start, s.copy_end, k) for k, s in enumerate(subs)])
    source = _paired(match.source_text or "", [(s.source_start, s.source_end, k) for k, s in enumerate(subs)])
    return SideBySide(match=match, copy=copy, source=source, substitutions=len(subs))


def report_json(report: Report, matches: Sequence[Match] = ()) -> dict[str, Any]:
    """The report page's JSON twin: the report (CLI contract), the restored text, the sources found."""
    return {
        "report": report.to_dict(),
        "restored_text": restored_text(report),
        "matches": [m.to_dict() for m in matches],
    }

"""The one data model that flows through unspin.

Every command, the web service and the batch scan produce and consume these
frozen dataclasses, and they are serialised to JSON in exactly one way
(`to_dict` / `from_dict`). Character offsets (`start`, `end`) always index
into `Document.text`, so `doc.text[flag.start:flag.end] == flag.text`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Verdict = Literal["spun", "clean", "uncertain"]
VERDICTS: tuple[str, ...] = ("spun", "clean", "uncertain")

#: Kinds of flag. ``spin``: statistical detector; ``fingerprint``: a catalogued
#: tortured phrase; ``source``: restoration read off an aligned source article;
#: ``lexicon``: a swap learned from the same spinner's copies (`unspin.learn`);
#: ``tortured``: an uncatalogued tortured phrase, a known term with its words swapped
#: (`unspin.detect.tortured`).
FLAG_KINDS: tuple[str, ...] = ("spin", "fingerprint", "source", "lexicon", "tortured")


@dataclass(frozen=True)
class Document:
    """A text to analyse. ``source`` names where it came from (a path, a URL)."""

    text: str
    id: str | None = None
    source: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    #: Character spans of page furniture that detection must ignore.
    excluded: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise TypeError(f"Document.text must be str, not {type(self.text).__name__}")
        for start, end in self.excluded:
            if not 0 <= start <= end <= len(self.text):
                raise ValueError(f"excluded span ({start}, {end}) outside text of length {len(self.text)}")

    def visible_text(self) -> str:
        """The text without its ``excluded`` spans (page furniture), the pieces joined by line breaks."""
        if not self.excluded:
            return self.text
        pieces, pos = [], 0
        for a, b in sorted(self.excluded):
            pieces.append(self.text[pos:a])
            pos = max(pos, b)
        pieces.append(self.text[pos:])
        return "\n".join(pieces)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "source": self.source, "text": self.text}
        if self.metadata:
            d["metadata"] = dict(self.metadata)
        if self.excluded:
            d["excluded"] = [list(s) for s in self.excluded]
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Document:
        return cls(
            text=d["text"],
            id=d.get("id"),
            source=d.get("source"),
            metadata=dict(d.get("metadata") or {}),
            excluded=tuple((int(a), int(b)) for a, b in d.get("excluded") or ()),
        )


@dataclass(frozen=True)
class Flag:
    """One suspicious span of the document, with the wording we believe was there."""

    start: int
    end: int
    text: str
    suggestion: str | None
    confidence: float
    kind: str = "spin"
    #: Free-form, JSON-serialisable numbers and strings explaining the flag.
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad flag span ({self.start}, {self.end})")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} outside 0..1")

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "suggestion": self.suggestion,
            "confidence": round(self.confidence, 4),
            "kind": self.kind,
        }
        if self.evidence:
            d["evidence"] = dict(self.evidence)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Flag:
        return cls(
            start=int(d["start"]),
            end=int(d["end"]),
            text=d["text"],
            suggestion=d.get("suggestion"),
            confidence=float(d["confidence"]),
            kind=d.get("kind", "spin"),
            evidence=dict(d.get("evidence") or {}),
        )


@dataclass(frozen=True)
class Report:
    """The result of checking one document."""

    document: Document
    spin_score: float
    verdict: Verdict
    flags: tuple[Flag, ...] = ()
    #: One line a person can read: why this verdict.
    explanation: str = ""
    #: Words considered by the detector (excluded spans and names not counted).
    words: int = 0
    #: Non-fatal problems met while reading or checking (e.g. invalid UTF-8 replaced).
    warnings: tuple[str, ...] = ()
    #: Verified sources found in the index the check was given, best first (the ``source``
    #: flags come from the first); None when the check had no index to search.
    sources: tuple[Match, ...] | None = None

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, not {self.verdict!r}")
        if not 0.0 <= self.spin_score <= 1.0:
            raise ValueError(f"spin_score {self.spin_score} outside 0..1")
        n = len(self.document.text)
        for f in self.flags:
            if f.end > n or self.document.text[f.start : f.end] != f.text:
                raise ValueError(f"flag {f.start}:{f.end} {f.text!r} does not index into the document text")

    def to_dict(self) -> dict[str, Any]:
        d = self.document.to_dict()
        d.update(
            {
                "spin_score": round(self.spin_score, 4),
                "verdict": self.verdict,
                "explanation": self.explanation,
                "words": self.words,
                "flags": [f.to_dict() for f in self.flags],
            }
        )
        if self.sources is not None:
            d["sources"] = [m.to_dict() for m in self.sources]
        if self.warnings:
            d["warnings"] = list(self.warnings)
        return d

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Report:
        return cls(
            document=Document.from_dict(d),
            spin_score=float(d["spin_score"]),
            verdict=d["verdict"],
            flags=tuple(Flag.from_dict(f) for f in d.get("flags") or ()),
            explanation=d.get("explanation", ""),
            words=int(d.get("words", 0)),
            warnings=tuple(d.get("warnings") or ()),
            sources=None if d.get("sources") is None else tuple(Match.from_dict(m) for m in d["sources"]),
        )

    @classmethod
    def from_json(cls, s: str) -> Report:
        return cls.from_dict(json.loads(s))


@dataclass(frozen=True)
class Pair:
    """An aligned passage: ``copy[copy_start:copy_end]`` was taken from ``source[source_start:source_end]``."""

    copy_start: int
    copy_end: int
    source_start: int
    source_end: int

    def to_dict(self) -> dict[str, int]:
        return {"copy_start": self.copy_start, "copy_end": self.copy_end, "source_start": self.source_start, "source_end": self.source_end}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Pair:
        return cls(int(d["copy_start"]), int(d["copy_end"]), int(d["source_start"]), int(d["source_end"]))


@dataclass(frozen=True)
class Substitution:
    """A word of the copy that replaced ``source_text`` of the source (offsets in the copy)."""

    copy_start: int
    copy_end: int
    copy_text: str
    source_text: str
    #: Where ``source_text`` sits in the source.
    source_start: int = 0
    source_end: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"copy_start": self.copy_start, "copy_end": self.copy_end, "copy_text": self.copy_text, "source_text": self.source_text}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Substitution:
        return cls(int(d["copy_start"]), int(d["copy_end"]), d["copy_text"], d["source_text"], int(d.get("source_start", 0)), int(d.get("source_end", 0)))


@dataclass(frozen=True)
class Alignment:
    """Copy-to-source alignment: passages, substitutions and how much they explain."""

    pairs: tuple[Pair, ...] = ()
    substitutions: tuple[Substitution, ...] = ()
    #: Share of the copy's words inside aligned passages.
    coverage: float = 0.0
    #: Identical words in passages over the words of the shorter text, capped at ``full_score_words`` (0..1).
    score: float = 0.0
    #: Identical words inside passages.
    matched: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 4), "coverage": round(self.coverage, 4), "matched": self.matched,
            "pairs": [p.to_dict() for p in self.pairs], "substitutions": [s.to_dict() for s in self.substitutions],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Alignment:
        return cls(
            pairs=tuple(Pair.from_dict(p) for p in d.get("pairs") or ()),
            substitutions=tuple(Substitution.from_dict(s) for s in d.get("substitutions") or ()),
            coverage=float(d.get("coverage", 0.0)), score=float(d.get("score", 0.0)), matched=int(d.get("matched", 0)),
        )


@dataclass(frozen=True)
class Match:
    """A candidate source of a copy, verified by alignment."""

    id: str
    score: float
    coverage: float
    pairs: tuple[Pair, ...] = ()
    substitutions: tuple[Substitution, ...] = ()
    title: str | None = None
    url: str | None = None
    date: str | None = None
    #: The source text (kept out of JSON; the side-by-side view uses it).
    source_text: str | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id, "score": round(self.score, 4), "coverage": round(self.coverage, 4),
            "pairs": [p.to_dict() for p in self.pairs], "substitutions": [s.to_dict() for s in self.substitutions],
        }
        for k in ("title", "url", "date"):
            if getattr(self, k) is not None:
                d[k] = getattr(self, k)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Match:
        return cls(
            id=d["id"], score=float(d["score"]), coverage=float(d["coverage"]),
            pairs=tuple(Pair.from_dict(p) for p in d.get("pairs") or ()),
            substitutions=tuple(Substitution.from_dict(s) for s in d.get("substitutions") or ()),
            title=d.get("title"), url=d.get("url"), date=d.get("date"),
        )


@dataclass(frozen=True)
class SearchResult:
    """The candidate sources found for one document, best first."""

    id: str | None
    matches: tuple[Match, ...] = ()
    document: Document | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "matches": [m.to_dict() for m in self.matches]}

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> SearchResult:
        return cls(id=d.get("id"), matches=tuple(Match.from_dict(m) for m in d.get("matches") or ()))

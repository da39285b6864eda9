"""The web service's view of the source index: open once, search, add, delete.

The index library (`unspin.index`) is optional here: when it is not installed
or no index path is configured, `open_backend` returns None and the search and
index endpoints answer 501 with a message saying why. The adapter keeps the
web layer to four calls, so a change in the index library's API touches only
this module.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Mapping, Protocol, Sequence

# A span of the copy aligned to the span of the source it replaced: the data model's Pair.
from unspin.model import Document, Pair  # noqa: F401  (re-exported for the index adapter)


@dataclass(frozen=True)
class SourceMatch:
    """A source article found for a copy, with the substitutions aligned (for the side-by-side view)."""

    source_id: str
    source_text: str
    score: float
    pairs: tuple[Pair, ...] = ()
    source: str | None = None
    #: The index library's own JSON for this match (returned as is by /v1/search).
    raw: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        if self.raw:  # the index library's own Match JSON
            return dict(self.raw)
        d: dict[str, Any] = {}
        d.setdefault("id", self.source_id)
        d.setdefault("score", round(self.score, 4))
        if self.source is not None:
            d.setdefault("source", self.source)
        d["substitutions"] = [{"copy_start": p.copy_start, "copy_end": p.copy_end, "source_start": p.source_start, "source_end": p.source_end} for p in self.pairs]
        return d


class IndexBackend(Protocol):
    """What the web service needs from a source index."""

    description: str

    def search(self, document: Document, k: int) -> list[SourceMatch]:
        """The best ``k`` sources of ``document``, best first, substitutions aligned."""

    def add(self, documents: Sequence[Document]) -> int:
        """Index ``documents`` (replacing ones with the same id); how many were added."""

    def delete(self, doc_id: str) -> bool:
        """Remove one document; False when there was none with that id."""


class BackendUnavailable(Exception):
    """No index is configured, or the index library is not installed."""


class MemoryBackend:
    """A tiny exact-vocabulary index for tests and demos: sources scored by shared word 5-grams.

    Substitutions are aligned with `difflib` on words. Not for production: it
    keeps every text in memory and scans all of them on each search.
    """

    description = "memory (test backend)"

    def __init__(self, documents: Sequence[Document] = ()) -> None:
        self._docs: dict[str, Document] = {}
        self._lock = threading.Lock()
        self.add(documents)

    def add(self, documents: Sequence[Document]) -> int:
        with self._lock:
            for d in documents:
                if d.id is None:
                    raise ValueError("every indexed document needs an id")
                self._docs[d.id] = d
        return len(documents)

    def delete(self, doc_id: str) -> bool:
        with self._lock:
            return self._docs.pop(doc_id, None) is not None

    def search(self, document: Document, k: int) -> list[SourceMatch]:
        import difflib
        import re

        def words(text: str) -> list[tuple[int, int, str]]:
            return [(m.start(), m.end(), m.group().lower()) for m in re.finditer(r"\w+(?:'\w+)?", text)]

        copy = words(document.text)
        copy_grams = {tuple(w[2] for w in copy[i : i + 3]) for i in range(len(copy) - 2)}
        with self._lock:
            docs = list(self._docs.values())
        found: list[SourceMatch] = []
        for src in docs:
            sw = words(src.text)
            grams = {tuple(w[2] for w in sw[i : i + 3]) for i in range(len(sw) - 2)}
            if not grams or not copy_grams:
                continue
            score = len(grams & copy_grams) / max(1, min(len(grams), len(copy_grams)))
            if score < 0.1:
                continue
            sm = difflib.SequenceMatcher(a=[w[2] for w in copy], b=[w[2] for w in sw], autojunk=False)
            pairs = []
            for op, i1, i2, j1, j2 in sm.get_opcodes():
                if op == "replace" and i2 - i1 <= 4 and j2 - j1 <= 4:
                    pairs.append(Pair(copy[i1][0], copy[i2 - 1][1], sw[j1][0], sw[j2 - 1][1]))
            found.append(SourceMatch(source_id=src.id or "", source_text=src.text, score=score, pairs=tuple(pairs), source=src.source))
        found.sort(key=lambda m: -m.score)
        return found[:k]


def open_backend(index_path: str | None) -> IndexBackend | None:
    """The index at ``index_path`` through the index library, or None when there is no path.

    Raises `BackendUnavailable` when a path is given but the index library
    cannot open it (not installed yet, or a bad path).
    """
    if not index_path:
        return None
    try:
        import importlib

        adapter = importlib.import_module("unspin.web.index_adapter")
        return adapter.open_index(index_path)  # type: ignore[no-any-return]
    except ImportError as exc:
        raise BackendUnavailable(f"the source index library is not available ({exc}); /v1/search and the index endpoints answer 501") from exc
    except Exception as exc:  # noqa: BLE001 - a bad index must not stop the checker from serving
        raise BackendUnavailable(f"the index {index_path!r} could not be opened ({type(exc).__name__}: {exc}); /v1/search and the index endpoints answer 501") from exc

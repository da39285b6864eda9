"""`unspin.index.SourceIndex` behind the web service's `IndexBackend` interface.

One index per process, opened at startup. The SQLite connection is shared by
the worker threads, so every call holds one lock: searches are CPU-bound
(alignment) and would queue on the interpreter lock anyway.
"""

from __future__ import annotations

import threading
from typing import Any, Sequence

from unspin.model import Document
from unspin.web.backend import Pair, SourceMatch


class SourceIndexBackend:
    """A `SourceIndex` (SQLite file, or memory for ``:memory:``) as an `IndexBackend`."""

    def __init__(self, index: Any, description: str) -> None:
        self.index = index
        self.description = description
        self._lock = threading.Lock()

    def search(self, document: Document, k: int) -> list[SourceMatch]:
        with self._lock:
            matches = self.index.search(document.text, top=k)
        out = []
        for m in matches:
            text = m.source_text
            if text is None:
                with self._lock:
                    stored = self.index.get(m.id)
                text = stored.text if stored is not None else ""
            pairs = tuple(Pair(s.copy_start, s.copy_end, s.source_start, s.source_end) for s in m.substitutions if s.source_end > s.source_start)
            out.append(SourceMatch(source_id=m.id, source_text=text, score=m.score, pairs=pairs, source=m.url or m.title, raw=m.to_dict()))
        return out

    def add(self, documents: Sequence[Document]) -> int:
        with self._lock, self.index.insertion_session():
            for d in documents:
                self.index.add(d)
        return len(documents)

    def delete(self, doc_id: str) -> bool:
        with self._lock:
            return bool(self.index.remove(doc_id))


def open_index(path: str) -> SourceIndexBackend:
    """Open (or create) the index at ``path``; ``:memory:`` for a throwaway one."""
    from unspin.index import SourceIndex

    index = SourceIndex.open(None if path == ":memory:" else path)
    return SourceIndexBackend(index, f"sqlite {path}" if path != ":memory:" else "memory")

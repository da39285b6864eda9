"""The service's source index: one `SourceIndex` per process, safe to share between worker threads.

`open_index` opens the index at a path (``:memory:`` for a throwaway one) once at startup and
wraps its storage so that every storage call (and a whole insertion session) holds one lock:
the SQLite connection is shared by the worker threads, while the CPU-bound part of a search
(alignment) runs outside the lock. Searches return `unspin.model.Match` as the library does;
the same `SourceIndex` is what `unspin.api.check(doc, index=...)` searches.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from unspin.index import SourceIndex, Storage, StoredDocument
from unspin.model import Document, Match


class IndexUnavailable(Exception):
    """The configured index cannot be opened; search and the index endpoints answer 501."""


class LockedStorage(Storage):
    """A `Storage` whose every call, and every insertion session as a whole, holds one lock."""

    def __init__(self, inner: Storage) -> None:
        self.inner = inner
        self.lock = threading.RLock()

    def content_hash(self, doc_id: str) -> str | None:
        with self.lock:
            return self.inner.content_hash(doc_id)

    def put(self, doc: StoredDocument) -> None:
        with self.lock:
            self.inner.put(doc)

    def remove(self, doc_id: str) -> bool:
        with self.lock:
            return self.inner.remove(doc_id)

    def get(self, doc_id: str) -> StoredDocument | None:
        with self.lock:
            return self.inner.get(doc_id)

    def candidates(self, keys: np.ndarray, limit: int) -> list[tuple[str, int]]:
        with self.lock:
            return self.inner.candidates(keys, limit)

    def size(self) -> int:
        with self.lock:
            return self.inner.size()

    def stats(self) -> dict[str, Any]:
        with self.lock:
            return self.inner.stats()

    def get_meta(self, key: str) -> str | None:
        with self.lock:
            return self.inner.get_meta(key)

    def set_meta(self, key: str, value: str) -> None:
        with self.lock:
            self.inner.set_meta(key, value)

    @contextmanager
    def insertion_session(self) -> Iterator[Storage]:
        with self.lock, self.inner.insertion_session():
            yield self

    def close(self) -> None:
        with self.lock:
            self.inner.close()


class ServiceIndex:
    """The index as the service uses it: search, add, delete, a description for /healthz."""

    def __init__(self, index: SourceIndex, description: str) -> None:
        self.index = index
        self.description = description

    def search(self, document: Document, k: int) -> list[Match]:
        """The best ``k`` sources of ``document``, best first (`unspin.search.search`)."""
        from unspin.search import search

        return list(search(document, self.index, top=k).matches)

    def add(self, documents: Sequence[Document]) -> int:
        """Index ``documents`` in one transaction (an id already there is replaced); how many."""
        with self.index.insertion_session():
            for d in documents:
                self.index.add(d)
        return len(documents)

    def delete(self, doc_id: str) -> bool:
        """Remove one document; False when there was none with that id."""
        return self.index.remove(doc_id)

    def close(self) -> None:
        self.index.close()


def wrap(index: SourceIndex, description: str = "memory") -> ServiceIndex:
    """``index`` made safe to share between the worker threads (its storage behind one lock)."""
    if not isinstance(index.storage, LockedStorage):
        index.storage = LockedStorage(index.storage)
    return ServiceIndex(index, description)


def open_index(path: str | None) -> ServiceIndex | None:
    """The index at ``path`` (created if missing; ``:memory:`` for a throwaway one), None without a path.

    Raises `IndexUnavailable`, with the reason, when the file cannot be opened as an index.
    """
    if not path:
        return None
    try:
        index = SourceIndex.open(None if path == ":memory:" else path)
    except Exception as exc:  # a bad index must not stop the checker from serving
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise IndexUnavailable(f"the index {path!r} could not be opened ({reason}); /v1/search and the index endpoints answer 501") from exc
    return wrap(index, "memory" if path == ":memory:" else f"sqlite {path}")

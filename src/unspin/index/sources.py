"""`SourceIndex`: find the source of a spun copy.

Candidates come from the spin-invariant skeleton shingles
(`unspin.index.fingerprints`) through the inverted index of a `Storage`; each
candidate is then verified and scored by alignment (`unspin.align`), so a
match is never just sketch similarity. This module never touches SQLite.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from unspin.align import AlignOptions, align
from unspin.index.fingerprints import FingerprintOptions, fingerprint
from unspin.index.storage import Storage, StoredDocument, make_storage
from unspin.model import Document, Match
from unspin.text import Token, tokenize


@dataclass(frozen=True)
class SearchOptions:
    #: Candidates read from the inverted index per query.
    candidates: int = 20
    #: Candidates verified by alignment (at most), most shared shingles first.
    verify: int = 6
    #: Fewest shared shingles for a candidate to be aligned.
    min_shared: int = 3
    #: Stop verifying once ``top`` matches are found and the next candidate shares
    #: fewer than this share of the weakest match's shingles.
    stop_ratio: float = 0.5
    #: Lowest alignment score for a match to be reported.
    min_score: float = 0.25


@dataclass
class AddStats:
    added: int = 0
    replaced: int = 0
    unchanged: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"added": self.added, "replaced": self.replaced, "unchanged": self.unchanged}


def content_hash(text: str, meta: Mapping[str, Any]) -> str:
    h = hashlib.sha1(text.encode("utf-8"))
    for k in ("title", "url", "date"):
        h.update(b"\0" + str(meta.get(k) or "").encode("utf-8"))
    return h.hexdigest()


class SourceIndex:
    """Spin-invariant index of source articles over a `Storage` backend.

    Example::

        with SourceIndex.open("sources.db") as index:
            with index.insertion_session():
                index.add(Document(text, id="bbc-1"))
            matches = index.search(spun_text)
    """

    def __init__(self, storage: Storage, fingerprint_options: FingerprintOptions | None = None) -> None:
        self.storage = storage
        saved = storage.get_meta("fingerprint")
        if saved is not None:
            stored = FingerprintOptions(**json.loads(saved))
            if fingerprint_options is not None and fingerprint_options != stored:
                raise ValueError(f"index was built with {stored}, not {fingerprint_options}")
            self.fingerprint_options = stored
        else:
            self.fingerprint_options = fingerprint_options or FingerprintOptions()
            storage.set_meta("fingerprint", json.dumps(self.fingerprint_options.to_dict()))

    @classmethod
    def open(cls, path: str | Path | None = None, **config: Any) -> SourceIndex:
        """An index in the SQLite file ``path`` (created if missing), or in memory when None."""
        if path is None or str(path) == ":memory:":
            return cls(make_storage({"type": "memory", **config}))
        return cls(make_storage({"type": "sqlite", "path": str(path), **config}))

    def __enter__(self) -> SourceIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.storage.close()

    def insertion_session(self) -> Any:
        """``with index.insertion_session():`` — all adds and removes inside are one transaction."""
        return self.storage.insertion_session()

    def add(self, document: Document) -> str:
        """Index ``document`` under its id; returns ``added``, ``replaced`` or ``unchanged``.

        The same id with the same text and metadata is skipped, so a rerun of an
        interrupted add resumes where it stopped.
        """
        if not document.id:
            raise ValueError("documents added to an index need an id")
        meta = document.metadata or {}
        digest = content_hash(document.text, meta)
        old = self.storage.content_hash(document.id)
        if old == digest:
            return "unchanged"
        self.storage.put(
            StoredDocument(
                id=document.id, text=document.text, content_hash=digest,
                sketch=fingerprint(document.text, self.fingerprint_options),
                title=_str(meta.get("title")), url=_str(meta.get("url")), date=_str(meta.get("date")),
            )
        )
        return "added" if old is None else "replaced"

    def add_many(self, documents: Iterable[Document], batch_size: int = 1000) -> AddStats:
        """Add in batches of ``batch_size``, one transaction per batch (a kill loses at most one batch)."""
        stats = AddStats()
        for batch in _batches(documents, batch_size):
            with self.insertion_session():
                for doc in batch:
                    outcome = self.add(doc)
                    setattr(stats, outcome, getattr(stats, outcome) + 1)
        return stats

    def add_inputs(
        self,
        inputs: Iterable[str | tuple[str, str]],
        *,
        format: str | None = None,
        options: Any = None,
        batch_size: int = 500,
        on_result: Callable[[Any], None] | None = None,
    ) -> AddStats:
        """Read documents with `unspin.ingest` (paths, or ``(path, format)`` pairs) and add them.

        Each batch of ``batch_size`` documents is one transaction; documents already
        there with the same content are skipped, so rerunning an interrupted add resumes it.
        Every `unspin.ingest.ReadResult` is passed to ``on_result`` (unreadable inputs and
        skipped documents are not added). ``options``: `unspin.ingest.IngestOptions`
        (default: no language check). A document without an id is indexed under its source.

        Example: ``index.add_inputs([("articles.jsonl", "jsonl")])``
        """
        from unspin.ingest import IngestOptions, iter_documents

        opts = options or IngestOptions(language_check=False)

        def documents() -> Iterator[Document]:
            for result in iter_documents(inputs, format=format, options=opts):
                if on_result is not None:
                    on_result(result)
                if result.document is not None and result.error is None and result.skipped is None:
                    doc = result.document
                    if not doc.id:
                        doc = Document(doc.text, id=doc.source, source=doc.source, metadata=doc.metadata, excluded=doc.excluded)
                    yield doc

        return self.add_many(documents(), batch_size=batch_size)

    def remove(self, doc_id: str) -> bool:
        return self.storage.remove(doc_id)

    def remove_many(self, ids: Iterable[str]) -> int:
        """Remove documents by id in one transaction; returns how many were there."""
        with self.insertion_session():
            return sum(self.remove(i) for i in ids)

    def get(self, doc_id: str) -> StoredDocument | None:
        return self.storage.get(doc_id)

    def __len__(self) -> int:
        return self.storage.size()

    def stats(self) -> dict[str, Any]:
        s = self.storage.stats()
        s["fingerprint"] = self.fingerprint_options.to_dict()
        return s

    def search(self, text: str, top: int = 5, options: SearchOptions = SearchOptions(), *,
               tokens: list[Token] | None = None) -> list[Match]:
        """Candidate sources of ``text``, verified by alignment, best first.

        ``tokens``: ``tokenize(text)`` when the caller has it already (`unspin.check` does)."""
        keys = fingerprint(text, self.fingerprint_options)
        cands = self.storage.candidates(keys, options.candidates)
        if not cands:
            return []
        floor = max(min(options.min_shared, len(keys)), cands[0][1] // 4)
        ctoks = tokenize(text) if tokens is None else tokens
        matches: list[Match] = []
        weakest = 0
        for doc_id, shared in cands[: max(options.verify, top)]:
            if shared < floor or (len(matches) >= top and shared < options.stop_ratio * weakest):
                break
            src = self.storage.get(doc_id)
            if src is None:
                continue
            al = align(text, src.text, AlignOptions(), copy_tokens=ctoks)
            if al.score < options.min_score or not al.pairs:
                continue
            weakest = shared if not matches else min(weakest, shared)
            matches.append(
                Match(id=src.id, score=al.score, coverage=al.coverage, pairs=al.pairs, substitutions=al.substitutions,
                      title=src.title, url=src.url, date=src.date, source_text=src.text)
            )
        matches.sort(key=lambda m: -m.score)
        return matches[:top]


def _str(v: Any) -> str | None:
    return None if v is None else str(v)


def _batches(items: Iterable[Document], n: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for it in items:
        batch.append(it)
        if len(batch) >= n:
            yield batch
            batch = []
    if batch:
        yield batch


_SHARED: dict[str, SourceIndex] = {}
_SHARED_LOCK = threading.Lock()


def open_shared(path: str | Path) -> SourceIndex:
    """This process's open index for ``path``, opened on first use and then reused: what a worker
    (a scan task, a datatrove filter) calls for every document instead of reopening the file."""
    key = str(path)
    with _SHARED_LOCK:
        ix = _SHARED.get(key)
        if ix is None:
            ix = _SHARED[key] = SourceIndex.open(key)
        return ix

"""Library entry points for source search; the ``unspin index`` and ``unspin search`` commands wrap them."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Sequence

from unspin.index import AddStats, SearchOptions, SourceIndex
from unspin.ingest import IngestOptions, ReadResult, iter_documents
from unspin.detect.flags import source_flags
from unspin.model import Document, SearchResult

InputSpec = str | tuple[str, str]


def open_index(index: SourceIndex | str | Path) -> SourceIndex:
    return index if isinstance(index, SourceIndex) else SourceIndex.open(index)


def index_add(
    index: SourceIndex | str | Path,
    inputs: Iterable[InputSpec],
    *,
    format: str | None = None,
    options: IngestOptions | None = None,
    batch_size: int = 500,
    on_result: Callable[[ReadResult], None] | None = None,
) -> AddStats:
    """Read documents with `unspin.ingest` and add them to the index at ``index``.

    Each batch of ``batch_size`` documents is one transaction; documents already
    there with the same content are skipped, so rerunning an interrupted add resumes it.
    Unreadable inputs and skipped documents are passed to ``on_result`` and not added.

    Example: ``index_add("sources.db", [("articles.jsonl", "jsonl")])``
    """
    ix = open_index(index)
    opts = options or IngestOptions(language_check=False)

    def documents() -> Iterable[Document]:
        for result in iter_documents(inputs, format=format, options=opts):
            if on_result is not None:
                on_result(result)
            if result.document is not None and result.error is None and result.skipped is None:
                doc = result.document
                if not doc.id:
                    doc = Document(doc.text, id=doc.source, source=doc.source, metadata=doc.metadata, excluded=doc.excluded)
                yield doc

    try:
        return ix.add_many(documents(), batch_size=batch_size)
    finally:
        if ix is not index:
            ix.close()


def index_remove(index: SourceIndex | str | Path, ids: Sequence[str]) -> int:
    """Remove documents by id in one transaction; returns how many were there."""
    ix = open_index(index)
    try:
        with ix.insertion_session():
            return sum(ix.remove(i) for i in ids)
    finally:
        if ix is not index:
            ix.close()


def index_stats(index: SourceIndex | str | Path) -> dict[str, object]:
    """Documents, postings, bytes per document and fingerprint settings."""
    ix = open_index(index)
    try:
        return ix.stats()
    finally:
        if ix is not index:
            ix.close()


def search(document: Document | str, index: SourceIndex | str | Path, *, top: int = 5, options: SearchOptions = SearchOptions()) -> SearchResult:
    """Candidate sources of ``document`` in ``index``, verified by alignment, best first.

    Example: ``search(open("copy.txt").read(), "sources.db").matches[0].substitutions``
    """
    doc = Document(text=document) if isinstance(document, str) else document
    ix = open_index(index)
    try:
        return SearchResult(id=doc.id or doc.source, matches=tuple(ix.search(doc.text, top=top, options=options)), document=doc)
    finally:
        if ix is not index:
            ix.close()


__all__ = ["index_add", "index_remove", "index_stats", "open_index", "search", "source_flags"]

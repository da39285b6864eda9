"""Library entry points for source search; the ``unspin index`` and ``unspin search`` commands wrap them.

`search` finds the sources of a document. The index maintenance functions here are thin
wrappers of `SourceIndex` methods (`add_inputs`, `remove_many`, `stats`) that open the index
when given a path; ``source_flags`` lives in `unspin.detect.flags`.

This module can also be called: ``import unspin; unspin.search(doc, "sources.db")`` runs
`search` (the package exports the function under the module's own name).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from unspin.detect.flags import source_flags
from unspin.index import AddStats, SearchOptions, SourceIndex
from unspin.ingest import IngestOptions, ReadResult
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
    """`SourceIndex.add_inputs` on the index at ``index`` (opened and closed here when a path).

    Example: ``index_add("sources.db", [("articles.jsonl", "jsonl")])``
    """
    ix = open_index(index)
    try:
        return ix.add_inputs(inputs, format=format, options=options, batch_size=batch_size, on_result=on_result)
    finally:
        if ix is not index:
            ix.close()


def index_remove(index: SourceIndex | str | Path, ids: Sequence[str]) -> int:
    """`SourceIndex.remove_many`: remove documents by id in one transaction; returns how many were there."""
    ix = open_index(index)
    try:
        return ix.remove_many(ids)
    finally:
        if ix is not index:
            ix.close()


def index_stats(index: SourceIndex | str | Path) -> dict[str, object]:
    """`SourceIndex.stats`: documents, postings, bytes per document and fingerprint settings."""
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

from unspin._callable import make_callable  # noqa: E402

make_callable(__name__, "search")

"""Parquet files, read in batches of rows with pyarrow.

The text is the column named by ``text_field``, the id the ``id_field``
column if the file has one; ``url``, ``title`` and ``date`` columns go into
metadata. Rows are numbered from 1. Only these columns are read, a batch of
rows at a time, so memory follows the batch (and the file's row groups), not
the file. A `Source` with ``row_groups`` set reads only those row groups
(one partition of ``unspin scan``), rows still numbered in the whole file.
A file without the text column is one error naming the columns it
does have. Parquet needs random access, so standard input is not accepted.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from unspin.errors import InputError
from unspin.ingest.options import IngestOptions, ReadResult
from unspin.ingest.registry import Reader, register_reader
from unspin.ingest.source import Source
from unspin.model import Document

#: Rows per batch.
BATCH_ROWS = 256
_META_COLUMNS = ("url", "title", "date")


def _read(source: Source, options: IngestOptions) -> Iterator[ReadResult]:
    """The Parquet reader: one document per row."""
    name = source.name
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - pyarrow is a dependency, but a slim install may lack it
        raise InputError(f"{name}: reading Parquet needs pyarrow (pip install pyarrow)") from exc
    if source.path is None:
        raise InputError(f"{name}: Parquet cannot be read from standard input (it needs a seekable file)")
    if source.gzipped:
        raise InputError(f"{name}: a gzip-compressed Parquet file is not supported (Parquet compresses its own columns)")
    try:
        pf = pq.ParquetFile(source.path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InputError(f"{name}: not a readable Parquet file ({exc})") from exc
    columns = list(pf.schema_arrow.names)
    if options.text_field not in columns:
        raise InputError(f"{name}: no column {options.text_field!r} (columns: {', '.join(columns) or 'none'}); use --text-field")
    text_type = pf.schema_arrow.field(options.text_field).type
    is_view = getattr(pa.types, "is_string_view", lambda _t: False)
    if not (pa.types.is_string(text_type) or pa.types.is_large_string(text_type) or is_view(text_type)):
        raise InputError(f"{name}: column {options.text_field!r} holds {text_type}, not strings")
    wanted = [options.text_field]
    if options.id_field in columns and options.id_field != options.text_field:
        wanted.append(options.id_field)
    wanted += [c for c in _META_COLUMNS if c in columns and c not in wanted]
    row = 0
    groups = None
    if source.row_groups is not None:
        first, stop = source.row_groups
        groups = list(range(first, min(stop, pf.num_row_groups)))
        row = sum(pf.metadata.row_group(g).num_rows for g in range(min(first, pf.num_row_groups)))
        if not groups:
            return
    try:
        for batch in pf.iter_batches(batch_size=BATCH_ROWS, columns=wanted, row_groups=groups):
            values: dict[str, list[Any]] = {}
            invalid: set[int] = set()  # rows of this batch whose strings were not valid UTF-8
            for i, col in enumerate(batch.schema.names):
                values[col], bad = _column_values(batch.column(i), pa)
                invalid |= bad
            for i in range(batch.num_rows):
                row += 1
                warnings = (f"{name}#{row}: invalid UTF-8 replaced with U+FFFD",) if i in invalid else ()
                text = values[options.text_field][i]
                if text is None:
                    yield ReadResult(error=f"{name}: row {row}: {options.text_field!r} is null")
                    continue
                meta: dict[str, Any] = {"format": "parquet", "record": row}
                for col in _META_COLUMNS:
                    value = values.get(col, [None] * batch.num_rows)[i]
                    if value is not None and col not in (options.text_field, options.id_field):
                        meta[col] = value if isinstance(value, (str, int, float, bool)) else str(value)
                doc_id = values[options.id_field][i] if options.id_field in values else None
                yield ReadResult(
                    document=Document(text=text, id=None if doc_id is None else str(doc_id), source=f"{name}#{row}", metadata=meta),
                    warnings=warnings,
                )
    except (pa.ArrowException, OSError, ValueError) as exc:
        yield ReadResult(error=f"{name}: row {row + 1}: damaged Parquet data ({exc}); the rest of the file was not read")


def _column_values(column: Any, pa: Any) -> tuple[list[Any], set[int]]:
    """A column as Python values, and the rows whose strings are not valid UTF-8 (another tool can
    write such strings; pyarrow would refuse the whole batch): those rows are decoded with U+FFFD in
    place of the bad bytes, so one bad row costs only a warning."""
    try:
        return column.to_pylist(), set()
    except UnicodeDecodeError:
        pass
    raw = column.cast(pa.large_binary() if pa.types.is_large_string(column.type) else pa.binary()).to_pylist()
    values: list[Any] = []
    bad: set[int] = set()
    for i, b in enumerate(raw):
        if b is None:
            values.append(None)
            continue
        try:
            values.append(b.decode("utf-8"))
        except UnicodeDecodeError:
            values.append(b.decode("utf-8", errors="replace"))
            bad.add(i)
    return values, bad


def looks_like_parquet(head: bytes) -> bool:
    """True when the data starts with the Parquet magic ``PAR1``."""
    return head.startswith(b"PAR1")


PARQUET_READER = register_reader(
    Reader(
        name="unspin.reader.parquet.v1",
        short="parquet",
        extensions=(".parquet", ".pq"),
        read=_read,
        magic=looks_like_parquet,
        description="Parquet table, the text in column --text-field (default \"text\")",
    )
)

"""Plain-text files: decoded exactly, so offsets index into the file's text.

The text is never changed: page furniture is reported as excluded spans
later (`unspin.ingest.furniture`). A file over the size limit is refused, not
truncated; a gzip-compressed text file is decompressed as it streams and
refused as soon as it passes the limit (a gzip bomb costs only the limit).
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from pathlib import Path

from unspin.errors import EmptyInput, InputError, InputTooLarge, NotAFile
from unspin.ingest.encoding import decode_plain
from unspin.ingest.options import DEFAULT_MAX_BYTES, IngestOptions, ReadResult
from unspin.ingest.registry import Reader, register_reader
from unspin.ingest.source import Source, describe_read_error
from unspin.model import Document


def decode_text(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decode the bytes of a text file (BOM, UTF-8, else detected charset); binary data raises `BinaryInput`."""
    return decode_plain(data, name)


def read_text_bytes(source: Source, max_bytes: int) -> bytes:
    """All bytes of a text source (decompressed), refusing more than ``max_bytes``."""
    if not source.gzipped:
        size = source.size()
        if size is not None and size > max_bytes:
            raise InputTooLarge(f"{source.name}: {size:,} bytes is over the {max_bytes:,}-byte limit (--max-bytes)")
    try:
        with source.open() as fh:
            data = fh.read(max_bytes + 1)
    except (EOFError, zlib.error, OSError) as exc:
        raise InputError(f"{source.name}: {describe_read_error(exc)}") from exc
    if len(data) > max_bytes:
        what = "decompresses to more than" if source.gzipped else "is over"
        raise InputTooLarge(f"{source.name}: {what} the {max_bytes:,}-byte limit (--max-bytes); skipped")
    return data


def _read(source: Source, options: IngestOptions) -> Iterator[ReadResult]:
    """The text reader: one document per file, the text exactly as decoded."""
    data = read_text_bytes(source, options.max_bytes)
    if not data.strip():
        raise EmptyInput(f"{source.name}: empty file")
    text, warnings = decode_text(data, source.name)
    if not text.strip():
        raise EmptyInput(f"{source.name}: empty file")
    doc_id = source.path.name if source.path is not None else None
    yield ReadResult(
        document=Document(text=text, id=doc_id, source=source.name, metadata={"format": "txt"}),
        warnings=tuple(warnings),
    )


def read_text_file(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Document, list[str]]:
    """Read one plain-text file into a `Document` whose text is the file's decoded content."""
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise NotAFile(f"{name}: no such file")
    if p.is_dir():
        raise NotAFile(f"{name}: is a directory")
    if not p.is_file():
        raise NotAFile(f"{name}: not a regular file")
    result = next(_read(Source(name=name, path=p), IngestOptions(max_bytes=max_bytes, language_check=False)))
    assert result.document is not None
    return result.document, list(result.warnings)


TEXT_READER = register_reader(
    Reader(
        name="unspin.reader.txt.v1",
        short="txt",
        extensions=(".txt", ".text"),
        read=_read,
        description="plain text, one document per file, kept byte for byte",
    )
)

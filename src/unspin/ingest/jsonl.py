"""JSON lines: one object per line, the text under a configurable key.

Each non-blank line is one record, numbered by its line. The text is the
string at ``text_field`` (``"a.b"`` reaches into nested objects), the id the
value at ``id_field`` if any; string ``url``, ``title`` and ``date`` keys go
into metadata. A line that is not JSON, not an object, or has no text string
is an error for that line only, and so is one nested too deeply for the
parser (``[[[[…]]]]`` a thousand levels deep). Lines are read with a length cap, so one
huge line (or a gzip bomb) costs at most the record limit. A `Source` with
``byte_range = (start, end)`` (uncompressed files only) reads the lines that
start in that range, named by byte offset (``dump.jsonl@81234``): how
``unspin scan`` spreads one large JSONL file over workers.
"""

from __future__ import annotations

import json
import sys
import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO

from unspin.ingest.options import IngestOptions, ReadResult
from unspin.ingest.registry import Reader, register_reader
from unspin.ingest.source import Source, describe_read_error
from unspin.model import Document

_META_KEYS = ("url", "title", "date")


def looks_like_jsonl(head: bytes) -> bool:
    """True when the first non-blank line of the data is a JSON object."""
    for line in head.splitlines():
        if line.strip():
            if not line.lstrip().startswith(b"{"):
                return False
            try:
                return isinstance(json.loads(line), dict)
            except ValueError:
                # A cut-off first line (the head is only the start of the file) still counts.
                return line.rstrip().endswith((b",", b":")) or len(line) >= len(head) - 1
    return False


def _get(obj: Any, dotted: str) -> Any:
    """The value at a dotted key path, or None."""
    for part in dotted.split("."):
        if not isinstance(obj, dict) or part not in obj:
            return None
        obj = obj[part]
    return obj


def _lines(fh: BinaryIO, limit: int, end: int | None = None) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) pairs; a line over ``limit`` bytes comes as None and is skipped unread.

    With ``end`` (a byte slice of an uncompressed file): only lines that start before ``end``,
    numbered by their byte offset instead.
    """
    no = 0
    while True:
        if end is not None:
            no = fh.tell() - 1  # +1 below: the line's byte offset
            if no + 1 >= end:
                return
        line = fh.readline(limit + 1)
        if not line:
            return
        no += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skip the rest of the line in bounded reads
                line = fh.readline(1 << 20)
            yield no, None
            continue
        yield no, line


def _read(source: Source, options: IngestOptions) -> Iterator[ReadResult]:
    """The JSONL reader: one document per line."""
    name = source.name
    no = 0
    span = source.byte_range if not source.gzipped else None
    try:
        with source.open() as fh:
            if span is not None and span[0] > 0:
                fh.seek(span[0] - 1)
                while True:  # the line in progress at the slice's start belongs to the slice before
                    part = fh.readline(1 << 20)
                    if not part or part.endswith(b"\n"):
                        break
            for no, line in _lines(fh, options.max_record_bytes, span[1] if span is not None else None):
                where = f"{name}: line {no}" if span is None else f"{name}: line at byte {no:,}"
                if line is None:
                    yield ReadResult(error=f"{where}: longer than the {options.max_record_bytes:,}-byte record limit; skipped")
                    continue
                if not line.strip():
                    continue
                warnings: list[str] = []
                try:
                    raw = line.decode("utf-8")
                except UnicodeDecodeError:
                    raw = line.decode("utf-8", errors="replace")
                    warnings.append(f"{where}: invalid UTF-8 replaced with U+FFFD")
                try:
                    obj = json.loads(raw)
                except ValueError as exc:
                    msg = getattr(exc, "msg", str(exc))
                    yield ReadResult(error=f"{where}: not JSON ({msg})")
                    continue
                except RecursionError:
                    yield ReadResult(error=f"{where}: JSON nested too deeply (arrays or objects about {sys.getrecursionlimit():,} levels deep); skipped")
                    continue
                if not isinstance(obj, dict):
                    yield ReadResult(error=f"{where}: not a JSON object")
                    continue
                text = _get(obj, options.text_field)
                if not isinstance(text, str):
                    kind = type(text).__name__
                    what = "no" if text is None else f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}, not a"
                    yield ReadResult(error=f"{where}: {what} {options.text_field!r} string field")
                    continue
                doc_id = _get(obj, options.id_field)
                meta: dict[str, Any] = {"format": "jsonl", "record": no} if span is None else {"format": "jsonl", "offset": no}
                for key in _META_KEYS:
                    if isinstance(obj.get(key), str):
                        meta[key] = obj[key]
                doc = Document(
                    text=text,
                    id=None if doc_id is None or isinstance(doc_id, (dict, list)) else str(doc_id),
                    source=f"{name}#{no}" if span is None else f"{name}@{no}",
                    metadata=meta,
                )
                yield ReadResult(document=doc, warnings=tuple(warnings))
    except (EOFError, zlib.error, OSError) as exc:
        yield ReadResult(error=f"{name}: line {no + 1}: {describe_read_error(exc)}; the rest of the file was not read")


JSONL_READER = register_reader(
    Reader(
        name="unspin.reader.jsonl.v1",
        short="jsonl",
        extensions=(".jsonl", ".ndjson", ".jsonlines"),
        read=_read,
        looks_like=looks_like_jsonl,
        description="JSON lines, the text under --text-field (default \"text\")",
    )
)

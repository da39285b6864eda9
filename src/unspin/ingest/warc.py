"""WARC and WARC.gz files (web crawls), read record by record with warcio.

Every record counts for numbering (``crawl.warc.gz: record 17`` is the 17th
record in the file), but only successful (2xx) ``response`` and ``resource``
records holding HTML (or plain text) become documents; requests, metadata,
redirects and images pass by silently. HTML is decoded with the charset the
HTTP header declares and extracted like any page (`unspin.ingest.html`).

Streaming and limits: records are read one at a time from the file and each
payload is read at most up to the record limit, so memory does not grow with
the file. A payload declared or found larger than the limit is skipped.

Damage: a record whose payload stops early is reported as truncated; data
left over that warcio could not parse is reported with its byte offset; a
malformed record (bad header, corrupt gzip member) is reported and, in a
seekable file, reading resumes at the next record (next gzip member, or next
``WARC/`` line), so one bad record does not lose the rest of the crawl.

Slices: a `Source` with ``byte_range = (start, end)`` reads only the records
that *start* in that range (the first one found by a checked resync), so
consecutive ranges read every record exactly once; ``unspin scan`` spreads a
large WARC file over workers this way. Their record numbers in the file are
unknown, so such records are named by byte offset (``crawl.warc.gz@81234``).

warcio is used through a small subclass that keeps its messages off stderr
(they become warnings), caps header lines, and raises on corrupt gzip data
instead of silently stopping.
"""

from __future__ import annotations

import logging
import os
import re
import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO

from unspin.errors import InputError
from unspin.ingest.encoding import decode_bytes
from unspin.ingest.html import extract_html, looks_like_html
from unspin.ingest.options import IngestOptions, ReadResult
from unspin.ingest.registry import Reader, register_reader
from unspin.ingest.source import GZIP_MAGIC, Source, describe_read_error
from unspin.model import Document

#: Longest header line, and most header bytes between two payload reads: past
#: either the record is malformed (warcio would otherwise buffer a whole
#: newline-free gzip bomb, or millions of header lines, in memory).
MAX_HEADER_LINE = 256 * 1024
MAX_HEADER_BYTES = 4 * 1024 * 1024
#: Give up on a file after this many malformed records.
MAX_RESYNCS = 1000
# warcio logs oddities (e.g. "Replacing spaces in invalid WARC-Target-URI") with no handler of its
# own, so Python's last-resort handler would print them raw on stderr; an application that
# configures logging still receives them.
logging.getLogger("warcio").addHandler(logging.NullHandler())
_HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml+xhtml")
_SCAN_CHUNK = 1 << 20


class _WarcStreamError(Exception):
    """The WARC byte stream itself is damaged (corrupt gzip member)."""


def _warcio_classes() -> tuple[type, type]:
    """warcio's ArchiveIterator and reader, subclassed to be quiet and bounded (imported lazily)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.bufferedreaders import DecompressingBufferedReader

    class BoundedReader(DecompressingBufferedReader):
        _line_bytes = 0

        def readline(self, length: int | None = None) -> bytes:
            capped = length is None or length > MAX_HEADER_LINE
            line: bytes = super().readline(MAX_HEADER_LINE if capped else length)
            self._line_bytes += len(line)
            if capped and len(line) >= MAX_HEADER_LINE and not line.endswith(b"\n"):
                raise _WarcStreamError(f"header line longer than {MAX_HEADER_LINE:,} bytes")
            if self._line_bytes > MAX_HEADER_BYTES:
                raise _WarcStreamError(f"headers longer than {MAX_HEADER_BYTES:,} bytes")
            return line

        def read(self, length: int | None = None) -> bytes:
            self._line_bytes = 0
            return super().read(length)

        def _decompress(self, data: bytes) -> bytes:
            if self.decompressor and data and self.num_block_read:
                try:
                    return self.decompressor.decompress(data)
                except zlib.error as exc:
                    raise _WarcStreamError(f"corrupt gzip data ({exc})") from exc
            return super()._decompress(data)

    class QuietIterator(ArchiveIterator):
        # Blocks of 16 KB: zlib inflates at most ~1000:1, so one block of a gzip bomb is at most ~16 MB.
        def __init__(self, fileobj: BinaryIO, block_size: int = 1 << 14) -> None:
            super().__init__(fileobj, block_size=block_size)
            self.reader = BoundedReader(self.fh, block_size=block_size)
            self.notes: list[str] = []

        def _consume_blanklines(self) -> tuple[bytes | None, int]:
            # warcio's own version writes a warning to stderr; keep it as a note instead.
            empty_size = 0
            first_line = True
            while True:
                line = self.reader.readline()
                if len(line) == 0:
                    return None, empty_size
                if len(line.rstrip()) == 0 or first_line:
                    empty_size += len(line)
                    if len(line.rstrip()) != 0:
                        self.notes.append("record not followed by a blank line (Content-Length may be wrong)")
                        self.err_count += 1
                    first_line = False
                    continue
                return line, empty_size

    return QuietIterator, BoundedReader


def _next_record_offset(fh: BinaryIO, start: int, gz: bool) -> int | None:
    """Offset of the next record start at or after ``start`` (gzip member or ``WARC/`` line), or None."""
    marker = b"\x1f\x8b\x08" if gz else b"\nWARC/"
    fh.seek(start)
    pos = start
    tail = b""
    while True:
        chunk = fh.read(_SCAN_CHUNK)
        if not chunk:
            return None
        buf = tail + chunk
        i = buf.find(marker)
        if i >= 0:
            return pos - len(tail) + i + (0 if gz else 1)
        tail = buf[-(len(marker) - 1) :]
        pos += len(chunk)


def _is_record_start(fh: BinaryIO, offset: int, gz: bool) -> bool:
    """True when a WARC record starts at ``offset`` (a gzip member holding ``WARC/x.y``, or that line)."""
    fh.seek(offset)
    data = fh.read(1 << 16)
    if gz:
        try:
            head = zlib.decompressobj(wbits=31).decompress(data, 16)
        except zlib.error:
            return False
    else:
        head = data[:16]
    return re.match(rb"WARC/\d\.\d+\r?\n", head) is not None


def record_start_at_or_after(fh: BinaryIO, start: int, end: int, gz: bool) -> int | None:
    """Offset of the first record starting in ``[start, end)``, checked (a gzip magic inside
    compressed data, or ``WARC/`` quoted in a payload, is not taken for one), or None."""
    if start <= 0:
        return 0
    pos = start if gz else start - 1  # the plain-text marker includes the newline before it
    while True:
        cand = _next_record_offset(fh, pos, gz)
        if cand is None or cand >= end:
            return None
        if cand >= start and _is_record_start(fh, cand, gz):
            return cand
        pos = cand + 1


def splittable(path: str | os.PathLike[str], limit: int = 64 << 20) -> bool:
    """True when the WARC file can be read in byte slices: uncompressed, or gzipped record by record
    (the WARC convention) rather than as one gzip stream — i.e. its first gzip member ends early."""
    with open(path, "rb") as fh:
        head = fh.read(len(GZIP_MAGIC))
        if head != GZIP_MAGIC:
            return True
        fh.seek(0)
        size = os.fstat(fh.fileno()).st_size
        d = zlib.decompressobj(wbits=31)
        fed = 0
        while fed < limit:
            chunk = fh.read(1 << 20)
            if not chunk:
                return False
            fed += len(chunk)
            try:
                while chunk and not d.eof:
                    d.decompress(chunk, 1 << 20)
                    chunk = d.unconsumed_tail
            except zlib.error:
                return False
            if d.eof:
                return fed - len(d.unused_data) < size
        return False


def _content_type(value: str | None) -> tuple[str, str | None]:
    """(mime type, charset) from a Content-Type header value."""
    if not value:
        return "", None
    parts = [p.strip() for p in value.split(";")]
    charset = None
    for p in parts[1:]:
        if p.lower().startswith("charset="):
            charset = p.split("=", 1)[1].strip().strip("\"'") or None
    return parts[0].lower(), charset


def _record_document(record: Any, no: int, source: Source, options: IngestOptions, at: int | None = None) -> ReadResult | None:
    """The document of one WARC record, None for records that are not pages; raises InputError.

    ``at``: the record's byte offset, when only a slice of the file is read (its number in
    the file is then unknown, so the record is named by its offset: ``crawl.warc.gz@81234``).
    """
    rec_type = record.rec_type
    if rec_type not in ("response", "resource"):
        return None
    where = f"{source.name}: record {no}" if at is None else f"{source.name}: record at byte {at:,}"
    if rec_type == "response":
        http = record.http_headers
        if http is None:
            return None
        status = http.get_statuscode() or ""
        if not status.startswith("2"):
            return None
        mime, charset = _content_type(http.get_header("Content-Type"))
    else:
        mime, charset = _content_type(record.rec_headers.get_header("Content-Type"))
    if mime and mime not in _HTML_TYPES and mime != "text/plain":
        return None
    length = record.length or 0
    if length > options.max_record_bytes:
        raise InputError(f"{where}: payload of {length:,} bytes is over the {options.max_record_bytes:,}-byte record limit; skipped")
    try:
        data = record.content_stream().read(options.max_record_bytes + 1)
    except _WarcStreamError:
        raise
    except Exception as exc:  # payload decoding (chunked, Content-Encoding) failed: this record only
        raise InputError(f"{where}: payload could not be decoded ({describe_read_error(exc)})") from exc
    if len(data) > options.max_record_bytes:
        raise InputError(f"{where}: payload decompresses to more than the {options.max_record_bytes:,}-byte record limit; skipped")
    while record.raw_stream.read(_SCAN_CHUNK):
        pass
    if getattr(record.raw_stream, "limit", 0) > 0:
        raise InputError(f"{where}: truncated (the file ends inside this record)")
    url = record.rec_headers.get_header("WARC-Target-URI") or None
    record_id = (record.rec_headers.get_header("WARC-Record-ID") or "").strip("<>") or None
    meta: dict[str, Any] = {"format": "warc", "record": no} if at is None else {"format": "warc", "offset": at}
    for key, header in (("crawl_date", "WARC-Date"), ("record_id", "WARC-Record-ID")):
        value = record.rec_headers.get_header(header)
        if value:
            meta[key] = value.strip("<>")
    if not data.strip():
        raise InputError(f"{where}: empty payload")
    if mime == "text/plain" or (not mime and not looks_like_html(data[:4096])):
        text, warnings = decode_bytes(data, where, charset, html=False)
        if url:
            meta["url"] = url
        meta["format"] = "warc"
    else:
        html, warnings = decode_bytes(data, where, charset)
        text, extracted = extract_html(html, name=where, url=url)
        page_url = extracted.pop("url", None)
        meta.update(extracted)
        if url:
            meta["url"] = url  # where the page was crawled; its own canonical link may differ
        if page_url and page_url != url:
            meta["canonical_url"] = page_url
    doc = Document(text=text, id=url or record_id, source=f"{source.name}#{no}" if at is None else f"{source.name}@{at}", metadata=meta)
    return ReadResult(document=doc, warnings=tuple(warnings))


def _read(source: Source, options: IngestOptions) -> Iterator[ReadResult]:
    """The WARC reader: one document per HTML response record."""
    QuietIterator, _ = _warcio_classes()
    from warcio.exceptions import ArchiveLoadFailed

    gz = source.raw_head.startswith(GZIP_MAGIC)
    name = source.name
    no = 0
    resyncs = 0
    span = source.byte_range
    end = span[1] if span is not None else None
    with source.open_raw() as fh:
        if span is not None:
            first = record_start_at_or_after(fh, span[0], span[1], gz)
            if first is None:
                return
            fh.seek(first)
        while True:
            it = QuietIterator(fh)
            current: int | None = None  # start offset of the record being handled
            try:
                for record in it:
                    current = it.offset
                    if end is not None and current >= end:
                        return  # the next slice's record
                    no += 1
                    try:
                        result = _record_document(record, no, source, options, at=current if span is not None else None)
                    except InputError as exc:
                        result = ReadResult(error=str(exc))
                    notes, it.notes = it.notes, []
                    if result is not None:
                        yield result
                    label = f"record {no}" if span is None else f"record at byte {current:,}"
                    for note in notes:
                        yield ReadResult(warnings=(f"{name}: {label}: {note}",))
            except Exception as exc:  # anything warcio raises here means the byte stream is damaged
                bad = it.offset
                if end is not None and bad >= end:
                    return
                if current is None or bad != current:
                    no += 1  # the damage is in a record not counted yet
                if isinstance(exc, (ArchiveLoadFailed, _WarcStreamError)):
                    detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
                else:
                    detail = describe_read_error(exc)
                resume = _next_record_offset(fh, bad + 1, gz) if source.seekable and resyncs < MAX_RESYNCS else None
                if resume is not None and end is not None and resume >= end:
                    yield ReadResult(error=f"{name}: record at byte {bad:,}: malformed WARC record ({detail})")
                    return
                if resume is None:
                    yield ReadResult(error=f"{name}: record {no}: malformed WARC record at byte {bad:,} ({detail}); the rest of the file was not read")
                    return
                resyncs += 1
                yield ReadResult(error=f"{name}: record {no}: malformed WARC record at byte {bad:,} ({detail}); resuming at byte {resume:,}")
                fh.seek(resume)
                continue
            end = it.fh.tell()
            if it.offset < end:
                yield ReadResult(
                    error=f"{name}: record {no + 1}: truncated or malformed data at byte {it.offset:,} of {end:,}; the rest of the file was not read"
                )
            return


def looks_like_warc(head: bytes) -> bool:
    """True when the content starts with a WARC version line."""
    return head.lstrip(b"\r\n").startswith((b"WARC/1.", b"WARC/0."))


WARC_READER = register_reader(
    Reader(
        name="unspin.reader.warc.v1",
        short="warc",
        extensions=(".warc",),
        read=_read,
        magic=looks_like_warc,
        description="WARC / WARC.gz web crawl; HTML responses are extracted",
    )
)

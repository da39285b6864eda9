"""The one options object of ingestion and the one result type every reader yields."""

from __future__ import annotations

from dataclasses import dataclass

from unspin.model import Document

#: Largest document text kept (UTF-8 bytes). Plain-text files over it are
#: refused (offsets must index into the whole file); text extracted from
#: HTML, JSONL, WARC or Parquet records is truncated to it with a warning.
DEFAULT_MAX_BYTES = 5 * 1024 * 1024

#: Largest raw record read (an HTML page, a JSONL line, a WARC payload, a
#: decompressed file). Bigger ones are skipped with an error before they are
#: read whole, which is what stops a gzip bomb.
DEFAULT_MAX_RECORD_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class IngestOptions:
    """How documents are read: limits, field names, format override, language check."""

    #: Largest document text in UTF-8 bytes (see `DEFAULT_MAX_BYTES`).
    max_bytes: int = DEFAULT_MAX_BYTES
    #: Largest raw record in bytes (see `DEFAULT_MAX_RECORD_BYTES`).
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
    #: Stop after this many documents (over all inputs); None: no limit.
    max_records: int | None = None
    #: JSONL key / Parquet column holding the text ("a.b" reaches into nested JSON objects).
    text_field: str = "text"
    #: JSONL key / Parquet column holding the document id (optional in the data).
    id_field: str = "id"
    #: Reader name forced for every input ("warc", "unspin.reader.warc.v1"); None: detect.
    format: str | None = None
    #: Report page furniture of plain text as excluded spans.
    furniture: bool = True
    #: Skip documents whose detected language is not in `languages`.
    language_check: bool = True
    #: Languages scored (ISO 639-1); unspin's models are English.
    languages: tuple[str, ...] = ("en",)
    #: Texts with fewer characters (furniture excluded) are not language-checked.
    min_language_chars: int = 200
    #: A document is skipped only when the detector is at least this sure of another language.
    language_confidence: float = 0.9

    def __post_init__(self) -> None:
        if self.max_bytes < 1:
            raise ValueError(f"max_bytes must be positive, not {self.max_bytes}")
        if self.max_record_bytes < 1:
            raise ValueError(f"max_record_bytes must be positive, not {self.max_record_bytes}")
        if self.max_records is not None and self.max_records < 0:
            raise ValueError(f"max_records must be >= 0, not {self.max_records}")
        if not self.text_field:
            raise ValueError("text_field must not be empty")


@dataclass(frozen=True)
class ReadResult:
    """One record read from an input: a document, or an error, or a notice.

    Exactly one of three shapes: ``document`` set and ``skipped`` None (check
    it); ``document`` set and ``skipped`` set (read, but not to be scored, e.g.
    ``"language: fr"``); ``document`` None with ``error`` set (one line naming
    file and record). A result with neither, only ``warnings``, is a notice
    about the input as a whole (e.g. the record limit was reached).
    """

    document: Document | None = None
    error: str | None = None
    warnings: tuple[str, ...] = ()
    skipped: str | None = None

    @property
    def ok(self) -> bool:
        """True when the result carries a document to check."""
        return self.document is not None and self.skipped is None and self.error is None

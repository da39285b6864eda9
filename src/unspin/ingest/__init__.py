"""Reading what users have: text, HTML, JSONL, WARC, Parquet, directories, stdin.

One entry point, `iter_documents`, streams `ReadResult`s (a document, an
error line naming file and record, or a notice) from any mix of inputs.
Readers live in a registry under versioned names; the CLI's ``--format``
choices are their short names:

==========  ==========================  ==============================================
``txt``     unspin.reader.txt.v1        plain text, one document per file, byte for byte;
                                        page furniture reported as excluded spans
``html``    unspin.reader.html.v1       one page per file; main text, title and date
                                        extracted with trafilatura
``jsonl``   unspin.reader.jsonl.v1      one object per line, text under ``text_field``
``warc``    unspin.reader.warc.v1       WARC / WARC.gz crawls (warcio); each HTML
                                        response record extracted like a page
``parquet`` unspin.reader.parquet.v1    one row per document, column ``text_field``
                                        (pyarrow, read in batches)
==========  ==========================  ==============================================

Any file may be gzip-compressed; directories are walked recursively; ``-``
is standard input. Every document is then finished alike: text over
``max_bytes`` truncated (plain-text files over it are refused instead),
furniture found, language checked (`unspin.ingest.pipeline`).
"""

from unspin.ingest.options import DEFAULT_MAX_BYTES, DEFAULT_MAX_RECORD_BYTES, IngestOptions, ReadResult
from unspin.ingest.registry import Reader, get_reader, reader_names, readers, register_reader

# Registration order is detection order for the content tests (html before jsonl; txt last).
# isort: off
from unspin.ingest.text import TEXT_READER, decode_text, read_text_file  # registers "txt"
from unspin.ingest.html import HTML_READER, extract_html
from unspin.ingest.jsonl import JSONL_READER
from unspin.ingest.warc import WARC_READER
from unspin.ingest.parquet import PARQUET_READER
from unspin.ingest.furniture import FurnitureLine, find_furniture, furniture_spans
from unspin.ingest.pipeline import iter_documents, read_source
from unspin.ingest.source import Source, detect_reader, expand_inputs
# isort: on

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_RECORD_BYTES",
    "FurnitureLine",
    "HTML_READER",
    "IngestOptions",
    "JSONL_READER",
    "PARQUET_READER",
    "ReadResult",
    "Reader",
    "Source",
    "TEXT_READER",
    "WARC_READER",
    "decode_text",
    "detect_reader",
    "expand_inputs",
    "extract_html",
    "find_furniture",
    "furniture_spans",
    "get_reader",
    "iter_documents",
    "read_source",
    "read_text_file",
    "reader_names",
    "readers",
    "register_reader",
]

"""HTML pages: main text extracted with trafilatura, title and date kept.

The page is decoded first (declared charset, ``<meta charset>``, UTF-8, then
charset-normalizer; see `unspin.ingest.encoding`), then trafilatura finds the
article and drops navigation, sidebars, related links, comments, share
buttons and footers. The extracted text, one block per line, *is* the
document text: offsets index into it, not into the HTML. The page's title,
publication date, canonical URL, author and site name go into metadata.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from typing import Any

from unspin.errors import EmptyInput, InputError, InputTooLarge
from unspin.ingest.encoding import decode_bytes
from unspin.ingest.options import IngestOptions, ReadResult
from unspin.ingest.registry import Reader, register_reader
from unspin.ingest.source import Source, describe_read_error, read_limited
from unspin.model import Document

_HTML_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(rb"<(html|head|body|title|meta|div|p|article)\b[^>]*>", re.IGNORECASE)


def looks_like_html(head: bytes) -> bool:
    """True when the first bytes start like an HTML document, or are tag soup with HTML tags."""
    if _HTML_START.match(head[:4096]):
        return True
    start = head[:1024].lstrip()
    return start.startswith(b"<") and len(_HTML_TAG.findall(head[:4096])) >= 2


def extract_html(html: str, *, name: str, url: str | None = None) -> tuple[str, dict[str, Any]]:
    """Main text and metadata (url, title, date, author, sitename) of an HTML page; `EmptyInput` if none."""
    import trafilatura

    if not html.strip():
        raise EmptyInput(f"{name}: empty page")
    try:
        result = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            deduplicate=False,
        )
    except (ValueError, TypeError, RecursionError) as exc:  # lxml on pathological markup
        raise InputError(f"{name}: HTML could not be parsed ({type(exc).__name__}: {exc})") from exc
    text = getattr(result, "text", None) if result is not None else None
    if not text or not text.strip():
        raise EmptyInput(f"{name}: no main text found in the page (no article body)")
    meta: dict[str, Any] = {}
    for key in ("url", "title", "date", "author", "sitename"):
        value = getattr(result, key, None)
        if isinstance(value, str) and value.strip():
            meta[key] = value.strip()
    if url and "url" not in meta:
        meta["url"] = url
    return text, meta


def html_record(
    data: bytes,
    *,
    name: str,
    source: str,
    doc_id: str | None,
    declared_charset: str | None = None,
    url: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> ReadResult:
    """Decode and extract one HTML page into a document (raises `InputError` subclasses)."""
    if not data.strip():
        raise EmptyInput(f"{name}: empty page")
    html, warnings = decode_bytes(data, name, declared_charset)
    text, meta = extract_html(html, name=name, url=url)
    meta = {"format": "html", **(metadata or {}), **meta}
    return ReadResult(document=Document(text=text, id=doc_id, source=source, metadata=meta), warnings=tuple(warnings))


def _read(source: Source, options: IngestOptions) -> Iterator[ReadResult]:
    """The HTML reader: one document per file."""
    if not source.gzipped:
        size = source.size()
        if size is not None and size > options.max_record_bytes:
            raise InputTooLarge(f"{source.name}: {size:,} bytes is over the {options.max_record_bytes:,}-byte record limit; skipped")
    try:
        with source.open() as fh:
            data = read_limited(fh, options.max_record_bytes, source.name, "the page")
    except (EOFError, zlib.error, OSError) as exc:
        raise InputError(f"{source.name}: {describe_read_error(exc)}") from exc
    doc_id = source.path.name if source.path is not None else None
    yield html_record(data, name=source.name, source=source.name, doc_id=doc_id)


HTML_READER = register_reader(
    Reader(
        name="unspin.reader.html.v1",
        short="html",
        extensions=(".html", ".htm", ".xhtml", ".shtml"),
        read=_read,
        looks_like=looks_like_html,
        description="an HTML page; the article's main text is extracted (trafilatura)",
    )
)

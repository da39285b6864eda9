"""What a request may carry, parsed once: Pydantic request models (the OpenAPI schemas are
generated from them), the article of a check request, and the document built from it.

A check takes JSON `CheckRequest`, a form (`CheckForm`: pasted ``text`` or an uploaded
``file``) or a raw text/plain, text/html or octet-stream body. Nothing a client sends is ever
used as a filesystem path: an upload's name is only a label (`safe_name`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Annotated, Any

from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, WithJsonSchema, field_validator, model_validator
from starlette.datastructures import UploadFile

from unspin.errors import InputError
from unspin.ingest.html import looks_like_html
from unspin.ingest.validate import clean_document, repair_text, repair_value
from unspin.model import Document
from unspin.web.errors import HTTPProblem, validation_message
from unspin.web.settings import Settings

_NAME_JUNK = {i: None for i in [*range(0x20), *range(0x7F, 0xA0)]}

#: A metadata value of an indexed document: a scalar (title, url, date, ...), never a nested structure.
MetaValue = str | int | float | bool | None


class CheckRequest(BaseModel):
    """An article to check or to find the sources of, as JSON: exactly one of ``text`` and ``html``."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"text": "The government proclaimed on Tuesday that it would hoist taxes."}]})

    text: str | None = Field(None, description="The article as plain text.")
    html: str | None = Field(None, description="A whole web page; its main text is extracted (page furniture dropped).")
    id: str | None = Field(None, description="An id echoed in the report.")

    @model_validator(mode="after")
    def _exactly_one(self) -> CheckRequest:
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of 'text' or 'html'")
        return self


class CheckForm(BaseModel):
    """The report page's form: pasted ``text`` (a pasted page is extracted) or an uploaded ``file``."""

    text: str | None = Field(None, description="The article, pasted.")
    file: Annotated[bytes | None, WithJsonSchema({"type": "string", "format": "binary"})] = Field(None, description="An article file: text (any charset) or HTML.")
    id: str | None = Field(None, description="An id echoed in the report.")


class IndexDocument(BaseModel):
    """A source article to index."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, description="Unique id; an indexed document with the same id is replaced.")
    text: str = Field(description="The article text.")
    source: str | None = Field(None, description="Where it came from (a URL).")
    metadata: dict[str, MetaValue] = Field(default_factory=dict, description="Scalar fields; title, url and date are shown with matches.")

    @field_validator("id", "source", "metadata", mode="before")
    @classmethod
    def _repaired(cls, v: Any) -> Any:
        """Lone surrogates and control characters repaired before validation, as the readers do for ids."""
        return repair_value(v)

    @field_validator("text")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("text is empty")
        return v

    def to_document(self, n: int) -> tuple[Document, list[str]]:
        """The document, with the readers' rule for odd text applied (lone surrogates -> U+FFFD,
        control characters -> spaces, one warning each; id, source and metadata repaired silently)."""
        text, warnings = repair_text(self.text, f"documents[{n}]")
        return clean_document(Document(text=text, id=self.id, source=self.source, metadata=dict(self.metadata))), warnings


class IndexDocumentsRequest(BaseModel):
    """Source articles to add to the index."""

    model_config = ConfigDict(extra="forbid")

    documents: list[IndexDocument] = Field(min_length=1, description="One or more articles; added in one transaction.")


def check_request_body() -> dict[str, Any]:
    """The OpenAPI ``requestBody`` of the check endpoints, from the request models."""
    text = TypeAdapter(str).json_schema()
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": CheckRequest.model_json_schema()},
                "multipart/form-data": {"schema": CheckForm.model_json_schema()},
                "application/x-www-form-urlencoded": {"schema": CheckForm.model_json_schema()},
                "text/plain": {"schema": text},
                "text/html": {"schema": text},
            },
        }
    }


@dataclass(frozen=True)
class RawInput:
    """What the client sent, before decoding: text, HTML, or uploaded bytes."""

    kind: str  # "text" | "html" | "bytes"
    payload: str | bytes
    name: str  # a label for messages and Document.source; never a filesystem path
    doc_id: str | None = None


def safe_name(filename: str | None, default: str = "upload") -> str:
    """A label from a client's file name: the last path component, no control characters, 200 chars.

    The name is only ever shown and stored as ``Document.source``; nothing
    opens it, but a label such as ``../../etc/passwd`` still should not look like a path.
    """
    if not filename:
        return default
    base = PureWindowsPath(PurePosixPath(filename).name).name
    base = base.translate(_NAME_JUNK).strip()[:200]
    return base if base and base not in (".", "..") else default


def parse_json(body: bytes) -> Any:
    """The JSON value of a request body; 400 when it is not JSON or is nested too deeply to parse."""
    try:
        return json.loads(body)
    except RecursionError:
        raise HTTPProblem(400, "request body is not valid JSON: nested too deeply") from None
    except ValueError:
        raise HTTPProblem(400, "request body is not valid JSON") from None


def _check_request_problem(exc: ValidationError) -> HTTPProblem:
    errors = exc.errors()
    unknown = [str(e["loc"][0]) for e in errors if e["type"] == "extra_forbidden" and e["loc"]]
    if unknown:
        return HTTPProblem(422, f"unknown field(s) {', '.join(map(repr, unknown))}; give 'text' or 'html' (files are uploaded, never named by path)")
    if any(e["type"] == "model_type" for e in errors):
        return HTTPProblem(422, 'JSON body must be an object such as {"text": "..."}')
    return HTTPProblem(422, validation_message([dict(e) for e in errors]))


async def read_input(request: Request, settings: Settings) -> RawInput:
    """The article of a request: JSON `CheckRequest`, a form (`CheckForm`), or a raw body."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/json":
        try:
            req = CheckRequest.model_validate(parse_json(await request.body()))
        except ValidationError as exc:
            raise _check_request_problem(exc) from None
        if req.text is not None:
            return RawInput("text", req.text, "<text>", req.id)
        return RawInput("html", req.html or "", "<text>", req.id)
    if ctype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        form = await request.form(max_files=1, max_fields=8, max_part_size=settings.max_body_bytes)
        try:
            upload = form.get("file")
            doc_id = form.get("id")
            doc_id = doc_id if isinstance(doc_id, str) and doc_id else None
            if isinstance(upload, UploadFile) and (upload.filename or upload.size):
                data = await upload.read(settings.max_body_bytes + 1)
                if upload.size == 0 or not data:
                    raise HTTPProblem(422, "the uploaded file is empty")
                return RawInput("bytes", data, safe_name(upload.filename), doc_id)
            for key in ("text", "html"):
                value = form.get(key)
                if isinstance(value, str) and value.strip():
                    if key == "text" and looks_like_html(value[:4096].encode("utf-8", "replace")):
                        key = "html"  # a whole page pasted into the box: extract its article
                    return RawInput(key, value, "<text>", doc_id)
        finally:
            await form.close()
        raise HTTPProblem(422, "paste an article in 'text' or upload one as 'file'")
    if ctype in ("text/plain", "text/html", "application/xhtml+xml", "application/octet-stream", ""):
        body = await request.body()
        if not body:
            raise HTTPProblem(422, "empty request body")
        kind = "bytes" if ctype in ("application/octet-stream", "") else ("html" if "html" in ctype else "text")
        if kind == "bytes":
            return RawInput("bytes", body, "<body>")
        try:
            return RawInput(kind, body.decode(request.headers.get("content-type", "").partition("charset=")[2].strip() or "utf-8"), "<body>")
        except (LookupError, UnicodeDecodeError):
            return RawInput("bytes", body, "<body>")
    raise HTTPProblem(415, f"unsupported content type {ctype!r}; send JSON, a form, text/plain or text/html")


def build_document(raw: RawInput, settings: Settings) -> tuple[Document, tuple[str, ...]]:
    """Decode and extract the article (runs on a worker: trafilatura and charset detection cost CPU)."""
    from unspin.ingest import IngestOptions, decode_text
    from unspin.ingest.html import html_record
    from unspin.ingest.options import ReadResult
    from unspin.ingest.pipeline import finish_document

    options = IngestOptions(max_bytes=settings.max_body_bytes, max_record_bytes=settings.max_body_bytes)
    source = None if raw.name.startswith("<") else raw.name
    repaired: list[str] = []
    if isinstance(raw.payload, str):  # JSON can carry lone surrogates: the readers' rule, before anything encodes it
        payload, repaired = repair_text(raw.payload, raw.name)
        raw = RawInput(raw.kind, payload, raw.name, raw.doc_id)
    if raw.kind == "html" or (raw.kind == "bytes" and isinstance(raw.payload, bytes) and (looks_like_html(raw.payload[:4096]) or raw.name.lower().endswith((".html", ".htm", ".xhtml")))):
        data = raw.payload.encode("utf-8") if isinstance(raw.payload, str) else raw.payload
        result = html_record(data, name=raw.name, source=source or raw.name, doc_id=raw.doc_id, declared_charset="utf-8" if isinstance(raw.payload, str) else None)
        result = ReadResult(document=Document(text=result.document.text, id=raw.doc_id, source=source, metadata=result.document.metadata), warnings=result.warnings) if result.document else result
    else:
        if isinstance(raw.payload, bytes):
            text, warnings = decode_text(raw.payload, raw.name)
        else:
            text, warnings = raw.payload, []
        result = ReadResult(document=Document(text=text, id=raw.doc_id, source=source, metadata={"format": "txt"}), warnings=tuple(warnings))
    if repaired:
        result = ReadResult(document=result.document, error=result.error, skipped=result.skipped, warnings=(*repaired, *result.warnings))
    result = finish_document(result, options)
    if result.error is not None or result.document is None:
        raise InputError(result.error or f"{raw.name}: no text")
    if result.skipped is not None:
        raise InputError(f"{raw.name}: not checked ({result.skipped}); unspin's models are English")
    return result.document, result.warnings

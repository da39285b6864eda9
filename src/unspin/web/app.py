"""`create_app(settings)`: the FastAPI application behind `unspin serve`.

JSON API under ``/v1`` (OpenAPI at ``/docs``) and a report page at ``/``
whose JSON twin is ``/report.json``; both are built from the same `Report`.
The detector and the index are opened once per process (in the lifespan) and
shared read-only; checks run on a bounded worker pool (`unspin.web.pool`).
"""

from __future__ import annotations

import hmac
import logging
import re
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, AsyncIterator, Callable

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader
from starlette.datastructures import UploadFile
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from unspin import __version__
from unspin.errors import InputError
from unspin.ingest.html import looks_like_html
from unspin.model import Document, Report
from unspin.web import views
from unspin.web.backend import BackendUnavailable, IndexBackend, SourceMatch, open_backend
from unspin.web.pool import CheckTimeout, QueueFull, WorkerPool
from unspin.web.settings import Settings

log = logging.getLogger("unspin.web")
HERE = Path(__file__).parent
#: Sources shown on the report page (the best one side by side).
PAGE_MATCHES = 3
MAX_SEARCH_K = 20
_NAME_JUNK = re.compile(r"[\x00-\x1f\x7f]")


# ---------------------------------------------------------------- errors


class HTTPProblem(Exception):
    """An error answered as ``{"error": message}`` with a status code (or an error page)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class BodyTooLarge(Exception):
    """The request body passed the configured limit while it was being read."""


class BodyLimitMiddleware:
    """Refuse bodies over ``limit`` bytes: at once from Content-Length, else while streaming."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = {"error": f"request body over the {self.limit:,}-byte limit"}
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = True
                if too_big:
                    await JSONResponse(message, status_code=413)(scope, receive, send)
                    return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge()
            return msg

        async def tracking_send(msg: Message) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await JSONResponse(message, status_code=413)(scope, receive, send)


#: The report page allows only its own scripts and styles: article text can never run.
PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
#: Swagger UI starts itself with one inline script.
DOCS_CSP = "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'"


class SecurityHeadersMiddleware:
    """Content-Security-Policy, nosniff, no referrer, no framing on every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = (DOCS_CSP if scope["path"].startswith("/docs") else PAGE_CSP).encode()

        async def send_with_headers(msg: Message) -> None:
            if msg["type"] == "http.response.start":
                headers = list(msg.get("headers", []))
                headers += [
                    (b"content-security-policy", csp),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                msg = {**msg, "headers": headers}
            await send(msg)

        await self.app(scope, receive, send_with_headers)


# ---------------------------------------------------------------- input


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
    base = _NAME_JUNK.sub("", base).strip()[:200]
    return base if base and base not in (".", "..") else default


def _str_field(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise HTTPProblem(422, f"'{key}' must be a string")
    return value


_JSON_KEYS = {"text", "html", "id", "k"}


async def read_input(request: Request, settings: Settings) -> RawInput:
    """The article of a request: JSON ``{"text"|"html": ..., "id"?}``, a form (``text`` or ``file``), or a raw body."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/json":
        try:
            data = await request.json()
        except ValueError:
            raise HTTPProblem(400, "request body is not valid JSON") from None
        if not isinstance(data, dict):
            raise HTTPProblem(422, 'JSON body must be an object such as {"text": "..."}')
        unknown = sorted(set(data) - _JSON_KEYS)
        if unknown:
            raise HTTPProblem(422, f"unknown field(s) {', '.join(map(repr, unknown))}; give 'text' or 'html' (files are uploaded, never named by path)")
        text, html, doc_id = _str_field(data, "text"), _str_field(data, "html"), _str_field(data, "id")
        if (text is None) == (html is None):
            raise HTTPProblem(422, "give exactly one of 'text' or 'html'")
        return RawInput("text" if text is not None else "html", text if text is not None else html or "", "<text>", doc_id)
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
    result = finish_document(result, options)
    if result.error is not None or result.document is None:
        raise InputError(result.error or f"{raw.name}: no text")
    if result.skipped is not None:
        raise InputError(f"{raw.name}: not checked ({result.skipped}); unspin's models are English")
    return result.document, result.warnings


# ---------------------------------------------------------------- app


def _problem(exc: HTTPProblem) -> JSONResponse:
    return JSONResponse({"error": exc.message}, status_code=exc.status, headers=exc.headers)


def create_app(settings: Settings | None = None, *, backend: IndexBackend | None = None) -> FastAPI:
    """The web application. ``backend`` overrides the index opened from ``settings.index_path`` (tests)."""
    settings = settings or Settings.from_env()
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from unspin.api import check, get_detector

        detector = get_detector()
        check("The minister said on Tuesday that the plan would go ahead.", detector=detector)  # load lazy resources now
        app.state.detector = detector
        app.state.pool = WorkerPool(settings.workers, settings.queue_size, settings.timeout_s)
        app.state.backend = backend
        app.state.backend_error = "no index configured (start unspin serve with --index PATH)"
        if backend is None and settings.index_path:
            try:
                app.state.backend = open_backend(settings.index_path)
            except BackendUnavailable as exc:
                app.state.backend_error = str(exc)
                log.warning("%s", exc)
        if app.state.backend is not None:
            app.state.backend_error = None
        try:
            yield
        finally:
            app.state.pool.shutdown()

    app = FastAPI(
        title="unspin",
        version=__version__,
        summary="Catch article spinning: flag spun phrases, restore the original wording, find sources.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _mount_docs(app)

    @app.exception_handler(HTTPProblem)
    async def _on_problem(request: Request, exc: HTTPProblem) -> JSONResponse:
        return _problem(exc)

    def backend_or_501(request: Request) -> IndexBackend:
        b = request.app.state.backend
        if b is None:
            raise HTTPProblem(501, f"source search is not available: {request.app.state.backend_error}")
        return b  # type: ignore[no-any-return]

    async def run(request: Request, fn: Callable[[], Any]) -> Any:
        try:
            return await request.app.state.pool.run(fn)
        except QueueFull:
            raise HTTPProblem(503, "server busy: too many checks queued; retry shortly", {"Retry-After": str(settings.retry_after_s)}) from None
        except CheckTimeout as exc:
            raise HTTPProblem(504, str(exc)) from None
        except InputError as exc:
            raise HTTPProblem(422, str(exc)) from None

    def check_job(request: Request, raw: RawInput, k: int) -> Callable[[], tuple[Report, list[SourceMatch]]]:
        detector = request.app.state.detector
        b = request.app.state.backend

        def job() -> tuple[Report, list[SourceMatch]]:
            from unspin.api import check

            doc, warnings = build_document(raw, settings)
            report = check(doc, detector=detector, warnings=warnings)
            matches = b.search(doc, k) if (b is not None and k > 0) else []
            return report, matches

        return job

    # ------------------------------------------------------------ JSON API

    check_body = {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "object", "properties": {"text": {"type": "string"}, "html": {"type": "string"}, "id": {"type": "string"}}, "additionalProperties": False}, "example": {"text": "The government proclaimed on Tuesday that it would hoist taxes."}},
                "multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}, "text": {"type": "string"}, "id": {"type": "string"}}}},
                "text/plain": {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}},
            },
        }
    }

    @app.get("/healthz", tags=["service"])
    async def healthz(request: Request) -> dict[str, Any]:
        """Liveness and readiness: detector loaded, index state, worker pool counters."""
        return {
            "status": "ok",
            "version": __version__,
            "index": request.app.state.backend.description if request.app.state.backend is not None else None,
            "index_error": request.app.state.backend_error,
            "writes_enabled": settings.writes_enabled,
            "pool": request.app.state.pool.stats(),
        }

    @app.post("/v1/check", tags=["check"], openapi_extra=check_body)
    async def v1_check(request: Request) -> JSONResponse:
        """Check one article (JSON ``text`` or ``html``, a form upload ``file``, or a text/plain or text/html body); returns the report JSON of ``unspin check --json``."""
        raw = await read_input(request, settings)
        report, _ = await run(request, check_job(request, raw, 0))
        return JSONResponse(report.to_dict())

    @app.post("/v1/search", tags=["index"], openapi_extra=check_body)
    async def v1_search(request: Request, k: int = 5) -> JSONResponse:
        """Find the sources of an article in the configured index (same inputs as /v1/check); best first."""
        if not 1 <= k <= MAX_SEARCH_K:
            raise HTTPProblem(422, f"k must be between 1 and {MAX_SEARCH_K}")
        b = backend_or_501(request)
        raw = await read_input(request, settings)

        def job() -> list[SourceMatch]:
            doc, _ = build_document(raw, settings)
            return b.search(doc, k)

        matches = await run(request, job)
        return JSONResponse({"matches": [m.to_dict() for m in matches]})

    def authorize(request: Request) -> None:
        if not settings.writes_enabled:
            raise HTTPProblem(403, "index writes are disabled: start unspin serve with a token (UNSPIN_TOKEN or --token-file) to enable them")
        header = request.headers.get("authorization", "")
        scheme, _, given = header.partition(" ")
        assert settings.token is not None
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), settings.token.encode()):
            raise HTTPProblem(401, "missing or wrong bearer token", {"WWW-Authenticate": "Bearer"})

    @app.post("/v1/index/documents", tags=["index"], status_code=201, openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "properties": {"documents": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}, "text": {"type": "string"}, "source": {"type": "string"}, "metadata": {"type": "object"}}, "required": ["id", "text"]}}}}}}}})
    async def v1_index_add(request: Request) -> JSONResponse:
        """Add source articles to the index (bearer token): ``{"documents": [{"id", "text", "source"?, "metadata"?}]}``."""
        authorize(request)
        b = backend_or_501(request)
        try:
            data = await request.json()
        except ValueError:
            raise HTTPProblem(400, "request body is not valid JSON") from None
        items = data.get("documents") if isinstance(data, dict) else None
        if not isinstance(items, list) or not items:
            raise HTTPProblem(422, 'give {"documents": [{"id": ..., "text": ...}, ...]}')
        docs = []
        for n, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"] or not isinstance(item.get("text"), str) or not item["text"].strip():
                raise HTTPProblem(422, f"documents[{n}] needs a non-empty string 'id' and 'text'")
            source = item.get("source")
            metadata = item.get("metadata") or {}
            if (source is not None and not isinstance(source, str)) or not isinstance(metadata, dict):
                raise HTTPProblem(422, f"documents[{n}]: 'source' must be a string and 'metadata' an object")
            docs.append(Document(text=item["text"], id=item["id"], source=source, metadata=metadata))
        added = await run(request, lambda: b.add(docs))
        return JSONResponse({"added": added, "ids": [d.id for d in docs]}, status_code=201)

    @app.delete("/v1/index/documents/{doc_id}", tags=["index"], status_code=204)
    async def v1_index_delete(request: Request, doc_id: str) -> Response:
        """Remove one source article from the index (bearer token); 404 when the id is unknown."""
        authorize(request)
        b = backend_or_501(request)
        if not await run(request, lambda: b.delete(doc_id)):
            raise HTTPProblem(404, f"no indexed document with id {doc_id!r}")
        return Response(status_code=204)

    # ------------------------------------------------------------ pages

    def page(name: str, status: int = 200, headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
        html = env.get_template(name).render(version=__version__, settings=settings, **context)
        return HTMLResponse(html, status_code=status, headers=headers)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def home(request: Request) -> HTMLResponse:
        return page("index.html", has_index=request.app.state.backend is not None)

    async def report_for_form(request: Request) -> tuple[Report, list[SourceMatch]]:
        raw = await read_input(request, settings)
        return await run(request, check_job(request, raw, PAGE_MATCHES))  # type: ignore[no-any-return]

    @app.post("/report", response_class=HTMLResponse, include_in_schema=False)
    async def report_page(request: Request) -> HTMLResponse:
        try:
            report, matches = await report_for_form(request)
        except HTTPProblem as exc:
            return page("index.html", status=exc.status, headers=exc.headers, error=exc.message, has_index=request.app.state.backend is not None)
        best = matches[0] if matches else None
        return page(
            "report.html",
            report=report,
            segments=views.highlighted(report),
            restored=views.restored_segments(report),
            flags=[(i, f, views.confidence_class(f.confidence)) for i, f in enumerate(report.flags)],
            matches=matches,
            sbs=views.side_by_side(report, best) if best is not None else None,
            has_index=request.app.state.backend is not None,
        )

    @app.post("/report.json", tags=["check"], openapi_extra=check_body)
    async def report_json(request: Request) -> JSONResponse:
        """The report page's JSON twin: ``{"report", "restored_text", "matches"}`` from the same inputs."""
        report, matches = await report_for_form(request)
        return JSONResponse(views.report_json(report, matches))

    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST", "DELETE"], allow_headers=["Authorization", "Content-Type"])
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_body_bytes)
    return app


def _mount_docs(app: FastAPI) -> None:
    """/docs with Swagger UI 5 served from the package (swagger-ui-bundle-v2), never from a CDN."""
    from fastapi.openapi.docs import get_swagger_ui_html

    try:
        import swagger_ui_bundle

        app.mount("/docs/assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="swagger")
        js, css = "/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css"
    except ImportError:  # pragma: no cover - without the bundle the docs page needs the CDN
        js, css = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js", "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css"

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="unspin API", swagger_js_url=js, swagger_css_url=css, swagger_favicon_url="/static/favicon.svg")

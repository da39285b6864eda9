"""`create_app(settings)`: the FastAPI application behind `unspin serve`.

JSON API under ``/v1`` (OpenAPI at ``/docs``, generated from the request models in
`unspin.web.inputs`) and a report page at ``/`` whose JSON twin is ``/report.json``; both
are built from the same `Report`. The detector and the index are opened once per process
(in the lifespan) into a `Service` the routes share; checks run on a bounded, cost-scheduled
worker pool (`unspin.web.pool`): worker processes with ``Settings.processes`` (`unspin serve`),
else threads of this process. The pieces: `middleware` (body limit, security headers), `errors`
(``{"error": ...}`` for everything), `inputs` (request parsing), `index` (the shared index),
`service`, `routes.api` and `routes.pages`, `views` (what the page shows).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from unspin import __version__
from unspin.index import SourceIndex
from unspin.web import index as web_index
from unspin.web.errors import install_error_handlers
from unspin.web.middleware import BodyLimitMiddleware, SecurityHeadersMiddleware
from unspin.web.pool import WorkerPool
from unspin.web.routes import api, pages, scan_report
from unspin.web.service import Service
from unspin.web.settings import Settings

log = logging.getLogger("unspin.web")
#: Seconds the worker processes have to load the detector before the server gives up starting.
WORKER_START_S = 300.0
HERE = Path(__file__).parent


def create_app(settings: Settings | None = None, *, index: SourceIndex | None = None) -> FastAPI:
    """The web application. ``index`` overrides the index opened from ``settings.index_path`` (tests)."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service = await _start_service(settings, index)
        app.state.service = service
        try:
            yield
        finally:
            service.pool.shutdown()
            if service.writes is not None:
                service.writes.shutdown()

    app = FastAPI(
        title="unspin",
        version=__version__,
        summary="Catch article spinning: flag spun phrases, restore the original wording, find sources.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _mount_docs(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(scan_report.router)
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST", "DELETE"], allow_headers=["Authorization", "Content-Type"])
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_body_bytes, read_timeout=settings.body_timeout_s)
    return app


async def _start_service(settings: Settings, index: SourceIndex | None) -> Service:
    """The detector (in worker processes, or here for threads), the pool, the index."""
    import asyncio

    from unspin.web.pool import ProcessBackend
    from unspin.web.service import Checker

    service_index, index_error = None, "no index configured (start unspin serve with --index PATH)"
    if index is not None:
        service_index = web_index.wrap(index)
    elif settings.index_path:
        try:
            service_index = web_index.open_index(settings.index_path)
        except web_index.IndexUnavailable as exc:
            index_error = str(exc)
            log.warning("%s", exc)
    processes = settings.processes
    if processes and service_index is not None and (index is not None or settings.index_path == ":memory:"):
        log.warning("an in-memory index lives in the server process: checks run in threads")
        processes = False
    if processes:
        from unspin.web import worker

        path = settings.index_path if service_index is not None else None
        backend = ProcessBackend(settings.workers, worker.init, (replace(settings, token=None), path), preload=("unspin.web.preload",))
        pool = WorkerPool(settings.workers, settings.queue_size, settings.timeout_s, backend=backend)
        try:
            await asyncio.to_thread(backend.wait_ready, WORKER_START_S)
        except BaseException:
            backend.shutdown()
            raise
        service = Service(settings, pool, writes=WorkerPool(1, settings.queue_size, settings.timeout_s))
    else:
        checker = await asyncio.to_thread(Checker.load, settings)
        checker.index = service_index.index if service_index is not None else None
        service = Service(settings, WorkerPool(settings.workers, settings.queue_size, settings.timeout_s), checker=checker)
    service.index, service.index_error = service_index, (None if service_index is not None else index_error)
    loop = asyncio.get_running_loop()
    for p in (service.pool, service.writes):
        if p is not None:
            p.bind(loop)
    return service


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

"""The JSON API: /healthz, /v1/check, /v1/screen, /v1/search, /v1/index/documents, /report.json."""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from unspin import __version__
from unspin.web import views
from unspin.web.errors import ERROR_RESPONSES, HTTPProblem
from unspin.web.inputs import IndexDocumentsRequest, check_request_body, read_input
from unspin.web.service import Service, get_service

router = APIRouter(responses=ERROR_RESPONSES)
#: Most sources /v1/search returns.
MAX_SEARCH_K = 20
#: Sources shown on the report page (the best one side by side).
PAGE_MATCHES = 3


@router.get("/healthz", tags=["service"])
async def healthz(service: Service = Depends(get_service)) -> dict[str, Any]:
    """Liveness and readiness: detector loaded, index state, worker pool counters."""
    return {
        "status": "ok",
        "version": __version__,
        "index": service.index.description if service.index is not None else None,
        "index_error": service.index_error,
        "writes_enabled": service.settings.writes_enabled,
        "pool": service.pool.stats(),
    }


@router.post("/v1/check", tags=["check"], openapi_extra=check_request_body())
async def v1_check(request: Request, service: Service = Depends(get_service)) -> JSONResponse:
    """Check one article (JSON ``text`` or ``html``, a form upload ``file``, or a text/plain or text/html body);
    returns the report JSON of ``unspin check --json`` (with ``--index`` when the service has an index)."""
    raw = await read_input(request, service.settings)
    report, _ = await service.check(raw)
    return JSONResponse(report.to_dict())


@router.post("/v1/screen", tags=["check"], openapi_extra=check_request_body())
async def v1_screen(request: Request,
                    spot: bool = Query(False, description="Decode the few most suspicious words of a document the screen "
                                                          "is unsure of with the full check's word model (~30 ms of CPU)."),
                    service: Service = Depends(get_service)) -> JSONResponse:
    """Screen one article (same inputs as /v1/check) with the fast first pass, ~100x cheaper than a check:
    the report JSON of ``unspin check --screen``: ``spin_score`` is the screening score, ``flags`` is
    empty, ``verdict`` is ``clean`` (screened out) or ``uncertain`` (worth a full check), the evidence
    in ``explanation``."""
    raw = await read_input(request, service.settings)
    report = await service.screen(raw, spot)
    return JSONResponse(report.to_dict())


@router.post("/v1/search", tags=["index"], openapi_extra=check_request_body())
async def v1_search(request: Request, k: int = Query(5, ge=1, le=MAX_SEARCH_K, description="Most sources returned."), service: Service = Depends(get_service)) -> JSONResponse:
    """Find the sources of an article in the configured index (same inputs as /v1/check); best first."""
    service.index_or_501()
    raw = await read_input(request, service.settings)
    matches = await service.search(raw, k)
    return JSONResponse({"matches": [m.to_dict() for m in matches]})


def authorize(request: Request, service: Service = Depends(get_service)) -> None:
    """The bearer token of the index write endpoints (compared in constant time)."""
    settings = service.settings
    if not settings.writes_enabled:
        raise HTTPProblem(403, "index writes are disabled: start unspin serve with a token (UNSPIN_TOKEN or --token-file) to enable them")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    assert settings.token is not None
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), settings.token.encode()):
        raise HTTPProblem(401, "missing or wrong bearer token", {"WWW-Authenticate": "Bearer"})


@router.post("/v1/index/documents", tags=["index"], status_code=201, dependencies=[Depends(authorize)])
async def v1_index_add(body: IndexDocumentsRequest, service: Service = Depends(get_service)) -> JSONResponse:
    """Add source articles to the index (bearer token); a document with an id already there replaces it."""
    service.index_or_501()
    docs, warnings = [], []
    for n, item in enumerate(body.documents):
        doc, fixed = item.to_document(n)
        docs.append(doc)
        warnings += fixed
    added = await service.add(docs)
    answer: dict[str, Any] = {"added": added, "ids": [d.id for d in docs]}
    if warnings:
        answer["warnings"] = warnings
    return JSONResponse(answer, status_code=201)


@router.delete("/v1/index/documents/{doc_id}", tags=["index"], status_code=204, dependencies=[Depends(authorize)])
async def v1_index_delete(doc_id: str, service: Service = Depends(get_service)) -> Response:
    """Remove one source article from the index (bearer token); 404 when the id is unknown."""
    service.index_or_501()
    if not await service.delete(doc_id):
        raise HTTPProblem(404, f"no indexed document with id {doc_id!r}")
    return Response(status_code=204)


@router.post("/report.json", tags=["check"], openapi_extra=check_request_body())
async def report_json(request: Request, service: Service = Depends(get_service)) -> JSONResponse:
    """The report page's JSON twin: ``{"report", "restored_text", "matches"}`` from the same inputs."""
    raw = await read_input(request, service.settings)
    report, matches = await service.check(raw, PAGE_MATCHES)
    return JSONResponse(views.report_json(report, matches))

"""The HTML pages: the form (/) and the report (/report), rendered from the same `Report` as /report.json."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader

from unspin import __version__
from unspin.web import views
from unspin.web.errors import HTTPProblem
from unspin.web.inputs import read_input
from unspin.web.routes.api import PAGE_MATCHES
from unspin.web.service import Service, get_service

router = APIRouter(include_in_schema=False)
env = Environment(loader=FileSystemLoader(Path(__file__).resolve().parents[1] / "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True)


def page(service: Service, name: str, status: int = 200, headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
    html = env.get_template(name).render(version=__version__, settings=service.settings, has_index=service.index is not None, **context)
    return HTMLResponse(html, status_code=status, headers=headers)


@router.get("/", response_class=HTMLResponse)
async def home(service: Service = Depends(get_service)) -> HTMLResponse:
    return page(service, "index.html")


@router.post("/report", response_class=HTMLResponse)
async def report_page(request: Request, service: Service = Depends(get_service)) -> HTMLResponse:
    try:
        raw = await read_input(request, service.settings)
        report, matches = await service.check(raw, PAGE_MATCHES)
    except HTTPProblem as exc:
        return page(service, "index.html", status=exc.status, headers=exc.headers, error=exc.message)
    best = matches[0] if matches else None
    return page(
        service,
        "report.html",
        report=report,
        segments=views.highlighted(report),
        restored=views.restored_segments(report),
        flags=[(i, f, views.confidence_class(f.confidence)) for i, f in enumerate(report.flags)],
        matches=matches,
        sbs=views.side_by_side(report, best) if best is not None and best.source_text is not None else None,
    )

"""``/scan``: the HTML report of the scan folder given to ``unspin serve --scan SCAN_DIR``.

The page is `unspin.report.build_report`'s, built on the first request (on a
thread: alignments take a moment on a large scan) and kept until the scan's
manifest changes. It carries its own Content-Security-Policy (its style and
script by hash), which the security middleware leaves in place.
"""

from __future__ import annotations

import threading
from pathlib import Path

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from unspin.web.errors import HTTPProblem
from unspin.web.service import Service, get_service

router = APIRouter(include_in_schema=False)
_lock = threading.Lock()
_cache: dict[tuple[str, float, str | None], str] = {}


def _index_path(service: Service) -> str | None:
    p = service.settings.index_path
    return p if p and p != ":memory:" and Path(p).is_file() else None


@router.get("/scan", response_class=HTMLResponse)
def scan_report(service: Service = Depends(get_service)) -> HTMLResponse:
    from unspin.report import ReportError, build_report
    from unspin.report.assets import CSP

    scan_dir = service.settings.scan_dir
    if not scan_dir:
        raise HTTPProblem(404, "no scan to report on: start the server with unspin serve --scan SCAN_DIR")
    manifest = Path(scan_dir) / "manifest.json"
    key = (str(scan_dir), manifest.stat().st_mtime if manifest.exists() else 0.0, _index_path(service))
    with _lock:
        html = _cache.get(key)
        if html is None:
            try:
                html = build_report(scan_dir, index=key[2])
            except ReportError as exc:
                raise HTTPProblem(409, str(exc)) from None
            _cache.clear()
            _cache[key] = html
    return HTMLResponse(html, headers={"Content-Security-Policy": CSP})

"""Every error the service answers is JSON ``{"error": "one line"}`` (or, for the report page, an error page).

`HTTPProblem` is raised by the service's own code; `install_error_handlers` turns it, Starlette's
HTTP errors (404, 405), FastAPI's validation errors, unreadable bodies and any unexpected
exception (500, logged with its traceback, never shown) into that shape.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("unspin.web")


class ErrorBody(BaseModel):
    """The body of every error answer."""

    error: str = Field(description="What went wrong, on one line.")


#: The error answers of the JSON API, for its OpenAPI description.
ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorBody, "description": why}
    for status, why in [
        (400, "The body is not valid JSON (or is nested too deeply)."),
        (413, "The body is over the size limit."),
        (422, "The input is invalid: a missing or wrong field, no text, not English."),
        (500, "An unexpected error (logged by the server)."),
        (503, "Too many checks queued; retry after the Retry-After header's seconds."),
        (504, "The check took longer than the time limit."),
    ]
}


class BodyTooLarge(Exception):
    """The request body passed the configured limit while it was being read (413)."""


class BodyTimedOut(Exception):
    """The request body did not arrive in time (408)."""


class HTTPProblem(Exception):
    """An error answered as ``{"error": message}`` with a status code (or an error page)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """``{"error": message}`` with ``status``."""
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def validation_message(errors: list[dict[str, object]]) -> str:
    """Pydantic's or FastAPI's validation errors on one line: ``documents[0].text: Field required; ...``."""
    parts = []
    for e in errors[:5]:
        raw_loc = e.get("loc", ())
        loc = [str(x) for x in (raw_loc if isinstance(raw_loc, (list, tuple)) else ()) if x not in ("body", "query", "path", "header")]
        where = ""
        for x in loc:
            where += f"[{x}]" if x.isdigit() else (f".{x}" if where else x)
        msg = str(e.get("msg", "invalid"))
        parts.append(f"{where}: {msg}" if where else msg)
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return "; ".join(parts) + more


def install_error_handlers(app: FastAPI) -> None:
    """Register the JSON error handlers on ``app``."""

    @app.exception_handler(HTTPProblem)
    async def _problem(request: Request, exc: HTTPProblem) -> JSONResponse:
        return error_response(exc.status, exc.message, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # FastAPI turns any failure while it reads a body into "400: error parsing the body";
        # the body middleware's limits keep their own status
        if isinstance(exc.__cause__, BodyTooLarge):
            return error_response(413, str(exc.__cause__), {"connection": "close"})
        if isinstance(exc.__cause__, BodyTimedOut):
            return error_response(408, str(exc.__cause__), {"connection": "close"})
        detail = exc.detail if isinstance(exc.detail, str) else "request refused"
        if exc.status_code == 400 and detail == "There was an error parsing the body":
            detail = "request body could not be parsed (not valid JSON, or nested too deeply)"
        return error_response(exc.status_code, detail, dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        if any(e.get("type") == "json_invalid" for e in errors):
            return error_response(400, "request body is not valid JSON")
        return error_response(422, validation_message(errors))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(500, f"internal error ({type(exc).__name__}); the server log has the details")

"""ASGI middleware of the service: the request-body limit and the security headers."""

from __future__ import annotations

import asyncio

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from unspin.web.errors import BodyTimedOut, BodyTooLarge

#: The report page allows only its own scripts and styles: article text can never run.
PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
#: Swagger UI starts itself with one inline script.
DOCS_CSP = "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'"


class BodyLimitMiddleware:
    """Refuse bodies over ``limit`` bytes (413: at once from Content-Length, else while streaming)
    and bodies that take longer than ``read_timeout`` seconds to arrive (408); the connection is then closed."""

    def __init__(self, app: ASGIApp, limit: int, read_timeout: float | None = None) -> None:
        self.app = app
        self.limit = limit
        self.read_timeout = read_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = {"error": f"request body over the {self.limit:,}-byte limit"}
        slow = {"error": f"request body not received within {self.read_timeout:g} s"}
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
        complete = False
        loop = asyncio.get_running_loop()
        deadline: float | None = None

        async def limited_receive() -> Message:
            nonlocal seen, complete, deadline
            if complete or self.read_timeout is None:
                msg = await receive()
            else:
                if deadline is None:
                    deadline = loop.time() + self.read_timeout
                try:
                    msg = await asyncio.wait_for(receive(), max(0.0, deadline - loop.time()))
                except TimeoutError:
                    raise BodyTimedOut(slow["error"]) from None
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge(message["error"])
                complete = complete or not msg.get("more_body", False)
            else:
                complete = True
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
                await JSONResponse(message, status_code=413, headers={"connection": "close"})(scope, receive, send)
        except BodyTimedOut:
            if not started:
                await JSONResponse(slow, status_code=408, headers={"connection": "close"})(scope, receive, send)


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
                if not any(k.lower() == b"content-security-policy" for k, _ in headers):  # a page may set its own (/scan)
                    headers.append((b"content-security-policy", csp))
                headers += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                msg = {**msg, "headers": headers}
            await send(msg)

        await self.app(scope, receive, send_with_headers)

"""Running the app under uvicorn with limits on connections and on slow clients.

uvicorn closes idle keep-alive connections (``timeout_keep_alive``) but has no deadline for a
request's head or body: a client that trickles its headers one byte at a time keeps its
connection, and 300 of them keep 300. `GuardedH11Protocol` (uvicorn's h11 protocol plus two
rules) fixes that at the connection level:

- **connection limit**: a connection beyond ``Settings.max_connections`` open ones gets an
  immediate ``503`` JSON answer (``Retry-After``) and is closed;
- **header timeout**: a connection that has not sent a complete request head within
  ``Settings.header_timeout_s`` of connecting (or of its previous response) is closed.

The body deadline (``Settings.body_timeout_s``, 408 JSON) is enforced by
`unspin.web.middleware.BodyLimitMiddleware`, which reads every body.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from unspin.web.settings import Settings

log = logging.getLogger("unspin.web")


def _busy_response(retry_after: int) -> bytes:
    body = json.dumps({"error": "server busy: too many open connections; retry shortly"}).encode()
    head = (
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nretry-after: {retry_after}\r\nconnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a connection limit and a deadline for each request head."""

    max_connections = 256
    header_timeout_s = 10.0
    retry_after_s = 1

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            log.warning("connection refused: %d open connections (limit %d)", len(self.connections) - 1, self.max_connections)
            transport.write(_busy_response(self.retry_after_s))
            transport.close()
            return
        self._arm_head_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_deadline()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE:  # a request head has arrived (or the connection is done)
            self._disarm_head_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._arm_head_deadline()  # the next request's head has its own deadline

    def send_400_response(self, msg: str) -> None:
        """A malformed request (bad HTTP, a head over h11's 16 KiB): 400 as JSON like every other error."""
        body = json.dumps({"error": f"bad HTTP request: {msg}"}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), (b"connection", b"close")]
        try:
            self.transport.write(self.conn.send(h11.Response(status_code=400, headers=headers, reason=b"Bad Request")) or b"")
            self.transport.write(self.conn.send(h11.Data(data=body)) or b"")
            self.transport.write(self.conn.send(h11.EndOfMessage()) or b"")
        except h11.LocalProtocolError:  # h11 is in no state to answer: just close
            pass
        self.transport.close()

    def _arm_head_deadline(self) -> None:
        self._disarm_head_deadline()
        self._head_deadline = self.loop.call_later(self.header_timeout_s, self._head_timed_out)

    def _disarm_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_timed_out(self) -> None:
        self._head_deadline = None
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            if self.conn.trailing_data[0]:  # part of a head arrived: a slow or stalled client
                log.info("closing a connection that sent no complete request head in %g s", self.header_timeout_s)
            self.transport.close()


def protocol_for(settings: Settings) -> type[GuardedH11Protocol]:
    """`GuardedH11Protocol` with the limits of ``settings``."""
    return type(
        "GuardedH11Protocol",
        (GuardedH11Protocol,),
        {"max_connections": settings.max_connections, "header_timeout_s": settings.header_timeout_s, "retry_after_s": settings.retry_after_s},
    )


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """The uvicorn settings of `unspin serve` (see docs/serve.md)."""
    return {
        "http": protocol_for(settings),
        "timeout_keep_alive": 5,
        "timeout_graceful_shutdown": 10,
    }

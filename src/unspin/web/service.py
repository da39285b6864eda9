"""What the routes share, built once per process in the app's lifespan: settings, the detector,
the worker pool, the source index; and the check every route runs (`Service.check`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Request

from unspin.errors import InputError
from unspin.model import Match, Report
from unspin.web.errors import HTTPProblem
from unspin.web.index import ServiceIndex
from unspin.web.inputs import RawInput, build_document
from unspin.web.pool import CheckTimeout, QueueFull, WorkerPool
from unspin.web.settings import Settings

T = TypeVar("T")


@dataclass
class Service:
    """The state of one running service (``app.state.service``)."""

    settings: Settings
    detector: Any
    pool: WorkerPool
    index: ServiceIndex | None = None
    #: Why there is no index (shown by /healthz and in 501 answers); None when there is one.
    index_error: str | None = "no index configured (start unspin serve with --index PATH)"
    #: Spinner lexicons (`unspin.learn`) applied by every check.
    lexicons: tuple[Any, ...] = ()

    def index_or_501(self) -> ServiceIndex:
        if self.index is None:
            raise HTTPProblem(501, f"source search is not available: {self.index_error}")
        return self.index

    async def run(self, fn: Callable[[], T]) -> T:
        """``fn`` on the worker pool; busy, timeout and bad input become HTTP problems."""
        try:
            return await self.pool.run(fn)
        except QueueFull:
            raise HTTPProblem(503, "server busy: too many checks queued; retry shortly", {"Retry-After": str(self.settings.retry_after_s)}) from None
        except CheckTimeout as exc:
            raise HTTPProblem(504, str(exc)) from None
        except InputError as exc:
            raise HTTPProblem(422, str(exc)) from None

    def check(self, raw: RawInput, k: int = 1) -> tuple[Report, list[Match]]:
        """Build the document and check it with the index (runs on a worker).

        Like ``unspin check --index``, the check searches the index once: an indexed copy's
        substituted words carry their exact originals (``kind: "source"``), and the best ``k``
        sources it found come back in ``Report.sources`` (the report page shows them).
        """
        from unspin.api import check

        doc, warnings = build_document(raw, self.settings)
        index = self.index.index if self.index is not None else None
        report = check(doc, detector=self.detector, warnings=warnings, index=index, top_sources=max(1, k),
                       lexicons=self.lexicons)
        return report, list(report.sources or ())


def get_service(request: Request) -> Service:
    """The running service (a FastAPI dependency)."""
    return request.app.state.service

"""What the routes share, built once per process in the app's lifespan, and the checks they run.

`Checker` is what a worker holds: settings, the detector, the spinner lexicons, the source index
opened for searching. `run_check` and `run_search` are the jobs (they run on a worker: in a worker
process of `unspin serve`, `unspin.web.worker`, or on a thread of this process with the server's
own `Checker`). `Service` is the server process's side: the worker pool, the index it writes to,
and the async calls the routes await (`Service.check`, `search`, `add`, `delete`).

Where the index lives: with worker processes each worker opens the index file for reading (its
own SQLite connection; SQLite's WAL lets them read while the server process writes), and index
writes run in the server process, on one thread; every check sees the writes committed before it.
An in-memory index cannot be shared by processes, so with one the checks run in threads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from fastapi import Request

from unspin.errors import InputError
from unspin.model import Document, Match, Report
from unspin.settings import MAX_CHECK_WORDS
from unspin.web.errors import HTTPProblem
from unspin.web.index import ServiceIndex
from unspin.web.inputs import RawInput, build_document
from unspin.web.pool import CheckTimeout, QueueFull, WorkerDied, WorkerPool
from unspin.web.settings import Settings

T = TypeVar("T")
log = logging.getLogger("unspin.web")

#: Characters per word of a web page's HTML, markup included (its cost is estimated from its length).
HTML_CHARS_PER_WORD = 18


def estimate_words(raw: RawInput) -> int:
    """What a check of ``raw`` will cost, in words, before reading it: the spaces and line breaks of a
    text (one C pass, no copy), a page's length over `HTML_CHARS_PER_WORD`; capped at the word cap
    (a check reads no further; `unspin.settings.MAX_CHECK_WORDS`)."""
    payload = raw.payload
    if raw.kind == "html" or (isinstance(payload, bytes) and raw.name.lower().endswith((".html", ".htm"))):
        words = len(payload) // HTML_CHARS_PER_WORD
    elif isinstance(payload, bytes):
        words = payload.count(b" ") + payload.count(b"\n")
    else:
        words = payload.count(" ") + payload.count("\n")
    return min(MAX_CHECK_WORDS, words + 1)


@dataclass
class Checker:
    """What runs a check: settings, the detector, spinner lexicons, the index searched (one per worker)."""

    settings: Settings
    detector: Any
    lexicons: tuple[Any, ...] = ()
    index: Any = None  # unspin.index.SourceIndex

    @classmethod
    def load(cls, settings: Settings, index_path: str | None = None) -> Checker:
        """The detector loaded and warmed up, the lexicons of ``settings`` read, the index at ``index_path``
        opened for searching (never created: the server process opened it first)."""
        from unspin.api import check, get_detector

        detector = get_detector()
        check("The minister said on Tuesday that the plan would go ahead.", detector=detector)  # load lazy resources now
        lexicons: tuple[Any, ...] = ()
        if settings.lexicons:
            from unspin.learn import read_lexicon
            from unspin.learn.apply import channel_detector

            lexicons = tuple(read_lexicon(p) for p in settings.lexicons)
            channel_detector(lexicons, detector)  # their learned channel's table now, not in a request
        index = None
        if index_path:
            from unspin.index import SourceIndex

            index = SourceIndex.open(index_path, create=False)
        return cls(replace(settings, token=None), detector, lexicons, index)


def run_check(checker: Checker, raw: RawInput, k: int = 1) -> tuple[Report, list[Match]]:
    """Build the document and check it with the index (runs on a worker).

    Like ``unspin check --index``, the check searches the index once: an indexed copy's
    substituted words carry their exact originals (``kind: "source"``), and the best ``k``
    sources it found come back in ``Report.sources`` (the report page shows them).
    """
    from unspin.api import check

    doc, warnings = build_document(raw, checker.settings)
    report = check(doc, detector=checker.detector, warnings=warnings, index=checker.index, top_sources=max(1, k),
                   lexicons=checker.lexicons)
    return report, list(report.sources or ())


def run_screen(checker: Checker, raw: RawInput, spot: bool = False) -> Report:
    """Build the document and screen it (runs on a worker): the report of ``unspin check --screen``
    (`unspin.screen.screen_report`): the screening score, no flags, verdict ``clean`` or ``uncertain``."""
    from unspin.screen import screen_report

    doc, warnings = build_document(raw, checker.settings)
    return screen_report(doc, warnings=tuple(warnings), spot=spot)


def run_search(checker: Checker, raw: RawInput, k: int) -> list[Match]:
    """The best ``k`` sources of the article in ``raw`` (runs on a worker)."""
    from unspin.search import search

    if checker.index is None:
        raise RuntimeError("no index in this worker")
    doc, _ = build_document(raw, checker.settings)
    return list(search(doc, checker.index, top=k).matches)


@dataclass
class Service:
    """The state of one running service (``app.state.service``)."""

    settings: Settings
    #: Runs checks and searches: worker processes (`unspin.web.worker`), or threads using ``checker``.
    pool: WorkerPool
    #: The server process's own checker when checks run in threads; None with worker processes.
    checker: Checker | None = None
    index: ServiceIndex | None = None
    #: Why there is no index (shown by /healthz and in 501 answers); None when there is one.
    index_error: str | None = "no index configured (start unspin serve with --index PATH)"
    #: Index writes, with worker processes: one thread of the server process (None: on ``pool``).
    writes: WorkerPool | None = None

    @property
    def detector(self) -> Any:
        return self.checker.detector if self.checker is not None else None

    def index_or_501(self) -> ServiceIndex:
        if self.index is None:
            raise HTTPProblem(501, f"source search is not available: {self.index_error}")
        return self.index

    async def run(self, fn: Callable[..., T], *args: Any, cost: int = 0, pool: WorkerPool | None = None) -> T:
        """``fn(*args)`` on the worker pool; busy, timeout and bad input become HTTP problems."""
        try:
            return await (pool or self.pool).run(fn, *args, cost=cost)
        except QueueFull:
            raise HTTPProblem(503, "server busy: too many checks queued; retry shortly", {"Retry-After": str(self.settings.retry_after_s)}) from None
        except CheckTimeout as exc:
            raise HTTPProblem(504, str(exc)) from None
        except WorkerDied as exc:
            raise HTTPProblem(500, str(exc)) from None
        except InputError as exc:
            raise HTTPProblem(422, str(exc)) from None

    async def check(self, raw: RawInput, k: int = 1) -> tuple[Report, list[Match]]:
        """`run_check` on a worker: the report and the best ``k`` sources found in the index."""
        if self.checker is not None:
            return await self.run(run_check, self.checker, raw, k, cost=estimate_words(raw))
        from unspin.web import worker

        return await self.run(worker.check, raw, k, cost=estimate_words(raw))

    async def screen(self, raw: RawInput, spot: bool = False) -> Report:
        """`run_screen` on a worker."""
        if self.checker is not None:
            return await self.run(run_screen, self.checker, raw, spot, cost=estimate_words(raw))
        from unspin.web import worker

        return await self.run(worker.screen, raw, spot, cost=estimate_words(raw))

    async def search(self, raw: RawInput, k: int) -> list[Match]:
        """`run_search` on a worker (501 without an index)."""
        self.index_or_501()
        if self.checker is not None:
            return await self.run(run_search, self.checker, raw, k, cost=estimate_words(raw))
        from unspin.web import worker

        return await self.run(worker.search, raw, k, cost=estimate_words(raw))

    async def add(self, documents: Sequence[Document]) -> int:
        """Index ``documents`` in one transaction (in the server process)."""
        index = self.index_or_501()
        return await self.run(index.add, documents, cost=sum(d.text.count(" ") for d in documents), pool=self.writes)

    async def delete(self, doc_id: str) -> bool:
        """Remove one indexed document; False when there was none with that id."""
        index = self.index_or_501()
        return await self.run(index.delete, doc_id, pool=self.writes)


def get_service(request: Request) -> Service:
    """The running service (a FastAPI dependency)."""
    service: Service = request.app.state.service
    return service

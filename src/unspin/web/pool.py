"""The detector's worker pool: threads off the event loop, a bounded queue, a time limit that frees the worker.

When every slot (running plus waiting) is taken the next request is refused at once
(`QueueFull` -> 503 with Retry-After) instead of waiting. A check that runs past the
limit is answered 504 *and cancelled*: a job still waiting is dropped, and a running one
gets `CheckCancelled` raised inside its thread (CPython's ``PyThreadState_SetAsyncExc``),
delivered at the next Python bytecode, so its worker is back within milliseconds instead
of finishing minutes of work no one will read. The slot counts until the job has really
stopped, so a stream of slow requests can never grow an unbounded backlog.

What cancellation cannot interrupt: a single long call into C (a SQLite query, a numpy
operation) finishes first; a blocking wait on a lock or event is not a check's work.
The detector's shared state is read-only during a check, and the index's locks and
transactions are released by ``with`` blocks, so an exception at any point leaves them usable.
"""

from __future__ import annotations

import asyncio
import ctypes
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

T = TypeVar("T")

_set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
_set_async_exc.argtypes = (ctypes.c_ulong, ctypes.py_object)
_set_async_exc.restype = ctypes.c_int


class QueueFull(Exception):
    """Every worker is busy and the queue is full."""


class CheckTimeout(Exception):
    """A job ran past the per-request time limit."""


class CheckCancelled(BaseException):
    """Raised inside a worker thread to stop a job that ran past its time limit.

    A `BaseException`, so that ``except Exception`` in the job's code does not swallow it.
    """


class _Job(Generic[T]):
    """One job's run on a worker thread, cancellable from another thread exactly while it runs."""

    def __init__(self, fn: Callable[[], T]) -> None:
        self.fn = fn
        self._lock = threading.Lock()
        self._state = "waiting"  # waiting -> running -> (cancelling ->) done
        self._thread = 0

    def __call__(self) -> T:
        with self._lock:
            if self._state != "waiting":
                raise CheckCancelled()
            self._state, self._thread = "running", threading.get_ident()
        try:
            try:
                return self.fn()
            finally:
                with self._lock:
                    if self._state == "cancelling":  # asked to stop as it finished: drop the pending exception
                        _set_async_exc(self._thread, ctypes.py_object())
                    self._state = "done"
        except CheckCancelled:
            raise CheckTimeout("cancelled after the time limit") from None

    def cancel(self) -> bool:
        """Stop the job: not yet started, it never runs; running, it gets `CheckCancelled`. True when it was stopped."""
        with self._lock:
            if self._state == "waiting":
                self._state = "done"
                return True
            if self._state == "running":
                if _set_async_exc(self._thread, ctypes.py_object(CheckCancelled)) == 1:
                    self._state = "cancelling"
                    return True
            return False


class WorkerPool:
    """``workers`` threads plus ``queue_size`` waiting jobs; beyond that `submit` raises `QueueFull`."""

    def __init__(self, workers: int, queue_size: int, timeout_s: float) -> None:
        self.workers = workers
        self.capacity = workers + queue_size
        self.timeout_s = timeout_s
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="unspin-detect")
        self._lock = threading.Lock()
        self._in_flight = 0
        self.rejected = 0
        self.timed_out = 0
        self.cancelled = 0

    @property
    def in_flight(self) -> int:
        """Jobs running or waiting."""
        return self._in_flight

    def _release(self, _future: Future[Any]) -> None:
        with self._lock:
            self._in_flight -= 1

    def _submit(self, job: Callable[[], T]) -> Future[T]:
        with self._lock:
            if self._in_flight >= self.capacity:
                self.rejected += 1
                raise QueueFull(f"{self._in_flight} checks running or queued (capacity {self.capacity})")
            self._in_flight += 1
        try:
            future = self._executor.submit(job)
        except BaseException:
            with self._lock:
                self._in_flight -= 1
            raise
        future.add_done_callback(self._release)
        return future

    def submit(self, fn: Callable[[], T]) -> Future[T]:
        """Start ``fn`` on a worker thread (not cancellable), or raise `QueueFull` when no slot is free."""
        return self._submit(fn)

    async def run(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on a worker and await it, raising `QueueFull` or `CheckTimeout` (and then cancelling it)."""
        job = _Job(fn)
        waiting = asyncio.wrap_future(self._submit(job))
        try:
            return await asyncio.wait_for(asyncio.shield(waiting), self.timeout_s)
        except TimeoutError:
            self.timed_out += 1
            waiting.add_done_callback(lambda f: f.cancelled() or f.exception())  # its end is no one's business now
            if job.cancel():
                self.cancelled += 1
            raise CheckTimeout(f"the check took longer than {self.timeout_s:g} s") from None

    def stats(self) -> dict[str, int]:
        """Counters for /healthz."""
        return {"workers": self.workers, "capacity": self.capacity, "in_flight": self._in_flight, "rejected": self.rejected, "timed_out": self.timed_out, "cancelled": self.cancelled}

    def shutdown(self) -> None:
        """Stop accepting jobs; queued ones are cancelled, running ones finish."""
        self._executor.shutdown(wait=False, cancel_futures=True)

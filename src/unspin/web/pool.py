"""The detector's worker pool: threads off the event loop, a bounded queue, a time limit.

A check holds a slot from submission until its thread finishes, even when the
client has already been answered 504: a slow check still occupies the CPU, so
it must keep counting against the queue, or a stream of slow requests would
grow an unbounded backlog. When every slot is taken the next request is
refused at once (`QueueFull` -> 503 with Retry-After) instead of waiting.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, TypeVar

T = TypeVar("T")


class QueueFull(Exception):
    """Every worker is busy and the queue is full."""


class CheckTimeout(Exception):
    """A job ran past the per-request time limit."""


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

    @property
    def in_flight(self) -> int:
        """Jobs running or waiting."""
        return self._in_flight

    def _release(self, _future: Future[object]) -> None:
        with self._lock:
            self._in_flight -= 1

    def submit(self, fn: Callable[[], T]) -> Future[T]:
        """Start ``fn`` on a worker thread, or raise `QueueFull` when no slot is free."""
        with self._lock:
            if self._in_flight >= self.capacity:
                self.rejected += 1
                raise QueueFull(f"{self._in_flight} checks running or queued (capacity {self.capacity})")
            self._in_flight += 1
        try:
            future = self._executor.submit(fn)
        except BaseException:
            with self._lock:
                self._in_flight -= 1
            raise
        future.add_done_callback(self._release)
        return future

    async def run(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on a worker and await it, raising `QueueFull` or `CheckTimeout`."""
        future = self.submit(fn)
        try:
            return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), self.timeout_s)
        except asyncio.TimeoutError:
            self.timed_out += 1
            future.cancel()  # a job still waiting for a thread is dropped; a running one finishes unseen
            raise CheckTimeout(f"the check took longer than {self.timeout_s:g} s") from None

    def stats(self) -> dict[str, int]:
        """Counters for /healthz."""
        return {"workers": self.workers, "capacity": self.capacity, "in_flight": self._in_flight, "rejected": self.rejected, "timed_out": self.timed_out}

    def shutdown(self) -> None:
        """Stop accepting jobs; queued ones are cancelled, running ones finish."""
        self._executor.shutdown(wait=False, cancel_futures=True)

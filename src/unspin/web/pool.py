"""The detector's worker pool: a fair scheduler in front of worker processes (or threads), a bounded
queue, a time limit that frees the worker.

One module of ~430 lines on purpose: the scheduler, the two backends and the job record share one
lock and one notion of a job's state; split apart, every state change would cross a module boundary.

**Where checks run.** `unspin serve` runs checks in ``workers`` worker processes (`ProcessBackend`,
one-process `pebble.ProcessPool` each, forked from a fork server that loaded the detector once, `unspin.web.preload`;
a job goes to the first idle worker, so under light load one worker's caches see all the traffic): the detector is
CPU-bound Python, so threads of one process share one core whatever the machine, and processes
are what makes requests per second grow with the cores. `ThreadBackend` (threads of the server
process, the detector shared) is for embedding the app in a process (tests, an in-memory index).

**Who runs next.** Every job carries its cost, known before it runs (the words of its text, capped
at the word cap: `unspin.web.service.estimate_words`). When a worker frees up, the waiting job with
the *highest response ratio* runs next: (time waited + expected run time) / expected run time, the
classic HRRN rule, so short checks overtake long ones but a long one's ratio grows while it waits;
and a job that has waited half the time limit goes first (oldest first), so nothing starves into a
503 while the server keeps up — except that heavy jobs jump the queue that way only after resting
three times as long as the last heavy job ran, so under a flood of worst-case requests they get at
most a quarter of a worker's time while normal checks wait, and the rest of them 503. Jobs of at least ``heavy_words`` words are *heavy*: at most ``heavy_workers``
of them run at once (half the workers, at least one), so worst-case requests can never hold every
worker and normal checks always find one within one normal check's time.

**Limits.** When every slot (running plus waiting) is taken the next request is refused at once
(`QueueFull` -> 503 with Retry-After). A job that waited ``timeout_s`` without starting is dropped
with `QueueFull` too (503: the server is overloaded, time spent queued is never a 504). A job that
*runs* past ``timeout_s`` is answered `CheckTimeout` (504) and stopped: a worker process is killed
and a fresh one started (pebble); a worker thread gets `CheckCancelled` raised inside it (CPython's
``PyThreadState_SetAsyncExc``), delivered at its next Python bytecode. A slot counts until its job
has really stopped, so a stream of slow requests can never grow an unbounded backlog.

What a thread's cancellation cannot interrupt: a single long call into C (a SQLite query, a numpy
operation) finishes first; processes have no such gap. The scheduler's state lives on the event
loop (no locks); `WorkerPool.submit` hands a job over from another thread.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import multiprocessing
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Generic, TypeVar

T = TypeVar("T")
log = logging.getLogger("unspin.web")

_set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
_set_async_exc.argtypes = (ctypes.c_ulong, ctypes.py_object)
_set_async_exc.restype = ctypes.c_int

#: Words a check gets through per second of one core (warm, BBC articles; bench/results/serve.md),
#: and a fixed cost per job in words: the expected run time of HRRN.
WORDS_PER_SECOND = 3000.0
OVERHEAD_WORDS = 100
#: After a heavy job that ran R seconds, heavy jobs may jump the queue for waiting long only
#: HEAVY_REST * R seconds later: at most 1 / (1 + HEAVY_REST) of a worker's time (a quarter).
HEAVY_REST = 3.0


class QueueFull(Exception):
    """Every worker is busy and the queue is full (or a job waited too long to start)."""


class CheckTimeout(Exception):
    """A job ran past the per-request time limit."""


class WorkerDied(Exception):
    """The worker process running a job ended abnormally (killed, out of memory); a new one is started."""


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
            if self._state in ("running", "cancelling"):  # again when the first landed where it was swallowed (a gc callback)
                if _set_async_exc(self._thread, ctypes.py_object(CheckCancelled)) == 1:
                    self._state = "cancelling"
                    return True
            return False


class ThreadBackend:
    """Jobs on threads of this process; a job past its limit gets `CheckCancelled` raised in its thread."""

    kind = "threads"

    def __init__(self, workers: int) -> None:
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="unspin-detect")

    def start(self, fn: Callable[..., Any], args: tuple[Any, ...], timeout_s: float) -> tuple[Future[Any], Callable[[], bool]]:
        """Run ``fn(*args)``; the future ends when the job has stopped, the callable cancels it (the pool times it)."""
        job = _Job(partial(fn, *args))
        return self._executor.submit(job), job.cancel

    @property
    def times_itself(self) -> bool:
        return False

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _started(counter: Any, initializer: Callable[..., None] | None, args: tuple[Any, ...]) -> None:
    """A worker process's initializer: the caller's, then one more ready worker counted."""
    if initializer is not None:
        initializer(*args)
    with counter.get_lock():
        counter.value += 1


class ProcessBackend:
    """Jobs in ``workers`` processes, each set up once by ``initializer(*initargs)``.

    Each worker is its own one-process `pebble.ProcessPool`, and a job goes to the *first idle
    worker in order*: under light load the same worker takes every job, so its word and
    language-model caches see all the traffic, as one process's would (two workers taking turns
    each warm a cache on half of it: a check cost ~20 % more CPU, `bench/results/serve.md`).
    A job past its limit is stopped by killing its process; pebble starts a fresh one, forked from
    the fork server (which imported ``preload``: the detector), so it is back in milliseconds.
    ``started`` counts worker initialisations (the first ``workers`` plus every replacement).
    """

    kind = "processes"

    def __init__(self, workers: int, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = (),
                 preload: tuple[str, ...] = ()) -> None:
        from pebble import ProcessPool

        # Workers are forked by multiprocessing's fork server, a single-threaded process started
        # clean (the server's threads are never forked) that imports ``preload`` once: with
        # `unspin.web.preload` every worker starts with the detector loaded.
        ctx = multiprocessing.get_context("forkserver")
        if preload:
            ctx.set_forkserver_preload(list(preload))
        self.workers = workers
        self._started = ctx.Value("i", 0)
        self._pools = [ProcessPool(max_workers=1, initializer=_started, initargs=(self._started, initializer, initargs), context=ctx)
                       for _ in range(workers)]
        self._busy = [0] * workers  # jobs handed to each worker and not yet done
        self._lock = threading.Lock()

    @property
    def times_itself(self) -> bool:
        return True

    @property
    def started(self) -> int:
        return int(self._started.value)

    def _pick(self) -> int:
        """The first idle worker; if none is idle (one still stopping), the least busy."""
        with self._lock:
            i = min(range(self.workers), key=lambda k: (self._busy[k], k))
            self._busy[i] += 1
            return i

    def _done(self, i: int) -> None:
        with self._lock:
            self._busy[i] -= 1

    def start(self, fn: Callable[..., Any], args: tuple[Any, ...], timeout_s: float) -> tuple[Future[Any], Callable[[], bool]]:
        """Run ``fn(*args)`` in a worker; pebble kills it after ``timeout_s`` of running (its clock starts when a worker takes it)."""
        i = self._pick()
        try:
            future = self._pools[i].schedule(fn, args=args, timeout=timeout_s)
        except BaseException:
            self._done(i)
            raise
        future.add_done_callback(lambda _f: self._done(i))
        return future, future.cancel

    def busy(self) -> list[int]:
        """Jobs handed to each worker and not yet done (for /healthz and tests)."""
        with self._lock:
            return list(self._busy)

    def wait_ready(self, timeout_s: float) -> None:
        """Block until every worker has run its initializer; RuntimeError after ``timeout_s``."""
        for pool in self._pools:
            pool.schedule(_noop)  # pebble starts a worker with its first job
        deadline = time.monotonic() + timeout_s
        while self.started < self.workers:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.workers - self.started} of {self.workers} worker processes did not start in {timeout_s:g} s (see the log)")
            time.sleep(0.05)

    def shutdown(self) -> None:
        for pool in self._pools:
            pool.stop()
        for pool in self._pools:
            pool.join(timeout=10)


def _noop() -> None:
    return None


@dataclass(eq=False)
class _Entry:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    cost: int
    heavy: bool
    answer: asyncio.Future[Any]
    arrived: float = field(default_factory=time.monotonic)
    expiry: asyncio.TimerHandle | None = None
    cancel: Callable[[], bool] | None = None
    started: float = 0.0
    done: bool = False

    def ratio(self, now: float) -> float:
        """HRRN: (waited + expected run time) / expected run time."""
        expected = (self.cost + OVERHEAD_WORDS) / WORDS_PER_SECOND
        return (now - self.arrived + expected) / expected


class WorkerPool:
    """``workers`` workers plus ``queue_size`` waiting jobs, scheduled by cost; beyond that `run` raises `QueueFull`."""

    def __init__(self, workers: int, queue_size: int, timeout_s: float, *, backend: ThreadBackend | ProcessBackend | None = None,
                 heavy_words: int = 2000, heavy_workers: int | None = None) -> None:
        self.workers = workers
        self.capacity = workers + queue_size
        self.timeout_s = timeout_s
        self.backend = backend if backend is not None else ThreadBackend(workers)
        self.heavy_words = heavy_words
        self.heavy_workers = heavy_workers if heavy_workers is not None else max(1, workers // 2)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting: list[_Entry] = []
        self._in_flight = 0  # waiting + running + stopping
        self._running = 0
        self._heavy_running = 0
        self._heavy_rest_until = 0.0
        self.rejected = 0
        self.expired = 0
        self.timed_out = 0
        self.cancelled = 0
        self.died = 0

    @property
    def in_flight(self) -> int:
        """Jobs running or waiting."""
        return self._in_flight

    # -- the event loop's side

    async def run(self, fn: Callable[..., T], *args: Any, cost: int = 0) -> T:
        """Run ``fn(*args)`` on a worker and await it, raising `QueueFull`, `CheckTimeout` or `WorkerDied`.

        With processes, ``fn`` and ``args`` must pickle (a module-level function). ``cost`` is the
        job's size in words (its scheduling priority; heavy from ``heavy_words``)."""
        loop = asyncio.get_running_loop()
        self._loop = loop
        if self._in_flight >= self.capacity:
            self.rejected += 1
            raise QueueFull(f"{self._in_flight} checks running or queued (capacity {self.capacity})")
        entry = _Entry(fn, args, cost, cost >= self.heavy_words, loop.create_future())
        self._in_flight += 1
        self._waiting.append(entry)
        entry.expiry = loop.call_later(self.timeout_s, self._expire_waiting, entry)
        self._dispatch()
        try:
            return await asyncio.shield(entry.answer)
        except asyncio.CancelledError:  # the request went away: a job still waiting never runs
            if entry in self._waiting:
                self._waiting.remove(entry)
                self._release(entry, started=False)
            raise

    def _pick(self) -> _Entry | None:
        """The next job: the oldest that has waited half the limit, else the highest response ratio.

        A heavy job jumps the queue that way only once the heavy jobs before it have rested
        (`HEAVY_REST`): heavy checks take at most a quarter of a worker's time from waiting normal ones."""
        now = time.monotonic()
        heavy_ok = self._heavy_running < self.heavy_workers
        eligible = [e for e in self._waiting if heavy_ok or not e.heavy]  # oldest first
        if not eligible:
            return None
        for e in eligible:  # about to be refused for waiting: its turn now (a heavy one only outside its rest)
            if now - e.arrived < self.timeout_s / 2:
                break
            if not e.heavy or now >= self._heavy_rest_until:
                return e
        return max(eligible, key=lambda e: e.ratio(now))  # max keeps the first (older) on ties

    def _dispatch(self) -> None:
        while self._running < self.workers and self._waiting:
            entry = self._pick()
            if entry is None:
                return
            self._waiting.remove(entry)
            if entry.expiry is not None:
                entry.expiry.cancel()
                entry.expiry = None
            self._running += 1
            self._heavy_running += entry.heavy
            entry.started = time.monotonic()
            try:
                future, entry.cancel = self.backend.start(entry.fn, entry.args, self.timeout_s)
            except BaseException as exc:
                self._finish(entry, None, exc)
                continue
            assert self._loop is not None
            future.add_done_callback(partial(self._stopped, entry))
            if not self.backend.times_itself:
                entry.expiry = self._loop.call_later(self.timeout_s, self._expire_running, entry)

    def _stopped(self, entry: _Entry, future: Future[Any]) -> None:
        """A job ended (called on the worker's or pebble's thread): finish it on the event loop."""
        assert self._loop is not None
        try:
            self._loop.call_soon_threadsafe(self._finish, entry, future, None)
        except RuntimeError:  # the loop is closed: the server is gone
            pass

    def _expire_waiting(self, entry: _Entry) -> None:
        if entry in self._waiting:
            self._waiting.remove(entry)
            self.expired += 1
            self._answer(entry, exc=QueueFull(f"no worker was free within {self.timeout_s:g} s"))
            self._release(entry, started=False)

    def _expire_running(self, entry: _Entry) -> None:
        """A thread job past its limit: answer 504 now; its slot stays taken until it has stopped."""
        entry.expiry = None
        if entry.answer.done():
            return
        self.timed_out += 1
        self._answer(entry, exc=CheckTimeout(f"the check took longer than {self.timeout_s:g} s"))
        if entry.cancel is not None and entry.cancel():
            self.cancelled += 1
            self._cancel_again(entry)

    def _cancel_again(self, entry: _Entry) -> None:
        """Until a cancelled thread job has stopped, raise `CheckCancelled` in it again every 0.1 s: an
        exception delivered while a gc callback runs is swallowed there (and printed as unraisable)."""
        if not entry.done and self._loop is not None:
            self._loop.call_later(0.1, self._cancel_retry, entry)

    def _cancel_retry(self, entry: _Entry) -> None:
        if not entry.done and entry.cancel is not None and entry.cancel():
            self._cancel_again(entry)

    def _finish(self, entry: _Entry, future: Future[Any] | None, error: BaseException | None) -> None:
        entry.done = True
        if entry.expiry is not None:
            entry.expiry.cancel()
            entry.expiry = None
        if future is not None and not entry.answer.done():
            if future.cancelled():
                error = CheckTimeout(f"the check took longer than {self.timeout_s:g} s")
            else:
                error = future.exception()
            if isinstance(error, FutureTimeout):  # pebble stopped it at the limit (the worker is replaced)
                self.timed_out += 1
                self.cancelled += 1
                error = CheckTimeout(f"the check took longer than {self.timeout_s:g} s")
            elif error is not None and type(error).__name__ == "ProcessExpired":
                self.died += 1
                log.warning("a worker process ended abnormally (%s); a new one is started", error)
                error = WorkerDied(f"the worker process running this check ended abnormally ({error})")
        if not entry.answer.done():
            if error is not None:
                self._answer(entry, exc=error)
            else:
                assert future is not None
                self._answer(entry, value=future.result())
        self._release(entry, started=True)
        self._dispatch()

    @staticmethod
    def _answer(entry: _Entry, value: Any = None, exc: BaseException | None = None) -> None:
        if entry.answer.done():
            return
        if exc is not None:
            entry.answer.set_exception(exc)
            entry.answer.add_done_callback(lambda f: f.exception())  # no "never retrieved" noise when its request went away
        else:
            entry.answer.set_result(value)

    def _release(self, entry: _Entry, started: bool) -> None:
        self._in_flight -= 1
        if started:
            self._running -= 1
            self._heavy_running -= entry.heavy
            if entry.heavy:
                now = time.monotonic()
                self._heavy_rest_until = max(self._heavy_rest_until, now + HEAVY_REST * (now - entry.started))

    # -- other threads' side

    def submit(self, fn: Callable[..., T], *args: Any, cost: int = 0) -> Future[T]:
        """`run` from another thread (tests, benchmarks): a future of its result."""
        if self._loop is None:
            raise RuntimeError("the pool has not run a job yet (start it in the app's lifespan)")
        return asyncio.run_coroutine_threadsafe(self.run(fn, *args, cost=cost), self._loop)

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """The event loop the scheduler lives on (the app's lifespan sets it)."""
        self._loop = loop

    def stats(self) -> dict[str, Any]:
        """Counters for /healthz."""
        out: dict[str, Any] = {
            "kind": self.backend.kind, "workers": self.workers, "capacity": self.capacity, "in_flight": self._in_flight,
            "running": self._running, "waiting": len(self._waiting), "heavy_running": self._heavy_running,
            "rejected": self.rejected, "expired_waiting": self.expired, "timed_out": self.timed_out, "cancelled": self.cancelled,
        }
        if isinstance(self.backend, ProcessBackend):
            out["workers_started"] = self.backend.started
            out["worker_jobs"] = self.backend.busy()
            out["workers_died"] = self.died
        return out

    def shutdown(self) -> None:
        """Stop accepting jobs; waiting ones are dropped, running ones stop (processes) or finish (threads)."""
        for entry in self._waiting:
            if entry.expiry is not None:
                entry.expiry.cancel()
            self._answer(entry, exc=QueueFull("the server is shutting down"))
        self._waiting.clear()
        self.backend.shutdown()

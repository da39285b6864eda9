"""The web service's worker pool: cost-aware scheduling, time limits, worker processes."""

from __future__ import annotations

import asyncio
import os
import threading
import time

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'unspin[web]'")
pytest.importorskip("pebble", reason="the web extra is not installed: pip install 'unspin[web]'")

from unspin.web.pool import CheckTimeout, ProcessBackend, QueueFull, WorkerPool

# -- jobs for worker processes (module-level, so they pickle by name)


def pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def meet(folder: str, name: str, others: int) -> bool:
    """Leave a mark in ``folder`` and wait (10 s at most) until ``others`` more marks are there: True when they were."""
    from pathlib import Path

    (Path(folder) / name).touch()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if len(list(Path(folder).iterdir())) > others:
            return True
        time.sleep(0.01)
    return False


def spin_forever() -> None:
    while True:
        pass


def fail_with_value_error() -> None:
    raise ValueError("bad record 7")


# -- scheduling (threads: no detector needed)


def _run(coro):
    return asyncio.run(coro)


def test_short_jobs_overtake_a_long_one_waiting_but_it_is_not_starved():
    async def main() -> list[str]:
        pool = WorkerPool(1, 8, timeout_s=10)
        order: list[str] = []
        gate = threading.Event()
        first = asyncio.ensure_future(pool.run(gate.wait, cost=100))  # holds the only worker
        await asyncio.sleep(0.05)
        heavy = asyncio.ensure_future(pool.run(order.append, "heavy", cost=5000))
        await asyncio.sleep(0.01)
        light = [asyncio.ensure_future(pool.run(order.append, f"light{i}", cost=300)) for i in range(3)]
        await asyncio.sleep(0.01)
        gate.set()
        await asyncio.gather(first, heavy, *light)
        pool.shutdown()
        return order

    # the heavy job came first, but the short ones waiting with it run before it; it still runs
    assert _run(main()) == ["light0", "light1", "light2", "heavy"]


def test_a_long_wait_raises_a_heavy_jobs_priority():
    pool = WorkerPool(1, 8, timeout_s=100)
    from unspin.web.pool import _Entry

    loop = asyncio.new_event_loop()
    try:
        now = time.monotonic()
        heavy = _Entry(print, (), 5000, True, loop.create_future(), arrived=now - 20)
        light = _Entry(print, (), 300, False, loop.create_future(), arrived=now - 0.5)
        pool._waiting = [light, heavy]
        assert pool._pick() is heavy  # waited 20 s: its ratio (~13) passed the short job's (~2.25)
        pool._waiting = [heavy, _Entry(print, (), 300, False, loop.create_future(), arrived=now - 5)]
        assert pool._pick() is not heavy
    finally:
        loop.close()


def test_heavy_jobs_never_hold_every_worker():
    async def main() -> tuple[int, list[str]]:
        pool = WorkerPool(2, 8, timeout_s=10, heavy_words=2000)
        gates = [threading.Event() for _ in range(3)]
        order: list[str] = []

        def heavy(i: int) -> None:
            order.append(f"heavy{i}")
            gates[i].wait(5)

        jobs = [asyncio.ensure_future(pool.run(heavy, i, cost=5000)) for i in range(2)]
        await asyncio.sleep(0.1)
        seen = pool.stats()["heavy_running"]
        light = asyncio.ensure_future(pool.run(order.append, "light", cost=300))
        await asyncio.wait_for(light, 5)  # the second worker is free for it
        for g in gates:
            g.set()
        await asyncio.gather(*jobs)
        pool.shutdown()
        return seen, order

    seen, order = _run(main())
    assert seen == 1
    assert order == ["heavy0", "light", "heavy1"]


def test_time_spent_waiting_is_a_503_not_a_504():
    async def main() -> dict:
        pool = WorkerPool(1, 4, timeout_s=0.3)
        gate = threading.Event()
        blocker = asyncio.ensure_future(pool.run(gate.wait, 0.6))  # runs 0.6 s, past the limit but stuck in C
        await asyncio.sleep(0.05)
        with pytest.raises(QueueFull, match="no worker was free"):
            await pool.run(print, cost=10)
        with pytest.raises(CheckTimeout):
            await blocker
        gate.set()
        stats = pool.stats()
        pool.shutdown()
        return stats

    stats = _run(main())
    assert stats["expired_waiting"] == 1 and stats["timed_out"] == 1


# -- worker processes


@pytest.fixture(scope="module")
def procs():
    """Two worker processes without a detector (a plain initializer-less pool: fast to start)."""
    backend = ProcessBackend(2)
    backend.wait_ready(60)
    yield backend
    backend.shutdown()


def test_processes_run_jobs_side_by_side(procs, tmp_path):
    async def main() -> tuple[set[int], list[bool]]:
        pool = WorkerPool(2, 4, timeout_s=30, backend=procs)
        pids = await asyncio.gather(pool.run(pid_after, 0.3), pool.run(pid_after, 0.3))
        met = await asyncio.gather(pool.run(meet, str(tmp_path), "a", 1), pool.run(meet, str(tmp_path), "b", 1))
        return set(pids), met

    pids, met = _run(main())
    assert len(pids) == 2 and os.getpid() not in pids
    assert met == [True, True]  # each job saw the other running at the same time


def test_one_job_at_a_time_goes_to_the_same_worker(procs):
    """Under light load the first idle worker takes every job, so one worker's caches see all the traffic."""

    async def main() -> tuple[list[int], list[int]]:
        pool = WorkerPool(2, 4, timeout_s=30, backend=procs)
        one_by_one = [await pool.run(pid_after, 0.0) for _ in range(6)]
        together = await asyncio.gather(pool.run(pid_after, 0.3), pool.run(pid_after, 0.3))
        return one_by_one, list(together)

    one_by_one, together = _run(main())
    assert len(set(one_by_one)) == 1
    assert len(set(together)) == 2 and one_by_one[0] in together  # busy: the second worker takes the other
    assert procs.busy() == [0, 0]


def test_a_process_past_the_limit_is_killed_and_replaced(procs):
    async def main() -> tuple[dict, set[int]]:
        pool = WorkerPool(2, 4, timeout_s=0.5, backend=procs)
        before = procs.started
        t = time.monotonic()
        with pytest.raises(CheckTimeout, match="longer than 0.5 s"):
            await pool.run(spin_forever)
        assert time.monotonic() - t < 30  # stopped, not run for ever
        with pytest.raises(ValueError, match="bad record 7"):  # a job's own error comes back as itself
            await pool.run(fail_with_value_error)
        deadline = time.monotonic() + 60
        while procs.started < before + 1 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        pids = set(await asyncio.gather(*(pool.run(pid_after, 0.3) for _ in range(2))))
        return pool.stats(), pids

    stats, pids = _run(main())
    assert stats["timed_out"] == 1 and stats["cancelled"] == 1 and stats["in_flight"] == 0
    assert stats["workers_started"] >= 3  # two, and the one that replaced the killed worker
    assert len(pids) == 2  # both workers serve again


# -- the app with worker processes (one worker: it loads the detector once, a few seconds)


def test_the_app_checks_in_worker_processes_and_they_see_index_writes(tmp_path, detector):
    from fastapi.testclient import TestClient

    from unspin.web.app import create_app
    from unspin.web.settings import Settings
    from web_samples import SOURCE, SPUN

    token = "t" * 24
    settings = Settings(processes=True, workers=1, queue_size=4, index_path=str(tmp_path / "sources.db"), token=token)
    with TestClient(create_app(settings)) as c:
        pool = c.get("/healthz").json()["pool"]
        assert pool["kind"] == "processes" and pool["workers"] == 1 and pool["workers_started"] == 1
        assert c.app.state.service.checker is None  # no detector in the server process
        first = c.post("/v1/check", json={"text": SPUN})
        assert first.status_code == 200, first.text
        assert first.json()["spin_score"] == pytest.approx(__import__("unspin").check(SPUN, detector=detector).spin_score, abs=1e-4)
        assert c.post("/v1/search", json={"text": SPUN}).json() == {"matches": []}
        added = c.post("/v1/index/documents", json={"documents": [{"id": "src-1", "text": SOURCE}]}, headers={"authorization": f"Bearer {token}"})
        assert added.status_code == 201, added.text
        # the worker's own connection sees the write made by the server process
        assert [m["id"] for m in c.post("/v1/search", json={"text": SPUN}).json()["matches"]] == ["src-1"]
        report = c.post("/v1/check", json={"text": SPUN}).json()
        assert any(f["kind"] == "source" for f in report["flags"])
        assert c.post("/v1/check", json={"text": "\x00\x01"}).status_code == 422  # bad input stays a 422 from a worker


def test_a_job_about_to_be_refused_for_waiting_goes_first():
    pool = WorkerPool(1, 8, timeout_s=10)
    from unspin.web.pool import _Entry

    loop = asyncio.new_event_loop()
    try:
        now = time.monotonic()
        heavy = _Entry(print, (), 5000, True, loop.create_future(), arrived=now - 6)  # half the limit waited
        light = _Entry(print, (), 300, False, loop.create_future(), arrived=now - 4)  # a higher ratio (~31 vs ~4.5)
        pool._waiting = [heavy, light]
        assert light.ratio(now) > heavy.ratio(now) and pool._pick() is heavy
    finally:
        loop.close()


def test_the_cost_of_a_request_is_known_before_it_runs():
    from unspin.settings import MAX_CHECK_WORDS
    from unspin.web.inputs import RawInput
    from unspin.web.service import estimate_words

    assert estimate_words(RawInput("text", "one two three\nfour", "<text>")) == 4
    assert estimate_words(RawInput("text", "a" * 2_000_000, "<text>")) == 1  # one huge word: refused at once, cheap
    assert estimate_words(RawInput("text", "word " * 400_000, "<text>")) == MAX_CHECK_WORDS  # the check reads no further
    assert estimate_words(RawInput("bytes", b"one two", "up.txt")) == 2
    assert estimate_words(RawInput("html", "<p>" + "x" * 1797 + "</p>", "<text>")) == 101


def test_heavy_jobs_jump_the_queue_only_after_resting():
    pool = WorkerPool(2, 8, timeout_s=10)
    from unspin.web.pool import HEAVY_REST, _Entry

    loop = asyncio.new_event_loop()
    try:
        now = time.monotonic()
        done = _Entry(print, (), 5000, True, loop.create_future(), started=now - 4)  # a heavy job that ran 4 s
        pool._in_flight, pool._running, pool._heavy_running = 1, 1, 1
        pool._release(done, started=True)
        assert pool._heavy_rest_until >= now + HEAVY_REST * 4
        heavy = _Entry(print, (), 5000, True, loop.create_future(), arrived=now - 6)
        light = _Entry(print, (), 300, False, loop.create_future(), arrived=now - 5.5)
        pool._waiting = [heavy, light]
        assert pool._pick() is light  # both waited half the limit; the heavy lane is resting
        pool._heavy_rest_until = 0.0
        assert pool._pick() is heavy
    finally:
        loop.close()

"""Where the scan's tasks run: a Dask cluster (`distributed.Client`) or this process (Dask's synchronous scheduler)."""

from __future__ import annotations

import inspect
import logging
import os
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from unspin.scan.partitions import Partition
from unspin.scan.stats import worker_peak_rss_mb

#: Below this many input bytes (and with one partition or less), ``workers=None`` runs in-process.
SMALL_INPUT_BYTES = 1 << 20


def choose_workers(scheduler: str | None, workers: int | None, nbytes: int, todo: int) -> int | None:
    """``workers=None`` without a scheduler: in-process for a small input, else one worker per CPU."""
    if workers is None and scheduler is None:
        return 0 if (nbytes < SMALL_INPUT_BYTES or todo <= 1) else (os.cpu_count() or 1)
    return workers


class Executor:
    """Runs tasks on a Dask cluster at ``scheduler``, on a `LocalCluster` of ``workers`` processes,
    or (``workers=0`` and no scheduler) in this process."""

    def __init__(self, scheduler: str | None, workers: int | None) -> None:
        self.client: Any = None
        self.cluster: Any = None
        if scheduler is None and workers == 0:
            self.name, self.nworkers = "synchronous", 0
            return
        from distributed import Client, LocalCluster

        if scheduler is not None:
            self.client = Client(scheduler)
            self.name = str(scheduler)
        else:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                                        silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
            self.name = f"LocalCluster({workers} workers)"
        info = self.client.scheduler_info(n_workers=-1) if "n_workers" in inspect.signature(self.client.scheduler_info).parameters \
            else self.client.scheduler_info()
        self.nworkers = len(info["workers"])

    @property
    def distributed(self) -> bool:
        return self.client is not None

    def map(self, fn: Callable[..., Any], parts: Sequence[Partition], tag: str, **kwargs: Any) -> Iterable[tuple[Partition, Any]]:
        """Run ``fn(part, **kwargs)`` on each partition; yield (partition, result or exception) as they finish.

        On a cluster the task keys are ``unspin-scan-{tag}-part-{pid}``."""
        if not self.distributed:
            for p in parts:
                try:
                    yield p, fn(p, **kwargs)
                except Exception as exc:  # reported, the partition stays unfinished
                    yield p, exc
            return
        from distributed import as_completed

        by_key = {f"unspin-scan-{tag}-part-{p.pid}": p for p in parts}
        futures = self.client.map(fn, parts, key=list(by_key), pure=False, **kwargs)
        for fut in as_completed(futures):
            part = by_key[fut.key]
            yield part, (fut.result() if fut.status == "finished" else fut.exception())
            fut.release()

    def compute(self, tasks: list[Any]) -> list[Any]:
        """Compute Dask delayed objects; their results in order."""
        import dask

        if not self.distributed:
            return list(dask.compute(*tasks, scheduler="synchronous"))
        return list(self.client.gather(self.client.compute(tasks)))

    def peak_rss(self) -> list[float]:
        """Peak resident memory of each worker process (of this process when in-process), MiB."""
        if not self.distributed:
            return [round(worker_peak_rss_mb(), 1)]
        return [round(v, 1) for v in self.client.run(worker_peak_rss_mb).values()]

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""`scan()`: check a crawl on a Dask cluster, resumably.

Stages, all run by Dask (`dask.distributed` on a local cluster or at a
scheduler address, or Dask's synchronous scheduler in this process; `executor`):

1. **Partitions** (`partitions` plans them, `partition_task` runs each): one task
   per partition reads its documents with `unspin.ingest`, checks each with
   `unspin.api.check` (the per-process detector, loaded once per worker), searches
   the index, and computes MinHash signatures of the spin-invariant fingerprints;
   it writes ``documents/part-NNNNNN.parquet`` atomically (`output`). The client
   records each finished partition in ``manifest.json`` (`manifest`); a resumed
   scan skips them.
2. **Clusters** (`clustering`, when there is no index): LSH band join,
   verification by alignment, connected components; ``clusters.parquet`` and
   ``pairs.parquet``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from unspin.ingest import IngestOptions
from unspin.scan.clustering import VerifyOptions, find_clusters
from unspin.scan.executor import Executor, choose_workers
from unspin.scan.manifest import Manifest, ScanError, args_hash
from unspin.scan.minhash import LSHOptions
from unspin.scan.output import remove_stale_temporaries, write_errors, write_json
from unspin.scan.partition_task import TaskConfig, process_partition
from unspin.scan.partitions import plan_partitions
from unspin.scan.progress import Progress
from unspin.scan.stats import PartitionStats, ScanSummary

#: Seconds between manifest saves while partitions finish.
SAVE_EVERY_S = 2.0


def scan(
    inputs: Iterable[object],
    out: str | Path,
    *,
    index: str | Path | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    detect: bool = True,
    cluster: bool | None = None,
    jsonl: bool = False,
    format: str | None = None,
    options: IngestOptions | None = None,
    top: int = 3,
    partition_rows: int = 2000,
    partition_bytes: int = 32 << 20,
    lsh: LSHOptions = LSHOptions(),
    verify: VerifyOptions = VerifyOptions(),
    overwrite: bool = False,
    progress: Any = None,
    on_partition: Callable[[PartitionStats], None] | None = None,
    lexicons: Sequence[str | Path] = (),
    screen: float | None = None,
    spot: bool = False,
) -> ScanSummary:
    """Scan ``inputs`` (files, directories, ``(path, format)`` pairs) into ``out``; see the module docstring.

    ``scheduler``: a Dask scheduler address (``tcp://host:8786``); else ``workers`` local
    worker processes (None: one per CPU, or in-process for a small input; 0: in-process).
    ``detect=False`` skips the detector (sources and clusters only). ``cluster`` (default: when
    there is no ``index``) finds clusters of spun copies in the input. A scan started again
    with the same arguments on the same ``out`` skips the partitions already written and
    ends with the same output. ``progress``: a Rich console to show progress on.
    ``lexicons``: spinner lexicon files (`unspin.learn`) whose swaps every check flags too.
    ``screen``: a screening threshold (`unspin.screen`, e.g. `unspin.settings.SCREEN_THRESHOLD`): only documents
    the screen scores at or above it are fully checked; the others get its score, verdict ``clean`` and
    ``screened_out`` (columns ``screen_score``, ``screened_out``). ``spot``: the screen spot-checks the documents
    in its uncertain band (`unspin.screen.screen`'s ``spot``).
    ``on_partition`` is called in the client with each finished partition's `PartitionStats`.

    Example: ``scan(["crawl/"], "scan-out", workers=2).spun``
    """
    t0 = time.perf_counter()
    if spot and screen is None:
        raise ScanError("spot=True spot-checks what the screen is unsure of: it needs a screen threshold (screen=...)")
    out = Path(out)
    opts = options or IngestOptions()
    do_cluster = (index is None) if cluster is None else cluster
    if index is not None and not Path(index).exists():
        raise ScanError(f"no index at {index} (build one with unspin index add)")
    cfg = TaskConfig(out=str(out.resolve()), options=opts, detect=detect, index=str(Path(index).resolve()) if index else None,
                     top=top, cluster=do_cluster, lsh=lsh, jsonl=jsonl,
                     lexicons=tuple(str(Path(p).resolve()) for p in lexicons), screen=screen,
                     spot=spot)
    plan = plan_partitions(inputs, format=format or opts.format, partition_rows=partition_rows, partition_bytes=partition_bytes)
    run_hash = args_hash(plan, cfg, verify, Path(index).stat().st_size if index else None)
    manifest = Manifest.open(out, run_hash, plan, index=cfg.index, overwrite=overwrite)
    todo = [p for p in plan.partitions if p.pid not in manifest.done]

    if not todo and (not do_cluster or manifest.clusters is not None) and (out / "summary.json").exists():
        scheduler, workers = None, 0  # nothing left to run: no cluster needed
    workers = choose_workers(scheduler, workers, sum(size for _, size, _ in plan.files), len(todo))
    summary = ScanSummary(out=str(out), partitions=len(plan.partitions), partitions_reused=len(manifest.done))
    with Executor(scheduler, workers) as ex:
        summary.workers, summary.scheduler = ex.nworkers, ex.name
        t_stage = time.perf_counter()
        bar = Progress(progress, len(plan.partitions), len(manifest.done), sum(s.documents for s in manifest.done.values()))
        last_save = time.monotonic()
        with bar, manifest.saving():
            for part, res in ex.map(process_partition, todo, run_hash[:12], cfg=cfg):
                if isinstance(res, BaseException):
                    summary.failed(part.pid, res)
                    continue
                manifest.finished(res)
                summary.ran(res)
                bar.advance(res.documents)
                if on_partition is not None:
                    on_partition(res)
                if time.monotonic() - last_save > SAVE_EVERY_S:
                    manifest.save()
                    last_save = time.monotonic()
        summary.stage_s["partitions"] = round(time.perf_counter() - t_stage, 2)
        if do_cluster and summary.complete and manifest.clusters is None:
            manifest.clusters_finished(find_clusters(ex, plan, out, lsh, verify, summary.stage_s, progress))
        summary.worker_peak_rss_mb = ex.peak_rss()
    summary.add_totals(plan.errors, manifest.done, manifest.clusters if do_cluster else None, plan.notices)
    summary.wall_s = round(time.perf_counter() - t0, 3)
    if summary.complete:
        remove_stale_temporaries(out)
        write_errors(out, plan.errors, [pid for pid, st in manifest.done.items() if st.errors])
        manifest.complete()
        write_json(out / "summary.json", summary.to_dict())
    return summary

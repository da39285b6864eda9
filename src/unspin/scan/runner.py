"""`scan()`: check a crawl on a Dask cluster, resumably.

Stages, all run by Dask (`dask.distributed` on a local cluster or at a
scheduler address, or Dask's synchronous scheduler in this process):

1. **Partitions** (`unspin.scan.partitions`): one task per partition reads
   its documents with `unspin.ingest`, checks each with `unspin.api.check`
   (the per-process detector, loaded once per worker), searches the index, and
   computes MinHash signatures of the spin-invariant fingerprints; it writes
   ``documents/part-NNNNNN.parquet`` atomically. The client records each
   finished partition in ``manifest.json``; a resumed scan skips them.
2. **Band join**: each partition's LSH band keys are hash-partitioned into
   buckets (map tasks), each bucket is joined on the key (reduce tasks): a
   shuffle in the Dask task graph; documents sharing a key are candidates.
3. **Verification**: candidate clusters (connected components of the
   candidate pairs) are spread over buckets; the members' texts are routed to
   their bucket (a second shuffle) and every candidate pair is aligned
   (`unspin.align`); verified pairs make the clusters (connected components),
   written to ``clusters.parquet`` and ``pairs.parquet``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from unspin import __version__
from unspin.errors import UnspinError
from unspin.ingest import IngestOptions
from unspin.scan.minhash import LSHOptions
from unspin.scan.partitions import Partition, Plan, plan_partitions
from unspin.scan.tasks import (
    TaskConfig,
    VerifyOptions,
    atomic_write_bytes,
    atomic_write_table,
    band_buckets,
    components_of,
    gather_texts,
    join_bucket,
    part_path,
    process_partition,
    split_key,
    verify_bucket,
    worker_peak_rss_mb,
)

MANIFEST = "manifest.json"
#: Version of the output layout; part of the argument hash.
LAYOUT_VERSION = 1
#: Below this many input bytes (and with one partition or less), ``workers=None`` runs in-process.
SMALL_INPUT_BYTES = 1 << 20


class ScanError(UnspinError):
    """The scan cannot start (e.g. ``out`` holds a scan with other arguments)."""


@dataclass
class ScanSummary:
    """What a scan did. ``documents`` counts documents read (checked or skipped), not errors."""

    out: str
    partitions: int = 0
    partitions_reused: int = 0
    partitions_failed: list[int] = field(default_factory=list)
    documents: int = 0
    checked: int = 0
    spun: int = 0
    uncertain: int = 0
    clean: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    warnings: int = 0
    matched: int = 0
    fingerprinted: int = 0
    clusters: int | None = None
    clustered_documents: int | None = None
    candidate_pairs: int | None = None
    verified_pairs: int | None = None
    workers: int = 0
    scheduler: str = "synchronous"
    wall_s: float = 0.0
    #: Wall time of each stage this run ("partitions", "band join", "verify").
    stage_s: dict[str, float] = field(default_factory=dict)
    #: CPU seconds spent in partition tasks this run (all workers).
    task_cpu_s: float = 0.0
    #: Documents read by this run's partition tasks (reused partitions excluded).
    documents_this_run: int = 0
    #: Peak resident memory of each worker process, MiB.
    worker_peak_rss_mb: list[float] = field(default_factory=list)

    @property
    def documents_per_s(self) -> float:
        return self.documents_this_run / self.wall_s if self.wall_s else 0.0

    @property
    def complete(self) -> bool:
        return not self.partitions_failed

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["documents_per_s"] = round(self.documents_per_s, 2)
        d["complete"] = self.complete
        return d


def _file_identity(files: Sequence[tuple[str, int, int]]) -> list[list[Any]]:
    return [[os.path.abspath(p), size, mtime] for p, size, mtime in files]


def _args_hash(plan: Plan, cfg: TaskConfig, verify: VerifyOptions, index_size: int | None) -> str:
    ident = {
        "layout": LAYOUT_VERSION, "unspin": __version__,
        "files": _file_identity(plan.files), "plan": [p.to_dict() for p in plan.partitions], "plan_errors": list(plan.errors),
        "options": dataclasses.asdict(cfg.options), "detect": cfg.detect, "cluster": cfg.cluster, "top": cfg.top,
        "index": [os.path.abspath(cfg.index), index_size] if cfg.index else None,
        "lsh": cfg.lsh.to_dict(), "verify": verify.to_dict(), "jsonl": cfg.jsonl,
    }
    return hashlib.sha256(json.dumps(ident, sort_keys=True, default=str).encode()).hexdigest()


def _write_json(path: Path, obj: Any) -> None:
    atomic_write_bytes(path, (json.dumps(obj, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))


class _Executor:
    """Runs tasks on a Dask cluster (`distributed.Client`) or in this process (synchronous scheduler)."""

    def __init__(self, scheduler: str | None, workers: int | None, progress_console: Any) -> None:
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
        self.nworkers = len(self.client.scheduler_info(n_workers=-1)["workers"]) if _accepts_n_workers(self.client) else len(self.client.scheduler_info()["workers"])

    @property
    def distributed(self) -> bool:
        return self.client is not None

    def map_partitions(self, parts: Sequence[Partition], cfg: TaskConfig, tag: str) -> Iterable[tuple[Partition, dict[str, Any] | BaseException]]:
        """Run `process_partition` on each; yield (partition, stats or exception) as they finish."""
        if not self.distributed:
            for p in parts:
                try:
                    yield p, process_partition(p, cfg)
                except Exception as exc:  # noqa: BLE001 - reported, the partition stays unfinished
                    yield p, exc
            return
        from distributed import as_completed

        by_key = {f"unspin-scan-{tag}-part-{p.pid}": p for p in parts}
        futures = self.client.map(process_partition, parts, cfg=cfg, key=list(by_key), pure=False)
        for fut in as_completed(futures):
            part = by_key[fut.key]
            if fut.status == "finished":
                yield part, fut.result()
            else:
                yield part, fut.exception()
            fut.release()

    def compute(self, tasks: list[Any]) -> list[Any]:
        import dask

        if not self.distributed:
            return list(dask.compute(*tasks, scheduler="synchronous"))
        return list(self.client.gather(self.client.compute(tasks)))

    def peak_rss(self) -> list[float]:
        if not self.distributed:
            return [round(worker_peak_rss_mb(), 1)]
        return [round(v, 1) for v in self.client.run(worker_peak_rss_mb).values()]

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _accepts_n_workers(client: Any) -> bool:
    import inspect

    return "n_workers" in inspect.signature(client.scheduler_info).parameters


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
    on_partition: Callable[[dict[str, Any]], None] | None = None,
) -> ScanSummary:
    """Scan ``inputs`` (files, directories, ``(path, format)`` pairs) into ``out``; see the module docstring.

    ``scheduler``: a Dask scheduler address (``tcp://host:8786``); else ``workers`` local
    worker processes (None: one per CPU, or in-process for a small input; 0: in-process).
    ``detect=False`` skips the detector (sources and clusters only). ``cluster`` (default: when
    there is no ``index``) finds clusters of spun copies in the input. A scan started again
    with the same arguments on the same ``out`` skips the partitions already written and
    ends with the same output. ``progress``: a Rich console to show progress on.
    ``on_partition`` is called in the client with each finished partition's counts.

    Example: ``scan(["crawl/"], "scan-out", workers=2).spun``
    """
    t0 = time.perf_counter()
    out = Path(out)
    opts = options or IngestOptions()
    do_cluster = (index is None) if cluster is None else cluster
    cfg = TaskConfig(out=str(out.resolve()), options=opts, detect=detect, index=str(Path(index).resolve()) if index else None,
                     top=top, cluster=do_cluster, lsh=lsh, jsonl=jsonl)
    if index is not None and not Path(index).exists():
        raise ScanError(f"no index at {index} (build one with unspin index add)")
    plan = plan_partitions(inputs, format=format or opts.format, partition_rows=partition_rows, partition_bytes=partition_bytes)
    run_hash = _args_hash(plan, cfg, verify, Path(index).stat().st_size if index else None)
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / MANIFEST
    manifest: dict[str, Any] = {}
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("args_hash") != run_hash:
            if not overwrite:
                raise ScanError(f"{out} holds a scan with other arguments or inputs (manifest args_hash differs); "
                                "give another output directory, or overwrite it")
            manifest = {}
    if not manifest:
        for old in list((out / "documents").glob("part-*")) if (out / "documents").exists() else []:
            old.unlink()
        for name in ("clusters.parquet", "pairs.parquet", "errors.jsonl", "summary.json"):
            (out / name).unlink(missing_ok=True)
        manifest = {"layout": LAYOUT_VERSION, "args_hash": run_hash, "inputs": [str(i) for i in _display_inputs(plan)],
                    "partitions_total": len(plan.partitions), "partitions": {}, "clusters_done": False, "complete": False}
        _write_json(manifest_path, manifest)
    done: dict[str, dict[str, Any]] = {k: v for k, v in manifest["partitions"].items() if part_path(out, int(k)).exists()}
    todo = [p for p in plan.partitions if str(p.pid) not in done]

    nbytes = sum(size for _, size, _ in plan.files)
    if not todo and (not do_cluster or manifest.get("clusters_done")) and (out / "summary.json").exists():
        scheduler, workers = None, 0  # nothing left to run: no cluster needed
    if workers is None and scheduler is None:
        workers = 0 if (nbytes < SMALL_INPUT_BYTES or len(todo) <= 1) else (os.cpu_count() or 1)
    summary = ScanSummary(out=str(out), partitions=len(plan.partitions), partitions_reused=len(done))
    ex = _Executor(scheduler, workers, progress)
    summary.workers, summary.scheduler = ex.nworkers, ex.name
    try:
        t_stage = time.perf_counter()
        bar = _Progress(progress, len(plan.partitions), len(done), sum(s["documents"] for s in done.values()))
        last_save = time.monotonic()
        with bar, _saving(manifest, done, manifest_path):
            for part, res in ex.map_partitions(todo, cfg, run_hash[:12]):
                if isinstance(res, BaseException):
                    summary.partitions_failed.append(part.pid)
                    summary.error_samples.append(f"partition {part.pid} failed: {type(res).__name__}: {res}")
                    continue
                done[str(part.pid)] = res
                summary.task_cpu_s += res.get("cpu_s", 0.0)
                summary.documents_this_run += res["documents"]
                bar.advance(res)
                if on_partition is not None:
                    on_partition(res)
                if time.monotonic() - last_save > 2.0:
                    manifest["partitions"] = done
                    _write_json(manifest_path, manifest)
                    last_save = time.monotonic()
        manifest["partitions"] = done
        _write_json(manifest_path, manifest)
        summary.stage_s["partitions"] = round(time.perf_counter() - t_stage, 2)
        summary.partitions_failed.sort()
        if do_cluster and summary.complete:
            if not manifest.get("clusters_done") or not (out / "clusters.parquet").exists():
                manifest["clusters"] = _cluster(ex, plan, cfg, verify, summary, progress)
                manifest["clusters_done"] = True
                _write_json(manifest_path, manifest)
        summary.worker_peak_rss_mb = ex.peak_rss()
    finally:
        ex.close()
    _totals(summary, plan, done, manifest.get("clusters") if do_cluster else None)
    summary.wall_s = round(time.perf_counter() - t0, 3)
    if summary.complete:
        # temporary files of writes cut short (a worker killed mid-write); every partition is in place now
        for stale in (out / "documents").glob(".*.tmp") if (out / "documents").exists() else []:
            stale.unlink(missing_ok=True)
        _write_errors(out, plan, done)
        manifest["complete"] = True
        _write_json(manifest_path, manifest)
        _write_json(out / "summary.json", summary.to_dict())
    return summary


@contextlib.contextmanager
def _saving(manifest: dict[str, Any], done: dict[str, dict[str, Any]], path: Path) -> Iterator[None]:
    """Record the finished partitions in the manifest however the loop ends (an interrupt included)."""
    try:
        yield
    finally:
        manifest["partitions"] = done
        _write_json(path, manifest)


def _display_inputs(plan: Plan) -> list[str]:
    return [p for p, _, _ in plan.files]


def _totals(s: ScanSummary, plan: Plan, done: dict[str, dict[str, Any]], clusters: dict[str, Any] | None) -> None:
    s.errors = len(plan.errors)
    s.error_samples = list(plan.errors[:20]) + s.error_samples
    for st in (done[k] for k in sorted(done, key=int)):
        s.documents += st["documents"]
        s.checked += st["checked"]
        s.errors += st["errors"]
        s.warnings += st["warnings"]
        s.matched += st["matched"]
        s.fingerprinted += st["fingerprinted"]
        for k, v in st["skipped"].items():
            s.skipped[k] = s.skipped.get(k, 0) + v
        s.spun += st["verdicts"].get("spun", 0)
        s.uncertain += st["verdicts"].get("uncertain", 0)
        s.clean += st["verdicts"].get("clean", 0)
        if len(s.error_samples) < 20:
            s.error_samples.extend(st["error_samples"][: 20 - len(s.error_samples)])
    if clusters is not None:
        s.clusters = clusters["clusters"]
        s.clustered_documents = clusters["documents"]
        s.candidate_pairs = clusters["candidate_pairs"]
        s.verified_pairs = clusters["verified_pairs"]


def _write_errors(out: Path, plan: Plan, done: dict[str, dict[str, Any]]) -> None:
    """``errors.jsonl``: every input that could not be planned and every error row, in partition order."""
    import pyarrow.parquet as pq

    lines = [json.dumps({"partition": None, "record": None, "error": e}, ensure_ascii=False) for e in plan.errors]
    for k in sorted(done, key=int):
        if not done[k]["errors"]:
            continue
        t = pq.read_table(part_path(out, int(k)), columns=["partition", "record", "input", "status", "error"]).to_pylist()
        lines += [json.dumps({"partition": r["partition"], "record": r["record"], "input": r["input"], "error": r["error"]}, ensure_ascii=False)
                  for r in t if r["status"] == "error"]
    atomic_write_bytes(out / "errors.jsonl", "".join(line + "\n" for line in lines).encode("utf-8"))


def _cluster(ex: _Executor, plan: Plan, cfg: TaskConfig, verify: VerifyOptions, summary: ScanSummary, console: Any) -> dict[str, Any]:
    """Band join, verification, connected components; writes clusters.parquet and pairs.parquet."""
    import numpy as np
    import pyarrow as pa
    from dask import delayed

    out = Path(cfg.out)
    parts = plan.partitions
    nb = max(1, min(64, len(parts)))
    t = time.perf_counter()
    groups = _groups([(str(part_path(out, p.pid)), p.pid) for p in parts])
    _say(console, f"band join: {len(parts)} partitions in {len(groups)} map tasks → {nb} buckets")
    maps = [delayed(band_buckets, nout=nb, pure=True)(g, cfg.lsh, nb) for g in groups]
    joins = [delayed(join_bucket, pure=True)(*[m[b] for m in maps]) for b in range(nb)]
    pair_arrays = ex.compute(joins)
    cand = np.concatenate([a for a in pair_arrays if len(a)]) if any(len(a) for a in pair_arrays) else np.zeros((0, 2), dtype=np.int64)
    cand = np.unique(cand, axis=0) if len(cand) else cand
    summary.stage_s["band join"] = round(time.perf_counter() - t, 2)

    t = time.perf_counter()
    comps = [c for c in components_of(map(tuple, cand.tolist())) if len(c) > 1]
    _say(console, f"verify: {len(cand):,} candidate pairs in {len(comps):,} candidate clusters")
    nv = max(1, min(64, len(comps), len(parts)))
    comp_of: dict[int, int] = {m: ci for ci, c in enumerate(comps) for m in c}
    lsh_pairs: list[list[tuple[int, int]]] = [[] for _ in comps]
    for a, b in cand.tolist():
        lsh_pairs[comp_of[a]].append((a, b))
    buckets: list[list[tuple[list[int], list[tuple[int, int]]]]] = [[] for _ in range(nv)]
    for ci, c in enumerate(comps):
        buckets[ci % nv].append((c, lsh_pairs[ci]))
    wanted: dict[int, dict[int, int]] = {}
    for ci, c in enumerate(comps):
        for m in c:
            pid, rec = split_key(m)
            wanted.setdefault(pid, {})[rec] = ci % nv
    edges: list[tuple[int, int, float, float]] = []
    names: dict[int, tuple[str | None, str | None]] = {}
    if comps:
        gathers = [delayed(gather_texts, nout=nv, pure=True)(g, nv)
                   for g in _groups([(str(part_path(out, pid)), pid, w) for pid, w in sorted(wanted.items())])]
        verifies = [delayed(verify_bucket, pure=True)(buckets[v], verify, *[g[v] for g in gathers]) for v in range(nv)]
        for res in ex.compute(verifies):
            edges.extend(res["edges"])
            names.update(res["docs"])
    edges.sort()
    clusters = components_of((a, b) for a, b, _, _ in edges)
    summary.stage_s["verify"] = round(time.perf_counter() - t, 2)

    cols: dict[str, list[Any]] = {"cluster": [], "size": [], "partition": [], "record": [], "id": [], "source": []}
    for ci, members in enumerate(clusters):
        for m in members:
            pid, rec = split_key(m)
            i, s = names.get(m, (None, None))
            for k, v in zip(cols, (ci, len(members), pid, rec, i, s)):
                cols[k].append(v)
    schema = pa.schema([("cluster", pa.int64()), ("size", pa.int32()), ("partition", pa.int32()), ("record", pa.int32()), ("id", pa.string()), ("source", pa.string())])
    atomic_write_table(out / "clusters.parquet", pa.Table.from_pydict(cols, schema=schema))
    pcols: dict[str, list[Any]] = {"partition_a": [], "record_a": [], "partition_b": [], "record_b": [], "score": [], "coverage": []}
    for a, b, score, cov in edges:
        (pa_, ra), (pb, rb) = split_key(a), split_key(b)
        for k, v in zip(pcols, (pa_, ra, pb, rb, score, cov)):
            pcols[k].append(v)
    pschema = pa.schema([("partition_a", pa.int32()), ("record_a", pa.int32()), ("partition_b", pa.int32()), ("record_b", pa.int32()),
                         ("score", pa.float64()), ("coverage", pa.float64())])
    atomic_write_table(out / "pairs.parquet", pa.Table.from_pydict(pcols, schema=pschema))
    return {"clusters": len(clusters), "documents": sum(len(c) for c in clusters), "candidate_pairs": int(len(cand)),
            "candidate_clusters": len(comps), "verified_pairs": len(edges)}


#: Most map tasks in a shuffle: partitions are grouped so the graph has at most this many x buckets edges.
MAX_MAP_TASKS = 256


def _groups(items: list[Any], most: int = MAX_MAP_TASKS) -> list[list[Any]]:
    """``items`` in at most ``most`` consecutive groups of (nearly) equal size."""
    if not items:
        return []
    size = -(-len(items) // most)
    return [items[i : i + size] for i in range(0, len(items), size)]


def _say(console: Any, msg: str) -> None:
    if console is not None:
        console.print(f"[dim]{msg}[/]")


class _Progress:
    """Rich progress over partitions (documents and documents/s) when a console is given."""

    def __init__(self, console: Any, total: int, done: int, docs: int) -> None:
        self.console, self.total, self.done, self.docs = console, total, done, docs
        self.progress: Any = None
        self.start = time.perf_counter()
        self.new_docs = 0

    def __enter__(self) -> "_Progress":
        if self.console is not None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

            self.progress = Progress(TextColumn("partitions"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[docs]:,} documents"),
                                     TextColumn("{task.fields[rate]:,.1f} docs/s"), TimeElapsedColumn(), TimeRemainingColumn(),
                                     console=self.console, redirect_stdout=False, redirect_stderr=False)
            self.progress.__enter__()
            self.task = self.progress.add_task("scan", total=self.total, completed=self.done, docs=self.docs, rate=0.0)
        return self

    def advance(self, stats: dict[str, Any]) -> None:
        self.docs += stats["documents"]
        self.new_docs += stats["documents"]
        if self.progress is not None:
            rate = self.new_docs / max(1e-9, time.perf_counter() - self.start)
            self.progress.update(self.task, advance=1, docs=self.docs, rate=rate)

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.__exit__(*exc)

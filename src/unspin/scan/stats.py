"""What a scan counts: `PartitionStats` (one partition task, kept in the manifest) and `ScanSummary` (the whole scan)."""

from __future__ import annotations

import dataclasses
import resource
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from unspin.scan.output import safe_text

#: Error messages kept per partition and per summary (all of them are in ``errors.jsonl``).
ERROR_SAMPLES = 20


@dataclass
class PartitionStats:
    """The counts of one finished partition task (returned by the task, stored in ``manifest.json``).

    ``documents`` counts the documents read (checked or skipped); error rows are counted in ``errors`` only.
    """

    pid: int
    documents: int = 0
    checked: int = 0
    errors: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    verdicts: dict[str, int] = field(default_factory=dict)
    #: Documents with a source match in the index.
    matched: int = 0
    #: Documents the screen (``scan(screen=...)``) scored under its threshold: not fully checked.
    screened_out: int = 0
    #: Documents with a MinHash signature (long enough to take part in clustering).
    fingerprinted: int = 0
    warnings: int = 0
    error_samples: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    cpu_s: float = 0.0
    #: Peak resident memory of the process that ran the task, MiB.
    maxrss_mb: float = 0.0

    def count(self, row: Mapping[str, Any]) -> None:
        """Count one output row (see `unspin.scan.output.document_schema`)."""
        status = row["status"]
        if status == "error":
            self.errors += 1
            if len(self.error_samples) < ERROR_SAMPLES:
                self.error_samples.append(row["error"])
            return
        self.documents += 1
        if status == "skipped":
            reason = row["skipped"]
            self.skipped[reason] = self.skipped.get(reason, 0) + 1
            return
        if row.get("verdict"):
            self.checked += 1
            self.verdicts[row["verdict"]] = self.verdicts.get(row["verdict"], 0) + 1
        self.matched += row.get("source_id") is not None
        self.screened_out += bool(row.get("screened_out"))
        self.fingerprinted += row.get("minhash") is not None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PartitionStats:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


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
    #: Inputs passed over that are not errors (a FIFO in a directory): the first 20.
    notices: list[str] = field(default_factory=list)
    matched: int = 0
    #: Documents the screen scored under its threshold (verdict clean without a full check).
    screened_out: int = 0
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
    #: Partitions computed by this run (reused ones excluded).
    partitions_this_run: int = 0
    #: Peak resident memory of each worker process, MiB.
    worker_peak_rss_mb: list[float] = field(default_factory=list)

    @property
    def documents_per_s(self) -> float:
        return self.documents_this_run / self.wall_s if self.wall_s else 0.0

    @property
    def complete(self) -> bool:
        return not self.partitions_failed

    def ran(self, st: PartitionStats) -> None:
        """Count a partition computed by this run (its totals are added by `add_totals`)."""
        self.partitions_this_run += 1
        self.task_cpu_s += st.cpu_s
        self.documents_this_run += st.documents

    def failed(self, pid: int, exc: BaseException) -> None:
        self.partitions_failed.append(pid)
        self.error_samples.append(safe_text(f"partition {pid} failed: {type(exc).__name__}: {exc}"))

    def add_totals(self, plan_errors: tuple[str, ...], done: Mapping[int, PartitionStats], clusters: Mapping[str, Any] | None,
                   plan_notices: tuple[str, ...] = ()) -> None:
        """The totals over every finished partition (this run's and reused ones) and the clustering."""
        self.partitions_failed.sort()
        self.notices = [safe_text(n) for n in plan_notices[:ERROR_SAMPLES]]
        self.warnings = len(plan_notices)
        self.errors = len(plan_errors)
        self.error_samples = [safe_text(e) for e in plan_errors[:ERROR_SAMPLES]] + self.error_samples
        for st in (done[k] for k in sorted(done)):
            self.documents += st.documents
            self.checked += st.checked
            self.errors += st.errors
            self.warnings += st.warnings
            self.matched += st.matched
            self.screened_out += st.screened_out
            self.fingerprinted += st.fingerprinted
            for k, v in st.skipped.items():
                self.skipped[k] = self.skipped.get(k, 0) + v
            self.spun += st.verdicts.get("spun", 0)
            self.uncertain += st.verdicts.get("uncertain", 0)
            self.clean += st.verdicts.get("clean", 0)
            if len(self.error_samples) < ERROR_SAMPLES:
                self.error_samples.extend(st.error_samples[: ERROR_SAMPLES - len(self.error_samples)])
        if clusters is not None:
            self.clusters = clusters["clusters"]
            self.clustered_documents = clusters["documents"]
            self.candidate_pairs = clusters["candidate_pairs"]
            self.verified_pairs = clusters["verified_pairs"]

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["documents_per_s"] = round(self.documents_per_s, 2)
        d["complete"] = self.complete
        return d


def worker_peak_rss_mb() -> float:
    """Peak resident memory of this (worker) process in MiB.

    Read from /proc (VmHWM) where there is one: on Linux ``ru_maxrss`` survives ``exec``, so a worker
    process started by a big client would report the client's peak as its own.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

"""The functions Dask runs: one partition of documents, and the clustering stages.

Every task is a deterministic function of its arguments and of files already
written, and every file is written atomically (a temporary file in the same
directory, then `os.replace`), so a task that runs twice — a worker died and
the scheduler ran it again, or a resumed scan — leaves exactly the same output
once: no lost rows, no duplicates.
"""

from __future__ import annotations

import json
import os
import resource
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from unspin.ingest import IngestOptions, read_source
from unspin.model import Document, Report
from unspin.scan.minhash import LSHOptions, band_keys, signature
from unspin.scan.partitions import Partition

#: Bits of a document key (``pid << RECORD_BITS | record``) given to the record number.
RECORD_BITS = 32


@dataclass(frozen=True)
class TaskConfig:
    """What every partition task needs (small and picklable: it travels with each task)."""

    out: str
    options: IngestOptions = field(default_factory=IngestOptions)
    detect: bool = True
    index: str | None = None
    top: int = 3
    cluster: bool = True
    lsh: LSHOptions = field(default_factory=LSHOptions)
    jsonl: bool = False


def part_path(out: str | Path, pid: int, ext: str = "parquet") -> Path:
    return Path(out) / "documents" / f"part-{pid:06d}.{ext}"


def doc_key(pid: int, record: int) -> int:
    return (pid << RECORD_BITS) | record


def split_key(key: int) -> tuple[int, int]:
    return key >> RECORD_BITS, key & ((1 << RECORD_BITS) - 1)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_table(path: Path, table: Any) -> None:
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
    try:
        pq.write_table(table, tmp, compression="zstd")
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


# --------------------------------------------------------------------------- documents

def document_schema() -> Any:
    import pyarrow as pa

    return pa.schema([
        ("partition", pa.int32()), ("record", pa.int32()), ("input", pa.string()),
        ("id", pa.string()), ("source", pa.string()),
        ("status", pa.string()),  # "ok" | "skipped" | "error"
        ("error", pa.string()), ("skipped", pa.string()), ("warnings", pa.list_(pa.string())),
        ("text", pa.string()), ("metadata", pa.string()),
        ("words", pa.int32()), ("spin_score", pa.float64()), ("verdict", pa.string()), ("explanation", pa.string()),
        ("n_flags", pa.int32()), ("flags", pa.string()),
        ("source_id", pa.string()), ("source_score", pa.float64()), ("matches", pa.string()),
        ("minhash", pa.list_(pa.uint64())),
    ])


_INDEXES: dict[str, Any] = {}


def _index(path: str) -> Any:
    """The worker process's open source index (opened once per process)."""
    ix = _INDEXES.get(path)
    if ix is None:
        from unspin.index import SourceIndex

        ix = _INDEXES[path] = SourceIndex.open(path)
    return ix


def clustering_text(doc: Document) -> str:
    """The text without page furniture: what is compared when documents are clustered."""
    if not doc.excluded:
        return doc.text
    pieces, pos = [], 0
    for a, b in sorted(doc.excluded):
        pieces.append(doc.text[pos:a])
        pos = max(pos, b)
    pieces.append(doc.text[pos:])
    return "\n".join(pieces)


def _document_row(doc: Document, cfg: TaskConfig, warnings: tuple[str, ...]) -> dict[str, Any]:
    from unspin.api import check
    from unspin.index.fingerprints import fingerprint

    row: dict[str, Any] = {"status": "ok", "warnings": list(warnings)}
    if cfg.detect:
        ix = _index(cfg.index) if cfg.index else None
        report: Report = check(doc, warnings=warnings, index=ix)
        d = report.to_dict()
        row.update(words=d["words"], spin_score=d["spin_score"], verdict=d["verdict"], explanation=d["explanation"],
                   n_flags=len(d["flags"]), flags=json.dumps(d["flags"], ensure_ascii=False))
    if cfg.index:
        from unspin.search import search

        res = search(doc, _index(cfg.index), top=cfg.top)
        row["matches"] = json.dumps([m.to_dict() for m in res.matches], ensure_ascii=False)
        if res.matches:
            row["source_id"], row["source_score"] = res.matches[0].id, round(res.matches[0].score, 4)
    if cfg.cluster:
        fp = fingerprint(clustering_text(doc))
        if len(fp) >= cfg.lsh.min_hashes:
            row["minhash"] = signature(fp, cfg.lsh.num_perm)
    return row


def process_partition(part: Partition, cfg: TaskConfig) -> dict[str, Any]:
    """Read, check, fingerprint one partition; write its Parquet (and JSONL) atomically; return its counts."""
    import pyarrow as pa

    t0, c0 = time.perf_counter(), time.process_time()
    schema = document_schema()
    rows: list[dict[str, Any]] = []
    stats: dict[str, Any] = {"pid": part.pid, "documents": 0, "checked": 0, "errors": 0, "skipped": {}, "verdicts": {},
                             "matched": 0, "fingerprinted": 0, "warnings": 0, "error_samples": []}
    record = 0
    for piece in part.pieces:
        for result in read_source(piece.source(), cfg.options):
            stats["warnings"] += len(result.warnings)
            if result.document is None and result.error is None:
                continue  # a notice about the input as a whole
            row: dict[str, Any] = {"partition": part.pid, "record": record, "input": piece.path, "warnings": list(result.warnings)}
            record += 1
            doc = result.document
            if doc is None:
                row.update(status="error", error=result.error)
            else:
                row.update(id=doc.id, source=doc.source, text=doc.text,
                           metadata=json.dumps(dict(doc.metadata), ensure_ascii=False, default=str) if doc.metadata else None)
                if result.skipped is not None:
                    row.update(status="skipped", skipped=result.skipped)
                else:
                    try:
                        row.update(_document_row(doc, cfg, result.warnings))
                    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the scan
                        row.update(status="error", error=f"{doc.source or doc.id}: unexpected error while checking ({type(exc).__name__}: {exc})")
            _count(stats, row)
            rows.append(row)
    columns = {name: [r.get(name) for r in rows] for name in schema.names}
    table = pa.Table.from_pydict(columns, schema=schema)
    atomic_write_table(part_path(cfg.out, part.pid), table)
    if cfg.jsonl:
        atomic_write_bytes(part_path(cfg.out, part.pid, "jsonl"), "".join(json_line(r) + "\n" for r in rows).encode("utf-8"))
    stats["wall_s"] = round(time.perf_counter() - t0, 4)
    stats["cpu_s"] = round(time.process_time() - c0, 4)
    stats["maxrss_mb"] = round(worker_peak_rss_mb(), 1)
    return stats


def _count(stats: dict[str, Any], row: dict[str, Any]) -> None:
    status = row["status"]
    if status == "error":
        stats["errors"] += 1
        if len(stats["error_samples"]) < 20:
            stats["error_samples"].append(row["error"])
        return
    stats["documents"] += 1
    if status == "skipped":
        reason = row["skipped"]
        stats["skipped"][reason] = stats["skipped"].get(reason, 0) + 1
        return
    if row.get("verdict"):
        stats["checked"] += 1
        stats["verdicts"][row["verdict"]] = stats["verdicts"].get(row["verdict"], 0) + 1
    stats["matched"] += row.get("source_id") is not None
    stats["fingerprinted"] += row.get("minhash") is not None


def json_line(row: dict[str, Any]) -> str:
    """One JSONL line of a row: the JSON contract of `unspin check --json` (when checked) plus the scan's fields."""
    d: dict[str, Any] = {}
    for k, v in row.items():
        if v is None or k == "minhash":
            continue
        if k in ("flags", "matches", "metadata"):
            v = json.loads(v)
        if k == "warnings" and not v:
            continue
        d[k] = v
    return json.dumps(d, ensure_ascii=False)


# --------------------------------------------------------------------------- clustering

def band_buckets(parts: list[tuple[str, int]], lsh: LSHOptions, nbuckets: int) -> tuple[np.ndarray, ...]:
    """Map side of the band join: the (band key, document key) pairs of a group of partitions
    (``(path, pid)`` each), hash-partitioned into ``nbuckets`` arrays of shape (m, 2) int64.

    Grouping partitions keeps the shuffle's graph at (map groups x buckets) edges however
    many partitions there are."""
    import pyarrow.parquet as pq

    out: list[list[np.ndarray]] = [[] for _ in range(nbuckets)]
    for path, pid in parts:
        t = pq.read_table(path, columns=["record", "minhash"])
        recs = t.column("record").to_numpy()
        mh = t.column("minhash").to_pylist()
        keep = [i for i, m in enumerate(mh) if m is not None]
        if not keep:
            continue
        sigs = np.array([mh[i] for i in keep], dtype=np.uint64)
        keys = band_keys(sigs, lsh.bands)  # (n, bands)
        gids = (np.int64(pid) << np.int64(RECORD_BITS)) | recs[keep].astype(np.int64)
        flat_keys = keys.reshape(-1)
        flat_gids = np.repeat(gids, lsh.bands)
        bucket = (flat_keys % np.uint64(nbuckets)).astype(np.int64)
        pairs = np.stack([flat_keys.view(np.int64), flat_gids], axis=1)
        for b in range(nbuckets):
            out[b].append(pairs[bucket == b])
    return tuple(np.concatenate(x) if x else np.zeros((0, 2), dtype=np.int64) for x in out)


def join_bucket(*arrays: np.ndarray) -> np.ndarray:
    """Reduce side of the band join: documents sharing a band key become candidate pairs.

    Each group of documents with one key yields a star (its smallest key with each
    other member): enough to connect the group, linear in its size.
    """
    a = np.concatenate([x for x in arrays if len(x)]) if any(len(x) for x in arrays) else np.zeros((0, 2), dtype=np.int64)
    if len(a) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    a = a[np.lexsort((a[:, 1], a[:, 0]))]
    new_group = np.ones(len(a), dtype=bool)
    new_group[1:] = a[1:, 0] != a[:-1, 0]
    heads = np.maximum.accumulate(np.where(new_group, np.arange(len(a)), 0))
    first = a[heads, 1]
    pairs = np.stack([first, a[:, 1]], axis=1)[~new_group]
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    return np.unique(pairs, axis=0) if len(pairs) else np.zeros((0, 2), dtype=np.int64)


def gather_texts(parts: list[tuple[str, int, dict[int, int]]], nbuckets: int) -> tuple[list[tuple[int, str | None, str | None, str]], ...]:
    """The texts of the records in candidate clusters of a group of partitions (``(path, pid, wanted)``
    each, ``wanted``: record -> bucket), routed to their verification bucket."""
    import pyarrow.parquet as pq

    out: tuple[list[tuple[int, str | None, str | None, str]], ...] = tuple([] for _ in range(nbuckets))
    for path, pid, wanted in parts:
        t = pq.read_table(path, columns=["record", "id", "source", "text"])
        recs = t.column("record").to_pylist()
        idx = [i for i, r in enumerate(recs) if r in wanted]
        ids, sources, texts = (t.column(c).take(idx).to_pylist() for c in ("id", "source", "text"))
        for j, i in enumerate(idx):
            out[wanted[recs[i]]].append((doc_key(pid, recs[i]), ids[j], sources[j], texts[j]))
    return out


@dataclass(frozen=True)
class VerifyOptions:
    #: Lowest alignment score (identical words in aligned passages over the shorter text's words,
    #: capped at 150 words) for two documents to count as copies of one another.
    min_score: float = 0.5
    #: Candidate clusters up to this size have all their pairs considered; larger ones only the LSH pairs.
    all_pairs_up_to: int = 64

    def to_dict(self) -> dict[str, Any]:
        return {"min_score": self.min_score, "all_pairs_up_to": self.all_pairs_up_to}


def verify_bucket(components: list[tuple[list[int], list[tuple[int, int]]]], opts: VerifyOptions,
                  *text_lists: list[tuple[int, str | None, str | None, str]]) -> dict[str, Any]:
    """Verify candidate clusters by alignment; return verified edges and members' ids.

    Within a candidate cluster, pairs are tried in a fixed order (LSH pairs first, then
    the others) and a pair whose documents are already connected is skipped: the
    connected components are those of all verified pairs, at about one alignment per
    member for a true cluster.
    """
    from unspin.align import align
    from unspin.text import tokenize

    docs: dict[int, tuple[str | None, str | None, str]] = {}
    for lst in text_lists:
        for key, i, s, text in lst:
            docs[key] = (i, s, text)
    tokens: dict[int, Any] = {}
    edges: list[tuple[int, int, float, float]] = []
    for members, lsh_pairs in components:
        parent = {m: m for m in members}

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        order = list(lsh_pairs)
        if len(members) <= opts.all_pairs_up_to:
            seen = set(order)
            order += [(a, b) for i, a in enumerate(members) for b in members[i + 1 :] if (a, b) not in seen]
        for a, b in order:
            ra, rb = find(a), find(b)
            if ra == rb or a not in docs or b not in docs:
                continue
            if a not in tokens:
                tokens[a] = tokenize(docs[a][2])
            al = align(docs[a][2], docs[b][2], copy_tokens=tokens[a])
            if al.score >= opts.min_score:
                parent[max(ra, rb)] = min(ra, rb)
                edges.append((a, b, round(al.score, 4), round(al.coverage, 4)))
    return {"edges": edges, "docs": {k: (v[0], v[1]) for k, v in docs.items()}}


def components_of(pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Connected components (each sorted, listed by smallest member) of a graph given by its edges."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(int(a)), find(int(b))
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for x in parent:
        groups.setdefault(find(x), []).append(x)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


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

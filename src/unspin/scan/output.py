"""The scan's output directory: file names, the document row schema, atomic writes, ``errors.jsonl``.

    OUT/documents/part-NNNNNN.parquet   one per partition, rows in input order (`document_schema`)
    OUT/documents/part-NNNNNN.jsonl     the same rows as JSON lines (``jsonl=True``)
    OUT/clusters.parquet, pairs.parquet clusters of verified copies and the verified pairs (`unspin.scan.clustering`)
    OUT/errors.jsonl                    every input that could not be planned and every error row
    OUT/manifest.json, summary.json     the resume record (`unspin.scan.manifest`) and the totals

Every file is written atomically (a temporary file in the same directory, then `os.replace`),
so a task that runs twice leaves the same output once.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

#: Bits of a document key (``pid << RECORD_BITS | record``) given to the record number.
RECORD_BITS = 32


def part_path(out: str | Path, pid: int, ext: str = "parquet") -> Path:
    return Path(out) / "documents" / f"part-{pid:06d}.{ext}"


def part_files(out: str | Path) -> list[Path]:
    """The partitions' Parquet files in an output directory, in partition order."""
    d = Path(out) / "documents"
    return sorted(d.glob("part-*.parquet")) if d.exists() else []


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


def safe_text(s: str) -> str:
    """``s`` with any character that cannot be written as UTF-8 (a lone surrogate, as in a file name
    that is not UTF-8) shown as an escape."""
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return s.encode("utf-8", "backslashreplace").decode("utf-8")


def write_json(path: Path, obj: Any) -> None:
    atomic_write_bytes(path, (json.dumps(obj, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))


def document_schema() -> Any:
    """The columns of ``documents/part-*.parquet``: one row per record read (``status`` ok, skipped or error)."""
    import pyarrow as pa

    return pa.schema([
        ("partition", pa.int32()), ("record", pa.int32()), ("input", pa.string()),
        ("id", pa.string()), ("source", pa.string()),
        ("status", pa.string()),  # "ok" | "skipped" | "error"
        ("error", pa.string()), ("skipped", pa.string()), ("warnings", pa.list_(pa.string())),
        ("text", pa.string()), ("metadata", pa.string()),
        ("words", pa.int32()), ("spin_score", pa.float64()), ("verdict", pa.string()), ("explanation", pa.string()),
        ("n_flags", pa.int32()), ("flags", pa.string()),
        ("screen_score", pa.float64()), ("screened_out", pa.bool_()),  # scan(screen=...) only
        ("source_id", pa.string()), ("source_score", pa.float64()), ("matches", pa.string()),
        ("minhash", pa.list_(pa.uint64())),
    ])


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


def write_errors(out: Path, plan_errors: Iterable[str], parts_with_errors: Iterable[int]) -> None:
    """``errors.jsonl``: every input that could not be planned and every error row, in partition order."""
    import pyarrow.parquet as pq

    lines = [json.dumps({"partition": None, "record": None, "error": safe_text(e)}, ensure_ascii=False) for e in plan_errors]
    for pid in sorted(parts_with_errors):
        t = pq.read_table(part_path(out, pid), columns=["partition", "record", "input", "status", "error"]).to_pylist()
        lines += [json.dumps({"partition": r["partition"], "record": r["record"], "input": r["input"], "error": r["error"]}, ensure_ascii=False)
                  for r in t if r["status"] == "error"]
    atomic_write_bytes(out / "errors.jsonl", "".join(line + "\n" for line in lines).encode("utf-8"))


def remove_outputs(out: Path) -> None:
    """Delete what an earlier scan wrote into ``out`` (before a fresh scan there)."""
    for old in part_files(out) + (list((out / "documents").glob("part-*.jsonl")) if (out / "documents").exists() else []):
        old.unlink()
    for name in ("clusters.parquet", "pairs.parquet", "errors.jsonl", "summary.json"):
        (out / name).unlink(missing_ok=True)


def remove_stale_temporaries(out: Path) -> None:
    """Temporary files of writes cut short (a worker killed mid-write), once every partition is in place."""
    if (out / "documents").exists():
        for stale in (out / "documents").glob(".*.tmp"):
            stale.unlink(missing_ok=True)

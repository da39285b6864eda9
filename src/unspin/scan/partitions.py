"""Cutting the inputs of a scan into partitions: groups of files, Parquet row groups.

A partition is the unit of work, of output and of resume: one task reads it
with `unspin.ingest`, and one Parquet file holds its rows. The plan is a
deterministic function of the inputs and the partition sizes (inputs in the
order given, directories walked in sorted order), so a resumed scan gets the
same partitions with the same numbers.

* a Parquet file is cut along its row groups, about ``partition_rows`` rows a partition;
* a WARC file larger than ``partition_bytes`` is cut into byte ranges of that size,
  each partition reading the records that start in its range (a WARC.gz must be
  gzipped record by record, as crawlers write them; one gzip stream is not cut);
* so is an uncompressed JSONL file (each partition reads the lines that start in its range);
* any other file large enough (``partition_bytes``) is a partition of its own
  (a gzipped JSONL file and its lines);
* smaller files are grouped, in order, up to ``partition_bytes`` and ``partition_files``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from unspin.errors import InputError
from unspin.ingest import Source, detect_reader, expand_inputs
from unspin.ingest.source import STDIN_NAME, SkippedEntry
from unspin.ingest.warc import splittable


@dataclass(frozen=True)
class Piece:
    """One input file (or a slice of its Parquet row groups) inside a partition."""

    path: str
    format: str | None = None
    row_groups: tuple[int, int] | None = None
    byte_range: tuple[int, int] | None = None

    def source(self) -> Source:
        return Source(name=self.path, path=Path(self.path), format=self.format, row_groups=self.row_groups, byte_range=self.byte_range)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "format": self.format, "row_groups": list(self.row_groups) if self.row_groups else None,
                "byte_range": list(self.byte_range) if self.byte_range else None}


@dataclass(frozen=True)
class Partition:
    """A unit of work: its number and the pieces it reads, in order."""

    pid: int
    pieces: tuple[Piece, ...]
    #: Stored bytes (or, for Parquet slices, uncompressed row-group bytes): a size hint.
    nbytes: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"pid": self.pid, "pieces": [p.to_dict() for p in self.pieces], "nbytes": self.nbytes}


@dataclass(frozen=True)
class Plan:
    partitions: tuple[Partition, ...]
    #: Inputs that could not be planned (missing file, stdin, unknown format): one line each.
    errors: tuple[str, ...]
    #: (path, size, mtime_ns) of every file read: part of the scan's identity.
    files: tuple[tuple[str, int, int], ...]
    #: Entries passed over that are not errors (a FIFO or socket in a directory): one line each.
    notices: tuple[str, ...] = ()


def plan_partitions(
    inputs: Iterable[object],
    *,
    format: str | None = None,
    partition_rows: int = 2000,
    partition_bytes: int = 32 << 20,
    partition_files: int = 2000,
) -> Plan:
    """Cut ``inputs`` (paths, directories, ``(path, format)`` pairs) into partitions."""
    parts: list[Partition] = []
    errors: list[str] = []
    notices: list[str] = []
    files: list[tuple[str, int, int]] = []
    group: list[Piece] = []
    group_bytes = 0

    def flush() -> None:
        nonlocal group, group_bytes
        if group:
            parts.append(Partition(len(parts), tuple(group), group_bytes))
            group, group_bytes = [], 0

    for item in expand_inputs(inputs, format):
        if isinstance(item, SkippedEntry):
            notices.append(str(item))
            continue
        if isinstance(item, InputError):
            errors.append(str(item))
            continue
        if item.is_stdin or item.path is None:
            errors.append(f"{STDIN_NAME}: a scan cannot read standard input (it must be able to read an input again to resume); write it to a file")
            continue
        try:
            st = os.stat(item.path)
        except OSError as exc:  # gone or unreadable since the directory was listed
            errors.append(f"{item.name}: {exc.strerror or exc}")
            continue
        files.append((item.name, st.st_size, st.st_mtime_ns))
        try:
            reader = detect_reader(item)
        except (ValueError, OSError) as exc:
            errors.append(f"{item.name}: {exc}")
            continue
        if reader.short == "parquet" and not item.gzipped:
            slices = _row_group_slices(item.path, partition_rows)
            if slices:
                flush()
                for (a, b), nbytes in slices:
                    parts.append(Partition(len(parts), (Piece(item.name, item.format, (a, b)),), nbytes))
                continue
        if st.st_size > partition_bytes and ((reader.short == "warc" and splittable(item.path)) or (reader.short == "jsonl" and not item.gzipped)):
            flush()
            for a in range(0, st.st_size, partition_bytes):
                b = min(a + partition_bytes, st.st_size)
                parts.append(Partition(len(parts), (Piece(item.name, item.format, byte_range=(a, b)),), b - a))
            continue
        if st.st_size >= partition_bytes:
            flush()
            parts.append(Partition(len(parts), (Piece(item.name, item.format),), st.st_size))
            continue
        if group and (group_bytes + st.st_size > partition_bytes or len(group) >= partition_files):
            flush()
        group.append(Piece(item.name, item.format))
        group_bytes += st.st_size
    flush()
    return Plan(tuple(parts), tuple(errors), tuple(files), tuple(notices))


def _row_group_slices(path: Path, rows: int) -> list[tuple[tuple[int, int], int]]:
    """Consecutive row-group ranges of about ``rows`` rows each; [] when the file cannot be read
    (the reader will then report why, for the whole file)."""
    try:
        import pyarrow.parquet as pq

        md = pq.ParquetFile(path).metadata
    except Exception:  # reported by the reader
        return []
    out: list[tuple[tuple[int, int], int]] = []
    start, n, nbytes = 0, 0, 0
    for g in range(md.num_row_groups):
        rg = md.row_group(g)
        n += rg.num_rows
        nbytes += rg.total_byte_size
        if n >= rows:
            out.append(((start, g + 1), nbytes))
            start, n, nbytes = g + 1, 0, 0
    if start < md.num_row_groups or not out:
        out.append(((start, md.num_row_groups), nbytes))
    return out

"""``manifest.json``: what a scan has finished, so that a scan started again resumes instead of starting over.

The manifest records the hash of the scan's arguments (inputs with their sizes and
modification times, the partition plan, every option that changes the output),
the counts of every finished partition (`PartitionStats`), and whether the
clustering is done. A scan with other arguments refuses the directory (or, with
``overwrite``, clears it); one with the same arguments reuses every partition
whose Parquet file is in place.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from unspin import __version__
from unspin.errors import UnspinError
from unspin.scan.output import part_path, remove_outputs, safe_text, write_json
from unspin.scan.partitions import Plan
from unspin.scan.stats import PartitionStats

MANIFEST = "manifest.json"
#: Version of the output layout; part of the argument hash.
LAYOUT_VERSION = 1


class ScanError(UnspinError):
    """The scan cannot start (e.g. ``out`` holds a scan with other arguments)."""


def _file_identity(files: Sequence[tuple[str, int, int]]) -> list[list[Any]]:
    return [[os.path.abspath(p), size, mtime] for p, size, mtime in files]


def args_hash(plan: Plan, cfg: Any, verify: Any, index_size: int | None) -> str:
    """The identity of a scan: same hash, same output. ``cfg`` is the `TaskConfig`, ``verify`` the `VerifyOptions`."""
    ident = {
        "layout": LAYOUT_VERSION, "unspin": __version__,
        "files": _file_identity(plan.files), "plan": [p.to_dict() for p in plan.partitions], "plan_errors": list(plan.errors),
        "options": dataclasses.asdict(cfg.options), "detect": cfg.detect, "cluster": cfg.cluster, "top": cfg.top,
        "index": [os.path.abspath(cfg.index), index_size] if cfg.index else None,
        "lsh": cfg.lsh.to_dict(), "verify": verify.to_dict(), "jsonl": cfg.jsonl,
    }
    if plan.notices:  # entries passed over (absent: hashes as before)
        ident["plan_notices"] = list(plan.notices)
    if getattr(cfg, "screen", None) is not None:  # a screened scan is another scan (absent: hashes as before)
        ident["screen"] = cfg.screen
    if getattr(cfg, "lexicons", ()):  # a scan with other lexicons is another scan (absent: hashes as before)
        ident["lexicons"] = [[p, os.path.getsize(p) if os.path.exists(p) else None] for p in cfg.lexicons]
    return hashlib.sha256(json.dumps(ident, sort_keys=True, default=str).encode()).hexdigest()


class Manifest:
    """The resume record of one output directory."""

    def __init__(self, out: Path, data: dict[str, Any]) -> None:
        self.out = out
        self.path = out / MANIFEST
        self.data = data
        #: Finished partitions whose Parquet file is in place, by partition number.
        self.done: dict[int, PartitionStats] = {
            int(k): PartitionStats.from_dict(v) for k, v in data.get("partitions", {}).items() if part_path(out, int(k)).exists()}

    @classmethod
    def open(cls, out: Path, run_hash: str, plan: Plan, *, index: str | None = None, overwrite: bool = False) -> Manifest:
        """The manifest of ``out`` for a scan of ``run_hash``: the one there if it is that scan's, else a fresh one
        (the old outputs removed; only with ``overwrite`` when they belong to a scan with other arguments)."""
        if out.exists() and not out.is_dir():
            raise ScanError(f"{out}: cannot be the output directory (it is a file)")
        try:
            out.mkdir(parents=True, exist_ok=True)
            probe = out / f".unspin-write-test-{os.getpid()}"
            probe.touch()
            probe.unlink()
        except OSError as exc:
            raise ScanError(f"{out}: cannot be the output directory ({exc.strerror or exc})") from exc
        path = out / MANIFEST
        data: dict[str, Any] = {}
        if path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                if not overwrite:
                    raise ScanError(f"{path}: not a readable scan manifest ({exc}); give another output directory, or overwrite it") from exc
                data = {}
            if not isinstance(data, dict) or data.get("args_hash") != run_hash:
                if not overwrite:
                    raise ScanError(f"{out} holds a scan with other arguments or inputs (manifest args_hash differs); "
                                    "give another output directory, or overwrite it")
                data = {}
        if data:
            return cls(out, data)
        remove_outputs(out)
        data = {"layout": LAYOUT_VERSION, "args_hash": run_hash, "inputs": [safe_text(p) for p, _, _ in plan.files],
                "index": index, "partitions_total": len(plan.partitions), "partitions": {}, "clusters_done": False, "complete": False}
        m = cls(out, data)
        m.save()
        return m

    def save(self) -> None:
        self.data["partitions"] = {str(k): v.to_dict() for k, v in sorted(self.done.items())}
        write_json(self.path, self.data)

    def finished(self, st: PartitionStats) -> None:
        """Record a finished partition (saved by the next `save`)."""
        self.done[st.pid] = st

    @contextlib.contextmanager
    def saving(self) -> Iterator[None]:
        """Record the finished partitions however the block ends (an interrupt included)."""
        try:
            yield
        finally:
            self.save()

    @property
    def clusters(self) -> dict[str, Any] | None:
        """The clustering's counts once it is done and its files are in place."""
        if self.data.get("clusters_done") and (self.out / "clusters.parquet").exists():
            return self.data.get("clusters")
        return None

    def clusters_finished(self, counts: dict[str, Any]) -> None:
        self.data["clusters"] = counts
        self.data["clusters_done"] = True
        self.save()

    def complete(self) -> None:
        self.data["complete"] = True
        self.save()

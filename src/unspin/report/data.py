"""Reading a finished ``unspin scan`` folder into what the report shows.

A scan folder (see `unspin.scan.runner`) holds ``manifest.json`` (layout
version, partitions, completion), ``documents/part-NNNNNN.parquet`` (one row
per record), and, when the scan clustered, ``clusters.parquet`` and
``pairs.parquet``; ``summary.json`` and ``errors.jsonl`` are written when it
finishes. Only the columns the tables and charts need are read for every
document (no texts); texts are read for the members of the clusters shown.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from unspin.errors import UnspinError

#: Scan layout this report reads (`unspin.scan.runner.LAYOUT_VERSION` when it was written).
READS_LAYOUT = 1
#: Columns read for every document.
COLUMNS = ("partition", "record", "id", "source", "status", "metadata", "words", "spin_score", "verdict", "n_flags", "source_id", "source_score")
#: Columns read as floats (NaN where empty).
NUMERIC = ("spin_score", "source_score", "words", "n_flags")
#: Site of a document whose URL and id name no host.
NO_HOST = "(no host)"

_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?::\d+)?(?=/|$)", re.I)


class ReportError(UnspinError):
    """The folder cannot be reported on (not a scan, an unfinished scan, a scan of another layout)."""


def host_of(url: str | None, doc_id: str | None = None) -> str:
    """The site of a document: the host of its URL, else of its id when the id is a URL or starts with a
    domain name (``example.com/a``); ``www.`` dropped, lower case; `NO_HOST` when neither names one."""
    for cand in (url, doc_id):
        if not cand or not isinstance(cand, str):
            continue
        cand = cand.strip()
        if "://" in cand[:12]:
            try:
                host = urlsplit(cand).hostname
            except ValueError:
                host = None
        else:
            m = _DOMAIN.match(cand)
            host = m.group(0).split(":")[0] if m else None
        if host:
            host = host.lower().rstrip(".")
            return host[4:] if host.startswith("www.") and host.count(".") > 1 else host
    return NO_HOST


@dataclass
class Group:
    """Copies of one text: a cluster found by the scan, or the documents matched to one indexed source."""

    kind: str  # "cluster" | "source"
    key: str  # cluster number, or source id
    members: list[int]  # row numbers in ScanData.docs
    #: Row of the member taken as the original (clusters: the least spun), None for an indexed source.
    original: int | None = None


@dataclass
class ScanData:
    path: Path
    manifest: dict[str, Any]
    summary: dict[str, Any]
    #: Column name -> numpy array (object arrays for strings), one entry per document row.
    docs: dict[str, np.ndarray]
    hosts: np.ndarray
    clusters: list[Group] | None
    sources: list[Group]
    errors_total: int
    error_samples: list[str]
    notes: list[str] = field(default_factory=list)
    #: Row -> cluster number (for the rows in clusters).
    cluster_of: dict[int, int] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.hosts)

    @property
    def detected(self) -> bool:
        """Whether the scan ran the detector (``--no-detect`` leaves no scores)."""
        return bool(np.isfinite(self.docs["spin_score"]).any())

    def texts(self, rows: list[int]) -> dict[int, str]:
        """The texts of these document rows (read from their partitions)."""
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        by_part: dict[int, dict[int, int]] = {}
        for r in rows:
            by_part.setdefault(int(self.docs["partition"][r]), {})[int(self.docs["record"][r])] = r
        out: dict[int, str] = {}
        for pid, recs in sorted(by_part.items()):
            t = pq.read_table(self.path / "documents" / f"part-{pid:06d}.parquet", columns=["record", "text"])
            t = t.filter(pc.is_in(t.column("record"), value_set=pa.array(list(recs), pa.int32())))
            for rec, text in zip(t.column("record").to_pylist(), t.column("text").to_pylist()):
                out[recs[rec]] = text or ""
        return out

    def matches(self, rows: list[int]) -> dict[int, list[dict[str, Any]]]:
        """The index matches (``matches`` column, parsed) of these rows."""
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        by_part: dict[int, dict[int, int]] = {}
        for r in rows:
            by_part.setdefault(int(self.docs["partition"][r]), {})[int(self.docs["record"][r])] = r
        out: dict[int, list[dict[str, Any]]] = {}
        for pid, recs in sorted(by_part.items()):
            t = pq.read_table(self.path / "documents" / f"part-{pid:06d}.parquet", columns=["record", "matches"])
            t = t.filter(pc.is_in(t.column("record"), value_set=pa.array(list(recs), pa.int32())))
            for rec, m in zip(t.column("record").to_pylist(), t.column("matches").to_pylist()):
                try:
                    out[recs[rec]] = json.loads(m) if m else []
                except ValueError:
                    out[recs[rec]] = []
        return out


def _read_manifest(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise ReportError(f"{path} does not exist")
    if not path.is_dir():
        raise ReportError(f"{path} is not a folder: give the output folder of unspin scan")
    mf = path / "manifest.json"
    if not mf.exists():
        raise ReportError(f"{path} is not an unspin scan folder (no manifest.json): run unspin scan INPUTS --out {path} first")
    try:
        manifest = json.loads(mf.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ReportError(f"{mf} is not valid JSON ({exc}); scan again into a fresh folder") from None
    if not isinstance(manifest, dict):
        raise ReportError(f"{mf} is not a scan manifest; scan again into a fresh folder")
    layout = manifest.get("layout")
    if layout != READS_LAYOUT:
        raise ReportError(f"{path} holds a scan of layout {layout!r}, written by another unspin version; "
                          f"this version reads layout {READS_LAYOUT}: scan again with this version")
    if not manifest.get("complete"):
        done, total = len(manifest.get("partitions") or {}), manifest.get("partitions_total", "?")
        raise ReportError(f"{path} holds an unfinished scan ({done} of {total} partitions done): "
                          "run the same unspin scan command again to finish it, then report")
    return manifest


def check_scan_dir(path: str | Path) -> dict[str, Any]:
    """The manifest of the finished scan in ``path``; `ReportError` (one line) when it is not one."""
    return _read_manifest(Path(path))


def _read_docs(path: Path, manifest: dict[str, Any]) -> dict[str, np.ndarray]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    parts = sorted((path / "documents").glob("part-*.parquet"))
    expected = manifest.get("partitions_total")
    if isinstance(expected, int) and len(parts) < expected:
        raise ReportError(f"{path}/documents holds {len(parts)} of the scan's {expected} partition files: "
                          "some were deleted; run the same unspin scan command again to rewrite them")
    tables = []
    for p in parts:
        try:
            names = pq.read_schema(p).names
        except Exception as exc:  # any unreadable file is reported the same way
            raise ReportError(f"{p} is not a readable Parquet file ({type(exc).__name__}: {exc})") from None
        missing = [c for c in COLUMNS if c not in names]
        if missing:
            raise ReportError(f"{p} lacks the columns {', '.join(missing)}: written by another unspin version; scan again with this version")
        tables.append(pq.read_table(p, columns=list(COLUMNS)))
    if not tables:
        return {c: np.array([], dtype=float if c in NUMERIC else np.int64 if c in ("partition", "record") else object) for c in COLUMNS}
    t = pa.concat_tables(tables)
    out: dict[str, np.ndarray] = {}
    for c in COLUMNS:
        col = t.column(c)
        if c in NUMERIC:
            out[c] = np.asarray(col.cast(pa.float64()).to_numpy(), dtype=float)  # nulls become NaN
        elif c in ("partition", "record"):
            out[c] = col.to_numpy().astype(np.int64)
        else:
            out[c] = np.array(col.to_pylist(), dtype=object)
    return out


def _url(meta: Any) -> str | None:
    if not meta:
        return None
    try:
        m = json.loads(meta)
    except ValueError:
        return None
    u = m.get("url") if isinstance(m, dict) else None
    return u if isinstance(u, str) else None


def load_scan(path: str | Path) -> ScanData:
    """Read a finished scan folder; `ReportError` (one line) when it is not one."""
    import pyarrow.parquet as pq

    path = Path(path)
    manifest = _read_manifest(path)
    notes: list[str] = []
    docs = _read_docs(path, manifest)
    n = len(docs["record"])
    hosts = np.array([host_of(_url(m), i) for m, i in zip(docs["metadata"], docs["id"])], dtype=object)

    summary: dict[str, Any] = {}
    sp = path / "summary.json"
    if sp.exists():
        try:
            summary = json.loads(sp.read_text(encoding="utf-8"))
        except ValueError:
            notes.append("summary.json is not valid JSON: totals are counted from the documents")
    else:
        notes.append("summary.json is missing: totals are counted from the documents")

    errors_total, error_samples = 0, list[str]()
    ep = path / "errors.jsonl"
    if ep.exists():
        with open(ep, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if not line.strip():
                    continue
                errors_total += 1
                if len(error_samples) < 20:
                    try:
                        error_samples.append(str(json.loads(line).get("error")))
                    except (ValueError, AttributeError):
                        error_samples.append(line.strip()[:500])
    else:
        notes.append("errors.jsonl is missing: errors are counted from the documents")
        status = docs["status"]
        errors_total = int((status == "error").sum()) if n else 0

    row_of = {(int(p), int(r)): i for i, (p, r) in enumerate(zip(docs["partition"], docs["record"]))}
    clusters: list[Group] | None = None
    cluster_of: dict[int, int] = {}
    cp = path / "clusters.parquet"
    if cp.exists():
        t = pq.read_table(cp, columns=["cluster", "partition", "record"]).to_pydict()
        by: dict[int, list[int]] = {}
        for c, p, r in zip(t["cluster"], t["partition"], t["record"]):
            row = row_of.get((p, r))
            if row is not None:
                by.setdefault(c, []).append(row)
                cluster_of[row] = c
        scores = docs["spin_score"]
        clusters = []
        for c, rows in sorted(by.items()):
            rows.sort(key=lambda i: (np.nan_to_num(scores[i], nan=2.0), str(docs["id"][i] or ""), i))
            clusters.append(Group("cluster", str(c), rows, original=rows[0]))
    elif manifest.get("clusters") is not None or manifest.get("clusters_done"):
        notes.append("clusters.parquet is missing although the scan clustered: no clusters shown")
    else:
        notes.append("this scan did not look for clusters of copies (it ran with an index or --no-cluster)")

    sources: dict[str, list[int]] = {}
    for i, s in enumerate(docs["source_id"]):
        if s is not None:
            sources.setdefault(str(s), []).append(i)
    groups = [Group("source", k, sorted(v, key=lambda i: -np.nan_to_num(docs["source_score"][i]))) for k, v in sources.items()]

    if n and not np.isfinite(docs["spin_score"]).any():
        notes.append("this scan did not run the detector (--no-detect): no spin scores")
    return ScanData(path=path, manifest=manifest, summary=summary, docs=docs, hosts=hosts, clusters=clusters, sources=groups,
                    errors_total=errors_total, error_samples=error_samples, notes=notes, cluster_of=cluster_of)

"""The verified copy/source pairs of a finished scan: what ``unspin learn --scan`` and ``scan --learn`` learn from.

`verified_pairs(scan_dir)` yields `VerifiedPair(copy, source, alignment)`, a named
tuple that unpacks as ``copy, source, alignment``:

* a scan **with an index**: every document with a source match, paired with its best
  source read back from the index (the index the scan used, recorded in its manifest);
* a scan **with clusters**: every verified pair of ``pairs.parquet`` whose direction is
  known, i.e. the scan ran the detector and the two documents' spin scores differ: the
  document with the higher score is the copy. Without the detector, or on a tie, which
  one was spun from the other is unknown and the pair is left out (``undirected=True``
  yields it in stored order). Two copies of a source that is not in the crawl are both
  spun: their pair teaches spun-to-spun swaps as well as real ones, which a learner's
  minimum document count (``learn --min-docs``) has to weed out.

The alignment is computed again (`unspin.align.align`, deterministic: the one the scan
verified). Rows and pairs come in partition order; nothing is held in memory but one
partition's rows (and, for clusters, the texts of the clustered documents).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from unspin.model import Alignment, Document
from unspin.scan.manifest import MANIFEST, ScanError
from unspin.scan.output import part_files, part_path


class VerifiedPair(NamedTuple):
    """A spun copy found by a scan, the document it was spun from, and their alignment."""

    copy: Document
    source: Document
    alignment: Alignment


def _document(row: dict[str, Any]) -> Document:
    meta = json.loads(row["metadata"]) if row.get("metadata") else {}
    return Document(text=row["text"], id=row["id"], source=row["source"], metadata=meta)


def _manifest(scan_dir: Path) -> dict[str, Any]:
    path = scan_dir / MANIFEST
    try:
        m = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScanError(f"{scan_dir}: not a scan output directory (no {MANIFEST})") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ScanError(f"{path}: not a readable scan manifest ({exc})") from exc
    if not isinstance(m, dict) or not m.get("complete"):
        raise ScanError(f"{scan_dir}: the scan is not finished (run it again with the same arguments to complete it)")
    return m


def verified_pairs(scan_dir: str | Path, *, index: str | Path | None = None, undirected: bool = False,
                   on_error: Callable[[str], None] | None = None) -> Iterator[VerifiedPair]:
    """The verified copy/source pairs of the finished scan in ``scan_dir`` (see the module docstring).

    ``index`` overrides the index path recorded in the manifest (an index moved since the scan).
    ``on_error`` gets one line for each pair that cannot be given (its source is no longer in the
    index); the others are still given. Raises `ScanError` when ``scan_dir`` holds no finished scan.

    Example::

        for copy, source, alignment in verified_pairs("scan-out"):
            print(copy.id, "<-", source.id, [(s.copy_text, s.source_text) for s in alignment.substitutions])
    """
    scan_dir = Path(scan_dir)
    m = _manifest(scan_dir)
    if (scan_dir / "pairs.parquet").exists():
        yield from _cluster_pairs(scan_dir, undirected)
    ix_path = index if index is not None else m.get("index")
    if ix_path is not None:
        yield from _index_pairs(scan_dir, Path(ix_path), on_error)


def _index_pairs(scan_dir: Path, ix_path: Path, on_error: Callable[[str], None] | None) -> Iterator[VerifiedPair]:
    import pyarrow.parquet as pq

    from unspin.align import align
    from unspin.index import SourceIndex

    if not ix_path.is_file():
        raise ScanError(f"{ix_path}: the scan's index is not there (give its new path)")
    cols = ["partition", "record", "id", "source", "text", "metadata", "status", "source_id"]
    with SourceIndex.open(ix_path) as ix:
        for path in part_files(scan_dir):
            for row in pq.read_table(path, columns=cols).to_pylist():
                if row["status"] != "ok" or row["source_id"] is None:
                    continue
                src = ix.get(row["source_id"])
                if src is None:
                    if on_error is not None:
                        on_error(f"{row['source'] or row['id']}: its source {row['source_id']} is no longer in {ix_path}; skipped")
                    continue
                meta = {k: v for k, v in (("title", src.title), ("url", src.url), ("date", src.date)) if v is not None}
                source = Document(text=src.text, id=src.id, metadata=meta)
                copy = _document(row)
                yield VerifiedPair(copy, source, align(copy.text, source.text))


def _cluster_pairs(scan_dir: Path, undirected: bool) -> Iterator[VerifiedPair]:
    import pyarrow.parquet as pq

    from unspin.align import align

    pairs = pq.read_table(scan_dir / "pairs.parquet").to_pylist()
    wanted: dict[int, set[int]] = {}
    for p in pairs:
        wanted.setdefault(p["partition_a"], set()).add(p["record_a"])
        wanted.setdefault(p["partition_b"], set()).add(p["record_b"])
    rows: dict[tuple[int, int], dict[str, Any]] = {}
    cols = ["partition", "record", "id", "source", "text", "metadata", "spin_score"]
    for pid, recs in sorted(wanted.items()):
        for row in pq.read_table(part_path(scan_dir, pid), columns=cols).to_pylist():
            if row["record"] in recs:
                rows[(pid, row["record"])] = row
    for p in pairs:
        a, b = rows[(p["partition_a"], p["record_a"])], rows[(p["partition_b"], p["record_b"])]
        sa, sb = a["spin_score"], b["spin_score"]
        if sa is not None and sb is not None and sa != sb:
            copy, source = (a, b) if sa > sb else (b, a)
        elif undirected:
            copy, source = a, b
        else:
            continue
        c, s = _document(copy), _document(source)
        yield VerifiedPair(c, s, align(c.text, s.text))

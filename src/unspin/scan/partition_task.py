"""The partition task: read one partition, check and fingerprint each document, write its rows.

`process_partition` is what Dask runs once per partition. It is a deterministic
function of its arguments and the input files, and writes its Parquet file (and
JSONL file) atomically, so a task run twice — a worker died and the scheduler ran
it again, or a resumed scan — leaves the same output once.

One bad record never fails the partition: a record the reader rejects, one whose
text is not valid Unicode (a lone surrogate that cannot be written as UTF-8), one
whose check raises, and a reader that stops mid-file all become error rows naming
the record, and every other record is processed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from unspin.ingest import IngestOptions, ReadResult, read_source
from unspin.model import Document, Match, Report
from unspin.scan.minhash import LSHOptions, signature
from unspin.scan.output import atomic_write_bytes, atomic_write_table, document_schema, json_line, part_path, safe_text
from unspin.scan.partitions import Partition, Piece
from unspin.scan.stats import PartitionStats, worker_peak_rss_mb


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
    #: spinner lexicon files (`unspin.learn`) every check applies
    lexicons: tuple[str, ...] = ()
    #: screening threshold (`unspin.screen`): a document scored under it gets the screen's score and verdict
    #: and ``screened_out`` instead of a full check; None: every document is checked
    screen: float | None = None
    #: the screen spot-checks the documents in its uncertain band (`unspin.screen.screen`'s ``spot``)
    spot: bool = False


_LEXICONS: dict[tuple[str, ...], tuple[Any, ...]] = {}


def _lexicons(paths: tuple[str, ...]) -> tuple[Any, ...]:
    """The worker process's spinner lexicons (read once per process)."""
    got = _LEXICONS.get(paths)
    if got is None:
        from unspin.learn import read_lexicon

        got = _LEXICONS[paths] = tuple(read_lexicon(p) for p in paths)
    return got


def clustering_text(doc: Document) -> str:
    """The text without page furniture: what is compared when documents are clustered."""
    return doc.visible_text()


def _document_row(doc: Document, cfg: TaskConfig, warnings: tuple[str, ...]) -> dict[str, Any]:
    """The checked fields of one document's row: report, source matches, MinHash signature."""
    from unspin.api import check
    from unspin.index import open_shared
    from unspin.index.fingerprints import fingerprint

    row: dict[str, Any] = {"status": "ok", "warnings": list(warnings)}
    ix = open_shared(cfg.index) if cfg.index else None
    matches: tuple[Match, ...] = ()
    screened = None
    if cfg.detect and cfg.screen is not None:
        from unspin.screen import screen

        screened = screen(doc, cfg.screen, spot=cfg.spot)
        row.update(screen_score=round(screened.score, 4), screened_out=not screened.passed)
    if screened is not None and not screened.passed:
        row.update(words=screened.words, spin_score=round(screened.score, 4), verdict="clean",
                   explanation=screened.explanation(), n_flags=0, flags="[]")
        if ix is not None:
            from unspin.search import search

            matches = search(doc, ix, top=cfg.top).matches
    elif cfg.detect:
        # with an index, check searches it once: its sources are the row's matches (no second search)
        report: Report = check(doc, warnings=warnings, index=ix, top_sources=cfg.top,
                               lexicons=_lexicons(cfg.lexicons) if cfg.lexicons else ())
        d = report.to_dict()
        row.update(words=d["words"], spin_score=d["spin_score"], verdict=d["verdict"], explanation=d["explanation"],
                   n_flags=len(d["flags"]), flags=json.dumps(d["flags"], ensure_ascii=False))
        matches = report.sources or ()
    elif ix is not None:
        from unspin.search import search

        matches = search(doc, ix, top=cfg.top).matches
    if ix is not None:
        row["matches"] = json.dumps([m.to_dict() for m in matches], ensure_ascii=False)
        if matches:
            row["source_id"], row["source_score"] = matches[0].id, round(matches[0].score, 4)
    if cfg.cluster:
        fp = fingerprint(clustering_text(doc))
        if len(fp) >= cfg.lsh.min_hashes:
            row["minhash"] = signature(fp, cfg.lsh.num_perm)
    return row


def _results(piece: Piece, options: IngestOptions) -> Iterator[ReadResult | str]:
    """The reader's results for one piece; if the reader itself fails, one error message and the end of the piece."""
    it = iter(read_source(piece.source(), options))
    n = 0
    while True:
        try:
            result = next(it)
        except StopIteration:
            return
        except Exception as exc:  # the rest of this input is lost, not the partition
            yield safe_text(f"{piece.path}: reading stopped after {n} records ({type(exc).__name__}: {exc})")
            return
        n += 1
        yield result


def unicode_problem(row: dict[str, Any]) -> str | None:
    """What in a row cannot be written as UTF-8 (a lone surrogate), or None."""
    for k, v in row.items():
        for s in (v if isinstance(v, list) else (v,)):
            if isinstance(s, str):
                try:
                    s.encode("utf-8")
                except UnicodeEncodeError as exc:
                    return f"{k} is not valid Unicode: lone surrogate U+{ord(s[exc.start]):04X} at character {exc.start}"
    return None


def _error_row(row: dict[str, Any], error: str) -> dict[str, Any]:
    """An error row in place of ``row``: where it was and what it was (the text and metadata only if they can be
    written; names made safe to write), and the error."""
    new: dict[str, Any] = {}
    for k in ("partition", "record", "input", "warnings", "id", "source", "text", "metadata"):
        if k not in row:
            continue
        v = row[k]
        if k == "warnings":
            v = [safe_text(w) for w in v or ()]
        elif isinstance(v, str):
            v = (None if safe_text(v) is not v else v) if k in ("text", "metadata") else safe_text(v)
        new[k] = v
    new.update(status="error", error=safe_text(error))
    return new


def _record_row(row: dict[str, Any], result: ReadResult, cfg: TaskConfig) -> dict[str, Any]:
    """The row of one read result (``row`` holds its place: partition, record, input, warnings)."""
    doc = result.document
    if doc is None:
        return _error_row(row, result.error or f"{row['input']}: record {row['record']}: no document")
    # names (a file name that is not UTF-8) are shown escaped; a text that cannot be written is an error below
    row.update(id=None if doc.id is None else safe_text(doc.id), source=None if doc.source is None else safe_text(doc.source), text=doc.text,
               metadata=json.dumps(dict(doc.metadata), ensure_ascii=False, default=str) if doc.metadata else None)
    name = doc.source or doc.id or f"{row['input']} record {row['record']}"
    problem = unicode_problem(row)
    if problem is not None:
        return _error_row(row, f"{name}: {problem}; not checked")
    if result.skipped is not None:
        row.update(status="skipped", skipped=result.skipped)
        return row
    try:
        row.update(_document_row(doc, cfg, result.warnings))
    except Exception as exc:  # one bad document must not stop the scan
        return _error_row(row, f"{name}: unexpected error while checking ({type(exc).__name__}: {exc})")
    problem = unicode_problem(row)
    return row if problem is None else _error_row(row, f"{name}: {problem}")


def _table(rows: list[dict[str, Any]]) -> Any:
    """The partition's Arrow table; a row Arrow still refuses becomes an error row instead of failing the partition."""
    import pyarrow as pa

    schema = document_schema()

    def table(rs: list[dict[str, Any]]) -> Any:
        return pa.Table.from_pydict({name: [r.get(name) for r in rs] for name in schema.names}, schema=schema)

    refused = (pa.ArrowException, ValueError, TypeError, OverflowError, UnicodeError)
    try:
        return table(rows)
    except refused:
        pass
    for i, row in enumerate(rows):
        try:
            table([row])
        except refused as exc:
            rows[i] = _error_row(row, f"{safe_text(row.get('source') or row.get('id') or row['input'])}: cannot be written "
                                      f"({type(exc).__name__}: {exc})")
            rows[i]["text"] = rows[i]["metadata"] = None
    return table(rows)


def process_partition(part: Partition, cfg: TaskConfig) -> PartitionStats:
    """Read, check, fingerprint one partition; write its Parquet (and JSONL) atomically; return its counts."""
    t0, c0 = time.perf_counter(), time.process_time()
    stats = PartitionStats(pid=part.pid)
    rows: list[dict[str, Any]] = []
    record = 0
    for piece in part.pieces:
        for result in _results(piece, cfg.options):
            place: dict[str, Any] = {"partition": part.pid, "record": record, "input": safe_text(piece.path), "warnings": []}
            if isinstance(result, str):  # the reader failed: the rest of this input is lost
                row = _error_row(place, result)
            else:
                stats.warnings += len(result.warnings)
                if result.document is None and result.error is None:
                    continue  # a notice about the input as a whole
                place["warnings"] = [safe_text(w) for w in result.warnings]
                row = _record_row(place, result, cfg)
            record += 1
            rows.append(row)
    table = _table(rows)  # may turn a row into an error row: count afterwards
    for row in rows:
        stats.count(row)
    atomic_write_table(part_path(cfg.out, part.pid), table)
    if cfg.jsonl:
        atomic_write_bytes(part_path(cfg.out, part.pid, "jsonl"), "".join(json_line(r) + "\n" for r in rows).encode("utf-8"))
    stats.wall_s = round(time.perf_counter() - t0, 4)
    stats.cpu_s = round(time.process_time() - c0, 4)
    stats.maxrss_mb = round(worker_peak_rss_mb(), 1)
    return stats

"""``unspin scan``: parse, call `unspin.scan.scan` once, render the summary."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from unspin.cli.common import InputFormat, err, fail, load_lexicons, out, safe_line
from unspin.ingest import DEFAULT_MAX_BYTES, IngestOptions
from unspin.settings import SCREEN_THRESHOLD

if TYPE_CHECKING:
    from unspin.scan import ScanSummary


def scan_command(
    inputs: list[Path] = typer.Argument(..., readable=False, help="Files or directories: plain text, HTML, JSONL, WARC(.gz), Parquet (as unspin check reads them)."),
    out_dir: Path = typer.Option(..., "--out", metavar="DIR", help="Output directory: documents/part-*.parquet, clusters.parquet, pairs.parquet, errors.jsonl, summary.json, manifest.json."),
    index: Path | None = typer.Option(None, "--index", metavar="INDEX", help="Find each document's best sources in this index (unspin index add); without it, clusters of spun copies are found in the input."),
    scheduler: str | None = typer.Option(None, "--scheduler", metavar="ADDRESS", help="Dask scheduler address (tcp://host:8786); default: a local cluster."),
    workers: int | None = typer.Option(None, "--workers", min=0, help="Local worker processes (default: one per CPU, or in-process for a small input; 0: in-process)."),
    detect: bool = typer.Option(True, "--detect/--no-detect", help="Run the spin detector on every document (slow: ~3 articles/s per core); --no-detect only finds sources and clusters."),
    clusters: bool | None = typer.Option(None, "--clusters/--no-clusters", help="Find clusters of spun copies in the input (default: when there is no --index)."),
    screen: float | None = typer.Option(None, "--screen", metavar="THRESHOLD", min=0.0, max=1.0, help=f"Fully check only the documents the fast screening pass (unspin check --screen) scores at or above THRESHOLD ({SCREEN_THRESHOLD:g} is the default of unspin check --screen); the others get the screening score, verdict clean and screened_out."),
    spot: bool = typer.Option(False, "--spot", help="With --screen: decode the few most suspicious words of the documents the screen is unsure of with the full check's own word model (~30 ms of CPU for such a document, about 1 in 10 clean ones) before deciding; fewer clean documents go on to the full check (docs/screen.md). The spot stage's own default threshold is 0.31 (unspin check --screen --spot)."),
    jsonl: bool = typer.Option(False, "--jsonl", help="Also write documents/part-*.jsonl (the JSON of unspin check --json, plus the scan's fields)."),
    input_format: InputFormat | None = typer.Option(None, "--format", help="Read every input as this format.", case_sensitive=False),
    text_field: str = typer.Option("text", "--text-field", help="JSONL key or Parquet column holding the text."),
    id_field: str = typer.Option("id", "--id-field", help="JSONL key or Parquet column holding the document id."),
    max_bytes: int = typer.Option(DEFAULT_MAX_BYTES, "--max-bytes", help="Largest document text in bytes."),
    language_check: bool = typer.Option(True, "--language-check/--no-language-check", help="Skip documents that are not in English."),
    partition_rows: int = typer.Option(2000, "--partition-rows", min=1, help="Parquet rows per partition (whole row groups)."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Start afresh when DIR holds a scan with other arguments (default: refuse)."),
    json_out: bool = typer.Option(False, "--json", help="Print the summary as JSON on stdout."),
    lexicon: list[Path] | None = typer.Option(None, "--lexicon", metavar="FILE", help="Also flag the swaps of this spinner lexicon (unspin learn) in every document (repeatable)."),
    learn: bool = typer.Option(False, "--learn", help="When the scan is complete, learn a spinner lexicon from its verified copy/source pairs and write DIR/lexicon.lex (unspin learn --scan DIR)."),
    min_docs: int = typer.Option(2, "--min-docs", min=1, help="With --learn: keep a swap seen in at least this many documents."),
) -> None:
    """Scan a crawl on a Dask cluster: spin score, verdict and flags per document, best sources (--index) or clusters of spun copies.

    Started again with the same arguments, a scan resumes: finished partitions are skipped.
    Exit code 0 when every input was read, 1 when some could not be (see DIR/errors.jsonl), 2 for a usage error.

    Example: [bold]unspin scan crawl/ --out scan-out --workers 8[/] or [bold]unspin scan crawl.warc.gz --out scan-out --scheduler tcp://10.0.0.5:8786[/]
    """
    from unspin.scan import ScanError, scan

    options = IngestOptions(max_bytes=max_bytes, text_field=text_field, id_field=id_field, language_check=language_check)
    load_lexicons(lexicon)  # a missing file is a usage error before the scan starts
    try:
        summary = scan(
            [str(p) for p in inputs], out_dir, index=index, scheduler=scheduler, workers=workers, detect=detect, cluster=clusters,
            jsonl=jsonl, format=input_format.value if input_format is not None else None, options=options,
            partition_rows=partition_rows, overwrite=overwrite, progress=err if err.is_terminal else None,
            lexicons=[str(p) for p in lexicon] if lexicon else (), screen=screen, spot=spot,
        )
    except ScanError as exc:
        raise fail(str(exc)) from None
    if json_out:
        sys.stdout.write(json.dumps(summary.to_dict()) + "\n")
    else:
        render_summary(summary)
    learn_failed = False
    if learn:
        learn_failed = not _learn(summary, out_dir, min_docs)
    if summary.errors or summary.partitions_failed or learn_failed:
        raise typer.Exit(1)


def _learn(summary: ScanSummary, out_dir: Path, min_docs: int) -> bool:
    """``--learn``: the scan's lexicon into DIR/lexicon.lex; False when it could not be learned."""
    from unspin.learn import PairError, learn_pairs
    from unspin.learn.sources import pairs_from_scan

    if not summary.complete:
        err.print("[yellow]note:[/] the scan is not complete: no lexicon learned (run it again to finish it)")
        return False

    def report(msg: str) -> None:
        err.print(f"[yellow]warning:[/] {escape(safe_line(msg))}")

    try:
        lex = learn_pairs(pairs_from_scan(out_dir, report), min_docs=min_docs, on_error=report)
    except PairError as exc:
        err.print(f"[red]error:[/] {escape(safe_line(str(exc)))}")
        return False
    path = out_dir / "lexicon.lex"
    lex.write(path)
    err.print(f"learned {len(lex):,} lexicon entries from {lex.meta.get('pairs', 0):,} verified pairs → {escape(safe_line(str(path)))}")
    return True


def render_summary(s: ScanSummary) -> None:
    """The scan's summary table on stdout, the first errors on stderr."""
    t = Table(title=f"scan → {escape(safe_line(s.out))}", show_header=False, title_justify="left")
    t.add_column(style="bold")
    t.add_column(justify="right")
    t.add_row("partitions", f"{s.partitions:,} ({s.partitions_reused:,} reused from an earlier run)" + (f", [red]{len(s.partitions_failed)} failed[/]" if s.partitions_failed else ""))
    t.add_row("documents", f"{s.documents:,}")
    if s.checked:
        t.add_row("spun / uncertain / clean", f"{s.spun:,} / {s.uncertain:,} / {s.clean:,}")
    if s.screened_out:
        t.add_row("screened out (clean, not fully checked)", f"{s.screened_out:,}")
    for reason, n in sorted(s.skipped.items(), key=lambda kv: -kv[1]):
        t.add_row(f"skipped ({escape(safe_line(reason))})", f"{n:,}")
    t.add_row("errors", f"{s.errors:,}")
    if s.matched:
        t.add_row("with a source match", f"{s.matched:,}")
    if s.clusters is not None:
        t.add_row("clusters of copies", f"{s.clusters:,} ({s.clustered_documents:,} documents)")
    t.add_row("workers", f"{s.workers} ({escape(safe_line(s.scheduler))})")
    t.add_row("wall time", f"{s.wall_s:,.1f} s")
    t.add_row("documents/s", f"{s.documents_per_s:,.1f}")
    out.print(t)
    for notice in s.notices[:5]:
        err.print(f"[yellow]warning:[/] {escape(safe_line(notice))}")
    if len(s.notices) > 5:
        err.print(f"… {len(s.notices) - 5:,} more notices in {escape(safe_line(str(Path(s.out) / 'summary.json')))}")
    for e in s.error_samples[:5]:
        err.print(f"[red]error:[/] {escape(safe_line(e))}")
    if s.errors > 5:
        err.print(f"… {s.errors - 5:,} more in {escape(safe_line(str(Path(s.out) / 'errors.jsonl')))}")

"""``unspin index add|remove|stats``: maintain a source index (one SQLite file)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.markup import escape

from unspin.cli.common import err, inputs_of, must_exist, out, print_read_result, safe_line
from unspin.ingest import DEFAULT_MAX_BYTES, IngestOptions, ReadResult

index_app = typer.Typer(name="index", help="Build and maintain a source index (one SQLite file).", no_args_is_help=True, rich_markup_mode="rich")


@index_app.command("add")
def index_add(
    index: Path = typer.Argument(..., help="The index file (created if missing)."),
    files: list[Path] = typer.Argument(None, readable=False, help="Files or directories to add (any format unspin check reads).", show_default=False),
    jsonl: str | None = typer.Option(None, "--jsonl", metavar="IN", help="Add the lines {\"id\", \"text\", optional \"title\", \"url\", \"date\"} of a JSONL file ('-' for stdin)."),
    batch_size: int = typer.Option(500, "--batch-size", min=1, help="Documents per transaction."),
    max_bytes: int = typer.Option(DEFAULT_MAX_BYTES, "--max-bytes", help="Largest document text in bytes."),
) -> None:
    """Add documents to a source index; an id already there is replaced, unchanged ones are skipped (an interrupted add resumes).

    Example: [bold]unspin index add sources.db --jsonl articles.jsonl[/]
    """
    from unspin.search import index_add as add

    failures = 0

    def on_result(r: ReadResult) -> None:
        nonlocal failures
        failures += not print_read_result(r)

    stats = add(index, inputs_of(files, jsonl), options=IngestOptions(max_bytes=max_bytes, language_check=False), batch_size=batch_size, on_result=on_result)
    err.print(f"added {stats.added}, replaced {stats.replaced}, unchanged {stats.unchanged}")
    if failures:
        raise typer.Exit(1)


@index_app.command("remove")
def index_remove(
    index: Path = typer.Argument(..., help="The index file."),
    ids: list[str] = typer.Argument(..., help="Document ids to remove."),
) -> None:
    """Remove documents by id (one transaction).

    Example: [bold]unspin index remove sources.db bbc-001 bbc-002[/]
    """
    from unspin.search import index_remove as remove

    must_exist(index)
    n = remove(index, ids)
    err.print(f"removed {n} of {len(ids)}")
    if n < len(ids):
        raise typer.Exit(1)


@index_app.command("stats")
def index_stats(
    index: Path = typer.Argument(..., help="The index file."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Documents, postings, size per document and fingerprint settings.

    Example: [bold]unspin index stats sources.db[/]
    """
    from unspin.search import index_stats as stats

    must_exist(index)
    s = stats(index)
    if json_out:
        sys.stdout.write(json.dumps(s) + "\n")
        return
    for k, v in s.items():
        out.print(f"{k:>20}  {escape(safe_line(str(v)))}")

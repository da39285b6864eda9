"""``unspin index`` and ``unspin search``: parse, call one library function, render."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from unspin.cli import app, err, out
from unspin.ingest import DEFAULT_MAX_BYTES, IngestOptions, ReadResult, iter_documents
from unspin.model import Match, SearchResult

index_app = typer.Typer(name="index", help="Build and maintain a source index (one SQLite file).", no_args_is_help=True, rich_markup_mode="rich")
app.add_typer(index_app, name="index")


def _inputs(files: Optional[List[Path]], jsonl: Optional[str]) -> list[str | tuple[str, str]]:
    inputs: list[str | tuple[str, str]] = [str(p) for p in files or []]
    if jsonl is not None:
        inputs.append((jsonl, "jsonl"))
    if not inputs:
        err.print("error: give FILE arguments or --jsonl IN")
        raise typer.Exit(2)
    return inputs


def _report(result: ReadResult) -> bool:
    for w in result.warnings:
        err.print(f"[yellow]warning:[/] {escape(w)}")
    if result.error is not None:
        err.print(f"[red]error:[/] {escape(result.error)}")
        return False
    if result.document is not None and result.skipped is not None:
        err.print(f"[yellow]skipped:[/] {escape(result.document.source or result.document.id or '<document>')}: {escape(result.skipped)}")
    return True


@index_app.command("add")
def index_add(
    index: Path = typer.Argument(..., help="The index file (created if missing)."),
    files: List[Path] = typer.Argument(None, help="Files or directories to add (any format unspin check reads).", show_default=False),
    jsonl: Optional[str] = typer.Option(None, "--jsonl", metavar="IN", help="Add the lines {\"id\", \"text\", optional \"title\", \"url\", \"date\"} of a JSONL file ('-' for stdin)."),
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
        failures += not _report(r)

    stats = add(index, _inputs(files, jsonl), options=IngestOptions(max_bytes=max_bytes, language_check=False), batch_size=batch_size, on_result=on_result)
    err.print(f"added {stats.added}, replaced {stats.replaced}, unchanged {stats.unchanged}")
    if failures:
        raise typer.Exit(1)


@index_app.command("remove")
def index_remove(
    index: Path = typer.Argument(..., help="The index file."),
    ids: List[str] = typer.Argument(..., help="Document ids to remove."),
) -> None:
    """Remove documents by id (one transaction).

    Example: [bold]unspin index remove sources.db bbc-001 bbc-002[/]
    """
    from unspin.search import index_remove as remove

    _must_exist(index)
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

    _must_exist(index)
    s = stats(index)
    if json_out:
        sys.stdout.write(json.dumps(s) + "\n")
        return
    for k, v in s.items():
        out.print(f"{k:>20}  {escape(str(v))}")


def _must_exist(index: Path) -> None:
    if not index.exists():
        err.print(f"[red]error:[/] no index at {escape(str(index))}")
        raise typer.Exit(2)


@app.command("search")
def search_command(
    index: Path = typer.Argument(..., help="The index file (unspin index add)."),
    files: List[Path] = typer.Argument(None, help="Copies to find the sources of.", show_default=False),
    jsonl: Optional[str] = typer.Option(None, "--jsonl", metavar="IN", help="Read copies from JSONL and write one JSON result per line."),
    top: int = typer.Option(5, "--top", min=1, help="Most candidate sources per copy."),
    json_out: bool = typer.Option(False, "--json", help="One JSON object per copy: {id, matches: [{id, score, coverage, pairs, substitutions}]}."),
    max_bytes: int = typer.Option(DEFAULT_MAX_BYTES, "--max-bytes", help="Largest document text in bytes."),
) -> None:
    """Find the sources of spun copies: candidates by spin-invariant fingerprint, verified by alignment.

    Example: [bold]unspin search sources.db copy.txt[/] or [bold]unspin search sources.db --jsonl copies.jsonl > found.jsonl[/]
    """
    from unspin.index import SourceIndex
    from unspin.search import search

    _must_exist(index)
    inputs = _inputs(files, jsonl)
    failures = 0
    with SourceIndex.open(index) as ix:
        for result in iter_documents(inputs, options=IngestOptions(max_bytes=max_bytes, language_check=False)):
            if not _report(result):
                failures += 1
                continue
            if result.document is None or result.skipped is not None:
                continue
            res = search(result.document, ix, top=top)
            if json_out or jsonl is not None:
                sys.stdout.write(res.to_json() + "\n")
                sys.stdout.flush()
            else:
                render_search(res, out)
    if failures:
        raise typer.Exit(1)


def _highlight(text: str, start: int, end: int, spans: list[tuple[int, int]], style: str) -> Text:
    t = Text(text[start:end])
    for a, b in spans:
        if start <= a and b <= end:
            t.stylize(style, a - start, b - start)
    return t


def render_search(result: SearchResult, console: Console) -> None:
    """Human output: the ranked sources, then copy and best source side by side, substitutions highlighted."""
    doc = result.document
    name = result.id or (doc.source if doc else None) or "<text>"
    console.rule(f"[bold]{escape(str(name))}")
    if not result.matches:
        console.print("[green]no source found[/]")
        return
    for i, m in enumerate(result.matches, 1):
        console.print(f"{i}. [bold]{escape(m.title or m.id)}[/] ({escape(m.id)})  score {m.score:.2f}  coverage {m.coverage:.2f}  {len(m.substitutions)} substitutions")
    best: Match = result.matches[0]
    if doc is None or best.source_text is None:
        return
    table = Table(show_header=True, header_style="bold", expand=True, show_lines=True)
    table.add_column("copy")
    table.add_column(f"source: {escape(best.title or best.id)}")
    cs = [(s.copy_start, s.copy_end) for s in best.substitutions]
    ss = [(s.source_start, s.source_end) for s in best.substitutions]
    for p in best.pairs:
        table.add_row(_highlight(doc.text, p.copy_start, p.copy_end, cs, "bold red"), _highlight(best.source_text, p.source_start, p.source_end, ss, "bold green"))
    console.print(table)

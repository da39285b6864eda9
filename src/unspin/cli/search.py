"""``unspin search``: find the sources of spun copies in an index; JSON lines or a side-by-side view."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from unspin.cli.common import inputs_of, must_exist, out, print_read_result, safe_line, safe_text
from unspin.ingest import DEFAULT_MAX_BYTES, IngestOptions, iter_documents
from unspin.model import Match, SearchResult


def search_command(
    index: Path = typer.Argument(..., help="The index file (unspin index add)."),
    files: list[Path] = typer.Argument(None, readable=False, help="Copies to find the sources of.", show_default=False),
    jsonl: str | None = typer.Option(None, "--jsonl", metavar="IN", help="Read copies from JSONL and write one JSON result per line."),
    top: int = typer.Option(5, "--top", min=1, help="Most candidate sources per copy."),
    json_out: bool = typer.Option(False, "--json", help="One JSON object per copy: {id, matches: [{id, score, coverage, pairs, substitutions}]}."),
    max_bytes: int = typer.Option(DEFAULT_MAX_BYTES, "--max-bytes", help="Largest document text in bytes."),
) -> None:
    """Find the sources of spun copies: candidates by spin-invariant fingerprint, verified by alignment.

    Example: [bold]unspin search sources.db copy.txt[/] or [bold]unspin search sources.db --jsonl copies.jsonl > found.jsonl[/]
    """
    from unspin.index import SourceIndex
    from unspin.search import search

    must_exist(index)
    inputs = inputs_of(files, jsonl)
    failures = 0
    with SourceIndex.open(index) as ix:
        for result in iter_documents(inputs, options=IngestOptions(max_bytes=max_bytes, language_check=False)):
            if not print_read_result(result):
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
    t = Text(safe_text(text[start:end]))
    for a, b in spans:
        if start <= a and b <= end:
            t.stylize(style, a - start, b - start)
    return t


def render_search(result: SearchResult, console: Console) -> None:
    """Human output: the ranked sources, then copy and best source side by side, substitutions highlighted."""
    doc = result.document
    name = result.id or (doc.source if doc else None) or "<text>"
    console.rule(f"[bold]{escape(safe_line(str(name)))}")
    if not result.matches:
        console.print("[green]no source found[/]")
        return
    for i, m in enumerate(result.matches, 1):
        console.print(f"{i}. [bold]{escape(safe_line(m.title or m.id))}[/] ({escape(safe_line(m.id))})  score {m.score:.2f}  coverage {m.coverage:.2f}  {len(m.substitutions)} substitutions")
    best: Match = result.matches[0]
    if doc is None or best.source_text is None:
        return
    table = Table(show_header=True, header_style="bold", expand=True, show_lines=True)
    table.add_column("copy")
    table.add_column(f"source: {escape(safe_line(best.title or best.id))}")
    cs = [(s.copy_start, s.copy_end) for s in best.substitutions]
    ss = [(s.source_start, s.source_end) for s in best.substitutions]
    for p in best.pairs:
        table.add_row(_highlight(doc.text, p.copy_start, p.copy_end, cs, "bold red"), _highlight(best.source_text, p.source_start, p.source_end, ss, "bold green"))
    console.print(table)

"""The ``unspin`` command line: each command parses, calls one library function, renders."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Iterator, List, Optional

import typer
from rich.console import Console
from rich.text import Text

from unspin import __version__
from unspin.errors import InputError, UnspinError
from unspin.ingest import DEFAULT_MAX_BYTES, read_text_file
from unspin.model import Document, Report

app = typer.Typer(
    name="unspin",
    help="Catch article spinning: flag spun phrases with the likely original wording and score each document.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"unspin {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """unspin finds the words a synonym spinner swapped and restores the originals."""


def _iter_jsonl(path: str) -> Iterator[tuple[int, Document | None, str | None]]:
    """Yield ``(line_no, document, error)`` for each non-blank line of a JSONL file ("-" = stdin)."""
    fh = sys.stdin if path == "-" else open(path, encoding="utf-8", errors="replace")
    name = "<stdin>" if path == "-" else path
    try:
        for no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield no, None, f"{name}:{no}: not JSON ({exc.msg})"
                continue
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                yield no, None, f"{name}:{no}: no \"text\" string field"
                continue
            doc_id = obj.get("id")
            yield no, Document(text=obj["text"], id=None if doc_id is None else str(doc_id), source=name), None
    finally:
        if fh is not sys.stdin:
            fh.close()


def render_report(report: Report, console: Console) -> None:
    """Human report: the text with flagged phrases highlighted and the suggestion beside them."""
    doc = report.document
    title = doc.source or doc.id or "<text>"
    colour = {"spun": "bold red", "clean": "bold green", "uncertain": "bold yellow"}[report.verdict]
    console.rule(f"[bold]{title}")
    text = Text()
    pos = 0
    for f in sorted(report.flags, key=lambda f: f.start):
        if f.start < pos:
            continue
        text.append(doc.text[pos : f.start])
        style = "bold red" if f.confidence >= 0.8 else "red" if f.confidence >= 0.6 else "yellow"
        text.append(f.text, style=f"{style} underline")
        if f.suggestion:
            text.append(f" [{f.suggestion}]", style="cyan")
        pos = f.end
    text.append(doc.text[pos:])
    console.print(text)
    console.print()
    for w in report.warnings:
        console.print(f"[yellow]warning:[/] {w}")
    console.print(Text.assemble(("verdict: ", "bold"), (report.verdict.upper(), colour), f"  spin score {report.spin_score:.2f}  —  {report.explanation}"))


@app.command()
def check(
    files: List[Path] = typer.Argument(None, help="Plain-text files to check.", show_default=False),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object per document (JSON lines) instead of the human report."),
    jsonl: Optional[str] = typer.Option(None, "--jsonl", metavar="IN", help="Read documents from a JSONL file (lines {\"id\": ..., \"text\": ...}; '-' for stdin) and write one JSON result per line."),
    max_bytes: int = typer.Option(DEFAULT_MAX_BYTES, "--max-bytes", help="Refuse files larger than this many bytes."),
) -> None:
    """Flag spun phrases and score each document.

    Exit code: 0 when every document was checked, 1 when some could not be read
    (each gets a one-line error on stderr and the others are still checked).

    Example: [bold]unspin check article.txt[/] or [bold]unspin check --jsonl crawl.jsonl > results.jsonl[/]
    """
    from unspin.api import check as check_document

    if not files and jsonl is None:
        err.print("error: give FILE arguments or --jsonl IN (see unspin check --help)")
        raise typer.Exit(2)
    failures = 0

    def emit(report: Report) -> None:
        if json_out or jsonl is not None:
            sys.stdout.write(report.to_json() + "\n")
            sys.stdout.flush()
        else:
            render_report(report, out)

    for path in files or []:
        try:
            doc, warnings = read_text_file(path, max_bytes=max_bytes)
        except InputError as exc:
            err.print(f"[red]error:[/] {exc}")
            failures += 1
            continue
        for w in warnings:
            err.print(f"[yellow]warning:[/] {w}")
        emit(check_document(doc, warnings=warnings))
    if jsonl is not None:
        try:
            for _no, doc, problem in _iter_jsonl(jsonl):
                if doc is None:
                    err.print(f"[red]error:[/] {problem}")
                    failures += 1
                    continue
                emit(check_document(doc))
        except OSError as exc:
            err.print(f"[red]error:[/] {jsonl}: {exc.strerror or exc}")
            failures += 1
    if failures:
        raise typer.Exit(1)


def main() -> None:
    try:
        app()
    except UnspinError as exc:  # resource problems: one line, not a traceback
        err.print(f"[red]error:[/] {exc}")
        sys.exit(1)


if __name__ == "__main__":
    main()

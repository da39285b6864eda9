"""The ``unspin`` command line: each command parses, calls one library function, renders."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from unspin import __version__
from unspin.errors import InputError, UnspinError
from unspin.ingest import DEFAULT_MAX_BYTES, IngestOptions, iter_documents, reader_names
from unspin.ingest.progress import with_progress
from unspin.model import Report

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


#: ``--format`` choices: the short names of the registered readers.
InputFormat = Enum("InputFormat", {name: name for name in reader_names()}, type=str)  # type: ignore[misc]


def render_report(report: Report, console: Console) -> None:
    """Human report: the text with flagged phrases highlighted, the suggestion beside each,
    page furniture (excluded spans) dimmed, and the verdict."""
    doc = report.document

    def plain(a: int, b: int) -> Text:
        piece = Text(doc.text[a:b])
        for x, y in doc.excluded:
            if x < b and a < y:
                piece.stylize("dim", max(x, a) - a, min(y, b) - a)
        return piece

    title = doc.source or doc.id or "<text>"
    colour = {"spun": "bold red", "clean": "bold green", "uncertain": "bold yellow"}[report.verdict]
    console.rule(f"[bold]{escape(title)}")
    text = Text()
    pos = 0
    for f in sorted(report.flags, key=lambda f: f.start):
        if f.start < pos:
            continue
        text.append_text(plain(pos, f.start))
        style = "bold red" if f.confidence >= 0.8 else "red" if f.confidence >= 0.6 else "yellow"
        text.append(f.text, style=f"{style} underline")
        if f.suggestion:
            text.append(f" [{f.suggestion}]", style="cyan")
        pos = f.end
    text.append_text(plain(pos, len(doc.text)))
    console.print(text)
    console.print()
    for w in report.warnings:
        console.print(f"[yellow]warning:[/] {escape(w)}")
    console.print(Text.assemble(("verdict: ", "bold"), (report.verdict.upper(), colour), f"  spin score {report.spin_score:.2f}  —  {report.explanation}"))


@app.command()
def check(
    files: List[Path] = typer.Argument(None, help="Files or directories to check: plain text, HTML, JSONL, WARC(.gz), Parquet, any of them gzipped; '-' for stdin.", show_default=False),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object per document (JSON lines) instead of the human report."),
    jsonl: Optional[str] = typer.Option(None, "--jsonl", metavar="IN", help="Read documents from a JSONL file (lines {\"id\": ..., \"text\": ...}; '-' for stdin) and write one JSON result per line."),
    max_bytes: int = typer.Option(DEFAULT_MAX_BYTES, "--max-bytes", help="Largest document text in bytes: plain-text files over it are refused, longer extracted texts are truncated."),
    input_format: Optional[InputFormat] = typer.Option(None, "--format", help="Read every FILE as this format instead of detecting it from content and extension.", case_sensitive=False),
    text_field: str = typer.Option("text", "--text-field", help="JSONL key or Parquet column holding the text."),
    id_field: str = typer.Option("id", "--id-field", help="JSONL key or Parquet column holding the document id."),
    max_records: Optional[int] = typer.Option(None, "--max-records", min=0, help="Stop after this many documents."),
    language_check: bool = typer.Option(True, "--language-check/--no-language-check", help="Skip documents that are not in English (unspin's models are English)."),
    fingerprints: Optional[List[Path]] = typer.Option(None, "--fingerprints", metavar="FILE", help="Also flag catalogued tortured phrases: a Problematic Paper Screener CSV export (query syntax: quoted phrases, AND, OR, NOT, \"a b\"~N) or a two-column TSV (tortured, expected). Repeatable."),
    index: Optional[Path] = typer.Option(None, "--index", metavar="INDEX", help="Also search this source index (unspin index add); when the source is found, substituted words get exact restorations (kind 'source')."),
    min_confidence: Optional[float] = typer.Option(None, "--min-confidence", min=0.0, max=1.0, help="Report only flags at least this confident (e.g. 0.9 for few, very likely flags). The spin score and verdict are computed from all the evidence either way; the detector never reports words under 0.6 (0.3 once the verdict is spun; those are shown in yellow) or phrases under 0.8."),
) -> None:
    """Flag spun phrases and score each document.

    Exit code: 0 when every document was checked, 1 when some could not be read
    (each gets a one-line error on stderr and the others are still checked).

    Example: [bold]unspin check article.txt[/] or [bold]unspin check --jsonl crawl.jsonl > results.jsonl[/] or [bold]unspin check crawl.warc.gz --json > results.jsonl[/]
    """
    from unspin.api import check as check_document

    if not files and jsonl is None:
        err.print("error: give FILE arguments or --jsonl IN (see unspin check --help)")
        raise typer.Exit(2)
    failures = 0
    fp_list = None
    if fingerprints:
        from unspin.detect.fingerprints import FingerprintList

        try:
            lists = [FingerprintList.load(p) for p in fingerprints]
        except InputError as exc:
            err.print(f"[red]error:[/] {escape(str(exc))}")
            raise typer.Exit(2)
        fp_list = FingerprintList([e for fl in lists for e in fl.entries], source=",".join(map(str, fingerprints)))

    source_index = None
    if index is not None:
        from unspin.index import SourceIndex

        if not index.exists():
            err.print(f"[red]error:[/] no index at {escape(str(index))} (build one with unspin index add)")
            raise typer.Exit(2)
        source_index = SourceIndex.open(index)

    def emit(report: Report) -> None:
        if json_out or jsonl is not None:
            sys.stdout.write(report.to_json() + "\n")
            sys.stdout.flush()
        else:
            render_report(report, out)

    options = IngestOptions(max_bytes=max_bytes, max_records=max_records, text_field=text_field, id_field=id_field, language_check=language_check)
    inputs: list[str | tuple[str, str]] = [str(p) for p in files or []]
    if jsonl is not None:
        inputs.append((jsonl, "jsonl"))
    fmt = input_format.value if input_format is not None else None
    # A live records/s count when results go to a file or pipe and a person watches stderr.
    show_progress = err.is_terminal and (json_out or jsonl is not None or not out.is_terminal)
    for result in with_progress(iter_documents(inputs, format=fmt, options=options), err, enabled=show_progress):
        for w in result.warnings:
            err.print(f"[yellow]warning:[/] {escape(w)}")
        if result.error is not None:
            err.print(f"[red]error:[/] {escape(result.error)}")
            failures += 1
        elif result.document is not None and result.skipped is not None:
            err.print(f"[yellow]skipped:[/] {escape(result.document.source or result.document.id or '<document>')}: {escape(result.skipped)}")
        elif result.document is not None:
            emit(check_document(result.document, fingerprints=fp_list, warnings=result.warnings, index=source_index,
                                min_confidence=min_confidence))
    if failures:
        raise typer.Exit(1)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0 exposes the service to the network)."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
    index: Optional[str] = typer.Option(None, "--index", metavar="PATH", help="Source index for /v1/search and the side-by-side view \\[env UNSPIN_INDEX]."),
    token_file: Optional[Path] = typer.Option(None, "--token-file", help="File holding the bearer token of the index write endpoints (or set UNSPIN_TOKEN); without one they answer 403.", exists=True, dir_okay=False),
    max_body_bytes: Optional[int] = typer.Option(None, "--max-body-bytes", help="Largest request body; 413 beyond it \\[default 2 MiB, env UNSPIN_MAX_BODY_BYTES]."),
    timeout: Optional[float] = typer.Option(None, "--timeout", help="Seconds one check may take; 504 beyond it \\[default 30, env UNSPIN_TIMEOUT]."),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, help="Detector threads \\[default: CPUs, at most 8; env UNSPIN_WORKERS]."),
    queue_size: Optional[int] = typer.Option(None, "--queue-size", min=0, help="Checks that may wait for a worker; more get 503 + Retry-After \\[default 32, env UNSPIN_QUEUE_SIZE]."),
    cors_origin: Optional[List[str]] = typer.Option(None, "--cors-origin", help="Allow this origin by CORS (repeatable); CORS is off by default."),
) -> None:
    """Serve the JSON API (/v1/check, /v1/search, /v1/index/documents, /healthz; docs at /docs) and the report page (/).

    Example: [bold]unspin serve --port 8000[/] then open http://127.0.0.1:8000/
    """
    try:
        import uvicorn

        from unspin.web import Settings, create_app
    except ImportError as exc:
        err.print(f"[red]error:[/] unspin serve needs the web extra ({exc.name} is missing): pip install 'unspin\\[web]'")
        raise typer.Exit(2)
    token = token_file.read_text(encoding="utf-8").strip() if token_file is not None else None
    try:
        settings = Settings.from_env(index_path=index, token=token, max_body_bytes=max_body_bytes, timeout_s=timeout, workers=workers, queue_size=queue_size, cors_origins=tuple(cors_origin) if cors_origin else None)
    except ValueError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2)
    if settings.index_path and settings.index_path != ":memory:" and not Path(settings.index_path).exists():
        err.print(f"[yellow]note:[/] {escape(settings.index_path)} does not exist: a new, empty index is created there")
    if not settings.writes_enabled:
        err.print("[yellow]note:[/] no token configured (UNSPIN_TOKEN or --token-file): the index write endpoints are disabled")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", timeout_keep_alive=5, timeout_graceful_shutdown=10)


from unspin import cli_search  # noqa: E402,F401  (registers `unspin index` and `unspin search`)
from unspin import cli_scan  # noqa: E402,F401  (registers `unspin scan`)


def main() -> None:
    try:
        app()
    except UnspinError as exc:  # resource problems: one line, not a traceback
        err.print(f"[red]error:[/] {exc}")
        sys.exit(1)


if __name__ == "__main__":
    main()

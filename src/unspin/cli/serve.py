"""``unspin serve``: build the web app from settings and run it under uvicorn."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.markup import escape

from unspin.cli.common import err, fail, load_lexicons, safe_line


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0 exposes the service to the network)."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
    index: str | None = typer.Option(None, "--index", metavar="PATH", help="Source index for /v1/search and the side-by-side view \\[env UNSPIN_INDEX]."),
    token_file: Path | None = typer.Option(None, "--token-file", help="File holding the bearer token of the index write endpoints (or set UNSPIN_TOKEN); without one they answer 403.", exists=True, dir_okay=False),
    max_body_bytes: int | None = typer.Option(None, "--max-body-bytes", help="Largest request body; 413 beyond it \\[default 2 MiB, env UNSPIN_MAX_BODY_BYTES]."),
    timeout: float | None = typer.Option(None, "--timeout", help="Seconds one check may take; 504 beyond it \\[default 30, env UNSPIN_TIMEOUT]."),
    workers: int | None = typer.Option(None, "--workers", min=1, help="Worker processes running checks, each loading the detector once \\[default: CPUs, at most 8; env UNSPIN_WORKERS]."),
    threads: bool = typer.Option(False, "--threads", help="Run checks in threads of the server process instead of worker processes (one core; less memory) \\[env UNSPIN_PROCESSES=0]."),
    queue_size: int | None = typer.Option(None, "--queue-size", min=0, help="Checks that may wait for a worker; more get 503 + Retry-After \\[default 32, env UNSPIN_QUEUE_SIZE]."),
    cors_origin: list[str] | None = typer.Option(None, "--cors-origin", help="Allow this origin by CORS (repeatable); CORS is off by default."),
    lexicon: list[Path] | None = typer.Option(None, "--lexicon", metavar="FILE", help="Flag the swaps of this spinner lexicon (unspin learn) in every check (repeatable) \\[env UNSPIN_LEXICONS, comma-separated]."),
    max_connections: int | None = typer.Option(None, "--max-connections", min=1, help="Open connections at once; one more gets 503 and is closed \\[default 256, env UNSPIN_MAX_CONNECTIONS]."),
    header_timeout: float | None = typer.Option(None, "--header-timeout", help="Seconds a client has to send a request's headers; slower ones are disconnected \\[default 10, env UNSPIN_HEADER_TIMEOUT]."),
    body_timeout: float | None = typer.Option(None, "--body-timeout", help="Seconds a client has to send a request body; 408 beyond it \\[default 30, env UNSPIN_BODY_TIMEOUT]."),
    scan: Path | None = typer.Option(None, "--scan", metavar="SCAN_DIR", help="Serve the report of this finished unspin scan folder at /scan."),
) -> None:
    """Serve the JSON API (/v1/check, /v1/search, /v1/index/documents, /healthz; docs at /docs) and the report page (/).

    Example: [bold]unspin serve --port 8000[/] then open http://127.0.0.1:8000/
    """
    try:
        import uvicorn

        from unspin.web import Settings
        from unspin.web.app import create_app
        from unspin.web.server import uvicorn_options
    except ImportError as exc:
        err.print(f"[red]error:[/] unspin serve needs the web extra ({exc.name} is missing): pip install 'unspin\\[web]'")
        raise typer.Exit(2) from None
    load_lexicons(lexicon)  # a missing file is a usage error now, broken lines a warning each
    token = token_file.read_text(encoding="utf-8").strip() if token_file is not None else None
    try:
        settings = Settings.from_env({"UNSPIN_PROCESSES": "1", **os.environ}, index_path=index, token=token, scan_dir=str(scan) if scan is not None else None, max_body_bytes=max_body_bytes, timeout_s=timeout, workers=workers, processes=False if threads else None, queue_size=queue_size, cors_origins=tuple(cors_origin) if cors_origin else None,
                                     lexicons=tuple(map(str, lexicon)) if lexicon else None,
                                     max_connections=max_connections, header_timeout_s=header_timeout, body_timeout_s=body_timeout)
    except ValueError as exc:
        raise fail(str(exc)) from None
    if settings.index_path and settings.index_path != ":memory:" and not Path(settings.index_path).exists():
        err.print(f"[yellow]note:[/] {escape(safe_line(settings.index_path))} does not exist: a new, empty index is created there")
    if scan is not None:
        from unspin.report import ReportError, check_scan_dir

        try:
            check_scan_dir(scan)
        except ReportError as exc:
            raise fail(str(exc)) from None
        err.print(escape(f"the scan report is at http://{host}:{port}/scan"))
    if settings.processes and settings.index_path == ":memory:":
        err.print("[yellow]note:[/] an in-memory index lives in the server process: checks run in threads")
    if not settings.writes_enabled:
        err.print("[yellow]note:[/] no token configured (UNSPIN_TOKEN or --token-file): the index write endpoints are disabled")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", **uvicorn_options(settings))

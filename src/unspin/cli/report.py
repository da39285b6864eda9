"""``unspin report``: one self-contained HTML page about a finished scan folder."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from unspin.cli.common import err, fail, safe_line


def report_command(
    scan_dir: Path = typer.Argument(..., metavar="SCAN_DIR", help="The output folder of a finished unspin scan."),
    out_file: Path = typer.Option(Path("report.html"), "--out", "-o", metavar="FILE", help="Where to write the HTML page."),
    index: Path | None = typer.Option(None, "--index", metavar="INDEX", help="The index the scan searched (default: the one its manifest names): its sources are shown side by side with their copies."),
    clusters: int = typer.Option(40, "--clusters", min=0, help="Clusters shown, largest first."),
    members: int = typer.Option(8, "--members", min=1, help="Copies aligned with the original in each cluster shown."),
    sites: int = typer.Option(500, "--sites", min=1, help="Rows of the sites table."),
    documents: int = typer.Option(200, "--documents", min=1, help="Rows of the most-spun-documents table."),
) -> None:
    """Write a self-contained HTML report of a scan: summary, score charts, sites ranked, clusters side by side, frequent swaps.

    Example: [bold]unspin scan crawl/ --out scan-out && unspin report scan-out --out report.html[/]
    """
    from unspin.report import ReportError, build_report

    try:
        html = build_report(scan_dir, index=index, top_clusters=clusters, members=members, top_sites=sites, top_documents=documents)
    except ReportError as exc:
        raise fail(str(exc), 1) from None
    try:
        tmp = out_file.with_name(f".{out_file.name}.tmp")
        tmp.write_text(html, encoding="utf-8")
        tmp.replace(out_file)
    except OSError as exc:
        raise fail(f"cannot write {out_file}: {exc.strerror or exc}", 1) from None
    err.print(f"report written to {escape(safe_line(str(out_file)))} ({len(html.encode('utf-8')) / 1024:,.0f} KiB)")

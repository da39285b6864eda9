"""``unspin check``: read documents, call `unspin.api.check` on each, print JSON lines or the human report."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from unspin.cli.common import InputFormat, err, fail, inputs_of, load_lexicons, out, print_read_result, safe_line, safe_text
from unspin.errors import InputError
from unspin.ingest import DEFAULT_MAX_BYTES, IngestOptions, iter_documents
from unspin.ingest.progress import with_progress
from unspin.model import Report
from unspin.settings import HIGH_CONFIDENCE_AT, PHRASE_FLAG_AT, WORD_FLAG_AT


def render_report(report: Report, console: Console) -> None:
    """Human report: the text with flagged phrases highlighted, the suggestion beside each,
    page furniture (excluded spans) dimmed, and the verdict. Everything from the input is
    printed through `safe_text`/`safe_line`: no escape sequence in a document reaches the terminal."""
    doc = report.document

    def plain(a: int, b: int) -> Text:
        piece = Text(safe_text(doc.text[a:b]))
        for x, y in doc.excluded:
            if x < b and a < y:
                piece.stylize("dim", max(x, a) - a, min(y, b) - a)
        return piece

    title = doc.source or doc.id or "<text>"
    colour = {"spun": "bold red", "clean": "bold green", "uncertain": "bold yellow"}[report.verdict]
    console.rule(f"[bold]{escape(safe_line(title))}")
    text = Text()
    pos = 0
    for f in sorted(report.flags, key=lambda f: f.start):
        if f.start < pos:
            continue
        text.append_text(plain(pos, f.start))
        style = "bold red" if f.confidence >= HIGH_CONFIDENCE_AT else "red" if f.confidence >= WORD_FLAG_AT else "yellow"
        text.append(safe_text(f.text), style=f"{style} underline")
        if f.suggestion:
            text.append(f" [{safe_line(f.suggestion)}]", style="cyan")
        pos = f.end
    text.append_text(plain(pos, len(doc.text)))
    console.print(text)
    console.print()
    for w in report.warnings:
        console.print(f"[yellow]warning:[/] {escape(safe_line(w))}")
    console.print(Text.assemble(("verdict: ", "bold"), (report.verdict.upper(), colour), f"  spin score {report.spin_score:.2f}  —  {safe_line(report.explanation)}"))


def check(
    files: list[Path] = typer.Argument(None, readable=False, help="Files or directories to check: plain text, HTML, JSONL, WARC(.gz), Parquet, any of them gzipped; '-' for stdin.", show_default=False),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object per document (JSON lines) instead of the human report."),
    jsonl: str | None = typer.Option(None, "--jsonl", metavar="IN", help="Read documents from a JSONL file (lines {\"id\": ..., \"text\": ...}; '-' for stdin) and write one JSON result per line."),
    max_bytes: int = typer.Option(DEFAULT_MAX_BYTES, "--max-bytes", help="Largest document text in bytes: plain-text files over it are refused, longer extracted texts are truncated."),
    input_format: InputFormat | None = typer.Option(None, "--format", help="Read every FILE as this format instead of detecting it from content and extension.", case_sensitive=False),
    text_field: str = typer.Option("text", "--text-field", help="JSONL key or Parquet column holding the text."),
    id_field: str = typer.Option("id", "--id-field", help="JSONL key or Parquet column holding the document id."),
    max_records: int | None = typer.Option(None, "--max-records", min=0, help="Stop after this many documents."),
    language_check: bool = typer.Option(True, "--language-check/--no-language-check", help="Skip documents that are not in English (unspin's models are English)."),
    fingerprints: list[Path] | None = typer.Option(None, "--fingerprints", metavar="FILE", help="Also flag catalogued tortured phrases: a Problematic Paper Screener CSV export (query syntax: quoted phrases, AND, OR, NOT, \"a b\"~N) or a two-column TSV (tortured, expected). Repeatable."),
    index: Path | None = typer.Option(None, "--index", metavar="INDEX", help="Also search this source index (unspin index add); when the source is found, substituted words get exact restorations (kind 'source')."),
    lexicon: list[Path] | None = typer.Option(None, "--lexicon", metavar="FILE", help="Also flag the swaps of a spinner lexicon (unspin learn) where the original fits the context better (kind 'lexicon'). Repeatable."),
    screen: bool = typer.Option(False, "--screen", help="Only the fast screening pass (unspin.screen, ~100x cheaper): the screening score, verdict 'clean' when screened out and 'uncertain' when the document would go on to the full check; no flags, the evidence in the explanation."),
    spot: bool = typer.Option(False, "--spot", help="With --screen: decode the few most suspicious words of a document the screen is unsure of with the full check's own word model before deciding (~30 ms of CPU for such a document; docs/screen.md)."),
    min_confidence: float | None = typer.Option(None, "--min-confidence", min=0.0, max=1.0, help=f"Report only flags at least this confident (e.g. 0.9 for few, very likely flags). The spin score and verdict are computed from all the evidence either way; a word flag's confidence is the chance, given the whole document, that the word is a swap (words under the display model's threshold are not reported; those under {WORD_FLAG_AT:g} are shown in yellow), and phrases under {PHRASE_FLAG_AT:g} are not reported."),
) -> None:
    """Flag spun phrases and score each document.

    Exit code: 0 when every document was checked, 1 when some could not be read
    (each gets a one-line error on stderr and the others are still checked).

    Example: [bold]unspin check article.txt[/] or [bold]unspin check --jsonl crawl.jsonl > results.jsonl[/] or [bold]unspin check crawl.warc.gz --json > results.jsonl[/]
    """
    from unspin.api import check as check_document

    inputs = inputs_of(files, jsonl, hint=" (see unspin check --help)")
    if screen and (fingerprints or index is not None or lexicon or min_confidence is not None):
        raise fail("--screen gives a score without flags: it takes none of --fingerprints, --index, --lexicon, --min-confidence")
    if spot and not screen:
        raise fail("--spot spot-checks what the screening pass is unsure of: use it with --screen")
    fp_list = None
    if fingerprints:
        from unspin.detect.fingerprints import FingerprintList

        try:
            lists = [FingerprintList.load(p) for p in fingerprints]
        except InputError as exc:
            raise fail(str(exc)) from None
        fp_list = FingerprintList([e for fl in lists for e in fl.entries], source=",".join(map(str, fingerprints)))

    lexicons = load_lexicons(lexicon)
    source_index = None
    if index is not None:
        from unspin.index import SourceIndex

        if not index.exists():
            raise fail(f"no index at {index} (build one with unspin index add)")
        source_index = SourceIndex.open(index)

    as_json = json_out or jsonl is not None
    options = IngestOptions(max_bytes=max_bytes, max_records=max_records, text_field=text_field, id_field=id_field, language_check=language_check)
    fmt = input_format.value if input_format is not None else None
    # A live records/s count when results go to a file or pipe and a person watches stderr.
    show_progress = err.is_terminal and (as_json or not out.is_terminal)
    failures = 0
    for result in with_progress(iter_documents(inputs, format=fmt, options=options), err, enabled=show_progress):
        if not print_read_result(result):
            failures += 1
        elif result.document is not None and result.skipped is None:
            if screen:
                from unspin.screen import screen_report

                report = screen_report(result.document, warnings=result.warnings, spot=spot)
            else:
                report = check_document(result.document, fingerprints=fp_list, warnings=result.warnings, index=source_index, min_confidence=min_confidence, lexicons=lexicons)
            if as_json:
                sys.stdout.write(report.to_json() + "\n")
                sys.stdout.flush()
            else:
                render_report(report, out)
    if failures:
        raise typer.Exit(1)

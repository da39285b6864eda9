"""``unspin learn``: learn a spinner's lexicon from aligned copies (`unspin.learn.learn_pairs`), or merge lexicons."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from unspin.cli.common import err, fail, print_read_result, safe_line
from unspin.errors import InputError


def _progress(pairs: Iterable, enabled: bool) -> Iterator:
    """Pass pairs through with a live count on stderr."""
    if not enabled:
        yield from pairs
        return
    columns = (SpinnerColumn(), TextColumn("{task.completed:,} pairs read"), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True, redirect_stdout=False, redirect_stderr=False) as progress:
        task = progress.add_task("learning", total=None)
        for p in pairs:
            progress.update(task, advance=1)
            yield p


def learn_command(
    inputs: list[Path] = typer.Argument(None, readable=False, help="PAIRS.jsonl files ('-' for stdin): one JSON object per line with the copy and its source, {\"id\", \"copy\", \"source\"} or {\"id\", \"spun\", \"original\"}, optional \"site\" or \"url\". With --index: the copies (any format unspin check reads). With --merge: the lexicons to combine.", show_default=False),
    out_path: Path | None = typer.Option(None, "--out", "-o", metavar="FILE", help="Write the lexicon to FILE (a TSV with a header line; the fitted channel parameters on a '# channel:' line)."),
    index: Path | None = typer.Option(None, "--index", metavar="INDEX", help="Find each copy's source in INDEX (unspin index add) and learn from the copies whose source is found."),
    scan_dir: Path | None = typer.Option(None, "--scan", metavar="SCAN_DIR", help="Learn from the verified copy/source pairs of a finished unspin scan."),
    merge: bool = typer.Option(False, "--merge", help="Combine the lexicon files given as arguments (counts add up; channel parameters averaged, weighted by what each was fitted on)."),
    min_docs: int = typer.Option(2, "--min-docs", min=1, help="Keep a swap only when it was seen in at least this many documents."),
    channel: bool = typer.Option(True, "--channel/--no-channel", help="Fit the decoder's channel model (how this spinner picks among synonyms) to the swaps and store it in the file (check uses it to decode the documents the lexicon recognises as its spinner's; see docs/learning.md)."),
) -> None:
    """Learn a spinner's dictionary from copies whose source is known, to catch its other copies.

    Every aligned copy/source pair is a labelled example of the spinner's habits:
    each word or phrase it swapped, with the original. The lexicon keeps the swaps
    seen in at least --min-docs documents (lemmatised, with counts of swaps,
    documents, sites), the channel parameters fitted to them, and a word table:
    how often each word form of the copies was the spinner's output and how often
    it was kept unchanged. Use it with [bold]unspin check --lexicon FILE[/]: the learned
    swaps are flagged where the original fits the context better (kind 'lexicon'),
    and in the spinner's documents the detector's word flags are judged by the
    word table.

    A pair that does not align (not a copy of that source), an empty or oversized
    text, a broken JSON line: each is one error line on stderr and is skipped; the
    rest is learned from (exit 1).

    Examples: [bold]unspin learn pairs.jsonl --out spinner.lex[/],
    [bold]unspin learn --index sources.db copies/ --out spinner.lex[/],
    [bold]unspin learn --scan scan-out --out spinner.lex[/],
    [bold]unspin learn --merge a.lex b.lex --out both.lex[/]
    """
    from unspin.learn import LexiconError, PairError, learn_pairs, read_lexicon
    from unspin.learn import merge as merge_lexicons
    from unspin.learn.sources import pairs_from_index, pairs_from_scan, read_pairs_jsonl

    if out_path is None:
        raise fail("give --out FILE: where to write the lexicon")
    modes = [name for name, on in (("--index", index is not None), ("--scan", scan_dir is not None), ("--merge", merge)) if on]
    if len(modes) > 1:
        raise fail(f"{' and '.join(modes)} cannot be used together")
    if scan_dir is None and not inputs:
        raise fail("give the PAIRS.jsonl files (or the copies with --index, the lexicons with --merge); see unspin learn --help")
    if out_path.parent and not out_path.parent.exists():
        raise fail(f"no directory {out_path.parent} for --out")
    errors = 0

    def report(msg: str) -> None:
        nonlocal errors
        errors += 1
        err.print(f"[red]error:[/] {escape(safe_line(msg))}")

    if merge:
        lexicons = []
        for p in inputs:
            try:
                lex = read_lexicon(p)
            except LexiconError as exc:
                report(str(exc))
                continue
            for problem in lex.problems:
                report(problem)
            lexicons.append(lex)
        if not lexicons:
            raise typer.Exit(1)
        result = merge_lexicons(lexicons, min_docs=min_docs)
        result.write(out_path)
        err.print(f"merged {len(lexicons)} lexicons: {len(result):,} entries → {escape(safe_line(str(out_path)))}")
        raise typer.Exit(1 if errors else 0)

    if index is not None:
        from unspin.ingest import IngestOptions, iter_documents

        if not index.exists():
            raise fail(f"no index at {index} (build one with unspin index add)")

        def documents():
            nonlocal errors
            for result in iter_documents([str(p) for p in inputs], options=IngestOptions()):
                if not print_read_result(result):
                    errors += 1
                elif result.document is not None and result.skipped is None:
                    yield result.document

        pairs = pairs_from_index(documents(), index, report)
    elif scan_dir is not None:
        if not scan_dir.is_dir():
            raise fail(f"no scan output directory {scan_dir}")
        pairs = pairs_from_scan(scan_dir, report)
    else:
        def from_files():
            for p in inputs:
                if str(p) != "-" and not p.is_file():
                    report(f"{p}: no such file" if not p.exists() else f"{p}: not a regular file")
                    continue
                try:
                    yield from read_pairs_jsonl(p, report)
                except PairError as exc:  # this file cannot be read: its own error, the others are learned from
                    report(str(exc))

        pairs = from_files()
    try:
        lex = learn_pairs(_progress(pairs, err.is_terminal), min_docs=min_docs, on_error=report, fit_channel=channel)
    except (PairError, InputError) as exc:
        raise fail(str(exc), 1) from None
    lex.write(out_path)
    from unspin.learn.apply import UNSEEN_MIN_COUNT, table_count, unseen_kept

    m = lex.meta
    seen = table_count(lex.words)
    unjudged = "" if unseen_kept(lex.words) else f"; under {UNSEEN_MIN_COUNT:,}: forms never seen are not judged"
    summary = (f"learned {len(lex):,} entries (seen in ≥ {min_docs} documents) from {m.get('pairs', 0):,} pairs, "
               f"{m.get('swaps', 0):,} swaps, {len(lex.words):,} word forms counted (output / kept: {seen:,} "
               f"occurrences{unjudged}); channel {'fitted' if lex.channel else 'not fitted'} → {out_path}")
    err.print(escape(safe_line(summary)))
    if m.get("pairs", 0) == 0:
        raise typer.Exit(1)
    if errors:
        raise typer.Exit(1)

"""A progress bar for long reads: records so far and records per second, on stderr."""

from __future__ import annotations

from collections.abc import Iterator

from rich.console import Console
from rich.progress import Progress, ProgressColumn, SpinnerColumn, Task, TextColumn, TimeElapsedColumn
from rich.text import Text

from unspin.ingest.options import ReadResult


class _RateColumn(ProgressColumn):
    """Records per second since the start."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        rate = task.completed / elapsed if elapsed > 0 else 0.0
        return Text(f"{rate:,.1f} records/s", style="progress.data.speed")


def with_progress(results: Iterator[ReadResult], console: Console, *, enabled: bool = True) -> Iterator[ReadResult]:
    """Pass results through, showing a live count and rate on ``console`` while they stream."""
    if not enabled:
        yield from results
        return
    columns = (SpinnerColumn(), TextColumn("{task.completed:,} records"), TextColumn("{task.fields[errors]:,} errors"), _RateColumn(), TimeElapsedColumn())
    # No redirection: rich would otherwise route sys.stdout (the JSON results) through the stderr console.
    with Progress(*columns, console=console, transient=True, redirect_stdout=False, redirect_stderr=False) as progress:
        task = progress.add_task("reading", total=None, errors=0)
        errors = 0
        for result in results:
            errors += result.error is not None
            progress.update(task, advance=1 if result.document is not None else 0, errors=errors)
            yield result

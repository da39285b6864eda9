"""Progress of a scan on a Rich console: partitions done, documents, documents/s."""

from __future__ import annotations

import time
from typing import Any


def say(console: Any, msg: str) -> None:
    """A dim status line on ``console`` (nothing without one)."""
    if console is not None:
        console.print(f"[dim]{msg}[/]")


class Progress:
    """Rich progress over partitions (documents and documents/s) when a console is given; silent otherwise."""

    def __init__(self, console: Any, total: int, done: int, docs: int) -> None:
        self.console, self.total, self.done, self.docs = console, total, done, docs
        self.progress: Any = None
        self.start = time.perf_counter()
        self.new_docs = 0

    def __enter__(self) -> Progress:
        if self.console is not None:
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
            from rich.progress import Progress as RichProgress

            self.progress = RichProgress(TextColumn("partitions"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[docs]:,} documents"),
                                         TextColumn("{task.fields[rate]:,.1f} docs/s"), TimeElapsedColumn(), TimeRemainingColumn(),
                                         console=self.console, redirect_stdout=False, redirect_stderr=False)
            self.progress.__enter__()
            self.task = self.progress.add_task("scan", total=self.total, completed=self.done, docs=self.docs, rate=0.0)
        return self

    def advance(self, documents: int) -> None:
        """One more partition done, of ``documents`` documents."""
        self.docs += documents
        self.new_docs += documents
        if self.progress is not None:
            rate = self.new_docs / max(1e-9, time.perf_counter() - self.start)
            self.progress.update(self.task, advance=1, docs=self.docs, rate=rate)

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.__exit__(*exc)

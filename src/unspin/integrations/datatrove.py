"""`SpinFilter`: unspin as a datatrove filter (``pip install 'unspin[datatrove]'``).

Each `datatrove.data.Document` is finished as ``unspin scan`` finishes a record
(size limit, page furniture, language) and checked with `unspin.api.check`;
the result goes into ``doc.metadata``:

- ``spin_score`` (0..1), ``spin_verdict`` (``spun`` / ``uncertain`` / ``clean``;
  ``skipped`` for a document in another language, ``error`` for one that could
  not be checked, with the reason in ``spin_error``), ``spin_flags`` (number of
  flagged phrases), ``spin_words``;
- with an ``index``: ``spin_source`` (id of the best source found) and
  ``spin_source_score`` (its alignment score), absent when no source is found.

With ``screen`` (a threshold, e.g. `unspin.settings.SCREEN_THRESHOLD`), each document
is first scored by the fast screening pass (`unspin.screen`, lookups only); only those
at or above the threshold get the full check. A screened-out document gets the screen's
score as ``spin_score``, verdict ``clean``, ``spin_screened_out: true`` and the counter
``screened_out``; ``spin_screen_score`` is written for every screened document.

A document is dropped when it is spun: its verdict is ``spun`` (the default),
or its ``spin_score`` is at least ``threshold`` when one is given. ``drop=False``
only annotates. Skipped documents and errors are kept (they were not judged)
and counted. Counters in datatrove's stats: ``spun``, ``uncertain``, ``clean``,
``skipped``, ``errors``, ``source_found``, and ``dropped_spun`` (datatrove's
own ``total`` / ``forwarded`` / ``dropped`` too).

The detector (and the index) are loaded once per worker process, the first
time a document arrives, and shared by every task the process runs; the filter
object itself stays small and picklable, as datatrove ships it to its workers.

Example::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from unspin.integrations.datatrove import SpinFilter

    LocalPipelineExecutor(pipeline=[
        JsonlReader("crawl/"),
        SpinFilter(exclusion_writer=JsonlWriter("spun/")),
        JsonlWriter("kept/"),
    ], tasks=4).run()
"""

from __future__ import annotations

from typing import Any

try:
    from datatrove.pipeline.filters.base_filter import BaseFilter
    from datatrove.pipeline.writers.disk_base import DiskWriter
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("unspin.integrations.datatrove needs datatrove: pip install 'unspin[datatrove]'") from exc

from unspin.ingest import IngestOptions
from unspin.ingest.options import ReadResult
from unspin.ingest.pipeline import finish_document
from unspin.model import Document as UnspinDocument

VERDICTS = ("spun", "uncertain", "clean")

class SpinFilter(BaseFilter):
    """Scores every document for article spinning, writes the result into its metadata, drops the spun ones.

    ``threshold``: drop documents whose ``spin_score`` is at least this (default: drop
    those whose verdict is ``spun``). ``drop=False``: keep every document, annotate only.
    ``screen``: screen first (`unspin.screen`) and fully check only documents whose
    screening score is at least this; the others are annotated as screened out (clean).
    ``spot=True``: the screen spot-checks the documents it is unsure of (`unspin.screen.screen`'s ``spot``;
    its own default threshold is the model's ``spot.threshold``, 0.31 in the shipped one).
    ``index``: path of an unspin source index (``unspin index add``): the best source of
    each document is searched there (and its substitutions become exact flags).
    ``options``: how documents are finished before checking (furniture, language, size
    limit), as for ``unspin scan``. ``exclusion_writer``: a datatrove writer for the
    dropped documents (datatrove's own).
    """

    name = "🌀 unspin spin filter"

    def __init__(
        self,
        threshold: float | None = None,
        *,
        drop: bool = True,
        index: str | None = None,
        screen: float | None = None,
        spot: bool = False,
        options: IngestOptions | None = None,
        exclusion_writer: DiskWriter | None = None,
    ) -> None:
        super().__init__(exclusion_writer)
        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be between 0 and 1, not {threshold}")
        if screen is not None and not 0.0 <= screen <= 1.0:
            raise ValueError(f"screen must be between 0 and 1, not {screen}")
        if spot and screen is None:
            raise ValueError("spot=True spot-checks what the screen is unsure of: it needs a screen threshold (screen=...)")
        if index is not None:
            from pathlib import Path

            if not Path(index).exists():
                raise FileNotFoundError(f"no index at {index} (build one with unspin index add)")
            index = str(Path(index).resolve())
        self.threshold = threshold
        self.drop = drop
        self.index = index
        self.screen = screen
        self.spot = spot
        self.options = options or IngestOptions()

    def _unspin_document(self, doc: Any) -> ReadResult:
        meta = {k: v for k, v in (doc.metadata or {}).items() if isinstance(v, (str, int, float, bool)) or v is None}
        url = meta.get("url")
        source = url if isinstance(url, str) else None
        try:
            udoc = UnspinDocument(text=doc.text or "", id=None if doc.id is None else str(doc.id), source=source, metadata=meta)
        except ValueError as exc:
            return ReadResult(error=f"{doc.id}: {exc}")
        return finish_document(ReadResult(document=udoc), self.options)

    def filter(self, doc: Any) -> bool | tuple[bool, str]:
        from unspin.api import check
        from unspin.index import open_shared

        md = doc.metadata
        result = self._unspin_document(doc)
        if result.document is None or result.error is not None:
            self.stat_update("errors")
            md["spin_verdict"], md["spin_error"] = "error", result.error or "no document"
            return True
        if result.skipped is not None:
            self.stat_update("skipped")
            md["spin_verdict"], md["spin_error"] = "skipped", result.skipped
            return True
        if self.screen is not None:
            from unspin.screen import screen

            try:
                first = screen(result.document, self.screen, spot=self.spot)
            except Exception as exc:  # one bad document must not stop the pipeline
                self.stat_update("errors")
                md["spin_verdict"], md["spin_error"] = "error", f"unexpected error while screening ({type(exc).__name__}: {exc})"
                return True
            md["spin_screen_score"] = round(first.score, 4)
            if not first.passed:
                self.stat_update("screened_out")
                self.stat_update("clean")
                md["spin_score"], md["spin_verdict"], md["spin_screened_out"] = round(first.score, 4), "clean", True
                md["spin_flags"], md["spin_words"] = 0, first.words
                return True
        try:
            report = check(result.document, warnings=result.warnings, index=open_shared(self.index) if self.index else None)
            found = report.sources[0] if report.sources else None
        except Exception as exc:  # one bad document must not stop the pipeline
            self.stat_update("errors")
            md["spin_verdict"], md["spin_error"] = "error", f"unexpected error while checking ({type(exc).__name__}: {exc})"
            return True
        md["spin_score"] = round(report.spin_score, 4)
        md["spin_verdict"] = report.verdict
        md["spin_flags"] = len(report.flags)
        md["spin_words"] = report.words
        self.stat_update(report.verdict)
        if found is not None:
            md["spin_source"], md["spin_source_score"] = found.id, round(found.score, 4)
            self.stat_update("source_found")
        spun = report.verdict == "spun" if self.threshold is None else report.spin_score >= self.threshold
        if spun and self.drop:
            return False, "spun"
        return True

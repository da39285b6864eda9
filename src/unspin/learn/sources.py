"""Where copy/source pairs come from: JSONL files, an index of sources, a finished scan."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from unspin.learn.extract import CopyPair, PairError, pair_from_record
from unspin.model import Document


def read_pairs_jsonl(path: str | Path, on_error: Callable[[str], None]) -> Iterator[CopyPair]:
    """Pairs from a JSONL file (``id``, ``copy``/``spun``, ``source``/``original``, optional
    ``site``/``url``); a line that is not valid JSON or lacks a field is one error naming it."""
    p = Path(path)
    try:
        fh = p.open(encoding="utf-8", errors="replace") if str(path) != "-" else None
    except OSError as e:
        raise PairError(f"{p}: cannot read ({e.strerror})") from None
    import sys

    stream = fh if fh is not None else sys.stdin
    try:
        for no, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                if not isinstance(rec, dict):
                    raise ValueError("not a JSON object")
            except ValueError as e:
                on_error(f"{path}:{no}: not a JSON object ({e}); line skipped")
                continue
            except RecursionError:
                on_error(f"{path}:{no}: JSON nested too deeply; line skipped")
                continue
            try:
                yield pair_from_record(rec, no)
            except PairError as e:
                on_error(f"{path}:{no}: {e}")
    finally:
        if fh is not None:
            fh.close()


def _site(doc: Document) -> str | None:
    for key in ("site", "url"):
        v = doc.metadata.get(key) if doc.metadata else None
        if isinstance(v, str) and v:
            return v if key == "site" else urlsplit(v if "//" in v else "//" + v).hostname
    if doc.source and "//" in doc.source:
        return urlsplit(doc.source).hostname
    return None


def pairs_from_index(documents: Iterable[Document], index: Any, on_error: Callable[[str], None]) -> Iterator[CopyPair]:
    """Each copy with the best source `unspin.search` finds for it in ``index`` (a
    `SourceIndex` or a path); a copy without a verified source is one error, skipped."""
    from unspin.search import open_index

    ix = open_index(index)
    try:
        for n, doc in enumerate(documents):
            name = doc.id or doc.source or f"#{n}"
            matches = ix.search(doc.text, top=1)
            if not matches or not matches[0].source_text:
                on_error(f"{name}: no source found in the index; skipped")
                continue
            yield CopyPair(doc.text, matches[0].source_text, str(name), _site(doc))
    finally:
        if not isinstance(index, type(ix)):
            ix.close()


def pairs_from_scan(scan_dir: str | Path, on_error: Callable[[str], None], *, index: str | Path | None = None) -> Iterator[CopyPair]:
    """The verified copy/source pairs of a finished ``unspin scan`` (`unspin.scan.pairs.verified_pairs`:
    with an index, each copy and its best source; with clusters, the pairs whose direction the
    spin scores tell). A scan directory that holds no finished scan raises `PairError`."""
    try:
        from unspin.scan.pairs import verified_pairs
    except ImportError:
        raise PairError("this version of unspin scan does not expose its verified pairs (unspin.scan.pairs)") from None
    from unspin.errors import UnspinError

    try:
        for copy, source, _alignment in verified_pairs(scan_dir, index=index, on_error=on_error):
            yield CopyPair(copy.text, source.text, str(copy.id or copy.source or ""), _site(copy))
    except UnspinError as exc:
        if isinstance(exc, PairError):
            raise
        raise PairError(str(exc)) from None

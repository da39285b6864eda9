"""The scan report: one self-contained HTML page about a finished ``unspin scan`` folder.

``build_report(scan_dir) -> str``: the summary (documents, verdicts, errors,
sources matched, clusters), a histogram of spin scores and spin score against
length, the sites ranked by spun documents (the content-farm table), the
largest clusters of copies with each copy side by side with the cluster's
original one click away (substituted words highlighted), the most frequent
swaps seen in those alignments, the most spun documents and the errors.
No network: inline CSS, inline SVG, one small script. See docs/report.md.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from typing import Any

from unspin.report.data import Group, ReportError, ScanData, check_scan_dir, host_of, load_scan
from unspin.report.html import Aligned, render

__all__ = ["ReportError", "ScanData", "build_report", "check_scan_dir", "host_of", "load_scan"]


def _rank_clusters(data: ScanData) -> list[Group]:
    scores = data.docs["spin_score"]

    def key(g: Group) -> tuple[float, float, str]:
        s = [scores[i] for i in g.members if math.isfinite(scores[i])]
        return (-len(g.members), -(sum(s) / len(s) if s else 0.0), g.key)

    return sorted(data.clusters or [], key=key)


def _align_group(data: ScanData, g: Group, texts: dict[int, str], members: int) -> list[Aligned]:
    """Each copy of a cluster (up to ``members``) aligned with the cluster's original."""
    from unspin.align import align

    out: list[Aligned] = []
    assert g.original is not None
    src = texts.get(g.original, "")
    for i in [m for m in g.members if m != g.original][:members]:
        text = texts.get(i, "")
        al = align(text, src)
        subs = [(s.copy_start, s.copy_end, s.source_start, s.source_end, s.copy_text, s.source_text) for s in al.substitutions]
        out.append(Aligned(row=i, score=al.score, subs=subs, copy_text=text, source_text=src))
    return out


def _source_group(data: ScanData, g: Group, texts: dict[int, str], matches: dict[int, list[dict[str, Any]]], index: Any, members: int) -> list[Aligned]:
    """The copies matched to one indexed source: re-aligned with its text when the index is at hand,
    else the substitutions the scan stored (copy side only)."""
    from unspin.align import align

    src_text = None
    if index is not None:
        stored = index.get(g.key)
        src_text = stored.text if stored is not None else None
    out: list[Aligned] = []
    subs: list[tuple[int, int, int | None, int | None, str, str]]
    for i in g.members[:members]:
        text = texts.get(i, "")
        if src_text is not None:
            al = align(text, src_text)
            subs = [(s.copy_start, s.copy_end, s.source_start, s.source_end, s.copy_text, s.source_text) for s in al.substitutions]
            out.append(Aligned(row=i, score=al.score, subs=subs, copy_text=text, source_text=src_text))
            continue
        m = next((m for m in matches.get(i, []) if m.get("id") == g.key), None)
        subs = [(int(s["copy_start"]), int(s["copy_end"]), None, None, str(s["copy_text"]), str(s["source_text"])) for s in (m or {}).get("substitutions", [])]
        out.append(Aligned(row=i, score=float(m["score"]) if m else None, subs=subs, copy_text=text, source_text=None))
    return out


def build_report(
    scan_dir: str | Path,
    *,
    index: str | Path | None = None,
    top_clusters: int = 40,
    members: int = 8,
    top_sites: int = 500,
    top_documents: int = 200,
    top_swaps: int = 100,
    swap_clusters: int = 400,
) -> str:
    """The HTML report of the finished scan in ``scan_dir``; `ReportError` (one line) when it is not one.

    ``index``: the source index the scan searched, to show indexed sources side by side
    with their copies (default: the index recorded in the scan's manifest, when it is still
    there; without one the copies show the original words the scan stored).
    ``top_clusters`` clusters are shown (largest first) with up to ``members`` copies
    aligned each; swaps are counted over the copies of the first ``swap_clusters``
    clusters (and the copies shown for indexed sources). ``top_sites``,
    ``top_documents``, ``top_swaps``: rows kept in those tables.
    """
    data = load_scan(scan_dir)
    ix = None
    if index is not None:
        if not Path(index).exists():
            raise ReportError(f"no index at {index}")
    elif data.sources and isinstance(data.manifest.get("index"), str):
        recorded = data.manifest["index"]  # the index the scan searched
        if Path(recorded).is_file():
            index = recorded
        else:
            data.notes.append(f"the index the scan searched ({recorded}) is gone: sources are shown without their text")
    if index is not None:
        from unspin.index import SourceIndex

        ix = SourceIndex.open(str(index))
    try:
        ranked = _rank_clusters(data)
        counted = ranked[: max(top_clusters, swap_clusters)]
        want = sorted({i for g in counted for i in ([g.original] if g.original is not None else []) + [m for m in g.members if m != g.original][:members]})
        shown_sources = sorted(data.sources, key=lambda g: (-len(g.members), g.key))[:top_clusters]
        want_src = sorted({i for g in shown_sources for i in g.members[:members]})
        texts = data.texts(sorted(set(want) | set(want_src)))
        swaps: Counter = Counter()
        swap_copies: dict[tuple[str, str], set[int]] = {}
        aligned_rows: set[int] = set()

        def count(als: list[Aligned]) -> None:
            for a in als:
                aligned_rows.add(a.row)
                for s in a.subs:
                    k = (s[5].lower(), s[4].lower())
                    swaps[k] += 1
                    swap_copies.setdefault(k, set()).add(a.row)

        groups = []
        for n, g in enumerate(counted):
            als = _align_group(data, g, texts, members)
            count(als)
            if n < top_clusters:
                groups.append((g, als))
        source_groups = []
        if data.sources:
            matches = data.matches(want_src)
            for g in shown_sources:
                als = _source_group(data, g, texts, matches, ix, members)
                source_groups.append((g, als))
                count(als)
    finally:
        if ix is not None:
            ix.close()
    return render(data, groups=groups, source_groups=source_groups, swaps=swaps,
                  swap_docs={k: len(v) for k, v in swap_copies.items()}, aligned_copies=len(aligned_rows),
                  top_sites=top_sites, top_documents=top_documents, top_swaps=top_swaps,
                  clusters_total=len(data.clusters or []))

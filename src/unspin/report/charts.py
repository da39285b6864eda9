"""The two charts of the scan report as inline SVG: spin-score histogram, spin score against length.

Both are binned, so their size does not grow with the number of documents; every
count is in a ``<title>`` (shown on hover). Nothing here comes from the input but numbers.
"""

from __future__ import annotations

import math

import numpy as np

VERDICT_COLOURS = {"spun": "#c0392b", "uncertain": "#e0a030", "clean": "#3c9d5d"}


def histogram_svg(scores: np.ndarray, verdicts: np.ndarray, bins: int = 20) -> str:
    """Spin scores in ``bins`` bins over 0..1, each bar stacked by verdict."""
    w, h, left, bottom, top = 520, 240, 48, 34, 12
    ok = np.isfinite(scores)
    if not ok.any():
        return '<p class="none">No spin scores in this scan.</p>'
    idx = np.minimum((scores[ok] * bins).astype(int), bins - 1)
    ver = verdicts[ok]
    counts = {v: np.bincount(idx[ver == v], minlength=bins) for v in VERDICT_COLOURS}
    total = sum(counts.values())
    ymax = max(1, int(np.max(total)))
    pw, ph = w - left - 26, h - bottom - top
    bw = pw / bins
    out = [f'<svg class="chart" id="hist" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="histogram of spin scores">']
    for t in _ticks(ymax):
        y = top + ph - ph * t / ymax
        out.append(f'<line class="grid" x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}"/><text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{t:,}</text>')
    for b in range(bins):
        y = top + ph
        x = left + b * bw
        for v, colour in VERDICT_COLOURS.items():
            c = int(counts[v][b])
            if not c:
                continue
            bh = ph * c / ymax
            y -= bh
            out.append(f'<rect class="bar" x="{x + 1:.1f}" y="{y:.1f}" width="{bw - 2:.1f}" height="{bh:.1f}" fill="{colour}">'
                       f'<title>{c:,} {v}, score {b / bins:.2f}–{(b + 1) / bins:.2f}</title></rect>')
    for i in range(5):
        x = left + pw * i / 4
        out.append(f'<text class="tick" x="{x:.1f}" y="{top + ph + 16}" text-anchor="middle">{i / 4:.2f}</text>')
    out.append(f'<line class="axis" x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}"/>')
    out.append(f'<text class="label" x="{left + pw / 2:.0f}" y="{h - 2}" text-anchor="middle">spin score</text></svg>')
    return "".join(out)


def density_svg(words: np.ndarray, scores: np.ndarray, xbins: int = 36, ybins: int = 20) -> str:
    """Spin score against length in words (log scale) as a grid of cells shaded by how many documents fall in each."""
    w, h, left, bottom, top = 520, 240, 48, 34, 12
    ok = np.isfinite(scores) & np.isfinite(words) & (words > 0)
    if not ok.any():
        return '<p class="none">No spin scores in this scan.</p>'
    lx = np.log10(words[ok])
    lo, hi = math.floor(lx.min()), max(math.ceil(lx.max()), math.floor(lx.min()) + 1)
    grid, _, _ = np.histogram2d(lx, scores[ok], bins=[xbins, ybins], range=[[lo, hi], [0.0, 1.0]])
    pw, ph = w - left - 26, h - bottom - top
    cw, ch = pw / xbins, ph / ybins
    peak = math.log1p(grid.max())
    out = [f'<svg class="chart" id="density" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="spin score against words">']
    for t in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = top + ph - ph * t
        out.append(f'<line class="grid" x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}"/><text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{t:.2f}</text>')
    for i in range(xbins):
        for j in range(ybins):
            c = int(grid[i, j])
            if not c:
                continue
            a = 0.15 + 0.85 * math.log1p(c) / peak
            x0, x1 = 10 ** (lo + (hi - lo) * i / xbins), 10 ** (lo + (hi - lo) * (i + 1) / xbins)
            out.append(f'<rect class="cell" x="{left + i * cw:.1f}" y="{top + ph - (j + 1) * ch:.1f}" width="{cw:.1f}" height="{ch:.1f}" '
                       f'fill="#2c5d8f" fill-opacity="{a:.2f}"><title>{c:,} documents: {x0:,.0f}–{x1:,.0f} words, score {j / ybins:.2f}–{(j + 1) / ybins:.2f}</title></rect>')
    for e in range(lo, hi + 1):
        x = left + pw * (e - lo) / (hi - lo)
        out.append(f'<text class="tick" x="{x:.1f}" y="{top + ph + 16}" text-anchor="middle">{10 ** e:,}</text>')
    out.append(f'<line class="axis" x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}"/>')
    out.append(f'<text class="label" x="{left + pw / 2:.0f}" y="{h - 2}" text-anchor="middle">words (log scale)</text></svg>')
    return "".join(out)


def _ticks(ymax: int) -> list[int]:
    """Axis ticks from 0: steps of 1, 2 or 5 times a power of ten, at most 5 above 0."""
    base = 10 ** max(0, int(math.log10(ymax)) - 1)
    step = next(base * m for m in (1, 2, 5, 10, 20, 50, 100) if ymax / (base * m) <= 5)
    return list(range(0, ymax + 1, step))

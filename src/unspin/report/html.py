"""The scan report as one self-contained HTML page: inline CSS, inline SVG charts, one small script.

Every string that comes from the scan (ids, URLs, hosts, error lines) goes
through `esc` before it reaches the page, attribute values included; the texts of
the side-by-side views are stored once each in a JSON data block (``<``, ``>``,
``&`` written as ``\\u`` escapes) and drawn with text nodes when a view is first
opened, never as markup. Tables are cut to their top rows (the page says how
many are left out) and paged in the browser, so the file stays small at any
scan size.
"""

from __future__ import annotations

import hashlib
import html
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np

from unspin.report.data import NO_HOST, Group, ScanData

#: Longest text shown in a side-by-side view (characters); the rest is cut with a note.
MAX_TEXT = 20_000
VERDICT_COLOURS = {"spun": "#c0392b", "uncertain": "#e0a030", "clean": "#3c9d5d"}


def esc(value: Any) -> str:
    """Text escaped for HTML content and double-quoted attribute values."""
    return html.escape("" if value is None else str(value), quote=True)


def _num(x: float, digits: int = 2) -> str:
    return "–" if x is None or not math.isfinite(x) else f"{x:.{digits}f}"


def _int(x: int | float | None) -> str:
    return "–" if x is None else f"{int(x):,}"


# --------------------------------------------------------------------------- charts

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
    ymax = max(1, int(total.max()))
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
    step = 10 ** max(0, int(math.log10(ymax)))
    for m in (1, 2, 5, 10):
        if ymax / (step * m) <= 5:
            step *= m
            break
    return list(range(0, ymax + 1, step))


# --------------------------------------------------------------------------- alignment views

@dataclass
class Aligned:
    """One copy aligned with its original: substitutions as (copy start, end, source start, end, copy word, source word)."""

    row: int
    score: float | None
    subs: list[tuple[int, int, int | None, int | None, str, str]]
    copy_text: str
    source_text: str | None


def _utf16(text: str) -> Any:
    """Python string offsets -> JavaScript (UTF-16) offsets of ``text``."""
    if all(ord(c) < 0x10000 for c in text):
        return lambda i: i
    pre = [0]
    for c in text:
        pre.append(pre[-1] + (2 if ord(c) >= 0x10000 else 1))
    return lambda i: pre[i]


class Texts:
    """The texts and alignments the side-by-side views need, each text stored once, as JSON in the page.

    The script builds a view when its ``<details>`` is first opened, with text nodes
    only (never markup from data); offsets are converted to JavaScript's UTF-16 units.
    """

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.index: dict[int, int] = {}  # row (or -1 - source number) -> position in texts
        self.aligns: list[dict[str, Any]] = []

    def _text(self, key: int, text: str) -> tuple[int, Any]:
        if key not in self.index:
            self.index[key] = len(self.texts)
            self.texts.append(text[:MAX_TEXT])
        return self.index[key], _utf16(text[:MAX_TEXT])

    def add(self, al: Aligned, left: str, right: str, source_key: int) -> int:
        """Register an alignment; returns its number."""
        c, cu = self._text(al.row, al.copy_text)
        marks = []
        if al.source_text is None:
            for s in al.subs:
                if s[1] <= MAX_TEXT:
                    marks.append([cu(s[0]), cu(s[1]), None, None, s[5]])
            spec: dict[str, Any] = {"c": c, "s": None, "m": marks}
        else:
            t, su = self._text(source_key, al.source_text)
            for s in al.subs:
                if s[1] > MAX_TEXT:
                    continue
                ok = s[2] is not None and s[3] is not None and s[3] <= MAX_TEXT and s[3] > s[2]
                marks.append([cu(s[0]), cu(s[1]), su(s[2]) if ok else None, su(s[3]) if ok else None, s[5]])
            spec = {"c": c, "s": t, "m": marks}
        spec.update(l=left, r=right, cut=[len(al.copy_text) > MAX_TEXT, al.source_text is not None and len(al.source_text) > MAX_TEXT])
        self.aligns.append(spec)
        return len(self.aligns) - 1

    def script_tag(self) -> str:
        """The data block: JSON with ``<``, ``>`` and ``&`` written as escapes, so no text can end the element."""
        import json

        data = json.dumps({"t": self.texts, "a": self.aligns}, ensure_ascii=False, separators=(",", ":"))
        data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        return f'<script type="application/json" id="unspin-texts">{data}</script>'


# --------------------------------------------------------------------------- tables

def _table(tid: str, headers: Sequence[tuple[str, str]], rows: Iterable[Sequence[tuple[str, Any]]], *, page: int = 25) -> str:
    """A sortable, paged table. ``headers``: (label, "num"|"text"); each cell: (html, sort value)."""
    head = "".join(f'<th class="{kind}" data-sort="{kind}" scope="col">{esc(label)}</th>' for label, kind in headers)
    body = []
    for r in rows:
        cells = []
        for (content, key), (_, kind) in zip(r, headers):
            attr = f' data-v="{esc(key)}"' if key is not None else ""
            cells.append(f'<td class="{kind}"{attr}>{content}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="data paged" id="{tid}" data-page="{page}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _verdict(v: Any) -> str:
    return f'<span class="v v-{esc(v)}">{esc(v)}</span>' if v else "–"


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


# --------------------------------------------------------------------------- page

def render(data: ScanData, *, groups: list[tuple[Group, list[Aligned]]], source_groups: list[tuple[Group, list[Aligned]]],
           swaps: Counter, swap_docs: dict[tuple[str, str], int], aligned_copies: int,
           top_sites: int, top_documents: int, top_swaps: int, clusters_total: int) -> str:
    d = data.docs
    status, verdict, scores, words = d["status"], d["verdict"], d["spin_score"], d["words"]
    is_doc = status != "error"
    n_docs = int(is_doc.sum())
    counts = Counter(v for v in verdict if v)
    skipped = int((status == "skipped").sum())
    matched = int(sum(1 for s in d["source_id"] if s is not None))
    in_clusters = len(data.cluster_of)
    title = f"unspin scan report: {data.path.name}"
    texts = Texts()

    parts = [f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
             f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
             f"<title>{esc(title)}</title><style>{CSS}</style></head><body><header><h1>unspin scan report</h1>"
             f'<p class="where">{esc(data.path.resolve())} · {_int(len(data.manifest.get("inputs") or []))} inputs · '
             f'{_int(data.manifest.get("partitions_total"))} partitions</p></header><main>']
    nav = [("summary", "Summary"), ("charts", "Scores"), ("sites", "Sites"), ("clusters", "Clusters")]
    if source_groups:
        nav.append(("sources", "Sources"))
    nav += [("swaps", "Swaps"), ("documents", "Documents"), ("errors", "Errors")]
    parts.append('<nav>' + " ".join(f'<a href="#{a}">{esc(b)}</a>' for a, b in nav) + '</nav>')
    if data.notes:
        parts.append('<section class="notes" id="notes"><h2>What this report lacks</h2><ul>' + "".join(f"<li>{esc(x)}</li>" for x in data.notes) + "</ul></section>")

    # summary
    cards = [("documents", n_docs, ""), ("spun", counts.get("spun", 0), "spun"), ("uncertain", counts.get("uncertain", 0), "uncertain"),
             ("clean", counts.get("clean", 0), "clean"), ("skipped", skipped, ""), ("errors", data.errors_total, "error"),
             ("sources matched", matched, ""), ("clusters", clusters_total if data.clusters is not None else None, "")]
    parts.append('<section id="summary"><h2>Summary</h2><div class="cards">')
    for label, value, cls in cards:
        share = f'<small>{_share(value, counts.total() if label in VERDICT_COLOURS else n_docs)}</small>' if label in VERDICT_COLOURS and value is not None else ""
        parts.append(f'<div class="card {cls}" data-card="{esc(label)}"><b>{_int(value)}</b><span>{esc(label)}</span>{share}</div>')
    parts.append("</div>")
    extra = []
    if data.clusters is not None:
        extra.append(f"{in_clusters:,} documents in clusters of copies")
    if data.summary.get("wall_s") is not None:
        extra.append(f"scanned in {data.summary['wall_s']:,.0f} s on {esc(data.summary.get('scheduler', '?'))}")
    if extra:
        parts.append(f'<p class="hint">{" · ".join(extra)}</p>')
    parts.append("</section>")

    # charts
    parts.append('<section id="charts"><h2>Spin scores</h2><div class="charts"><figure>'
                 f'{histogram_svg(scores, verdict)}<figcaption>Documents by spin score, coloured by verdict '
                 + " ".join(f'<span class="key k-{v}"></span>{v}' for v in VERDICT_COLOURS)
                 + f'</figcaption></figure><figure>{density_svg(words, scores)}<figcaption>Spin score against length; darker cells hold more documents</figcaption></figure></div></section>')

    # sites
    sites: dict[str, dict[str, Any]] = {}
    for i in np.flatnonzero(is_doc):
        s = sites.setdefault(data.hosts[i], {"docs": 0, "checked": 0, "spun": 0, "sum": 0.0, "clusters": set()})
        s["docs"] += 1
        if math.isfinite(scores[i]):
            s["checked"] += 1
            s["sum"] += scores[i]
        s["spun"] += verdict[i] == "spun"
        if i in data.cluster_of:
            s["clusters"].add(data.cluster_of[i])
    ranked = sorted(sites.items(), key=lambda kv: (kv[0] == NO_HOST, -kv[1]["spun"], -(kv[1]["spun"] / max(1, kv[1]["checked"])), -kv[1]["docs"], kv[0]))
    rows = []
    for host, s in ranked[:top_sites]:
        share = s["spun"] / s["checked"] if s["checked"] else float("nan")
        mean = s["sum"] / s["checked"] if s["checked"] else float("nan")
        label = f'<span class="muted">{esc(host)}</span>' if host == NO_HOST else esc(host)
        rows.append([(label, host), (_int(s["docs"]), s["docs"]), (_int(s["spun"]), s["spun"]),
                     (f"{100 * share:.0f}%" if math.isfinite(share) else "–", _sortnum(share)), (_num(mean), _sortnum(mean)),
                     (_int(len(s["clusters"])), len(s["clusters"]))])
    parts.append(f'<section id="sites"><h2>Sites <small>{len(sites):,} sites, ranked by spun documents; documents without a host last</small></h2>'
                 '<p class="hint">The site is the host of a document\'s URL, else of its id when the id is a URL or starts with a domain name.</p>')
    parts.append(_table("sites-table", [("site", "text"), ("documents", "num"), ("spun", "num"), ("share spun", "num"), ("mean score", "num"), ("clusters", "num")], rows))
    if len(ranked) > top_sites:
        parts.append(f'<p class="hint">{len(ranked) - top_sites:,} more sites not shown (the top {top_sites:,} are).</p>')
    parts.append("</section>")

    # clusters
    parts.append(f'<section id="clusters"><h2>Clusters of copies <small>{clusters_total:,} clusters</small></h2>')
    if data.clusters is None:
        parts.append('<p class="none">This scan did not look for clusters of copies.</p>')
    elif not groups:
        parts.append('<p class="none">No cluster of copies found.</p>')
    else:
        parts.append('<p class="hint">Largest clusters first. The least spun member is taken as the original; '
                     'open a copy to see it side by side with the original, substituted words highlighted.</p>')
        for g, als in groups:
            parts.append(_group_html(data, g, als, texts, g.original if g.original is not None else -1))
        if clusters_total > len(groups):
            parts.append(f'<p class="hint">{clusters_total - len(groups):,} smaller clusters not shown.</p>')
    parts.append("</section>")

    if source_groups:
        parts.append(f'<section id="sources"><h2>Sources matched in the index <small>{len(data.sources):,} sources</small></h2>')
        for n, (g, als) in enumerate(source_groups):
            parts.append(_group_html(data, g, als, texts, -2 - n))
        if len(data.sources) > len(source_groups):
            parts.append(f'<p class="hint">{len(data.sources) - len(source_groups):,} more sources not shown.</p>')
        parts.append("</section>")

    # swaps
    parts.append(f'<section id="swaps"><h2>Most frequent swaps <small>in {aligned_copies:,} aligned copies</small></h2>')
    if swaps:
        rows = [[(esc(a), a), (esc(b), b), (_int(c), c), (_int(swap_docs[(a, b)]), swap_docs[(a, b)])] for (a, b), c in swaps.most_common(top_swaps)]
        parts.append('<p class="hint">Word of the original → word of the copy, as the alignments above found them: what a spinner\'s synonym table holds.</p>')
        parts.append(_table("swaps-table", [("original", "text"), ("replaced by", "text"), ("times", "num"), ("copies", "num")], rows))
    else:
        parts.append('<p class="none">No aligned copies: no swaps to count.</p>')
    parts.append("</section>")

    # documents
    order = [i for i in np.argsort(-np.nan_to_num(scores, nan=-1.0), kind="stable") if math.isfinite(scores[i])][:top_documents]
    rows = []
    for i in order:
        c = data.cluster_of.get(int(i))
        rows.append([(_num(scores[i]), scores[i]), (_verdict(verdict[i]), verdict[i]), (_int(d["n_flags"][i]) if math.isfinite(d["n_flags"][i]) else "–", _sortnum(d["n_flags"][i])),
                     (_int(words[i]) if math.isfinite(words[i]) else "–", _sortnum(words[i])), (esc(data.hosts[i]), data.hosts[i]),
                     (esc(d["id"][i] if d["id"][i] is not None else d["source"][i]), d["id"][i] or d["source"][i] or ""),
                     (f'<a href="#cluster-{c}">{c}</a>' if c is not None and any(g.key == str(c) for g, _ in groups) else (_int(c) if c is not None else "–"), -1 if c is None else c)])
    parts.append(f'<section id="documents"><h2>Most spun documents <small>top {len(order):,}</small></h2>')
    parts.append(_table("documents-table", [("score", "num"), ("verdict", "text"), ("flags", "num"), ("words", "num"), ("site", "text"), ("document", "text"), ("cluster", "num")], rows) if rows else '<p class="none">No spin scores in this scan.</p>')
    parts.append("</section>")

    # errors
    parts.append(f'<section id="errors"><h2>Errors <small>{data.errors_total:,}</small></h2>')
    if data.error_samples:
        parts.append('<ul class="errors">' + "".join(f"<li><code>{esc(e)}</code></li>" for e in data.error_samples) + "</ul>")
        if data.errors_total > len(data.error_samples):
            parts.append(f'<p class="hint">{data.errors_total - len(data.error_samples):,} more in {esc(data.path / "errors.jsonl")}.</p>')
    else:
        parts.append('<p class="none">No input was refused.</p>')
    parts.append(f'</section></main><footer>unspin scan report · self-contained: no network needed</footer>{texts.script_tag()}<script>{SCRIPT}</script></body></html>\n')
    return "".join(parts)


def _sortnum(x: float) -> float:
    return x if x is not None and math.isfinite(x) else -1.0


def _group_html(data: ScanData, g: Group, als: list[Aligned], texts: Texts, source_key: int) -> str:
    d = data.docs
    members = g.members
    scores = [d["spin_score"][i] for i in members if math.isfinite(d["spin_score"][i])]
    sites = {data.hosts[i] for i in members}
    if g.kind == "cluster":
        gid, head = f"cluster-{esc(g.key)}", f"Cluster {esc(g.key)}"
    else:
        gid, head = "source-" + hashlib.sha1(g.key.encode("utf-8")).hexdigest()[:12], f"Source <code>{esc(g.key)}</code>"
    out = [f'<article class="group" id="{gid}"><h3>{head} <small>{len(members):,} documents · {len(sites):,} site{"s" if len(sites) != 1 else ""}'
           f'{" · mean score " + _num(sum(scores) / len(scores)) if scores else ""}</small></h3><ul class="members">']
    by_row = {a.row: a for a in als}

    def name(i: int) -> Any:
        return d["id"][i] if d["id"][i] is not None else d["source"][i]

    def line(i: int, role: str) -> str:
        return (f'<span class="role">{esc(role)}</span> <span class="doc">{esc(name(i))}</span> <span class="site">{esc(data.hosts[i])}</span> '
                f'<span class="score">{_num(d["spin_score"][i])}</span> {_verdict(d["verdict"][i])}')

    if g.original is not None:
        out.append(f'<li class="original">{line(g.original, "original")}</li>')
    right = f"Original: {name(g.original)}" if g.original is not None else f"Source: {g.key}"
    for i in members:
        if i == g.original:
            continue
        a = by_row.get(i)
        if a is None:
            out.append(f'<li class="copy">{line(i, "copy")} <span class="muted">not aligned (only the first copies of a group are)</span></li>')
            continue
        sim = f' <span class="sim">similarity {_num(a.score)}</span>' if a.score is not None else ""
        k = texts.add(a, f"Copy: {name(i)}", right, source_key)
        out.append(f'<li class="copy"><details data-align="{k}"><summary>{line(i, "copy")}{sim} <span class="nsubs">{len(a.subs):,} substitution{"s" if len(a.subs) != 1 else ""}</span></summary>'
                   '<div class="sbs"><p class="hint">The side-by-side view is drawn by the page\'s script: allow JavaScript to see it.</p></div></details></li>')
    out.append("</ul></article>")
    return "".join(out)


CSS = """
:root{--ink:#1d2329;--muted:#6b7580;--line:#dde2e7;--bg:#fbfcfd;--spun:#c0392b;--uncertain:#e0a030;--clean:#3c9d5d}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
header{padding:18px 28px 8px;border-bottom:1px solid var(--line);background:#fff}h1{margin:0;font-size:22px}
.where{margin:2px 0 0;color:var(--muted);font-size:13px;word-break:break-all}
main{max-width:1180px;margin:0 auto;padding:8px 28px 40px}nav{position:sticky;top:0;background:var(--bg);padding:8px 0;border-bottom:1px solid var(--line);z-index:2}
nav a{margin-right:14px;color:#2c5d8f;text-decoration:none;font-weight:600}section{margin-top:26px}
h2{font-size:18px;margin:0 0 10px}h2 small,h3 small{font-weight:400;color:var(--muted);font-size:13px;margin-left:6px}
.notes{background:#fff8e6;border:1px solid #f0d89c;border-radius:6px;padding:8px 16px}.notes h2{font-size:15px;margin:4px 0}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(128px,1fr));gap:10px}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 12px;border-top:4px solid #9aa6b2}
.card b{display:block;font-size:22px}.card span{color:var(--muted);font-size:13px}.card small{float:right;color:var(--muted)}
.card.spun{border-top-color:var(--spun)}.card.uncertain{border-top-color:var(--uncertain)}.card.clean{border-top-color:var(--clean)}.card.error{border-top-color:#555}
.charts{display:flex;flex-wrap:wrap;gap:18px}figure{margin:0;background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px}
figcaption{font-size:13px;color:var(--muted)}.key{display:inline-block;width:10px;height:10px;margin:0 3px 0 8px;border-radius:2px}
.k-spun{background:var(--spun)}.k-uncertain{background:var(--uncertain)}.k-clean{background:var(--clean)}
svg.chart{max-width:100%;height:auto}svg .tick{font-size:11px;fill:var(--muted)}svg .label{font-size:12px;fill:var(--ink)}
svg .grid{stroke:#eef1f4}svg .axis{stroke:#9aa6b2}svg rect.bar:hover,svg rect.cell:hover{stroke:#000;stroke-width:1}
table.data{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line);font-size:14px}
table.data th{text-align:left;background:#f1f4f7;padding:6px 8px;cursor:pointer;user-select:none;white-space:nowrap}
table.data th[aria-sort=ascending]::after{content:" ▲"}table.data th[aria-sort=descending]::after{content:" ▼"}
table.data td{padding:5px 8px;border-top:1px solid var(--line);word-break:break-word}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.pager{margin:6px 0;font-size:13px;color:var(--muted)}.pager button{margin:0 4px;font:inherit;padding:2px 10px}
.v{display:inline-block;padding:0 6px;border-radius:9px;font-size:12px;color:#fff;background:#888}.v-spun{background:var(--spun)}
.v-uncertain{background:var(--uncertain)}.v-clean{background:var(--clean)}.muted,.hint,.none{color:var(--muted)}.hint{font-size:13px}
.group{background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px 14px;margin:12px 0}.group h3{font-size:15px;margin:4px 0}
.members{list-style:none;padding:0;margin:0}.members li{padding:4px 0;border-top:1px solid #f0f2f4}
.role{display:inline-block;min-width:62px;font-size:12px;color:var(--muted);text-transform:uppercase}.doc{font-weight:600;word-break:break-all}
.site{color:#2c5d8f;margin-left:6px}.score{font-variant-numeric:tabular-nums;margin:0 4px 0 8px}.sim,.nsubs{color:var(--muted);font-size:13px;margin-left:6px}
summary{cursor:pointer}details[open] summary{margin-bottom:6px}
.sbs{display:grid;grid-template-columns:1fr 1fr;gap:14px}.sbs.one{grid-template-columns:1fr}.sbs h4{margin:4px 0;font-size:13px;color:var(--muted);word-break:break-all}
.sbs .text{white-space:pre-wrap;font:14px/1.55 Georgia,serif;background:#fcfcfa;border:1px solid var(--line);border-radius:6px;padding:10px;max-height:480px;overflow:auto}
mark.sub{background:#fde2dd;border-bottom:2px solid var(--spun);padding:0 1px}mark.sub.src{background:#dff2e4;border-bottom-color:var(--clean)}
mark.sub.hot{outline:2px solid #2c5d8f}.cut{color:var(--muted);font-style:italic}
ul.errors{font-size:13px;background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px 8px 8px 28px}code{word-break:break-all}
footer{text-align:center;color:var(--muted);font-size:12px;padding:20px}
"""

# Pages and sorts the tables, draws a side-by-side view when it is first opened (text nodes only, never markup
# from data), highlights both sides of an aligned pair.
SCRIPT = """
(function(){
function val(td){var v=td.getAttribute('data-v');return v===null?td.textContent:v;}
document.querySelectorAll('table.paged').forEach(function(t){
 var body=t.tBodies[0],size=+t.getAttribute('data-page')||25,page=0;
 var rows=function(){return Array.prototype.slice.call(body.rows);};
 var pager=document.createElement('div');pager.className='pager';
 var prev=document.createElement('button'),next=document.createElement('button'),info=document.createElement('span');
 prev.type=next.type='button';prev.textContent='‹ previous';next.textContent='next ›';
 pager.appendChild(prev);pager.appendChild(info);pager.appendChild(next);
 function show(){var r=rows(),pages=Math.max(1,Math.ceil(r.length/size));page=Math.min(Math.max(page,0),pages-1);
  r.forEach(function(tr,i){tr.hidden=(i<page*size||i>=(page+1)*size);});
  info.textContent=' page '+(page+1)+' of '+pages+' ('+r.length+' rows) ';prev.disabled=page===0;next.disabled=page>=pages-1;
  pager.hidden=r.length<=size;}
 prev.onclick=function(){page--;show();};next.onclick=function(){page++;show();};
 t.parentNode.insertBefore(pager,t.nextSibling);
 Array.prototype.forEach.call(t.tHead.rows[0].cells,function(th,col){th.onclick=function(){
  var num=th.getAttribute('data-sort')==='num',asc=th.getAttribute('aria-sort')!=='ascending';
  Array.prototype.forEach.call(t.tHead.rows[0].cells,function(o){o.removeAttribute('aria-sort');});
  th.setAttribute('aria-sort',asc?'ascending':'descending');
  var r=rows();r.sort(function(a,b){var x=val(a.cells[col]),y=val(b.cells[col]);
   var c=num?(parseFloat(x)-parseFloat(y)):x.localeCompare(y);return asc?c:-c;});
  r.forEach(function(tr){body.appendChild(tr);});page=0;show();};});
 show();});
var data=null;
function col(title,text,marks,side,note,cut){var c=document.createElement('div');c.className='col';
 var h=document.createElement('h4');h.textContent=title;c.appendChild(h);var t=document.createElement('div');t.className='text';
 var pos=0;marks.forEach(function(m){var a=m[0],b=m[1];if(a===null||a<pos||b>text.length||a>=b)return;
  t.appendChild(document.createTextNode(text.slice(pos,a)));var k=document.createElement('mark');k.className=side?'sub src':'sub';
  k.setAttribute('data-pair',m[2]);k.title=m[3];k.textContent=text.slice(a,b);t.appendChild(k);pos=b;});
 t.appendChild(document.createTextNode(text.slice(pos)));
 if(cut){var s=document.createElement('span');s.className='cut';s.textContent=' … text cut here';t.appendChild(s);}
 c.appendChild(t);if(note){var p=document.createElement('p');p.className='hint';p.textContent=note;c.appendChild(p);}return c;}
function draw(d){if(d.drawn)return;d.drawn=true;
 if(!data)data=JSON.parse(document.getElementById('unspin-texts').textContent);
 var al=data.a[+d.getAttribute('data-align')],copy=data.t[al.c],src=al.s===null?null:data.t[al.s];
 var box=d.querySelector('.sbs');box.textContent='';
 var cm=al.m.map(function(m,k){return [m[0],m[1],k,'original: '+(src!==null&&m[2]!==null?src.slice(m[2],m[3]):m[4])];});
 box.appendChild(col(al.l,copy,cm,false,null,al.cut[0]));
 if(src===null){box.classList.add('one');box.firstChild.appendChild(Object.assign(document.createElement('p'),{className:'hint',
  textContent:'The source text is not in the scan: give the index (--index) to see it side by side.'}));return;}
 var sm=al.m.map(function(m,k){return [m[2],m[3],k,'became: '+copy.slice(m[0],m[1])];}).sort(function(x,y){return x[0]-y[0];});
 box.appendChild(col(al.r,src,sm,true,null,al.cut[1]));}
document.querySelectorAll('details[data-align]').forEach(function(d){d.addEventListener('toggle',function(){if(d.open)draw(d);});});
document.addEventListener('mouseover',function(e){var m=e.target.closest&&e.target.closest('mark.sub');
 document.querySelectorAll('mark.sub.hot').forEach(function(x){x.classList.remove('hot');});
 if(!m)return;var box=m.closest('.sbs');if(!box)return;
 box.querySelectorAll('mark.sub').forEach(function(x){if(x.getAttribute('data-pair')===m.getAttribute('data-pair'))x.classList.add('hot');});});
})();
"""


def _sha256(text: str) -> str:
    import base64

    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


#: The page's Content-Security-Policy (in a meta element, and as the header where it is served):
#: nothing from the network, only this page's own style and script (by hash), no inline handlers.
CSP = f"default-src 'none'; style-src {_sha256(CSS)}; script-src {_sha256(SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'"

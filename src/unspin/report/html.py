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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from unspin.report.assets import CSP, CSS, SCRIPT
from unspin.report.charts import VERDICT_COLOURS, density_svg, histogram_svg
from unspin.report.data import NO_HOST, Group, ScanData

#: Longest text shown in a side-by-side view (characters); the rest is cut with a note.
MAX_TEXT = 20_000


def esc(value: Any) -> str:
    """Text escaped for HTML content and double-quoted attribute values."""
    return html.escape("" if value is None else str(value), quote=True)


def _num(x: float, digits: int = 2) -> str:
    return "–" if x is None or not math.isfinite(x) else f"{x:.{digits}f}"


def _int(x: int | float | None) -> str:
    return "–" if x is None else f"{int(x):,}"


# --------------------------------------------------------------------------- alignment views

@dataclass
class Aligned:
    """One copy aligned with its original: substitutions as (copy start, end, source start, end, copy word, source word)."""

    row: int
    score: float | None
    subs: Sequence[tuple[int, int, int | None, int | None, str, str]]
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
    for i in np.flatnonzero(is_doc).tolist():
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
        spun_share = s["spun"] / s["checked"] if s["checked"] else float("nan")
        mean = s["sum"] / s["checked"] if s["checked"] else float("nan")
        label = f'<span class="muted">{esc(host)}</span>' if host == NO_HOST else esc(host)
        rows.append([(label, host), (_int(s["docs"]), s["docs"]), (_int(s["spun"]), s["spun"]),
                     (f"{100 * spun_share:.0f}%" if math.isfinite(spun_share) else "–", _sortnum(spun_share)), (_num(mean), _sortnum(mean)),
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

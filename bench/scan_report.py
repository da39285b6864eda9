"""The tables of ``bench/results/scan.md`` from the results of `bench.scan` (kept apart so that module stays about running)."""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path


def raw_cmd(raw: dict, cmd: str) -> str:
    return raw.get("cmd", "python -m bench.scan")


def utilisation(d: dict) -> str:
    """Share of the partition stage's wall time the workers spent on the CPU (1.0: each had a core to itself)."""
    w = max(1, d["workers"])
    return f"{d['task_cpu_s'] / (d['stage_s']['partitions'] * w):.2f}"


def index_lines(index: dict) -> list[str]:
    """Table (d): one row per labelled run of `index_scan`."""
    first = next(iter(index.values()))
    lines = ["", f"## (d) Sources from an index (`index=..., detect=True`, in-process): {first['copies']} spun copies (30 %) of indexed BBC articles "
             f"and {first['unrelated']} held-out articles, index of {first['indexed']:,} articles", "",
             "| run | command | documents | wall s | task CPU s | docs per CPU-s | vs first row | right source | false sources | spun / uncertain / clean | output rows digest |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    base = None
    for label, d in index.items():
        rate = d["documents"] / d["task_cpu_s"]
        base = base or rate
        lines.append(f"| {label} | `{d['cmd']}` | {d['documents']} | {d['wall_s']:.1f} | {d['task_cpu_s']:.1f} | {rate:.2f} | {rate / base:.2f}x | "
                     f"{d['source_right']} / {d['copies']} | {d['false_sources']} | {d['spun']} / {d['uncertain']} / {d['clean']} | `{d['rows_sha256']}` |")
    lines += ["", "The same documents and index in each row; equal digests mean equal output rows (ids, sources, verdicts, scores, flags, matches)."]
    return lines


def splice_index_table(md: Path, index: dict) -> None:
    """Put table (d) into an existing scan.md (replacing an older one) without rerunning (a)-(c)."""
    text = md.read_text()
    start = text.find("\n## (d)")
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + text[end:]
    at = text.find("\n## Paper estimate")
    at = at if at >= 0 else len(text)
    md.write_text(text[:at] + "\n".join(index_lines(index)) + "\n" + text[at:])


def write(args, cmd, results, n, n_distr, n_base, gold, words, n_sample, swords) -> None:
    lines = [
        "# Batch scan benchmark",
        "",
        f"`{cmd}` — Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs shared with other jobs, {time.strftime('%Y-%m-%d')}.",
        "",
        f"Crawl: {n:,} documents, {words / n:.0f} words each on average — {n_base:,} BBC articles and spun copies "
        f"({len(gold)} gold clusters of copies, {sum(len(g) for g in gold):,} documents), {n_distr:,} sentence-shuffled distractors; "
        "one Parquet file, 2,000-row row groups (one partition each). Dask `LocalCluster`, one thread per worker process.",
        "",
        "## (a) Clusters of spun copies, no detector (`detect=False`)",
        "",
        "| workers | documents | wall s | documents/s | scaling | partition-task CPU s | docs per CPU-s | worker CPU share | stages (s) | peak RSS per worker MiB | load avg before → after |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|",
    ]
    base_rate = None
    for w, d in results["cluster"].items():
        rate = d["documents"] / d["wall_s"]
        base_rate = base_rate or rate
        stages = ", ".join(f"{k} {v:.0f}" for k, v in d["stage_s"].items())
        lines.append(f"| {w} | {d['documents']:,} | {d['wall_s']:.1f} | {rate:,.0f} | {rate / base_rate:.2f}x | {d['task_cpu_s']:.0f} | "
                     f"{d['documents'] / d['task_cpu_s']:,.0f} | {utilisation(d)} | {stages} | {', '.join(f'{x:,.0f}' for x in d['worker_peak_rss_mb'])} | "
                     f"{d['load_before'][0]:.2f} → {d['load_after'][0]:.2f} |")
    lines += ["", "| workers | clusters found | planted clusters | pairwise precision | pairwise recall | planted clusters found whole (recall) | found clusters inside one gold cluster (precision) | candidate pairs | verified pairs |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    notes = ["", "Recall: planted pairs (planted clusters) found; precision: found pairs (found clusters) lying inside one gold cluster, "
             "i.e. a planted cluster extended by BBC articles that are near-duplicates of its members (joining them is neither required nor wrong)."]
    for w, d in results["cluster"].items():
        q = d["quality"]
        lines.append(f"| {w} | {q['found_clusters']:,} | {q['gold_clusters']:,} | {q['pair_precision']:.3f} | {q['pair_recall']:.3f} | "
                     f"{q['cluster_recall']:.3f} | {q['cluster_precision']:.3f} | {d['candidate_pairs']:,} | {d['verified_pairs']:,} |")
    lines += notes
    lines += ["", f"## (b) Full checks (`detect=True`): {n_sample} documents, {swords / n_sample:.0f} words each", "",
              "| workers | documents | wall s | documents/s | scaling | task CPU s | docs per CPU-s | words per CPU-s | worker CPU share | spun / uncertain / clean | peak RSS per worker MiB | load avg before → after |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|"]
    base_rate = None
    for w, d in results["detect"].items():
        rate = d["documents"] / d["wall_s"]
        base_rate = base_rate or rate
        lines.append(f"| {w} | {d['documents']:,} | {d['wall_s']:.1f} | {rate:.2f} | {rate / base_rate:.2f}x | {d['task_cpu_s']:.0f} | "
                     f"{d['documents'] / d['task_cpu_s']:.2f} | {swords / d['task_cpu_s']:,.0f} | {utilisation(d)} | {d['spun']} / {d['uncertain']} / {d['clean']} | "
                     f"{', '.join(f'{x:,.0f}' for x in d['worker_peak_rss_mb'])} | {d['load_before'][0]:.2f} → {d['load_after'][0]:.2f} |")
    if results.get("scaling"):
        lines += ["", "## (c) Scaling of the partition stage: 20,000-document slice (10 partitions), `detect=False` (read, fingerprint, MinHash, write; the band join and verification after it are not timed here), best of "
                  f"{len(next(iter(results['scaling'].values()))['runs'])} runs", "",
                  "| workers | partition stage s (all runs) | documents/s (best) | scaling | worker CPU share | load avg before → after (best) |",
                  "|---:|---|---:|---:|---:|---|"]
        base_rate = None
        for w, d in results["scaling"].items():
            rate = d["documents"] / d["stage_s"]["partitions"]
            base_rate = base_rate or rate
            lines.append(f"| {w} | {', '.join(f'{x:.1f}' for x in d['runs'])} | {rate:,.0f} | {rate / base_rate:.2f}x | {utilisation(d)} | "
                         f"{d['load_before'][0]:.2f} → {d['load_after'][0]:.2f} |")
    if results.get("index"):
        lines += index_lines(results["index"])
    c1 = results["cluster"][min(results["cluster"])]
    d1 = results["detect"][min(results["detect"])]
    cl_rate = c1["documents"] / c1["task_cpu_s"]
    det_rate = d1["documents"] / d1["task_cpu_s"]
    pages = 3e9
    extract = 160.0  # pages/s per core, trafilatura, bench/results/ingest.md
    lines += [
        "",
        "## Paper estimate: one Common Crawl snapshot (~3 billion pages)",
        "",
        f"From the per-core figures above (partition-task CPU time, 1 worker): clustering {cl_rate:,.0f} documents per CPU-second, "
        f"full checks {det_rate:.2f} per CPU-second (documents of {swords / n_sample:.0f} words), HTML extraction from WARC 160 pages per CPU-second "
        "(`bench/results/ingest.md`).",
        "",
        "| job | core-hours | at $0.02 per core-hour (spot) | wall time on 1,000 cores |",
        "|---|---:|---:|---:|",
    ]
    for name, per_s in (("clusters only, from WET text (`--no-detect`)", cl_rate), ("clusters only, from WARC (HTML extraction + `--no-detect`)", 1 / (1 / cl_rate + 1 / extract)),
                        ("full checks, from WET text", det_rate)):
        ch = pages / per_s / 3600
        lines.append(f"| {name} | {ch:,.0f} | ${ch * 0.02:,.0f} | {ch / 1000:,.1f} h |")
    lines += ["", "(The band join and verification stages run after the partitions; on this crawl they took the time shown under *stages*.)", "",
              "*Worker CPU share*: partition-task CPU time over (partition-stage wall time × workers). The 2 CPUs are shared with other "
              "jobs (the load average is in the table): a share well under 1.0 means the workers waited for a CPU, and the wall-clock "
              "scaling then measures the machine's spare capacity, not the scan's parallel efficiency; documents per CPU-second is the "
              "figure that carries over to a dedicated cluster.", ""]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines))
    if not args.report_only:
        (args.out.parent / "scan.json").write_text(json.dumps(results, indent=1, default=str))
    print("\n".join(lines))

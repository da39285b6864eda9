"""Documents per CPU-second: unspin's datatrove filter against ``unspin scan`` on the same input.

The input: the first N/2 BBC dev articles, each followed by a copy spun by
`devkit.spinner` (30% of content words swapped).

The overhead of the integration: both check every document with the same
detector (`unspin.api.check`), after the same finishing (furniture, language);
around it datatrove reads JSONL, runs ``SpinFilter`` and writes the kept and the
dropped documents as JSONL, while the scan plans partitions, reads them with
``unspin.ingest`` and writes Parquet. Both run in one process (datatrove's
``LocalPipelineExecutor(tasks=1, workers=1)``, the scan's ``workers=0``; the scan
without clustering, which the filter does not do), each in a fresh Python process
that loads the detector first (one short check) and imports its pipeline (both timed apart), runs alternate, best of ``--repeat``.

    python -m bench.datatrove --docs 100 --repeat 2          # the table in bench/results/datatrove.md
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "bbc_news_dev.jsonl"


def _cpu() -> float:
    ru, rc = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime + rc.ru_utime + rc.ru_stime


def _child(system: str, inp: Path, out: Path) -> dict:
    t0, c0 = time.perf_counter(), _cpu()
    from unspin.api import check

    check("The minister said on Tuesday that the plan would go ahead.")  # the detector and its lazy resources
    load = {"load_wall_s": time.perf_counter() - t0, "load_cpu_s": _cpu() - c0}
    c0 = _cpu()
    if system == "datatrove":
        from datatrove.executor import LocalPipelineExecutor
        from datatrove.pipeline.readers import JsonlReader
        from datatrove.pipeline.writers import JsonlWriter

        from unspin.integrations.datatrove import SpinFilter
    else:
        from unspin.scan import scan
    load["import_cpu_s"] = _cpu() - c0
    t0, c0 = time.perf_counter(), _cpu()
    if system == "datatrove":
        LocalPipelineExecutor(
            pipeline=[JsonlReader(str(inp.parent), glob_pattern=inp.name), SpinFilter(exclusion_writer=JsonlWriter(str(out / "dropped"))), JsonlWriter(str(out / "kept"))],
            tasks=1, workers=1, logging_dir=str(out / "logs"),
        ).run()
        mine = next(s for s in json.loads((out / "logs" / "stats.json").read_text()) if "unspin" in s["name"])["stats"]
        docs = mine["total"]["total"] if isinstance(mine["total"], dict) else mine["total"]
        spun = mine.get("spun", {}).get("total", 0) if isinstance(mine.get("spun"), dict) else mine.get("spun", 0)
    else:
        s = scan([str(inp)], out / "scan", workers=0, cluster=False)
        docs, spun = s.documents, s.spun
    return {"system": system, "docs": docs, "spun": spun, "wall_s": time.perf_counter() - t0, "cpu_s": _cpu() - c0, **load}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100, help="documents: the first N/2 articles of bbc_news_dev.jsonl and a spun copy of each")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "datatrove.md")
    ap.add_argument("--child", nargs=3, metavar=("SYSTEM", "INPUT", "OUT"), help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        print(json.dumps(_child(a.child[0], Path(a.child[1]), Path(a.child[2]))))
        return
    if not a.data.exists():
        sys.exit(f"error: no data at {a.data} (the shared BBC dev set)")
    with tempfile.TemporaryDirectory(prefix="unspin-bench-dt-") as tmp:
        inp = Path(tmp) / "input.jsonl"
        from devkit.spinner import Spinner

        with open(a.data, encoding="utf-8") as src:
            articles = [json.loads(line) for _, line in zip(range((a.docs + 1) // 2), src)]
        spinner = Spinner(rate=0.3, seed=1)
        with open(inp, "w", encoding="utf-8") as dst:
            for n in range(a.docs):  # a mixed input: each article, then its spun copy
                art = articles[n // 2]
                rec = {"id": art["id"], "text": art["text"]} if n % 2 == 0 else {"id": art["id"] + "-spun", "text": spinner.spin(art["text"]).text}
                dst.write(json.dumps(rec) + "\n")
        runs: dict[str, list[dict]] = {"datatrove": [], "scan": []}
        for r in range(a.repeat):
            for system in ("datatrove", "scan"):
                out = Path(tmp) / f"{system}-{r}"
                res = subprocess.run([sys.executable, "-m", "bench.datatrove", "--child", system, str(inp), str(out)],
                                     check=True, capture_output=True, text=True, env=os.environ.copy())
                row = json.loads(res.stdout.strip().splitlines()[-1])
                runs[system].append(row)
                print(f"{system:9s} run {r + 1}: {row['docs']} docs, {row['cpu_s']:.1f} CPU-s, {row['docs'] / row['cpu_s']:.2f} docs/CPU-s "
                      f"(load {row['load_cpu_s']:.1f} CPU-s)", flush=True)
    best = {k: min(v, key=lambda r: r["cpu_s"]) for k, v in runs.items()}
    dt, sc = best["datatrove"], best["scan"]
    assert dt["docs"] == sc["docs"] and dt["spun"] == sc["spun"], (dt, sc)
    rate = {k: v["docs"] / v["cpu_s"] for k, v in best.items()}
    lines = [
        "# unspin inside datatrove vs unspin scan (documents per CPU-second)",
        "",
        f"`python -m bench.datatrove --docs {a.docs} --repeat {a.repeat}`: the first {(a.docs + 1) // 2} articles of bbc_news_dev.jsonl "
        "and a copy of each spun by devkit's simulator (30% of content words), "
        "each system in a fresh process (detector and its resources loaded first by one short check, then the pipeline's modules imported; "
        "neither counted in CPU s), one process each, best of "
        f"{a.repeat} alternating runs; CPU = user + system of the process and its children. Both found {dt['spun']} spun documents.",
        "",
        "| system | documents | CPU s | wall s | documents / CPU-s | ratio to scan | detector load (CPU s) | imports (CPU s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for k, label in (("scan", "`unspin scan` (workers=0, no clustering)"), ("datatrove", "datatrove: JsonlReader → SpinFilter → JsonlWriter")):
        v = best[k]
        lines.append(f"| {label} | {v['docs']} | {v['cpu_s']:.1f} | {v['wall_s']:.1f} | {rate[k]:.2f} | {rate[k] / rate['scan']:.2f} | {v['load_cpu_s']:.1f} | {v['import_cpu_s']:.2f} |")
    lines += ["", "Every run (CPU s): " + "; ".join(f"{k} " + " / ".join(f"{r['cpu_s']:.1f}" for r in v) for k, v in runs.items()) + ".",
              "", f"Machine: {os.cpu_count()} CPUs, shared with other jobs (CPU time, not wall time, is the measure)."]
    a.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

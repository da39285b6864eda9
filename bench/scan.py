"""Batch-scan benchmark: ``unspin.scan`` on a synthetic crawl, 1 and 2 Dask workers.

Crawl (``--docs``, default 200,000): the BBC development articles; for ``--planted``
of them, 1-3 spun copies (``spinner.Spinner``, rates 15/30/50 %, pick habits
uniform/common/front rotating; in every fourth planted cluster the source itself
is left out, so the copies only have each other); the rest are sentence-shuffled
near-miss distractors from ``bench/search.py`` (``make_corpus``), which share
sentences with the sources but are copies of none. All in one Parquet file,
row groups of 2,000 rows (one partition each), rows shuffled.

Measured:

(a) the clustering pipeline (``scan(..., detect=False)``: read, fingerprint,
    MinHash, band join, verification by alignment, components) on the whole
    crawl with 1 and 2 workers (``LocalCluster``, one thread each): wall time,
    documents/s, CPU-seconds of the partition tasks, peak memory per worker,
    and the planted clusters found: pairwise precision/recall over same-cluster
    document pairs and the share of planted clusters found exactly. BBC articles
    that share half their word 8-grams (the set has duplicates) are one gold cluster.
(b) full checks (``scan(..., detect=True)``, the detector on every document) on a
    sample of ``--detect-docs`` documents (BBC articles and spun copies) with 1
    and 2 workers: documents/s and per-core throughput.

(d) sources from an index (``scan(..., index=..., detect=True)``, in-process): an index
    of the BBC articles but ``--index-docs`` held-out ones; the scanned documents are
    30 %-spun copies of ``--index-docs`` indexed articles and the held-out articles.
    Documents per CPU-second, sources found, and a digest of the output rows, one row
    per ``--label`` (run the same command under two versions of unspin to compare them).

Then a paper estimate of scanning one Common Crawl snapshot from the per-core figures.

    python -m bench.scan                 # writes bench/results/scan.md
    python -m bench.scan --index-only --index-docs 40 --label "one search"   # (d) only

Needs /work/shared/data/bbc_news_dev.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
from pathlib import Path

from bench.scan_report import index_lines, raw_cmd, splice_index_table, write
from bench.search import duplicates, make_corpus
from devkit.spinner import Spinner, load_bbc

ROOT = Path(__file__).resolve().parent
WORK = ROOT / "work" / "scan"
RATES = (0.15, 0.3, 0.5)
PICKS = ("uniform", "common", "front")


def planted_copies(records: list[dict], n: int, seed: int) -> tuple[list[tuple[str, str]], list[set[str]], set[str]]:
    """Spun copies of ``n`` sources; returns the copies, the planted clusters, the sources left out."""
    cache = WORK / f"copies-{seed}-{n}.json"
    if cache.exists():
        d = json.loads(cache.read_text())
        return [tuple(x) for x in d["copies"]], [set(c) for c in d["clusters"]], set(d["dropped"])
    rng = random.Random(seed)
    spinners = {(r, p): Spinner(rate=r, pick=p, seed=seed + i) for i, (r, p) in enumerate((r, p) for r in RATES for p in PICKS)}
    copies: list[tuple[str, str]] = []
    clusters: list[set[str]] = []
    dropped: set[str] = set()
    for i, r in enumerate(rng.sample(records, n)):
        k = 1 + i % 3
        members = set()
        if i % 4 == 3:
            dropped.add(r["id"])
            k = max(k, 2)
        else:
            members.add(r["id"])
        for j in range(k):
            rate, pick = RATES[(i + j) % 3], PICKS[(i // 3 + j) % 3]
            cid = f"copy-{r['id']}-{j}"
            copies.append((cid, spinners[(rate, pick)].spin(r["text"]).text))
            members.add(cid)
        clusters.append(members)
    WORK.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({"copies": copies, "clusters": [sorted(c) for c in clusters], "dropped": sorted(dropped)}))
    return copies, clusters, dropped


def gold_clusters(planted: list[set[str]], same: dict[str, set[str]], present: set[str]) -> list[set[str]]:
    """Planted clusters, merged where BBC sources are near-duplicates of one another."""
    from unspin.scan.clustering import components_of

    edges: list[tuple[str, str]] = []
    for c in planted:
        m = sorted(c)
        edges += [(m[0], x) for x in m]
    # a source left out of the crawl still ties its copies to its near-duplicates
    for c in planted:
        src = next((x for x in c if not x.startswith("copy-")), None) or sorted(c)[0].split("copy-", 1)[1].rsplit("-", 1)[0]
        edges += [(sorted(c)[0], other) for other in same.get(src, ()) if other in present]
    edges += [(a, b) for a, bs in same.items() for b in bs if a in present and b in present]
    # components_of works on integers: number the documents, then name them back
    names = sorted({x for e in edges for x in e})
    number = {x: i for i, x in enumerate(names)}
    groups = ({names[i] for i in comp if names[i] in present} for comp in components_of((number[a], number[b]) for a, b in edges))
    return [g for g in groups if len(g) > 1]


def pair_set(clusters: list[set[str]]) -> set[tuple[str, str]]:
    return {(a, b) for c in clusters for a in c for b in c if a < b}


def evaluate(found: list[set[str]], planted: list[set[str]], gold: list[set[str]]) -> dict[str, float]:
    """Planted clusters against the clusters found.

    Recall counts the planted pairs (and planted clusters) found; precision counts the found
    pairs (and clusters) that lie inside one gold cluster — a planted cluster extended by the
    BBC articles that are near-duplicates of its members, which may or may not be joined.
    """
    fp, pp, gp = pair_set(found), pair_set(planted), pair_set(gold)
    owner = {x: i for i, g in enumerate(gold) for x in g}
    inside = [f for f in found if len({owner.get(x, -1 - k) for k, x in enumerate(f)}) == 1]
    hit = sum(any(p <= f for f in inside) for p in planted if len(p) > 1)
    return {
        "pair_precision": len(fp & gp) / len(fp) if fp else 1.0, "pair_recall": len(fp & pp) / len(pp) if pp else 1.0,
        "cluster_recall": hit / sum(len(p) > 1 for p in planted), "cluster_precision": len(inside) / len(found) if found else 1.0,
        "gold_clusters": sum(len(p) > 1 for p in planted), "found_clusters": len(found),
    }


def read_clusters(out: Path) -> list[set[str]]:
    import pyarrow.parquet as pq

    groups: dict[int, set[str]] = {}
    for r in pq.read_table(out / "clusters.parquet", columns=["cluster", "id"]).to_pylist():
        groups.setdefault(r["cluster"], set()).add(r["id"])
    return list(groups.values())


def write_parquet(path: Path, docs: list[tuple[str, str]], row_group: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({"id": [i for i, _ in docs], "text": [t for _, t in docs]}), path, row_group_size=row_group, compression="zstd")


def run(label: str, inputs: list[str], out: Path, **kw) -> dict:
    from unspin.scan import scan

    shutil.rmtree(out, ignore_errors=True)
    load0 = os.getloadavg()
    c0 = time.process_time()
    t0 = time.perf_counter()
    s = scan(inputs, out, **kw)
    wall = time.perf_counter() - t0
    d = s.to_dict()
    d.update(label=label, wall=wall, client_cpu_s=time.process_time() - c0, load_before=load0, load_after=os.getloadavg())
    print(f"{label}: {json.dumps({k: d[k] for k in ('documents', 'workers', 'wall_s', 'documents_per_s', 'task_cpu_s', 'stage_s', 'worker_peak_rss_mb', 'clusters', 'clustered_documents', 'candidate_pairs', 'verified_pairs', 'errors', 'spun', 'checked')})} load {load0[0]:.2f}->{d['load_after'][0]:.2f}", flush=True)
    return d


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=200_000, help="Documents in the crawl.")
    ap.add_argument("--planted", type=int, default=600, help="BBC sources given spun copies.")
    ap.add_argument("--detect-docs", type=int, default=400, help="Documents in the full-check sample.")
    ap.add_argument("--workers", default="1,2", help="Worker counts to run.")
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--out", type=Path, default=ROOT / "results" / "scan.md")
    ap.add_argument("--report-only", action="store_true", help="Rewrite the table from bench/results/scan.json without running.")
    ap.add_argument("--scaling-only", action="store_true", help="Run only (c), the scaling check, and rewrite the table with the other results from bench/results/scan.json.")
    ap.add_argument("--repeat", type=int, default=3, help="Runs per worker count in (c); the fastest counts.")
    ap.add_argument("--index-only", action="store_true", help="Run only (d), the scan with an index, and rewrite the table with the other results from bench/results/scan.json.")
    ap.add_argument("--index-docs", type=int, default=40, help="Spun copies (and as many unrelated articles) in (d).")
    ap.add_argument("--label", default="current", help="Row label of this run in (d).")
    args = ap.parse_args()
    cmd = "python -m bench.scan " + " ".join(sys.argv[1:])
    workers = [int(w) for w in args.workers.split(",")]

    t0 = time.perf_counter()
    records = load_bbc()
    if args.index_only:
        raw = json.loads((args.out.parent / "scan.json").read_text())
        raw.setdefault("index", {})[args.label] = index_scan(records, args.index_docs, args.seed, cmd)
        (args.out.parent / "scan.json").write_text(json.dumps(raw, indent=1, default=str))
        splice_index_table(args.out, raw["index"])
        print("\n".join(index_lines(raw["index"])))
        return
    copies, planted, dropped = planted_copies(records, args.planted, args.seed)
    sources = [r for r in records if r["id"] not in dropped]
    same = duplicates(records)
    base = [(r["id"], r["text"]) for r in sources] + copies
    distractors = make_corpus([{"id": i, "text": t} for i, t in base], args.docs, args.seed)[len(base):]
    crawl = base + distractors
    random.Random(args.seed).shuffle(crawl)
    present = {i for i, _ in crawl}
    gold = gold_clusters(planted, same, present)
    path = WORK / f"crawl-{args.docs}-{args.planted}-{args.seed}.parquet"
    if not path.exists():
        write_parquet(path, crawl, 2000)
    planted = [c & present for c in planted]
    sample_ids = {i for c in planted[: args.detect_docs // 2] for i in c}
    sample = [d for d in crawl if d[0] in sample_ids][: args.detect_docs]
    sample += [(i, t) for i, t in crawl if i not in sample_ids and not i.startswith(("copy-", "distractor-"))][: args.detect_docs - len(sample)]
    spath = WORK / f"sample-{args.detect_docs}-{args.seed}.parquet"
    write_parquet(spath, sample, 20)
    words = sum(len(t.split()) for _, t in crawl)
    swords = sum(len(t.split()) for _, t in sample)
    print(f"crawl: {len(crawl):,} documents ({len(base):,} BBC articles and spun copies, {len(distractors):,} distractors), "
          f"{words / len(crawl):.0f} words/document; {len(gold)} gold clusters ({sum(len(g) for g in gold)} documents); "
          f"sample {len(sample)} documents; made in {time.perf_counter() - t0:.0f}s", flush=True)

    sizes = [len(crawl), len(distractors), len(base), gold, words, len(sample), swords]
    if args.report_only or args.scaling_only:  # reuse the last run's bench/results/scan.json
        raw = json.loads((args.out.parent / "scan.json").read_text())
        results = {k: {int(w): d for w, d in v.items()} if k in ("cluster", "detect", "scaling") else v for k, v in raw.items() if isinstance(v, dict)}
        if args.scaling_only:
            results["scaling"] = scaling(path, workers, args.repeat)
            raw["scaling"] = results["scaling"]
        (args.out.parent / "scan.json").write_text(json.dumps(raw, indent=1, default=str))
        write(args, raw_cmd(raw, cmd), results, *sizes)
        return
    results = {"cluster": {}, "detect": {}, "scaling": {}, "cmd": cmd}
    for w in workers:
        d = run(f"cluster, {w} worker(s)", [str(path)], WORK / f"out-cluster-{w}", workers=w, detect=False, cluster=True, partition_rows=2000)
        d["quality"] = evaluate(read_clusters(WORK / f"out-cluster-{w}"), planted, gold)
        print(d["quality"], flush=True)
        results["cluster"][w] = d
    for w in workers:
        d = run(f"full check, {w} worker(s)", [str(spath)], WORK / f"out-detect-{w}", workers=w, detect=True, cluster=False, partition_rows=20)
        results["detect"][w] = d
    results["scaling"] = scaling(path, workers, args.repeat)
    old = json.loads((args.out.parent / "scan.json").read_text()) if (args.out.parent / "scan.json").exists() else {}
    if old.get("index"):
        results["index"] = old["index"]
    write(args, cmd, results, *sizes)


def index_scan(records: list[dict], n: int, seed: int, cmd: str) -> dict:
    """(d) A scan with an index and the detector, in-process: ``n`` spun copies of indexed articles, ``n`` held-out articles."""
    import hashlib

    import pyarrow.parquet as pq

    from unspin.index import SourceIndex
    from unspin.model import Document

    rng = random.Random(seed)
    held = set(r["id"] for r in rng.sample(records, n))
    indexed = [r for r in records if r["id"] not in held]
    copied = rng.sample(indexed, n)
    spinner = Spinner(rate=0.3, pick="uniform", seed=seed)
    docs = [(f"copy-{r['id']}", spinner.spin(r["text"]).text) for r in copied] + [(r["id"], r["text"]) for r in records if r["id"] in held]
    random.Random(seed).shuffle(docs)
    truth = {f"copy-{r['id']}": r["id"] for r in copied}
    ix_path = WORK / f"index-{seed}-{n}.db"
    if not ix_path.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        tmp = ix_path.with_suffix(".tmp.db")
        tmp.unlink(missing_ok=True)
        with SourceIndex.open(tmp) as ix, ix.insertion_session():
            for r in indexed:
                ix.add(Document(r["text"], id=r["id"]))
        tmp.rename(ix_path)
    path = WORK / f"index-queries-{seed}-{n}.parquet"
    write_parquet(path, docs, 20)
    out = WORK / "out-index"
    d = run("index scan, in-process", [str(path)], out, index=ix_path, workers=0, detect=True, partition_rows=20)
    got = pq.read_table(sorted((out / "documents").glob("part-*.parquet")), columns=["id", "source_id", "verdict", "spin_score", "flags", "matches"]).to_pylist()
    d["copies"], d["unrelated"], d["indexed"] = n, n, len(indexed)
    d["source_right"] = sum(r["source_id"] == truth[r["id"]] for r in got if r["id"] in truth)
    d["false_sources"] = sum(r["source_id"] is not None for r in got if r["id"] not in truth)
    d["rows_sha256"] = hashlib.sha256(json.dumps(got, sort_keys=True).encode()).hexdigest()[:16]
    d["cmd"] = cmd
    return d


def scaling(path: Path, workers: list[int], repeat: int) -> dict[int, dict]:
    """(c) The partition stage (read, fingerprint, MinHash, write) on a 20,000-document slice, best of ``repeat`` runs per worker
    count: short runs, so at least one is likely to find the shared CPUs free."""
    import pyarrow.parquet as pq

    part = WORK / f"slice-20000-of-{path.stem}.parquet"  # (fewer documents when the crawl is smaller)
    if not part.exists():
        f = pq.ParquetFile(path)
        pq.write_table(f.read_row_groups(list(range(min(10, f.num_row_groups)))), part, row_group_size=2000)
    out: dict[int, dict] = {}
    for w in workers:
        runs = [run(f"slice, {w} worker(s), run {i + 1}", [str(part)], WORK / f"out-slice-{w}", workers=w, detect=False, cluster=True)
                for i in range(repeat)]
        best = min(runs, key=lambda d: d["stage_s"]["partitions"])
        best["runs"] = [d["stage_s"]["partitions"] for d in runs]
        out[w] = best
    return out


if __name__ == "__main__":
    main()

"""Source-search benchmark: find the source of spun copies in a large index.

Index: BBC development articles (the sources) plus synthetic near-miss
distractors made by shuffling sentences of the sources across documents (each
distractor is 12-30 sentences drawn at random from all sources, so every
source sentence also appears in many distractors). Held-out BBC articles are
neither indexed nor used for distractors; they are the unrelated queries.

Queries (spun by ``spinner.Spinner``, habits mixed uniform/common/front):
* ``spun 30%`` / ``spun 50%``: whole articles at 30 % / 50 % substitution;
* ``partial 1/3``: the middle third of a 30 %-spun article inside a page of
  two unrelated held-out articles (the copy is a third of the page);
* ``unrelated``: held-out articles; any reported match is a false match.

Systems, on the same index and queries:
* unspin: `unspin.index.SourceIndex` on SQLite (skeleton shingles, alignment);
* MinHashLSH: datasketch, word 5-grams, num_perm 128, default threshold 0.9,
  in memory; the candidate with the highest estimated Jaccard is its answer;
* TF-IDF: scikit-learn TfidfVectorizer (sublinear tf), exhaustive cosine
  against every document; top-1 is its answer (a sparse matrix in memory).

    python -m bench.search --docs 100000        # writes bench/results/search.md

Needs ``pip install -e '.[bench]'`` and /work/shared/data/bbc_news_dev.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import sys
import time
from pathlib import Path

import numpy as np

from devkit.spinner import Spinner, load_bbc
from unspin.index import SourceIndex
from unspin.model import Document
from unspin.text import split_sentences

ROOT = Path(__file__).resolve().parent


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def grams8(text: str) -> set[str]:
    w = text.lower().split()
    return {" ".join(w[i : i + 8]) for i in range(len(w) - 7)}


def duplicates(sources: list[dict]) -> dict[str, set[str]]:
    """Sources sharing at least half their word 8-grams with another source (BBC has repeats)."""
    grams = {r["id"]: grams8(r["text"]) for r in sources}
    inv: dict[str, list[str]] = {}
    for i, g in grams.items():
        for x in g:
            inv.setdefault(x, []).append(i)
    out: dict[str, set[str]] = {}
    for i, g in grams.items():
        shared: dict[str, int] = {}
        for x in g:
            for j in inv[x]:
                if j != i:
                    shared[j] = shared.get(j, 0) + 1
        for j, n in shared.items():
            if n >= 0.5 * min(len(g), len(grams[j])):
                out.setdefault(i, set()).add(j)
    return out


def make_corpus(records: list[dict], n_docs: int, seed: int) -> list[tuple[str, str]]:
    """Sources plus sentence-shuffled distractors, ``n_docs`` in all."""
    rng = random.Random(seed)
    pool = [r["text"][s.start : s.end] for r in records for s in split_sentences(r["text"])]
    docs = [(r["id"], r["text"]) for r in records]
    for i in range(max(0, n_docs - len(docs))):
        docs.append((f"distractor-{i}", " ".join(rng.choice(pool) for _ in range(rng.randint(12, 30)))))
    return docs


def make_queries(sources: list[dict], heldout: list[dict], n: int, seed: int) -> dict[str, list[tuple[str | None, str]]]:
    rng = random.Random(seed)
    picks = ("uniform", "common", "front")
    spinners = {(rate, p): Spinner(rate=rate, pick=p, seed=seed + i) for i, (rate, p) in enumerate((r, p) for r in (0.3, 0.5) for p in picks)}
    chosen = rng.sample(sources, min(n, len(sources)))
    q: dict[str, list[tuple[str | None, str]]] = {"spun 30%": [], "spun 50%": [], "partial 1/3": [], "unrelated": []}
    for i, r in enumerate(chosen):
        p = picks[i % 3]
        q["spun 30%"].append((r["id"], spinners[(0.3, p)].spin(r["text"]).text))
        q["spun 50%"].append((r["id"], spinners[(0.5, p)].spin(r["text"]).text))
        spun = spinners[(0.3, p)].spin(r["text"]).text
        a, b = rng.sample(heldout, 2)
        third = len(spun) // 3
        mid = spun[third : 2 * third]
        mid = mid[mid.find(" ") + 1 : mid.rfind(" ")]
        q["partial 1/3"].append((r["id"], a["text"] + "\n\n" + mid + "\n\n" + b["text"]))
    for r in heldout[:n]:
        q["unrelated"].append((None, r["text"]))
    return q


def evaluate(name: str, answer, queries, same: dict[str, set[str]] | None = None, warm: int = 20) -> dict[str, dict[str, float]]:
    """``answer(text) -> id | None``; recall@1 per query set, false-match rate, latency."""
    allq = [t for qs in queries.values() for _, t in qs]
    for t in allq[:warm]:
        answer(t)
    out: dict[str, dict[str, float]] = {}
    lat: list[float] = []
    cpu: list[float] = []
    misses: list[str] = []
    for qname, qs in queries.items():
        hits = 0
        for gold, text in qs:
            t0, c0 = time.perf_counter(), time.process_time()
            got = answer(text)
            lat.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            ok = (got is not None) if gold is None else (got == gold or got in (same or {}).get(gold, ()))
            hits += ok
            if not ok if gold is not None else ok:
                misses.append(f"{qname}: {gold} -> {got}")
        out[qname] = {"rate": hits / len(qs)}
    out["latency"] = {"p50": float(np.percentile(lat, 50)) * 1000, "p95": float(np.percentile(lat, 95)) * 1000,
                      "cpu_p50": float(np.percentile(cpu, 50)) * 1000, "cpu_p95": float(np.percentile(cpu, 95)) * 1000}
    print(name, {k: v for k, v in out.items()}, flush=True)
    print(f"{name} errors ({len(misses)}): {misses[:15]}", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100_000, help="Index size (sources + distractors).")
    ap.add_argument("--queries", type=int, default=200, help="Queries per set.")
    ap.add_argument("--heldout", type=int, default=100, help="BBC articles kept out of the index (unrelated queries, page filler).")
    ap.add_argument("--baseline-docs", type=int, default=None, help="Index size for the baselines (default: --docs).")
    ap.add_argument("--no-baselines", action="store_true")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--tfidf-threshold", type=float, default=0.3, help="Lowest cosine TF-IDF reports as a match.")
    ap.add_argument("--out", type=Path, default=ROOT / "results" / "search.md")
    args = ap.parse_args()
    cmd = "python -m bench.search " + " ".join(sys.argv[1:])

    records = load_bbc()
    random.Random(args.seed).shuffle(records)
    heldout, sources = records[: args.heldout], records[args.heldout :]
    # The BBC set has duplicate and overlapping articles: a held-out article that shares
    # a word 8-gram with a source is text reuse, not an unrelated article. Drop those.
    source_grams = {g for r in sources for g in grams8(r["text"])}
    reused = [r for r in heldout if grams8(r["text"]) & source_grams]
    heldout = [r for r in heldout if r not in reused]
    print(f"{len(reused)} held-out articles dropped for text reuse with a source; {len(heldout)} unrelated", flush=True)
    t0 = time.perf_counter()
    cache = ROOT / "work" / "search" / f"queries-{args.seed}-{args.queries}-{args.heldout}.json"
    if cache.exists():
        queries = {k: [tuple(x) for x in v] for k, v in json.loads(cache.read_text()).items()}
    else:
        queries = make_queries(sources, heldout, args.queries, args.seed)
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(queries))
    same = duplicates(sources)
    print(f"{sum(len(v) for v in same.values()) // 2} pairs of near-duplicate sources in the BBC set (>= half their word 8-grams shared): either one counts as the source", flush=True)
    corpus = make_corpus(sources, args.docs, args.seed)
    print(f"{len(corpus)} documents, queries made in {time.perf_counter() - t0:.0f}s", flush=True)

    work = ROOT / "work" / "search"
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"index-{args.docs}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    rss0 = rss_mb()
    ix = SourceIndex.open(path)
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    ix.add_many((Document(text, id=i) for i, text in corpus), batch_size=2000)
    ingest_s = time.perf_counter() - t0
    ingest_cpu = time.process_time() - cpu0
    stats = ix.stats()
    print(f"ingest {len(corpus) / ingest_s:.0f} docs/s wall, {len(corpus) / ingest_cpu:.0f} docs/s CPU; {stats}", flush=True)

    def unspin_answer(text: str) -> str | None:
        m = ix.search(text, top=1)
        return m[0].id if m else None

    results = {"unspin": evaluate("unspin", unspin_answer, queries, same)}
    unspin_rss = rss_mb()
    build = {"unspin": (len(corpus) / ingest_s, len(corpus) / ingest_cpu)}
    base_n = args.baseline_docs or args.docs
    if not args.no_baselines:
        bcorpus = corpus[:base_n]
        import re

        from datasketch import MinHash, MinHashLSH

        word = re.compile(r"\w+")

        def grams(text: str) -> list[bytes]:
            w = word.findall(text.lower())
            return [" ".join(w[i : i + 5]).encode() for i in range(max(1, len(w) - 4))]

        def minhash(text: str) -> MinHash:
            m = MinHash(num_perm=128)
            m.update_batch(grams(text))
            return m

        t0 = time.perf_counter()
        lsh = MinHashLSH(num_perm=128)  # default threshold 0.9
        sigs = {}
        with lsh.insertion_session() as sess:
            for i, text in bcorpus:
                sigs[i] = minhash(text)
                sess.insert(i, sigs[i])
        build["MinHashLSH"] = (len(bcorpus) / (time.perf_counter() - t0),) * 2

        def lsh_answer(text: str) -> str | None:
            q = minhash(text)
            c = lsh.query(q)
            return max(c, key=lambda k: q.jaccard(sigs[k])) if c else None

        results["MinHashLSH"] = evaluate("MinHashLSH", lsh_answer, queries, same)
        del lsh, sigs

        from sklearn.feature_extraction.text import TfidfVectorizer

        t0 = time.perf_counter()
        vec = TfidfVectorizer(sublinear_tf=True, dtype=np.float32)
        X = vec.fit_transform(t for _, t in bcorpus).T.tocsr().T.tocsr()
        ids = [i for i, _ in bcorpus]
        build["TF-IDF"] = (len(bcorpus) / (time.perf_counter() - t0),) * 2

        def tfidf_answer(text: str) -> str | None:
            s = (X @ vec.transform([text]).T).toarray().ravel()
            best = int(s.argmax())
            return ids[best] if s[best] >= args.tfidf_threshold else None

        results["TF-IDF"] = evaluate("TF-IDF", tfidf_answer, queries, same)
    write(args, cmd, results, build, stats, unspin_rss, rss0, len(corpus), base_n)


def write(args, cmd, results, build, stats, unspin_rss, rss0, n, base_n) -> None:
    sets = ["spun 30%", "spun 50%", "partial 1/3", "unrelated"]
    lines = [
        "# Source search benchmark",
        "",
        f"`{cmd}` — {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs (shared), {time.strftime('%Y-%m-%d')}.",
        "",
        f"Index: {n:,} documents (BBC dev sources + sentence-shuffled near-miss distractors); baselines on the first {base_n:,}. "
        f"{args.queries} queries per set; `unrelated` shows the false-match rate (lower is better), the others recall@1. "
        f"TF-IDF answers only at cosine >= {args.tfidf_threshold}.",
        "",
        "| system | docs | " + " | ".join(sets) + " | p50 ms | p95 ms | CPU p95 ms | build docs/s |",
        "|---|---:|" + "---:|" * (len(sets) + 4),
    ]
    for name, r in results.items():
        docs = n if name == "unspin" else base_n
        lines.append(
            f"| {name} | {docs:,} | " + " | ".join(f"{r[s]['rate']:.3f}" for s in sets)
            + f" | {r['latency']['p50']:.1f} | {r['latency']['p95']:.1f} | {r['latency']['cpu_p95']:.1f} | {build[name][0]:,.0f} |"
        )
    u = results["unspin"]
    lines += ["", "Ratios (unspin / baseline; speed = baseline p95 latency / unspin p95 latency):", ""]
    for name, r in results.items():
        if name == "unspin":
            continue
        rec = " ".join(f"{s}: {u[s]['rate'] / r[s]['rate']:.2f}x" if r[s]["rate"] else f"{s}: {u[s]['rate']:.3f} vs 0" for s in sets[:3])
        lines.append(f"- vs {name}: recall {rec}; query speed (p95 wall) {r['latency']['p95'] / u['latency']['p95']:.1f}x, (p50 wall) {r['latency']['p50'] / u['latency']['p50']:.1f}x")
    lines += [
        "",
        f"unspin index: {stats['bytes'] / 1e6:,.0f} MB on disk, {stats['bytes_per_document']:,.0f} bytes/document "
        f"(text zlib-compressed + {stats['postings'] / n:.1f} postings/document); ingest {build['unspin'][0]:,.0f} docs/s wall, "
        f"{build['unspin'][1]:,.0f} docs/s CPU, one process; peak RSS {unspin_rss:,.0f} MB after unspin's runs "
        f"({rss0:,.0f} MB before the index was built: corpus and queries in memory, the spinner's thesaurus).",
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()

"""Clusters of spun copies in the scanned documents: LSH band join, verification by alignment, components.

Run by `find_clusters` after every partition is written, as Dask tasks:

1. **Band join**: each partition's LSH band keys (`unspin.scan.minhash`) are
   hash-partitioned into buckets (`band_buckets`, map tasks), each bucket is
   joined on the key (`join_bucket`, reduce tasks): a shuffle in the task graph;
   documents sharing a key are candidates.
2. **Verification**: candidate clusters (connected components of the candidate
   pairs) are spread over buckets; the members' texts are routed to their
   bucket (`gather_texts`, a second shuffle) and candidate pairs are aligned
   (`verify_bucket`, `unspin.align`); verified pairs make the clusters
   (connected components), written to ``clusters.parquet`` and ``pairs.parquet``.

Every task is a deterministic function of its arguments and of the partition files.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from unspin.scan.minhash import LSHOptions, band_keys
from unspin.scan.output import RECORD_BITS, atomic_write_table, doc_key, part_path, split_key
from unspin.scan.partitions import Plan
from unspin.scan.progress import say

#: Most map tasks in a shuffle: partitions are grouped so the graph has at most this many x buckets edges.
MAX_MAP_TASKS = 256
#: Most buckets in the band join and in verification.
MAX_BUCKETS = 64


@dataclass(frozen=True)
class VerifyOptions:
    #: Lowest alignment score (identical words in aligned passages over the shorter text's words,
    #: capped at 150 words) for two documents to count as copies of one another.
    min_score: float = 0.5
    #: Candidate clusters up to this size have all their pairs considered; larger ones only the LSH pairs.
    all_pairs_up_to: int = 64

    def to_dict(self) -> dict[str, Any]:
        return {"min_score": self.min_score, "all_pairs_up_to": self.all_pairs_up_to}


def band_buckets(parts: list[tuple[str, int]], lsh: LSHOptions, nbuckets: int) -> tuple[np.ndarray, ...]:
    """Map side of the band join: the (band key, document key) pairs of a group of partitions
    (``(path, pid)`` each), hash-partitioned into ``nbuckets`` arrays of shape (m, 2) int64.

    Grouping partitions keeps the shuffle's graph at (map groups x buckets) edges however
    many partitions there are."""
    import pyarrow.parquet as pq

    out: list[list[np.ndarray]] = [[] for _ in range(nbuckets)]
    for path, pid in parts:
        t = pq.read_table(path, columns=["record", "minhash"])
        recs = t.column("record").to_numpy()
        mh = t.column("minhash").to_pylist()
        keep = [i for i, m in enumerate(mh) if m is not None]
        if not keep:
            continue
        sigs = np.array([mh[i] for i in keep], dtype=np.uint64)
        keys = band_keys(sigs, lsh.bands)  # (n, bands)
        gids = (np.int64(pid) << np.int64(RECORD_BITS)) | recs[keep].astype(np.int64)
        flat_keys = keys.reshape(-1)
        flat_gids = np.repeat(gids, lsh.bands)
        bucket = (flat_keys % np.uint64(nbuckets)).astype(np.int64)
        pairs = np.stack([flat_keys.view(np.int64), flat_gids], axis=1)
        for b in range(nbuckets):
            out[b].append(pairs[bucket == b])
    return tuple(np.concatenate(x) if x else np.zeros((0, 2), dtype=np.int64) for x in out)


def join_bucket(*arrays: np.ndarray) -> np.ndarray:
    """Reduce side of the band join: documents sharing a band key become candidate pairs.

    Each group of documents with one key yields a star (its smallest key with each
    other member): enough to connect the group, linear in its size.
    """
    a = np.concatenate([x for x in arrays if len(x)]) if any(len(x) for x in arrays) else np.zeros((0, 2), dtype=np.int64)
    if len(a) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    a = a[np.lexsort((a[:, 1], a[:, 0]))]
    new_group = np.ones(len(a), dtype=bool)
    new_group[1:] = a[1:, 0] != a[:-1, 0]
    heads = np.maximum.accumulate(np.where(new_group, np.arange(len(a)), 0))
    first = a[heads, 1]
    pairs = np.stack([first, a[:, 1]], axis=1)[~new_group]
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    return np.unique(pairs, axis=0) if len(pairs) else np.zeros((0, 2), dtype=np.int64)


def gather_texts(parts: list[tuple[str, int, dict[int, int]]], nbuckets: int) -> tuple[list[tuple[int, str | None, str | None, str]], ...]:
    """The texts of the records in candidate clusters of a group of partitions (``(path, pid, wanted)``
    each, ``wanted``: record -> bucket), routed to their verification bucket."""
    import pyarrow.parquet as pq

    out: tuple[list[tuple[int, str | None, str | None, str]], ...] = tuple([] for _ in range(nbuckets))
    for path, pid, wanted in parts:
        t = pq.read_table(path, columns=["record", "id", "source", "text"])
        recs = t.column("record").to_pylist()
        idx = [i for i, r in enumerate(recs) if r in wanted]
        ids, sources, texts = (t.column(c).take(idx).to_pylist() for c in ("id", "source", "text"))
        for j, i in enumerate(idx):
            out[wanted[recs[i]]].append((doc_key(pid, recs[i]), ids[j], sources[j], texts[j]))
    return out


def verify_bucket(components: list[tuple[list[int], list[tuple[int, int]]]], opts: VerifyOptions,
                  *text_lists: list[tuple[int, str | None, str | None, str]]) -> dict[str, Any]:
    """Verify candidate clusters by alignment; return verified edges and members' ids.

    Within a candidate cluster, pairs are tried in a fixed order (LSH pairs first, then
    the others) and a pair whose documents are already connected is skipped: the
    connected components are those of all verified pairs, at about one alignment per
    member for a true cluster.
    """
    from unspin.align import align
    from unspin.text import tokenize

    docs: dict[int, tuple[str | None, str | None, str]] = {}
    for lst in text_lists:
        for key, i, s, text in lst:
            docs[key] = (i, s, text)
    tokens: dict[int, Any] = {}
    edges: list[tuple[int, int, float, float]] = []
    for members, lsh_pairs in components:
        parent = {m: m for m in members}
        order = list(lsh_pairs)
        if len(members) <= opts.all_pairs_up_to:
            seen = set(order)
            order += [(a, b) for i, a in enumerate(members) for b in members[i + 1 :] if (a, b) not in seen]
        for a, b in order:
            ra, rb = _find(parent, a), _find(parent, b)
            if ra == rb or a not in docs or b not in docs:
                continue
            if a not in tokens:
                tokens[a] = tokenize(docs[a][2])
            al = align(docs[a][2], docs[b][2], copy_tokens=tokens[a])
            if al.score >= opts.min_score:
                parent[max(ra, rb)] = min(ra, rb)
                edges.append((a, b, round(al.score, 4), round(al.coverage, 4)))
    return {"edges": edges, "docs": {k: (v[0], v[1]) for k, v in docs.items()}}


def _find(parent: dict[int, int], x: int) -> int:
    """The root of ``x`` in a union-find forest (path halving)."""
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def components_of(pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Connected components (each sorted, listed by smallest member) of a graph given by its edges."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(int(a)), find(int(b))
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for x in parent:
        groups.setdefault(find(x), []).append(x)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def groups(items: list[Any], most: int = MAX_MAP_TASKS) -> list[list[Any]]:
    """``items`` in at most ``most`` consecutive groups of (nearly) equal size."""
    if not items:
        return []
    size = -(-len(items) // most)
    return [items[i : i + size] for i in range(0, len(items), size)]


def find_clusters(ex: Any, plan: Plan, out: Path, lsh: LSHOptions, verify: VerifyOptions, stage_s: dict[str, float],
                  console: Any = None) -> dict[str, Any]:
    """Band join, verification, connected components on the `Executor` ``ex``; writes clusters.parquet and
    pairs.parquet; returns the counts (kept in the manifest). Stage wall times go into ``stage_s``."""
    from dask import delayed

    parts = plan.partitions
    nb = max(1, min(MAX_BUCKETS, len(parts)))
    t = time.perf_counter()
    map_groups = groups([(str(part_path(out, p.pid)), p.pid) for p in parts])
    say(console, f"band join: {len(parts)} partitions in {len(map_groups)} map tasks → {nb} buckets")
    maps = [delayed(band_buckets, nout=nb, pure=True)(g, lsh, nb) for g in map_groups]
    joins = [delayed(join_bucket, pure=True)(*[m[b] for m in maps]) for b in range(nb)]
    pair_arrays = ex.compute(joins)
    cand = np.concatenate([a for a in pair_arrays if len(a)]) if any(len(a) for a in pair_arrays) else np.zeros((0, 2), dtype=np.int64)
    cand = np.unique(cand, axis=0) if len(cand) else cand
    stage_s["band join"] = round(time.perf_counter() - t, 2)

    t = time.perf_counter()
    comps = [c for c in components_of(map(tuple, cand.tolist())) if len(c) > 1]
    say(console, f"verify: {len(cand):,} candidate pairs in {len(comps):,} candidate clusters")
    nv = max(1, min(MAX_BUCKETS, len(comps), len(parts)))
    comp_of: dict[int, int] = {m: ci for ci, c in enumerate(comps) for m in c}
    lsh_pairs: list[list[tuple[int, int]]] = [[] for _ in comps]
    for a, b in cand.tolist():
        lsh_pairs[comp_of[a]].append((a, b))
    buckets: list[list[tuple[list[int], list[tuple[int, int]]]]] = [[] for _ in range(nv)]
    for ci, c in enumerate(comps):
        buckets[ci % nv].append((c, lsh_pairs[ci]))
    wanted: dict[int, dict[int, int]] = {}
    for ci, c in enumerate(comps):
        for m in c:
            pid, rec = split_key(m)
            wanted.setdefault(pid, {})[rec] = ci % nv
    edges: list[tuple[int, int, float, float]] = []
    names: dict[int, tuple[str | None, str | None]] = {}
    if comps:
        gathers = [delayed(gather_texts, nout=nv, pure=True)(g, nv)
                   for g in groups([(str(part_path(out, pid)), pid, w) for pid, w in sorted(wanted.items())])]
        verifies = [delayed(verify_bucket, pure=True)(buckets[v], verify, *[g[v] for g in gathers]) for v in range(nv)]
        for res in ex.compute(verifies):
            edges.extend(res["edges"])
            names.update(res["docs"])
    edges.sort()
    clusters = components_of((a, b) for a, b, _, _ in edges)
    stage_s["verify"] = round(time.perf_counter() - t, 2)
    _write(out, clusters, edges, names)
    return {"clusters": len(clusters), "documents": sum(len(c) for c in clusters), "candidate_pairs": int(len(cand)),
            "candidate_clusters": len(comps), "verified_pairs": len(edges)}


def _write(out: Path, clusters: list[list[int]], edges: list[tuple[int, int, float, float]],
           names: dict[int, tuple[str | None, str | None]]) -> None:
    import pyarrow as pa

    cols: dict[str, list[Any]] = {"cluster": [], "size": [], "partition": [], "record": [], "id": [], "source": []}
    for ci, members in enumerate(clusters):
        for m in members:
            pid, rec = split_key(m)
            i, s = names.get(m, (None, None))
            for k, v in zip(cols, (ci, len(members), pid, rec, i, s)):
                cols[k].append(v)
    schema = pa.schema([("cluster", pa.int64()), ("size", pa.int32()), ("partition", pa.int32()), ("record", pa.int32()), ("id", pa.string()), ("source", pa.string())])
    atomic_write_table(out / "clusters.parquet", pa.Table.from_pydict(cols, schema=schema))
    pcols: dict[str, list[Any]] = {"partition_a": [], "record_a": [], "partition_b": [], "record_b": [], "score": [], "coverage": []}
    for a, b, score, cov in edges:
        (pa_, ra), (pb, rb) = split_key(a), split_key(b)
        for k, val in zip(pcols, (pa_, ra, pb, rb, score, cov)):
            pcols[k].append(val)
    pschema = pa.schema([("partition_a", pa.int32()), ("record_a", pa.int32()), ("partition_b", pa.int32()), ("record_b", pa.int32()),
                         ("score", pa.float64()), ("coverage", pa.float64())])
    atomic_write_table(out / "pairs.parquet", pa.Table.from_pydict(pcols, schema=pschema))

"""unspin scan: partitions, output rows, planted clusters, resume, a killed worker, agreement with check."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from scan_samples import article, make_crawl, rows, spin
from unspin.scan import ScanError, plan_partitions, scan, verified_pairs


def part_files(out: Path) -> dict[str, tuple[int, int]]:
    """Each partition file's inode and modification time: a file written again (atomically) gets a new inode."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted((out / "documents").glob("part-*.parquet"))}


def found_clusters(out: Path) -> list[set[str]]:
    groups: dict[int, set[str]] = {}
    for r in pq.read_table(out / "clusters.parquet").to_pylist():
        groups.setdefault(r["cluster"], set()).add(r["id"])
    return sorted(groups.values(), key=sorted)


def output_tables(out: Path) -> dict[str, pa.Table]:
    tables = {p.name: pq.read_table(p) for p in sorted((out / "documents").glob("part-*.parquet"))}
    for name in ("clusters.parquet", "pairs.parquet"):
        tables[name] = pq.read_table(out / name)
    return tables


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as lc, Client(lc) as client:
        yield lc, client


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    root = tmp_path_factory.mktemp("crawl")
    paths, planted = make_crawl(root / "in", sources=6, unrelated=10)
    return root, paths, planted


@pytest.fixture(scope="module")
def reference(crawl):
    """An uninterrupted in-process scan: what every other run must reproduce."""
    root, paths, _ = crawl
    s = scan(paths, root / "reference", workers=0, detect=False, partition_bytes=2000)
    return root / "reference", s


def test_plan_cuts_parquet_along_row_groups(tmp_path):
    p = tmp_path / "t.parquet"
    pq.write_table(pa.table({"id": [f"d{i}" for i in range(10)], "text": [article(__import__("random").Random(i), 2) for i in range(10)]}), p, row_group_size=2)
    plan = plan_partitions([str(p)], partition_rows=4)
    assert [part.pieces[0].row_groups for part in plan.partitions] == [(0, 2), (2, 4), (4, 5)]
    s = scan([str(p)], tmp_path / "out", workers=0, detect=False, partition_rows=4, options=None)
    got = rows(tmp_path / "out")
    assert [r["id"] for r in got] == [f"d{i}" for i in range(10)]
    # rows keep their number in the whole file, as unspin check reports them
    assert [r["source"] for r in got] == [f"{p}#{i + 1}" for i in range(10)]
    assert s.documents == 10 and s.partitions == 3


def test_scan_on_local_cluster_rows_clusters_and_resume(cluster, crawl, reference, tmp_path):
    lc, client = cluster
    root, paths, planted = crawl
    ref_out, ref = reference
    # Interrupt after 3 partitions (as a crash or ^C would), then start again with the same arguments.
    seen = []

    def interrupt(stats):
        seen.append(stats.pid)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        scan(paths, tmp_path / "out", scheduler=lc.scheduler_address, detect=False, partition_bytes=2000, on_partition=interrupt)
    assert not (tmp_path / "out" / "clusters.parquet").exists()
    # the partitions recorded as finished (others may have been written, not yet recorded: they are done again)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    before = {k: v for k, v in part_files(tmp_path / "out").items() if str(int(k[5:11])) in manifest["partitions"]}
    docs_before = sum(p["documents"] for p in manifest["partitions"].values())
    assert len(before) == len(manifest["partitions"]) >= 3
    s = scan(paths, tmp_path / "out", scheduler=lc.scheduler_address, detect=False, partition_bytes=2000)
    assert s.complete and s.workers == 2
    assert s.partitions_reused == len(before) and s.partitions == ref.partitions > 3
    # the work actually done: only the partitions not finished before, their documents only, earlier files untouched
    assert s.partitions_this_run == s.partitions - len(before)
    assert s.documents_this_run == 26 - docs_before < 26
    after = part_files(tmp_path / "out")
    assert {k: after[k] for k in before} == before
    # output rows: every document once, errors of the bad file as error rows
    got = rows(tmp_path / "out")
    ids = [r["id"] for r in got if r["status"] == "ok"]
    assert len(ids) == len(set(ids)) == 26
    errors = [r for r in got if r["status"] == "error"]
    assert len(errors) == 3 and all("crawl-bad.jsonl: line" in r["error"] for r in errors)
    assert s.documents == 26 and s.errors == 3
    assert len((tmp_path / "out" / "errors.jsonl").read_text().splitlines()) == 3
    # planted clusters found exactly, unrelated articles in none
    assert found_clusters(tmp_path / "out") == sorted(planted, key=sorted)
    assert s.clusters == len(planted)
    # the same output as the uninterrupted in-process run
    assert output_tables(tmp_path / "out") == output_tables(ref_out)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["documents"] == 26 and summary["complete"]
    # once complete, a rerun reuses everything and changes nothing
    done = part_files(tmp_path / "out")
    again = scan(paths, tmp_path / "out", scheduler=lc.scheduler_address, detect=False, partition_bytes=2000)
    assert again.partitions_reused == again.partitions and again.documents == 26
    assert again.partitions_this_run == again.documents_this_run == 0 and part_files(tmp_path / "out") == done
    assert output_tables(tmp_path / "out") == output_tables(ref_out)
    # interrupted during clustering (after every partition): the clusters are made again, the same
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    manifest.update(clusters_done=False, complete=False)
    (tmp_path / "out" / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "out" / "clusters.parquet").unlink()
    (tmp_path / "out" / "summary.json").unlink()
    third = scan(paths, tmp_path / "out", scheduler=lc.scheduler_address, detect=False, partition_bytes=2000)
    assert third.partitions_reused == third.partitions and third.clusters == len(planted)
    assert third.documents_this_run == 0 and part_files(tmp_path / "out") == done
    assert output_tables(tmp_path / "out") == output_tables(ref_out)


def test_worker_killed_mid_scan_loses_and_duplicates_nothing(cluster, tmp_path):
    import random

    lc, client = cluster
    rng = random.Random(3)
    bases = [article(rng) for _ in range(5)]
    inputs = []
    expected = set()
    for f in range(6):  # 6 files of ~900 KB: 6 partitions of ~0.5 s of work each
        docs = [{"id": f"f{f}-d{i}", "text": article(rng, 8)} for i in range(1200)]
        docs.append({"id": f"f{f}-copy", "text": spin(bases[f % 5], 0.3, rng)})
        expected |= {d["id"] for d in docs}
        p = tmp_path / f"in-{f}.jsonl"
        p.write_text("".join(json.dumps(d) + "\n" for d in docs))
        inputs.append(str(p))
    pids = client.run(os.getpid)
    killed: list[int] = []

    def killer() -> None:
        deadline = time.time() + 60
        while time.time() < deadline and not killed:
            busy = [w for w, keys in client.processing().items() if any("unspin-scan" in str(k) for k in keys)]
            if busy and busy[0] in pids:
                time.sleep(0.05)  # inside a partition task
                os.kill(pids[busy[0]], signal.SIGKILL)
                killed.append(pids[busy[0]])
                return
            time.sleep(0.02)

    th = threading.Thread(target=killer, daemon=True)
    th.start()
    s = scan(inputs, tmp_path / "out", scheduler=lc.scheduler_address, detect=False, partition_bytes=1 << 20, options=None)
    th.join(5)
    assert killed, "no worker was killed"
    assert s.complete and s.partitions == 6
    got = [r["id"] for r in rows(tmp_path / "out")]
    assert len(got) == len(set(got)) and set(got) == expected
    # the f0 and f5 copies share a source: one verified cluster
    assert {"f0-copy", "f5-copy"} in found_clusters(tmp_path / "out")
    client.wait_for_workers(2, timeout=60)  # the nanny restarted the killed worker
    assert killed[0] not in client.run(os.getpid).values()


def test_scan_and_check_agree_on_every_document(tmp_path, detector):
    import random

    from unspin.api import check
    from unspin.ingest import iter_documents

    rng = random.Random(11)
    base = article(rng, 5)
    docs = [{"id": "a", "text": base}, {"id": "b", "text": spin(base, 0.3, rng)}, {"id": "c", "text": article(rng, 4)},
            {"id": "fr", "text": "Le gouvernement a annoncé mardi qu'il augmenterait les impôts des grandes entreprises pour financer un nouveau plan destiné à aider les familles face à la hausse des factures d'énergie. Les ministres ont déclaré que le plan coûterait environ cinq milliards au cours des deux prochaines années."}]
    p = tmp_path / "docs.jsonl"
    p.write_text("".join(json.dumps(d) + "\n" for d in docs))
    s = scan([str(p)], tmp_path / "out", workers=0, jsonl=True)
    assert s.scheduler == "synchronous" and s.checked == 3 and s.skipped == {"language: fr": 1}
    got = {r["id"]: r for r in rows(tmp_path / "out")}
    for r in iter_documents([str(p)]):
        report = check(r.document, warnings=r.warnings).to_dict() if r.ok else None
        row = got[r.document.id]
        if report is None:
            assert row["status"] == "skipped"
            continue
        assert (row["spin_score"], row["verdict"], json.loads(row["flags"]), row["explanation"], row["text"]) == \
            (report["spin_score"], report["verdict"], report["flags"], report["explanation"], report["text"])
    lines = [json.loads(x) for x in (tmp_path / "out" / "documents" / "part-000000.jsonl").read_text().splitlines()]
    assert [x["id"] for x in lines] == ["a", "b", "c", "fr"]
    assert lines[0]["flags"] == json.loads(got["a"]["flags"])


def test_scan_refuses_an_output_of_other_arguments(crawl, reference):
    root, paths, _ = crawl
    ref_out, _ = reference
    with pytest.raises(ScanError, match="other arguments"):
        scan(paths[:2], ref_out, workers=0, detect=False, partition_bytes=2000)


def test_scan_command(crawl, tmp_path):
    from unspin.cli import app

    root, paths, planted = crawl
    res = CliRunner().invoke(app, ["scan", str(root / "in"), "--out", str(tmp_path / "out"), "--workers", "0", "--no-detect", "--json"])
    assert res.exit_code == 1, res.output  # the broken file
    summary = json.loads(res.stdout.strip().splitlines()[-1])
    assert summary["documents"] == 26 and summary["errors"] == 3 and summary["clusters"] == len(planted)
    missing = CliRunner().invoke(app, ["scan", str(root / "in"), "--out", str(tmp_path / "o2"), "--index", str(tmp_path / "nope.db")])
    assert missing.exit_code == 2


@pytest.mark.parametrize("gz", [True, False])
def test_large_warc_is_cut_into_byte_ranges_each_record_read_once(tmp_path, gz):
    import gzip

    from warcio.archiveiterator import ArchiveIterator

    from ingest_samples import NEWS_PAGES, warc_bytes, write_warc
    from unspin.ingest import iter_documents, read_source

    pages = [(f"https://example.com/{i}", NEWS_PAGES[i % 3][0].encode()) for i in range(12)]
    p = write_warc(tmp_path / ("c.warc.gz" if gz else "c.warc"), pages, gz=gz)
    whole = [r.document.id for r in iter_documents([str(p)]) if r.document]
    with open(p, "rb") as fh:
        starts = {rec.rec_headers.get_header("WARC-Target-URI"): it.get_record_offset()
                  for it in [ArchiveIterator(fh)] for rec in it if rec.rec_type == "response"}
    for size in (700, 3000, 7000):
        plan = plan_partitions([str(p)], partition_bytes=size)
        assert len(plan.partitions) > 2 and all(part.pieces[0].byte_range for part in plan.partitions)
        results = [r for part in plan.partitions for r in read_source(part.pieces[0].source())]
        assert not [r.error for r in results if r.error]
        docs = [r.document for r in results if r.document]
        assert [d.id for d in docs] == whole  # every record once, in file order
        assert all(d.source == f"{p}@{starts[d.id]}" for d in docs)  # named by byte offset
    s = scan([str(p)], tmp_path / "out", workers=0, detect=False, partition_bytes=3000)
    assert [r["id"] for r in rows(tmp_path / "out")] == whole and s.documents == 12
    # one gzip stream over the whole file cannot be cut: one partition
    one = tmp_path / "one.warc.gz"
    one.write_bytes(gzip.compress(warc_bytes(pages, gz=False)))
    assert len(plan_partitions([str(one)], partition_bytes=3000).partitions) == 1


def test_scan_with_an_index_finds_the_sources(tmp_path):
    import random

    from unspin.index import SourceIndex
    from unspin.model import Document

    rng = random.Random(5)
    sources = [article(rng) for _ in range(4)]
    with SourceIndex.open(tmp_path / "sources.db") as ix, ix.insertion_session():
        for i, text in enumerate(sources):
            ix.add(Document(text, id=f"src-{i}"))
    docs = [{"id": f"copy-{i}", "text": spin(t, 0.3, rng)} for i, t in enumerate(sources)] + [{"id": "other", "text": article(rng)}]
    p = tmp_path / "copies.jsonl"
    p.write_text("".join(json.dumps(d) + "\n" for d in docs))
    s = scan([str(p)], tmp_path / "out", index=tmp_path / "sources.db", workers=0, detect=False)
    got = {r["id"]: r for r in rows(tmp_path / "out")}
    assert {i: got[i]["source_id"] for i in got} == {"copy-0": "src-0", "copy-1": "src-1", "copy-2": "src-2", "copy-3": "src-3", "other": None}
    assert json.loads(got["copy-0"]["matches"])[0]["substitutions"]
    assert s.matched == 4 and s.clusters is None and not (tmp_path / "out" / "clusters.parquet").exists()
    # the verified pairs, for unspin learn: each copy with its source from the index and their alignment
    pairs = list(verified_pairs(tmp_path / "out"))
    assert [(c.id, s.id) for c, s, _ in pairs] == [(f"copy-{i}", f"src-{i}") for i in range(4)]
    for (copy, source, al), i in zip(pairs, range(4)):
        assert source.text == sources[i] and copy.text == docs[i]["text"]
        stored = json.loads(got[copy.id]["matches"])[0]["substitutions"]
        assert [(x.copy_text, x.source_text) for x in al.substitutions] == [(x["copy_text"], x["source_text"]) for x in stored]
        assert all(source.text[x.source_start : x.source_end] == x.source_text for x in al.substitutions)
    # the index moved: a clear error, and the new path can be given
    (tmp_path / "sources.db").rename(tmp_path / "moved.db")
    with pytest.raises(ScanError, match="index is not there"):
        list(verified_pairs(tmp_path / "out"))
    assert len(list(verified_pairs(tmp_path / "out", index=tmp_path / "moved.db"))) == 4


def test_large_jsonl_is_cut_into_byte_ranges_each_line_read_once(tmp_path):
    from unspin.ingest import iter_documents, read_source

    lines = [json.dumps({"id": f"d{i}", "text": "word " * (i % 17 + 1)}) for i in range(50)]
    lines[7:7] = ["not json", ""]
    p = tmp_path / "a.jsonl"
    p.write_text("\n".join(lines) + "\n")
    raw = p.read_bytes()
    whole = [r.document.id if r.document else "error" for r in iter_documents([str(p)])]
    for size in (1, 30, 333):
        plan = plan_partitions([str(p)], partition_bytes=size)
        assert len(plan.partitions) > 1
        results = [r for part in plan.partitions for r in read_source(part.pieces[0].source())]
        assert [r.document.id if r.document else "error" for r in results] == whole
        for r in results:
            if r.document:  # named by the byte offset of its line
                offset = int(r.document.source.rsplit("@", 1)[1])
                assert raw[offset:].startswith(b'{"id": "%s"' % r.document.id.encode())


def test_verified_pairs_of_clusters_go_from_the_more_spun_document_to_the_less(tmp_path, detector, reference):
    import random

    rng = random.Random(8)
    base = article(rng, 6)
    docs = [{"id": "src", "text": base}, {"id": "copy-a", "text": spin(base, 0.4, rng)}, {"id": "copy-b", "text": spin(base, 0.4, rng)},
            {"id": "other", "text": article(rng, 6)}]
    p = tmp_path / "docs.jsonl"
    p.write_text("".join(json.dumps(d) + "\n" for d in docs))
    s = scan([str(p)], tmp_path / "out", workers=0)
    assert s.clusters == 1 and s.verified_pairs >= 2
    score = {r["id"]: r["spin_score"] for r in rows(tmp_path / "out")}
    pairs = list(verified_pairs(tmp_path / "out"))
    assert pairs and all(score[c.id] > score[src.id] for c, src, _ in pairs)
    assert all(al.score >= 0.5 and al.substitutions for _, _, al in pairs)
    assert {x for c, src, _ in pairs for x in (c.id, src.id)} <= {"src", "copy-a", "copy-b"}
    # without the detector the direction is unknown: nothing, unless asked for in stored order
    ref_out, ref = reference
    assert list(verified_pairs(ref_out)) == []
    assert len(list(verified_pairs(ref_out, undirected=True))) == ref.verified_pairs > 0
    # not a finished scan
    with pytest.raises(ScanError, match="not a scan output directory"):
        list(verified_pairs(tmp_path))
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    (tmp_path / "out" / "manifest.json").write_text(json.dumps({**manifest, "complete": False}))
    with pytest.raises(ScanError, match="not finished"):
        list(verified_pairs(tmp_path / "out"))

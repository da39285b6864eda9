"""Size and build time of the scan report at scale, on a synthetic scan folder in the real layout.

Running the detector over 100,000 documents takes hours on this machine, so this
writes a scan folder directly in ``unspin scan``'s layout (manifest, Parquet parts
with `unspin.scan.tasks.document_schema`, clusters.parquet, summary.json,
errors.jsonl): BBC dev articles as texts, clusters of copies made by swapping
words of one article, sites from a pool of hosts (a few farms publish most
copies), spin scores drawn per verdict. Then it times ``build_report`` and
states the size of the page.

    python -m bench.report --docs 100000 --browser      # the figures in docs/report.md

``--browser`` also opens the page in headless Chromium (Playwright, Debian's
/usr/bin/chromium) and times the load and the first side-by-side view.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "bbc_news_dev.jsonl"


def make_scan(out: Path, docs: int, *, part_rows: int = 2000, seed: int = 1) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from unspin.scan import document_schema
    from unspin.scan.manifest import LAYOUT_VERSION

    rng = random.Random(seed)
    articles = [json.loads(line)["text"] for line in open(DATA, encoding="utf-8")]
    hosts = [f"news{i}.example" for i in range(2000)] + [f"farm{i}.example" for i in range(40)]
    rows, clusters = [], []
    cluster_id = 0
    while len(rows) < docs:
        base = rng.choice(articles)
        if rng.random() < 0.08:  # a cluster: the original on a news site, 1-6 spun copies mostly on farms
            size = rng.randint(2, 7)
            members = []
            for j in range(size):
                words = base.split(" ")
                if j:
                    for k in rng.sample(range(len(words)), k=len(words) // 5):
                        words[k] = rng.choice(words)
                host = rng.choice(hosts[:2000]) if j == 0 else rng.choice(hosts[2000:] if rng.random() < 0.8 else hosts)
                score = rng.uniform(0.0, 0.3) if j == 0 else rng.uniform(0.6, 1.0)
                members.append(len(rows))
                rows.append((" ".join(words), host, score))
            clusters.append((cluster_id, members))
            cluster_id += 1
        else:
            rows.append((base, rng.choice(hosts), min(1.0, rng.betavariate(1.2, 6))))
    rows = rows[:docs]
    schema = document_schema()
    parts = (len(rows) + part_rows - 1) // part_rows
    (out / "documents").mkdir(parents=True, exist_ok=True)
    for p in range(parts):
        chunk = rows[p * part_rows : (p + 1) * part_rows]
        cols = {name: [None] * len(chunk) for name in schema.names}
        for r, (text, host, score) in enumerate(chunk):
            i = p * part_rows + r
            verdict = "spun" if score >= 0.7 else "uncertain" if score >= 0.3 else "clean"
            cols["partition"][r], cols["record"][r], cols["input"][r] = p, r, "synthetic.jsonl"
            cols["id"][r], cols["source"][r], cols["status"][r], cols["warnings"][r] = f"doc-{i}", f"synthetic.jsonl#{i + 1}", "ok", []
            cols["text"][r], cols["metadata"][r] = text, json.dumps({"url": f"https://{host}/story/{i}"})
            cols["words"][r], cols["spin_score"][r], cols["verdict"][r] = len(text.split()), round(score, 4), verdict
            cols["explanation"][r], cols["n_flags"][r], cols["flags"][r] = "synthetic", int(score * 30), "[]"
        pq.write_table(pa.Table.from_pydict(cols, schema=schema), out / "documents" / f"part-{p:06d}.parquet", compression="zstd")
    cc: dict[str, list] = {"cluster": [], "size": [], "partition": [], "record": [], "id": [], "source": []}
    for c, members in clusters:
        members = [m for m in members if m < docs]
        if len(members) < 2:
            continue
        for m in members:
            for k, v in zip(cc, (c, len(members), m // part_rows, m % part_rows, f"doc-{m}", f"synthetic.jsonl#{m + 1}")):
                cc[k].append(v)
    pq.write_table(pa.table(cc), out / "clusters.parquet")
    manifest = {"layout": LAYOUT_VERSION, "args_hash": "synthetic", "inputs": ["synthetic.jsonl"], "partitions_total": parts,
                "partitions": {str(p): {"pid": p} for p in range(parts)}, "clusters_done": True, "complete": True}
    (out / "manifest.json").write_text(json.dumps(manifest))
    (out / "summary.json").write_text(json.dumps({"documents": docs, "wall_s": 0, "scheduler": "synthetic"}))
    (out / "errors.jsonl").write_text("")


def browser_times(page_file: Path, chromium: str = "/usr/bin/chromium") -> tuple[float, float]:
    """Seconds to load the page, and to open its first side-by-side view, in headless Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"], headless=True)
        try:
            pg = b.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            pg.on("pageerror", lambda e: errors.append(str(e)))
            t = time.perf_counter()
            pg.goto(page_file.resolve().as_uri(), wait_until="load")
            loaded = time.perf_counter() - t
            t = time.perf_counter()
            pg.locator("#clusters details summary").first.click()
            pg.wait_for_selector("#clusters details[open] mark.sub")
            opened = time.perf_counter() - t
            if errors:
                raise SystemExit(f"error: the page raised {errors[0]}")
        finally:
            b.close()
    return loaded, opened


def main(argv: list[str] | None = None) -> None:
    import tempfile

    from unspin.report import build_report

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--keep", type=Path, help="write the scan folder and report.html here and keep them")
    ap.add_argument("--browser", action="store_true", help="also time the page in headless Chromium")
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="unspin-bench-report-") as tmp:
        root = a.keep or Path(tmp)
        t = time.perf_counter()
        make_scan(root / "scan", a.docs)
        made = time.perf_counter() - t
        t, c = time.perf_counter(), time.process_time()
        html = build_report(root / "scan")
        built, cpu = time.perf_counter() - t, time.process_time() - c
        (root / "report.html").write_text(html, encoding="utf-8")
        size = len(html.encode("utf-8"))
        print(f"synthetic scan of {a.docs:,} documents written in {made:.1f} s; build_report {built:.1f} s ({cpu:.1f} CPU-s); report.html {size / 1e6:.2f} MB")
        if a.browser:
            loaded, opened = browser_times(root / "report.html")
            print(f"headless Chromium: page loaded in {loaded:.2f} s, first side-by-side view drawn in {opened:.2f} s")


if __name__ == "__main__":
    main()

"""Benchmark of unspin.ingest: records/s and peak memory on a big WARC, and the
furniture exclusion measured on the seed article.

    python -m bench.ingest                  # 1 GB WARC.gz (made once under bench/work/)
    python -m bench.ingest --size-mb 50     # a quick run

1. Generates ``bench/work/ingest-<N>MB.warc.gz``: N MB (on disk) of WARC
   records, each a response holding one of 60 hand-written news pages of about
   90 KB (scripts, styles, navigation, article, sidebar, comments, footer),
   preceded by its request record, gzipped per record as crawlers write them.
2. Streams it through `unspin.ingest.iter_documents` in a fresh process (so
   the peak RSS is the reader's own) with the default options: trafilatura
   extraction, furniture spans, language check. RSS is sampled as it goes, to
   show that memory stays flat while the file is read.
3. Reads the seed article (``../shared/seed/spun_article.txt``, if present)
   and reports which lines are excluded as furniture and that the body is
   kept whole. Only line numbers, reasons and lengths are written down.

The table is printed and written to ``bench/results/ingest.md``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results" / "ingest.md"
SEED = ROOT.parent / "shared" / "seed" / "spun_article.txt"

# --- page generator ------------------------------------------------------------------

SENTENCES = """The council said the new plan would be published before the end of the month.
Residents who live near the river have complained about flooding for years.
The minister told reporters that talks with the unions would continue next week.
Prices in the shops rose faster than wages for the third quarter in a row.
The company said it would open two new factories and hire about 800 workers.
Police asked anyone who saw the accident to come forward with information.
The school will close for two weeks while the roof is repaired after the storm.
Scientists said the results were encouraging but warned that more work was needed.
The mayor promised that the bus routes cut last year would be restored by spring.
Farmers said the dry weather had cut the harvest by almost a third.
The hospital said waiting times had fallen since the new ward opened in March.
Opposition leaders called the budget a missed chance to help young families.
The museum expects more than a million visitors in the first year after it reopens.
The bank left interest rates unchanged and said inflation would ease next year.
Engineers found cracks in two of the supports during a routine inspection.
The festival, which was cancelled twice during the pandemic, returned this summer.
Local businesses said the road works had kept customers away for months.
The report found that one in five homes in the district needs urgent repairs.
The coach said the team had played its best football of the season on Saturday.
Volunteers planted more than ten thousand trees along the old railway line.""".splitlines()
HEADLINES = [
    "Council approves budget after long debate", "Storm closes coastal road for two days", "New library opens in the old post office",
    "Train fares to rise again in January", "Local team reaches cup final", "Hospital car park charges scrapped",
    "Record numbers sign up for city marathon", "Bakery celebrates one hundred years", "Bridge repairs to finish early",
    "School wins national science prize", "Bus drivers vote to accept pay offer", "Market square to be pedestrianised",
]


def _script_block(rng: random.Random) -> str:
    """About 45 KB of script and style, as news pages carry (analytics, ads, widgets)."""
    lines = []
    for i in range(400):
        name = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8))
        lines.append(f"  window.__cfg_{name}_{i} = {{id: {rng.randint(1000, 99999)}, slot: 'ad-{i % 17}', lazy: {str(i % 2 == 0).lower()}, sizes: [[300, 250], [728, 90]]}};")
    css = "\n".join(f".c{i} {{ margin: {i % 9}px {i % 7}px; color: #{rng.randint(0, 0xFFFFFF):06x}; font-size: {12 + i % 6}px; }}" for i in range(150))
    return "<script>\n" + "\n".join(lines) + "\n</script>\n<style>\n" + css + "\n</style>"


def make_page(n: int) -> bytes:
    """One hand-made news page of about 90 KB with typical layout around an article."""
    rng = random.Random(n)
    title = f"{rng.choice(HEADLINES)} ({n})"
    paras = []
    for _ in range(rng.randint(8, 14)):
        paras.append(" ".join(rng.sample(SENTENCES, rng.randint(3, 5))))
    nav = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(60))
    side = "".join(f'<li><a href="/story/{rng.randint(1, 99999)}">{rng.choice(HEADLINES)}</a></li>' for _ in range(25))
    comments = "".join(
        f'<div class="comment"><p class="author">Reader {i}</p><p>{rng.choice(SENTENCES)}</p><a href="#">Reply</a></div>' for i in range(6)
    )
    body = "\n".join(f"<p>{p}</p>" for p in paras)
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | The Daily Example</title>
<meta property="article:published_time" content="2024-0{1 + n % 9}-1{n % 10}T08:00:00Z">
{_script_block(rng)}
</head><body>
<header><div class="logo">The Daily Example</div><nav><ul>{nav}</ul></nav>
<form class="search"><input type="text" placeholder="Search"></form></header>
<div class="cookie-banner">This website uses cookies to improve your experience. <button>Accept</button></div>
<main><article><h1>{title}</h1><div class="byline">By Staff Reporter</div>
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Tweet</a> <a href="#">Email</a></div>
<div class="article-body">
{body}
</div><div class="tags">Tags: <a href="#">news</a>, <a href="#">local</a></div></article>
<aside class="sidebar"><h3>Most Read</h3><ul>{side}</ul>
<div class="newsletter"><h3>Subscribe to our newsletter</h3><p>The day's headlines in your inbox every morning.</p></div></aside>
<section class="related"><h2>Related Articles</h2><ul>{side[:2000]}</ul></section>
<section id="comments"><h2>{len(comments) % 50} Comments</h2>{comments}
<div id="respond"><h3>Leave a Reply</h3><p>Your email address will not be published. Required fields are marked *</p>
<form><textarea></textarea><button>Post Comment</button></form></div></section></main>
<footer><p>&copy; 2024 The Daily Example. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>
"""
    return html.encode("utf-8")


def generate(path: Path, size_mb: int, distinct: int = 60) -> dict[str, float]:
    """Write a WARC.gz of about ``size_mb`` MB cycling through ``distinct`` pages."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    pages = [make_page(i) for i in range(distinct)]
    target = size_mb * 1024 * 1024
    tmp = path.with_suffix(".part")
    start = time.perf_counter()
    n = 0
    with open(tmp, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "unspin bench/ingest.py"}))
        while fh.tell() < target:
            body = pages[n % distinct]
            url = f"https://news.example.com/{n % distinct}/{n}"
            req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "news.example.com")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=req))
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http))
            n += 1
            if n % 2000 == 0:
                print(f"  generating: {fh.tell() / 1e6:,.0f} MB, {n:,} pages", file=sys.stderr)
    tmp.replace(path)
    return {"pages": n, "seconds": time.perf_counter() - start, "page_kb": sum(map(len, pages)) / len(pages) / 1024}


# --- measurement (run in a child process) -------------------------------------------


def _rss_mb() -> float:
    """Current resident set size in MB (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except OSError:
        return 0.0


def measure(path: Path, expected: int | None) -> dict[str, object]:
    """Stream the WARC through iter_documents; counts, time, RSS samples and peak RSS."""
    from unspin.ingest import iter_documents
    from unspin.ingest.language import identify

    identify("warm up the language model before the clock starts")
    rss_start = _rss_mb()
    docs = errors = skipped = chars = excluded = 0
    samples: list[tuple[int, float]] = []
    every = max(1, (expected or 1000) // 20)
    start = time.perf_counter()
    for result in iter_documents([path]):
        if result.error:
            errors += 1
            if errors <= 3:
                print("  error:", result.error, file=sys.stderr)
            continue
        if result.document is None:
            continue
        if result.skipped:
            skipped += 1
        docs += 1
        chars += len(result.document.text)
        excluded += len(result.document.excluded)
        if docs % every == 0:
            samples.append((docs, _rss_mb()))
            rate = docs / (time.perf_counter() - start)
            print(f"  {docs:,} records, {rate:,.1f} records/s, RSS {samples[-1][1]:,.0f} MB", file=sys.stderr)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # ru_maxrss is in KiB on Linux
    return {
        "records": docs,
        "errors": errors,
        "skipped": skipped,
        "text_chars": chars,
        "excluded_spans": excluded,
        "seconds": seconds,
        "rss_start_mb": rss_start,
        "rss_samples": samples,
        "peak_rss_mb": peak,
    }


def measure_warcio_only(path: Path) -> dict[str, float]:
    """Read every payload with warcio alone (no extraction): the floor set by decompression and parsing."""
    from warcio.archiveiterator import ArchiveIterator

    start = time.perf_counter()
    n = 0
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type == "response":
                record.content_stream().read()
                n += 1
    return {"records": n, "seconds": time.perf_counter() - start}


# --- seed furniture -----------------------------------------------------------------


def seed_furniture(seed: Path) -> dict[str, object] | None:
    """Excluded lines of the seed article and a check that every other line is kept whole."""
    if not seed.exists():
        return None
    from unspin.ingest import iter_documents
    from unspin.ingest.furniture import find_furniture

    raw = seed.read_bytes()
    (result,) = list(iter_documents([seed]))
    doc = result.document
    assert doc is not None, result.error
    text = doc.text
    found = find_furniture(text)
    fl = [{"line": text.count("\n", 0, f.start) + 1, "reason": f.reason, "chars": f.end - f.start} for f in found]
    # Body = every non-blank line that is not furniture; each must lie wholly outside the excluded spans.
    body_lines = 0
    body_chars = 0
    damaged = []
    pos = 0
    starts = {f.start for f in found}
    for no, line in enumerate(text.split("\n"), 1):
        s, e = pos + len(line) - len(line.lstrip()), pos + len(line.rstrip())
        pos += len(line) + 1
        if s >= e or s in starts:
            continue
        body_lines += 1
        body_chars += e - s
        if any(a < e and s < b for a, b in doc.excluded):
            damaged.append(no)
    return {
        "bytes_equal": text.encode("utf-8") == raw,
        "text_chars": len(text),
        "excluded": [list(s) for s in doc.excluded],
        "excluded_chars": sum(b - a for a, b in doc.excluded),
        "furniture": fl,
        "body_lines": body_lines,
        "body_chars": body_chars,
        "body_lines_touched": damaged,
        "language": doc.metadata.get("language"),
        "title_found": bool(doc.metadata.get("title")),
    }


# --- report -------------------------------------------------------------------------


def render(size_mb: int, path: Path, gen: dict[str, float] | None, m: dict[str, object], floor: dict[str, float] | None, seed: dict[str, object] | None, cmd: str) -> str:
    mb = path.stat().st_size / 1e6
    secs = float(m["seconds"])  # type: ignore[arg-type]
    recs = int(m["records"])  # type: ignore[call-overload]
    lines = [
        "# unspin.ingest benchmark",
        "",
        f"Command: `{cmd}`  ",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"trafilatura {_version('trafilatura')}, warcio {_version('warcio')}, py3langid {_version('py3langid')}.",
        "",
        f"Input: `{path.relative_to(ROOT)}`, {mb:,.0f} MB gzipped WARC, {recs:,} HTML response records "
        f"(plus as many request records) cycling through 60 hand-made news pages of ~{gen['page_kb'] if gen else 90:,.0f} KB each.",
        "Default options: trafilatura extraction, furniture spans, language check; one process, one thread.",
        "",
        "| records | MB (gz) | seconds | records/s | MB/s | peak RSS (MB) | errors |",  # MB = 10^6 bytes throughout
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {recs:,} | {mb:,.0f} | {secs:,.1f} | {recs / secs:,.1f} | {mb / secs:,.2f} | {float(m['peak_rss_mb']):,.0f} | {m['errors']} |",  # type: ignore[arg-type]
        "",
    ]
    samples = m["rss_samples"]
    if samples:
        pts = ", ".join(f"{n:,}: {r:,.0f}" for n, r in samples[:: max(1, len(samples) // 6)] + [samples[-1]])  # type: ignore[index]
        lines += [f"RSS while streaming (records read: MB): {pts}; {float(m['rss_start_mb']):,.0f} MB before the first record.", ""]  # type: ignore[arg-type]
    if floor:
        lines += [
            f"warcio alone (decompress + parse + read every payload, no extraction): {floor['seconds']:,.1f} s, "
            f"{floor['records'] / floor['seconds']:,.0f} records/s, {mb / floor['seconds']:,.1f} MB/s; "
            f"the rest of the time is trafilatura's extraction.",
            "",
        ]
    lines += ["## Furniture on the seed article", ""]
    if seed is None:
        lines += ["(seed article not found; run with `--seed PATH`)", ""]
    else:
        lines += [
            "`shared/seed/spun_article.txt` read as plain text with the defaults. Only line numbers, reasons and lengths are given here (the article itself stays out of the repository).",
            "",
            f"- text kept byte for byte: {'yes' if seed['bytes_equal'] else 'NO'} ({seed['text_chars']:,} characters); language: {seed['language']}",
            f"- excluded spans: {seed['excluded']} ({seed['excluded_chars']:,} characters)",
            "",
            "| line | reason | characters |",
            "| ---: | --- | ---: |",
        ]
        for f in seed["furniture"]:  # type: ignore[attr-defined]
            lines.append(f"| {f['line']} | {f['reason']} | {f['chars']} |")
        touched = seed["body_lines_touched"]
        lines += [
            "",
            f"- body: {seed['body_lines']} non-blank lines ({seed['body_chars']:,} characters) outside the furniture; "
            f"{'all kept whole (no excluded span touches them)' if not touched else 'TOUCHED: lines ' + str(touched)}.",
            "",
        ]
    return "\n".join(lines)


def _version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-mb", type=int, default=1024, help="size of the generated WARC.gz on disk (default 1024)")
    ap.add_argument("--seed", type=Path, default=SEED, help="plain-text spun article for the furniture check")
    ap.add_argument("--results", type=Path, default=RESULTS, help="markdown file to write")
    ap.add_argument("--no-floor", action="store_true", help="skip the warcio-only pass")
    ap.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--expected", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:  # child process: measure and print JSON
        print(json.dumps(measure(args.measure, args.expected)))
        return
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"ingest-{args.size_mb}MB.warc.gz"
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        gen = json.loads(meta_path.read_text())
        print(f"using {path} ({gen['pages']:,} pages)", file=sys.stderr)
    else:
        print(f"generating {path} ...", file=sys.stderr)
        gen = generate(path, args.size_mb)
        meta_path.write_text(json.dumps(gen))
        print(f"  {gen['pages']:,} pages in {gen['seconds']:,.0f} s", file=sys.stderr)
    print("streaming through iter_documents ...", file=sys.stderr)
    child = subprocess.run(
        [sys.executable, __file__, "--measure", str(path), "--expected", str(gen["pages"])],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    m = json.loads(child.stdout)
    floor = None if args.no_floor else measure_warcio_only(path)
    seed = seed_furniture(args.seed)
    cmd = "python -m bench.ingest" + (f" --size-mb {args.size_mb}" if args.size_mb != 1024 else "")
    report = render(args.size_mb, path, gen, m, floor, seed, cmd)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(report + "\n")
    print(report)


if __name__ == "__main__":
    main()

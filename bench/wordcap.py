"""Work per document at the word cap (`unspin.settings.MAX_CHECK_WORDS`): CPU time and memory.

Each row is one ``unspin.check`` in a fresh process on a long text made by joining BBC
development articles (``../shared``), checked with ``max_words`` = the cap: as written,
spun by `devkit.spinner` (30 %), and with every full stop and line break removed (one
run-on sentence, cut inside it). Reported: words checked, CPU seconds of the check (wall
time is noisy on a shared machine), CPU per 1,000 words, the process's peak RSS and what
the check added over the loaded detector. The baseline beside it is the same check at a
tenth of the cap, so the ratio shows work growing with the words, not faster.

    python -m bench.wordcap [--caps 500,5000]       # writes bench/results/wordcap.md
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = r"""
import json, resource, sys, time
from devkit.spinner import Spinner, load_bbc
from unspin.api import check, get_detector
from unspin.model import Document
cap, mode = int(sys.argv[1]), sys.argv[2]
recs = load_bbc()
get_detector(); check("Warm up the caches with one short sentence.")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
parts, words, sp = [], 0, Spinner(rate=0.3, seed=1)
for r in recs[200:]:
    t = sp.spin(r["text"]).text if mode == "spun" else r["text"]
    parts.append(t); words += len(t.split())
    if words > cap * 1.5: break
text = "\n\n".join(parts)
if mode == "run-on":
    text = text.replace(".", " ").replace("\n", " ")
c0 = time.process_time()
report = check(Document(text), max_words=cap)
cpu = time.process_time() - c0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"cap": cap, "mode": mode, "words": report.words, "cpu": cpu, "before_mb": before / 1024,
                  "peak_mb": peak / 1024, "cut": bool(report.warnings)}))
"""


def measure(cap: int, mode: str) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(cap), mode], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--caps", default="500,5000", help="comma-separated word caps (default: a tenth of the cap, the cap)")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "wordcap.md")
    args = ap.parse_args(argv)
    caps = [int(c) for c in args.caps.split(",")]
    rows = [measure(cap, mode) for mode in ("clean", "spun", "run-on") for cap in caps]
    lines = ["# Work per document at the word cap (`python -m bench.wordcap`)", "",
             "One `unspin.check` per fresh process on joined BBC articles, `max_words` = cap. CPU seconds of",
             "the check alone; memory: peak RSS of the process and what the check added over the loaded detector.", "",
             "| text | cap | words checked | CPU s | CPU s / 1,000 words | ratio vs smallest cap | peak RSS MB | added MB |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for mode in ("clean", "spun", "run-on"):
        mine = [r for r in rows if r["mode"] == mode]
        base = mine[0]
        for r in mine:
            lines.append(f"| {mode} | {r['cap']:,} | {r['words']:,} | {r['cpu']:.1f} | {r['cpu'] / r['words'] * 1000:.2f} | "
                         f"{r['cpu'] / base['cpu']:.1f}x for {r['words'] / base['words']:.1f}x words | {r['peak_mb']:.0f} | "
                         f"{r['peak_mb'] - r['before_mb']:.0f} |")
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

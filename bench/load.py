"""Load-time benchmark: how long `unspin check` takes on a 1,000-word article.

Three situations, each run as a separate ``unspin check --json`` process
(wall time and peak RSS of the child), plus the in-process warm call:

* first run: an empty cache directory, so Moby and the GloVe index are compiled;
* cold: a new process with the cache in place (the normal CLI case);
* warm: a second `unspin.check` in the same process (library / web service).

Baselines side by side: a bare ``python -c pass`` and ``python -c "import numpy"``
start, so the ratio says what unspin adds on top of an interpreter.

    python -m bench.load [--repeat 3]        # writes bench/results/load.md
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from devkit.spinner import Spinner, load_bbc, split_ids

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "load.md"
#: CPU seconds (user + sys) of each child run, in order: steadier than wall time on a busy machine
CPU_TIMES: list[float] = []
UNSPIN = ["unspin.cli"]


def article(words: int = 1000) -> str:
    """About ``words`` words of held-out BBC text, spun at 30 %."""
    _train, test = split_ids(load_bbc())
    parts, n = [], 0
    for r in test:
        parts.append(r["text"])
        n += len(r["text"].split())
        if n >= words:
            break
    text = "\n\n".join(parts)
    return Spinner(rate=0.3, seed=11).spin(" ".join(text.split(" ")[:words])).text


# Peak RSS is read from the child's own VmHWM at exit: rusage of a forked child
# also counts the parent's pages from before the exec.
_WRAP = (
    "import atexit, runpy, sys\n"
    "def _hwm():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmHWM'):\n"
    "            print('VmHWM_KB', line.split()[1], file=sys.stderr)\n"
    "atexit.register(_hwm)\n"
    "sys.argv = sys.argv[1:]\n"
    "if sys.argv[0] == '-c':\n"
    "    exec(sys.argv[1])\n"
    "else:\n"
    "    runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)\n"
)


def run_measured(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one Python child: ``cmd`` is ``[module, args...]`` or ``['-c', code]``."""
    t = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, "-c", _WRAP, *cmd], env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU_TIMES.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited with {proc.returncode}: {proc.stderr[-500:]}")
    kb = [int(line.split()[1]) for line in proc.stderr.splitlines() if line.startswith("VmHWM_KB")]
    return wall, (kb[-1] / 1024 if kb else float("nan"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="unspin-load-"))
    path = work / "article.txt"
    path.write_text(article())
    n_words = len(path.read_text().split())
    env = dict(os.environ)
    rows: list[tuple[str, float, float, float | None]] = []

    def measure(label: str, cmd: list[str], fresh_cache: bool = False) -> None:
        walls, rss, cpus = [], [], []
        for i in range(args.repeat):
            e = dict(env)
            e["UNSPIN_CACHE_DIR"] = str(work / (f"cache-fresh-{i}" if fresh_cache else "cache"))
            w, r = run_measured(cmd, e)
            walls.append(w)
            rss.append(r)
            cpus.append(CPU_TIMES[-1])
        rows.append((label, statistics.median(walls), max(rss), statistics.median(cpus)))
        print(f"{label:45s} {statistics.median(walls):6.2f} s  {statistics.median(cpus):6.2f} cpu-s  {max(rss):7.0f} MiB", flush=True)

    measure("baseline: python -c pass", ["-c", "pass"])
    measure("baseline: python -c 'import numpy'", ["-c", "import numpy"])
    measure("first run (empty cache: compile resources)", UNSPIN + ["check", "--json", str(path)], fresh_cache=True)
    run_measured(UNSPIN + ["check", "--json", str(path)], dict(env, UNSPIN_CACHE_DIR=str(work / "cache")))  # fill the cache
    measure("cold: new process, cache present", UNSPIN + ["check", "--json", str(path)])

    # in-process: first call (loads resources) and warm calls, in a child of their own
    code = (
        "import statistics, sys, time\n"
        "from unspin.api import check\n"
        f"text = open({str(path)!r}).read()\n"
        "t = time.perf_counter(); check(text); first = time.perf_counter() - t\n"
        "warm = []\n"
        f"for i in range({args.repeat}):\n"
        "    t = time.perf_counter(); check(text + f'\\n\\nRun {i}.'); warm.append(time.perf_counter() - t)\n"
        "print('TIMES', first, statistics.median(warm), file=sys.stderr)\n"
    )
    e = dict(env, UNSPIN_CACHE_DIR=str(work / "cache"))
    proc = subprocess.run([sys.executable, "-c", _WRAP, "-c", code], env=e, stderr=subprocess.PIPE, text=True, check=True)
    first, warm = (float(x) for x in next(ln for ln in proc.stderr.splitlines() if ln.startswith("TIMES")).split()[1:])
    peak = int(next(ln for ln in proc.stderr.splitlines() if ln.startswith("VmHWM_KB")).split()[1]) / 1024
    rows.append(("in-process: first check (loads resources)", first, peak, None))
    rows.append(("warm: in-process, resources loaded", warm, peak, None))
    print(f"{'warm: in-process, resources loaded':45s} {warm:6.2f} s  {peak:7.0f} MiB")

    base = rows[1][1]
    cold = rows[3][1]
    lines = [
        "# Load-time benchmark",
        "",
        f"`python -m bench.load --repeat {args.repeat}`: `unspin check --json` on a {n_words}-word spun article "
        f"(held-out BBC text); median wall time of {args.repeat} runs, peak RSS of the process. "
        f"{platform.machine()}, Python {platform.python_version()}, {os.cpu_count()} cores.",
        "",
        "| situation | wall s | CPU s (user+sys) | peak RSS MiB | target |",
        "|---|---|---|---|---|",
    ]
    targets = {2: "", 3: "< 2 s", 5: "< 1 s"}
    for i, (label, w, r, c) in enumerate(rows):
        cpu = f"{c:.2f}" if c is not None else "—"
        lines.append(f"| {label} | {w:.2f} | {cpu} | {r:.0f} | {targets.get(i, '')} |")
    load_avg = os.getloadavg()[0]
    lines += ["", f"Cold `unspin check` costs {cold / base:.1f}x a bare `python -c 'import numpy'` start "
              f"({cold:.2f} s vs {base:.2f} s). Peak memory target: < 1024 MiB. "
              f"Load average when the run ended: {load_avg:.2f} (wall times grow with it; CPU seconds do not).", ""]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        RESULTS.write_text(text)


if __name__ == "__main__":
    main()

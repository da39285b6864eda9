"""The full check's (or learning's) speed against another revision of unspin, side by side on the same documents.

A change that should only make ``unspin check`` faster is judged against the code before it, on
the same machine at the same time: this script checks out ``--against`` (a git revision) in a
temporary worktree and runs one worker process per tree *at the same time* (one per core on a
2-core machine, so both see the same load), swapping which starts first each round. Each worker
loads the detector, checks ``--warm`` documents to fill its memos (a long scan's steady state:
a cold worker pays candidate generation for every new word), then checks the timed documents one
after another and reports its process CPU time. The documents are BBC test-split articles
(never trained on), half as written and half spun by the realistic ``spinbot`` habit at 30 %,
prepared once here and given to both trees as the same file.

Reported per tree: words per CPU-second of ``unspin.api.check`` in each round and their median,
and the median over the rounds of the ratio (this tree over the other, both measured at once). The two trees' reports are compared
too (``identical``: every report's JSON the same), so a speed-up that changed an answer shows.

    python -m bench.speed --against HEAD~1                  # writes bench/results/speed.md
    python -m bench.speed --against v0.9 --rounds 5 --docs 60
    python -m bench.speed --task learn --against HEAD~1     # bench/results/speed_learn.md
    python -m bench.speed --task screen --against HEAD~1    # bench/results/speed_screen.md

``--task learn`` times ``unspin.learn.learn_pairs`` instead (issue 14: learning from 10,000 pairs in
under a minute of CPU): ``--pairs`` copy/source pairs, every BBC article (train and test split,
1,080) spun once by the spinbot-habit spinner of ``bench.learn`` (one fixed pick per word: a
dictionary) and repeated under distinct ids up to ``--pairs``; both trees learn from the same
file and their lexicons (the TSV, entries and fitted channel) are compared.

``--task screen`` times ``unspin.screen.screen`` (issue 17: the screen at ≥ 30x the full check's rate) on the
same kind of documents, more of them (default 100 untimed, 200 timed: a screen takes ~10 ms); the two trees'
results (score, verdict, features, hits of every document) are compared.

Needs ../shared/data/bbc_news_dev.jsonl and git.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results" / "speed.md"
OUT_LEARN = ROOT / "bench" / "results" / "speed_learn.md"
OUT_SCREEN = ROOT / "bench" / "results" / "speed_screen.md"
#: (timed, untimed) documents per task when --docs / --warm are not given
DEFAULT_DOCS = {"check": (60, 30), "screen": (200, 100)}


def worker(docs_path: str, warm: int, out_path: str, task: str = "check") -> None:
    """Run in a child process whose ``unspin`` is the tree under test (``PYTHONPATH``)."""
    import unspin

    if task == "screen":
        from unspin.screen import screen

        def run(text: str) -> str:
            r = screen(text)
            return json.dumps([r.score, r.passed, r.words, dict(r.features), list(r.hits)], sort_keys=True)
    else:
        from unspin.api import check

        def run(text: str) -> str:
            return check(text).to_json()

    texts = [json.loads(line)["text"] for line in open(docs_path, encoding="utf-8")]
    for t in texts[:warm]:
        run(t)
    digest = hashlib.sha256()
    words = 0
    cpu0 = time.process_time()
    results = []
    for t in texts[warm:]:
        results.append(run(t))
        words += len(t.split())
    cpu = time.process_time() - cpu0
    for r in results:
        digest.update(r.encode())
    Path(out_path).write_text(json.dumps({"words": words, "cpu": cpu, "digest": digest.hexdigest(), "unspin": str(Path(unspin.__file__).resolve().parent)}))


def learn_worker(pairs_path: str, out_path: str) -> None:
    """Learn a lexicon from the pairs (one process, timed as its CPU time)."""
    import unspin
    from unspin.learn import CopyPair, learn_pairs

    pairs = [CopyPair(**json.loads(line)) for line in open(pairs_path, encoding="utf-8")]
    cpu0 = time.process_time()
    lex = learn_pairs(pairs, min_docs=2)
    cpu = time.process_time() - cpu0
    Path(out_path).write_text(json.dumps({"pairs": len(pairs), "cpu": cpu, "digest": hashlib.sha256(lex.to_tsv().encode()).hexdigest(),
                                          "entries": len(lex), "unspin": str(Path(unspin.__file__).resolve().parent)}))


def prepare_pairs(n: int, seed: int, path: Path) -> int:
    """``n`` pairs: every BBC article spun once (spinbot habit as a dictionary, cached under bench/work/learn),
    repeated under distinct ids. Returns the number of distinct copies."""
    sys.path.insert(0, str(ROOT))
    from bench.learn import HABITS, spin_cached
    from devkit.spinner import load_bbc

    name, kwargs, dseed = next(h for h in HABITS if h[0] == "spinbot habit")
    records = load_bbc()
    spun = spin_cached(name, kwargs, dseed, records, seed)
    with open(path, "w", encoding="utf-8") as fh:
        for k in range(n):
            s = spun[k % len(spun)]
            fh.write(json.dumps({"copy": s.text, "source": s.original, "id": f"{k}", "site": "spinbot"}) + "\n")
    return min(n, len(spun))


def prepare_docs(n: int, warm: int, seed: int, path: Path) -> None:
    """``warm`` + ``n`` BBC test-split articles, every other one spun (spinbot habit, 30 %)."""
    sys.path.insert(0, str(ROOT))
    from devkit.spinner import Spinner, load_bbc, split_ids

    _train, test = split_ids(load_bbc())
    arts = test[: warm + n]
    if len(arts) < warm + n:
        raise SystemExit(f"only {len(test)} test articles; ask for fewer --docs/--warm")
    with open(path, "w", encoding="utf-8") as fh:
        for k, a in enumerate(arts):
            text = a["text"]
            if k % 2:
                text = Spinner(rate=0.3, habit="spinbot", seed=seed + k).spin(text).text
            fh.write(json.dumps({"text": text}) + "\n")


def run_pair(trees: dict[str, Path], order: list[str], docs: Path, warm: int, tmp: Path, rnd: int, task: str = "check") -> dict[str, dict]:
    """Start one worker per tree (in ``order``, a second apart) and wait for both."""
    procs = {}
    for name in order:
        out = tmp / f"{name}-{rnd}.json"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(trees[name] / "src"), os.environ.get("PYTHONPATH", "")])}
        procs[name] = (subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker", str(docs), "--task", task,
                                         "--warm", str(warm), "--out", str(out)], env=env), out)
        time.sleep(1)
    results = {}
    for name, (p, out) in procs.items():
        if p.wait() != 0:
            raise SystemExit(f"the {name} worker failed (exit {p.returncode})")
        results[name] = json.loads(out.read_text())
        # the worker must have run the tree it was given, not an installed copy
        if Path(results[name]["unspin"]) != (trees[name] / "src" / "unspin").resolve():
            raise SystemExit(f"the {name} worker imported unspin from {results[name]['unspin']}, not {trees[name]}")
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("--task", choices=["check", "learn", "screen"], default="check",
                    help="what to time: unspin.api.check on documents, unspin.learn.learn_pairs on pairs, or "
                         "unspin.screen.screen on documents (default check)")
    ap.add_argument("--pairs", type=int, default=10_000, help="--task learn: pairs to learn from (default 10,000)")
    ap.add_argument("--against", default="HEAD", help="the git revision to compare with (default HEAD: the working tree against its last commit)")
    ap.add_argument("--docs", type=int, default=None, help="timed documents per worker (default 60; --task screen 200)")
    ap.add_argument("--warm", type=int, default=None, help="documents checked first, untimed (default 30; --task screen 100)")
    ap.add_argument("--rounds", type=int, default=3, help="side-by-side runs; the order of start swaps each round (default 3)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=None, help=f"the Markdown table (default {OUT.relative_to(ROOT)}, with --task learn "
                    f"{OUT_LEARN.relative_to(ROOT)}, with --task screen {OUT_SCREEN.relative_to(ROOT)}; '-' for none)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    docs_default, warm_default = DEFAULT_DOCS.get(args.task, DEFAULT_DOCS["check"])
    args.docs = docs_default if args.docs is None else args.docs
    args.warm = warm_default if args.warm is None else args.warm
    if args.worker:
        if args.task == "learn":
            learn_worker(args.worker, args.out)
        else:
            worker(args.worker, args.warm, args.out, args.task)
        return
    learn = args.task == "learn"
    out_path = args.out or str(OUT_LEARN if learn else OUT_SCREEN if args.task == "screen" else OUT)
    rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", args.against], capture_output=True, text=True)
    if rev.returncode != 0:
        raise SystemExit(f"not a git revision: {args.against!r} ({rev.stderr.strip()})")
    here = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = bool(subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "src"], capture_output=True, text=True).stdout.strip())
    this_name = f"this tree ({here}{' + changes' if dirty else ''})"
    other_name = f"{args.against} ({rev.stdout.strip()})"
    with tempfile.TemporaryDirectory(prefix="unspin-speed-") as t:
        tmp = Path(t)
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(tmp / "other"), args.against], check=True)
        try:
            docs = tmp / "docs.jsonl"
            if learn:
                distinct = prepare_pairs(args.pairs, args.seed, docs)
            else:
                prepare_docs(args.docs, args.warm, args.seed, docs)
            trees = {"this": ROOT, "other": tmp / "other"}
            rounds = []
            for rnd in range(args.rounds):
                order = ["this", "other"] if rnd % 2 == 0 else ["other", "this"]
                got = run_pair(trees, order, docs, args.warm, tmp, rnd, args.task)
                rounds.append(got)
                print(f"round {rnd + 1}: " + ", ".join(f"{k} {v['cpu']:.1f} CPU-s" if learn else f"{k} {v['words'] / v['cpu']:,.0f} words/CPU-s"
                                                       for k, v in got.items()), file=sys.stderr)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tmp / "other")], check=False)
    if learn:
        write(learn_table(args, rounds, this_name, other_name, distinct), out_path)
        return
    rate = {k: [r[k]["words"] / r[k]["cpu"] for r in rounds] for k in ("this", "other")}
    identical = len({r[k]["digest"] for r in rounds for k in ("this", "other")}) == 1
    screen = args.task == "screen"
    lines = header("The screen's speed against another revision (`bench/speed.py --task screen`)" if screen
                   else "The full check's speed against another revision (`bench/speed.py`)",
                   f"{'--task screen ' if screen else ''}--against {args.against} --docs {args.docs} --warm {args.warm} --rounds {args.rounds}",
                   f"Documents: {args.warm} untimed then {args.docs} timed BBC test-split articles, every other one spun "
                   f"(spinbot habit, 30 %), {rounds[0]['this']['words']:,} words timed; one worker process per tree, both at "
                   f"once, the start order swapped each round. Rate: words per CPU-second of "
                   f"`{'unspin.screen.screen' if screen else 'unspin.api.check'}` (the worker's process CPU time).",
                   [this_name, other_name, "ratio"])
    lines += round_rows(rate["this"], rate["other"], "{:,.0f}", lambda a, b: a / b)
    lines += ["",
              "Ratio: this tree's rate over the other's in the same round (both ran at once); its median is the figure to read, "
              "the rates themselves move with the machine's load from round to round.", "",
              f"{'Screening results (score, verdict, features, hits)' if screen else 'Reports'} of the two trees: "
              f"{'identical (every one the same in every run)' if identical else 'DIFFERENT: the change is not only a speed-up'}."]
    write(lines, out_path)


def header(title: str, options: str, description: str, columns: list[str]) -> list[str]:
    """A table's title, the command and machine, what was timed, and the table's head (a round column first)."""
    return [f"# {title}", "",
            f"`python -m bench.speed {options}` — {platform.machine()}, {os.cpu_count()} CPUs (shared with other jobs), "
            f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}.", "", description, "",
            "| round | " + " | ".join(columns) + " |", "|---:|" + "---:|" * len(columns)]


def round_rows(this: list[float], other: list[float], cell: str, ratio: Callable[[float, float], float]) -> list[str]:
    """One row per round (``cell``: a format for a tree's figure) and the medians: of each tree's figures and of
    the rounds' ratios (``ratio(this, other)``, both measured at once)."""
    rows = [f"| {k + 1} | {cell.format(a)} | {cell.format(b)} | {ratio(a, b):.2f}x |" for k, (a, b) in enumerate(zip(this, other))]
    med = statistics.median(ratio(a, b) for a, b in zip(this, other))
    return [*rows, f"| **median** | **{cell.format(statistics.median(this))}** | **{cell.format(statistics.median(other))}** | **{med:.2f}x** |"]


def write(lines: list[str], out: str) -> None:
    text = "\n".join(lines) + "\n"
    print(text)
    if out != "-":
        Path(out).write_text(text, encoding="utf-8")


def learn_table(args: argparse.Namespace, rounds: list[dict[str, dict]], this_name: str, other_name: str, distinct: int) -> list[str]:
    cpu = {k: [r[k]["cpu"] for r in rounds] for k in ("this", "other")}
    identical = len({r[k]["digest"] for r in rounds for k in ("this", "other")}) == 1
    lines = header("Learning's speed against another revision (`bench/speed.py --task learn`)",
                   f"--task learn --against {args.against} --pairs {args.pairs} --rounds {args.rounds}",
                   f"`unspin.learn.learn_pairs(pairs, min_docs=2)` on {args.pairs:,} copy/source pairs ({distinct:,} distinct "
                   "BBC articles spun by the spinbot-habit dictionary spinner of bench.learn, repeated under distinct ids), "
                   "alignment, extraction, counting and the channel fit included; one worker process per tree, both at once, "
                   "the start order swapped each round. CPU: the worker's process CPU seconds (issue 14's target: under 60 "
                   "for 10,000 pairs).", [this_name, other_name, "speed-up"])
    lines += round_rows(cpu["this"], cpu["other"], "{:.1f} CPU-s", lambda a, b: b / a)
    lines += ["",
              f"Lexicons of the two trees ({rounds[0]['this']['entries']:,} entries): "
              f"{'identical (the same TSV in every run)' if identical else 'DIFFERENT: the change is not only a speed-up'}."]
    return lines


if __name__ == "__main__":
    main()

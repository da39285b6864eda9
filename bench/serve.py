"""Web service benchmark: `unspin serve` under load on 127.0.0.1, against the library called directly.

Articles: 800-word texts cut from BBC News records (/work/shared/data) and
spun by `devkit/spinner.py` (30 % of eligible words). Phases:

* library: `unspin.api.check` on each article in this process, one after another
  (the baseline of the HTTP overhead ratio);
* load: a real ``unspin serve`` child process on a free port of 127.0.0.1, driven
  by httpx/asyncio at 1, 8 and 32 concurrent clients for ``--duration`` seconds
  each (POST /v1/check, JSON body): requests/s, p50/p95 latency, errors, 503s —
  once per server mode (``--modes``), side by side in the same run: ``threads``
  (``unspin serve --threads``, every check in one process) and ``processes``
  (worker processes, the default), with the memory of the server and its workers;
* soak: 8 clients for ``--soak-seconds``, the server's RSS (with its workers)
  sampled every 5 s (memory must stay flat);
* overload: a second server with 1 worker and a queue of 2 under 16 clients:
  the deliberate 503s (with Retry-After) that keep its memory bounded.

All traffic stays on 127.0.0.1; every phase is bounded in time.

    python -m bench.serve [--duration 20] [--soak-seconds 600] [--modes threads,processes]   # writes bench/results/serve.md
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from devkit.spinner import Spinner, load_bbc

HERE = Path(__file__).resolve().parent

WORDS = 800


def make_articles(n: int, seed: int = 0) -> list[str]:
    """``n`` spun articles of ``WORDS`` words, each cut from consecutive BBC records."""
    records = load_bbc()
    rng = random.Random(seed)
    rng.shuffle(records)
    spinner = Spinner(rate=0.3, seed=seed)
    out: list[str] = []
    i = 0
    while len(out) < n:
        words: list[str] = []
        paras: list[str] = []
        while len(words) < WORDS:
            rec = records[i % len(records)]
            i += 1
            for para in rec["text"].split("\n\n"):
                w = para.split()
                if not w:
                    continue
                take = w[: WORDS - len(words)]
                paras.append(" ".join(take))
                words.extend(take)
                if len(words) >= WORDS:
                    break
        out.append(spinner.spin("\n\n".join(paras)).text)
    return out


def pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and every process under it (the server's worker processes), MB."""
    return sum(process_rss_mb(pid).values())


def process_tree(pid: int) -> list:
    """``pid`` and every process under it (live ones; none if ``pid`` is gone)."""
    import psutil

    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def process_rss_mb(pid: int) -> dict[int, float]:
    """Resident memory of ``pid`` and of each process under it, MB, by pid (the server first)."""
    import psutil

    out: dict[int, float] = {}
    for p in process_tree(pid):
        try:
            out[p.pid] = p.memory_info().rss / 2**20
        except psutil.Error:
            pass
    return out


class Server:
    """``unspin serve`` as a child process on 127.0.0.1."""

    def __init__(self, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="unspin-serve-", suffix=".log", delete=False)
        cmd = [sys.executable, "-m", "unspin.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port), *args]
        env = {**os.environ, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
        env.pop("UNSPIN_TOKEN", None)
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(self.url + "/healthz", timeout=2, trust_env=False).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"server did not start; log: {self.log.name}")
            time.sleep(0.2)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@dataclass
class Result:
    clients: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    status: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    retry_after_missing: int = 0
    #: CPU seconds the server and its workers used during the phase.
    cpu_seconds: float = 0.0
    #: Requests that sent an article already sent in this phase (the article list ran out).
    repeated: int = 0
    #: GET /healthz latencies measured during the load (is the event loop responsive?).
    health: list[float] = field(default_factory=list)

    @property
    def ok(self) -> int:
        return self.status.get(200, 0)

    @property
    def rejected(self) -> int:
        return self.status.get(503, 0)

    @property
    def failed(self) -> int:
        return sum(v for k, v in self.status.items() if k not in (200, 503)) + len(self.errors)


async def drive(url: str, articles: list[str], clients: int, seconds: float, on_tick=None) -> Result:  # type: ignore[no-untyped-def]
    """``clients`` loops posting articles for ``seconds``; each waits for its answer before the next."""
    res = Result(clients)
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    taken = itertools.count()  # the clients share one sequence: no article is sent twice until all were
    async with httpx.AsyncClient(base_url=url, timeout=300, limits=limits, trust_env=False) as client:

        async def loop(k: int) -> None:
            while time.monotonic() < stop:
                i = next(taken)
                res.repeated += i >= len(articles)
                body = {"text": articles[i % len(articles)]}
                t0 = time.perf_counter()
                try:
                    r = await client.post("/v1/check", json=body)
                except httpx.HTTPError as exc:
                    res.errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                dt = time.perf_counter() - t0
                res.status[r.status_code] = res.status.get(r.status_code, 0) + 1
                if r.status_code == 200:
                    res.latencies.append(dt)
                elif r.status_code == 503:
                    if "retry-after" not in r.headers:
                        res.retry_after_missing += 1
                    await asyncio.sleep(float(r.headers.get("retry-after", "1")) / 4)

        async def ticker() -> None:
            while time.monotonic() < stop:
                await asyncio.sleep(5)
                if on_tick is not None:
                    on_tick()

        async def probe() -> None:  # its own connection, so it never waits behind a check
            async with httpx.AsyncClient(base_url=url, timeout=60, trust_env=False) as own:
                while time.monotonic() < stop:
                    await asyncio.sleep(0.5)
                    t0 = time.perf_counter()
                    try:
                        if (await own.get("/healthz")).status_code == 200:
                            res.health.append(time.perf_counter() - t0)
                    except httpx.HTTPError as exc:
                        res.errors.append(f"healthz {type(exc).__name__}")

        t0 = time.perf_counter()
        await asyncio.gather(ticker(), probe(), *(loop(k) for k in range(clients)))
        res.seconds = time.perf_counter() - t0
    return res


async def drive_once(url: str, articles: list[str], clients: int = 2) -> None:
    """Post every article once, ``clients`` at a time (the server's word caches see what the load will
    send). Two at a time, two worker processes each see half the warm-up; one at a time, the first
    idle worker sees all of it, as it sees all the traffic of a lone client."""
    async with httpx.AsyncClient(base_url=url, timeout=300, trust_env=False) as client:
        sem = asyncio.Semaphore(clients)

        async def one(a: str) -> None:
            async with sem:
                (await client.post("/v1/check", json={"text": a})).raise_for_status()

        await asyncio.gather(*(one(a) for a in articles))


def library_baseline(warm: list[str], articles: list[str]) -> list[float]:
    """Per-article seconds of `unspin.api.check` on ``articles``, in this process, after checking ``warm``
    (untimed: the same warm-up the servers get, so the general word caches are equally warm)."""
    from unspin.api import check, get_detector

    det = get_detector()
    for a in warm:
        check(a, detector=det)
    times = []
    for a in articles:
        t0 = time.perf_counter()
        check(a, detector=det)
        times.append(time.perf_counter() - t0)
    return times


def run_mode(mode: str, args: argparse.Namespace, warm: list[str], slices: list[list[str]], levels: list[int]) -> dict:
    """One server (``mode``: threads or processes) through every load level, then the soak."""
    server_args = ["--queue-size", str(args.queue_size), "--timeout", "120"]
    if args.workers:
        server_args += ["--workers", str(args.workers)]
    if mode == "threads":
        server_args.append("--threads")
    server = Server(*server_args)
    pool = httpx.get(server.url + "/healthz", trust_env=False).json()["pool"]
    out: dict = {"mode": mode, "args": server_args, "pool": pool, "results": [], "soak": None, "soak_samples": []}
    try:
        print(f"[{mode}] server warm-up: {len(warm)} articles ...", flush=True)
        asyncio.run(drive_once(server.url, warm, args.warmup_clients))
        for c, articles in zip(levels, slices):
            print(f"[{mode}] load: {c} clients for {args.duration:g} s ...", flush=True)
            cpu0 = tree_cpu_seconds(server.proc.pid)
            r = asyncio.run(drive(server.url, articles, c, args.duration))
            r.cpu_seconds = tree_cpu_seconds(server.proc.pid) - cpu0
            out["results"].append(r)
            print(f"  {r.ok / r.seconds:.2f} req/s, p50 {pct(r.latencies, .5)*1000:.0f} ms, p95 {pct(r.latencies, .95)*1000:.0f} ms, status {r.status}, errors {len(r.errors)}", flush=True)
        out["memory"] = memory_tree(server.proc.pid)
        if args.soak_seconds > 0:
            samples = out["soak_samples"]
            print(f"[{mode}] soak: 8 clients for {args.soak_seconds:g} s ...", flush=True)
            t0 = time.monotonic()
            samples.append((0.0, rss_mb(server.proc.pid)))
            out["soak"] = asyncio.run(drive(server.url, [a for sl in slices for a in sl], 8, args.soak_seconds, on_tick=lambda: samples.append((time.monotonic() - t0, rss_mb(server.proc.pid)))))
            samples.append((time.monotonic() - t0, rss_mb(server.proc.pid)))
    finally:
        server.stop()
    return out


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and every process under it (live ones)."""
    import psutil

    total = 0.0
    for p in process_tree(pid):
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def memory_tree(pid: int) -> dict[str, list[tuple[float, float]]]:
    """RSS and USS (memory no other process shares), MB, of the server ``pid`` and the processes under it,
    by role: the server, the fork server (a child holding the preloaded detector), the workers (forked by
    it, so they share its pages until they write to them), and other helpers."""
    import psutil

    out: dict[str, list[tuple[float, float]]] = {"server": [], "fork server": [], "workers": [], "other": []}
    try:
        root = psutil.Process(pid)
        kids = root.children()
    except psutil.Error:
        return out

    def mem(p: psutil.Process) -> tuple[float, float]:
        m = p.memory_full_info()
        return m.rss / 2**20, m.uss / 2**20

    try:
        out["server"].append(mem(root))
        for k in kids:
            grandkids = k.children()
            if grandkids:
                out["fork server"].append(mem(k))
                out["workers"] += [mem(g) for g in grandkids]
            elif "forkserver" in " ".join(k.cmdline()):
                out["fork server"].append(mem(k))
            elif k.memory_info().rss > 100 * 2**20:
                out["workers"].append(mem(k))
            else:
                out["other"].append(mem(k))
    except psutil.Error:
        pass
    return out


def _memory_line(run: dict) -> str:
    tree = run.get("memory") or {}
    if not tree or not tree.get("server"):
        return ""
    fmt = lambda xs: ", ".join(f"{r:,.0f}/{u:,.0f}" for r, u in xs)  # noqa: E731
    parts = [f"server process {fmt(tree['server'])}"]
    if tree["fork server"]:
        parts.append(f"fork server (the preloaded detector) {fmt(tree['fork server'])}")
    if tree["workers"]:
        parts.append(f"{len(tree['workers'])} workers {fmt(tree['workers'])} (mean USS {statistics.mean(u for _, u in tree['workers']):,.0f} MB each)")
    if tree["other"]:
        parts.append(f"helpers {fmt(tree['other'])}")
    total_uss = sum(u for xs in tree.values() for _, u in xs)
    return "; ".join(parts) + f"; sum of USS {total_uss:,.0f} MB"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--warmup", type=int, default=8, help="articles every server (and the library) checks before the timed load")
    ap.add_argument("--warmup-clients", type=int, default=2,
                    help="warm-up requests in flight at once (1: the first idle worker takes the whole warm-up, as it takes a lone client's traffic)")
    ap.add_argument("--level-articles", type=int, default=100, help="fresh articles per load level (the same ones for every server mode); "
                    "each request sends one not sent before, so no worker answers from its caches of a text it has seen")
    ap.add_argument("--duration", type=float, default=20.0, help="seconds per concurrency level")
    ap.add_argument("--levels", default="1,8,32", help="concurrent clients, comma-separated")
    ap.add_argument("--modes", default="threads,processes", help="server modes run side by side: threads (unspin serve --threads, "
                    "the one-process server) and processes (worker processes, the default)")
    ap.add_argument("--soak-seconds", type=float, default=600.0, help="memory soak at 8 clients (0: skip)")
    ap.add_argument("--overload", action=argparse.BooleanOptionalAction, default=True, help="the deliberate-503 phase")
    ap.add_argument("--workers", type=int, default=None, help="server workers (default: its own)")
    ap.add_argument("--queue-size", type=int, default=32, help="server queue (32 clients must fit: 503s here are errors)")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "serve.md")
    args = ap.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    command = "python -m bench.serve " + " ".join(sys.argv[1:])

    n = args.warmup + args.level_articles * len(levels)
    print(f"building {n} articles of {WORDS} words ...", flush=True)
    articles = make_articles(n)
    words = statistics.mean(len(a.split()) for a in articles)
    warm = articles[: args.warmup]
    slices = [articles[args.warmup + k * args.level_articles: args.warmup + (k + 1) * args.level_articles] for k in range(len(levels))]

    print("library baseline ...", flush=True)
    lib = library_baseline(warm, slices[0][:16])
    lib_rps = len(lib) / sum(lib)
    print(f"  library: {lib_rps:.2f} checks/s, p50 {pct(lib, .5)*1000:.0f} ms", flush=True)

    runs = [run_mode(m, args, warm, slices, levels) for m in modes]

    over = None
    if args.overload:
        print("overload: 1 worker, queue 2, 16 clients for 10 s ...", flush=True)
        small = Server("--workers", "1", "--queue-size", "2", "--timeout", "120")
        try:
            over = asyncio.run(drive(small.url, articles, 16, 10))  # the overload phase only counts answers
            over_rss = rss_mb(small.proc.pid)
        finally:
            small.stop()
        print(f"  status {over.status}, errors {len(over.errors)}, Retry-After missing {over.retry_after_missing}", flush=True)

    lines = [
        "# Web service benchmark (`bench/serve.py`)",
        "",
        f"Command: `{command}`",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs (shared with other jobs; load average at the end {os.getloadavg()[0]:.1f}), Python {platform.python_version()}.",
        f"Articles: {len(articles)} distinct texts of {words:.0f} words (BBC News records spun at 30 %), POST /v1/check with a JSON body: "
        f"each server first checks the same {args.warmup} (warm-up, {args.warmup_clients} at a time), then each load level sends its own {args.level_articles}, the same for every server, "
        f"each request one not sent before (repeats only if a level runs out: " + ", ".join(f"{run['mode']} {sum(r.repeated for r in run['results'])}" for run in runs) + ").",
        "Servers, one after the other in the same run: " + "; ".join(
            f"**{r['mode']}**: `unspin serve --host 127.0.0.1 {' '.join(r['args'])}` ({r['pool']['workers']} {r['pool'].get('kind', 'threads')}, capacity {r['pool']['capacity']} running + queued)" for r in runs) + ".",
        "",
        f"Library baseline (`unspin.api.check` in this process, one after another, on {len(lib)} of the first level's articles after the same warm-up): **{lib_rps:.2f} checks/s**, p50 {pct(lib, .5)*1000:.0f} ms, p95 {pct(lib, .95)*1000:.0f} ms.",
        "",
        "| server | clients | requests/s | p50 ms | p95 ms | OK | 503 | errors | repeats | cores used | checks per CPU-second | req/s vs library | req/s vs threads | p50 vs threads | /healthz p50 / max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    base = {r.clients: r for r in runs[0]["results"]} if runs else {}
    for run in runs:
        for r in run["results"]:
            rps = r.ok / r.seconds
            b = base.get(r.clients)
            vs = f"{rps / (b.ok / b.seconds):.2f}" if b is not None and b.ok else "—"
            p50 = f"{pct(r.latencies, .5) / pct(b.latencies, .5):.2f}" if b is not None and b.latencies else "—"
            cores = r.cpu_seconds / r.seconds
            per_cpu = r.ok / r.cpu_seconds if r.cpu_seconds else float("nan")
            lines.append(f"| {run['mode']} | {r.clients} | {rps:.2f} | {pct(r.latencies, .5)*1000:.0f} | {pct(r.latencies, .95)*1000:.0f} | {r.ok} | {r.rejected} | {r.failed} | {r.repeated} | {cores:.2f} | {per_cpu:.2f} | {rps / lib_rps:.2f} | {vs} | {p50} | {pct(r.health, .5)*1000:.0f} / {max(r.health, default=float('nan'))*1000:.0f} |")
    lines += ["", "Memory after the load, RSS/USS MB per process (`psutil`; USS is the memory no other process shares: "
              "the workers are forked from a fork server holding the loaded detector, so their RSS counts shared pages again):", ""]
    lines += [f"- {run['mode']}: {_memory_line(run)}" for run in runs]
    for run in runs:
        r1 = run["results"][0] if run["results"] else None
        if r1 is not None and r1.clients == 1:
            lines += ["", f"HTTP overhead at 1 client ({run['mode']}): p50 {pct(r1.latencies, .5)*1000:.0f} ms over HTTP vs {pct(lib, .5)*1000:.0f} ms in process, a ratio of **{pct(r1.latencies, .5) / pct(lib, .5):.2f}**."]
    lines.append("")
    lines.append("*cores used*: CPU seconds of the server and all its processes over the phase's wall time; *checks per CPU-second*: "
                 "answers per CPU second spent (the cost of a check, whatever share of the machine the server got). *repeats*: "
                 "requests that resent an article of the phase (its level ran out of fresh ones): a worker that saw it answers faster.")
    lines.append("")
    lines.append("With threads the detector (CPU-bound Python) runs on one core whatever the machine, so extra clients only queue; "
                 "worker processes each run a check on their own core. The last column is GET /healthz, probed every 0.5 s during "
                 "the load on its own connection: the event loop keeps answering while the workers are busy.")
    for run in runs:
        soak, samples = run["soak"], run["soak_samples"]
        if soak is None or not samples:
            continue
        first, last = samples[0][1], samples[-1][1]
        settled = [m for t, m in samples if t >= min(60, samples[-1][0] / 4)]
        lines += [
            "",
            f"## Memory soak ({run['mode']}): 8 clients, {soak.seconds:.0f} s",
            "",
            f"{soak.ok} checks ({soak.ok / soak.seconds:.2f}/s), {soak.rejected} 503s, {soak.failed} errors. Server RSS (MB, with its workers) every ~5 s: start {first:.0f}, after warm-up {settled[0] if settled else first:.0f}, max {max(m for _, m in samples):.0f}, end {last:.0f} "
            f"({(last - (settled[0] if settled else first)):+.1f} MB after warm-up).",
            "",
            "Samples (s: MB): " + ", ".join(f"{t:.0f}: {m:.0f}" for t, m in samples[:: max(1, len(samples) // 12)]),
        ]
    if over is not None:
        lines += [
            "",
            "## Overload: deliberate 503s",
            "",
            f"`unspin serve --workers 1 --queue-size 2` under 16 clients for {over.seconds:.0f} s: {over.ok} OK, {over.rejected} answered 503 with Retry-After ({over.retry_after_missing} without), {over.failed} other errors; server RSS at the end {over_rss:.0f} MB (with its worker).",
        ]
    lines.append("")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

"""A check past the server's time limit: how soon is its worker free again?

The baseline is what happened before the pool cancelled timed-out checks: the worker
ran the check to its end (one request answered 504 kept a detector thread busy). The
measured figure is the time from the limit to the pool having no job in flight, with
``unspin.web.pool``'s cancellation (request start to idle pool, minus the limit; it includes
answering the 504). Texts: 5,000 words (the word cap's worth) cut from
BBC News records, in a new order each run so no cache shortens the check.

    python -m bench.cancel [--runs 3] [--timeout 0.5]   # writes bench/results/cancel.md

In process (FastAPI's TestClient, one worker); needs ../shared.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import time
from pathlib import Path

from devkit.spinner import load_bbc

HERE = Path(__file__).resolve().parent


def texts(n: int, words: int = 5000, seed: int = 15) -> list[str]:
    """``n`` texts of ``words`` BBC words, each a new order of the sentences."""
    sentences = [s.strip() + "." for r in load_bbc()[:200] for s in r["text"].split(".") if len(s.split()) > 5]
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        rng.shuffle(sentences)
        picked, count = [], 0
        for s in sentences:
            picked.append(s)
            count += len(s.split())
            if count >= words:
                break
        out.append(" ".join(picked))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=0.5, help="the server's check time limit (s)")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "cancel.md")
    args = ap.parse_args()

    from fastapi.testclient import TestClient

    from unspin.api import check, get_detector
    from unspin.web.app import create_app
    from unspin.web.settings import Settings

    docs = texts(2 * args.runs)
    det = get_detector()
    check("The minister said on Tuesday that the plan would go ahead.", detector=det)
    full = []
    for text in docs[: args.runs]:  # baseline: the check run to its end
        t = time.perf_counter()
        check(text, detector=det)
        full.append(time.perf_counter() - t)
    reclaim = []
    with TestClient(create_app(Settings(timeout_s=args.timeout, workers=1, queue_size=0))) as c:
        pool = c.app.state.service.pool
        for text in docs[args.runs :]:
            t = time.perf_counter()
            r = c.post("/v1/check", json={"text": text})
            assert r.status_code == 504, r.status_code
            while pool.in_flight:
                time.sleep(0.001)
            reclaim.append(time.perf_counter() - t - args.timeout)
        stats = pool.stats()
    med_full, med_reclaim = statistics.median(full), statistics.median(reclaim)
    lines = [
        "# Cancelling a check past the time limit (`python -m bench.cancel`)",
        "",
        f"{platform.python_version()}, {os.cpu_count()} CPUs (shared), {args.runs} runs, 5,000-word BBC texts, time limit {args.timeout:g} s, 1 worker.",
        "",
        "| | median | runs |",
        "|---|---|---|",
        f"| worker busy after the limit without cancellation (the check run to its end, minus the limit) | {max(0.0, med_full - args.timeout):.2f} s | {', '.join(f'{x:.2f}' for x in full)} s (whole check) |",
        f"| worker busy after the limit with cancellation (504 answered, job stopped) | {med_reclaim * 1000:.1f} ms | {', '.join(f'{x * 1000:.1f}' for x in reclaim)} ms |",
        "",
        f"The worker is free {max(0.0, med_full - args.timeout) / max(med_reclaim, 1e-3):,.0f}x sooner. Pool counters after the runs: {stats}.",
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

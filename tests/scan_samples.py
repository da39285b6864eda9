"""A small generated crawl for the scan tests: articles, spun copies of them, unrelated ones, bad input.

No external data: articles are sentences of function words, names, numbers and
content words drawn with a seeded RNG; a "spun copy" swaps a share of the
content words for other content words, as a synonym spinner does (names,
numbers and function words stay), so clusters are planted and known.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

CONTENT = """government council minister economy report market company price energy plan bridge harbour school hospital
water budget election police court judge officer winter summer village city region country investment worker union
strike transport railway airport flight weather storm river farmer harvest museum festival player match season coach
station tax bill family children student teacher doctor patient engineer factory product export import bank loan
decision statement interview meeting agreement treaty border army ship island coast forest mountain road traffic""".split()
FUNCTION = "the a of to in on for with that and but was were has had would could will said by from at as it its their they which".split()
NAMES = "Portmere Aldwick Brennan Okafor Lisbon Kendal Marlow Ostrava Quint Delacroix Haverly Tamsin Ravel Yusuf Ingrid".split()


def article(rng: random.Random, sentences: int = 14) -> str:
    out = []
    for _ in range(sentences):
        words = []
        for _ in range(rng.randint(12, 20)):
            r = rng.random()
            if r < 0.45:
                words.append(rng.choice(FUNCTION))
            elif r < 0.55:
                words.append(rng.choice(NAMES))
            elif r < 0.6:
                words.append(str(rng.randint(2, 2030)))
            else:
                words.append(rng.choice(CONTENT))
        s = " ".join(words)
        out.append(s[0].upper() + s[1:] + ".")
    return " ".join(out)


def spin(text: str, rate: float, rng: random.Random) -> str:
    """Swap ``rate`` of the content words for other content words."""
    content = set(CONTENT)
    out = []
    for w in text.split(" "):
        core = w.rstrip(".")
        if core in content and rng.random() < rate:
            w = rng.choice([c for c in CONTENT if c != core]) + w[len(core):]
        out.append(w)
    return " ".join(out)


def make_crawl(root: Path, *, sources: int = 6, unrelated: int = 10, seed: int = 7) -> tuple[list[str], list[set[str]]]:
    """Write JSONL files under ``root``: clusters (a source and 1-3 spun copies; some without the
    source), unrelated articles, and one broken file. Returns the input paths and the planted clusters (ids)."""
    rng = random.Random(seed)
    docs: list[dict[str, str]] = []
    clusters: list[set[str]] = []
    for i in range(sources):
        base = article(rng)
        members = set()
        if i % 3 != 2:  # every third cluster: spun copies only, their source is not in the crawl
            docs.append({"id": f"src-{i}", "text": base})
            members.add(f"src-{i}")
        for j, rate in enumerate((0.15, 0.3, 0.5)[: 1 + i % 3]):
            docs.append({"id": f"copy-{i}-{j}", "text": spin(base, rate, rng)})
            members.add(f"copy-{i}-{j}")
        if len(members) < 2:
            docs.append({"id": f"copy-{i}-x", "text": spin(base, 0.3, rng)})
            members.add(f"copy-{i}-x")
        clusters.append(members)
    for i in range(unrelated):
        docs.append({"id": f"other-{i}", "text": article(rng)})
    rng.shuffle(docs)
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    per_file = 4
    for f in range(0, len(docs), per_file):
        p = root / f"crawl-{f // per_file:02d}.jsonl"
        p.write_text("".join(json.dumps(d) + "\n" for d in docs[f : f + per_file]), encoding="utf-8")
        paths.append(str(p))
    bad = root / "crawl-bad.jsonl"
    bad.write_text('{"id": "broken", "text": \nnot json\n{"id": "no-text"}\n', encoding="utf-8")
    paths.append(str(bad))
    return paths, clusters


def rows(out: Path) -> list[dict]:
    """Every row of a scan's ``documents/part-*.parquet``, in partition order."""
    import pyarrow.parquet as pq

    return pq.read_table(sorted((out / "documents").glob("part-*.parquet"))).to_pylist()

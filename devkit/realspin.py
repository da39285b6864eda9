"""The one real spinner's output we have, hand-annotated: a detection row that is not our simulator.

``../shared/seed/spun_article.txt`` is a Reuters report (Putin and Xi before the
2022 Winter Olympics) after a commercial spinner. ``devkit/data/seed_gold.tsv``
lists, in document order, the 143 substitutions we could identify by reading it
against the reconstructed report, each marked ``sure`` (spun wording and
original both clear), ``guess`` (spun, original uncertain) or ``spun-only``
(an insertion such as "then, at that point,"). The article itself is not in the
repository; the benchmark reads it from ../shared and skips the row without it.

Scoring is that of ``bench/detect.py``: a flag is true when it overlaps an
annotated substitution; recall is the share of substitutions overlapped by a
flag; restoration is counted over the found ``sure`` substitutions only
(a multi-word original counts when the suggestion equals it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from devkit.evalkit import Counts, match_flags

HERE = Path(__file__).resolve().parent
SEED = HERE.parents[1] / "shared" / "seed" / "spun_article.txt"
GOLD = HERE / "data" / "seed_gold.tsv"


@dataclass(frozen=True)
class GoldSpan:
    start: int
    end: int
    spun: str
    original: str
    kind: str  # sure | guess | spun-only


def load_gold(text: str, path: Path = GOLD) -> list[GoldSpan]:
    """Locate the annotated substitutions in ``text`` (each after the previous one, whole words)."""
    out: list[GoldSpan] = []
    pos = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        spun, original, kind = line.split("\t")
        m = re.compile(r"(?<!\w)" + re.escape(spun) + r"(?!\w)").search(text, pos)
        if m is None:
            raise ValueError(f"{path.name}: {spun!r} not found after offset {pos}")
        out.append(GoldSpan(m.start(), m.end(), spun, original, kind))
        pos = m.end()
    return out


@dataclass
class RealCounts(Counts):
    """`evalkit.Counts` with restoration counted over the found *sure* substitutions only."""

    sure_found: int = 0

    @property
    def restoration(self) -> float:
        return self.restored / self.sure_found if self.sure_found else 0.0


def score(flags: list[tuple[int, int, str | None]], gold: list[GoldSpan]) -> RealCounts:
    true_flags, hit = match_flags(flags, gold)
    return RealCounts(flags=len(flags), true_flags=true_flags, gold=len(gold), found=len(hit),
                      sure_found=sum(1 for k in hit if gold[k].kind == "sure"),
                      restored=sum(1 for k, ok in hit.items() if ok and gold[k].kind == "sure"))


def seed_document():
    """The seed article as `unspin check` reads it (boilerplate excluded), or None without ../shared."""
    if not SEED.exists():
        return None
    from unspin.ingest import iter_documents

    return next(r.document for r in iter_documents([str(SEED)]) if r.document is not None)


if __name__ == "__main__":
    from unspin.api import check

    doc = seed_document()
    gold = load_gold(doc.text)
    rep = check(doc)
    flags = [(f.start, f.end, f.suggestion) for f in rep.flags]
    c = score(flags, gold)
    print(f"{len(gold)} substitutions ({sum(g.kind == 'sure' for g in gold)} sure); {c.flags} flags: "
          f"P={c.precision:.3f} R={c.recall:.3f} restore={c.restoration:.3f} ({c.restored}/{c.sure_found})")
    for f in rep.flags:
        g = [x for x in gold if f.start < x.end and x.start < f.end]
        print(f"  {'+' if g else '-'} {f.text!r:24} -> {f.suggestion!r:16} {f.confidence:.2f}  gold={g[0].original if g else ''}")

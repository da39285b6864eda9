"""Fixtures for the end-to-end tests: a really spun article with the wording it was spun from
(so which words are swaps is known, word by word), and unrelated news articles as decoys.

`examples/spun_article.txt` is the bundled spun example; `ORIGINAL` is the text it was spun from,
written for these tests (its first two paragraphs are `web_samples.SOURCE`). `GOLD` is derived, not
typed: the words where the two texts differ, aligned word by word (the spinner only swaps words
and short phrases, so the texts align one to one). The assertions built on it (`judge`) hold for
any reasonable detector and fail for the broken ones: flagging every word, flagging nothing, a
constant score.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from web_samples import SOURCE, SPUN

#: The wording examples/spun_article.txt was spun from (all four paragraphs; the first two are SOURCE).
ORIGINAL = SOURCE + (
    "\nThe prime minister defended the decision in parliament, saying the country faced a serious crisis and that "
    "those with the broadest shoulders should carry the heaviest burden. She said the government would review the "
    "scheme in the spring and promised further help if prices continued to rise.\n\n"
    "Economists said the measures would reduce inflation by about one percentage point next year, but warned that "
    "the central bank was still likely to raise interest rates again in the coming months. Shares in energy firms "
    "fell sharply after the announcement, while the pound rose against the dollar.\n"
)

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def _words(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


def swaps(spun: str, original: str) -> dict[int, tuple[str, str]]:
    """The spun words of ``spun`` against ``original``: start offset -> (spun word, original word).

    Words are aligned with difflib; a replaced run of equal length pairs word by word, a run of
    unequal length (a phrase for a word) pairs every spun word with the whole original run."""
    a, b = _words(spun), _words(original)
    out: dict[int, tuple[str, str]] = {}
    sm = difflib.SequenceMatcher(a=[w.lower() for *_, w in a], b=[w.lower() for *_, w in b], autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        for k in range(i1, i2):
            orig = b[j1 + k - i1][2] if (i2 - i1) == (j2 - j1) else " ".join(w for *_, w in b[j1:j2])
            out[a[k][0]] = (a[k][2], orig)
    return out


#: The 24 swaps of the bundled example: start offset in SPUN -> (spun word, original word).
GOLD = swaps(SPUN, ORIGINAL)
#: The swaps of the first two paragraphs (the part of ORIGINAL that web_samples.source_index holds).
GOLD_INDEXED = swaps(SPUN[: SPUN.index("The prime minister")], SOURCE)

#: Unrelated news articles on neighbouring topics (energy, taxes, rates, parliament), written for
#: these tests: the decoys of the indexes the end-to-end and web tests search.
DECOYS = {
    "decoy-rates": (
        "The central bank left interest rates unchanged on Thursday, saying inflation had begun to ease but remained "
        "well above its target. Policymakers voted seven to two to hold the main rate, with the two dissenters "
        "arguing for a further cut to support a weakening housing market. The governor told reporters that borrowing "
        "costs would stay high for as long as needed and that the committee would watch wage growth closely.\n"
    ),
    "decoy-wind": (
        "A new offshore wind farm off the east coast began supplying power to the grid this week, the operator said. "
        "The project, which has more than one hundred turbines, is expected to provide enough electricity for about "
        "a million homes once it is fully running next year. Local fishing groups said they had been consulted late "
        "and asked for compensation for grounds lost to the cables.\n"
    ),
    "decoy-budget": (
        "The chancellor is expected to freeze fuel duty for another year in next month's budget, according to "
        "officials familiar with the plans. Treasury sources said the cost of the freeze would be met by savings "
        "elsewhere, although several backbench MPs have called for a rise in spending on schools and hospitals. "
        "Opposition parties accused the government of dodging difficult choices.\n"
    ),
    "decoy-retail": (
        "Shoppers cut back on spending in the run-up to Christmas as higher prices for food and heating squeezed "
        "household budgets, figures released on Friday showed. Sales volumes fell for the third month in a row, with "
        "clothing and furniture shops worst hit. Retailers warned that some stores could close in the new year if "
        "demand did not recover.\n"
    ),
    "decoy-rail": (
        "Rail passengers face another week of disruption after union members voted to extend strike action over pay "
        "and working conditions. The operators said they would run a reduced timetable on most lines and urged people "
        "to travel only if necessary. Talks between the two sides broke down on Monday without any agreement on the "
        "size of the offer.\n"
    ),
    "decoy-steel": (
        "The owner of the country's largest steelworks said it would cut two thousand jobs as it moves to electric "
        "furnaces, blaming high energy costs and weak demand. Ministers said they were disappointed by the decision "
        "and would work with the company to find new roles for affected workers. Unions called for the plan to be "
        "paused while alternatives were explored.\n"
    ),
}


@dataclass
class Judged:
    """How a report's flags compare with the known swaps."""

    flagged: int
    on_swaps: int
    swaps_found: int
    restored: int
    off_swaps: list[str]

    @property
    def precision(self) -> float:
        return self.on_swaps / self.flagged if self.flagged else 0.0

    def recall(self, gold: Mapping[int, tuple[str, str]]) -> float:
        return self.swaps_found / len(gold)


def judge(flags: Iterable[Mapping[str, Any]], gold: Mapping[int, tuple[str, str]]) -> Judged:
    """Compare flags (``to_dict`` form) with ``gold``: a flag is on a swap when it covers a swapped
    word's start; restored when its suggestion is that word's original (case-insensitive)."""
    flags = list(flags)
    found: set[int] = set()
    on = restored = 0
    off: list[str] = []
    for f in flags:
        hit = [s for s in gold if f["start"] <= s < f["end"]]
        if hit:
            on += 1
            found.update(hit)
            originals = {gold[s][1].lower() for s in hit}
            if (f.get("suggestion") or "").lower() in originals or (f.get("suggestion") or "").lower() == " ".join(sorted(originals)):
                restored += 1
        else:
            off.append(f["text"])
    return Judged(flagged=len(flags), on_swaps=on, swaps_found=len(found), restored=restored, off_swaps=off)


def assert_spun_report(report: Mapping[str, Any], gold: Mapping[int, tuple[str, str]] = GOLD) -> Judged:
    """The bundled spun example as any sound detector must report it: judged spun; at least half
    of its swaps flagged; at least three flags in four on a swap (a detector flagging every word
    has under one in six); a few swaps restored to the exact original word."""
    j = judge(report["flags"], gold)
    assert report["verdict"] == "spun", (report["verdict"], report["spin_score"], report.get("explanation"))
    assert j.recall(gold) >= 0.5, f"{j.swaps_found} of {len(gold)} swaps flagged: {[f['text'] for f in report['flags']]}"
    assert j.precision >= 0.75, f"{len(j.off_swaps)} of {j.flagged} flags on words the spinner left alone: {j.off_swaps}"
    assert j.restored >= 4, f"only {j.restored} flags suggest the original word"
    return j


def assert_clean_report(report: Mapping[str, Any]) -> None:
    """A clean news article: judged clean, with at most a stray flag or two."""
    assert report["verdict"] == "clean", (report["verdict"], report["spin_score"], [f["text"] for f in report["flags"]])
    assert len(report["flags"]) <= 2, [f["text"] for f in report["flags"]]


if __name__ == "__main__":  # PYTHONPATH=src:tests python tests/e2e_samples.py: how the detector does on these fixtures today
    from unspin.api import check
    from unspin.model import Document

    spun = check(Document(text=SPUN)).to_dict()
    j = judge(spun["flags"], GOLD)
    print(f"spun example: {spun['verdict']} ({spun['spin_score']:.2f}); {j.swaps_found} of {len(GOLD)} swaps flagged, "
          f"{j.on_swaps} of {j.flagged} flags on a swap, {j.restored} restored to the exact original")
    for name, text in [("original", ORIGINAL), *DECOYS.items()]:
        r = check(Document(text=text))
        print(f"{name}: {r.verdict} ({r.spin_score:.2f}), {len(r.flags)} flags")

"""Real spun pages from the web (``../shared/data/realdev``): loading, gold swaps, site folds, scoring.

The set (see its README) has three files:

* ``pairs.jsonl``: a spun page with the article it was spun from. Aligning the two word sequences
  (`align_swaps`) gives the gold: a replaced run of at most ``MAX_SWAP`` words on both sides is a
  *swap* (the spun words, with the source words as the original), a run of at most ``MAX_SWAP``
  words present only in the spun page is an *insertion* ("medical doctors" for "doctors"); longer
  differing runs are *rewrites* (with any differing run at most ``MERGE_GAP`` words away: restructured clauses, paragraphs of another version of the wire
  story) and are neither gold nor clean: a flag that touches only rewritten words is left out of
  precision altogether (counted apart as ``neutral``), and rewrites are not in recall.
* ``spun.jsonl``: spun pages without their source, each with example ``[spun, original]`` fragments
  (``evidence``): document level, and word level inside those fragments (`load_evidence`).
* ``clean.jsonl``: professionally written pages on similar stories, the hard negatives (regional
  and old-fashioned English, translated prose).

Every page has a *site*, the host of its URL (``www.`` dropped); `site_fold` puts every site in
one fold, so a model trained on some folds is tested on pages from sites it has never seen.
Two kinds of spinner are in the set and are reported apart (`family`): synonym spinners
(SpinBot-style, WordPress auto-rewriters, WordNet-style rewriters) and fluent paraphrasers
(QuillBot-style, abstractive rewriters, machine-translation round trips).

The text of the pages never goes into the repository; without ``../shared`` `available` is false
and the benchmark rows that need the set are skipped.
"""

from __future__ import annotations

import difflib
import json
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from devkit.evalkit import Counts
from unspin.text import TokenKind, tokenize

DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "realdev"
#: longest replaced run (words, on each side) that counts as a swap rather than a rewrite
MAX_SWAP = 3
#: a differing run at most this many unchanged words from a rewrite joins it (1: with 2, QuillBot-style
#: pages lost nearly all their swaps to rewrites; with 0, chance matches of "the" or "that" cut rewrites)
MERGE_GAP = 1


def available(directory: Path = DIR) -> bool:
    return (directory / "pairs.jsonl").exists()


def site_of(url: str) -> str:
    """The host of ``url``, lower case, without a leading ``www.``: the unit of the folds."""
    host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    return host[4:] if host.startswith("www.") else host


def family(description: str) -> str:
    """``"paraphrase"`` for fluent paraphrasers and translation round trips, else ``"synonym"``."""
    d = description.lower()
    return "paraphrase" if any(k in d for k in ("quillbot", "paraphras", "abstractive", "translation")) else "synonym"


def site_fold(site: str, k: int = 2) -> int:
    """The fold of ``site`` among ``k`` (a hash of the site name: every page of a site in one fold)."""
    return zlib.crc32(site.encode()) % k


@dataclass(frozen=True)
class Swap:
    start: int  # character span in the spun text
    end: int
    spun: str
    original: str  # "" for an insertion
    kind: str  # "swap" | "insert"


@dataclass(frozen=True)
class Page:
    """One document of the set, for document-level scoring."""

    id: str
    site: str
    text: str
    label: int  # 1 spun, 0 genuine
    family: str  # "synonym" | "paraphrase" for spun pages, "" for genuine ones
    genre: str
    origin: str  # "pair-spun" | "pair-source" | "spun" | "clean"


@dataclass(frozen=True)
class Pair:
    """A spun page with its source and the gold swaps found by aligning them."""

    id: str
    site: str
    source_site: str
    text: str  # the spun page
    source: str
    family: str
    swaps: tuple[Swap, ...]
    rewrites: tuple[tuple[int, int], ...]  # character spans of rewritten runs in the spun text
    words: int  # word tokens of the spun page
    rewritten_words: int


def _key(norm: str) -> str:
    """Comparison key of a word: lower case, accents dropped ("Moïse" = "Moise")."""
    return "".join(c for c in unicodedata.normalize("NFKD", norm) if not unicodedata.combining(c))


def align_swaps(spun: str, source: str, max_swap: int = MAX_SWAP) -> tuple[list[Swap], list[tuple[int, int]], int]:
    """Gold swaps, rewritten spans and the number of rewritten words of ``spun`` against ``source``.

    The word sequences (punctuation ignored, case and accents folded) are aligned with
    `difflib.SequenceMatcher` (no junk heuristic). Replaced runs of at most ``max_swap`` words on
    both sides are swaps, spun-only runs of at most ``max_swap`` words insertions, longer
    differing runs rewrites; a run at most ``MERGE_GAP`` unchanged words from a rewrite joins it,
    with the words between. Words the source has and the spun page drops leave nothing to flag.
    """
    a = [t for t in tokenize(source) if t.kind is TokenKind.WORD]
    b = [t for t in tokenize(spun) if t.kind is TokenKind.WORD]
    sm = difflib.SequenceMatcher(None, [_key(t.norm) for t in a], [_key(t.norm) for t in b], autojunk=False)
    # differing runs as [i1, i2, j1, j2, rewrite?]; a run within MERGE_GAP equal words of a rewrite
    # joins it (a common word such as "that" matched by chance inside a restructured clause must
    # not cut it into swaps, nor count as an unchanged word)
    runs = [[i1, i2, j1, j2, (j2 - j1) > max_swap or (i2 - i1) > max_swap]
            for op, i1, i2, j1, j2 in sm.get_opcodes() if op != "equal"]
    merged: list[list] = []
    for r in runs:
        prev = merged[-1] if merged else None
        if prev is not None and (prev[4] or r[4]) and r[2] - prev[3] <= MERGE_GAP and r[0] - prev[1] <= MERGE_GAP:
            prev[1], prev[3], prev[4] = r[1], r[3], True
        else:
            merged.append(r)
    swaps: list[Swap] = []
    rewrites: list[tuple[int, int]] = []
    rewritten = 0
    for i1, i2, j1, j2, rewrite in merged:
        if j2 == j1:
            continue  # words the spun page dropped: nothing to flag
        start, end = b[j1].start, b[j2 - 1].end
        if not rewrite:
            original = source[a[i1].start : a[i2 - 1].end] if i2 > i1 else ""
            swaps.append(Swap(start, end, spun[start:end], original, "swap" if original else "insert"))
        else:
            rewrites.append((start, end))
            rewritten += j2 - j1
    return swaps, rewrites, rewritten


def _rows(name: str, directory: Path) -> list[dict]:
    with open(directory / name, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_pairs(directory: Path = DIR) -> list[Pair]:
    out = []
    for r in _rows("pairs.jsonl", directory):
        swaps, rewrites, rewritten = align_swaps(r["spun_text"], r["source_text"])
        words = sum(1 for t in tokenize(r["spun_text"]) if t.kind is TokenKind.WORD)
        out.append(Pair(r["id"], site_of(r["spun_url"]), site_of(r["source_url"]), r["spun_text"], r["source_text"],
                        family(r.get("spinner_family", "")), tuple(swaps), tuple(rewrites), words, rewritten))
    return out


def load_pages(directory: Path = DIR) -> list[Page]:
    """Every document of the set: the spun side and the source side of each pair, the spun pages
    and the clean pages."""
    out = []
    for r in _rows("pairs.jsonl", directory):
        out.append(Page(r["id"], site_of(r["spun_url"]), r["spun_text"], 1, family(r.get("spinner_family", "")),
                        r.get("genre", ""), "pair-spun"))
        out.append(Page(r["id"] + "-source", site_of(r["source_url"]), r["source_text"], 0, "", r.get("genre", ""),
                        "pair-source"))
    for r in _rows("spun.jsonl", directory):
        out.append(Page(r["id"], site_of(r["url"]), r["text"], 1, family(r.get("spinner_family", "")),
                        r.get("genre", ""), "spun"))
    for r in _rows("clean.jsonl", directory):
        out.append(Page(r["id"], site_of(r["url"]), r["text"], 0, "", r.get("genre", ""), "clean"))
    return out


def load_evidence(directory: Path = DIR) -> list[Pair]:
    """The spun pages without a source (``spun.jsonl``), each judged inside its evidence fragments only.

    A page's ``evidence`` lists ``[spun, original]`` fragments (a clause or sentence of the page and
    what it was spun from); `align_swaps` of each fragment gives its gold swaps, and everything outside
    the fragments is unjudged: it is added to the page's ``rewrites``, so that `score_pair` counts a
    flag there as neutral (neither true nor false). ``words`` counts the fragments' words. The
    annotators picked fragments that show swaps, so precision inside them is higher than over the
    whole page would be; recall is over the swaps of the fragments. A fragment not found verbatim in
    the page is skipped."""
    out = []
    for r in _rows("spun.jsonl", directory):
        text = r["text"]
        swaps: dict[tuple[int, int], Swap] = {}
        rewrites: list[tuple[int, int]] = []
        spans: list[tuple[int, int]] = []
        words = rewritten = 0
        for fragment in r.get("evidence", []):
            if len(fragment) != 2 or not fragment[0] or not fragment[1]:
                continue
            spun, original = fragment
            at = text.find(spun)
            if at < 0 or any(a <= at and at + len(spun) <= b for a, b in spans):
                continue  # not in the page, or the same fragment again
            found, rw, n = align_swaps(spun, original)
            for x in found:
                swaps.setdefault((at + x.start, at + x.end), Swap(at + x.start, at + x.end, x.spun, x.original, x.kind))
            rewrites += [(at + a, at + b) for a, b in rw]
            spans.append((at, at + len(spun)))
            words += sum(1 for t in tokenize(spun) if t.kind is TokenKind.WORD)
            rewritten += n
        outside, pos = [], 0
        for a, b in sorted(spans):
            if a > pos:
                outside.append((pos, a))
            pos = max(pos, b)
        if pos < len(text):
            outside.append((pos, len(text)))
        out.append(Pair(r["id"], site_of(r["url"]), "", text, "", family(r.get("spinner_family", "")),
                        tuple(v for _k, v in sorted(swaps.items())), tuple(sorted(rewrites + outside)), words, rewritten))
    return out


def split_by_site(items, test_fold: int, k: int = 2):
    """``(train, test)``: items (with a ``site``) whose site is not / is in fold ``test_fold``."""
    train = [x for x in items if site_fold(x.site, k) != test_fold]
    test = [x for x in items if site_fold(x.site, k) == test_fold]
    return train, test


# --- word level -------------------------------------------------------------------------------------


@dataclass
class PairCounts(Counts):
    """`evalkit.Counts` for a pair: ``flags`` and ``true_flags`` leave out the ``neutral`` flags
    (those touching only rewritten words); ``restored`` is over found swaps with an original
    (``swap_found``), not insertions."""

    neutral: int = 0
    swap_found: int = 0

    @property
    def restoration(self) -> float:
        return self.restored / self.swap_found if self.swap_found else 0.0


def score_pair(flags: list[tuple[int, int, str | None]], pair: Pair) -> PairCounts:
    """Word-level counts of ``(start, end, suggestion)`` flags on a pair's spun page.

    A flag overlapping a gold swap or insertion is true; one overlapping only rewritten words is
    neutral (neither true nor false, and not in ``flags``); any other flag is false. Recall is the
    share of gold swaps and insertions overlapped by a flag; a found swap is restored when one of
    its flags suggests exactly its original (case-insensitive).
    """
    c = PairCounts(gold=len(pair.swaps), words=pair.words)
    hit: dict[int, bool] = {}
    for a, b, sugg in flags:
        over = [k for k, s in enumerate(pair.swaps) if a < s.end and s.start < b]
        if over:
            c.flags += 1
            c.true_flags += 1
            for k in over:
                hit[k] = hit.get(k, False) or (sugg or "").lower() == pair.swaps[k].original.lower()
        elif any(a < e and s < b for s, e in pair.rewrites):
            c.neutral += 1
        else:
            c.flags += 1
    c.found = len(hit)
    c.swap_found = sum(1 for k in hit if pair.swaps[k].kind == "swap")
    c.restored = sum(1 for k, ok in hit.items() if ok and pair.swaps[k].kind == "swap")
    return c


# --- document level ---------------------------------------------------------------------------------


@dataclass
class DocMetrics:
    f1: float
    precision: float
    recall: float
    auc: float
    fpr: float
    positives: int
    negatives: int


def auc(pos: list[float], neg: list[float]) -> float:
    """Area under the ROC curve: the chance that a spun page outscores a genuine one (ties half)."""
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def doc_metrics(pos: list[float], neg: list[float], threshold: float = 0.5) -> DocMetrics:
    """F1, precision, recall and false-positive rate at ``score >= threshold``, and the AUC."""
    tp = sum(s >= threshold for s in pos)
    fp = sum(s >= threshold for s in neg)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / len(pos) if pos else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return DocMetrics(f, p, r, auc(pos, neg), fp / len(neg) if neg else 0.0, len(pos), len(neg))


if __name__ == "__main__":
    for p in load_pairs():
        n_swap = sum(s.kind == "swap" for s in p.swaps)
        print(f"{p.id} {p.site:28s} {p.family:10s} words={p.words} swaps={n_swap} inserts={len(p.swaps) - n_swap} "
              f"rewritten words={p.rewritten_words}")
    pages = load_pages()
    print(f"{len(pages)} pages: {sum(p.label for p in pages)} spun, {sum(1 - p.label for p in pages)} genuine; "
          f"{len({p.site for p in pages})} sites; fold sizes {[sum(site_fold(p.site) == f for p in pages) for f in (0, 1)]}")

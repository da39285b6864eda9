"""Learn a spinner lexicon from aligned copy/source pairs.

Each pair is aligned with `unspin.align` (a pair that does not align is not a copy
of that source: one error line, skipped). Inside the aligned passages every short
difference is a candidate swap:

* a replaced run of 1-4 words on each side: a word-for-word swap when both sides
  have the same length ("devastating approvals" -> "crippling sanctions" gives two),
  a phrase swap otherwise ("political race" -> "election");
* an insertion of 1-4 words: a padding the spinner adds, kept with the word before it
  ("then, at that point," -> "then" becomes ``then at that point -> then``).

Left out: numbers, names (capitalised words inside a sentence) and acronyms, typo
fixes and changes of inflection (the two sides spelled almost alike, or sharing a
lemma), reorderings (the same words), cut words, longer rewrites, added or cut
sentences, and swaps of function words only. Entries are lemmatised
(`unspin.learn.keys`) and counted: swaps, distinct documents, distinct sites, and
how often the spun wording stood unchanged in an aligned copy (``kept``). An entry
seen in fewer than ``min_docs`` documents is dropped.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from unspin.align import AlignOptions, align_detail
from unspin.detect.stopwords import FUNCTION_WORDS
from unspin.errors import InputError
from unspin.learn.keys import analyses, lemma_pair, lookup_keys
from unspin.learn.lexicon import LexiconEntry, SpinnerLexicon, sort_entries
from unspin.text import Token, TokenKind

#: longest swap, in words, on either side
MAX_WORDS = 4
#: lowest alignment score for a pair to count as a copy of its source (as `unspin search`)
MIN_SCORE = 0.25
#: largest text accepted, in characters
MAX_CHARS = 2_000_000
#: a word the copies only ever kept gets a line in the lexicon's word table from this many times (all of
#: them: a cut-off of 2 or 3 dropped fewer false flags on development copies, docs/learning.md)
MIN_KEPT = 1
_OPENERS = set('.!?"“”‘\'(…:;')
_DIGIT = re.compile(r"\d")


class PairError(InputError):
    """A copy/source pair that cannot be learned from (the message names the pair)."""


@dataclass(frozen=True)
class CopyPair:
    """A spun copy and the article it was spun from. ``site`` groups copies of one website."""

    copy: str
    source: str
    id: str = ""
    site: str | None = None


@dataclass(frozen=True)
class Swap:
    """One difference read off an aligned pair: the copy's words where the source had others."""

    spun: tuple[str, ...]  # observed words, lower case
    original: tuple[str, ...]
    copy_start: int
    copy_end: int


def pair_from_record(rec: Mapping[str, Any], n: int = 0) -> CopyPair:
    """A `CopyPair` from a JSON object with ``copy``/``source`` (or ``spun``/``original``,
    ``spun_text``/``source_text``), optional ``id`` and ``site`` (else the host of ``url``,
    ``spun_url`` or ``copy_url``). Without a copy and a source, an ``evidence`` list of
    ``[spun, original]`` phrase pairs is learned from instead (`evidence_pair`)."""
    def pick(*names: str) -> Any:
        for k in names:
            if k in rec and rec[k] is not None:
                return rec[k]
        return None

    pid = str(pick("id") if pick("id") is not None else f"#{n}")
    copy = pick("copy", "spun", "spun_text", "copy_text")
    source = pick("source", "original", "source_text", "original_text")
    site = pick("site")
    if site is None:
        url = pick("url", "spun_url", "copy_url")
        if isinstance(url, str) and url:
            site = urlsplit(url if "//" in url else "//" + url).hostname
    if (copy is None or source is None) and pick("evidence") is not None:
        return evidence_pair(pick("evidence"), pid, str(site) if site else None)
    if copy is None or source is None:
        missing = "copy (or spun)" if copy is None else "source (or original)"
        raise PairError(f"pair {pid}: no {missing} field")
    if not isinstance(copy, str) or not isinstance(source, str):
        raise PairError(f"pair {pid}: copy and source must be strings")
    return CopyPair(copy, source, pid, str(site) if site else None)


def evidence_pair(evidence: Any, pid: str = "", site: str | None = None) -> CopyPair:
    """A `CopyPair` from a page's *evidence*: example ``[spun, original]`` phrase pairs read off
    a spun page (as ``../shared/data/realdev`` records them) when the whole source is not at
    hand. The phrases are joined into one copy and one source, a paragraph each, so the pair
    aligns phrase by phrase and every short difference inside a phrase is a swap."""
    name = f"pair {pid}" if pid else "pair"
    if not isinstance(evidence, (list, tuple)):
        raise PairError(f"{name}: evidence must be a list of [spun, original] pairs")
    phrases = [(e[0], e[1]) for e in evidence
               if isinstance(e, (list, tuple)) and len(e) == 2 and all(isinstance(x, str) and x.strip() for x in e)]
    if not phrases:
        raise PairError(f"{name}: evidence holds no [spun, original] pair of strings")
    return CopyPair("\n\n".join(s for s, _ in phrases), "\n\n".join(o for _, o in phrases), pid, site)


def _initials(tokens: list[Token]) -> list[bool]:
    """For each token: does it open a sentence (a capitalised word there is not a name)."""
    out = []
    initial = True
    for t in tokens:
        out.append(initial)
        if t.kind is TokenKind.PUNCT:
            initial = initial or t.text in _OPENERS or "\n" in t.text
        else:
            initial = False
    return out


def _plain(t: Token, initial: bool) -> bool:
    """A word that can be part of a swap: not a number, a name or an acronym."""
    if t.kind is not TokenKind.WORD or _DIGIT.search(t.text):
        return False
    if t.text.isupper() and len(t.text) > 1:
        return False
    return initial or not t.text[:1].isupper()


def _same_word(a: str, b: str) -> bool:
    """A typo fix or a change of inflection, not a synonym swap."""
    if difflib.SequenceMatcher(None, a, b).ratio() >= 0.8:
        return True
    if " " in a or " " in b:
        return False
    return bool({lem for _, lem, _ in analyses(a)} & {lem for _, lem, _ in analyses(b)})


@lru_cache(maxsize=200_000)
def _keep(spun: tuple[str, ...], original: tuple[str, ...]) -> bool:
    if not spun or not original or spun == original:
        return False
    if sorted(spun) == sorted(original):
        return False  # reordering
    if all(w in FUNCTION_WORDS for w in spun):
        return False
    return not _same_word(" ".join(spun), " ".join(original))


def extract_swaps(pair: CopyPair, *, min_score: float = MIN_SCORE, max_chars: int = MAX_CHARS,
                  options: AlignOptions = AlignOptions()) -> tuple[list[Swap], list[tuple[str, ...]]]:
    """The swaps of one pair, and the runs of words the copy kept unchanged inside its aligned
    passages. Raises `PairError` for an empty, oversized or unaligned pair."""
    name = f"pair {pair.id}" if pair.id else "pair"
    for what, text in (("copy", pair.copy), ("source", pair.source)):
        if not text.strip():
            raise PairError(f"{name}: empty {what}; skipped")
        if len(text) > max_chars:
            raise PairError(f"{name}: {what} too large ({len(text):,} characters, limit {max_chars:,}); skipped")
    detail = align_detail(pair.copy, pair.source, options)
    al = detail.alignment
    if al.score < min_score or not al.pairs:
        raise PairError(f"{name}: the copy does not align with its source (alignment score {al.score:.2f} < {min_score:g}): "
                        "not a copy of it; skipped")
    ct, st = detail.copy_tokens, detail.source_tokens
    c_init, s_init = _initials(ct), _initials(st)
    swaps: list[Swap] = []
    kept_runs: list[tuple[str, ...]] = []

    def words_of(tokens: list[Token], init: list[bool], a: int, b: int) -> list[int] | None:
        idx = [k for k in range(a, b) if tokens[k].kind is not TokenKind.PUNCT]
        if any(not _plain(tokens[k], init[k]) for k in idx):
            return None
        return idx

    for passage in detail.passages:
        for ci, _si, n in passage:  # identical runs: what the copy kept
            run: list[str] = []
            for k in range(ci, ci + n):
                t = ct[k]
                if t.kind is TokenKind.PUNCT and t.text not in '.!?;:"“”()':
                    continue
                if _plain(t, c_init[k]):
                    run.append(t.norm)
                elif run:
                    kept_runs.append(tuple(run))
                    run = []
            if run:
                kept_runs.append(tuple(run))
        for (ai, aj, an), (bi, bj, _) in zip(passage, passage[1:]):
            ca, cb, sa, sb = ai + an, bi, aj + an, bj
            cw = words_of(ct, c_init, ca, cb)
            sw = words_of(st, s_init, sa, sb)
            if cw is None or sw is None or not cw or len(cw) > MAX_WORDS or len(sw) > MAX_WORDS:
                continue  # numbers or names changed, nothing inserted, or a longer rewrite
            if not sw:
                # an insertion: anchor it on the word before it (inside the identical run)
                k = ca - 1
                while k >= ai and ct[k].kind is TokenKind.PUNCT:
                    k -= 1
                if k < ai or not _plain(ct[k], c_init[k]):
                    continue
                anchor = ct[k].norm
                spun = (anchor, *(ct[x].norm for x in cw))
                if _keep(spun, (anchor,)):
                    swaps.append(Swap(spun, (anchor,), ct[k].start, ct[cw[-1]].end))
                continue
            if len(cw) == len(sw):
                for x, y in zip(cw, sw):
                    s1, o1 = (ct[x].norm,), (st[y].norm,)
                    if _keep(s1, o1):
                        swaps.append(Swap(s1, o1, ct[x].start, ct[x].end))
            else:
                s2, o2 = tuple(ct[x].norm for x in cw), tuple(st[y].norm for y in sw)
                if _keep(s2, o2):
                    swaps.append(Swap(s2, o2, ct[cw[0]].start, ct[cw[-1]].end))
    return swaps, kept_runs


def learn_pairs(
    pairs: Iterable[CopyPair | Mapping[str, Any]],
    min_docs: int = 2,
    *,
    on_error: Callable[[str], None] | None = None,
    progress: Callable[[int], None] | None = None,
    fit_channel: bool = True,
    min_score: float = MIN_SCORE,
    max_chars: int = MAX_CHARS,
    min_kept: int = MIN_KEPT,
) -> SpinnerLexicon:
    """Learn the swaps of one spinner from aligned copy/source pairs.

    ``pairs``: `CopyPair` objects or JSON-like records (`pair_from_record`). A pair that is
    empty, too large or does not align is reported through ``on_error`` (one line naming the
    pair; collected in the lexicon's ``problems`` as well) and skipped. ``progress`` is called
    with the number of pairs read so far. With ``fit_channel`` the channel model is fitted to
    the single-word swaps (`unspin.learn.channel.fit_lexicon_channel`) and stored with the
    entries.

    Example: two copies that both turn "leaders" into "chiefs" give the entry
    ``chief -> leader (NOUN)`` with count 2, docs 2.
    """
    problems: list[str] = []

    def report(msg: str) -> None:
        problems.append(msg)
        if on_error is not None:
            on_error(msg)

    count: Counter[tuple[str, str, str]] = Counter()
    docs: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    sites: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    examples: list[tuple[str, str]] = []  # (original word, spun word) single-word swaps, for the channel
    example_keys: list[tuple[str, str, str]] = []
    kept_runs: list[list[tuple[str, ...]]] = []
    word_spun: Counter[str] = Counter()  # word form -> times it was the spun side of a swap
    word_kept: Counter[str] = Counter()  # word form -> times it stood unchanged in an aligned copy
    n_read = n_used = 0
    for n, item in enumerate(pairs):
        n_read += 1
        try:
            pair = item if isinstance(item, CopyPair) else pair_from_record(item, n)
            swaps, runs = extract_swaps(pair, min_score=min_score, max_chars=max_chars)
        except PairError as e:
            report(str(e))
            continue
        finally:
            if progress is not None:
                progress(n_read)
        n_used += 1
        kept_runs.append(runs)
        word_kept.update(w for run in runs for w in run if w not in FUNCTION_WORDS)
        word_spun.update(spun_words(swaps))
        for sw in swaps:
            key = lemma_pair(sw.spun, sw.original)
            count[key] += 1
            docs[key].add(n)
            if pair.site:
                sites[key].add(pair.site)
            if len(sw.spun) == 1 and len(sw.original) == 1:
                examples.append((sw.original[0], sw.spun[0]))
                example_keys.append(key)
    keep = {k for k in count if len(docs[k]) >= min_docs}
    kept = _count_kept({(s, p) for s, _, p in keep}, kept_runs)
    entries = [LexiconEntry(s, o, p, count[(s, o, p)], len(docs[(s, o, p)]), len(sites[(s, o, p)]), kept.get((s, p), 0))
               for s, o, p in keep]
    channel = None
    if fit_channel:
        from unspin.learn.channel import fit_lexicon_channel

        chosen = [ex for ex, k in zip(examples, example_keys) if k in keep] or examples
        channel = fit_lexicon_channel(chosen, on_error=report)
    meta = {"pairs": n_used, "pairs_read": n_read, "min_docs": min_docs, "swaps": sum(count.values()),
            "swaps_kept": sum(count[k] for k in keep)}
    words = word_table(word_spun, word_kept, min_kept=min_kept)
    return SpinnerLexicon(sort_entries(entries), channel, meta, tuple(problems), words=words)


def spun_words(swaps: Iterable[Swap]) -> Iterator[str]:
    """The content words a swap put in the copy: its spun side (an insertion without the word it
    is anchored on, which the copy kept), function words left out."""
    for sw in swaps:
        words = sw.spun[1:] if len(sw.spun) > 1 and sw.original == sw.spun[:1] else sw.spun
        yield from (w for w in words if w not in FUNCTION_WORDS)


def word_table(spun: Mapping[str, int], kept: Mapping[str, int], *, min_kept: int = MIN_KEPT) -> dict[str, tuple[int, int]]:
    """``word -> (spun, kept)``: every word the spinner was seen to output, and the words it only
    ever kept when kept at least ``min_kept`` times (rarer ones say too little to be worth a line)."""
    out = {w: (n, kept.get(w, 0)) for w, n in spun.items()}
    out.update((w, (0, k)) for w, k in kept.items() if w not in out and k >= min_kept)
    return out


def _count_kept(keys: set[tuple[str, str]], runs_by_pair: list[list[tuple[str, ...]]]) -> dict[tuple[str, str], int]:
    """How often each spun key occurs in the words the copies kept unchanged."""
    out: Counter[tuple[str, str]] = Counter()
    if not keys:
        return out
    max_n = max(s.count(" ") + 1 for s, _ in keys)
    starts = {s.split(" ")[0] for s, _ in keys}
    opens: dict[str, bool] = {}  # word -> can it open a key (as written or by a lemma of it)

    def can_open(w: str) -> bool:
        can = opens.get(w)
        if can is None:
            can = opens[w] = w in starts or any(lem in starts for _, lem, _ in analyses(w))
        return can

    # every phrase of up to max_n kept words that opens with such a word, counted; each distinct one looked up once
    grams: Counter[tuple[str, ...]] = Counter(
        run[a : a + n] for runs in runs_by_pair for run in runs for a, w in enumerate(run) if can_open(w)
        for n in range(1, min(max_n, len(run) - a) + 1))
    # a phrase of several words matches a key only through its words other than the head, kept as written: all
    # but the first (the head of a verb, adjective or adverb phrase, or none) or all but the last (of a noun
    # phrase); a phrase whose other words end no key (or begin none) is not looked up
    tails = {s[i + 1 :] for s, _ in keys for i, c in enumerate(s) if c == " "}
    fronts = {s[:i] for s, _ in keys for i, c in enumerate(s) if c == " "}
    for words, times in grams.items():
        if len(words) > 1 and " ".join(words[1:]) not in tails and " ".join(words[:-1]) not in fronts:
            continue
        for key, pos, _tag in lookup_keys(words):
            if (key, pos) in keys:
                out[(key, pos)] += times
    return out

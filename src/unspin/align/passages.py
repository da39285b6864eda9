"""Local, token-level alignment of a copy with its source.

Tokens are compared by normalised form. Identical runs are found with
difflib's longest-match recursion (junk heuristics off; `cydifflib`, the same
algorithm compiled: identical matching blocks, ~5x faster), which is local by
construction: a copy of part of a source, or a source quoted inside a longer
page, aligns only where they share text. Runs separated by short gaps of equal
length on both sides are joined into passages; a gap of one to three words
on each side inside a passage is a substitution (the spinner's synonym swap,
including phrase swaps such as "intimate" -> "close and personal"). Passages
with too few identical words are dropped as chance agreement.
"""

from __future__ import annotations

from dataclasses import dataclass

from cydifflib import SequenceMatcher

from unspin.model import Alignment, Pair, Substitution
from unspin.text import Token, TokenKind, tokenize


@dataclass(frozen=True)
class AlignOptions:
    #: Longest substitution, in tokens, on either side.
    max_substitution: int = 3
    #: Longest unmatched gap (tokens, either side) that does not end a passage.
    max_gap: int = 6
    #: Fewest identical word tokens for a passage to count.
    min_passage_words: int = 8
    #: Lowest share of identical tokens within a passage.
    min_identity: float = 0.45
    #: Identical words that make a full score however long the texts (a quoted third of an article still scores high).
    full_score_words: int = 150


def _word_counts(tokens: list[Token]) -> list[int]:
    """Prefix counts of the tokens that are not punctuation: words in ``tokens[a:b]`` is ``c[b] - c[a]``."""
    out = [0]
    n = 0
    for t in tokens:
        if t.kind is not TokenKind.PUNCT:
            n += 1
        out.append(n)
    return out


@dataclass(frozen=True)
class AlignDetail:
    """`align`'s result with what it was computed from: both token lists and, for each
    accepted passage, its identical runs ``(copy token, source token, length)`` in order
    (the gaps between consecutive runs are the differences inside the passage)."""

    alignment: Alignment
    copy_tokens: list[Token]
    source_tokens: list[Token]
    passages: list[list[tuple[int, int, int]]]


def align(copy: str, source: str, options: AlignOptions = AlignOptions(), *, copy_tokens: list[Token] | None = None) -> Alignment:
    """Align ``copy`` with ``source``: passages (`Pair`) and substitutions, with character offsets.

    Example: ``align("The devastating approvals hit Iran.", "The crippling sanctions hit Iran.")``
    gives one pair covering both sentences and the substitution
    ``"devastating approvals"`` -> ``"crippling sanctions"``.
    """
    return align_detail(copy, source, options, copy_tokens=copy_tokens).alignment


def align_detail(copy: str, source: str, options: AlignOptions = AlignOptions(), *,
                 copy_tokens: list[Token] | None = None, source_tokens: list[Token] | None = None) -> AlignDetail:
    """`align`, keeping the tokens and the identical runs of each accepted passage
    (`unspin.learn` reads insertions and phrase swaps off the gaps between them)."""
    ct = copy_tokens if copy_tokens is not None else tokenize(copy)
    st = source_tokens if source_tokens is not None else tokenize(source)
    if not ct or not st:
        return AlignDetail(Alignment(), ct, st, [])
    a = [t.norm for t in ct]
    b = [t.norm for t in st]
    sm = SequenceMatcher(None, a, b, autojunk=False)
    blocks = [blk for blk in sm.get_matching_blocks() if blk.size]
    # Join matching blocks into passages across short gaps.
    passages: list[list[tuple[int, int, int]]] = []
    for blk in blocks:
        if passages:
            pi, pj, pn = passages[-1][-1]
            gi, gj = blk.a - (pi + pn), blk.b - (pj + pn)
            if 0 <= gi <= options.max_gap and 0 <= gj <= options.max_gap:
                passages[-1].append((blk.a, blk.b, blk.size))
                continue
        passages.append([(blk.a, blk.b, blk.size)])
    pairs: list[Pair] = []
    subs: list[Substitution] = []
    kept: list[list[tuple[int, int, int]]] = []
    matched = 0
    covered = 0
    cw_n, sw_n = _word_counts(ct), _word_counts(st)
    for p in passages:
        same = sum(cw_n[i + n] - cw_n[i] for i, _, n in p)
        i0, j0 = p[0][0], p[0][1]
        i1, j1 = p[-1][0] + p[-1][2], p[-1][1] + p[-1][2]
        span_words = cw_n[i1] - cw_n[i0]
        if same < options.min_passage_words or same < options.min_identity * max(span_words, sw_n[j1] - sw_n[j0]):
            continue
        matched += same
        covered += span_words
        kept.append(p)
        pairs.append(Pair(ct[i0].start, ct[i1 - 1].end, st[j0].start, st[j1 - 1].end))
        for (ai, aj, an), (bi, bj, _) in zip(p, p[1:]):
            ga0, ga1, gb0, gb1 = ai + an, bi, aj + an, bj
            if not (0 < ga1 - ga0 <= options.max_substitution and 0 < gb1 - gb0 <= options.max_substitution):
                continue
            cw = ct[ga0:ga1]
            sw = st[gb0:gb1]
            if not any(t.kind is TokenKind.WORD for t in cw) or any(t.kind is TokenKind.PUNCT for t in cw + sw):
                continue
            if len(cw) == len(sw):  # word for word: one substitution each
                subs.extend(Substitution(c.start, c.end, c.text, s.text, s.start, s.end) for c, s in zip(cw, sw) if c.norm != s.norm)
            else:
                subs.append(Substitution(cw[0].start, cw[-1].end, copy[cw[0].start : cw[-1].end], source[sw[0].start : sw[-1].end], sw[0].start, sw[-1].end))
    copy_words, source_words = cw_n[-1], sw_n[-1]
    alignment = Alignment(
        pairs=tuple(pairs), substitutions=tuple(subs),
        coverage=covered / copy_words if copy_words else 0.0,
        score=min(1.0, matched / max(1, min(copy_words, source_words, options.full_score_words))),
        matched=matched,
    )
    return AlignDetail(alignment, ct, st, kept)

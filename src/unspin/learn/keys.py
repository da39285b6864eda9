"""Lemma keys: one lexicon entry covers the inflections of its wording.

An entry's wording is lemmatised on one word, its *head*: the last word of a noun
phrase, the first word of any other phrase (a single word is its own head), so
"chiefs" -> "leaders" is stored as ``chief -> leader (NOUN)`` and found again in
"chief" -> "leader"; "came to" -> "reached" as ``come to -> reach (VERB)``.
Where the spinner's wording and the original share no inflection the entry is
kept as written (part of speech ``-``).
"""

from __future__ import annotations

from functools import lru_cache

from unspin.detect.stopwords import FUNCTION_WORDS
from unspin.lexicon import inflection as infl

#: parts of speech tried for a phrase, in order (a noun phrase inflects its last word)
PHRASE_POS = ("NOUN", "VERB", "ADJ", "ADV")


def head_index(n_words: int, pos: str) -> int:
    """Which word of an ``n_words`` phrase carries the inflection for ``pos``."""
    return n_words - 1 if pos == "NOUN" else 0


@lru_cache(maxsize=200_000)
def analyses(word: str) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """``(upos, lemma, penn tags)`` readings of a lower-case word under the four inflecting parts of speech."""
    out = []
    for upos, lemma in infl.lemmas(word):
        if upos not in infl.UPOS_TAGS:
            continue
        tags = infl.penn_tags_for(word, lemma, upos)
        if tags:
            out.append((upos, lemma, tags))
    return tuple(out)


@lru_cache(maxsize=200_000)
def lemma_pair(spun: tuple[str, ...], original: tuple[str, ...]) -> tuple[str, str, str]:
    """``(spun, original, pos)`` of an entry: both wordings lemmatised on their head for the
    first part of speech under which the two heads share an inflection, else as written."""
    order = PHRASE_POS if len(spun) > 1 or len(original) > 1 else None
    tried: set[str] = set()
    for pos in order or [a[0] for a in analyses(spun[0])]:
        if pos in tried:
            continue
        tried.add(pos)
        hs, ho = head_index(len(spun), pos), head_index(len(original), pos)
        if spun[hs] in FUNCTION_WORDS or original[ho] in FUNCTION_WORDS:
            continue  # "the railroads" -> "the": no inflection to share
        for upos_s, lem_s, tags_s in analyses(spun[hs]):
            if upos_s != pos:
                continue
            for upos_o, lem_o, tags_o in analyses(original[ho]):
                if upos_o != pos or not set(tags_s) & set(tags_o):
                    continue
                s = list(spun)
                o = list(original)
                s[hs], o[ho] = lem_s, lem_o
                if s != o:
                    return " ".join(s), " ".join(o), pos
    return " ".join(spun), " ".join(original), "-"


def lookup_keys(words: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """Every ``(key, pos, penn tag)`` under which the observed ``words`` can match an entry:
    as written (``-``), and lemmatised on the head for each reading of it."""
    out = [(" ".join(words), "-", "")]
    seen = {out[0][:2]}
    n = len(words)
    for pos in PHRASE_POS:
        h = head_index(n, pos)
        for upos, lemma, tags in analyses(words[h]):
            if upos != pos:
                continue
            w = list(words)
            w[h] = lemma
            key = (" ".join(w), pos)
            if key not in seen:
                seen.add(key)
                out.append((*key, tags[0]))
    return out


def realise(original: str, pos: str, tag: str) -> str:
    """The original wording inflected like the observed one (``tag`` of its head)."""
    if pos == "-" or not tag:
        return original
    words = original.split(" ")
    h = head_index(len(words), pos)
    if words[h] in FUNCTION_WORDS:
        return original
    form = infl.inflect(words[h], tag)
    if form:
        words[h] = form
    return " ".join(words)

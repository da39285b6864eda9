"""Lemmatisation and re-inflection with ``lemminflect``.

Moby's headwords are lemmas ("sanction", not "sanctions"), so an observed
word is lemmatised before the thesaurus lookup and each candidate original is
re-inflected with the Penn tag that turns the observed lemma into the
observed word: "approvals" (approval + NNS) -> "sanction" + NNS -> "sanctions".
"""

from __future__ import annotations

from functools import lru_cache

from lemminflect import getAllInflections, getAllLemmas, getInflection

UPOS_TAGS: dict[str, tuple[str, ...]] = {
    "NOUN": ("NN", "NNS"),
    "VERB": ("VB", "VBD", "VBG", "VBN", "VBP", "VBZ"),
    "ADJ": ("JJ", "JJR", "JJS"),
    "ADV": ("RB", "RBR", "RBS"),
}


@lru_cache(maxsize=100_000)
def lemmas(word: str) -> tuple[tuple[str, str], ...]:
    """``(upos, lemma)`` pairs for a lower-case word; the word itself as a noun
    lemma when lemminflect does not know it."""
    found = getAllLemmas(word)
    out = [(upos, lem) for upos, lems in found.items() for lem in lems]
    if not out:
        out = [("NOUN", word)]
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=100_000)
def penn_tags_for(word: str, lemma: str, upos: str) -> tuple[str, ...]:
    """Penn tags ``t`` of ``upos`` with ``inflect(lemma, t) == word``."""
    tags = []
    for tag in UPOS_TAGS.get(upos, ()):
        forms = getInflection(lemma, tag=tag) or ()
        if word in forms:
            tags.append(tag)
    if not tags and word == lemma:
        tags = [UPOS_TAGS.get(upos, ("NN",))[0]]
    return tuple(tags)


@lru_cache(maxsize=200_000)
def inflect(lemma: str, tag: str) -> str | None:
    """First inflection of ``lemma`` for Penn ``tag`` (multi-word: inflect the head)."""
    if " " in lemma:
        words = lemma.split(" ")
        # verbs inflect their first word ("give up" -> "gave up"), nouns their last
        idx = 0 if tag.startswith("VB") else len(words) - 1
        head = inflect(words[idx], tag)
        if head is None:
            return None
        words[idx] = head
        return " ".join(words)
    forms = getInflection(lemma, tag=tag)
    return forms[0] if forms else None


@lru_cache(maxsize=100_000)
def can_be(word_lemma: str, upos: str) -> bool:
    """Can this lemma be used as ``upos`` (lemminflect knows an inflection)?"""
    return bool(getAllInflections(word_lemma, upos=upos))


def reinflect(observed: str, original_lemma: str) -> list[str]:
    """Forms of ``original_lemma`` that match the inflection of ``observed``."""
    out: list[str] = []
    for upos, lem in lemmas(observed):
        for tag in penn_tags_for(observed, lem, upos):
            form = inflect(original_lemma, tag)
            if form and form not in out:
                out.append(form)
    return out

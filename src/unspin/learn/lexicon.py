"""A spinner lexicon: the swaps one spinner makes, learned from its copies, as an editable TSV.

The file is plain text a person can read, edit and diff::

    # unspin spinner lexicon 1
    # channel: {"weights": {...}}          (fitted channel parameters, JSON; optional)
    # meta: {"pairs": 100, "min_docs": 2}  (how it was learned, JSON; optional)
    spun	original	pos	count	docs	sites	kept
    chief	leader	NOUN	12	5	1	0
    opening service	opening ceremony	NOUN	3	3	2	0
    then at that point	then	-	4	3	1	0

    # words: how often each word form of the copies was the spinner's output ...
    word	spun	kept
    chiefs	12	0
    said	0	57

Columns: the spinner's wording and the original, lower case, *lemmatised* on one
word so that an entry covers its inflections (``pos`` names that word's part of
speech: the last word of a noun phrase, the first word of any other phrase;
``-`` when the entry is kept as written); ``count`` swaps seen, ``docs`` distinct
documents and ``sites`` distinct sites they were seen in, and ``kept``: how often
the spinner's wording stood in a copy *unchanged* from its source (so
``count / (count + kept)`` is how often that wording, in this spinner's output,
is a swap). The *word table* after the entries counts, for every word form the copies
show (function words aside), how often it was the spun side of a swap (``spun``, every
swap, also those seen in fewer than ``min_docs`` documents) and how often it stood in a
copy unchanged from its source (``kept``): the spinner's own swap rate of that word,
which judges the statistical flags in its documents (`unspin.learn.apply.review_word_flags`).
A file without one (written before it existed) loads with no word counts. Other ``#`` lines are comments. A broken line is reported (one line,
naming it) and skipped; the rest of the file is used.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from unspin.errors import InputError

MAGIC = "# unspin spinner lexicon 1"
COLUMNS = ("spun", "original", "pos", "count", "docs", "sites", "kept")
#: the header of the word table (a second section, after the entries)
WORD_COLUMNS = ("word", "spun", "kept")
WORD_NOTE = ("# words: how often each word form of the copies was the spinner's output (the spun side of a swap) "
             "and how often it stood unchanged from the source")
POS_VALUES = ("NOUN", "VERB", "ADJ", "ADV", "-")


class LexiconError(InputError):
    """A lexicon file that cannot be used at all (missing, unreadable, no header)."""


@dataclass(frozen=True)
class LexiconEntry:
    """One learned swap: the spinner writes ``spun`` where the source had ``original``."""

    spun: str
    original: str
    pos: str = "-"
    count: int = 1
    docs: int = 1
    sites: int = 0
    kept: int = 0

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.spun, self.original, self.pos)

    @property
    def swap_rate(self) -> float:
        """How often the spun wording, where it occurs in this spinner's copies, is a swap."""
        return self.count / (self.count + self.kept) if self.count + self.kept else 0.0

    @property
    def n_words(self) -> int:
        return self.spun.count(" ") + 1

    def to_row(self) -> str:
        return "\t".join((self.spun, self.original, self.pos, str(self.count), str(self.docs), str(self.sites), str(self.kept)))


@dataclass(frozen=True)
class SpinnerLexicon:
    """Learned entries (most frequent first), the fitted channel parameters and how it was made."""

    entries: tuple[LexiconEntry, ...] = ()
    #: parameters of `unspin.detect.channel.ChannelModel` (``to_dict``), or None
    channel: Mapping[str, Any] | None = None
    #: how the lexicon was learned (pairs, min_docs, sources...)
    meta: Mapping[str, Any] = field(default_factory=dict)
    #: one-line problems met while reading (broken lines skipped)
    problems: tuple[str, ...] = ()
    #: where it was read from (for evidence and messages)
    name: str = ""
    #: word form -> (times it was the spun side of a swap, times the copies kept it unchanged):
    #: every word the spinner was seen to output, and the words it only kept, from a count cut-off
    words: Mapping[str, tuple[int, int]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.entries)

    # -- writing -----------------------------------------------------------
    def to_tsv(self) -> str:
        lines = [MAGIC]
        if self.channel is not None:
            lines.append("# channel: " + json.dumps(self.channel, sort_keys=True))
        if self.meta:
            lines.append("# meta: " + json.dumps(dict(self.meta), sort_keys=True))
        lines.append("\t".join(COLUMNS))
        lines.extend(e.to_row() for e in self.entries)
        if self.words:
            lines += ["", WORD_NOTE, "\t".join(WORD_COLUMNS)]
            lines.extend(f"{w}\t{n}\t{k}" for w, (n, k) in sorted(self.words.items(), key=lambda x: (-x[1][0], -x[1][1], x[0])))
        return "\n".join(lines) + "\n"

    def write(self, path: str | Path) -> None:
        """Write the TSV atomically (a crash leaves the old file or the new one, never half)."""
        path = Path(path)
        data = self.to_tsv()
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or Path("."))
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def sort_entries(entries: Iterable[LexiconEntry]) -> tuple[LexiconEntry, ...]:
    return tuple(sorted(entries, key=lambda e: (-e.docs, -e.count, e.spun, e.original, e.pos)))


# -- reading -------------------------------------------------------------------

def parse_lexicon(text: str, name: str = "<lexicon>") -> SpinnerLexicon:
    """Parse the TSV text; broken lines become ``problems`` ("NAME:LINE: why") and are skipped."""
    problems: list[str] = []
    entries: dict[tuple[str, str, str], LexiconEntry] = {}
    channel: Mapping[str, Any] | None = None
    meta: dict[str, Any] = {}
    words: dict[str, tuple[int, int]] = {}
    header_seen = in_words = False
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        if line.startswith("#"):
            body = line[1:].strip()
            for tag in ("channel:", "meta:"):
                if body.startswith(tag):
                    try:
                        value = json.loads(body[len(tag):])
                        if not isinstance(value, dict):
                            raise ValueError("not a JSON object")
                    except ValueError as e:
                        problems.append(f"{name}:{no}: {tag[:-1]} parameters are not valid JSON ({e}); ignored")
                        break
                    if tag == "channel:":
                        channel = value
                    else:
                        meta.update(value)
            continue
        fields = line.split("\t")
        if tuple(f.strip().lower() for f in fields) == WORD_COLUMNS:
            in_words = header_seen = True
            continue
        if in_words and len(fields) == len(WORD_COLUMNS) and not _WORDY.search(fields[1] + fields[2]):
            # a word row (a word and two counts); any other row is an entry (one a person appended)
            got = _parse_word_row(fields, f"{name}:{no}", problems)
            if got is not None:
                prev_w = words.get(got[0], (0, 0))
                words[got[0]] = (prev_w[0] + got[1], prev_w[1] + got[2])
            continue
        if not header_seen:
            if tuple(f.strip().lower() for f in fields[: len(COLUMNS)]) == COLUMNS:
                header_seen = True
                continue
            header_seen = True  # no header: read the rows anyway, but say so once
            problems.append(f"{name}:{no}: no header line ({' '.join(COLUMNS)}); reading the rows as those columns")
        entry = _parse_row(fields, f"{name}:{no}", problems)
        if entry is None:
            continue
        prev = entries.get(entry.key)
        entries[entry.key] = entry if prev is None else _add(prev, entry)
    return SpinnerLexicon(sort_entries(entries.values()), channel, meta, tuple(problems), name, words)


_WORDY = re.compile(r"[^\d\s+-]")


def _parse_word_row(fields: list[str], where: str, problems: list[str]) -> tuple[str, int, int] | None:
    if len(fields) != len(WORD_COLUMNS):
        problems.append(f"{where}: expected {len(WORD_COLUMNS)} tab-separated fields ({', '.join(WORD_COLUMNS)}) "
                        f"in the word table, got {len(fields)}; line skipped")
        return None
    word = _norm_phrase(fields[0])
    if not word or " " in word:
        problems.append(f"{where}: the word table wants one word, not {fields[0].strip()!r}; line skipped")
        return None
    nums = []
    for col, value in zip(WORD_COLUMNS[1:], fields[1:]):
        n = _count(value.strip(), col, where, problems)
        if n is None:
            return None
        nums.append(n)
    return word, nums[0], nums[1]


def _count(value: str, col: str, where: str, problems: list[str]) -> int | None:
    """``value`` as a whole number ≥ 0, or None with the line's problem noted."""
    try:
        n = int(value)
        if n < 0:
            raise ValueError
    except ValueError:
        problems.append(f"{where}: {col} must be a whole number ≥ 0, not {value!r}; line skipped")
        return None
    return n


def _parse_row(fields: list[str], where: str, problems: list[str]) -> LexiconEntry | None:
    if len(fields) < 2:
        problems.append(f"{where}: expected {len(COLUMNS)} tab-separated fields ({', '.join(COLUMNS)}), got {len(fields)}; line skipped")
        return None
    if len(fields) > len(COLUMNS):
        problems.append(f"{where}: {len(fields)} fields, at most {len(COLUMNS)} expected; line skipped")
        return None
    spun, original = _norm_phrase(fields[0]), _norm_phrase(fields[1])
    if not spun or not original:
        problems.append(f"{where}: empty {'spun' if not spun else 'original'} wording; line skipped")
        return None
    if spun == original:
        problems.append(f"{where}: spun and original wording are the same ({spun!r}); line skipped")
        return None
    pos = fields[2].strip().upper() if len(fields) > 2 and fields[2].strip() else "-"
    if pos not in POS_VALUES:
        problems.append(f"{where}: part of speech {fields[2].strip()!r} is not one of {', '.join(POS_VALUES)}; line skipped")
        return None
    nums: list[int | None] = []
    for col, value in zip(COLUMNS[3:], fields[3:]):
        value = value.strip()
        if not value:
            nums.append(None)
            continue
        n = _count(value, col, where, problems)
        if n is None:
            return None
        nums.append(n)
    nums += [None] * (4 - len(nums))
    count = nums[0] if nums[0] is not None else 1
    docs = nums[1] if nums[1] is not None else 1
    sites = nums[2] if nums[2] is not None else 0
    kept = nums[3] if nums[3] is not None else 0
    return LexiconEntry(spun, original, pos, count, docs, sites, kept)


def _norm_phrase(s: str) -> str:
    return " ".join(s.strip().lower().replace("\u2019", "'").split())


def read_lexicon(path: str | Path) -> SpinnerLexicon:
    """Read a lexicon file. A missing or unreadable file raises `LexiconError`; broken lines
    are listed in ``problems`` and skipped."""
    p = Path(path)
    if not p.is_file():
        raise LexiconError(f"{p}: no such lexicon file")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise LexiconError(f"{p}: not a UTF-8 text file ({e.reason} at byte {e.start})") from None
    except OSError as e:
        raise LexiconError(f"{p}: cannot read ({e.strerror})") from None
    return parse_lexicon(text, str(p))


# -- merging -------------------------------------------------------------------

def _add(a: LexiconEntry, b: LexiconEntry) -> LexiconEntry:
    # documents and sites of two lexicons are assumed distinct (learned from different copies)
    return replace(a, count=a.count + b.count, docs=a.docs + b.docs, sites=a.sites + b.sites, kept=a.kept + b.kept)


def merge(lexicons: Sequence[SpinnerLexicon], *, min_docs: int = 1) -> SpinnerLexicon:
    """Combine lexicons: counts of the same entry add up (the lexicons are taken to come from
    different copies); entries seen in fewer than ``min_docs`` documents in all are dropped. The
    channel parameters are averaged, each lexicon weighted by the swaps it was learned from
    (`unspin.learn.channel.merge_channels`)."""
    from unspin.learn.channel import merge_channels

    entries: dict[tuple[str, str, str], LexiconEntry] = {}
    for lex in lexicons:
        for e in lex.entries:
            prev = entries.get(e.key)
            entries[e.key] = e if prev is None else _add(prev, e)
    weights = [sum(e.count for e in lex.entries) for lex in lexicons]
    channel = merge_channels([lex.channel for lex in lexicons], weights)
    meta: dict[str, Any] = {"merged": [lex.name or f"#{i}" for i, lex in enumerate(lexicons)]}
    pairs = [lex.meta.get("pairs") for lex in lexicons]
    if all(isinstance(p, int) for p in pairs):
        meta["pairs"] = sum(pairs)
    kept = [e for e in entries.values() if e.docs >= min_docs]
    words: dict[str, tuple[int, int]] = {}
    for lex in lexicons:
        for w, (n, k) in lex.words.items():
            had = words.get(w, (0, 0))
            words[w] = (had[0] + n, had[1] + k)
    return SpinnerLexicon(sort_entries(kept), channel, meta, words=words)

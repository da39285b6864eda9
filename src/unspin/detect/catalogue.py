"""The tortured-phrase catalogue: catalogued tortured phrases and their query syntax.

(Called "fingerprints" by the Problematic Paper Screener and in the flag kind
``fingerprint``; not to be confused with the spin-invariant shingles of `unspin.index`.)

Two list formats are read:

* the Problematic Paper Screener export: a CSV whose phrase column holds a
  search-engine query and whose expected column holds the original wording.
  Columns are recognised by name (``tortured phrase`` / ``fingerprint`` /
  ``query`` / ``phrase`` for the query; ``expected`` / ``correct`` /
  ``original`` / ``suggestion`` for the wording);
* a plain two-column TSV: ``tortured phrase<TAB>expected phrase`` (``#``
  starts a comment; an optional header row is skipped).

Query syntax (case-insensitive, punctuation-insensitive, matched over the
document's words): quoted phrases ``"fake neural organization"``, bare words,
``AND`` (also implicit between adjacent terms), ``OR``, ``NOT``, parentheses
and proximity ``"a b"~N`` (all words within N extra positions, any order).
Like the search engine the lists are written for, a query is evaluated over
the whole document: ``"A" NOT "B"`` matches the spans of A only when B does
not occur anywhere in the document.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from unspin.errors import InputError
from unspin.model import Document, Flag
from unspin.settings import CATALOGUE_FLAG_CONFIDENCE
from unspin.text import Token, TokenKind, tokenize


class QuerySyntaxError(InputError):
    """A fingerprint query that cannot be parsed."""


# -- query AST ---------------------------------------------------------------

@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]
    slop: int | None = None  # None: exact phrase; N: proximity


@dataclass(frozen=True)
class And:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    positive: Node | None  # None: a bare NOT X
    negative: Node


Node = Phrase | And | Or | Not

_LEX = re.compile(r'\s*(?:(?P<phrase>"[^"]*")(?:~(?P<slop>\d+))?|(?P<lp>\()|(?P<rp>\))|(?P<word>[^\s()"]+))')


def _words(text: str) -> tuple[str, ...]:
    return tuple(t.norm for t in tokenize(text) if t.kind is not TokenKind.PUNCT)


def parse_query(query: str) -> Node:
    """Parse a fingerprint query into an AST (raises `QuerySyntaxError`)."""
    toks: list[tuple[str, object]] = []
    pos = 0
    q = query.strip()
    while pos < len(q):
        m = _LEX.match(q, pos)
        if not m or m.end() == pos:
            raise QuerySyntaxError(f"cannot parse query {query!r} at {q[pos:]!r}")
        pos = m.end()
        if m.group("phrase"):
            words = _words(m.group("phrase")[1:-1])
            if not words:
                raise QuerySyntaxError(f"empty phrase in query {query!r}")
            slop = m.group("slop")
            toks.append(("TERM", Phrase(words, int(slop) if slop is not None else None)))
        elif m.group("lp"):
            toks.append(("(", None))
        elif m.group("rp"):
            toks.append((")", None))
        elif m.group("word"):
            w = m.group("word")
            if w in ("AND", "OR", "NOT"):
                toks.append((w, None))
            else:
                words = _words(w)
                if words:
                    toks.append(("TERM", Phrase(words)))
    if not toks:
        raise QuerySyntaxError("empty query")
    parser = _Parser(toks, query)
    node = parser.parse_or()
    if parser.i != len(toks):
        raise QuerySyntaxError(f"unexpected {toks[parser.i][0]!r} in query {query!r}")
    return node


class _Parser:
    def __init__(self, toks: list[tuple[str, object]], query: str) -> None:
        self.toks, self.i, self.query = toks, 0, query

    def peek(self) -> str | None:
        return self.toks[self.i][0] if self.i < len(self.toks) else None

    def parse_or(self) -> Node:
        parts = [self.parse_and()]
        while self.peek() == "OR":
            self.i += 1
            parts.append(self.parse_and())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def parse_and(self) -> Node:
        parts = [self.parse_not()]
        while self.peek() in ("AND", "TERM", "(", "NOT"):
            if self.peek() == "AND":
                self.i += 1
            if self.peek() == "NOT":  # "A NOT B" binds to the conjunction so far
                self.i += 1
                neg = self.parse_unary()
                left = parts[0] if len(parts) == 1 else And(tuple(parts))
                parts = [Not(left, neg)]
                continue
            parts.append(self.parse_not())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def parse_not(self) -> Node:
        if self.peek() == "NOT":
            self.i += 1
            return Not(None, self.parse_unary())
        return self.parse_unary()

    def parse_unary(self) -> Node:
        kind = self.peek()
        if kind == "TERM":
            node = self.toks[self.i][1]
            self.i += 1
            assert isinstance(node, Phrase)
            return node
        if kind == "(":
            self.i += 1
            node = self.parse_or()
            if self.peek() != ")":
                raise QuerySyntaxError(f"missing ')' in query {self.query!r}")
            self.i += 1
            return node
        if kind == "NOT":
            self.i += 1
            return Not(None, self.parse_unary())
        raise QuerySyntaxError(f"expected a phrase in query {self.query!r}")


# -- matching ----------------------------------------------------------------

Span = tuple[int, int]  # word-index range [a, b)


def _phrase_spans(p: Phrase, words: Sequence[str], index: dict[str, list[int]]) -> list[Span]:
    n = len(p.words)
    out: list[Span] = []
    if p.slop is None:
        for i in index.get(p.words[0], ()):
            if tuple(words[i : i + n]) == p.words:
                out.append((i, i + n))
        return out
    need = Counter(p.words)
    width = n + p.slop
    for i in sorted({i for w in need for i in index.get(w, ())}):
        window = words[i : i + width]
        have = Counter(w for w in window if w in need)
        if all(have[w] >= c for w, c in need.items()):
            # shrink to the last needed word
            got: Counter[str] = Counter()
            end = i
            for j, w in enumerate(window):
                if w in need and got[w] < need[w]:
                    got[w] += 1
                    end = i + j + 1
                    if got == need:
                        break
            out.append((i, end))
    return out


def evaluate(node: Node, words: Sequence[str], index: dict[str, list[int]] | None = None) -> list[Span] | None:
    """Spans where ``node`` matches, ``[]`` for a match without spans (bare NOT), None for no match."""
    if index is None:
        index = {}
        for i, w in enumerate(words):
            index.setdefault(w, []).append(i)
    if isinstance(node, Phrase):
        spans = _phrase_spans(node, words, index)
        return spans or None
    if isinstance(node, And):
        acc: list[Span] = []
        for part in node.parts:
            r = evaluate(part, words, index)
            if r is None:
                return None
            acc.extend(r)
        return acc
    if isinstance(node, Or):
        results = [r for r in (evaluate(p, words, index) for p in node.parts) if r is not None]
        return [s for r in results for s in r] if results else None
    if isinstance(node, Not):
        if evaluate(node.negative, words, index) is not None:
            return None
        return [] if node.positive is None else evaluate(node.positive, words, index)
    raise TypeError(node)


# -- lists -------------------------------------------------------------------

@dataclass(frozen=True)
class CatalogueEntry:
    query: str
    expected: str | None
    node: Node


_QUERY_COLS = ("tortured", "fingerprint", "query", "phrase")
_EXPECTED_COLS = ("expected", "correct", "original", "suggestion", "replacement")


def _pick(header: list[str], keys: Sequence[str], avoid: int | None = None) -> int | None:
    low = [h.strip().lower() for h in header]
    for key in keys:
        for i, h in enumerate(low):
            if key in h and i != avoid:
                return i
    return None


class PhraseCatalogue:
    """A list of catalogued tortured phrases to flag (`load` a PPS CSV or a TSV; `flags` on a document)."""

    def __init__(self, entries: Sequence[CatalogueEntry], source: str = "") -> None:
        self.entries = list(entries)
        self.source = source

    def __len__(self) -> int:
        return len(self.entries)

    @classmethod
    def load(cls, path: str | Path) -> PhraseCatalogue:
        """Read a PPS CSV export or a two-column TSV (errors name the file and line)."""
        p = Path(path)
        try:
            raw = p.read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: {exc.strerror or exc}") from exc
        text = raw.decode("utf-8-sig", errors="replace")
        return cls.parse(text, name=str(path))

    @classmethod
    def parse(cls, text: str, name: str = "<fingerprints>") -> PhraseCatalogue:
        lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        if not lines:
            raise InputError(f"{name}: no fingerprints")
        is_tsv = "\t" in lines[0]
        rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter="\t" if is_tsv else ","))
        header = rows[0]
        qi = _pick(header, _QUERY_COLS)
        ei = _pick(header, _EXPECTED_COLS, avoid=qi)
        if qi is not None and ei is not None and qi != ei:
            body = rows[1:]
            start = 2
        elif is_tsv or len(header) >= 2:
            qi, ei, body, start = 0, 1, rows, 1
        else:
            raise InputError(f"{name}: cannot find the tortured-phrase and expected-phrase columns in {header!r}")
        entries = []
        for no, row in enumerate(body, start):
            if len(row) <= max(qi, ei):
                raise InputError(f"{name}: line {no}: expected at least {max(qi, ei) + 1} columns")
            query, expected = row[qi].strip(), row[ei].strip() or None
            if not query:
                continue
            if is_tsv and '"' not in query and not re.search(r"\b(AND|OR|NOT)\b", query):
                query = f'"{query}"'  # a plain TSV phrase is an exact phrase
            try:
                node = parse_query(query)
            except QuerySyntaxError as exc:
                raise InputError(f"{name}: line {no}: {exc}") from exc
            entries.append(CatalogueEntry(query, expected, node))
        return cls(entries, source=name)

    def flags(self, doc: Document, tokens: Sequence[Token] | None = None) -> list[Flag]:
        """Flags of kind ``fingerprint`` for every match in ``doc`` (longest first on overlap).

        ``tokens``: the document's tokens without page furniture, when the caller has them
        (`unspin.detect.prepared.PreparedDocument.tokens`)."""
        if tokens is None:
            tokens = tokenize(doc.text)
            if doc.excluded:
                tokens = [t for t in tokens if not any(a <= t.start and t.end <= b for a, b in doc.excluded)]
        tokens = [t for t in tokens if t.kind is not TokenKind.PUNCT]
        words = [t.norm for t in tokens]
        index: dict[str, list[int]] = {}
        for i, w in enumerate(words):
            index.setdefault(w, []).append(i)
        found: list[tuple[int, int, CatalogueEntry]] = []
        for fp in self.entries:
            for a, b in evaluate(fp.node, words, index) or ():
                found.append((a, b, fp))
        found.sort(key=lambda x: (x[0], -(x[1] - x[0])))
        out: list[Flag] = []
        last_end = -1
        for a, b, fp in found:
            if a < last_end:
                continue
            start, end = tokens[a].start, tokens[b - 1].end
            out.append(Flag(start, end, doc.text[start:end], fp.expected, CATALOGUE_FLAG_CONFIDENCE, "fingerprint", {"query": fp.query}))
            last_end = b
        return out

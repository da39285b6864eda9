"""One rule for text that enters unspin, applied where it enters (`finish_document`).

Every reader's document, and the web API's, passes through `clean_document`
before it is checked, indexed or scanned, so ``unspin check``, ``index add``,
``scan`` and ``serve`` treat odd text the same way. Each repair keeps the
text's length in characters, so offsets still index into what was read, and
leaves one warning on the record:

- a lone surrogate (``"\\ud800"`` in JSON, unpaired UTF-16 halves) cannot be
  written as UTF-8; it is replaced with U+FFFD (the record is still checked);
- NUL and the other control characters (C0 except tab and line breaks, DEL,
  C1) are replaced with a space: they are never words, and ``ESC`` sequences
  would otherwise reach a terminal;
- a "word" longer than `MAX_WORD_CHARS` characters (no English word is; base64,
  a run of one letter) is kept in the text but excluded from detection and
  scoring, like page furniture (an ``excluded`` span).

Ids, sources and string metadata get the first two repairs silently; names of
files and error messages are made printable (`printable`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from unspin.model import Document

#: Longest run of non-space characters treated as a word; longer runs are excluded spans.
MAX_WORD_CHARS = 256

_SURROGATE = re.compile("[\ud800-\udfff]")
#: C0 controls except tab, LF, VT, FF, CR; DEL; C1 controls (U+0085 NEL included: it is no word either).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_BAD = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_LONG_WORD = re.compile(rf"\S{{{MAX_WORD_CHARS + 1},}}+")  # possessive: no backtracking inside a run


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def repair_text(text: str, where: str) -> tuple[str, list[str]]:
    """``text`` with lone surrogates replaced by U+FFFD and control characters by spaces, and a
    warning for each kind of repair (naming ``where``). Same length, so offsets are kept."""
    if not _BAD.search(text):
        return text, []
    warnings: list[str] = []
    text, n = _SURROGATE.subn("\ufffd", text)
    if n:
        warnings.append(f"{where}: {_plural(n, 'lone surrogate')} (not valid Unicode) replaced with U+FFFD")
    text, n = _CONTROL.subn(" ", text)
    if n:
        warnings.append(f"{where}: {_plural(n, 'control character')} (NUL, ESC, ...) replaced with spaces")
    return text, warnings


def long_word_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the runs of non-space characters longer than `MAX_WORD_CHARS`."""
    if len(text) <= MAX_WORD_CHARS:
        return []
    return [m.span() for m in _LONG_WORD.finditer(text)]


def repair_value(value: Any) -> Any:
    """A metadata value with surrogates and control characters repaired (strings only; lists and
    dicts one level deep), no warning."""
    if isinstance(value, str):
        return repair_text(value, "")[0] if _BAD.search(value) else value
    if isinstance(value, list):
        return [repair_value(v) if isinstance(v, str) else v for v in value]
    if isinstance(value, dict):
        return {repair_value(k) if isinstance(k, str) else k: repair_value(v) if isinstance(v, str) else v for k, v in value.items()}
    return value


def printable(name: str) -> str:
    """A name safe to print on one line: bytes a file name could not decode (surrogate escapes)
    as ``\\xNN``, control characters as ``\\xNN`` / ``\\uNNNN``."""
    if not _BAD.search(name):
        return name
    if _SURROGATE.search(name):
        if _is_escaped(name):
            name = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        else:
            name = _SURROGATE.sub("\ufffd", name)
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), name)


def _is_escaped(name: str) -> bool:
    """True when every surrogate in ``name`` is a surrogate escape (U+DC80..U+DCFF) of an undecodable byte."""
    return all("\udc80" <= ch <= "\udcff" for ch in _SURROGATE.findall(name))


def printable_message(message: str) -> str:
    """An error or warning line made printable: surrogates as U+FFFD, control characters as escapes,
    on one line."""
    if not _BAD.search(message):
        return message
    message = _SURROGATE.sub("\ufffd", message)
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), message)


def clean_document(doc: Document) -> Document:
    """``doc`` with its id, source and string metadata repaired (`repair_value`); the text is
    left to `repair_text`, which warns."""
    fixed_id = repair_value(doc.id)
    fixed_source = repair_value(doc.source)
    fixed_meta = {k: repair_value(v) for k, v in doc.metadata.items()}
    if fixed_id == doc.id and fixed_source == doc.source and fixed_meta == doc.metadata:
        return doc
    from dataclasses import replace

    return replace(doc, id=fixed_id, source=fixed_source, metadata=fixed_meta)

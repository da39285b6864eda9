"""Registry of readers under versioned names ("unspin.reader.warc.v1").

A reader is a function ``(Source, IngestOptions) -> Iterator[ReadResult]``
plus what format detection needs: the file extensions it claims and, for
formats with a signature, a test on the first bytes (see
`unspin.ingest.source.detect_reader` for the order of the tests). The CLI's ``--format``
choices are the short names of the registered readers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from unspin.ingest.options import IngestOptions, ReadResult
    from unspin.ingest.source import Source

ReadFunction = Callable[["Source", "IngestOptions"], Iterator["ReadResult"]]


@dataclass(frozen=True)
class Reader:
    """A registered reader: its names, the extensions it claims and its read function."""

    #: Versioned registry name, e.g. ``"unspin.reader.warc.v1"``.
    name: str
    #: Short name used by ``--format``, e.g. ``"warc"``.
    short: str
    #: Lower-case file name endings it claims (without ``.gz``), e.g. ``(".warc",)``.
    extensions: tuple[str, ...]
    read: ReadFunction
    #: Test for a signature in the first bytes (magic) that beats the file extension.
    magic: Callable[[bytes], bool] | None = None
    #: Weaker test on the first bytes, used only when the extension says nothing.
    looks_like: Callable[[bytes], bool] | None = None
    #: One line for ``--help``.
    description: str = ""


_READERS: dict[str, Reader] = {}


def register_reader(reader: Reader) -> Reader:
    """Add a reader; a later registration under the same short name replaces the earlier one."""
    _READERS[reader.short] = reader
    return reader


def get_reader(name: str) -> Reader:
    """Look a reader up by short name ("warc") or versioned name ("unspin.reader.warc.v1")."""
    key = name.strip().lower()
    if key in _READERS:
        return _READERS[key]
    for reader in _READERS.values():
        if reader.name == key:
            return reader
    raise ValueError(f"unknown format {name!r}; choose one of: {', '.join(reader_names())}")


def reader_names() -> list[str]:
    """Short names of the registered readers, in registration order."""
    return list(_READERS)


def readers() -> list[Reader]:
    """The registered readers, in registration order."""
    return list(_READERS.values())

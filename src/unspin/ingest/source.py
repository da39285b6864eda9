"""Inputs as byte streams: files, directories, stdin, gzip, and format detection.

A `Source` is one input file (or stdin) not yet read. It knows its display
name, opens its bytes (raw, or decompressed when gzip-compressed, whatever the
file is called) and shows its first bytes for format detection without
consuming stdin. Directories expand to the files in them with a known
extension, recursively, in sorted order, hidden files left out.

Format detection, first match wins: ``--format``; a signature in the content
(Parquet ``PAR1``, ``WARC/1.x``); the file extension (``.gz`` looked through);
a look at the content (HTML tags, a JSON object per line); plain text.
"""

from __future__ import annotations

import errno
import gzip
import io
import os
import stat
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from unspin.errors import InputError, InputTooLarge, NotAFile
from unspin.ingest.registry import Reader, get_reader, readers
from unspin.ingest.validate import printable

#: Display name of standard input.
STDIN_NAME = "<stdin>"
#: The gzip magic and its compression method (deflate, the only one RFC 1952 defines): a text that happens
#: to start with the two magic bytes alone is read as text, not reported as broken gzip.
GZIP_MAGIC = b"\x1f\x8b\x08"
#: Bytes shown to format detection.
HEAD_BYTES = 64 * 1024


class _PrefixedReader(io.RawIOBase):
    """A raw stream that replays ``prefix`` and then reads on from ``rest`` (stdin after a peek)."""

    def __init__(self, prefix: bytes, rest: BinaryIO) -> None:
        self._prefix = memoryview(prefix)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._prefix:
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._rest.read(len(buffer))
        if not data:
            return 0
        buffer[: len(data)] = data
        return len(data)


class _GzipStream(gzip.GzipFile):
    """A gzip reader that closes the raw file it reads from when it is closed."""

    def __init__(self, raw: BinaryIO) -> None:
        super().__init__(fileobj=raw, mode="rb")
        self._raw = raw

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._raw.close()


def open_regular(path: Path, name: str) -> BinaryIO:
    """Open a file for reading only if it is a regular file: opened without blocking (a FIFO put in
    the file's place since it was listed cannot hang the batch), then checked; `NotAFile` if not."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotAFile(f"{name}: {_kind(mode)}, not a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def _stdin_bytes() -> BinaryIO:
    """The binary standard input (looked up at call time, so tests can replace ``sys.stdin``)."""
    stdin = sys.stdin
    buf = getattr(stdin, "buffer", None)
    if buf is not None:
        return buf
    return io.BytesIO(stdin.read().encode("utf-8"))  # a text-only stand-in


def _gunzip_head(raw_head: bytes, limit: int = HEAD_BYTES) -> bytes:
    """Decompress at most ``limit`` bytes from the start of gzip data (b"" if it is not valid gzip)."""
    try:
        return zlib.decompressobj(wbits=31).decompress(raw_head, limit)
    except zlib.error:
        return b""


@dataclass
class Source:
    """One input not yet read: a file path or standard input."""

    #: Name used in messages and as `Document.source` ("<stdin>" for standard input).
    name: str
    #: The file, or None for standard input.
    path: Path | None = None
    #: Reader forced for this input (None: detect).
    format: str | None = None
    #: Parquet only: read just the row groups ``[first, stop)`` (a slice of the file for one
    #: partition of a distributed scan); rows keep their numbers in the whole file.
    row_groups: tuple[int, int] | None = None
    #: WARC and (uncompressed) JSONL: read just the records that start at a byte offset in ``[start, end)``.
    byte_range: tuple[int, int] | None = None
    _stdin: BinaryIO | None = field(default=None, repr=False)
    _raw_head: bytes | None = field(default=None, repr=False)
    _opened: bool = field(default=False, repr=False)

    @classmethod
    def stdin(cls, format: str | None = None) -> Source:
        """A source reading standard input once."""
        return cls(name=STDIN_NAME, path=None, format=format)

    @property
    def is_stdin(self) -> bool:
        return self.path is None

    @property
    def raw_head(self) -> bytes:
        """The first bytes as stored (compressed or not)."""
        if self._raw_head is None:
            if self.path is None:
                self._stdin = _stdin_bytes()
                self._raw_head = self._stdin.read(HEAD_BYTES) or b""
            else:
                with open_regular(self.path, self.name) as fh:
                    self._raw_head = fh.read(HEAD_BYTES)
        return self._raw_head

    @property
    def gzipped(self) -> bool:
        """True when the bytes are gzip-compressed (by content, not by name)."""
        return self.raw_head.startswith(GZIP_MAGIC)

    @property
    def head(self) -> bytes:
        """The first bytes of the content (decompressed when gzipped)."""
        return _gunzip_head(self.raw_head) if self.gzipped else self.raw_head[:HEAD_BYTES]

    @property
    def inner_name(self) -> str:
        """The file name with a ``.gz`` ending taken off (what the content is called)."""
        name = self.path.name if self.path is not None else ""
        return name[:-3] if name.lower().endswith(".gz") else name

    @property
    def seekable(self) -> bool:
        return self.path is not None

    def size(self) -> int | None:
        """Size in bytes as stored, when known."""
        return None if self.path is None else self.path.stat().st_size

    def open_raw(self) -> BinaryIO:
        """Open the stored bytes (compressed if they are); standard input can be opened once."""
        if self.path is not None:
            return open_regular(self.path, self.name)
        if self._opened:
            raise InputError(f"{self.name}: standard input can be read only once")
        head = self.raw_head
        self._opened = True
        assert self._stdin is not None
        return io.BufferedReader(_PrefixedReader(head, self._stdin), buffer_size=1 << 16)

    def open(self) -> BinaryIO:
        """Open the content, decompressing gzip as it streams."""
        raw = self.open_raw()
        if self.gzipped:
            return _GzipStream(raw)  # type: ignore[return-value]
        return raw


def read_limited(stream: BinaryIO, limit: int, name: str, what: str = "input") -> bytes:
    """Read a whole stream, refusing (InputTooLarge) one that goes past ``limit`` bytes."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputTooLarge(f"{name}: {what} is over the {limit:,}-byte limit; skipped")
    return data


def describe_read_error(exc: BaseException) -> str:
    """A short phrase for a low-level read failure (gzip, zlib, OS)."""
    if isinstance(exc, EOFError):
        return "truncated compressed data (the file ends before the gzip end marker)"
    if isinstance(exc, (gzip.BadGzipFile, zlib.error)):
        return f"corrupt gzip data ({exc})"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {exc}"


def _extension_reader(name: str, only: Reader | None = None) -> Reader | None:
    lower = name.lower()
    for reader in [only] if only is not None else readers():
        if any(lower.endswith(ext) for ext in reader.extensions):
            return reader
    return None


def detect_reader(source: Source) -> Reader:
    """Pick the reader for a source (see the module docstring for the order)."""
    if source.format:
        return get_reader(source.format)
    head = source.head
    for reader in readers():
        if reader.magic is not None and reader.magic(head):
            return reader
    by_name = _extension_reader(source.inner_name)
    if by_name is not None:
        return by_name
    for reader in readers():
        if reader.looks_like is not None and reader.looks_like(head):
            return reader
    return get_reader("txt")


def _kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    for test, word in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return word
    return "not a regular file"


def _os_error(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno == errno.ENOENT:
        return "broken symbolic link (its target does not exist)"
    return exc.strerror or type(exc).__name__


class SkippedEntry(NotAFile):
    """An entry of a directory that is not a regular file (a FIFO, a socket, a device): passed over
    with a notice, not an error. (An `InputError`, so callers that know only errors still skip it.)"""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path


def _walk(directory: Path) -> Iterator[Path | InputError]:
    """Files under a directory, recursively, sorted, hidden names left out.

    Yields paths of regular files (symbolic links to regular files included), an `InputError` for
    an entry that cannot be read (an unreadable folder, a symbolic link loop or a broken link), and
    a `SkippedEntry` for an entry that is not a regular file (a FIFO, a socket, a device): never
    opened, so a FIFO cannot block the batch. Symbolic links to directories are not followed.
    """
    failed: list[OSError] = []

    def onerror(exc: OSError) -> None:
        failed.append(exc)

    for root, dirs, files in os.walk(directory, onerror=onerror):
        while failed:
            exc = failed.pop(0)
            yield InputError(f"{printable(exc.filename or root)}: cannot read this directory ({_os_error(exc)}); skipped")
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(root) / name
            try:
                mode = path.stat().st_mode
            except OSError as exc:
                bad = InputError(f"{printable(str(path))}: {_os_error(exc)}; skipped")
                bad.path = path  # type: ignore[attr-defined]  # lets the caller filter by extension
                yield bad
                continue
            if stat.S_ISREG(mode):
                yield path
            else:
                yield SkippedEntry(f"{printable(str(path))}: {_kind(mode)}, not read", path)
    while failed:
        failure = failed.pop(0)
        yield InputError(f"{printable(failure.filename or str(directory))}: cannot read this directory ({_os_error(failure)}); skipped")


def expand_inputs(inputs: Iterable[object], format: str | None = None) -> Iterator[Source | InputError]:
    """Turn paths, ``"-"`` (stdin), directories and ``(path, format)`` pairs into sources.

    A directory contributes the files whose extension a reader claims (only
    the forced reader's extensions when a format is forced); entries in it that
    are not regular files (FIFOs, sockets, devices) are passed over with a
    `SkippedEntry` (a notice, not an error). A path that cannot be read yields an `InputError` in its
    place, so the batch goes on.
    """
    for item in inputs:
        fmt = format
        if isinstance(item, tuple):
            item, fmt = item[0], (item[1] or format)
        text = os.fspath(item)  # type: ignore[call-overload]
        if text == "-":
            yield Source.stdin(format=fmt)
            continue
        shown = printable(text)
        path = Path(text)
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            if exc.errno == errno.ENOENT and not path.is_symlink():
                yield NotAFile(f"{shown}: no such file")
            else:
                yield NotAFile(f"{shown}: {_os_error(exc)}")
            continue
        if stat.S_ISDIR(mode):
            only = get_reader(fmt) if fmt else None
            found = 0
            unreadable = 0
            for f in _walk(path):
                if isinstance(f, SkippedEntry):
                    if _extension_reader(_inner(f.path.name), only) is not None:
                        yield f
                    continue
                if isinstance(f, InputError):
                    where = getattr(f, "path", None)
                    if where is None or _extension_reader(_inner(where.name), only) is not None:
                        unreadable += 1
                        yield f
                    continue
                if _extension_reader(_inner(f.name), only) is not None:
                    found += 1
                    yield Source(name=str(f), path=f, format=fmt)
            if not found and not unreadable:
                known = ", ".join(ext for r in ([only] if only else readers()) for ext in r.extensions)
                yield NotAFile(f"{shown}: no files to read in this directory (looked for {known}, also gzipped)")
            continue
        if not stat.S_ISREG(mode):
            yield NotAFile(f"{shown}: {_kind(mode)}, not a regular file")
        else:
            yield Source(name=text, path=path, format=fmt)


def _inner(name: str) -> str:
    """A file name with a ``.gz`` ending taken off."""
    return name[:-3] if name.lower().endswith(".gz") else name

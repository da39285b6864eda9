"""Plain-text files: decoded exactly, so offsets index into the file's text."""

from __future__ import annotations

import os
from pathlib import Path

from unspin.errors import BinaryInput, EmptyInput, InputTooLarge, NotAFile
from unspin.model import Document

#: Largest text file read whole (bytes); bigger ones are refused, not truncated,
#: because offsets must index into the whole file.
DEFAULT_MAX_BYTES = 5 * 1024 * 1024


def decode_text(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decode bytes as UTF-8 (BOM stripped); invalid bytes are replaced and a
    warning says how many. Binary data (NUL bytes, mostly control characters)
    raises `BinaryInput`."""
    warnings: list[str] = []
    head = data[:8192]
    if b"\x00" in head:
        raise BinaryInput(f"{name}: looks like a binary file (NUL bytes), not text")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        warnings.append(f"{name}: invalid UTF-8, {bad} byte sequence{'s' if bad != 1 else ''} replaced with U+FFFD")
    sample = text[:8192]
    if sample:
        ctrl = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
        if ctrl / len(sample) > 0.05 or sample.count("\ufffd") / len(sample) > 0.3:
            raise BinaryInput(f"{name}: looks like a binary file, not text")
    return text, warnings


def read_text_file(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Document, list[str]]:
    """Read one plain-text file into a `Document` whose text is the file's decoded content."""
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise NotAFile(f"{name}: no such file")
    if p.is_dir():
        raise NotAFile(f"{name}: is a directory")
    if not p.is_file():
        raise NotAFile(f"{name}: not a regular file")
    size = p.stat().st_size
    if size > max_bytes:
        raise InputTooLarge(f"{name}: {size:,} bytes is over the {max_bytes:,}-byte limit (--max-bytes)")
    data = p.read_bytes()
    if not data.strip():
        raise EmptyInput(f"{name}: empty file")
    text, warnings = decode_text(data, name)
    if not text.strip():
        raise EmptyInput(f"{name}: empty file")
    return Document(text=text, id=p.name, source=name), warnings

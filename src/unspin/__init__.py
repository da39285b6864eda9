"""unspin: catch article spinning with the statistics of language.

    >>> import unspin
    >>> report = unspin.check("The two chiefs will then go to the opening service.")
    >>> report.verdict in ("spun", "clean", "uncertain")
    True

The public face, loaded on first use (``import unspin`` itself stays light):

* `check` (`unspin.api.check`): check one document, optionally with a tortured-phrase
  catalogue and a source index; returns a `Report`;
* `search` (`unspin.search.search`): the verified sources of a document in an index;
* `SourceIndex`: build and maintain an index of source articles (`unspin.index`);
* `scan` (`unspin.scan.scan`): check a crawl on Dask, cluster the spun copies;
* the data model (`Document`, `Flag`, `Report`, `Match`, `SearchResult`, `Alignment`,
  `Substitution`, `Pair`) and the errors (`UnspinError` and its kinds);
* `PhraseCatalogue`, `get_detector`.

``unspin.search`` and ``unspin.scan`` are modules as well as functions (`unspin._callable`).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("unspin")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

from unspin.errors import (
    BinaryInput,
    EmptyInput,
    InputError,
    InputTooLarge,
    NotAFile,
    ResourceError,
    UnspinError,
)
from unspin.model import Alignment, Document, Flag, Match, Pair, Report, SearchResult, Substitution

if TYPE_CHECKING:
    from unspin.api import check, get_detector
    from unspin.detect.catalogue import PhraseCatalogue
    from unspin.index import SourceIndex
    from unspin.scan import scan
    from unspin.search import search

__all__ = [
    "__version__", "check", "search", "scan", "SourceIndex", "PhraseCatalogue", "get_detector",
    "Document", "Flag", "Report", "Match", "SearchResult", "Alignment", "Substitution", "Pair",
    "UnspinError", "InputError", "EmptyInput", "BinaryInput", "InputTooLarge", "NotAFile", "ResourceError",
]

_LAZY = {"check": "unspin.api", "get_detector": "unspin.api", "SourceIndex": "unspin.index",
         "PhraseCatalogue": "unspin.detect.catalogue"}


def __getattr__(name: str) -> Any:
    import importlib

    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in ("search", "scan"):
        # the module itself, callable as its function (importing it binds it here too)
        module = importlib.import_module(f"unspin.{name}")
        from unspin._callable import make_callable

        make_callable(module.__name__, name)
        return module
    raise AttributeError(f"module 'unspin' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

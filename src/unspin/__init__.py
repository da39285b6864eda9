"""unspin: catch article spinning with the statistics of language.

    >>> from unspin import check
    >>> report = check("The two chiefs will then go to the opening service.")
    >>> report.verdict in ("spun", "clean", "uncertain")
    True
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("unspin")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

from unspin.model import Document, Flag, Report  # noqa: E402


def check(document, **kwargs):  # type: ignore[no-untyped-def]
    """Check one document (a `Document` or a string); see `unspin.api.check`."""
    from unspin.api import check as _check

    return _check(document, **kwargs)


__all__ = ["__version__", "Document", "Flag", "Report", "check"]

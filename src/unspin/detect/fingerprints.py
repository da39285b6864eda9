"""Moved to `unspin.detect.catalogue` (the tortured-phrase catalogue has its own name now);
kept as an alias with the old class names until every caller has switched."""

from unspin.detect.catalogue import (
    And,
    CatalogueEntry,
    Not,
    Or,
    Phrase,
    PhraseCatalogue,
    QuerySyntaxError,
    evaluate,
    parse_query,
)

FingerprintList = PhraseCatalogue
Fingerprint = CatalogueEntry

__all__ = ["And", "Fingerprint", "FingerprintList", "Not", "Or", "Phrase", "QuerySyntaxError", "evaluate", "parse_query"]

"""Find the source of a spun copy: spin-invariant fingerprints, storage, search."""

from unspin.index.fingerprints import FingerprintOptions, fingerprint, mix64, skeleton
from unspin.index.sources import AddStats, SearchOptions, SourceIndex, open_shared
from unspin.index.storage import MemoryStorage, SQLiteStorage, Storage, StoredDocument, make_storage

__all__ = [
    "AddStats", "FingerprintOptions", "MemoryStorage", "SQLiteStorage", "SearchOptions", "SourceIndex",
    "Storage", "StoredDocument", "fingerprint", "make_storage", "mix64", "open_shared", "skeleton",
]

"""Where an index keeps its documents and postings: a small interface, two backends.

`Storage` is what `unspin.index.SourceIndex` talks to; it never imports
sqlite3. `make_storage({"type": "sqlite", "path": ...})` picks the backend:
``memory`` (dicts, for tests and short-lived use) or ``sqlite`` (one file, WAL,
one transaction per insertion session, named migrations). A new backend
implements the abstract methods and joins the factory.

One module of ~450 lines on purpose: the interface and both backends side by side, so a change
to the contract is seen against every implementation of it in one file.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import stat
import urllib.parse
import uuid
import zlib
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from unspin.errors import IndexFileError


@dataclass(frozen=True)
class StoredDocument:
    """A document as the index keeps it: text, metadata, content hash and sketch."""

    id: str
    text: str
    content_hash: str
    sketch: np.ndarray = field(repr=False, compare=False)
    title: str | None = None
    url: str | None = None
    date: str | None = None


class Storage(ABC):
    """Documents by id plus an inverted index from shingle hash to documents."""

    @abstractmethod
    def content_hash(self, doc_id: str) -> str | None:
        """The stored content hash of ``doc_id``, None when absent."""

    @abstractmethod
    def put(self, doc: StoredDocument) -> None:
        """Insert ``doc``, replacing any document with the same id."""

    @abstractmethod
    def remove(self, doc_id: str) -> bool:
        """Delete ``doc_id`` and its postings; False when it was not there."""

    @abstractmethod
    def get(self, doc_id: str) -> StoredDocument | None:
        """The stored document, None when absent."""

    @abstractmethod
    def candidates(self, keys: np.ndarray, limit: int) -> list[tuple[str, int]]:
        """Up to ``limit`` ``(id, shared keys)`` pairs, most shared first."""

    @abstractmethod
    def size(self) -> int:
        """Number of documents."""

    @abstractmethod
    def stats(self) -> dict[str, Any]:
        """Counts and sizes for ``unspin index stats``."""

    @abstractmethod
    def get_meta(self, key: str) -> str | None: ...

    @abstractmethod
    def set_meta(self, key: str, value: str) -> None: ...

    @contextmanager
    def insertion_session(self) -> Iterator[Storage]:
        """Group writes: everything inside is one transaction (all or nothing)."""
        yield self

    def close(self) -> None:  # noqa: B027 - a no-op unless a backend holds files or connections
        """Release files and connections."""

    def __enter__(self) -> Storage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class MemoryStorage(Storage):
    """Dicts in memory. Writes are immediate; nothing is persisted."""

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        self._docs: dict[str, StoredDocument] = {}
        self._postings: dict[int, set[str]] = {}
        self._meta: dict[str, str] = {}

    def content_hash(self, doc_id: str) -> str | None:
        d = self._docs.get(doc_id)
        return d.content_hash if d else None

    def put(self, doc: StoredDocument) -> None:
        self.remove(doc.id)
        self._docs[doc.id] = doc
        for k in doc.sketch.tolist():
            self._postings.setdefault(k, set()).add(doc.id)

    def remove(self, doc_id: str) -> bool:
        d = self._docs.pop(doc_id, None)
        if d is None:
            return False
        for k in d.sketch.tolist():
            s = self._postings.get(k)
            if s is not None:
                s.discard(doc_id)
                if not s:
                    del self._postings[k]
        return True

    def get(self, doc_id: str) -> StoredDocument | None:
        return self._docs.get(doc_id)

    def candidates(self, keys: np.ndarray, limit: int) -> list[tuple[str, int]]:
        c: Counter[str] = Counter()
        for k in keys.tolist():
            c.update(self._postings.get(k, ()))
        return c.most_common(limit)

    def size(self) -> int:
        return len(self._docs)

    def stats(self) -> dict[str, Any]:
        return {"backend": "memory", "documents": len(self._docs), "postings": sum(len(s) for s in self._postings.values())}

    def get_meta(self, key: str) -> str | None:
        return self._meta.get(key)

    def set_meta(self, key: str, value: str) -> None:
        self._meta[key] = value


def _m001_initial(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE docs (
            rowid INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            content_hash TEXT NOT NULL,
            title TEXT, url TEXT, date TEXT,
            text BLOB NOT NULL,
            sketch BLOB NOT NULL)"""
    )
    db.execute("CREATE TABLE postings (key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc)) WITHOUT ROWID")
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


#: Named schema migrations, applied in order, each in its own transaction.
MIGRATIONS: list[tuple[str, Any]] = [("001_initial", _m001_initial)]


#: The first 16 bytes of every SQLite database file.
SQLITE_MAGIC = b"SQLite format 3\x00"
#: Tables every unspin index has (after migration 001).
INDEX_TABLES = frozenset({"_migrations", "docs", "postings", "meta"})


def _guarded(method: Any) -> Any:
    """Turn a database failure inside ``method`` into one `IndexFileError` naming the file."""

    @functools.wraps(method)
    def wrapper(self: SQLiteStorage, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except UnicodeEncodeError:  # text that cannot be stored (a lone surrogate): the caller's input, not the file
            raise
        except (sqlite3.DatabaseError, zlib.error, UnicodeDecodeError, ValueError) as exc:
            raise self._error(exc) from exc

    return wrapper


class SQLiteStorage(Storage):
    """One SQLite file in WAL mode. Texts are zlib-compressed; sketches are int64 bytes.

    Opening checks the file before anything is written to it: a missing file is created (atomically:
    built under a temporary name, then linked into place, so no other process ever sees half an
    index) unless ``config["create"]`` is False; an empty file, another program's file or another
    SQLite database is refused with an `IndexFileError` naming the file, and never turned into an
    index. Database failures later (a file damaged since) are `IndexFileError`s too.
    """

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.path = Path(config["path"])
        self._in_session = False
        create = bool(config.get("create", True))
        if not self._exists():
            if not create:
                raise IndexFileError(f"{self.path}: no index here (build one with: unspin index add {self.path} FILES)")
            self._create()
        self._check_header()
        try:
            self.db = sqlite3.connect(self._uri("rw"), uri=True, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise self._error(exc, "cannot open it") from exc
        try:
            self._check_tables()
            self._setup(config)
            self._migrate()
        except (sqlite3.DatabaseError, IndexFileError) as exc:
            self.db.close()
            if isinstance(exc, IndexFileError):
                raise
            raise self._error(exc) from exc

    def _exists(self) -> bool:
        try:
            self.path.stat()
        except FileNotFoundError:
            if self.path.is_symlink():
                raise IndexFileError(f"{self.path}: broken symbolic link; not an index") from None
            return False
        except OSError as exc:
            raise IndexFileError(f"{self.path}: cannot read the index file ({exc.strerror or exc})") from exc
        return True

    def _uri(self, mode: str) -> str:
        return f"file:{urllib.parse.quote(str(self.path.absolute()))}?mode={mode}"

    def _error(self, exc: BaseException, what: str | None = None) -> IndexFileError:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        if what is None:
            corrupt = isinstance(exc, (zlib.error, UnicodeDecodeError)) or "malformed" in detail or "not a database" in detail
            what = "the index file is damaged" if corrupt else "index file error"
        return IndexFileError(f"{self.path}: {what} ({detail})")

    def _check_header(self) -> None:
        """Refuse a file that is not an SQLite database before SQLite touches it."""
        try:
            st = self.path.stat()
            if not stat.S_ISREG(st.st_mode):
                raise IndexFileError(f"{self.path}: not a regular file, so not an index")
            with open(self.path, "rb") as fh:
                head = fh.read(len(SQLITE_MAGIC))
        except OSError as exc:
            raise IndexFileError(f"{self.path}: cannot read the index file ({exc.strerror or exc})") from exc
        if not head:
            raise IndexFileError(f"{self.path}: empty file, not an unspin index (remove it, or choose another path for a new index)")
        if head != SQLITE_MAGIC:
            raise IndexFileError(f"{self.path}: not an unspin index (not an SQLite database); refusing to touch it")

    def _check_tables(self) -> None:
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "_migrations" not in tables:
            shown = ", ".join(sorted(tables)[:5]) or "none"
            raise IndexFileError(f"{self.path}: an SQLite database but not an unspin index (tables: {shown}); refusing to touch it")
        done = {r[0] for r in self.db.execute("SELECT name FROM _migrations")}
        if MIGRATIONS[0][0] in done and not INDEX_TABLES <= tables:
            raise IndexFileError(f"{self.path}: the index file is damaged (missing tables: {', '.join(sorted(INDEX_TABLES - tables))})")

    def _setup(self, config: Mapping[str, Any]) -> None:
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(f"PRAGMA cache_size=-{int(config.get('cache_mb', 256)) * 1024}")

    def _create(self) -> None:
        """Build an empty index under a temporary name next to ``path`` and link it into place.

        When another process creates the index at the same time, the first link wins and this
        one opens it; an existing file is never replaced."""
        if not self.path.parent.is_dir():
            raise IndexFileError(f"{self.path}: cannot create the index file (no folder {self.path.parent})")
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            db = sqlite3.connect(str(tmp), isolation_level=None)
        except sqlite3.Error as exc:
            raise self._error(exc, "cannot create the index file") from exc
        try:
            try:
                db.execute("PRAGMA journal_mode=WAL")
                self.db = db
                self._migrate()
            finally:
                db.close()
            try:
                os.link(tmp, self.path)
            except FileExistsError:
                pass  # created meanwhile by another process: open that one
            except OSError:  # a file system without hard links
                if not self._exists():
                    os.rename(tmp, self.path)
        except sqlite3.Error as exc:
            raise self._error(exc, "cannot create the index file") from exc
        except OSError as exc:
            raise IndexFileError(f"{self.path}: cannot create the index file ({exc.strerror or exc})") from exc
        finally:
            for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                try:
                    leftover.unlink()
                except FileNotFoundError:
                    pass

    def _migrate(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY)")
        done = {r[0] for r in self.db.execute("SELECT name FROM _migrations")}
        for name, fn in MIGRATIONS:
            if name in done:
                continue
            self.db.execute("BEGIN IMMEDIATE")
            try:
                fn(self.db)
                self.db.execute("INSERT INTO _migrations (name) VALUES (?)", (name,))
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    @contextmanager
    def insertion_session(self) -> Iterator[Storage]:
        if self._in_session:
            yield self
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from exc
        self._in_session = True
        try:
            yield self
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            try:
                self.db.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                raise self._error(exc) from exc
        finally:
            self._in_session = False

    @contextmanager
    def _write(self) -> Iterator[None]:
        with self.insertion_session():
            yield

    @_guarded
    def content_hash(self, doc_id: str) -> str | None:
        r = self.db.execute("SELECT content_hash FROM docs WHERE id = ?", (doc_id,)).fetchone()
        return r[0] if r else None

    def _remove(self, doc_id: str) -> bool:
        r = self.db.execute("SELECT rowid, sketch FROM docs WHERE id = ?", (doc_id,)).fetchone()
        if r is None:
            return False
        rowid, sketch = r
        keys = np.frombuffer(sketch, dtype=np.int64).tolist()
        self.db.executemany("DELETE FROM postings WHERE key = ? AND doc = ?", ((k, rowid) for k in keys))
        self.db.execute("DELETE FROM docs WHERE rowid = ?", (rowid,))
        return True

    @_guarded
    def put(self, doc: StoredDocument) -> None:
        with self._write():
            self._remove(doc.id)
            cur = self.db.execute(
                "INSERT INTO docs (id, content_hash, title, url, date, text, sketch) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (doc.id, doc.content_hash, doc.title, doc.url, doc.date, zlib.compress(doc.text.encode("utf-8"), 1), doc.sketch.astype(np.int64).tobytes()),
            )
            rowid = cur.lastrowid
            self.db.executemany("INSERT OR IGNORE INTO postings (key, doc) VALUES (?, ?)", ((k, rowid) for k in doc.sketch.tolist()))

    @_guarded
    def remove(self, doc_id: str) -> bool:
        with self._write():
            return self._remove(doc_id)

    @_guarded
    def get(self, doc_id: str) -> StoredDocument | None:
        r = self.db.execute("SELECT id, content_hash, title, url, date, text, sketch FROM docs WHERE id = ?", (doc_id,)).fetchone()
        return self._row(r) if r else None

    @staticmethod
    def _row(r: tuple[Any, ...]) -> StoredDocument:
        return StoredDocument(
            id=r[0], content_hash=r[1], title=r[2], url=r[3], date=r[4],
            text=zlib.decompress(r[5]).decode("utf-8"), sketch=np.frombuffer(r[6], dtype=np.int64),
        )

    @_guarded
    def candidates(self, keys: np.ndarray, limit: int) -> list[tuple[str, int]]:
        if len(keys) == 0:
            return []
        # One indexed range read per key, counted inside SQLite (faster than in Python).
        # Chunks stay under SQLite's bound-variable limit.
        c: Counter[int] = Counter()
        ks = keys.tolist()
        for i in range(0, len(ks), 30000):
            part = ks[i : i + 30000]
            q = f"SELECT doc, count(*) FROM postings WHERE key IN ({','.join('?' * len(part))}) GROUP BY doc"
            if len(ks) <= 30000:
                q += f" ORDER BY 2 DESC LIMIT {int(limit)}"
            c.update(dict(self.db.execute(q, part).fetchall()))
        top = c.most_common(limit)
        if not top:
            return []
        ids = dict(self.db.execute(f"SELECT rowid, id FROM docs WHERE rowid IN ({','.join('?' * len(top))})", [r for r, _ in top]).fetchall())
        return [(ids[r], n) for r, n in top if r in ids]

    @_guarded
    def size(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM docs").fetchone()[0])

    @_guarded
    def stats(self) -> dict[str, Any]:
        n = self.size()
        postings = int(self.db.execute("SELECT count(*) FROM postings").fetchone()[0])
        page = self.db.execute("PRAGMA page_size").fetchone()[0] * self.db.execute("PRAGMA page_count").fetchone()[0]
        wal = Path(str(self.path) + "-wal")
        size = page + (wal.stat().st_size if wal.exists() else 0)
        return {
            "backend": "sqlite", "path": str(self.path), "documents": n, "postings": postings,
            "bytes": size, "bytes_per_document": round(size / n, 1) if n else 0.0,
        }

    @_guarded
    def get_meta(self, key: str) -> str | None:
        r = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return r[0] if r else None

    @_guarded
    def set_meta(self, key: str, value: str) -> None:
        with self._write():
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def close(self) -> None:
        self.db.close()


def make_storage(config: Mapping[str, Any]) -> Storage:
    """The backend named by ``config["type"]``: ``memory`` or ``sqlite`` (with ``path``)."""
    tp = config.get("type", "sqlite")
    if tp == "memory":
        return MemoryStorage(config)
    if tp == "sqlite":
        if "path" not in config:
            raise ValueError("sqlite storage needs a 'path' (did you mean type='memory'?)")
        return SQLiteStorage(config)
    raise ValueError(f"Unknown storage type: {tp!r} (expected 'memory' or 'sqlite')")

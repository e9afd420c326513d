"""Catalog registry: which catalog files exist and where each stands (SQLite, multi-process).

A catalog is its bytes: registering a sha256 that is already known, under any name, is a no-op.
Every call opens its own connection (WAL journal, busy timeout), so several processes can share
the file.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, get_args

import tenacity

logger = logging.getLogger(__name__)

CatalogStatus = Literal["new", "processing", "failed", "waiting_review", "done"]
STATUSES: tuple[CatalogStatus, ...] = get_args(CatalogStatus)

_DDL = """
CREATE TABLE IF NOT EXISTS catalogs (
    catalog_id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    source_path TEXT NOT NULL,
    file_name TEXT NOT NULL,
    size INTEGER NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    first_seen TEXT NOT NULL,
    updated_at TEXT NOT NULL
)
"""
_COLUMNS = "catalog_id, sha256, source_path, file_name, size, status, error, first_seen, updated_at"


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    catalog_id: str
    sha256: str
    source_path: str
    """Where the catalog landed: a file path or an ``s3://`` URI."""
    file_name: str
    size: int
    status: CatalogStatus
    error: str | None
    first_seen: str
    """UTC, ISO 8601."""
    updated_at: str
    """UTC, ISO 8601."""


class CatalogRegistry:
    """The ``catalogs`` table of one SQLite file."""

    def __init__(self, *, path: Path, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._create()

    def register(self, *, catalog_id: str, sha256: str, source_path: str | Path, size: int) -> bool:
        """Add a catalog as ``new``; False (and nothing changed) if its sha256 is known."""
        now = utc_now()
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM catalogs WHERE sha256 = ?", [sha256]).fetchone():
                return False
            try:
                conn.execute(
                    f"INSERT INTO catalogs ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, 'new', NULL, ?, ?)",
                    [catalog_id, sha256, str(source_path), file_name(source_path), size, now, now],
                )
            except sqlite3.IntegrityError:
                raise ValueError(
                    f"catalog id {catalog_id!r} is already registered for other bytes"
                ) from None
        logger.info("registered catalog %s (%s)", catalog_id, file_name(source_path))
        return True

    def get(self, catalog_id: str) -> CatalogEntry | None:
        return self._one("catalog_id", catalog_id)

    def by_sha256(self, sha256: str) -> CatalogEntry | None:
        return self._one("sha256", sha256)

    def set_status(
        self, catalog_id: str, status: CatalogStatus, *, error: str | None = None
    ) -> None:
        """Move a catalog to ``status``; ``error`` replaces (or clears) the stored error."""
        check_statuses([status])
        with self._write() as conn:
            cursor = conn.execute(
                "UPDATE catalogs SET status = ?, error = ?, updated_at = ? WHERE catalog_id = ?",
                [status, error, utc_now(), catalog_id],
            )
            if cursor.rowcount == 0:
                raise KeyError(f"unknown catalog {catalog_id!r}")
        logger.info("catalog %s is %s", catalog_id, status)

    def list(self, *, statuses: Iterable[str] | None = None) -> list[CatalogEntry]:
        """Catalogs in order of first sight, optionally only those in ``statuses``."""
        sql, params = f"SELECT {_COLUMNS} FROM catalogs", []
        if statuses is not None:
            params = check_statuses(statuses)
            sql += f" WHERE status IN ({', '.join('?' * len(params))})"
        with self._connect() as conn:
            rows = conn.execute(f"{sql} ORDER BY first_seen, catalog_id", params).fetchall()
        return [_entry(row) for row in rows]

    def _create(self) -> None:
        """WAL journal and table. Switching to WAL can fail with "locked" without waiting on
        the busy timeout while another process creates the same file, hence the retry
        (``_creation_retrying``)."""
        _creation_retrying(self.path, self.timeout)(self._create_once)

    def _create_once(self) -> None:
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(_DDL)

    def _one(self, column: str, value: str) -> CatalogEntry | None:
        with self._connect() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM catalogs WHERE {column} = ?", [value]
            ).fetchone()
        return _entry(row) if row else None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A connection inside ``BEGIN IMMEDIATE``: writers queue up instead of deadlocking."""
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        try:
            yield conn
        finally:
            conn.close()


def _creation_retrying(path: Path, timeout: float) -> tenacity.Retrying:
    """The wait while another process creates the registry at ``path``: "locked" errors are
    tried again after 10-50 ms (random), logged at DEBUG, for up to ``timeout`` seconds; then,
    like any other error, raised as it is."""

    def log(_state: tenacity.RetryCallState) -> None:
        logger.debug("registry %s is being created elsewhere; retrying", path)

    return tenacity.Retrying(
        retry=tenacity.retry_if_exception(_is_locked),
        stop=tenacity.stop_after_delay(timeout),
        wait=tenacity.wait_random(0.01, 0.05),
        before_sleep=log, reraise=True,
    )


def _is_locked(error: BaseException) -> bool:
    return isinstance(error, sqlite3.OperationalError) and "locked" in str(error)


def check_statuses(statuses: Iterable[str]) -> list[str]:
    values = list(statuses)
    unknown = sorted(set(values) - set(STATUSES))
    if unknown:
        raise ValueError(f"unknown catalog status {', '.join(map(repr, unknown))}: "
                         f"expected one of {', '.join(STATUSES)}")
    return values


def _entry(row: tuple) -> CatalogEntry:
    catalog_id, sha256, source_path, file_name, size, status, error, first_seen, updated_at = row
    return CatalogEntry(catalog_id=catalog_id, sha256=sha256, source_path=source_path,
                        file_name=file_name, size=size, status=status, error=error,
                        first_seen=first_seen, updated_at=updated_at)


def file_name(source_path: str | Path) -> str:
    """The last part of a path or an ``s3://`` URI."""
    return str(source_path).rstrip("/").rsplit("/", 1)[-1]


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")

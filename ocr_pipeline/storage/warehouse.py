"""DuckDB warehouse that analysts query: ``course_candidates`` and ``validated_courses``.

DuckDB lets one process at a time hold a database file open for writing (readers share a lock
that also keeps writers out), so no connection outlives a call: open, work, close. An open that
meets another process's lock is retried with exponential backoff and jitter until
``lock_timeout``, then fails with ``WarehouseBusyError``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, NoReturn

import duckdb
import tenacity

from ocr_pipeline.catalog.models import CourseRecord
from ocr_pipeline.errors import (
    DuplicateContentError,
    QueryRefusedError,
    WarehouseBusyError,
    WarehouseError,
)

logger = logging.getLogger(__name__)

Table = Literal["course_candidates", "validated_courses"]
TABLES: tuple[Table, ...] = ("course_candidates", "validated_courses")

SCHEMA: tuple[tuple[str, str], ...] = (
    ("record_id", "TEXT"),
    ("catalog_id", "TEXT"),
    ("source_uri", "TEXT"),
    ("source_sha256", "TEXT"),
    ("page", "INTEGER"),
    ("bbox", "DOUBLE[]"),
    ("subject", "TEXT"),
    ("number", "TEXT"),
    ("course_code", "TEXT"),
    ("course_code_raw", "TEXT"),
    ("title", "TEXT"),
    ("credits_text", "TEXT"),
    ("credits_min", "DOUBLE"),
    ("credits_max", "DOUBLE"),
    ("description", "TEXT"),
    ("prerequisites", "TEXT"),
    ("method", "TEXT"),
    ("confidence", "DOUBLE"),
    ("status", "TEXT"),
    ("review", "JSON"),
    ("confidence_factors", "JSON"),
    ("extracted_at", "TIMESTAMP"),
    ("corequisites", "TEXT"),
    ("cross_listed", "VARCHAR[]"),
    ("attributes", "JSON"),
)
"""Columns of both tables, one per ``CourseRecord`` field. ``extracted_at`` is UTC.

``cross_listed`` is a list of normalized codes (``list_contains(cross_listed, 'PHIL 214')``,
``unnest(cross_listed)``). ``attributes`` (printed label -> value) is JSON like ``review`` and
``confidence_factors``, not a MAP: it needs no conversion on insert, stays the same text in the
Parquet tables and Athena (a Glue ``string``), and reads plainly:
``attributes->>'Terms Offered'``, ``json_keys(attributes)``. Columns added after a warehouse
was made go at the end: opening it for writing appends them (NULL in existing rows), so an
older file is upgraded in place and a fresh one has the same column order.
"""

COLUMNS = tuple(name for name, _ in SCHEMA)

VALIDATION_DDL = ("catalog_id TEXT, check_name TEXT, passed BOOLEAN, severity TEXT, "
                  "metadata JSON, checked_at TIMESTAMP, PRIMARY KEY (catalog_id, check_name)")


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """One data-quality check of a catalog's records, as kept for analysts."""

    check_name: str
    passed: bool
    severity: str
    """``ERROR`` or ``WARN``."""
    metadata: dict[str, Any]
    """Plain JSON values (counts, the offending rows as markdown)."""
_JSON_COLUMNS = frozenset(name for name, kind in SCHEMA if kind == "JSON")

_FIRST_DELAY = 0.05
_MAX_DELAY = 1.0
_LOCK_MESSAGES = (
    "Could not set lock on file",  # IOException: another process holds the file
    "different configuration",  # ConnectionException: this process has it open read-write/only
)


class DuckDBWarehouse:
    """The analysts' tables in one DuckDB file. Safe to use from several processes."""

    def __init__(self, *, path: Path, lock_timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.lock_timeout = lock_timeout

    def replace_catalog(
        self, table: Table, catalog_id: str, records: Sequence[CourseRecord]
    ) -> int:
        """Make ``records`` the catalog's only rows in ``table`` (one transaction); rows written."""
        _check_table(table)
        strangers = sorted({r.catalog_id for r in records} - {catalog_id})
        if strangers:
            raise ValueError(f"records of catalog(s) {', '.join(strangers)} given for {catalog_id}")
        rows = _unique_rows(records)
        with self._transaction() as conn:
            refuse_other_ids(conn, table, catalog_id, records)
            conn.execute(f"DELETE FROM {table} WHERE catalog_id = ?", [catalog_id])
            _insert(conn, table, rows)
        logger.info("%s: %d rows for catalog %s", table, len(rows), catalog_id)
        return len(rows)

    def record_checks(self, catalog_id: str, outcomes: Sequence[CheckOutcome]) -> None:
        """Keep the latest outcome of each check of the catalog in ``validation_results``."""
        checked_at = datetime.now(UTC).replace(tzinfo=None)
        with self._transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO validation_results VALUES (?, ?, ?, ?, ?, ?)",
                [[catalog_id, o.check_name, o.passed, o.severity,
                  json.dumps(o.metadata, ensure_ascii=False, sort_keys=True), checked_at]
                 for o in outcomes],
            )

    def rows(self, table: Table, *, catalog_id: str | None = None) -> list[dict[str, Any]]:
        """Rows as ``CourseRecord.to_dict()``-shaped dicts, by catalog, page and record_id."""
        _check_table(table)
        where, params = _where(catalog_id)
        with self._reader(table) as conn:
            if conn is None:
                return []
            cursor = conn.execute(
                f"SELECT {', '.join(COLUMNS)} FROM {table}{where} "
                "ORDER BY catalog_id, page, record_id",
                params,
            )
            return [_from_row(values) for values in cursor.fetchall()]

    def count(self, table: Table, *, catalog_id: str | None = None) -> int:
        _check_table(table)
        where, params = _where(catalog_id)
        with self._reader(table) as conn:
            if conn is None:
                return 0
            row = conn.execute(f"SELECT count(*) FROM {table}{where}", params).fetchone()
            return int(row[0]) if row else 0

    def query(
        self, sql: str, params: Sequence[Any] | None = None
    ) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run ``sql`` on a read-only connection; column names and rows."""
        if not self.path.exists():
            raise WarehouseError(f"no warehouse at {self.path} yet: nothing has been loaded")
        with self._connect(read_only=True) as conn:
            return run_query(conn, sql, params)

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._connect(read_only=False) as conn:
            conn.begin()
            try:
                for table in TABLES:
                    conn.execute(f"CREATE TABLE IF NOT EXISTS {table} ({_DDL})")
                    _add_missing_columns(conn, table)
                conn.execute(f"CREATE TABLE IF NOT EXISTS validation_results ({VALIDATION_DDL})")
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()

    @contextmanager
    def _reader(self, table: Table) -> Iterator[duckdb.DuckDBPyConnection | None]:
        """A read-only connection, or None when the file or the table does not exist yet."""
        if not self.path.exists():
            yield None
            return
        with self._connect(read_only=True) as conn:
            found = conn.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [table]
            ).fetchone()
            yield conn if found and found[0] else None

    @contextmanager
    def _connect(self, *, read_only: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        conn = self._open(read_only=read_only)
        try:
            yield conn
        finally:
            conn.close()

    def _open(self, *, read_only: bool) -> duckdb.DuckDBPyConnection:
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        retrying = _lock_retrying(self.path, self.lock_timeout)
        try:
            conn = retrying(duckdb.connect, str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            raise WarehouseError(f"cannot open warehouse {self.path}: {exc}") from exc
        retries = retrying.statistics["attempt_number"] - 1
        if retries:
            logger.info("warehouse %s: lock acquired after %d retries", self.path, retries)
        return conn


def _lock_retrying(path: Path, lock_timeout: float) -> tenacity.Retrying:
    """The wait for another connection's lock on the warehouse file at ``path``.

    Only lock errors are retried, each retry logged at DEBUG, after waits of exponential
    backoff with jitter (between half and all of ``_FIRST_DELAY`` doubling up to ``_MAX_DELAY``)
    that end at ``lock_timeout`` at the latest; then ``WarehouseBusyError``.
    """
    half = {"multiplier": _FIRST_DELAY / 2, "max": _MAX_DELAY / 2}  # a fixed and a random half
    backoff = tenacity.wait_exponential(**half) + tenacity.wait_random_exponential(**half)

    def wait(state: tenacity.RetryCallState) -> float:
        remaining = lock_timeout - (state.seconds_since_start or 0.0)
        return max(0.0, min(backoff(state), remaining))

    def log(state: tenacity.RetryCallState) -> None:
        assert state.next_action is not None  # the wait about to begin
        logger.debug("warehouse %s is locked; retry %d in %.3f s",
                     path, state.attempt_number, state.next_action.sleep)

    def give_up(state: tenacity.RetryCallState) -> NoReturn:
        assert state.outcome is not None  # the last lock error
        error = state.outcome.exception()
        raise WarehouseBusyError(
            f"warehouse {path} stayed locked by another process for {lock_timeout:g} s "
            f"({state.attempt_number - 1} retries): {error}") from error

    return tenacity.Retrying(
        retry=tenacity.retry_if_exception(_is_lock_error),
        stop=tenacity.stop_after_delay(lock_timeout),
        wait=wait, before_sleep=log, retry_error_callback=give_up,
    )


def _is_lock_error(error: BaseException) -> bool:
    return isinstance(error, duckdb.Error) and any(m in str(error) for m in _LOCK_MESSAGES)


_DDL = ", ".join(
    f"{name} {kind} PRIMARY KEY" if name == "record_id" else f"{name} {kind}"
    for name, kind in SCHEMA
)


def refuse_other_ids(conn: duckdb.DuckDBPyConnection, table: str, catalog_id: str,
                     records: Sequence[CourseRecord]) -> None:
    """A file's content is one catalog: refuse rows whose ``source_sha256`` another catalog id
    already holds in ``table`` (``table`` may be a view over Parquet files)."""
    hashes = sorted({r.source_sha256 for r in records})
    if not hashes:
        return
    clash = conn.execute(
        f"SELECT DISTINCT catalog_id, source_sha256 FROM {table} "
        "WHERE catalog_id <> ? AND list_contains(?::TEXT[], source_sha256) ORDER BY 1",
        [catalog_id, hashes]).fetchall()
    if clash:
        holders = ", ".join(f"{other} (sha256 {sha[:12]}…)" for other, sha in clash)
        raise DuplicateContentError(
            f"{table}: the content of catalog {catalog_id} is already loaded as {holders}; "
            "one file's content is one catalog")


def _add_missing_columns(conn: duckdb.DuckDBPyConnection, table: Table) -> None:
    """Upgrade a table made with an older SCHEMA: append the columns it lacks."""
    description = conn.execute(f"SELECT * FROM {table} LIMIT 0").description or []
    present = {column[0] for column in description}
    for name, kind in SCHEMA:
        if name not in present:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {name} {kind}")
            logger.info("warehouse: added column %s %s to %s", name, kind, table)


def run_query(conn: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None,
              *, allowed_directories: Sequence[str] = ()
              ) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Execute analyst SQL in a sandbox; column names and rows, or a WarehouseError naming the
    problem in one line.

    Only reading statements run (SELECT, EXPLAIN): no COPY, ATTACH, INSTALL, LOAD, SET. DuckDB's
    own controls do the rest: external access off (no file, URL or extension outside
    ``allowed_directories``, the warehouse's own S3 prefix in aws mode), then the configuration
    locked so the query cannot turn them back on. ``conn`` is unusable for anything else after.
    """
    try:
        statements = conn.extract_statements(sql)
    except duckdb.Error as exc:
        raise WarehouseError(f"query failed: {_first_line(exc)}") from exc
    refused = sorted({s.type.name for s in statements} - _READING_STATEMENTS)
    if refused:
        raise QueryRefusedError(
            f"query refused: analyst SQL is read-only (SELECT, EXPLAIN); got {', '.join(refused)}")
    if allowed_directories:
        conn.execute("SET allowed_directories = ?", [list(allowed_directories)])
    for setting in _SANDBOX:
        conn.execute(setting)
    try:
        cursor = conn.execute(sql, params)
    except duckdb.PermissionException as exc:
        raise QueryRefusedError(f"query refused: {_first_line(exc)}") from exc
    except duckdb.Error as exc:
        raise WarehouseError(f"query failed: {_first_line(exc)}") from exc
    if cursor.description is None:
        return [], []
    return [column[0] for column in cursor.description], cursor.fetchall()


_READING_STATEMENTS = frozenset({"SELECT", "EXPLAIN"})
_SANDBOX = (
    "SET enable_external_access = false",
    "SET autoinstall_known_extensions = false",
    "SET autoload_known_extensions = false",
    "SET lock_configuration = true",
)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]


def _check_table(table: str) -> None:
    if table not in TABLES:
        raise ValueError(f"unknown warehouse table {table!r}: expected one of {', '.join(TABLES)}")


def _where(catalog_id: str | None) -> tuple[str, list[Any]]:
    return ("", []) if catalog_id is None else (" WHERE catalog_id = ?", [catalog_id])


def _unique_rows(records: Sequence[CourseRecord]) -> list[tuple[Any, ...]]:
    """One row per record_id; a repeated id keeps its last record (and is logged)."""
    latest = {record.record_id: record for record in records}
    if len(latest) < len(records):
        logger.warning("%d records repeat a record_id; the last of each is kept",
                       len(records) - len(latest))
    return [_to_row(record) for record in latest.values()]


def _insert(conn: duckdb.DuckDBPyConnection, table: str, rows: list[tuple[Any, ...]]) -> None:
    """One INSERT of all rows: each column goes in as a typed list and is unnested.

    Measured on 2,000 records: about 0.05 s, against 2.3 s for ``executemany``.
    """
    if not rows:
        return
    values = ", ".join(f"unnest(?::{kind}[])" for _, kind in SCHEMA)
    conn.execute(
        f"INSERT INTO {table} ({', '.join(COLUMNS)}) SELECT {values}",
        [list(column) for column in zip(*rows, strict=True)],
    )


def _to_row(record: CourseRecord) -> tuple[Any, ...]:
    data = record.to_dict()
    for name in _JSON_COLUMNS:
        data[name] = json.dumps(data[name], ensure_ascii=False, sort_keys=True)
    data["extracted_at"] = _utc(data["extracted_at"])
    return tuple(data[name] for name in COLUMNS)


def _from_row(values: tuple[Any, ...]) -> dict[str, Any]:
    data = dict(zip(COLUMNS, values, strict=True))
    for name in _JSON_COLUMNS:
        data[name] = json.loads(data[name]) if data[name] is not None else {}
    data["cross_listed"] = data["cross_listed"] or []  # NULL in rows older than the column
    if data["extracted_at"] is not None:
        data["extracted_at"] = data["extracted_at"].replace(tzinfo=UTC).isoformat()
    return data


def _utc(stamp: str) -> datetime:
    """An ISO 8601 time as naive UTC (a time without offset is taken as UTC)."""
    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment

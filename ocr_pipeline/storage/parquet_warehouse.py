"""The warehouse in AWS: Parquet on S3, one file per catalog, registered in Glue for Athena.

``course_candidates`` and ``validated_courses`` live under
``s3://<bucket>/<prefix><table>/catalog_id=<id>/records.parquet``. Replacing a catalog
overwrites its one object, so a re-run never duplicates rows. Each table is a Glue table
partitioned by ``catalog_id`` with the columns of ``warehouse.SCHEMA``; the table and the
catalog's partition are kept in step on every write. Analysts query the same files with DuckDB
(httpfs, honouring ``AWS_ENDPOINT_URL``) or with Athena.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import duckdb
import duckdb_extension_httpfs
import tenacity

from ocr_pipeline import aws
from ocr_pipeline.catalog.models import CourseRecord
from ocr_pipeline.errors import WarehouseError
from ocr_pipeline.storage.warehouse import SCHEMA, TABLES, Table, refuse_other_ids, run_query

logger = logging.getLogger(__name__)

HTTPFS = (Path(duckdb_extension_httpfs.__file__).parent / "extensions"
          / f"v{duckdb.__version__}" / "httpfs.duckdb_extension")
_GLUE_TYPES = {"TEXT": "string", "INTEGER": "int", "DOUBLE": "double", "DOUBLE[]": "array<double>",
               "VARCHAR[]": "array<string>", "JSON": "string", "TIMESTAMP": "timestamp"}
_COLUMN_CASTS = {"JSON": "json", "TIMESTAMP": "timestamp", "DOUBLE[]": "double[]"}
_JSON_COLUMNS = tuple(name for name, kind in SCHEMA if kind == "JSON")

_TORN_ATTEMPTS = 4
_TORN_BACKOFF = 0.5
"""Seconds: the scale of the random waits before reading a table's files again."""


class S3ParquetWarehouse:
    def __init__(self, *, bucket: str, prefix: str = "warehouse/", glue: Any,
                 database: str, region: str = "us-east-1",
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.bucket = bucket
        self.prefix = prefix if not prefix or prefix.endswith("/") else f"{prefix}/"
        self.database = database
        self.region = region
        self._glue = glue
        self._sleep = sleep

    def location(self, table: Table) -> str:
        return f"s3://{self.bucket}/{self.prefix}{table}/"

    def replace_catalog(self, table: Table, catalog_id: str,
                        records: Sequence[CourseRecord]) -> int:
        """Overwrite the catalog's Parquet file of ``table`` and register it in Glue."""
        _check(table)
        if any(r.catalog_id != catalog_id for r in records):
            raise ValueError(f"records of other catalogs passed for {catalog_id}")
        target = self._object(table, catalog_id)
        with tempfile.TemporaryDirectory(prefix="ocr-parquet-") as tmp:
            rows = Path(tmp) / "rows.jsonl"
            rows.write_text("".join(json.dumps(_row(r), ensure_ascii=False) + "\n"
                                    for r in records), encoding="utf-8")
            for attempt in _torn_retrying(table, sleep=self._sleep):
                with attempt, self._duckdb() as conn:
                    self._views(conn, [table])
                    refuse_other_ids(conn, table, catalog_id, records)
                    conn.execute(
                        f"COPY (SELECT {_select_list()} FROM read_json({_literal(str(rows))}, "
                        f"columns={_json_columns()}, format='newline_delimited')) "
                        f"TO {_literal(target)} (FORMAT parquet)"
                    )
        self._register(table, catalog_id)
        logger.info("%s: %d rows to %s", table, len(records), target)
        return len(records)

    def record_ids(self, table: Table, catalog_id: str) -> set[str]:
        """The record ids in the catalog's Parquet object of ``table`` (none yet: empty)."""
        _check(table)
        key = self._object(table, catalog_id).removeprefix(f"s3://{self.bucket}/")
        found = aws.client("s3", region=self.region).list_objects_v2(
            Bucket=self.bucket, Prefix=key, MaxKeys=1)
        if not found.get("KeyCount"):
            return set()
        with self._duckdb() as conn:
            rows = conn.execute(f"SELECT record_id FROM read_parquet("
                                f"{_literal(self._object(table, catalog_id))})").fetchall()
        return {row[0] for row in rows}

    def query(self, sql: str, params: Sequence[Any] | None = None
              ) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run ``sql`` over views of both tables on S3; column names and rows.

        A view has every column of ``SCHEMA`` in its order, NULL where a file was written
        before the column existed."""
        with self._duckdb() as conn:
            self._views(conn, TABLES)
            return run_query(conn, sql, params, allowed_directories=[
                f"s3://{self.bucket}/{self.prefix}"])

    def _views(self, conn: duckdb.DuckDBPyConnection, tables: Sequence[Table]) -> None:
        """A view per table over its Parquet files, with every column of ``SCHEMA``."""
        for table in tables:
            files = (" UNION ALL BY NAME SELECT * FROM read_parquet("
                     f"'{self.location(table)}*/*.parquet', hive_partitioning=true, "
                     "union_by_name=true)") if self._has_files(table) else ""
            conn.execute(f"CREATE VIEW {table} AS SELECT {_empty_select()} WHERE false{files}")

    def _object(self, table: Table, catalog_id: str) -> str:
        return f"{self.location(table)}catalog_id={catalog_id}/records.parquet"

    def _has_files(self, table: Table) -> bool:
        found = aws.client("s3", region=self.region).list_objects_v2(Bucket=self.bucket, Prefix=f"{self.prefix}{table}/", MaxKeys=1)
        return bool(found.get("KeyCount"))

    def _register(self, table: Table, catalog_id: str) -> None:
        """Create or update the Glue table, then create or update the catalog's partition (its
        columns follow the table's, so a partition made before a column was added gets it)."""
        definition = glue_table(table=table, location=self.location(table))
        try:
            self._glue.create_table(DatabaseName=self.database, TableInput=definition)
        except self._glue.exceptions.AlreadyExistsException:
            self._glue.update_table(DatabaseName=self.database, TableInput=definition)
        partition = {
            "Values": [catalog_id],
            "StorageDescriptor": {**definition["StorageDescriptor"],
                                  "Location": f"{self.location(table)}catalog_id={catalog_id}/"},
        }
        try:
            self._glue.create_partition(DatabaseName=self.database, TableName=table,
                                        PartitionInput=partition)
        except self._glue.exceptions.AlreadyExistsException:
            self._glue.update_partition(DatabaseName=self.database, TableName=table,
                                        PartitionValueList=[catalog_id], PartitionInput=partition)

    @contextmanager
    def _duckdb(self) -> Iterator[duckdb.DuckDBPyConnection]:
        conn = duckdb.connect()
        try:
            conn.execute(f"LOAD '{HTTPFS}'")
            conn.execute(_secret(region=self.region))
            yield conn
        finally:
            conn.close()


def glue_table(*, table: str, location: str) -> dict[str, Any]:
    """The Glue TableInput of a warehouse table: Parquet, partitioned by catalog_id."""
    columns = [{"Name": name, "Type": _GLUE_TYPES[kind]} for name, kind in SCHEMA
               if name != "catalog_id"]
    return {
        "Name": table,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {"classification": "parquet", "EXTERNAL": "TRUE"},
        "PartitionKeys": [{"Name": "catalog_id", "Type": "string"}],
        "StorageDescriptor": {
            "Columns": columns,
            "Location": location,
            "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
            "SerdeInfo": {"SerializationLibrary":
                          "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"},
        },
    }


def _secret(*, region: str) -> str:
    """A DuckDB S3 secret from boto3's credential chain and the standard endpoint variables."""
    credentials = boto3.Session().get_credentials()
    if credentials is None:
        raise WarehouseError("no AWS credentials found for the S3 warehouse")
    frozen = credentials.get_frozen_credentials()
    parts = [f"KEY_ID '{frozen.access_key}'", f"SECRET '{frozen.secret_key}'",
             f"REGION '{region}'"]
    if frozen.token:
        parts.append(f"SESSION_TOKEN '{frozen.token}'")
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    if endpoint:
        url = urlsplit(endpoint)
        parts += [f"ENDPOINT '{url.netloc}'", "URL_STYLE 'path'",
                  f"USE_SSL {'true' if url.scheme == 'https' else 'false'}"]
    return f"CREATE OR REPLACE SECRET warehouse_s3 (TYPE s3, {', '.join(parts)})"


def _literal(text: str) -> str:
    """A SQL string literal (COPY takes no bound parameters for its paths)."""
    return "'" + text.replace("'", "''") + "'"


def _check(table: str) -> None:
    if table not in TABLES:
        raise ValueError(f"unknown warehouse table {table!r}; expected one of {TABLES}")


def _row(record: CourseRecord) -> dict[str, Any]:
    """The record as one line for ``read_json``: JSON columns as their text."""
    data = record.to_dict()
    for name in _JSON_COLUMNS:
        data[name] = json.dumps(data[name], ensure_ascii=False)
    return data


def _json_columns() -> str:
    reading = {"JSON": "VARCHAR", "TIMESTAMP": "VARCHAR"}
    return "{" + ", ".join(f"'{name}': '{reading.get(kind, kind)}'" for name, kind in SCHEMA) + "}"


def _select_list() -> str:
    return ", ".join(
        f"CAST({name} AS {_COLUMN_CASTS[kind]}) AS {name}" if kind in ("TIMESTAMP",) else name
        for name, kind in SCHEMA if name != "catalog_id"
    )


def _empty_select() -> str:
    return ", ".join(f"CAST(NULL AS {kind if kind not in ('JSON',) else 'VARCHAR'}) AS {name}"
                     for name, kind in SCHEMA)


def _torn_retrying(table: str, *, sleep: Callable[[float], None]) -> tenacity.Retrying:
    """Reading the table's Parquet files before writing one: a file another run replaces
    while DuckDB reads it (its size from before, its bytes from after) reads torn, as an
    invalid file or an error message DuckDB cannot decode; it is read again, ``_TORN_ATTEMPTS``
    tries in all, after random waits of exponential backoff. Other errors are raised at once."""

    def log(state: tenacity.RetryCallState) -> None:
        logger.info("%s: a Parquet file read torn (%s); reading again", table,
                    state.outcome.exception() if state.outcome else "")

    return tenacity.Retrying(
        retry=tenacity.retry_if_exception_type(
            (duckdb.InvalidInputException, duckdb.IOException, UnicodeDecodeError)),
        stop=tenacity.stop_after_attempt(_TORN_ATTEMPTS),
        wait=tenacity.wait_random_exponential(multiplier=_TORN_BACKOFF),
        sleep=sleep, before_sleep=log, reraise=True,
    )

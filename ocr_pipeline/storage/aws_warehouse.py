"""The warehouse of the aws environment: Parquet on S3 (Glue) for analysts, with the validated
courses and the check outcomes also kept in DynamoDB. Same interface as ``DuckDBWarehouse``
for what the assets call (``replace_catalog``, ``record_checks``, ``query``).

Replacing a catalog's validated courses also removes from DynamoDB the items of records the
catalog no longer has (a re-parse that dropped or re-keyed one), so both stores hold the
same set."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ocr_pipeline.catalog.models import CourseRecord
from ocr_pipeline.storage.dynamo_tables import DynamoCourseTable, DynamoValidationTable
from ocr_pipeline.storage.parquet_warehouse import S3ParquetWarehouse
from ocr_pipeline.storage.warehouse import CheckOutcome, Table


class AwsWarehouse:
    def __init__(self, *, parquet: S3ParquetWarehouse, courses: DynamoCourseTable,
                 validation: DynamoValidationTable) -> None:
        self.parquet = parquet
        self.courses = courses
        self.validation = validation

    def replace_catalog(self, table: Table, catalog_id: str,
                        records: Sequence[CourseRecord]) -> int:
        if table != "validated_courses":
            return self.parquet.replace_catalog(table, catalog_id, records)
        before = self.parquet.record_ids(table, catalog_id)
        rows = self.parquet.replace_catalog(table, catalog_id, records)
        self.courses.put_records(records)
        self.courses.delete_records(before - {r.record_id for r in records})
        return rows

    def record_checks(self, catalog_id: str, outcomes: Sequence[CheckOutcome]) -> None:
        self.validation.put_outcomes(catalog_id, outcomes)

    def query(self, sql: str, params: Sequence[Any] | None = None
              ) -> tuple[list[str], list[tuple[Any, ...]]]:
        return self.parquet.query(sql, params)

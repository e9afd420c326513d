"""DynamoDB tables beside the Parquet warehouse: the course catalog and the validation results.

Every write is conditional on the item being absent or older than the write
(``written_at``), so repeated runs overwrite their own rows with the same values, two runs of
the same catalog at once leave one item per key, and a run that started earlier can never
clobber what a later run wrote. Keys: the course catalog by ``record_id``; the validation
results by ``catalog_id`` + ``check_name``.

A course item holds ``cross_listed`` as a DynamoDB list of strings and ``attributes`` as a map
of strings (empty ones too), so a service can filter on them (``contains(cross_listed, :code)``);
other lists and objects (``bbox``, ``review``, ``confidence_factors``) are JSON text: review
evidence is keyed by answers, and an empty answer would be a map key DynamoDB refuses.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from botocore.exceptions import ClientError

from ocr_pipeline.catalog.models import CourseRecord
from ocr_pipeline.storage.registry import utc_now
from ocr_pipeline.storage.warehouse import CheckOutcome

logger = logging.getLogger(__name__)

_NEWER_WINS = "attribute_not_exists(#key) OR written_at <= :written_at"
_NATIVE = frozenset({"cross_listed", "attributes"})
"""Course fields stored as DynamoDB lists and maps of strings."""


class DynamoCourseTable:
    """``validated_courses`` as items keyed by ``record_id`` (for services that look a course
    up by id; analysts use the Parquet tables)."""

    def __init__(self, *, client: Any, table: str) -> None:
        self.client = client
        self.table = table

    def put_records(self, records: Sequence[CourseRecord], *, written_at: str | None = None
                    ) -> int:
        """Write the records; returns how many were written (the rest had newer items)."""
        stamp = written_at or utc_now()
        written = 0
        for record in {r.record_id: r for r in records}.values():
            item = {name: value for name, value in record.to_dict().items() if value is not None}
            written += _put_if_newer(self.client, self.table, key="record_id",
                                     item={**item, "written_at": stamp}, native=_NATIVE)
        logger.info("%s: %d of %d course items written", self.table, written, len(records))
        return written

    def delete_records(self, record_ids: Iterable[str], *, written_before: str | None = None
                       ) -> int:
        """Delete items of records a catalog no longer has, unless written since
        ``written_before`` (now by default); how many were deleted."""
        stamp = written_before or utc_now()
        deleted = 0
        for record_id in sorted(record_ids):
            try:
                self.client.delete_item(
                    TableName=self.table, Key={"record_id": {"S": record_id}},
                    ConditionExpression="written_at < :stamp",
                    ExpressionAttributeValues={":stamp": {"S": stamp}})
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                    raise
                continue
            deleted += 1
        if deleted:
            logger.info("%s: %d stale course items deleted", self.table, deleted)
        return deleted

    def get(self, record_id: str) -> dict[str, Any] | None:
        found = self.client.get_item(TableName=self.table, Key={"record_id": {"S": record_id}},
                                     ConsistentRead=True).get("Item")
        return _plain(found) if found else None


class DynamoValidationTable:
    """The latest outcome of each check of each catalog."""

    def __init__(self, *, client: Any, table: str) -> None:
        self.client = client
        self.table = table

    def put_outcomes(self, catalog_id: str, outcomes: Sequence[CheckOutcome],
                     *, written_at: str | None = None) -> int:
        stamp = written_at or utc_now()
        return sum(
            _put_if_newer(self.client, self.table, key="catalog_id", item={
                "catalog_id": catalog_id, "check_name": o.check_name, "passed": o.passed,
                "severity": o.severity, "metadata": o.metadata, "written_at": stamp,
            })
            for o in outcomes
        )

    def outcomes(self, catalog_id: str) -> list[dict[str, Any]]:
        pages = self.client.get_paginator("query").paginate(
            TableName=self.table, KeyConditionExpression="catalog_id = :c",
            ExpressionAttributeValues={":c": {"S": catalog_id}}, ConsistentRead=True)
        return [_plain(item) for page in pages for item in page["Items"]]


def create_course_table(client: Any, table: str) -> None:
    """For tests and development; production tables come from the CDK stack."""
    _create(client, table, [("record_id", "HASH")])


def create_validation_table(client: Any, table: str) -> None:
    _create(client, table, [("catalog_id", "HASH"), ("check_name", "RANGE")])


def _create(client: Any, table: str, keys: list[tuple[str, str]]) -> None:
    client.create_table(
        TableName=table, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": name, "KeyType": kind} for name, kind in keys],
        AttributeDefinitions=[{"AttributeName": name, "AttributeType": "S"} for name, _ in keys],
    )
    client.get_waiter("table_exists").wait(TableName=table)


def _put_if_newer(client: Any, table: str, *, key: str, item: dict[str, Any],
                  native: frozenset[str] = frozenset()) -> int:
    """Put ``item`` unless the stored one is newer (1 if put); ``native`` fields as lists and
    maps, see ``_native``."""
    try:
        client.put_item(
            TableName=table,
            Item={name: _native(value) if name in native else _attribute(value)
                  for name, value in item.items()},
            ConditionExpression=_NEWER_WINS, ExpressionAttributeNames={"#key": key},
            ExpressionAttributeValues={":written_at": {"S": item["written_at"]}},
        )
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise
        logger.debug("%s: %s=%s has a newer write; kept", table, key, item[key])
        return 0
    return 1


def _native(value: list[str] | dict[str, str]) -> dict[str, Any]:
    """A list of strings as a DynamoDB list, an object of strings as a map."""
    if isinstance(value, dict):
        return {"M": {label: {"S": text} for label, text in value.items()}}
    return {"L": [{"S": text} for text in value]}


def _attribute(value: Any) -> dict[str, Any]:
    """Scalars as themselves; lists and objects (bbox, review, metadata) as JSON text."""
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | float):
        return {"N": repr(value)}
    if isinstance(value, str):
        return {"S": value}
    return {"S": json.dumps(value, ensure_ascii=False, sort_keys=True)}


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _value(attribute) for name, attribute in item.items()}


def _value(attribute: dict[str, Any]) -> Any:
    (kind, value), = attribute.items()
    if kind == "N":
        return float(value)
    if kind == "L":
        return [_value(element) for element in value]
    if kind == "M":
        return {name: _value(element) for name, element in value.items()}
    return value

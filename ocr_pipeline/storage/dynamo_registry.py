"""Catalog registry on DynamoDB: the same API and semantics as the SQLite ``CatalogRegistry``.

One table, string hash key ``pk``, two items per catalog:

- ``catalog#<catalog_id>``: the ``CatalogEntry`` fields (``source_path`` as a string, ``error``
  absent when None);
- ``sha#<sha256>``: the claim on the bytes, with the ``catalog_id`` it belongs to.

``register`` writes both in one transaction, each on condition that it does not exist yet, so a
catalog id and a sha256 are each registered once however many workers race on the same file.

Retries: throttling and transient errors are retried by the boto3 client itself (adaptive mode,
see ``ocr_pipeline.aws.client``); a transaction that DynamoDB cancels only because another one
touched the same items (``TransactionConflict``) is tried again here (``conflict_retrying``).

Expiry: a catalog that reaches a terminal status (``done``, ``failed``) gets ``expires_at``
(epoch seconds, the table's TTL attribute, see ``create_table``) = now + ``ttl`` (90 days by
default) on both items, so DynamoDB deletes the processing state some time after that; moving it
back to another status removes ``expires_at`` again. Once deleted, the same bytes register as
new.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

import tenacity
from botocore.exceptions import ClientError

from ocr_pipeline.storage.registry import (
    CatalogEntry,
    CatalogStatus,
    check_statuses,
    file_name,
    utc_now,
)

logger = logging.getLogger(__name__)

TTL_ATTRIBUTE = "expires_at"
DEFAULT_TTL = timedelta(days=90)
TERMINAL_STATUSES: frozenset[CatalogStatus] = frozenset({"done", "failed"})

_CONFLICT_ATTEMPTS = 8
"""Tries of a transaction that DynamoDB cancels because another one touched the same items."""
_CONFLICT_BACKOFF = 0.1
"""The first wait after a conflict is up to this long (random), each next one up to twice it."""


def create_table(client: Any, table: str) -> None:
    """Create the registry table (on-demand billing, TTL on ``expires_at``) and wait for it.
    For tests and development; production tables come from infrastructure code."""
    client.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    client.get_waiter("table_exists").wait(TableName=table)
    client.update_time_to_live(
        TableName=table,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
    )
    logger.info("created DynamoDB table %s", table)


class DynamoCatalogRegistry:
    """The catalogs of one DynamoDB table (``client`` from ``ocr_pipeline.aws.client``)."""

    def __init__(self, *, client: Any, table: str, ttl: timedelta = DEFAULT_TTL) -> None:
        self.client = client
        self.table = table
        self.ttl = ttl
        self._retrying = conflict_retrying(table)

    def register(self, *, catalog_id: str, sha256: str, source_path: str | Path, size: int) -> bool:
        """Add a catalog as ``new``; False (and nothing changed) if its sha256 is known."""
        now = utc_now()
        catalog = {
            "pk": _s(f"catalog#{catalog_id}"), "catalog_id": _s(catalog_id),
            "sha256": _s(sha256), "source_path": _s(str(source_path)),
            "file_name": _s(file_name(source_path)), "size": {"N": str(size)},
            "status": _s("new"), "first_seen": _s(now), "updated_at": _s(now),
        }
        claim = {"pk": _s(f"sha#{sha256}"), "catalog_id": _s(catalog_id)}
        try:
            self._transact([
                {"Put": {"TableName": self.table, "Item": item,
                         "ConditionExpression": "attribute_not_exists(pk)"}}
                for item in (catalog, claim)
            ])
        except _Cancelled as exc:
            if exc.codes[1:2] == ["ConditionalCheckFailed"]:
                return False
            if exc.codes[:1] == ["ConditionalCheckFailed"]:
                raise ValueError(
                    f"catalog id {catalog_id!r} is already registered for other bytes"
                ) from None
            raise exc.error from None
        logger.info("registered catalog %s (%s)", catalog_id, file_name(source_path))
        return True

    def get(self, catalog_id: str) -> CatalogEntry | None:
        item = self._item(f"catalog#{catalog_id}")
        return _entry(item) if item else None

    def by_sha256(self, sha256: str) -> CatalogEntry | None:
        claim = self._item(f"sha#{sha256}")
        return self.get(claim["catalog_id"]["S"]) if claim else None

    def set_status(
        self, catalog_id: str, status: CatalogStatus, *, error: str | None = None
    ) -> None:
        """Move a catalog to ``status``; ``error`` replaces (or clears) the stored error.
        Terminal statuses set ``expires_at`` on both items, other statuses remove it."""
        check_statuses([status])
        entry = self.get(catalog_id)
        if entry is None:
            raise KeyError(f"unknown catalog {catalog_id!r}")
        values: dict[str, Any] = {":status": _s(status), ":now": _s(utc_now()),
                                  ":sha": _s(entry.sha256)}
        sets, removes = ["#status = :status", "updated_at = :now"], []
        if error is None:
            removes.append("#error")
        else:
            values[":error"] = _s(error)
            sets.append("#error = :error")
        claim: dict[str, Any] = {
            "TableName": self.table, "Key": {"pk": _s(f"sha#{entry.sha256}")},
            "ConditionExpression": "attribute_exists(pk)",
        }
        if status in TERMINAL_STATUSES:
            expires = {"N": str(int(time.time() + self.ttl.total_seconds()))}
            values[":expires"] = expires
            sets.append(f"{TTL_ATTRIBUTE} = :expires")
            claim["UpdateExpression"] = f"SET {TTL_ATTRIBUTE} = :expires"
            claim["ExpressionAttributeValues"] = {":expires": expires}
        else:
            removes.append(TTL_ATTRIBUTE)
            claim["UpdateExpression"] = f"REMOVE {TTL_ATTRIBUTE}"
        update = f"SET {', '.join(sets)}" + (f" REMOVE {', '.join(removes)}" if removes else "")
        try:
            self._transact([
                {"Update": {
                    "TableName": self.table, "Key": {"pk": _s(f"catalog#{catalog_id}")},
                    "UpdateExpression": update,
                    "ConditionExpression": "attribute_exists(pk) AND sha256 = :sha",
                    "ExpressionAttributeNames": {"#status": "status", "#error": "error"},
                    "ExpressionAttributeValues": values,
                }},
                {"Update": claim},
            ])
        except _Cancelled as exc:
            if "ConditionalCheckFailed" in exc.codes:
                raise KeyError(f"unknown catalog {catalog_id!r} (it has expired)") from None
            raise exc.error from None
        logger.info("catalog %s is %s", catalog_id, status)

    def list(self, *, statuses: Iterable[str] | None = None) -> list[CatalogEntry]:
        """Catalogs in order of first sight, optionally only those in ``statuses``.
        A filtered scan: fine for the number of catalogs a pipeline sees."""
        params: dict[str, Any] = {
            "TableName": self.table, "ConsistentRead": True,
            "FilterExpression": "begins_with(pk, :catalog)",
            "ExpressionAttributeValues": {":catalog": _s("catalog#")},
        }
        if statuses is not None:
            wanted = check_statuses(statuses)
            if not wanted:
                return []
            names = [f":s{i}" for i in range(len(wanted))]
            params["FilterExpression"] += f" AND #status IN ({', '.join(names)})"
            params["ExpressionAttributeNames"] = {"#status": "status"}
            params["ExpressionAttributeValues"].update(
                {name: _s(value) for name, value in zip(names, wanted)})
        entries = [
            _entry(item)
            for page in self.client.get_paginator("scan").paginate(**params)
            for item in page["Items"]
        ]
        return sorted(entries, key=lambda entry: (entry.first_seen, entry.catalog_id))

    def _item(self, pk: str) -> dict[str, Any] | None:
        response = self.client.get_item(TableName=self.table, Key={"pk": _s(pk)},
                                        ConsistentRead=True)
        return response.get("Item")

    def _transact(self, items: list[dict[str, Any]]) -> None:
        """``transact_write_items``, tried again while it is cancelled only because of
        concurrent transactions on the same items; ``_Cancelled`` for any other cancellation."""
        try:
            self._retrying(self.client.transact_write_items, TransactItems=items)
        except ClientError as exc:
            if _error_code(exc) != "TransactionCanceledException":
                raise
            raise _Cancelled(exc, _cancellation_codes(exc)) from None


def conflict_retrying(table: str, *,
                      sleep: Callable[[float], None] = time.sleep) -> tenacity.Retrying:
    """The retry policy of transactions on ``table``: a ``TransactionCanceledException`` whose
    items were cancelled for ``TransactionConflict`` and none for ``ConditionalCheckFailed`` is
    tried again (logged at DEBUG), ``_CONFLICT_ATTEMPTS`` tries in all, after random waits of
    exponential backoff (full jitter) that ``sleep`` waits; any other error, or the last
    conflict, is raised as it is."""

    def log(_state: tenacity.RetryCallState) -> None:
        logger.debug("transaction conflict on %s; retrying", table)

    return tenacity.Retrying(
        retry=tenacity.retry_if_exception(_is_conflict),
        stop=tenacity.stop_after_attempt(_CONFLICT_ATTEMPTS),
        wait=tenacity.wait_random_exponential(multiplier=_CONFLICT_BACKOFF),
        sleep=sleep, before_sleep=log, reraise=True,
    )


def _is_conflict(error: BaseException) -> bool:
    if not isinstance(error, ClientError) or _error_code(error) != "TransactionCanceledException":
        return False
    codes = _cancellation_codes(error)
    return "TransactionConflict" in codes and "ConditionalCheckFailed" not in codes


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _cancellation_codes(error: ClientError) -> list[str]:
    """The reason code of each item of a cancelled transaction (``None`` when it was fine)."""
    return [reason.get("Code", "None") for reason in error.response.get("CancellationReasons", [])]


class _Cancelled(Exception):
    """A cancelled transaction with the reason code of each of its items."""

    def __init__(self, error: ClientError, codes: list[str]) -> None:
        super().__init__(str(error))
        self.error = error
        self.codes = codes


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _entry(item: dict[str, Any]) -> CatalogEntry:
    return CatalogEntry(
        catalog_id=item["catalog_id"]["S"], sha256=item["sha256"]["S"],
        source_path=item["source_path"]["S"], file_name=item["file_name"]["S"],
        size=int(item["size"]["N"]), status=item["status"]["S"],
        error=item["error"]["S"] if "error" in item else None,
        first_seen=item["first_seen"]["S"], updated_at=item["updated_at"]["S"],
    )


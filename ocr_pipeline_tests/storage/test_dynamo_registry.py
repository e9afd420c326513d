"""DynamoCatalogRegistry against a moto server with real boto3 clients: the CatalogRegistry
behaviour, TTL, threads racing on the same bytes, injected faults; and its retry policy of
conflicting transactions on its own, its waits recorded instead of slept."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from ocr_pipeline import aws
from ocr_pipeline.storage.dynamo_registry import (
    DynamoCatalogRegistry,
    conflict_retrying,
    create_table,
)

if TYPE_CHECKING:
    from ocr_pipeline_tests.storage.aws_server import Faults

pytest_plugins = ["ocr_pipeline_tests.storage.aws_server"]

SHA_A = "a" * 64
SHA_B = "b" * 64
DAY = 24 * 3600


@pytest.fixture
def dynamodb(aws_env: str) -> Any:
    return aws.client("dynamodb")


@pytest.fixture
def table(dynamodb: Any, unique_name: Callable[[str], str]) -> str:
    name = unique_name("catalogs")
    create_table(dynamodb, name)
    return name


@pytest.fixture
def registry(dynamodb: Any, table: str) -> DynamoCatalogRegistry:
    return DynamoCatalogRegistry(client=dynamodb, table=table)


def raw_item(dynamodb: Any, table: str, pk: str) -> dict[str, Any]:
    return dynamodb.get_item(TableName=table, Key={"pk": {"S": pk}})["Item"]


def test_create_table(dynamodb: Any, table: str) -> None:
    described = dynamodb.describe_table(TableName=table)["Table"]
    assert described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert described["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    ttl = dynamodb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "expires_at")


def test_finished_catalogs_expire(registry: DynamoCatalogRegistry, dynamodb: Any,
                                  table: str) -> None:
    """Status changes themselves are in test_registry_contract.py; here the TTL they set."""
    registry.register(catalog_id="cat", sha256=SHA_A, source_path=Path("a.pdf"), size=1)
    assert "expires_at" not in raw_item(dynamodb, table, "catalog#cat")

    registry.set_status("cat", "done")
    expires = {int(raw_item(dynamodb, table, pk)["expires_at"]["N"])
               for pk in ("catalog#cat", f"sha#{SHA_A}")}
    assert len(expires) == 1
    assert abs(expires.pop() - (time.time() + 90 * DAY)) < 60

    registry.set_status("cat", "processing")
    for pk in ("catalog#cat", f"sha#{SHA_A}"):
        assert "expires_at" not in raw_item(dynamodb, table, pk)


def test_expiry_is_configurable(dynamodb: Any, table: str) -> None:
    registry = DynamoCatalogRegistry(client=dynamodb, table=table, ttl=timedelta(days=7))
    registry.register(catalog_id="cat", sha256=SHA_A, source_path=Path("a.pdf"), size=1)
    registry.set_status("cat", "failed", error="boom")
    expires = int(raw_item(dynamodb, table, "catalog#cat")["expires_at"]["N"])
    assert abs(expires - (time.time() + 7 * DAY)) < 60


def test_threads_registering_the_same_bytes(table: str) -> None:
    threads, rounds = 6, 10
    registries = [DynamoCatalogRegistry(client=aws.client("dynamodb"), table=table)
                  for _ in range(threads)]
    barrier = threading.Barrier(threads, timeout=30)

    def race(worker: int) -> list[bool]:
        results = []
        for round_ in range(rounds):
            barrier.wait()
            results.append(registries[worker].register(
                catalog_id=f"copy-{worker}-of-{round_}", sha256=f"{round_:064d}",
                source_path=Path(f"/landing/{worker}/{round_}.pdf"), size=round_))
        return results

    with ThreadPoolExecutor(threads) as pool:
        by_worker = list(pool.map(race, range(threads)))

    for round_ in range(rounds):
        assert sorted(results[round_] for results in by_worker) == [False] * (threads - 1) + [
            True], round_
    entries = registries[0].list()
    assert sorted(e.sha256 for e in entries) == [f"{r:064d}" for r in range(rounds)]


def test_transaction_conflicts_are_retried(registry: DynamoCatalogRegistry, dynamodb: Any,
                                          inject_faults: Callable[..., Faults]) -> None:
    faults = inject_faults(dynamodb, count=2, code="TransactionCanceledException", status=400,
                           fields={"CancellationReasons": [
                               {"Code": "None"},
                               {"Code": "TransactionConflict", "Message": "ongoing"}]})
    assert registry.register(catalog_id="cat", sha256=SHA_A, source_path=Path("a.pdf"), size=1)
    assert faults.injected == 2
    assert registry.by_sha256(SHA_A) is not None


@pytest.mark.parametrize(("code", "status", "count"),
                         [("InternalServerError", 500, 3), ("ThrottlingException", 400, 1)])
def test_transient_errors_are_retried_and_nothing_is_lost(
    registry: DynamoCatalogRegistry, dynamodb: Any, table: str,
    inject_faults: Callable[..., Faults], code: str, status: int, count: int,
) -> None:
    faults = inject_faults(dynamodb, count=count, code=code, status=status)
    assert registry.register(catalog_id="cat", sha256=SHA_A, source_path=Path("a.pdf"), size=1)
    assert faults.injected == count

    reader = aws.client("dynamodb")  # without the writer's adaptive rate limit after throttling
    faults = inject_faults(reader, count=count, code=code, status=status)
    entry = DynamoCatalogRegistry(client=reader, table=table).by_sha256(SHA_A)
    assert entry is not None and entry.catalog_id == "cat"
    assert faults.injected == count


def cancelled(*codes: str) -> ClientError:
    return ClientError({"Error": {"Code": "TransactionCanceledException", "Message": "no"},
                        "CancellationReasons": [{"Code": code} for code in codes]},
                       "TransactWriteItems")


class Transaction:
    """A transact_write_items that fails with the given errors, then succeeds."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self, **_: Any) -> dict[str, Any]:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return {}


def test_conflicts_back_off_then_succeed(caplog: pytest.LogCaptureFixture) -> None:
    slept: list[float] = []
    transaction = Transaction(*[cancelled("None", "TransactionConflict")] * 7)
    with caplog.at_level(logging.DEBUG, logger="ocr_pipeline.storage.dynamo_registry"):
        conflict_retrying("catalogs", sleep=slept.append)(transaction, TransactItems=[])
    assert transaction.calls == 8
    assert all(0 <= pause <= 0.1 * 2**n for n, pause in enumerate(slept))
    assert len(slept) == 7
    assert [r.getMessage() for r in caplog.records] == [
        "transaction conflict on catalogs; retrying"] * 7


def test_conflicts_give_up_after_eight_tries() -> None:
    slept: list[float] = []
    last = cancelled("TransactionConflict", "None")
    transaction = Transaction(*[cancelled("TransactionConflict", "None")] * 7, last)
    with pytest.raises(ClientError) as info:
        conflict_retrying("catalogs", sleep=slept.append)(transaction, TransactItems=[])
    assert info.value is last
    assert (transaction.calls, len(slept)) == (8, 7)


@pytest.mark.parametrize("error", [
    cancelled("ConditionalCheckFailed", "TransactionConflict"),
    cancelled("None", "ValidationError"),
    ClientError({"Error": {"Code": "ValidationException", "Message": "bad"}},
                "TransactWriteItems"),
    ValueError("not an AWS error"),
])
def test_other_failures_are_not_retried(error: Exception) -> None:
    slept: list[float] = []
    transaction = Transaction(error)
    with pytest.raises(type(error)) as info:
        conflict_retrying("catalogs", sleep=slept.append)(transaction, TransactItems=[])
    assert info.value is error
    assert (transaction.calls, slept) == (1, [])

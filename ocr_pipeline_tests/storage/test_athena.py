"""The Athena helper against moto's server with a real boto3 client.

moto records queries but does not execute SQL: the rows Athena would return are queued
through moto's own API (``/moto-api/static/athena/query-results``), in Athena's result
format, header row included. What is tested is ours: the start parameters, the polling,
the paging, the header row dropped and the values typed by the column metadata."""

import os
import subprocess
import sys
from collections.abc import Callable

import httpx
import pytest

from ocr_pipeline import aws
from ocr_pipeline.errors import WarehouseError
from ocr_pipeline.storage.athena import AthenaQueries

pytest_plugins = ["ocr_pipeline_tests.storage.aws_server"]

COLUMNS = [{"Name": "catalog_id", "Type": "varchar"}, {"Name": "n", "Type": "bigint"},
           {"Name": "min_confidence", "Type": "double"}, {"Name": "any_review", "Type": "boolean"}]


def queue_result(server: str, rows: list[list[str | None]]) -> None:
    data = [{"Data": [{} if v is None else {"VarCharValue": v} for v in row]} for row in rows]
    response = httpx.post(f"{server}/moto-api/static/athena/query-results", json={
        "region": "us-east-1", "results": [{"rows": data, "column_info": COLUMNS}]})
    assert response.status_code == 201


@pytest.fixture
def output(aws_env: str, unique_name: Callable[[str], str]) -> str:
    bucket = unique_name("athena-results")
    aws.client("s3").create_bucket(Bucket=bucket)
    return f"s3://{bucket}/results/"


def test_query_returns_typed_rows_without_the_header(aws_env: str, output: str) -> None:
    queue_result(aws_env, [["catalog_id", "n", "min_confidence", "any_review"],
                           ["fall-2024-1a2b3c4d", "24", "0.91", "false"],
                           ["spring-1987-9f8e7d6c", "311", None, "true"]])
    athena = AthenaQueries(client=aws.client("athena"), database="ocr_pipeline",
                           workgroup="primary", output=output, poll_seconds=0.05)

    columns, rows = athena.query("SELECT catalog_id, count(*) AS n FROM validated_courses")

    assert columns == ["catalog_id", "n", "min_confidence", "any_review"]
    assert rows == [("fall-2024-1a2b3c4d", 24, 0.91, False),
                    ("spring-1987-9f8e7d6c", 311, None, True)]
    [execution] = [aws.client("athena").get_query_execution(QueryExecutionId=qid)
                   ["QueryExecution"] for qid in
                   aws.client("athena").list_query_executions()["QueryExecutionIds"][-1:]]
    assert execution["Query"].startswith("SELECT catalog_id")
    assert execution["QueryExecutionContext"]["Database"] == "ocr_pipeline"
    assert execution["ResultConfiguration"]["OutputLocation"].startswith(output)


def test_a_failed_query_names_athenas_reason() -> None:
    class Failing:
        """Athena's answer for a query that failed; moto's queries always succeed."""

        def start_query_execution(self, **_: object) -> dict[str, str]:
            return {"QueryExecutionId": "q-1"}

        def get_query_execution(self, **_: object) -> dict[str, object]:
            return {"QueryExecution": {"Status": {
                "State": "FAILED", "StateChangeReason": "COLUMN_NOT_FOUND: line 1:8"}}}

    with pytest.raises(WarehouseError, match="q-1 failed: COLUMN_NOT_FOUND"):
        AthenaQueries(client=Failing(), database="db").query("SELECT nope FROM validated_courses")


def test_query_command_runs_on_athena(aws_env: str, output: str) -> None:
    queue_result(aws_env, [["catalog_id", "n", "min_confidence", "any_review"],
                           ["cat-a", "4", "0.97", "false"]])
    env = {**os.environ, "OCR_PIPELINE_ENV": "aws", "OCR_ATHENA_OUTPUT": output}
    done = subprocess.run([sys.executable, "-m", "ocr_pipeline", "query", "--athena",
                           "--format", "csv", "SELECT 1"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["catalog_id,n,min_confidence,any_review",
                                        "cat-a,4,0.97,False"]


def test_athena_needs_the_aws_environment() -> None:
    done = subprocess.run([sys.executable, "-m", "ocr_pipeline", "query", "--athena", "SELECT 1"],
                          env={**os.environ, "OCR_PIPELINE_ENV": "local"}, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1
    assert "Athena needs OCR_PIPELINE_ENV=aws" in done.stderr

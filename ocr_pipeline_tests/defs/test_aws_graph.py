"""The whole graph in aws mode against moto on loopback: a PDF put in the landing prefix, the
sensor, S3 objects, DynamoDB items, Parquet + Glue, and ``ocr-pipeline query`` over them."""

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from ocr_pipeline import aws
from ocr_pipeline.catalog.synthetic import generate_catalog
from ocr_pipeline_tests.defs.aws_cloud import aws_location, provision
from ocr_pipeline_tests.defs.conftest import Location

pytest_plugins = ["ocr_pipeline_tests.storage.aws_server"]


@pytest.fixture
def cloud(aws_env: str, unique_name: Callable[[str], str]) -> dict[str, str]:
    return provision(unique_name)


@pytest.fixture
def location(tmp_path: Path, cloud: dict[str, str]) -> Iterator[Location]:
    yield from aws_location(tmp_path, cloud, landing_page_size=2)  # listings of several pages


def put_catalog(tmp_path: Path, cloud: dict[str, str], key: str, **kwargs: object) -> bytes:
    made = generate_catalog(out_dir=tmp_path / "made", name="catalog", **kwargs)  # type: ignore[arg-type]
    data = made.pdf.read_bytes()
    aws.client("s3").put_object(Bucket=cloud["OCR_RAW_BUCKET"], Key=key, Body=data)
    return data


def keys(bucket: str, prefix: str = "") -> list[str]:
    pages = aws.client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket,
                                                                        Prefix=prefix)
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


def items(table: str) -> list[dict]:  # type: ignore[type-arg]
    pages = aws.client("dynamodb").get_paginator("scan").paginate(TableName=table,
                                                                  ConsistentRead=True)
    return [item for page in pages for item in page["Items"]]


def query(cloud: dict[str, str], sql: str) -> list[str]:
    done = subprocess.run([sys.executable, "-m", "ocr_pipeline", "query", "--format", "csv", sql],
                          env={**os.environ, **cloud}, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_catalog_from_the_landing_prefix_to_parquet_dynamodb_and_glue(
        location: Location, cloud: dict[str, str], tmp_path: Path) -> None:
    put_catalog(tmp_path, cloud, "landing/Fall 2024.pdf", layout="two_column", courses=24,
                seed=4)
    [key] = location.sensor()
    assert key.startswith("fall-2024-")

    result = location.run(key)

    assert result.success
    processed = cloud["OCR_PROCESSED_BUCKET"]
    stored = keys(processed, f"objects/raw/{key}/")
    assert sorted(stored) == [f"objects/raw/{key}/Fall 2024.pdf", f"objects/raw/{key}/raw.json"]
    assert f"objects/pages/{key}/manifest.json" in keys(processed, "objects/pages/")
    assert f"objects/ocr/{key}/index.json" in keys(processed, "objects/ocr/")
    assert keys(processed, "warehouse/validated_courses/") == [
        f"warehouse/validated_courses/catalog_id={key}/records.parquet"]
    # DynamoDB: the catalog's state, one item per course, one per check
    state = {item["pk"]["S"]: item for item in items(cloud["OCR_STATE_TABLE"])}
    assert state[f"catalog#{key}"]["status"]["S"] == "done"
    assert state[f"catalog#{key}"]["source_path"]["S"] == (
        f"s3://{cloud['OCR_RAW_BUCKET']}/landing/Fall 2024.pdf")
    courses = items(cloud["OCR_COURSES_TABLE"])
    assert len(courses) == 24
    assert {c["catalog_id"]["S"] for c in courses} == {key}
    assert {c["status"]["S"] for c in courses} == {"auto_accepted"}
    checks = {c["check_name"]["S"]: c["passed"]["BOOL"] for c in items(cloud["OCR_VALIDATION_TABLE"])}
    assert checks == {"required_fields_present": True, "course_codes_unique": True,
                      "credits_in_range": True, "pages_accounted_for": True,
                      "low_confidence_share": True, "completeness": True}
    # Glue: both tables, the catalog's partition, pointing at the Parquet
    glue = aws.client("glue")
    partitions = glue.get_partitions(DatabaseName=cloud["OCR_GLUE_DATABASE"],
                                     TableName="validated_courses")["Partitions"]
    assert [p["Values"] for p in partitions] == [[key]]
    assert partitions[0]["StorageDescriptor"]["Location"] == (
        f"s3://{processed}/warehouse/validated_courses/catalog_id={key}/")
    # analysts: ocr-pipeline query over the S3 Parquet
    assert query(cloud, "SELECT catalog_id, count(*) AS n FROM validated_courses GROUP BY 1") == [
        "catalog_id,n", f"{key},24"]


def test_sensor_pages_through_the_prefix_and_knows_content_not_names(
        location: Location, cloud: dict[str, str], tmp_path: Path) -> None:
    data = put_catalog(tmp_path, cloud, "landing/a.pdf", layout="one_column", courses=3)
    s3 = aws.client("s3")
    # not PDFs, or outside the prefix: ignored
    s3.put_object(Bucket=cloud["OCR_RAW_BUCKET"], Key="landing/notes.txt", Body=b"x")
    s3.put_object(Bucket=cloud["OCR_RAW_BUCKET"], Key="elsewhere/b.pdf", Body=data)
    [first] = location.sensor()
    assert location.sensor() == []  # unchanged listing: nothing hashed, nothing new

    s3.put_object(Bucket=cloud["OCR_RAW_BUCKET"], Key="landing/copy of a.pdf", Body=data)
    assert location.sensor() == []  # same bytes under another name

    for n in range(3):
        put_catalog(tmp_path, cloud, f"landing/more/{n}.pdf", layout="one_column", courses=2,
                    seed=10 + n)
    found = location.sensor()
    assert len(found) == 3 and first not in found
    assert set(location.instance.get_dynamic_partitions("catalogs")) == {first, *found}


RUN_ONE = """
import sys
import dagster as dg
from ocr_pipeline.config import Settings
from ocr_pipeline.definitions import build_defs
from ocr_pipeline.local import run_catalog
result = run_catalog(build_defs(Settings.from_env()), dg.DagsterInstance.get(), sys.argv[1])
sys.exit(0 if result.success else 1)
"""


def test_rerun_and_concurrent_runs_leave_one_set_of_rows(
        location: Location, cloud: dict[str, str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    put_catalog(tmp_path, cloud, "landing/c.pdf", layout="three_column", courses=12, seed=2)
    [key] = location.sensor()
    assert location.run(key).success
    before = sorted(c["record_id"]["S"] for c in items(cloud["OCR_COURSES_TABLE"]))
    assert len(before) == 12

    # two runs of the same catalog at once, as two processes on one Dagster instance
    home = tmp_path / "dagster"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as instance:
        instance.add_dynamic_partitions("catalogs", [key])
    env = {**os.environ, **cloud, "OCR_PIPELINE_HOME": str(location.settings.home),
           "OCR_REVIEW_ENDPOINT": location.settings.review_endpoint}
    runs = [subprocess.Popen([sys.executable, "-c", RUN_ONE, key], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err[-3000:]

    assert sorted(c["record_id"]["S"] for c in items(cloud["OCR_COURSES_TABLE"])) == before
    assert query(cloud, "SELECT count(*) AS n, count(DISTINCT record_id) AS ids "
                        "FROM validated_courses") == ["n,ids", "12,12"]
    assert len(items(cloud["OCR_VALIDATION_TABLE"])) == 6


def test_throttling_and_server_errors_are_retried_and_nothing_is_lost(
        location: Location, cloud: dict[str, str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, inject_faults: Callable[..., Any]) -> None:
    """Every S3 client the graph makes answers its first request with a 500, every DynamoDB
    client its first with throttling; the run must come out as a clean one."""
    put_catalog(tmp_path, cloud, "landing/faults.pdf", layout="two_column", courses=10, seed=8)
    made = aws.client
    faults: dict[str, list[Any]] = {"s3": [], "dynamodb": []}

    def faulty_client(service: str, **kwargs: Any) -> Any:
        client = made(service, **kwargs)
        if service == "s3":
            faults["s3"].append(inject_faults(client, count=1))
        elif service == "dynamodb":
            faults["dynamodb"].append(inject_faults(
                client, count=1, code="ProvisionedThroughputExceededException", status=400))
        return client

    monkeypatch.setattr(aws, "client", faulty_client)
    [key] = location.sensor()
    result = location.run(key)
    monkeypatch.setattr(aws, "client", made)

    assert result.success
    assert sum(f.injected for f in faults["s3"]) >= 4
    assert sum(f.injected for f in faults["dynamodb"]) >= 4
    assert len(items(cloud["OCR_COURSES_TABLE"])) == 10
    assert len(items(cloud["OCR_VALIDATION_TABLE"])) == 6
    state = {item["pk"]["S"]: item for item in items(cloud["OCR_STATE_TABLE"])}
    assert state[f"catalog#{key}"]["status"]["S"] == "done"
    assert query(cloud, "SELECT count(*) AS n FROM validated_courses") == ["n", "10"]


def test_bootstrap_command_leaves_what_exists(cloud: dict[str, str]) -> None:
    done = subprocess.run([sys.executable, "-m", "ocr_pipeline", "aws-bootstrap"],
                          env={**os.environ, **cloud}, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "everything exists already"


def test_without_a_review_service_the_sure_records_still_land(
        tmp_path: Path, cloud: dict[str, str], aws_env: str) -> None:
    """moto serves no A2I runtime: the loops cannot start, the run goes on with the records
    that need no person, and the catalog waits for the next request of its reviews."""
    put_catalog(tmp_path, cloud, "landing/scan.pdf", layout="caps_two_column", courses=12,
                seed=5, scanned=True)
    location_iter = aws_location(tmp_path, {**cloud, "OCR_REVIEW_ENDPOINT": aws_env})
    location = next(location_iter)
    [key] = location.sensor()

    result = location.run(key)

    assert result.success
    requests = result.asset_materializations_for_node("review_requests")[0].metadata
    assert requests["records_for_review"].value > 0
    assert requests["loops_started"].value == 0
    assert "cannot start human loop" in requests["review_unavailable"].value
    assert "OCR_REVIEW_ENDPOINT" in requests["review_unavailable"].value
    validated = result.asset_materializations_for_node("validated_courses")[0].metadata
    assert validated["rows"].value > 0
    assert validated["waiting_for_review"].value == requests["records_for_review"].value
    state = {item["pk"]["S"]: item for item in items(cloud["OCR_STATE_TABLE"])}
    assert state[f"catalog#{key}"]["status"]["S"] == "waiting_review"
    next(location_iter, None)

"""The aws warehouse: Parquet + Glue for analysts, DynamoDB items kept as the same set."""

from collections.abc import Callable

import pytest

from ocr_pipeline import aws
from ocr_pipeline.storage.aws_warehouse import AwsWarehouse
from ocr_pipeline.storage.dynamo_tables import (
    DynamoCourseTable,
    DynamoValidationTable,
    create_course_table,
    create_validation_table,
)
from ocr_pipeline.storage.parquet_warehouse import S3ParquetWarehouse
from ocr_pipeline.storage.warehouse import CheckOutcome
from ocr_pipeline_tests.storage.test_parquet_warehouse import ATTRIBUTES, record

pytest_plugins = ["ocr_pipeline_tests.storage.aws_server"]


@pytest.fixture
def warehouse(aws_env: str, unique_name: Callable[[str], str]) -> AwsWarehouse:
    bucket, database = unique_name("processed"), unique_name("db")
    courses, validation = unique_name("courses"), unique_name("validation")
    aws.client("s3").create_bucket(Bucket=bucket)
    glue = aws.client("glue")
    glue.create_database(DatabaseInput={"Name": database})
    dynamodb = aws.client("dynamodb")
    create_course_table(dynamodb, courses)
    create_validation_table(dynamodb, validation)
    return AwsWarehouse(
        parquet=S3ParquetWarehouse(bucket=bucket, glue=glue, database=database),
        courses=DynamoCourseTable(client=dynamodb, table=courses),
        validation=DynamoValidationTable(client=dynamodb, table=validation))


def course_ids(warehouse: AwsWarehouse) -> list[str]:
    items = aws.client("dynamodb").scan(TableName=warehouse.courses.table,
                                        ConsistentRead=True)["Items"]
    return sorted(item["record_id"]["S"] for item in items)


def test_a_reparse_that_drops_records_drops_their_items_too(warehouse: AwsWarehouse) -> None:
    warehouse.replace_catalog("validated_courses", "cat-a", [record("cat-a", i) for i in range(4)])
    warehouse.replace_catalog("validated_courses", "cat-b", [record("cat-b", 0)])
    assert course_ids(warehouse) == ["cat-a-0", "cat-a-1", "cat-a-2", "cat-a-3", "cat-b-0"]

    warehouse.replace_catalog("validated_courses", "cat-a", [record("cat-a", i) for i in (0, 2)])

    assert course_ids(warehouse) == ["cat-a-0", "cat-a-2", "cat-b-0"]
    assert warehouse.query("SELECT record_id FROM validated_courses ORDER BY 1")[1] == [
        ("cat-a-0",), ("cat-a-2",), ("cat-b-0",)]
    assert warehouse.courses.get("cat-a-2")["title"] == "Logic"  # type: ignore[index]


def test_course_items_keep_requisites_lists_and_maps(warehouse: AwsWarehouse) -> None:
    bare = record("cat-a", 1, prerequisites=None, corequisites=None, cross_listed=[],
                  attributes={})
    warehouse.replace_catalog("validated_courses", "cat-a", [record("cat-a", 0), bare])

    item = warehouse.courses.get("cat-a-0")
    assert item is not None
    assert (item["prerequisites"], item["corequisites"]) == ("PHIL 100", "PHIL 100L")
    assert (item["cross_listed"], item["attributes"]) == (["CS 214", "MATH 214"], ATTRIBUTES)
    empty = warehouse.courses.get("cat-a-1")
    assert empty is not None
    assert (empty["cross_listed"], empty["attributes"]) == ([], {})
    assert "prerequisites" not in empty and "corequisites" not in empty

    dynamodb = aws.client("dynamodb")
    stored = dynamodb.get_item(TableName=warehouse.courses.table,
                               Key={"record_id": {"S": "cat-a-0"}})["Item"]
    assert stored["cross_listed"] == {"L": [{"S": "CS 214"}, {"S": "MATH 214"}]}
    assert stored["attributes"] == {"M": {"Terms Offered": {"S": "Fall"},
                                          "Grading": {"S": "Letter or S/U"}}}
    found = dynamodb.scan(TableName=warehouse.courses.table, ConsistentRead=True,
                          FilterExpression="contains(cross_listed, :code)",
                          ExpressionAttributeValues={":code": {"S": "MATH 214"}})["Items"]
    assert [i["record_id"]["S"] for i in found] == ["cat-a-0"]


def test_candidates_stay_out_of_the_course_table(warehouse: AwsWarehouse) -> None:
    warehouse.replace_catalog("course_candidates", "cat-a", [record("cat-a", i) for i in range(3)])
    assert course_ids(warehouse) == []
    assert warehouse.query("SELECT count(*) FROM course_candidates")[1] == [(3,)]


def test_an_older_write_never_clobbers_a_newer_one(warehouse: AwsWarehouse) -> None:
    newer = record("cat-a", 0, title="Logic II")
    warehouse.courses.put_records([newer], written_at="2026-11-23T10:00:00+00:00")
    assert warehouse.courses.put_records([record("cat-a", 0)],
                                         written_at="2026-11-23T09:00:00+00:00") == 0
    assert warehouse.courses.get("cat-a-0")["title"] == "Logic II"  # type: ignore[index]
    assert warehouse.courses.delete_records(
        ["cat-a-0"], written_before="2026-11-23T09:30:00+00:00") == 0  # written since
    assert course_ids(warehouse) == ["cat-a-0"]


def test_check_outcomes_keep_the_latest_per_check(warehouse: AwsWarehouse) -> None:
    warehouse.record_checks("cat-a", [CheckOutcome(check_name="course_codes_unique",
                                                   passed=False, severity="ERROR",
                                                   metadata={"offending_rows": 2})])
    warehouse.record_checks("cat-a", [CheckOutcome(check_name="course_codes_unique",
                                                   passed=True, severity="ERROR",
                                                   metadata={"offending_rows": 0})])
    [outcome] = warehouse.validation.outcomes("cat-a")
    assert (outcome["passed"], outcome["metadata"]) == (True, '{"offending_rows": 0}')

"""S3 Parquet warehouse + Glue, against moto's server on loopback with real boto3 clients."""

import dataclasses
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ocr_pipeline import aws
from ocr_pipeline.catalog.models import CourseRecord
from ocr_pipeline.errors import DuplicateContentError, QueryRefusedError, WarehouseError
from ocr_pipeline.storage.parquet_warehouse import S3ParquetWarehouse

pytest_plugins = ["ocr_pipeline_tests.storage.aws_server"]


@pytest.fixture
def warehouse(aws_env: str, unique_name) -> S3ParquetWarehouse:  # type: ignore[no-untyped-def]
    bucket, database = unique_name("ocr-processed"), unique_name("ocr")
    aws.client("s3").create_bucket(Bucket=bucket)
    glue = aws.client("glue")
    glue.create_database(DatabaseInput={"Name": database})
    return S3ParquetWarehouse(bucket=bucket, glue=glue, database=database)


ATTRIBUTES = {"Terms Offered": "Fall", "Grading": "Letter or S/U"}


def record(catalog: str, n: int, *, title: str = "Logic", **changes: Any) -> CourseRecord:
    built = CourseRecord(
        record_id=f"{catalog}-{n}", catalog_id=catalog, source_uri="s3://raw/x.pdf",
        source_sha256=f"sha-of-{catalog}", page=1 + n // 3, bbox=(1.0, 2.0, 3.0, 4.0), subject="PHIL",
        number=str(100 + n), course_code=f"PHIL {100 + n}", course_code_raw=f"PHIL {100 + n}",
        title=title, credits_text="3", credits_min=3.0, credits_max=3.0,
        description="Reasoning.", prerequisites="PHIL 100", method="text_layer",
        confidence=0.97, status="auto_accepted", extracted_at="2026-11-23T10:00:00+00:00",
        review={"answers_bought": 3}, confidence_factors={"ocr": 1.0},
        corequisites="PHIL 100L", cross_listed=["CS 214", "MATH 214"], attributes=ATTRIBUTES,
    )
    return dataclasses.replace(built, **changes)


def test_replace_is_idempotent_and_queryable(warehouse: S3ParquetWarehouse) -> None:
    warehouse.replace_catalog("validated_courses", "cat-a", [record("cat-a", i) for i in range(5)])
    warehouse.replace_catalog("validated_courses", "cat-a", [record("cat-a", i) for i in range(5)])
    warehouse.replace_catalog("validated_courses", "cat-b", [record("cat-b", 0, title="Ethics")])
    columns, rows = warehouse.query(
        "SELECT catalog_id, count(*) FROM validated_courses GROUP BY 1 ORDER BY 1")
    assert rows == [("cat-a", 5), ("cat-b", 1)]
    warehouse.replace_catalog("validated_courses", "cat-a", [record("cat-a", 0)])
    _, rows = warehouse.query("SELECT count(*) FROM validated_courses WHERE catalog_id='cat-a'")
    assert rows == [(1,)]
    _, rows = warehouse.query("SELECT title, credits_min, review->>'$.answers_bought' "
                              "FROM validated_courses WHERE catalog_id = 'cat-b'")
    assert rows == [("Ethics", 3.0, "3")]
    _, rows = warehouse.query("SELECT count(*) FROM course_candidates")
    assert rows == [(0,)]


def test_new_record_fields_are_columns(warehouse: S3ParquetWarehouse) -> None:
    warehouse.replace_catalog("validated_courses", "cat-a", [
        record("cat-a", 0),
        record("cat-a", 1, prerequisites=None, corequisites=None, cross_listed=[], attributes={}),
    ])

    _, rows = warehouse.query(
        "SELECT record_id, prerequisites, corequisites, cross_listed, "
        "list_contains(cross_listed, 'MATH 214'), attributes->>'Terms Offered', "
        "attributes->>'Grading', json_keys(attributes) FROM validated_courses ORDER BY 1")
    assert rows == [
        ("cat-a-0", "PHIL 100", "PHIL 100L", ["CS 214", "MATH 214"], True, "Fall",
         "Letter or S/U", ["Terms Offered", "Grading"]),
        ("cat-a-1", None, None, [], False, None, None, []),
    ]
    _, described = warehouse.query("DESCRIBE validated_courses")
    types = {name: kind for name, kind, *_ in described}
    assert (types["corequisites"], types["cross_listed"], types["attributes"]) == (
        "VARCHAR", "VARCHAR[]", "VARCHAR")


def test_files_written_before_a_column_existed_read_it_as_null(
    warehouse: S3ParquetWarehouse, tmp_path: Path,
) -> None:
    old = tmp_path / "records.parquet"
    with duckdb.connect() as conn:
        conn.execute(f"COPY (SELECT 'old-0' AS record_id, 'Ethics' AS title) TO '{old}' "
                     "(FORMAT parquet)")
    for table in ("validated_courses", "course_candidates"):
        aws.client("s3").upload_file(str(old), warehouse.bucket,
                                     f"warehouse/{table}/catalog_id=old/records.parquet")

    _, rows = warehouse.query("SELECT record_id, catalog_id, title, corequisites, cross_listed, "
                              "attributes FROM course_candidates")
    assert rows == [("old-0", "old", "Ethics", None, None, None)]  # no file has them yet
    warehouse.replace_catalog("validated_courses", "cat-a", [record("cat-a", 0)])
    _, rows = warehouse.query("SELECT record_id, corequisites, cross_listed, "
                              "attributes->>'Grading' FROM validated_courses ORDER BY 1")
    assert rows == [("cat-a-0", "PHIL 100L", ["CS 214", "MATH 214"], "Letter or S/U"),
                    ("old-0", None, None, None)]


def test_glue_table_kept_in_step(warehouse: S3ParquetWarehouse) -> None:
    warehouse.replace_catalog("course_candidates", "cat-a", [record("cat-a", 0)])
    warehouse.replace_catalog("course_candidates", "cat-b", [record("cat-b", 0)])
    glue = aws.client("glue")
    table = glue.get_table(DatabaseName=warehouse.database, Name="course_candidates")["Table"]
    assert table["PartitionKeys"] == [{"Name": "catalog_id", "Type": "string"}]
    names = [c["Name"] for c in table["StorageDescriptor"]["Columns"]]
    assert names[:2] == ["record_id", "source_uri"] and "confidence" in names
    assert table["StorageDescriptor"]["Location"] == (
        f"s3://{warehouse.bucket}/warehouse/course_candidates/")
    columns = {c["Name"]: c["Type"] for c in table["StorageDescriptor"]["Columns"]}
    assert (columns["corequisites"], columns["cross_listed"], columns["attributes"]) == (
        "string", "array<string>", "string")
    partitions = glue.get_partitions(DatabaseName=warehouse.database,
                                     TableName="course_candidates")
    assert sorted(p["Values"][0] for p in partitions["Partitions"]) == ["cat-a", "cat-b"]


def test_a_partition_made_before_new_columns_gets_them_on_the_next_write(
    warehouse: S3ParquetWarehouse,
) -> None:
    warehouse.replace_catalog("validated_courses", "cat-a", [record("cat-a", 0)])
    glue = aws.client("glue")
    key = {"DatabaseName": warehouse.database, "TableName": "validated_courses",
           "PartitionValues": ["cat-a"]}
    descriptor = glue.get_partition(**key)["Partition"]["StorageDescriptor"]
    old_columns = [c for c in descriptor["Columns"]
                   if c["Name"] not in ("corequisites", "cross_listed", "attributes")]
    glue.update_partition(
        DatabaseName=warehouse.database, TableName="validated_courses",
        PartitionValueList=["cat-a"],
        PartitionInput={"Values": ["cat-a"],
                        "StorageDescriptor": {**descriptor, "Columns": old_columns}})

    warehouse.replace_catalog("validated_courses", "cat-a", [record("cat-a", 0)])

    table = glue.get_table(DatabaseName=warehouse.database, Name="validated_courses")["Table"]
    partition = glue.get_partition(**key)["Partition"]["StorageDescriptor"]
    assert partition["Columns"] == table["StorageDescriptor"]["Columns"]
    assert partition["Location"].endswith("/validated_courses/catalog_id=cat-a/")


def test_bad_sql_and_foreign_records(warehouse: S3ParquetWarehouse) -> None:
    with pytest.raises(WarehouseError, match="query failed"):
        warehouse.query("SELECT nope FROM validated_courses")
    with pytest.raises(ValueError, match="other catalogs"):
        warehouse.replace_catalog("validated_courses", "cat-a", [record("cat-b", 0)])


def test_analyst_sql_stays_inside_the_warehouse_prefix(warehouse: S3ParquetWarehouse) -> None:
    warehouse.replace_catalog("validated_courses", "cat-a", [record("cat-a", i) for i in range(2)])
    other = f"{warehouse.bucket}-other"
    aws.client("s3").create_bucket(Bucket=other)
    aws.client("s3").put_object(Bucket=other, Key="secret.csv", Body=b"a,b\n1,2\n")

    with pytest.raises(QueryRefusedError, match="Cannot access file"):
        warehouse.query(f"SELECT * FROM read_csv('s3://{other}/secret.csv')")
    with pytest.raises(QueryRefusedError, match="Cannot access file"):
        warehouse.query("SELECT * FROM read_text('/etc/passwd')")
    with pytest.raises(QueryRefusedError, match="got COPY"):
        warehouse.query(f"COPY (SELECT 1 AS x) TO '{warehouse.location('validated_courses')}"
                        "catalog_id=cat-a/records.parquet' (FORMAT parquet)")
    _, rows = warehouse.query("SELECT count(*) FROM validated_courses")
    assert rows == [(2,)]


def test_one_content_is_never_two_catalogs(warehouse: S3ParquetWarehouse) -> None:
    warehouse.replace_catalog("validated_courses", "cat-a", [record("cat-a", i) for i in range(2)])

    with pytest.raises(DuplicateContentError, match="already loaded as cat-a"):
        warehouse.replace_catalog("validated_courses", "cat-b",
                                  [record("cat-b", 0, source_sha256="sha-of-cat-a")])
    _, rows = warehouse.query("SELECT DISTINCT catalog_id FROM validated_courses")
    assert rows == [("cat-a",)]


def test_replacing_with_no_records_empties_the_catalog(warehouse: S3ParquetWarehouse) -> None:
    warehouse.replace_catalog("validated_courses", "cat-a", [record("cat-a", i) for i in range(3)])
    assert warehouse.replace_catalog("validated_courses", "cat-a", []) == 0
    _, rows = warehouse.query("SELECT count(*) FROM validated_courses")
    assert rows == [(0,)]


def test_query_command_in_aws_mode_reads_s3_parquet(warehouse: S3ParquetWarehouse,
                                                     aws_env: str) -> None:
    warehouse.replace_catalog("validated_courses", "cat-a", [record("cat-a", i) for i in range(4)])
    env = {**os.environ, "OCR_PIPELINE_ENV": "aws", "OCR_PROCESSED_BUCKET": warehouse.bucket,
           "OCR_GLUE_DATABASE": warehouse.database}
    done = subprocess.run(
        [sys.executable, "-m", "ocr_pipeline", "query", "--format", "csv",
         "SELECT catalog_id, count(*) AS n FROM validated_courses GROUP BY 1"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["catalog_id,n", "cat-a,4"]


def test_a_file_read_torn_while_another_run_replaced_it_is_read_again(
        warehouse: S3ParquetWarehouse) -> None:
    """Two runs of one catalog at once: one reads the table's files while the other replaces
    its catalog's file, and reads it torn (the size from before, the bytes from after). The
    write reads the files again, after a wait, and goes through; a file that stays broken
    fails it, its rows untouched."""
    warehouse.replace_catalog("validated_courses", "cat-b", [record("cat-b", 0)])
    s3 = aws.client("s3")
    key = (warehouse.location("validated_courses").removeprefix(f"s3://{warehouse.bucket}/")
           + "catalog_id=cat-b/records.parquet")
    whole = s3.get_object(Bucket=warehouse.bucket, Key=key)["Body"].read()
    s3.put_object(Bucket=warehouse.bucket, Key=key, Body=whole[: len(whole) // 2])  # torn
    waits: list[float] = []

    def replaced_meanwhile(seconds: float) -> None:  # the other run's write lands
        waits.append(seconds)
        s3.put_object(Bucket=warehouse.bucket, Key=key, Body=whole)

    def waiting(sleep: Any) -> S3ParquetWarehouse:
        return S3ParquetWarehouse(bucket=warehouse.bucket, glue=aws.client("glue"),
                                  database=warehouse.database, sleep=sleep)

    waiting(replaced_meanwhile).replace_catalog("validated_courses", "cat-a",
                                                [record("cat-a", 1)])
    assert len(waits) == 1
    _, rows = warehouse.query("SELECT catalog_id FROM validated_courses ORDER BY 1")
    assert rows == [("cat-a",), ("cat-b",)]

    s3.put_object(Bucket=warehouse.bucket, Key=key, Body=whole[: len(whole) // 2])
    waits.clear()
    with pytest.raises((duckdb.Error, UnicodeDecodeError)):
        waiting(waits.append).replace_catalog("validated_courses", "cat-a", [record("cat-a", 2)])
    assert len(waits) == 3  # four reads in all
    s3.put_object(Bucket=warehouse.bucket, Key=key, Body=whole)
    _, rows = warehouse.query("SELECT record_id FROM validated_courses WHERE catalog_id='cat-a'")
    assert rows == [("cat-a-1",)]

"""DuckDBWarehouse on a real DuckDB file, including another process holding its lock."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ocr_pipeline.catalog.models import CourseRecord
from ocr_pipeline.errors import (
    DuplicateContentError,
    OcrPipelineError,
    QueryRefusedError,
    WarehouseBusyError,
    WarehouseError,
)
from ocr_pipeline.storage import warehouse as warehouse_module
from ocr_pipeline.storage.warehouse import COLUMNS, SCHEMA, DuckDBWarehouse

STAMP = "2024-05-01T12:00:00+00:00"


def _record(catalog: str, number: int, **changes: Any) -> CourseRecord:
    record = CourseRecord(
        record_id=f"{catalog}-{number:05d}", catalog_id=catalog,
        source_uri=f"file:///objects/raw/{catalog}/catalog.pdf",
        source_sha256=hashlib.sha256(catalog.encode()).hexdigest(),
        page=1 + number // 10, bbox=(72.0, 100.123, 540.5, 160.0), subject="CHEM",
        number=str(100 + number), course_code=f"CHEM {100 + number}",
        course_code_raw=f"CHEM{100 + number}", title="Général Chemistry I",
        credits_text="3-4 credits", credits_min=3.0, credits_max=4.0,
        description="Atoms, bonds and stoichiometry.", prerequisites=None, method="text_layer",
        confidence=0.93, status="auto_accepted", extracted_at=STAMP,
        review={"loops": ["loop-1"], "answers": 3, "agreement": 1.0},
        confidence_factors={"ocr": 1.0, "parse": 0.93}, corequisites="CHEM 100L",
        cross_listed=["BIOC 101", "PHYS 101"],
        attributes={"Terms Offered": "Fall, Spring", "Grading": "Letter grade"},
    )
    return dataclasses.replace(record, **changes)


def _records(catalog: str, count: int) -> list[CourseRecord]:
    return [_record(catalog, n) for n in range(count)]


@pytest.fixture
def warehouse(tmp_path: Path) -> DuckDBWarehouse:
    return DuckDBWarehouse(path=tmp_path / "home" / "warehouse.duckdb")


def test_columns_are_the_course_record_fields() -> None:
    assert set(COLUMNS) == {f.name for f in dataclasses.fields(CourseRecord)}


def test_rows_round_trip_course_records(warehouse: DuckDBWarehouse) -> None:
    records = [_record("cat", 0, prerequisites="CHEM 100"),
               _record("cat", 1, credits_text=None, credits_min=None, credits_max=None,
                       review={}, confidence_factors={}, corequisites=None, cross_listed=[],
                       attributes={})]

    assert warehouse.replace_catalog("course_candidates", "cat", records) == 2

    rows = warehouse.rows("course_candidates")
    assert rows == [r.to_dict() for r in records]
    assert (rows[0]["prerequisites"], rows[0]["corequisites"]) == ("CHEM 100", "CHEM 100L")
    assert rows[0]["cross_listed"] == ["BIOC 101", "PHYS 101"]
    assert rows[0]["attributes"] == {"Terms Offered": "Fall, Spring", "Grading": "Letter grade"}
    assert (rows[1]["corequisites"], rows[1]["cross_listed"], rows[1]["attributes"]) == (
        None, [], {})
    assert warehouse.rows("validated_courses") == []


def test_column_types_for_analysts(warehouse: DuckDBWarehouse) -> None:
    warehouse.replace_catalog("course_candidates", "cat",
                              [_record("cat", 0, extracted_at="2024-05-01T14:30:00+02:00")])

    _, described = warehouse.query("DESCRIBE course_candidates")
    types = {name: kind for name, kind, *_ in described}
    assert (types["page"], types["bbox"], types["credits_min"], types["review"],
            types["extracted_at"]) == ("INTEGER", "DOUBLE[]", "DOUBLE", "JSON", "TIMESTAMP")
    assert (types["corequisites"], types["cross_listed"], types["attributes"]) == (
        "VARCHAR", "VARCHAR[]", "JSON")
    _, rows = warehouse.query(
        "SELECT review->>'$.answers', bbox[3], extracted_at::VARCHAR FROM course_candidates")
    assert rows == [("3", 540.5, "2024-05-01 12:30:00")]
    assert warehouse.rows("course_candidates")[0]["extracted_at"] == "2024-05-01T12:30:00+00:00"
    _, rows = warehouse.query(
        "SELECT corequisites, cross_listed[2], list_contains(cross_listed, 'BIOC 101'), "
        "attributes->>'Terms Offered', json_keys(attributes) FROM course_candidates")
    assert rows == [("CHEM 100L", "PHYS 101", True, "Fall, Spring", ["Grading", "Terms Offered"])]


_NEW_COLUMNS = ("corequisites", "cross_listed", "attributes")


def test_a_warehouse_made_before_the_new_columns_is_upgraded_in_place(
    warehouse: DuckDBWarehouse,
) -> None:
    old_ddl = ", ".join(f"{name} {kind}" for name, kind in SCHEMA if name not in _NEW_COLUMNS)
    old_row = {**_record("old", 0).to_dict(), "review": "{}", "confidence_factors": "{}",
               "extracted_at": "2024-05-01 12:00:00"}
    old_columns = [name for name, _ in SCHEMA if name not in _NEW_COLUMNS]
    warehouse.path.parent.mkdir(parents=True)
    with duckdb.connect(str(warehouse.path)) as conn:
        for table in ("course_candidates", "validated_courses"):
            conn.execute(f"CREATE TABLE {table} ({old_ddl}, PRIMARY KEY (record_id))")
            conn.execute(f"INSERT INTO {table} ({', '.join(old_columns)}) "
                         f"VALUES ({', '.join('?' for _ in old_columns)})",
                         [old_row[name] for name in old_columns])

    new = _record("cat", 1)
    assert warehouse.replace_catalog("course_candidates", "cat", [new]) == 1
    assert warehouse.replace_catalog("validated_courses", "cat", [new]) == 1

    for table in ("course_candidates", "validated_courses"):
        _, described = warehouse.query(f"DESCRIBE {table}")
        assert [row[0] for row in described] == list(COLUMNS)
        fresh, old = warehouse.rows(table)  # by catalog_id: "cat", then "old"
        assert fresh == new.to_dict()
        assert (old["record_id"], old["title"]) == ("old-00000", "Général Chemistry I")
        assert (old["corequisites"], old["cross_listed"], old["attributes"]) == (None, [], {})


def test_replace_catalog_is_idempotent(warehouse: DuckDBWarehouse) -> None:
    records = _records("cat", 25)
    warehouse.replace_catalog("course_candidates", "cat", records)
    first = warehouse.rows("course_candidates")

    assert warehouse.replace_catalog("course_candidates", "cat", records) == 25

    assert warehouse.count("course_candidates") == 25
    assert warehouse.rows("course_candidates") == first


def test_replace_catalog_drops_vanished_records_only_of_that_catalog(
    warehouse: DuckDBWarehouse,
) -> None:
    warehouse.replace_catalog("course_candidates", "cat-a", _records("cat-a", 10))
    warehouse.replace_catalog("course_candidates", "cat-b", _records("cat-b", 7))
    warehouse.replace_catalog("validated_courses", "cat-a", _records("cat-a", 10))

    warehouse.replace_catalog("course_candidates", "cat-a", _records("cat-a", 4))

    assert warehouse.count("course_candidates", catalog_id="cat-a") == 4
    assert [r["record_id"] for r in warehouse.rows("course_candidates", catalog_id="cat-a")] == [
        f"cat-a-{n:05d}" for n in range(4)]
    assert warehouse.count("course_candidates", catalog_id="cat-b") == 7
    assert warehouse.count("validated_courses") == 10

    assert warehouse.replace_catalog("course_candidates", "cat-a", []) == 0
    assert warehouse.count("course_candidates") == 7


def test_replace_catalog_rejects_records_of_other_catalogs(warehouse: DuckDBWarehouse) -> None:
    warehouse.replace_catalog("course_candidates", "cat-b", _records("cat-b", 3))
    with pytest.raises(ValueError, match="cat-b"):
        warehouse.replace_catalog("course_candidates", "cat-a",
                                  _records("cat-a", 2) + _records("cat-b", 1))
    assert warehouse.count("course_candidates") == 3


def test_failed_replace_changes_nothing(
    warehouse: DuckDBWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse.replace_catalog("course_candidates", "cat", _records("cat", 5))
    broken = [*_records("cat", 2), _record("cat", 9, extracted_at="not a time")]
    with pytest.raises(ValueError):
        warehouse.replace_catalog("course_candidates", "cat", broken)

    def insert_fails(*args: object, **kwargs: object) -> None:
        raise RuntimeError("killed between delete and insert")

    monkeypatch.setattr(warehouse_module, "_insert", insert_fails)
    with pytest.raises(RuntimeError, match="killed"):
        warehouse.replace_catalog("course_candidates", "cat", _records("cat", 2))

    assert warehouse.count("course_candidates", catalog_id="cat") == 5


def test_unknown_table(warehouse: DuckDBWarehouse) -> None:
    for call in (lambda: warehouse.replace_catalog("courses", "cat", []),  # type: ignore[arg-type]
                 lambda: warehouse.replace_catalog("courses; DROP TABLE x", "cat", []),  # type: ignore[arg-type]
                 lambda: warehouse.rows("courses"),  # type: ignore[arg-type]
                 lambda: warehouse.count("courses")):  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="unknown warehouse table 'courses"):
            call()


def test_repeated_record_id_keeps_the_last(
    warehouse: DuckDBWarehouse, caplog: pytest.LogCaptureFixture
) -> None:
    twice = [_record("cat", 0, title="first"), _record("cat", 0, title="second")]
    with caplog.at_level(logging.WARNING, logger="ocr_pipeline.storage.warehouse"):
        assert warehouse.replace_catalog("validated_courses", "cat", twice) == 1
        assert warehouse.replace_catalog("course_candidates", "cat", twice) == 1
    assert [r["title"] for r in warehouse.rows("validated_courses")] == ["second"]
    assert [r["title"] for r in warehouse.rows("course_candidates")] == ["second"]
    assert sum("repeat a record_id" in r.message for r in caplog.records) == 2


def test_two_thousand_records(warehouse: DuckDBWarehouse) -> None:
    records = _records("big", 2000)
    assert warehouse.replace_catalog("course_candidates", "big", records) == 2000
    assert warehouse.count("course_candidates", catalog_id="big") == 2000
    assert warehouse.rows("course_candidates")[1999] == records[1999].to_dict()


def test_query_returns_columns_and_rows(warehouse: DuckDBWarehouse) -> None:
    warehouse.replace_catalog("course_candidates", "cat", _records("cat", 12))

    columns, rows = warehouse.query(
        "SELECT page, count(*) AS n FROM course_candidates WHERE confidence > ? "
        "GROUP BY page ORDER BY page", [0.5])

    assert columns == ["page", "n"]
    assert rows == [(1, 10), (2, 2)]


def test_query_is_read_only_and_reports_bad_sql(warehouse: DuckDBWarehouse) -> None:
    warehouse.replace_catalog("course_candidates", "cat", _records("cat", 2))

    with pytest.raises(WarehouseError, match="read-only"):
        warehouse.query("DELETE FROM course_candidates")
    with pytest.raises(WarehouseError, match="query failed"):
        warehouse.query("SELEC 1")
    assert warehouse.count("course_candidates") == 2


@pytest.mark.parametrize("sql", [
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM glob('/etc/*')",
    "SELECT * FROM 'https://example.com/rows.csv'",
    "SELECT 1; SELECT * FROM read_blob('{home}/state.sqlite')",
])
def test_analyst_sql_reaches_nothing_but_the_tables(warehouse: DuckDBWarehouse, sql: str) -> None:
    warehouse.replace_catalog("course_candidates", "cat", _records("cat", 2))

    with pytest.raises(QueryRefusedError, match="^query refused: Permission Error") as info:
        warehouse.query(sql.format(home=warehouse.path.parent))
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(("sql", "kind"), [
    ("COPY (SELECT 1) TO '{home}/state.sqlite'", "COPY"),
    ("ATTACH '{home}/warehouse.duckdb' AS w2 (READ_WRITE)", "ATTACH"),
    ("DETACH warehouse", "DETACH"),
    ("INSTALL httpfs", "LOAD"),
    ("LOAD httpfs", "LOAD"),
    ("SET enable_external_access = true", "SET"),
    ("SELECT 1; DELETE FROM validated_courses", "DELETE"),
    ("EXPORT DATABASE '{home}/dump'", "EXPORT"),
])
def test_analyst_sql_cannot_write_attach_or_load(warehouse: DuckDBWarehouse, sql: str,
                                                  kind: str) -> None:
    home = warehouse.path.parent
    warehouse.replace_catalog("validated_courses", "cat", _records("cat", 3))
    (home / "state.sqlite").write_bytes(b"registry")

    with pytest.raises(QueryRefusedError, match=f"read-only .*got {kind}$"):
        warehouse.query(sql.format(home=home))
    assert (home / "state.sqlite").read_bytes() == b"registry"
    assert warehouse.count("validated_courses") == 3
    assert sorted(p.name for p in home.iterdir()) == ["state.sqlite", "warehouse.duckdb"]


def test_query_command_refuses_in_one_line(warehouse: DuckDBWarehouse, tmp_path: Path) -> None:
    warehouse.replace_catalog("validated_courses", "cat", _records("cat", 1))
    env = {**os.environ, "OCR_PIPELINE_HOME": str(warehouse.path.parent)}
    done = subprocess.run(
        [sys.executable, "-m", "ocr_pipeline", "query", "SELECT * FROM read_text('/etc/shadow')"],
        env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        'Error: query refused: Permission Error: Cannot access file "/etc/shadow" - file system '
        "operations are disabled by configuration"]


def test_one_content_is_never_two_catalogs(warehouse: DuckDBWarehouse) -> None:
    warehouse.replace_catalog("validated_courses", "cat-a", _records("cat-a", 3))
    twin = [dataclasses.replace(r, source_sha256=_record("cat-a", 0).source_sha256)
            for r in _records("cat-b", 2)]

    with pytest.raises(DuplicateContentError, match="already loaded as cat-a"):
        warehouse.replace_catalog("validated_courses", "cat-b", twin)
    assert warehouse.count("validated_courses", catalog_id="cat-b") == 0
    assert warehouse.replace_catalog("validated_courses", "cat-a", _records("cat-a", 2)) == 2
    other = _records("cat-b", 2)
    assert warehouse.replace_catalog("validated_courses", "cat-b", other) == 2


def test_missing_warehouse_reads_empty(warehouse: DuckDBWarehouse) -> None:
    assert warehouse.rows("course_candidates") == []
    assert warehouse.count("validated_courses", catalog_id="cat") == 0
    with pytest.raises(WarehouseError, match="no warehouse") as info:
        warehouse.query("SELECT 1")
    assert isinstance(info.value, OcrPipelineError)
    assert not warehouse.path.exists()


def test_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    path.write_text("not duckdb")
    warehouse = DuckDBWarehouse(path=path, lock_timeout=0.5)
    with pytest.raises(WarehouseError, match="cannot open warehouse"):
        warehouse.count("course_candidates")
    with pytest.raises(WarehouseError, match="cannot open warehouse"):
        warehouse.replace_catalog("course_candidates", "cat", _records("cat", 1))


_HOLDER = """
import sys, time, duckdb
conn = duckdb.connect(sys.argv[1])
conn.execute("CREATE TABLE IF NOT EXISTS held (x INTEGER)")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.close()
"""

Holder = Callable[[float], "subprocess.Popen[str]"]


@pytest.fixture
def hold_lock(warehouse: DuckDBWarehouse) -> Iterator[Holder]:
    """Start a process that opens the warehouse read-write and keeps it for N seconds."""
    started: list[subprocess.Popen[str]] = []

    def hold(seconds: float) -> subprocess.Popen[str]:
        warehouse.path.parent.mkdir(parents=True, exist_ok=True)
        holder = subprocess.Popen(
            [sys.executable, "-c", _HOLDER, str(warehouse.path), str(seconds)],
            stdout=subprocess.PIPE, text=True)
        started.append(holder)
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        return holder

    yield hold
    for holder in started:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("operation", ["write", "read"])
def test_waits_for_another_process_lock(
    warehouse: DuckDBWarehouse, hold_lock: Holder, caplog: pytest.LogCaptureFixture,
    operation: str,
) -> None:
    warehouse.replace_catalog("course_candidates", "cat", _records("cat", 3))
    holder = hold_lock(2.0)

    with caplog.at_level(logging.DEBUG, logger="ocr_pipeline.storage.warehouse"):
        if operation == "write":
            assert warehouse.replace_catalog("course_candidates", "cat", _records("cat", 5)) == 5
        else:
            assert warehouse.count("course_candidates") == 3

    assert holder.wait(timeout=30) == 0
    assert any(r.message.startswith(f"warehouse {warehouse.path} is locked; retry 1 ")
               for r in caplog.records)
    assert any("lock acquired after" in r.message for r in caplog.records)
    assert warehouse.count("course_candidates") == (5 if operation == "write" else 3)


def test_gives_up_after_the_timeout(warehouse: DuckDBWarehouse, hold_lock: Holder) -> None:
    hold_lock(60.0)
    impatient = DuckDBWarehouse(path=warehouse.path, lock_timeout=0.3)

    with pytest.raises(WarehouseBusyError, match="locked by another process") as info:
        impatient.replace_catalog("validated_courses", "cat", _records("cat", 1))
    assert isinstance(info.value, WarehouseError)
    with pytest.raises(WarehouseBusyError):
        impatient.rows("validated_courses")
    with pytest.raises(WarehouseBusyError):
        impatient.query("SELECT 1")


def test_read_while_this_process_writes_is_a_lock_wait(warehouse: DuckDBWarehouse) -> None:
    """DuckDB refuses a read-only open next to a read-write one in the same process."""
    warehouse.replace_catalog("course_candidates", "cat", _records("cat", 2))
    impatient = DuckDBWarehouse(path=warehouse.path, lock_timeout=0.2)
    writer = duckdb.connect(str(warehouse.path))
    try:
        with pytest.raises(WarehouseBusyError, match="different configuration"):
            impatient.count("course_candidates")
    finally:
        writer.close()
    assert impatient.count("course_candidates") == 2



def test_lock_waits_back_off_exponentially_with_jitter(
    warehouse: DuckDBWarehouse, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    """Seven lock errors, then the file opens: waits recorded, not slept."""
    connect, failures, slept = duckdb.connect, iter(range(7)), []

    def locked_at_first(path: str, *, read_only: bool) -> duckdb.DuckDBPyConnection:
        if next(failures, None) is not None:
            raise duckdb.IOException(f'IO Error: Could not set lock on file "{path}"')
        return connect(path, read_only=read_only)

    monkeypatch.setattr(duckdb, "connect", locked_at_first)
    monkeypatch.setattr("time.sleep", slept.append)  # what tenacity's default sleep calls
    with caplog.at_level(logging.DEBUG, logger="ocr_pipeline.storage.warehouse"):
        assert warehouse.replace_catalog("course_candidates", "cat", _records("cat", 1)) == 1

    full = [min(0.05 * 2**n, 1.0) for n in range(7)]  # 0.05 s doubling, at most 1 s
    assert all(step / 2 <= pause <= step for pause, step in zip(slept, full, strict=True))
    messages = [r.getMessage() for r in caplog.records]
    assert [m.split(" in ")[0] for m in messages[:7]] == [
        f"warehouse {warehouse.path} is locked; retry {n}" for n in range(1, 8)]
    assert f"warehouse {warehouse.path}: lock acquired after 7 retries" in messages

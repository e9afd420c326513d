"""The whole graph with real Dagster, real DuckDB, real Tesseract, on a local home folder."""

import os
import shutil
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ocr_pipeline.catalog.synthetic import generate_catalog
from ocr_pipeline.catalog.synthetic.scan import Degradation, make_scanned
from ocr_pipeline.intake import SETTLE_SECONDS, identify
from ocr_pipeline.stages import load_candidates, render_crop
from ocr_pipeline.storage.objects import LocalObjectStore
from ocr_pipeline_tests.defs.conftest import Location, make_location
from ocr_pipeline_tests.pdfs import Text, make_pdf

ASSETS = {"raw_catalog_pdfs", "page_images", "ocr_outputs", "course_candidates",
          "review_requests", "review_results", "validated_courses"}


def land(location: Location, name: str, **kwargs: object) -> Path:
    made = generate_catalog(out_dir=location.landing, name=name, **kwargs)  # type: ignore[arg-type]
    made.truth.unlink()
    return made.pdf


def settled(path: Path, data: bytes) -> Path:
    """A file written a while ago (a broken file that stays broken, not one still arriving)."""
    path.write_bytes(data)
    past = time.time() - 2 * SETTLE_SECONDS
    os.utime(path, (past, past))
    return path


def count(location: Location, table: str, catalog_id: str | None = None) -> int:
    with duckdb.connect(str(location.settings.warehouse_path), read_only=True) as conn:
        where = "" if catalog_id is None else f" WHERE catalog_id = '{catalog_id}'"
        return conn.execute(f"SELECT count(*) FROM {table}{where}").fetchone()[0]


def test_definitions_load(location: Location) -> None:
    dg.Definitions.validate_loadable(location.defs)
    keys = {key.to_user_string() for key in location.defs.resolve_all_asset_keys()}
    assert keys == ASSETS
    assert location.defs.resolve_job_def("process_catalog").partitions_def.name == "catalogs"
    specs = location.defs.resolve_all_asset_specs()
    assert all(spec.partitions_def is not None for spec in specs)


def test_catalog_through_the_whole_graph(location: Location) -> None:
    land(location, "born", layout="two_column", courses=24, seed=4)
    [key] = location.sensor()
    result = location.run(key)
    assert result.success
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert materialized == ASSETS
    candidates = count(location, "course_candidates", key)
    assert candidates == 24
    assert count(location, "validated_courses", key) == 24  # a clean text layer: all accepted
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks == {"required_fields_present": True, "course_codes_unique": True,
                      "credits_in_range": True, "pages_accounted_for": True,
                      "low_confidence_share": True, "completeness": True}
    metadata = result.asset_materializations_for_node("course_candidates")[0].metadata
    assert metadata["records"].value == 24
    assert "confidence_histogram" in metadata
    # the learned template is shown: where credits are printed, and the course pages
    assert "| credits where | heading 100% |" in metadata["profile"].value
    assert metadata["course_pages"].value.startswith("1")


def test_rerun_is_idempotent_and_uses_the_page_cache(location: Location) -> None:
    land(location, "again", layout="three_column", courses=30, seed=2)
    [key] = location.sensor()
    location.run(key)
    before = (count(location, "course_candidates"), count(location, "validated_courses"))
    second = location.run(key)
    assert (count(location, "course_candidates"), count(location, "validated_courses")) == before
    ocr = second.asset_materializations_for_node("ocr_outputs")[0].metadata
    assert ocr["cached_pages"].value == ocr["pages"].value


def test_sensor_identity_is_content(location: Location) -> None:
    pdf = land(location, "first", layout="one_column", courses=6, seed=1)
    assert len(location.sensor()) == 1
    assert location.sensor() == []  # nothing new
    shutil.copy(pdf, location.landing / "renamed copy.pdf")
    assert location.sensor() == []  # same bytes under another name
    land(location, "second", layout="one_column", courses=6, seed=2)
    assert len(location.sensor()) == 1
    assert set(location.instance.get_dynamic_partitions("catalogs")) == {
        e.catalog_id for e in location.defs.resources["registry"].get().list()
    }


def test_broken_pdf_fails_only_its_partition(location: Location) -> None:
    settled(location.landing / "broken.pdf", b"%PDF-1.4\nthis is not really a pdf")
    land(location, "good", layout="two_column", courses=8, seed=5)
    keys = location.sensor()
    assert len(keys) == 2
    broken = next(k for k in keys if k.startswith("broken"))
    good = next(k for k in keys if not k.startswith("broken"))
    failed = location.run(broken, raise_on_error=False)
    assert not failed.success
    failure = next(e for e in failed.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE)
    assert "corrupt or truncated PDF" in failure.event_specific_data.error.message
    registry = location.defs.resources["registry"].get()
    assert registry.get(broken).status == "failed"
    assert (location.landing / "broken.pdf").exists()
    kept = location.settings.objects_root / "raw" / broken / "broken.pdf"
    assert kept.read_bytes().startswith(b"%PDF-1.4")
    assert location.run(good).success
    assert count(location, "validated_courses", good) == 8
    assert registry.get(good).status == "done"


def test_nightly_schedule_requests_unfinished_catalogs(location: Location) -> None:
    land(location, "done", layout="one_column", courses=5, seed=3)
    settled(location.landing / "broken.pdf", b"not a pdf at all")
    keys = location.sensor()
    for key in keys:
        location.run(key, raise_on_error=False)
    schedule = location.defs.resolve_schedule_def("nightly_catalogs")
    assert schedule.cron_schedule == "0 2 * * *"
    context = dg.build_schedule_context(
        instance=location.instance, resources=location.defs.resources,
        repository_def=location.defs.get_repository_def(),
        scheduled_execution_time=datetime(2026, 11, 24, 2, 0, tzinfo=UTC),
    )
    requests = schedule.evaluate_tick(context).run_requests
    assert [r.partition_key for r in requests] == [k for k in keys if k.startswith("broken")]


@pytest.fixture
def subprocess_location(tmp_path: Path):  # type: ignore[no-untyped-def]
    yield from make_location(tmp_path, OCR_MODE="subprocess")


def test_subprocess_pipes_mode_reads_a_scan(subprocess_location: Location) -> None:
    location = subprocess_location
    land(location, "scan", layout="caps_two_column", courses=6, seed=8, scanned=True)
    [key] = location.sensor()
    result = location.run(key)
    ocr = result.asset_materializations_for_node("ocr_outputs")[0].metadata
    assert ocr["methods"].value.endswith("tesseract")
    assert ocr["pages"].value >= 1
    logs = [e.message for e in location.instance.all_logs(result.run_id)
            if e.user_message and "read " in e.user_message]
    assert any("pages" in m for m in logs)
    assert count(location, "course_candidates", key) >= 5


def test_a_scan_fed_upside_down_is_read_and_its_turn_kept(location: Location,
                                                          tmp_path: Path) -> None:
    made = generate_catalog(out_dir=tmp_path, name="turned", layout="one_column", courses=6,
                            seed=5)
    make_scanned(src=made.pdf, dst=location.landing / "turned.pdf",
                 degradation=Degradation(rotate=180, skew=(0.5, 0.8)))
    [key] = location.sensor()
    result = location.run(key)
    ocr = result.asset_materializations_for_node("ocr_outputs")[0].metadata
    pages = ocr["pages"].value
    assert ocr["turned_pages"].value == ", ".join(f"{n}: 180" for n in range(1, pages + 1))
    assert ocr["deskewed_pages"].value == pages
    assert count(location, "course_candidates", key) == 6
    # a reviewer's crop of a record is cut from the page as it was read: upright
    store = LocalObjectStore(root=location.settings.objects_root)
    record = load_candidates(catalog_id=key, store=store)[0]
    crop = store.get_bytes(render_crop(catalog_id=key, record=record, store=store))
    seen = subprocess.run(["tesseract", "stdin", "stdout", "--psm", "6"], input=crop,
                          capture_output=True, check=True).stdout.decode()
    assert record.course_code.split()[-1] in seen


def test_sensor_recovers_a_catalog_registered_by_a_failed_tick(location: Location) -> None:
    pdf = land(location, "orphan", layout="one_column", courses=4, seed=6)
    landed = identify(pdf)
    registry = location.defs.resources["registry"].get()
    # a tick that registered the file, then died before its partition request took effect
    assert registry.register(catalog_id=landed.catalog_id, sha256=landed.sha256,
                             source_path=pdf, size=landed.size)
    assert location.sensor() == [landed.catalog_id]
    assert landed.catalog_id in location.instance.get_dynamic_partitions("catalogs")
    assert location.sensor() == []


def test_a_failing_check_lists_the_offending_rows(location: Location) -> None:
    def page(entries: list[tuple[int, str]]) -> list[Text]:
        texts = [Text(72, 80 + 40 * i, f"PHIL {n} {t} (3)", font="hebo")
                 for i, (n, t) in enumerate(entries)]
        return texts + [Text(81, 92 + 40 * i, "Reasoning and arguments in everyday life.")
                        for i in range(len(entries))]

    # the same course (code and title) printed on two pages: two records of one course
    make_pdf(location.landing / "dupes.pdf",
             [page([(101, "Logic"), (210, "Ethics")]), page([(101, "Logic"), (220, "Aesthetics")])])
    [key] = location.sensor()
    result = location.run(key)
    evaluation = next(e for e in result.get_asset_check_evaluations()
                      if e.check_name == "course_codes_unique")
    assert not evaluation.passed
    assert evaluation.metadata["offending_rows"].value == 2
    assert evaluation.metadata["rows"].value.count("| PHIL 101 | Logic |") == 2


def test_backfills_run_one_catalog_per_run(location: Location) -> None:
    for key in ASSETS:
        policy = location.defs.resolve_assets_def(key).backfill_policy
        assert policy == dg.BackfillPolicy.multi_run(max_partitions_per_run=1)

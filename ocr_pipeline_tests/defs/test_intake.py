"""A catalog is its content: landing entries that are swapped, unreadable, vanishing or still
being written, through the real landing sensor, registry, object store and runs."""

import os
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ocr_pipeline.catalog.synthetic import generate_catalog
from ocr_pipeline.intake import identify
from ocr_pipeline.storage.registry import CatalogRegistry
from ocr_pipeline_tests.defs.conftest import Location


def catalog(folder: Path, name: str, *, courses: int, seed: int) -> Path:
    made = generate_catalog(out_dir=folder, name=name, layout="one_column", courses=courses,
                            seed=seed)
    made.truth.unlink()
    return made.pdf


def failure_message(result: dg.ExecuteInProcessResult) -> str:
    event = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    return str(event.event_specific_data)


def test_a_file_replaced_under_its_name_is_a_new_catalog_and_the_old_keeps_its_bytes(
        location: Location, tmp_path: Path) -> None:
    first = catalog(location.landing, "catalog", courses=4, seed=1)
    first_sha = identify(first).sha256
    [old] = location.sensor()
    other = catalog(tmp_path, "catalog", courses=6, seed=2)
    shutil.copy(other, first)  # the registrar drops a corrected file under the same name
    [new] = location.sensor()
    assert new != old

    # the old catalog's run (a nightly retry) reads the bytes it was registered with
    assert location.run(old).success
    assert location.run(new).success

    with duckdb.connect(str(location.settings.warehouse_path), read_only=True) as conn:
        rows = conn.execute("SELECT catalog_id, source_sha256, count(*) FROM course_candidates "
                            "GROUP BY ALL ORDER BY 3").fetchall()
    assert rows == [(old, first_sha, 4), (new, identify(first).sha256, 6)]
    kept = location.settings.objects_root / "raw" / old / "catalog.pdf"
    assert identify(kept).sha256 == first_sha


def test_a_run_whose_raw_copy_is_gone_fails_clearly(location: Location) -> None:
    pdf = catalog(location.landing, "vanishing", courses=3, seed=3)
    [key] = location.sensor()
    pdf.unlink()  # the landing file going away no longer matters: the raw copy is read
    assert location.run(key).success

    (location.settings.objects_root / "raw" / key / "vanishing.pdf").unlink()
    result = location.run(key, raise_on_error=False)

    assert not result.success
    assert (f"vanishing.pdf: the raw copy kept when catalog {key} was registered is gone"
            in failure_message(result))
    entry = CatalogRegistry(path=location.settings.registry_path).get(key)
    assert entry is not None and entry.status == "failed"


def test_a_raw_copy_with_other_bytes_is_refused(location: Location, tmp_path: Path) -> None:
    catalog(location.landing, "swapped", courses=3, seed=4)
    [key] = location.sensor()
    kept = location.settings.objects_root / "raw" / key / "swapped.pdf"
    shutil.copy(catalog(tmp_path, "swapped", courses=5, seed=5), kept)

    result = location.run(key, raise_on_error=False)

    assert not result.success
    assert "holds other bytes" in failure_message(result)
    assert "refusing to process it under this id" in failure_message(result)


def test_unreadable_and_vanishing_entries_do_not_stop_the_others(
        location: Location, capsys: pytest.CaptureFixture[str]) -> None:
    loop = location.landing / "a loop.pdf"
    loop.symlink_to(loop)  # reading it fails: too many levels of symbolic links
    (location.landing / "b gone.pdf").symlink_to(location.landing / "nowhere.pdf")
    good = catalog(location.landing, "c good", courses=3, seed=6)

    keys = location.sensor()

    assert keys == [identify(good).catalog_id]
    logged = capsys.readouterr().err  # the sensor's own log
    assert f"WARNING - {loop}: cannot be read: Too many levels of symbolic links" in logged
    assert "b gone" not in logged  # gone before it was read: nothing to say
    loop.unlink()
    shutil.copy(good, loop)  # now readable: same bytes as a known catalog, nothing new
    assert location.sensor() == []
    raw = location.settings.objects_root / "raw"
    assert [folder.name for folder in raw.iterdir()] == keys  # no copy kept for a known content


def test_a_file_still_being_written_waits_for_a_later_tick(location: Location,
                                                            tmp_path: Path) -> None:
    whole = catalog(tmp_path, "arriving", courses=3, seed=7).read_bytes()
    arriving = location.landing / "arriving.pdf"
    arriving.write_bytes(whole[: len(whole) // 2])

    assert location.sensor() == []
    assert not (location.settings.objects_root / "raw").exists()

    with arriving.open("ab") as out:
        out.write(whole[len(whole) // 2:])
    os.utime(arriving)
    [key] = location.sensor()
    assert location.run(key).success

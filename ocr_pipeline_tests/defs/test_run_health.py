"""A run killed with SIGKILL leaves nothing stuck: its catalog becomes retryable and the nightly
schedule retries it. Real Dagster instance on disk shared by two processes, real Tesseract."""

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

from ocr_pipeline.catalog.synthetic import generate_catalog
from ocr_pipeline.config import Settings
from ocr_pipeline.definitions import build_defs
from ocr_pipeline.defs.run_health import latest_run
from ocr_pipeline.local import run_catalog, scan_landing
from ocr_pipeline_tests.defs.conftest import free_port

WORKER = """
import sys
import dagster as dg
from ocr_pipeline.config import Settings
from ocr_pipeline.definitions import build_defs
from ocr_pipeline.local import run_catalog
instance = dg.DagsterInstance.local_temp(tempdir=sys.argv[1])
run_catalog(build_defs(Settings.from_env()), instance, sys.argv[2])
"""


def nightly(defs: dg.Definitions, instance: dg.DagsterInstance) -> list[str]:
    schedule = defs.resolve_schedule_def("nightly_catalogs")
    context = dg.build_schedule_context(
        instance=instance, resources=defs.resources, repository_def=defs.get_repository_def(),
        scheduled_execution_time=datetime(2026, 11, 30, 2, 0, tzinfo=UTC))
    return [r.partition_key for r in schedule.evaluate_tick(context).run_requests or []]


def test_a_killed_run_is_detected_and_its_catalog_retried(tmp_path: Path) -> None:
    env = {"OCR_PIPELINE_HOME": str(tmp_path / "home"),
           "OCR_REVIEW_ENDPOINT": f"http://127.0.0.1:{free_port()}"}  # nobody serves: no review
    settings = Settings.from_env(env)
    made = generate_catalog(out_dir=settings.landing, name="scan", layout="one_column",
                            courses=12, seed=4, scanned=True)
    made.truth.unlink()
    defs = build_defs(settings)
    registry = defs.resources["registry"].get()
    dagster_home = tmp_path / "dagster"
    dagster_home.mkdir()
    with dg.DagsterInstance.local_temp(tempdir=str(dagster_home)) as instance:
        [key] = scan_landing(defs, instance)
        worker = subprocess.Popen([sys.executable, "-c", WORKER, str(dagster_home), key],
                                  env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 240
        while registry.get(key).status != "processing" and worker.poll() is None:
            assert time.monotonic() < deadline, "the run never started processing"
            time.sleep(0.05)
        worker.send_signal(signal.SIGKILL)  # mid-OCR: nothing in the run gets to say so
        worker.wait()
        assert latest_run(instance, key).status == dg.DagsterRunStatus.STARTED
        assert registry.get(key).status == "processing"

        assert nightly(defs, instance) == [key]

        entry = registry.get(key)
        assert entry.status == "failed"
        assert f"(pid {worker.pid}) is gone" in entry.error
        assert latest_run(instance, key).status == dg.DagsterRunStatus.FAILURE
        retry = run_catalog(defs, instance, key)
        assert retry.success
        assert registry.get(key).status in ("done", "waiting_review")
        assert nightly(defs, instance) == ([key] if registry.get(key).status != "done" else [])

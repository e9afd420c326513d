"""A new user's first hour: the review console not running (the demo's instance and runs
are checked by test_cli.py's demo test).

Real components only: a real Dagster instance, the review console on loopback, and for the
console being down a free port nobody listens on.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.storage.tags import PARTITION_NAME_TAG

from ocr_pipeline.config import Settings
from ocr_pipeline.definitions import build_defs
from ocr_pipeline.local import review_console, run_catalog, scan_landing
from ocr_pipeline_tests.defs.conftest import free_port
from ocr_pipeline_tests.pdfs import Text, make_pdf


@dataclass
class Home:
    settings: Settings
    defs: dg.Definitions
    instance: dg.DagsterInstance
    port: int

    def process(self) -> dg.ExecuteInProcessResult:
        """Land a catalog whose 3 records all need review and run the whole job on it."""
        plain_catalog(self.settings.landing / "plain.pdf")
        [key] = scan_landing(self.defs, self.instance)
        return run_catalog(self.defs, self.instance, key, raise_on_error=True)

    def review_sensor(self) -> dg.SensorResult | dg.SkipReason:
        sensor = self.defs.resolve_sensor_def("review_sensor")
        return sensor(dg.build_sensor_context(instance=self.instance,
                                              resources=self.defs.resources))


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Home]:
    """A home whose review endpoint is a free loopback port: no console until a test serves
    one there (``review_console``)."""
    port = free_port()
    settings = Settings.from_env({"OCR_PIPELINE_HOME": str(tmp_path / "home"),
                                  "OCR_REVIEW_ENDPOINT": f"http://127.0.0.1:{port}"})
    settings.landing.mkdir(parents=True)
    with dg.instance_for_test() as instance:
        yield Home(settings=settings, defs=build_defs(settings), instance=instance, port=port)


def plain_catalog(path: Path) -> Path:
    """Headings in body type (no bold, caps or indent): parsed, but under the threshold."""
    texts = []
    for i, (code, title) in enumerate([("PHIL 101", "Logic"), ("PHIL 102", "Ethics"),
                                       ("PHIL 210", "Mind")]):
        texts.append(Text(72, 90 + 44 * i, f"{code} {title} (3)"))
        texts.append(Text(72, 103 + 44 * i, "Reasoning and arguments in everyday life."))
    return make_pdf(path, [texts])


def says_how_to_start_the_console(reason: str, home: Home) -> bool:
    return (f"http://127.0.0.1:{home.port}" in reason and "Could not connect" in reason
            and f"ocr-pipeline review-console --port {home.port}" in reason)


def metadata(result: dg.ExecuteInProcessResult, node: str) -> dict[str, object]:
    [materialization] = result.asset_materializations_for_node(node)
    return {name: value.value for name, value in materialization.metadata.items()}


def test_without_the_console_review_requests_says_why_and_the_records_wait(
        home: Home) -> None:
    result = home.process()

    requests = metadata(result, "review_requests")
    assert (requests["records_for_review"], requests["loops_started"]) == (3, 0)
    assert says_how_to_start_the_console(str(requests["review_unavailable"]), home)
    assert metadata(result, "validated_courses")["waiting_for_review"] == 3
    waiting = home.defs.resources["registry"].get().list(statuses=["waiting_review"])
    assert [entry.catalog_id for entry in waiting] == [result.dagster_run.tags[PARTITION_NAME_TAG]]


def test_with_the_console_review_requests_has_no_unavailable_metadata(home: Home) -> None:
    with review_console(home.settings, port=home.port):
        result = home.process()

    requests = metadata(result, "review_requests")
    assert requests["loops_started"] == 3
    assert "review_unavailable" not in requests


def test_review_sensor_without_the_console_skips_with_one_warning_line(
        home: Home, capfd: pytest.CaptureFixture[str]) -> None:
    home.process()
    capfd.readouterr()

    result = home.review_sensor()

    assert isinstance(result, dg.SkipReason)
    assert says_how_to_start_the_console(str(result.skip_message), home)
    err = capfd.readouterr().err
    assert "Traceback" not in err
    [warning] = [line for line in err.splitlines() if "WARNING" in line]
    assert says_how_to_start_the_console(warning, home)


def test_review_results_while_the_console_is_down_keeps_the_records_waiting(
        home: Home) -> None:
    with review_console(home.settings, port=home.port):
        key = home.process().dagster_run.tags[PARTITION_NAME_TAG]
    # the loops are open in the console's database, and nothing answers on its port now
    collected = home.defs.resolve_job_def("collect_reviews").execute_in_process(
        instance=home.instance, partition_key=key, raise_on_error=False)

    assert collected.success
    results = metadata(collected, "review_results")
    assert (results["reviewed_records"], results["decided"], results["waiting"]) == (3, 0, 3)
    assert says_how_to_start_the_console(str(results["review_unavailable"]), home)
    assert home.defs.resources["registry"].get().get(key).status == "waiting_review"
    with review_console(home.settings, port=home.port):  # back: the loops are still open
        again = home.defs.resolve_job_def("collect_reviews").execute_in_process(
            instance=home.instance, partition_key=key)
    assert metadata(again, "review_results")["loops_started"] == 0
    assert "review_unavailable" not in metadata(again, "review_results")

"""The launcher OCR_MODE chooses, built from the settings, and what the ECS one refuses
before starting anything (the runs themselves: test_graph.py, test_ecs_launcher.py)."""

from pathlib import Path

import dagster as dg
import pytest

from ocr_pipeline.config import Settings
from ocr_pipeline.definitions import aws_resources, local_resources
from ocr_pipeline.defs.ecs_launcher import EcsLauncher
from ocr_pipeline.defs.ecs_task import WorkerTask
from ocr_pipeline.defs.launcher import InProcessLauncher, ReadingOptions, SubprocessLauncher
from ocr_pipeline.defs.resources import LocalObjectStoreResource


def settings(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env({"OCR_PIPELINE_HOME": str(tmp_path), **env})


@pytest.mark.parametrize(("mode", "kind"), [
    ("in_process", InProcessLauncher), ("subprocess", SubprocessLauncher),
    ("ecs", EcsLauncher)])
def test_ocr_mode_chooses_the_launcher(tmp_path: Path, mode: str, kind: type) -> None:
    chosen = settings(tmp_path, OCR_MODE=mode, OCR_ENGINE="remote", MAX_CONCURRENCY="3",
                      OCR_SERVICE_URL="http://ocr:8000")
    launcher = local_resources(chosen)["ocr_launcher"]
    assert type(launcher) is kind
    assert launcher.reading == ReadingOptions(engine="remote", workers=3,
                                              service_url="http://ocr:8000", model_path="")


def test_the_ecs_launcher_takes_the_ecs_settings_as_read(tmp_path: Path) -> None:
    chosen = settings(tmp_path, OCR_PIPELINE_ENV="aws", OCR_MODE="ecs",
                      OCR_PROCESSED_BUCKET="processed-1", AWS_REGION="eu-west-1",
                      OCR_ECS_CLUSTER="gpu", OCR_ECS_PAGES_PER_TASK="7")
    launcher = aws_resources(chosen)["ocr_launcher"]
    assert launcher.settings is chosen.ecs
    assert (launcher.settings.cluster, launcher.settings.pages_per_task) == ("gpu", 7)
    assert (launcher.region, launcher.context_bucket) == ("eu-west-1", "processed-1")
    # locally there is no bucket a task could read a large context from
    assert local_resources(settings(tmp_path, OCR_MODE="ecs"))["ocr_launcher"].context_bucket == ""


def test_ecs_without_its_names_fails_naming_the_variables(tmp_path: Path) -> None:
    launcher = local_resources(settings(tmp_path, OCR_MODE="ecs", OCR_ECS_CLUSTER="gpu"))[
        "ocr_launcher"]
    with pytest.raises(dg.Failure) as failure:
        launcher.read_pages(dg.build_asset_context(), catalog_id="c1",
                            objects=LocalObjectStoreResource(root=str(tmp_path)))
    assert failure.value.description == (
        "OcrLauncher ecs mode needs task_definition, capacity_provider (OCR_ECS_CLUSTER, "
        "OCR_ECS_TASK_DEFINITION, OCR_ECS_CAPACITY_PROVIDER)")


def test_a_worker_task_runs_in_the_vpc_only_when_given_subnets(tmp_path: Path) -> None:
    task = WorkerTask(catalog_id="c1", pages=(51, 100), started_by="dagster-1a2b3c4d-p51")
    bare = settings(tmp_path, OCR_ECS_CLUSTER="gpu").ecs
    params = task.run_task_params(bare)
    assert "networkConfiguration" not in params
    assert params["overrides"]["containerOverrides"][0]["environment"] == [
        {"name": "OCR_CATALOG_ID", "value": "c1"}, {"name": "OCR_PAGES", "value": "51-100"}]
    in_vpc = settings(tmp_path, OCR_ECS_SUBNETS="subnet-a,subnet-b",
                      OCR_ECS_SECURITY_GROUPS="sg-1").ecs
    assert task.run_task_params(in_vpc)["networkConfiguration"] == {"awsvpcConfiguration": {
        "subnets": ["subnet-a", "subnet-b"], "securityGroups": ["sg-1"],
        "assignPublicIp": "DISABLED"}}

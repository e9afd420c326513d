"""docker/dagster.yaml: a valid Dagster instance config with the production pieces."""

from pathlib import Path

import dagster as dg
import yaml
from dagster._core.instance.config import dagster_instance_config

from ocr_pipeline.defs.jobs import GPU_TAG, process_catalog

DOCKER = Path(__file__).parents[2] / "docker"


def test_production_instance_config_validates_against_dagsters_schema() -> None:
    config, _ = dagster_instance_config(str(DOCKER), "dagster.yaml")
    assert "postgres_db" in config["storage"]["postgres"]
    assert (config["run_launcher"]["module"], config["run_launcher"]["class"]) == (
        "dagster_aws.ecs", "EcsRunLauncher")
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"


def test_gpu_runs_are_limited_by_the_tag_the_job_carries() -> None:
    raw = yaml.safe_load((DOCKER / "dagster.yaml").read_text())
    # the numbers docker/dagster.yaml explains: 20 runs, 4 of them catalogs; one ocr_outputs
    # step at a time, whose OCR_ECS_MAX_TASKS (10) tasks fill the 10 one-GPU instances
    assert raw["concurrency"]["runs"] == {
        "max_concurrent_runs": 20,
        "tag_concurrency_limits": [{"key": GPU_TAG, "limit": 4}],
    }
    assert raw["concurrency"]["pools"] == {"granularity": "op", "default_limit": 1}
    assert process_catalog.tags == {GPU_TAG: "true"}
    assert all(raw["storage"]["postgres"]["postgres_db"][key] == {"env": f"DAGSTER_PG_{name}"}
               for key, name in (("hostname", "HOST"), ("password", "PASSWORD")))


def test_ocr_outputs_steps_share_the_gpu_pool() -> None:
    from ocr_pipeline.defs.ocr_assets import ocr_outputs

    assert isinstance(ocr_outputs, dg.AssetsDefinition)
    assert ocr_outputs.op.pool == "gpu"

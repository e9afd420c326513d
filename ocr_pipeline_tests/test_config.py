from pathlib import Path

import pytest

from ocr_pipeline.config import Settings
from ocr_pipeline.errors import ConfigurationError


def test_defaults_live_under_one_home(tmp_path: Path) -> None:
    settings = Settings.from_env({"OCR_PIPELINE_HOME": str(tmp_path)})
    assert settings.env == "local"
    assert settings.landing == tmp_path / "landing"
    assert settings.warehouse_path == tmp_path / "warehouse.duckdb"
    assert settings.dagster_home == tmp_path / "dagster"
    assert settings.confidence_threshold == 0.9
    assert (settings.ocr_mode, settings.ocr_workers, settings.dpi) == ("in_process", None, 200)


def test_overrides(tmp_path: Path) -> None:
    settings = Settings.from_env({
        "OCR_PIPELINE_HOME": str(tmp_path), "OCR_PIPELINE_LANDING": str(tmp_path / "in"),
        "CONFIDENCE_THRESHOLD": "0.95", "OCR_MODE": "subprocess", "MAX_CONCURRENCY": "4",
    })
    assert settings.landing == tmp_path / "in"
    assert (settings.confidence_threshold, settings.ocr_mode, settings.ocr_workers) == (
        0.95, "subprocess", 4)


@pytest.mark.parametrize(("name", "value", "words"), [
    ("CONFIDENCE_THRESHOLD", "high", "not a number"),
    ("CONFIDENCE_THRESHOLD", "1.5", "outside 0..1"),
    ("OCR_MODE", "gpu", "expected one of in_process, subprocess, ecs"),
    ("OCR_PIPELINE_ENV", "mars", "expected one of local, aws"),
])
def test_bad_values_are_named(name: str, value: str, words: str) -> None:
    with pytest.raises(ConfigurationError, match=words) as info:
        Settings.from_env({name: value})
    assert name in str(info.value)


def test_aws_and_ecs_names_from_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env({
        "OCR_PIPELINE_HOME": str(tmp_path), "OCR_PIPELINE_ENV": "aws", "OCR_MODE": "ecs",
        "OCR_RAW_BUCKET": "raw-1", "OCR_ECS_SUBNETS": "subnet-a, subnet-b,",
        "OCR_ECS_MAX_TASKS": "4", "AWS_DEFAULT_REGION": "eu-west-1",
    })
    assert settings.review_endpoint == ""  # Amazon A2I itself, not the local console
    assert (settings.aws.landing_uri, settings.aws.region) == ("s3://raw-1/landing/", "eu-west-1")
    assert (settings.ocr_mode, settings.ecs.subnets, settings.ecs.max_tasks) == (
        "ecs", ("subnet-a", "subnet-b"), 4)
    assert settings.ecs.container == "ocr-worker" and settings.ecs.pages_per_task == 50


@pytest.mark.parametrize(("name", "value", "words"), [
    ("OCR_LANDING_URI", "/data/landing", "is not an s3:// URI"),
    ("OCR_ECS_MAX_TASKS", "0", "outside 1..100"),
    ("OCR_ECS_TIMEOUT_SECONDS", "5", "outside 30..604800"),
])
def test_bad_aws_values_are_named(name: str, value: str, words: str) -> None:
    with pytest.raises(ConfigurationError, match=words) as info:
        Settings.from_env({"OCR_PIPELINE_ENV": "aws", name: value})
    assert name in str(info.value)

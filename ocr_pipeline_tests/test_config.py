import os
import subprocess
import sys
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
    ("CONFIDENCE_THRESHOLD", "high", "expected a number from 0 to 1"),
    ("CONFIDENCE_THRESHOLD", "1.5", "expected a number from 0 to 1"),
    ("CONFIDENCE_THRESHOLD", "nan", "expected a number from 0 to 1"),
    ("MAX_CONCURRENCY", "-1", "expected a whole number from 0 to 256"),
    ("OCR_DPI", "72.5", "expected a whole number from 50 to 600"),
    ("OCR_MODE", "gpu", "expected one of in_process, subprocess, ecs"),
    ("OCR_PIPELINE_ENV", "mars", "expected one of local, aws"),
    ("OCR_ENGINE", "magic", "expected one of tesseract, deepseek, remote"),
])
def test_bad_values_are_named(name: str, value: str, words: str) -> None:
    with pytest.raises(ConfigurationError, match=words) as info:
        Settings.from_env({name: value})
    assert str(info.value) == f"{name}={value!r}: {words}"


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
    ("OCR_ECS_MAX_TASKS", "0", "expected a whole number from 1 to 100"),
    ("OCR_ECS_TIMEOUT_SECONDS", "5", "expected a whole number from 30 to 604800"),
])
def test_bad_aws_values_are_named(name: str, value: str, words: str) -> None:
    with pytest.raises(ConfigurationError, match=words) as info:
        Settings.from_env({"OCR_PIPELINE_ENV": "aws", name: value})
    assert name in str(info.value)


def test_settings_are_read_from_the_process_environment(monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path) -> None:
    monkeypatch.setenv("OCR_PIPELINE_HOME", str(tmp_path))
    monkeypatch.setenv("MAX_CONCURRENCY", "3")
    monkeypatch.setenv("OCR_ECS_SECURITY_GROUPS", "sg-1,sg-2")
    monkeypatch.setenv("OCR_DPI", "")  # empty: unset
    settings = Settings.from_env()
    assert (settings.home, settings.ocr_workers, settings.dpi) == (tmp_path, 3, 200)
    assert settings.ecs.security_groups == ("sg-1", "sg-2")
    assert Settings.from_env({}).ocr_workers is None  # a mapping given replaces the environment


@pytest.mark.parametrize(("environ", "command", "line"), [
    ({"MAX_CONCURRENCY": "-1"}, ["extract", "x.pdf"],
     "MAX_CONCURRENCY='-1': expected a whole number from 0 to 256"),
    ({"CONFIDENCE_THRESHOLD": "abc"}, ["extract", "x.pdf"],
     "CONFIDENCE_THRESHOLD='abc': expected a number from 0 to 1"),
    ({"OCR_ECS_PAGES_PER_TASK": "0"}, ["query", "SELECT 1"],
     "OCR_ECS_PAGES_PER_TASK='0': expected a whole number from 1 to 100000"),
    ({"OCR_PIPELINE_ENV": "prod"}, ["demo", "--no-serve"],
     "OCR_PIPELINE_ENV='prod': expected one of local, aws"),
    ({"OCR_DPI": "9000"}, ["review-console", "add-reviewer", "ann"],
     "OCR_DPI='9000': expected a whole number from 50 to 600"),
    ({"OCR_API_KEYS": "k", "MAX_QUEUE": "-5"}, ["serve"],
     "MAX_QUEUE='-5': expected a whole number from 0 to 100000"),
])
def test_every_command_refuses_bad_settings_in_one_line(
        tmp_path: Path, environ: dict[str, str], command: list[str], line: str) -> None:
    done = subprocess.run([sys.executable, "-m", "ocr_pipeline", *command], cwd=tmp_path,
                          env={**os.environ, "OCR_PIPELINE_HOME": str(tmp_path), **environ},
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr.strip().splitlines()) == (1, [f"Error: {line}"])


def test_extract_refuses_a_threshold_that_is_not_a_number(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "ocr_pipeline", "extract", "x.pdf",
                           "--threshold", "nan"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2
    assert "Invalid value for '--threshold': nan is not a number from 0 to 1" in done.stderr

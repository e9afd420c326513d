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
    ("OCR_MODE", "gpu", "expected one of in_process, subprocess"),
    ("OCR_PIPELINE_ENV", "mars", "expected one of local, aws"),
])
def test_bad_values_are_named(name: str, value: str, words: str) -> None:
    with pytest.raises(ConfigurationError, match=words) as info:
        Settings.from_env({name: value})
    assert name in str(info.value)

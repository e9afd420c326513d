"""The review console's key pair: configured, or made once in the home and shared."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ocr_pipeline.config import Settings
from ocr_pipeline.errors import ConfigurationError
from ocr_pipeline.review.credentials import ConsoleCredentials, console_credentials


def settings(home: Path, **env: str) -> Settings:
    return Settings.from_env({"OCR_PIPELINE_HOME": str(home), **env})


def test_the_configured_pair_wins(tmp_path: Path) -> None:
    pair = console_credentials(settings(tmp_path, OCR_REVIEW_ACCESS_KEY_ID="AKID",
                                        OCR_REVIEW_SECRET_ACCESS_KEY="s3cret"))
    assert pair == ConsoleCredentials(access_key_id="AKID", secret_access_key="s3cret")
    assert "s3cret" not in repr(pair) and not (tmp_path / "review-credentials.json").exists()
    assert "s3cret" not in repr(settings(tmp_path, OCR_REVIEW_SECRET_ACCESS_KEY="s3cret"))
    for half in ({"OCR_REVIEW_ACCESS_KEY_ID": "AKID"}, {"OCR_REVIEW_SECRET_ACCESS_KEY": "s"}):
        with pytest.raises(ConfigurationError, match="both"):
            console_credentials(settings(tmp_path, **half))


def test_a_pair_is_made_once_in_the_home_for_everyone(tmp_path: Path) -> None:
    home = tmp_path / "new-home"
    with ThreadPoolExecutor(max_workers=8) as pool:
        pairs = set(pool.map(lambda _: console_credentials(settings(home)), range(16)))
    assert len(pairs) == 1
    [pair] = pairs
    path = settings(home).review_credentials_path
    assert path.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in home.iterdir()) == ["review-credentials.json"]
    assert console_credentials(settings(home)) == pair
    assert console_credentials(settings(tmp_path / "other-home")) != pair
    assert len(pair.secret_access_key) >= 40


def test_a_broken_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "review-credentials.json").write_text("{}")
    with pytest.raises(ConfigurationError, match="review-credentials.json"):
        console_credentials(settings(tmp_path))

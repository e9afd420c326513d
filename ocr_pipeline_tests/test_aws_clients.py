"""``ocr_pipeline.aws.client``: clients made from one thread's session follow the environment."""

from __future__ import annotations

import pytest

from ocr_pipeline import aws


def test_a_client_follows_the_environment_as_it_is_when_made(
        monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4001")
    first = aws.client("s3")
    assert aws.client("s3").meta.endpoint_url == first.meta.endpoint_url == \
        "http://127.0.0.1:4001"
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4002")
    assert aws.client("s3").meta.endpoint_url == "http://127.0.0.1:4002"
    assert aws.client("s3", region="eu-west-1").meta.region_name == "eu-west-1"
    assert aws.client("s3").meta.region_name == aws.DEFAULT_REGION

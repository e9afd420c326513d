"""S3ObjectStore against a moto server with real boto3 clients, including injected faults."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ocr_pipeline import aws
from ocr_pipeline.errors import ObjectNotFoundError
from ocr_pipeline.storage.s3_objects import S3ObjectStore

if TYPE_CHECKING:
    from ocr_pipeline_tests.storage.aws_server import Faults

pytest_plugins = ["ocr_pipeline_tests.storage.aws_server"]


@pytest.fixture
def s3(aws_env: str) -> Any:
    return aws.client("s3")


@pytest.fixture
def bucket(s3: Any, unique_name: Callable[[str], str]) -> str:
    name = unique_name("objects")
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def store(s3: Any, bucket: str, tmp_path: Path) -> S3ObjectStore:
    return S3ObjectStore(client=s3, bucket=bucket, prefix="pipeline/", cache_dir=tmp_path / "cache")


def count_calls(client: Any, operation: str) -> list[str]:
    """A list that grows by one on every ``operation`` call the client makes (not per retry)."""
    calls: list[str] = []
    client.meta.events.register(f"before-call.s3.{operation}",
                                lambda **_: calls.append(operation))
    return calls


def test_client_uses_aws_endpoint_url(s3: Any, aws_env: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    assert s3.meta.endpoint_url == aws_env
    assert s3.meta.region_name == "us-east-1"
    # botocore counts max_attempts=10 as 10 retries after the first attempt
    assert s3.meta.config.retries == {"mode": "adaptive", "total_max_attempts": 11}
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:1")
    assert aws.client("dynamodb").meta.endpoint_url == "http://127.0.0.1:1"
    assert aws.client("s3").meta.endpoint_url == aws_env
    assert aws.client("s3", region="eu-west-1").meta.region_name == "eu-west-1"


def test_round_trips_and_uris(store: S3ObjectStore, s3: Any, bucket: str,
                              tmp_path: Path) -> None:
    uri = store.put_bytes("raw/cat/a.pdf", b"%PDF-1.7 bytes")
    assert uri == f"s3://{bucket}/pipeline/raw/cat/a.pdf" == store.uri("raw/cat/a.pdf")
    assert s3.get_object(Bucket=bucket, Key="pipeline/raw/cat/a.pdf")["Body"].read() == (
        b"%PDF-1.7 bytes")
    assert store.get_bytes("raw/cat/a.pdf") == store.get_bytes(uri) == b"%PDF-1.7 bytes"

    json_uri = store.put_json("processed/cat/pages.json", {"name": "Café", "pages": [1, 2]})
    assert store.get_json(json_uri) == {"name": "Café", "pages": [1, 2]}
    assert store.get_bytes(json_uri) == '{"name":"Café","pages":[1,2]}'.encode()

    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(9 * 1024 * 1024))  # over boto3's 8 MiB multipart threshold
    assert store.put_file("raw/cat/big.bin", source) == store.uri("raw/cat/big.bin")
    assert store.get_bytes("raw/cat/big.bin") == source.read_bytes()

    assert store.exists("raw/cat/a.pdf")
    assert not store.exists("raw/cat/missing.pdf")


def test_without_prefix(s3: Any, bucket: str, tmp_path: Path) -> None:
    store = S3ObjectStore(client=s3, bucket=bucket, cache_dir=tmp_path)
    assert store.put_bytes("a/b.txt", b"x") == f"s3://{bucket}/a/b.txt"
    assert store.get_bytes(f"s3://{bucket}/a/b.txt") == b"x"


def test_missing_objects(store: S3ObjectStore, bucket: str) -> None:
    uri = f"s3://{bucket}/pipeline/raw/none.pdf"
    for read in (store.get_bytes, store.get_json, store.path):
        with pytest.raises(ObjectNotFoundError) as caught:
            read("raw/none.pdf")
        assert caught.value.uri == uri
    with pytest.raises(ObjectNotFoundError, match="raw/none.pdf"):
        store.get_bytes(uri)


@pytest.mark.parametrize("key", ["", "/abs", "a//b", "a/../b", "./a", "a\\b", "a/\x00"])
def test_bad_keys(store: S3ObjectStore, key: str) -> None:
    for call in (lambda: store.put_bytes(key, b"x"), lambda: store.get_bytes(key),
                 lambda: store.exists(key), lambda: store.path(key), lambda: store.uri(key)):
        with pytest.raises(ValueError, match="invalid object key"):
            call()


def test_uris_of_other_places_are_refused(store: S3ObjectStore, bucket: str) -> None:
    store.put_bytes("a.txt", b"x")
    for uri in ("s3://other-bucket/pipeline/a.txt", f"s3://{bucket}/a.txt",
                f"s3://{bucket}/pipelineX/a.txt", "file:///tmp/a.txt", "https://x/a.txt"):
        with pytest.raises(ValueError):
            store.get_bytes(uri)


def test_path_downloads_once_and_again_after_a_change(store: S3ObjectStore, s3: Any,
                                                      tmp_path: Path) -> None:
    downloads = count_calls(s3, "GetObject")
    store.put_bytes("raw/cat/a.pdf", b"first")

    local = store.path("raw/cat/a.pdf")
    assert local.read_bytes() == b"first"
    assert local.is_relative_to(tmp_path / "cache")
    assert local.name == "a.pdf"
    assert store.path("raw/cat/a.pdf") == local
    assert len(downloads) == 1

    store.put_bytes("raw/cat/a.pdf", b"second, changed")
    assert store.path("raw/cat/a.pdf").read_bytes() == b"second, changed"
    assert len(downloads) == 2
    assert store.path("raw/cat/a.pdf") == local
    assert len(downloads) == 2
    assert not [p for p in local.parent.iterdir() if p.name.endswith(".tmp")]


def test_an_uploaded_file_is_its_own_local_copy(store: S3ObjectStore, s3: Any,
                                                tmp_path: Path) -> None:
    downloads = count_calls(s3, "GetObject")
    source = tmp_path / "catalog.pdf"
    source.write_bytes(b"%PDF-1.4 uploaded")

    store.put_file("raw/cat/catalog.pdf", source)
    local = store.path("raw/cat/catalog.pdf")

    assert local.read_bytes() == b"%PDF-1.4 uploaded"
    assert local != source and local.is_relative_to(tmp_path / "cache")
    assert downloads == []  # not fetched back
    store.put_bytes("raw/cat/catalog.pdf", b"replaced on S3")
    assert store.path("raw/cat/catalog.pdf").read_bytes() == b"replaced on S3"
    assert len(downloads) == 1


@pytest.mark.parametrize(("code", "status", "count"),
                         [("InternalError", 500, 3), ("ThrottlingException", 400, 1)])
def test_transient_errors_are_retried_and_nothing_is_lost(
    store: S3ObjectStore, s3: Any, bucket: str, tmp_path: Path,
    inject_faults: Callable[..., Faults], code: str, status: int, count: int,
) -> None:
    faults = inject_faults(s3, count=count, code=code, status=status)
    data = os.urandom(100_000)
    store.put_bytes("raw/cat/a.bin", data)
    assert faults.injected == count

    reader = aws.client("s3")  # without the writer's adaptive rate limit after throttling
    faults = inject_faults(reader, count=count, code=code, status=status)
    assert S3ObjectStore(client=reader, bucket=bucket, prefix="pipeline",
                         cache_dir=tmp_path).get_bytes("raw/cat/a.bin") == data
    assert faults.injected == count

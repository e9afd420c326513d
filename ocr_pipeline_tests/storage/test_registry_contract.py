"""What every catalog registry promises, run on SQLite and on DynamoDB (moto's server)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ocr_pipeline import aws
from ocr_pipeline.storage.dynamo_registry import DynamoCatalogRegistry, create_table
from ocr_pipeline.storage.registry import STATUSES, CatalogRegistry

pytest_plugins = ["ocr_pipeline_tests.storage.aws_server"]

SHA_A = "a" * 64
SHA_B = "b" * 64
Registry = CatalogRegistry | DynamoCatalogRegistry


@pytest.fixture(params=["sqlite", "dynamodb"])
def registry(request: pytest.FixtureRequest, tmp_path: Path) -> Registry:
    if request.param == "sqlite":
        return CatalogRegistry(path=tmp_path / "state" / "state.sqlite")
    request.getfixturevalue("aws_env")
    unique_name: Callable[[str], str] = request.getfixturevalue("unique_name")
    client, table = aws.client("dynamodb"), unique_name("catalogs")
    create_table(client, table)
    return DynamoCatalogRegistry(client=client, table=table)


def test_register_new_catalog(registry: Registry) -> None:
    source = "s3://landing-bucket/in/Fall 2024.pdf"

    assert registry.register(catalog_id="fall-2024-aaaaaaaa", sha256=SHA_A, source_path=source,
                             size=1234)

    entry = registry.get("fall-2024-aaaaaaaa")
    assert entry is not None
    assert (entry.sha256, entry.source_path, entry.file_name, entry.size) == (
        SHA_A, source, "Fall 2024.pdf", 1234)
    assert (entry.status, entry.error) == ("new", None)
    assert entry.first_seen == entry.updated_at
    assert registry.by_sha256(SHA_A) == entry
    assert registry.get("missing") is None
    assert registry.by_sha256(SHA_B) is None


def test_same_bytes_again_or_renamed_is_not_new(registry: Registry) -> None:
    assert registry.register(catalog_id="cat-aaaaaaaa", sha256=SHA_A,
                             source_path=Path("/in/cat.pdf"), size=10)
    before = registry.get("cat-aaaaaaaa")

    assert not registry.register(catalog_id="cat-aaaaaaaa", sha256=SHA_A,
                                 source_path=Path("/in/cat.pdf"), size=10)
    assert not registry.register(catalog_id="copy-of-cat-aaaaaaaa", sha256=SHA_A,
                                 source_path=Path("/in/copy of cat.pdf"), size=10)

    assert registry.get("copy-of-cat-aaaaaaaa") is None
    assert registry.get("cat-aaaaaaaa") == before
    assert [e.catalog_id for e in registry.list()] == ["cat-aaaaaaaa"]


def test_catalog_id_taken_by_other_bytes(registry: Registry) -> None:
    registry.register(catalog_id="cat", sha256=SHA_A, source_path=Path("a.pdf"), size=1)
    with pytest.raises(ValueError, match="already registered"):
        registry.register(catalog_id="cat", sha256=SHA_B, source_path=Path("b.pdf"), size=2)
    assert registry.by_sha256(SHA_B) is None
    assert registry.register(catalog_id="cat-b", sha256=SHA_B, source_path=Path("b.pdf"), size=2)


def test_status_changes(registry: Registry) -> None:
    registry.register(catalog_id="cat", sha256=SHA_A, source_path=Path("a.pdf"), size=1)
    first = registry.get("cat")
    assert first is not None

    registry.set_status("cat", "failed", error="a.pdf: PDF is encrypted")
    failed = registry.get("cat")
    assert failed is not None
    assert (failed.status, failed.error) == ("failed", "a.pdf: PDF is encrypted")
    assert failed.updated_at > first.updated_at
    assert failed.first_seen == first.first_seen

    registry.set_status("cat", "done")
    done = registry.get("cat")
    assert done is not None
    assert (done.status, done.error) == ("done", None)


def test_status_errors(registry: Registry) -> None:
    registry.register(catalog_id="cat", sha256=SHA_A, source_path=Path("a.pdf"), size=1)
    with pytest.raises(ValueError, match="unknown catalog status 'finished'"):
        registry.set_status("cat", "finished")  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="nope"):
        registry.set_status("nope", "done")
    entry = registry.get("cat")
    assert entry is not None and entry.status == "new"


def test_list_filters_by_status(registry: Registry) -> None:
    for number, status in enumerate(STATUSES):
        registry.register(catalog_id=f"cat-{number}", sha256=f"{number:064d}",
                          source_path=Path(f"{status}.pdf"), size=number)
        registry.set_status(f"cat-{number}", status)

    assert [e.catalog_id for e in registry.list()] == [f"cat-{n}" for n in range(len(STATUSES))]
    picked = registry.list(statuses=["failed", "waiting_review", "new"])
    assert sorted(e.status for e in picked) == ["failed", "new", "waiting_review"]
    assert registry.list(statuses=iter(["done"]))[0].file_name == "done.pdf"
    assert registry.list(statuses=[]) == []
    with pytest.raises(ValueError, match="unknown catalog status"):
        registry.list(statuses=["done", "lost"])

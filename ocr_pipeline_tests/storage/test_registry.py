"""CatalogRegistry on a real SQLite file, including two processes racing on the same bytes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ocr_pipeline.storage.registry import STATUSES, CatalogRegistry

SHA_A = "a" * 64
SHA_B = "b" * 64


@pytest.fixture
def registry(tmp_path: Path) -> CatalogRegistry:
    return CatalogRegistry(path=tmp_path / "state" / "state.sqlite")


def test_register_new_catalog(registry: CatalogRegistry, tmp_path: Path) -> None:
    source = tmp_path / "landing" / "Fall 2024.pdf"

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


def test_same_bytes_again_or_renamed_is_not_new(registry: CatalogRegistry) -> None:
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


def test_catalog_id_taken_by_other_bytes(registry: CatalogRegistry) -> None:
    registry.register(catalog_id="cat", sha256=SHA_A, source_path=Path("a.pdf"), size=1)
    with pytest.raises(ValueError, match="already registered"):
        registry.register(catalog_id="cat", sha256=SHA_B, source_path=Path("b.pdf"), size=2)
    assert registry.by_sha256(SHA_B) is None


def test_status_changes(registry: CatalogRegistry) -> None:
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


def test_status_errors(registry: CatalogRegistry) -> None:
    registry.register(catalog_id="cat", sha256=SHA_A, source_path=Path("a.pdf"), size=1)
    with pytest.raises(ValueError, match="unknown catalog status 'finished'"):
        registry.set_status("cat", "finished")  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="nope"):
        registry.set_status("nope", "done")
    entry = registry.get("cat")
    assert entry is not None and entry.status == "new"


def test_list_filters_by_status(registry: CatalogRegistry) -> None:
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


def test_state_persists_in_a_wal_file(registry: CatalogRegistry) -> None:
    registry.register(catalog_id="cat", sha256=SHA_A, source_path=Path("a.pdf"), size=1)

    again = CatalogRegistry(path=registry.path)
    assert again.get("cat") == registry.get("cat")
    conn = sqlite3.connect(registry.path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        conn.close()


_RACER = """
import sys, time
from pathlib import Path
from ocr_pipeline.storage.registry import CatalogRegistry
path, name, go = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
while not go.exists():
    time.sleep(0.005)
registry = CatalogRegistry(path=path)
for i in range(40):
    new = registry.register(catalog_id=f"{name}-{i}", sha256=f"{i:064d}",
                            source_path=Path(f"/landing/{name}/{i}.pdf"), size=i)
    print(f"{i} {int(new)}", flush=True)
"""


def test_two_processes_registering_the_same_bytes(tmp_path: Path) -> None:
    path, go = tmp_path / "state.sqlite", tmp_path / "go"
    racers = [subprocess.Popen([sys.executable, "-c", _RACER, str(path), name, str(go)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for name in ("left", "right")]
    time.sleep(0.2)
    go.touch()
    outputs = []
    for racer in racers:
        out, err = racer.communicate(timeout=120)
        assert racer.returncode == 0, err
        outputs.append(dict(line.split() for line in out.splitlines()))

    for i in range(40):
        assert sorted(output[str(i)] for output in outputs) == ["0", "1"], i
    entries = CatalogRegistry(path=path).list()
    assert len(entries) == 40
    assert len({e.sha256 for e in entries}) == 40

"""CatalogRegistry on a real SQLite file, including two processes racing on the same bytes, and
its wait while another process creates the file (waits recorded, not slept)."""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ocr_pipeline.storage.registry import CatalogRegistry

SHA_A = "a" * 64
SHA_B = "b" * 64


@pytest.fixture
def registry(tmp_path: Path) -> CatalogRegistry:
    return CatalogRegistry(path=tmp_path / "state" / "state.sqlite")


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


class Creation:
    """``CatalogRegistry._create_once`` failing with the given errors first."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0
        create_once = CatalogRegistry._create_once

        def failing_first(registry: CatalogRegistry) -> None:
            self.calls += 1
            if self.errors:
                raise self.errors.pop(0)
            create_once(registry)

        monkeypatch.setattr(CatalogRegistry, "_create_once", failing_first)


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Waits recorded instead of slept (tenacity's default sleep calls ``time.sleep``)."""
    waits: list[float] = []
    monkeypatch.setattr(time, "sleep", waits.append)
    return waits


def test_creation_waits_while_another_process_creates_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, slept: list[float],
    caplog: pytest.LogCaptureFixture,
) -> None:
    creation = Creation(monkeypatch, *[sqlite3.OperationalError("database is locked")] * 3)
    path = tmp_path / "state.sqlite"
    with caplog.at_level(logging.DEBUG, logger="ocr_pipeline.storage.registry"):
        registry = CatalogRegistry(path=path)
    assert registry.list() == []
    assert creation.calls == 4
    assert len(slept) == 3 and all(0.01 <= pause <= 0.05 for pause in slept)
    assert [r.getMessage() for r in caplog.records] == [
        f"registry {path} is being created elsewhere; retrying"] * 3


def test_creation_gives_up_after_the_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, slept: list[float],
) -> None:
    locked = sqlite3.OperationalError("database is locked")
    Creation(monkeypatch, locked)
    with pytest.raises(sqlite3.OperationalError) as info:
        CatalogRegistry(path=tmp_path / "state.sqlite", timeout=0.0)
    assert info.value is locked
    assert slept == []


def test_other_creation_errors_are_not_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, slept: list[float],
) -> None:
    broken = sqlite3.OperationalError("disk I/O error")
    creation = Creation(monkeypatch, broken)
    with pytest.raises(sqlite3.OperationalError) as info:
        CatalogRegistry(path=tmp_path / "state.sqlite")
    assert info.value is broken
    assert (creation.calls, slept) == (1, [])

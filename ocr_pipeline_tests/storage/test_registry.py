"""CatalogRegistry on a real SQLite file, including two processes racing on the same bytes."""

from __future__ import annotations

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

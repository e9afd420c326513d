"""A home folder, a landing folder and the code location built on them, per test."""

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from ocr_pipeline.config import Settings
from ocr_pipeline.definitions import build_defs
from ocr_pipeline.local import review_console, run_catalog, scan_landing


@dataclass
class Location:
    settings: Settings
    defs: dg.Definitions
    instance: dg.DagsterInstance

    @property
    def landing(self) -> Path:
        return self.settings.landing

    def sensor(self) -> list[str]:
        """Evaluate the landing sensor once, as the daemon would; the keys it requested."""
        return scan_landing(self.defs, self.instance)

    def run(self, partition_key: str, *, raise_on_error: bool = True) -> dg.ExecuteInProcessResult:
        return run_catalog(self.defs, self.instance, partition_key, raise_on_error=raise_on_error)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_location(tmp_path: Path, **env: str) -> Iterator[Location]:
    """A home folder, a test instance, and the review console serving on a free port."""
    port = free_port()
    settings = Settings.from_env({"OCR_PIPELINE_HOME": str(tmp_path / "home"),
                                  "OCR_REVIEW_ENDPOINT": f"http://127.0.0.1:{port}", **env})
    settings.landing.mkdir(parents=True)
    with review_console(settings, port=port), dg.instance_for_test() as instance:
        yield Location(settings=settings, defs=build_defs(settings), instance=instance)


@pytest.fixture
def location(tmp_path: Path) -> Iterator[Location]:
    yield from make_location(tmp_path)

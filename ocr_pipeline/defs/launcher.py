"""Where page reading runs: the ``OcrLauncher`` protocol and its launchers.

- ``InProcessLauncher``: in the step's own process.
- ``SubprocessLauncher``: ``python -m ocr_pipeline.worker`` through ``PipesSubprocessClient``.
- ``EcsLauncher`` (``defs/ecs_launcher.py``): the same worker as ECS tasks on the GPU capacity
  provider through ``PipesECSClient``, in page ranges.

``definitions.py`` builds one of them from the settings (``OCR_MODE``) and binds it as the
``ocr_launcher`` resource, a plain object (``dg.ResourceParam``).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any, Protocol

import dagster as dg

from ocr_pipeline import stages
from ocr_pipeline.config import Settings
from ocr_pipeline.defs.resources import ObjectStoreResource
from ocr_pipeline.ocr.base import OcrEngine


class OcrLauncher(Protocol):
    """Reads every page of a catalog (its manifest in ``objects``) and reports the summary."""

    def read_pages(self, context: dg.AssetExecutionContext, *, catalog_id: str,
                   objects: ObjectStoreResource) -> dg.MaterializeResult: ...


@dataclass(frozen=True, kw_only=True)
class ReadingOptions:
    """How scanned pages are read, wherever that runs (``Settings``: OCR_ENGINE,
    MAX_CONCURRENCY, OCR_SERVICE_URL, MODEL_PATH)."""

    engine: str
    workers: int | None
    """Tesseract processes per worker (None: one per core)."""
    service_url: str
    model_path: str
    """Empty: the worker machine's ``MODEL_PATH``."""

    @classmethod
    def from_settings(cls, settings: Settings) -> ReadingOptions:
        return cls(engine=settings.ocr_engine, workers=settings.ocr_workers,
                   service_url=settings.ocr_service_url, model_path=settings.model_path or "")

    def scanned_page_engine(self) -> OcrEngine:
        return stages.scanned_page_engine(self.engine, workers=self.workers,
                                          service_url=self.service_url,
                                          model_path=self.model_path)

    def extras(self, *, catalog_id: str, objects: ObjectStoreResource) -> dict[str, Any]:
        """The Pipes extras ``ocr_pipeline.worker`` reads."""
        return {"catalog_id": catalog_id, "store": objects.spec(), "workers": self.workers,
                "engine": self.engine, "service_url": self.service_url,
                "model_path": self.model_path}


@dataclass(frozen=True, kw_only=True)
class InProcessLauncher:
    """Reads the pages in the step's own process."""

    reading: ReadingOptions

    def read_pages(self, context: dg.AssetExecutionContext, *, catalog_id: str,
                   objects: ObjectStoreResource) -> dg.MaterializeResult:
        summary = stages.read_catalog_pages(
            catalog_id=catalog_id, store=objects.get(), workers=self.reading.workers,
            engine=self.reading.scanned_page_engine(),
            progress=stages.progress_lines(context.log.info))
        return dg.MaterializeResult(metadata=summary.metadata())


@dataclass(frozen=True, kw_only=True)
class SubprocessLauncher:
    """Reads the pages in ``python -m ocr_pipeline.worker`` through Dagster Pipes."""

    reading: ReadingOptions

    def read_pages(self, context: dg.AssetExecutionContext, *, catalog_id: str,
                   objects: ObjectStoreResource) -> dg.MaterializeResult:
        return dg.PipesSubprocessClient().run(
            context=context, command=[sys.executable, "-m", "ocr_pipeline.worker"],
            extras=self.reading.extras(catalog_id=catalog_id, objects=objects),
        ).get_materialize_result()

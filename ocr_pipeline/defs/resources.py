"""Resources: thin Dagster wrappers of the storage layer, and the OCR launcher."""

from __future__ import annotations

import sys
from pathlib import Path

import dagster as dg

from ocr_pipeline.config import Settings
from ocr_pipeline.stages import PageManifest, manifest_key, read_all_pages
from ocr_pipeline.storage.objects import LocalObjectStore
from ocr_pipeline.storage.registry import CatalogRegistry
from ocr_pipeline.storage.warehouse import DuckDBWarehouse

PROGRESS_EVERY = 10
"""Log OCR progress every this many pages."""


class ObjectStoreResource(dg.ConfigurableResource):
    """Bytes under ``root`` (PDFs, page images, page text), addressed by file:// URIs."""

    root: str

    def get(self) -> LocalObjectStore:
        return LocalObjectStore(root=Path(self.root))


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB file analysts query: course_candidates and validated_courses."""

    path: str

    def get(self) -> DuckDBWarehouse:
        return DuckDBWarehouse(path=Path(self.path))


class RegistryResource(dg.ConfigurableResource):
    """Catalog registry (SQLite): identity by content hash, processing status."""

    path: str

    def get(self) -> CatalogRegistry:
        return CatalogRegistry(path=Path(self.path))


class PipelineConfig(dg.ConfigurableResource):
    landing: str
    confidence_threshold: float
    dpi: int = 200


class OcrLauncher(dg.ConfigurableResource):
    """Where page reading runs: ``in_process`` or ``subprocess`` (Pipes worker)."""

    mode: str = "in_process"
    workers: int | None = None

    def read_pages(
        self, context: dg.AssetExecutionContext, *, catalog_id: str, objects: ObjectStoreResource
    ) -> dg.MaterializeResult:
        if self.mode == "subprocess":
            extras = {"catalog_id": catalog_id, "objects_root": objects.root,
                      "workers": self.workers}
            return dg.PipesSubprocessClient().run(
                context=context, command=[sys.executable, "-m", "ocr_pipeline.worker"],
                extras=extras,
            ).get_materialize_result()
        if self.mode != "in_process":
            raise dg.Failure(f"OcrLauncher mode {self.mode!r} is not available here")
        store = objects.get()
        manifest = PageManifest.from_dict(store.get_json(manifest_key(catalog_id)))
        summary = read_all_pages(manifest=manifest, store=store, workers=self.workers,
                                 progress=_progress_logger(context.log))
        return dg.MaterializeResult(metadata=summary.metadata())


def _progress_logger(log):  # type: ignore[no-untyped-def]
    def report(done: int, total: int) -> None:
        if done == total or done % PROGRESS_EVERY == 0:
            log.info(f"read {done}/{total} pages")

    return report


def local_resources(settings: Settings) -> dict[str, dg.ConfigurableResource]:
    """Everything under one home folder (DESIGN.md, "Storage": local)."""
    return {
        "objects": ObjectStoreResource(root=str(settings.objects_root)),
        "warehouse": WarehouseResource(path=str(settings.warehouse_path)),
        "registry": RegistryResource(path=str(settings.registry_path)),
        "pipeline": PipelineConfig(landing=str(settings.landing),
                                   confidence_threshold=settings.confidence_threshold,
                                   dpi=settings.dpi),
        "ocr_launcher": OcrLauncher(mode=settings.ocr_mode, workers=settings.ocr_workers),
    }

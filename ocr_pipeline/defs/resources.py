"""Resources: thin Dagster wrappers of the storage layer, and the OCR launcher."""

from __future__ import annotations

import sys
from pathlib import Path

import dagster as dg

from ocr_pipeline.config import Settings
from ocr_pipeline.review.a2i import A2IReviews, a2i_client
from ocr_pipeline.review.contract import Role
from ocr_pipeline.stages import (
    PageManifest,
    manifest_key,
    read_all_pages,
    scanned_page_engine,
)
from ocr_pipeline.storage.objects import LocalObjectStore, ObjectStore
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
    engine: str = "tesseract"
    """Engine for scanned pages (OCR_ENGINE); remote reads its API key from OCR_API_KEY."""
    service_url: str = ""
    model_path: str = ""

    def read_pages(
        self, context: dg.AssetExecutionContext, *, catalog_id: str, objects: ObjectStoreResource
    ) -> dg.MaterializeResult:
        if self.mode == "subprocess":
            extras = {"catalog_id": catalog_id, "objects_root": objects.root,
                      "workers": self.workers, "engine": self.engine,
                      "service_url": self.service_url, "model_path": self.model_path}
            return dg.PipesSubprocessClient().run(
                context=context, command=[sys.executable, "-m", "ocr_pipeline.worker"],
                extras=extras,
            ).get_materialize_result()
        if self.mode != "in_process":
            raise dg.Failure(f"OcrLauncher mode {self.mode!r} is not available here")
        store = objects.get()
        manifest = PageManifest.from_dict(store.get_json(manifest_key(catalog_id)))
        engine = scanned_page_engine(self.engine, workers=self.workers,
                                     service_url=self.service_url, model_path=self.model_path)
        summary = read_all_pages(manifest=manifest, store=store, workers=self.workers,
                                 progress=_progress_logger(context.log), engine=engine)
        return dg.MaterializeResult(metadata=summary.metadata())


def _progress_logger(log):  # type: ignore[no-untyped-def]
    def report(done: int, total: int) -> None:
        if done == total or done % PROGRESS_EVERY == 0:
            log.info(f"read {done}/{total} pages")

    return report


class ReviewResource(dg.ConfigurableResource):
    """Human loops through the A2I runtime API: Amazon A2I, or the local review console."""

    endpoint_url: str
    """Empty: Amazon A2I in the configured region."""
    round1_flow_arn: str
    round2_flow_arn: str
    expert_flow_arn: str
    region: str = "us-east-1"

    def reviews(self, store: ObjectStore) -> A2IReviews:
        flows: dict[Role, str] = {"round1": self.round1_flow_arn,
                                  "round2": self.round2_flow_arn,
                                  "expert": self.expert_flow_arn}
        return A2IReviews(client=a2i_client(endpoint_url=self.endpoint_url, region=self.region),
                          flows=flows, store=store)


def local_resources(settings: Settings) -> dict[str, dg.ConfigurableResource]:
    """Everything under one home folder (DESIGN.md, "Storage": local)."""
    return {
        "objects": ObjectStoreResource(root=str(settings.objects_root)),
        "warehouse": WarehouseResource(path=str(settings.warehouse_path)),
        "registry": RegistryResource(path=str(settings.registry_path)),
        "pipeline": PipelineConfig(landing=str(settings.landing),
                                   confidence_threshold=settings.confidence_threshold,
                                   dpi=settings.dpi),
        "ocr_launcher": OcrLauncher(mode=settings.ocr_mode, workers=settings.ocr_workers,
                                    engine=settings.ocr_engine,
                                    service_url=settings.ocr_service_url,
                                    model_path=settings.model_path or ""),
        "review": ReviewResource(endpoint_url=settings.review_endpoint,
                                 round1_flow_arn=settings.flow_arns["round1"],
                                 round2_flow_arn=settings.flow_arns["round2"],
                                 expert_flow_arn=settings.flow_arns["expert"]),
    }

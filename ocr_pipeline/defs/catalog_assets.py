"""raw_catalog_pdfs and page_images: the PDF kept and validated, its pages inventoried."""

import time

import dagster as dg

from ocr_pipeline import intake, stages
from ocr_pipeline.defs.partitions import ONE_CATALOG_PER_RUN, catalogs
from ocr_pipeline.defs.resources import ObjectStoreResource, PipelineConfig, RegistryResource
from ocr_pipeline.defs.run_health import mark_worker
from ocr_pipeline.errors import InputError, RawCopyError

GROUP = "catalog"


@dg.asset(partitions_def=catalogs, backfill_policy=ONE_CATALOG_PER_RUN, group_name=GROUP,
          kinds={"pdf"})
def raw_catalog_pdfs(
    context: dg.AssetExecutionContext, objects: ObjectStoreResource, registry: RegistryResource,
) -> dg.MaterializeResult:
    """The catalog PDF as registered (its raw copy, by sha256), validated (opens, not
    encrypted, pages)."""
    mark_worker(context)
    entry = registry.get().get(context.partition_key)
    if entry is None:
        raise dg.Failure(f"{context.partition_key}: unknown catalog; drop its PDF in the landing "
                         "folder so the sensor registers it")
    try:
        raw = intake.ingest(catalog_id=entry.catalog_id, file_name=entry.file_name,
                            sha256=entry.sha256, store=objects.get())
    except RawCopyError as exc:
        registry.get().set_status(entry.catalog_id, "failed", error=str(exc))
        raise dg.Failure(description=str(exc)) from exc
    except InputError as exc:
        registry.get().set_status(entry.catalog_id, "failed", error=str(exc))
        raise dg.Failure(description=str(exc), metadata={
            "file": entry.file_name, "reason": exc.reason, "detail": exc.detail or "",
            "kept_at": objects.get().uri(intake.raw_file_key(entry.catalog_id, entry.file_name)),
        }) from exc
    registry.get().set_status(entry.catalog_id, "processing")
    return dg.MaterializeResult(metadata={
        "uri": raw.uri, "sha256": raw.sha256, "bytes": raw.size, "pages": raw.pages,
    })


@dg.asset(partitions_def=catalogs, backfill_policy=ONE_CATALOG_PER_RUN, group_name=GROUP,
          deps=[raw_catalog_pdfs], kinds={"pdf"})
def page_images(
    context: dg.AssetExecutionContext, objects: ObjectStoreResource, pipeline: PipelineConfig
) -> dg.MaterializeResult:
    """Per page: born-digital or scanned (and why), and the identity its reading is cached by
    (the OCR engines render scanned pages themselves: no page image is stored)."""
    started = time.perf_counter()
    store = objects.get()
    raw = intake.load_raw(catalog_id=context.partition_key, store=store)
    manifest = stages.inventory_pages(raw=raw, store=store, dpi=pipeline.dpi)
    kinds = manifest.kinds()
    seconds = time.perf_counter() - started
    return dg.MaterializeResult(metadata={
        "pages": len(manifest.pages),
        "seconds": round(seconds, 2),
        "pages_per_second": round(len(manifest.pages) / seconds, 1) if seconds else 0.0,
        "born_digital": kinds.get("born_digital", 0),
        "scanned": kinds.get("scanned", 0),
        "manifest_uri": store.uri(stages.manifest_key(context.partition_key)),
    })

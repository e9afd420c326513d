"""course_candidates and validated_courses: records in the warehouse, replaced per catalog."""

import time

import dagster as dg

from ocr_pipeline import stages
from ocr_pipeline.defs import checks
from ocr_pipeline.defs.ocr_assets import ocr_outputs
from ocr_pipeline.defs.partitions import ONE_CATALOG_PER_RUN, catalogs
from ocr_pipeline.defs.resources import (
    ObjectStoreResource,
    PipelineConfig,
    RegistryResource,
    WarehouseResource,
)
from ocr_pipeline.errors import NoCoursesFoundError

GROUP = "records"


@dg.asset(partitions_def=catalogs, backfill_policy=ONE_CATALOG_PER_RUN, group_name=GROUP,
          deps=[ocr_outputs], kinds={"duckdb"}, check_specs=checks.check_specs("course_candidates"))
def course_candidates(
    context: dg.AssetExecutionContext, objects: ObjectStoreResource,
    warehouse: WarehouseResource, registry: RegistryResource, pipeline: PipelineConfig,
) -> dg.MaterializeResult:
    """Parsed course records with confidence, status and provenance (page, bbox)."""
    started = time.perf_counter()
    store, catalog_id = objects.get(), context.partition_key
    manifest = stages.PageManifest.from_dict(store.get_json(stages.manifest_key(catalog_id)))
    try:
        reading, records = stages.build_candidates(manifest=manifest, store=store,
                                          threshold=pipeline.confidence_threshold)
    except NoCoursesFoundError as exc:
        registry.get().set_status(catalog_id, "failed", error=str(exc))
        raise dg.Failure(description=str(exc)) from exc
    uri = stages.save_candidates(catalog_id=catalog_id, records=records, store=store)
    profile_uri = stages.save_profile(catalog_id=catalog_id, reading=reading, store=store)
    tables = warehouse.get()
    tables.replace_catalog("course_candidates", catalog_id, records)
    pending = sum(r.status == "pending_review" for r in records)
    pages_read = len(store.get_json(stages.index_key(catalog_id)))
    check_results = checks.evaluate(records, reading=reading, pages_in_pdf=len(manifest.pages),
                                    pages_read=pages_read)
    tables.record_checks(catalog_id, checks.outcomes(check_results))
    return dg.MaterializeResult(
        metadata={
            "records": len(records),
            "auto_accepted": len(records) - pending,
            "pending_review": pending,
            "review_rate": round(pending / len(records), 4),
            "confidence_histogram": dg.MetadataValue.md(_histogram(records)),
            "methods": ", ".join(sorted({r.method for r in records})),
            "seconds": round(time.perf_counter() - started, 2),
            "records_uri": uri,
            "course_pages": reading.learned.pages_text(),
            "profile": dg.MetadataValue.md(reading.learned.markdown()),
            "profile_uri": profile_uri,
        },
        check_results=check_results,
    )


@dg.asset(partitions_def=catalogs, backfill_policy=ONE_CATALOG_PER_RUN, group_name=GROUP,
          deps=["review_results"], kinds={"duckdb"})
def validated_courses(
    context: dg.AssetExecutionContext, objects: ObjectStoreResource,
    warehouse: WarehouseResource, registry: RegistryResource,
) -> dg.MaterializeResult:
    """Auto-accepted and review-validated records: the table analysts query."""
    store, catalog_id = objects.get(), context.partition_key
    records = stages.load_candidates(catalog_id=catalog_id, store=store)
    decisions = stages.review_decisions(catalog_id=catalog_id, store=store)
    accepted, waiting = stages.accepted_records(records, decisions)
    rows = warehouse.get().replace_catalog("validated_courses", catalog_id, accepted)
    registry.get().set_status(catalog_id, "waiting_review" if waiting else "done")
    return dg.MaterializeResult(metadata={
        "rows": rows, "waiting_for_review": waiting,
        "validated_by_review": sum(r.status == "validated" for r in accepted),
        "rejected_by_review": sum(d["status"] == "rejected" for d in decisions.values()),
    })


def _histogram(records: list) -> str:  # type: ignore[type-arg]
    counts = stages.confidence_histogram(records)
    lines = ["| confidence | records |", "|---|---|"]
    lines += [f"| {i / 10:.1f}-{(i + 1) / 10:.1f} | {n} |" for i, n in enumerate(counts)]
    return "\n".join(lines)

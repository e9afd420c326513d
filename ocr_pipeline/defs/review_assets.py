"""review_requests and review_results: where human review slots into the graph.

Records under the confidence threshold are written out as review requests; collected review
decisions come back from the object store. The human loop itself (A2I, consensus) fills
``review/<catalog>/decisions.json``; until it runs, those records wait and stay out of
validated_courses.
"""

import dagster as dg

from ocr_pipeline import stages
from ocr_pipeline.defs.partitions import ONE_CATALOG_PER_RUN, catalogs
from ocr_pipeline.defs.record_assets import course_candidates
from ocr_pipeline.defs.resources import ObjectStoreResource

GROUP = "review"


@dg.asset(partitions_def=catalogs, backfill_policy=ONE_CATALOG_PER_RUN, group_name=GROUP,
          deps=[course_candidates])
def review_requests(
    context: dg.AssetExecutionContext, objects: ObjectStoreResource
) -> dg.MaterializeResult:
    """Records under the confidence threshold, with the fields and page region to check."""
    store = objects.get()
    records = stages.load_candidates(catalog_id=context.partition_key, store=store)
    uri = stages.request_reviews(catalog_id=context.partition_key, records=records, store=store)
    pending = sum(r.status == "pending_review" for r in records)
    return dg.MaterializeResult(metadata={
        "requests": pending, "review_rate": round(pending / len(records), 4) if records else 0.0,
        "requests_uri": uri,
    })


@dg.asset(partitions_def=catalogs, backfill_policy=ONE_CATALOG_PER_RUN, group_name=GROUP,
          deps=[review_requests])
def review_results(
    context: dg.AssetExecutionContext, objects: ObjectStoreResource
) -> dg.MaterializeResult:
    """Review decisions collected so far, per record."""
    store = objects.get()
    records = stages.load_candidates(catalog_id=context.partition_key, store=store)
    decisions = stages.review_decisions(catalog_id=context.partition_key, store=store)
    _, waiting = stages.accepted_records(records, decisions)
    return dg.MaterializeResult(metadata={
        "decisions": len(decisions),
        "validated": sum(d == "validated" for d in decisions.values()),
        "rejected": sum(d == "rejected" for d in decisions.values()),
        "waiting": waiting,
    })

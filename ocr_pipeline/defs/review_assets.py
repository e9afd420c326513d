"""review_requests and review_results: human loops for the records under the threshold.

Round 1 asks 3 workers; disputed records get 2 more, then an expert (review/consensus.py).
Loops run in Amazon A2I or in the local review console; the review sensor asks for
review_results when loops finish.
"""

import dagster as dg

from ocr_pipeline import stages
from ocr_pipeline.defs.partitions import ONE_CATALOG_PER_RUN, catalogs
from ocr_pipeline.defs.record_assets import course_candidates
from ocr_pipeline.defs.resources import ObjectStoreResource, ReviewResource
from ocr_pipeline.review.workflow import CatalogReview

GROUP = "review"


@dg.asset(partitions_def=catalogs, backfill_policy=ONE_CATALOG_PER_RUN, group_name=GROUP,
          deps=[course_candidates], kinds={"a2i"})
def review_requests(
    context: dg.AssetExecutionContext, objects: ObjectStoreResource, review: ReviewResource
) -> dg.MaterializeResult:
    """A round-1 human loop (3 workers) per record under the confidence threshold."""
    store, catalog_id = objects.get(), context.partition_key
    records = stages.load_candidates(catalog_id=catalog_id, store=store)
    pending = [r for r in records if r.status == "pending_review"]
    started, unavailable = 0, None
    if pending:
        catalog_review = CatalogReview(catalog_id=catalog_id, store=store,
                                       reviews=review.reviews(store))
        started = catalog_review.request(pending, crop=lambda r: stages.render_crop(
            catalog_id=catalog_id, record=r, store=store))
        unavailable = catalog_review.unavailable
    if unavailable:  # auto-accepted records go on; the nightly run asks again
        context.log.warning(f"human review unavailable: {unavailable}")
    return dg.MaterializeResult(metadata={
        "records_for_review": len(pending), "loops_started": started,
        "review_rate": round(len(pending) / len(records), 4) if records else 0.0,
        "review_unavailable": unavailable or "",
    })


@dg.asset(partitions_def=catalogs, backfill_policy=ONE_CATALOG_PER_RUN, group_name=GROUP,
          deps=[review_requests], kinds={"a2i"})
def review_results(
    context: dg.AssetExecutionContext, objects: ObjectStoreResource, review: ReviewResource
) -> dg.MaterializeResult:
    """Answers of finished loops, consensus per record, round-2 and expert loops started."""
    store, catalog_id = objects.get(), context.partition_key
    if not any(r.status == "pending_review"
               for r in stages.load_candidates(catalog_id=catalog_id, store=store)):
        return dg.MaterializeResult(metadata={"reviewed_records": 0, "waiting": 0})
    summary = CatalogReview(catalog_id=catalog_id, store=store,
                            reviews=review.reviews(store)).collect()
    return dg.MaterializeResult(metadata=summary.metadata())

"""review_requests and review_results: human loops for the records under the threshold.

Round 1 asks 3 workers; disputed records get 2 more, then an expert (review/consensus.py).
Loops run in Amazon A2I or in the local review console; the review sensor asks for
review_results when loops finish.
"""

from urllib.parse import urlsplit

import dagster as dg
from botocore.exceptions import EndpointConnectionError

from ocr_pipeline import stages
from ocr_pipeline.defs.partitions import ONE_CATALOG_PER_RUN, catalogs
from ocr_pipeline.defs.record_assets import course_candidates
from ocr_pipeline.defs.resources import ObjectStoreResource, ReviewResource
from ocr_pipeline.errors import ReviewError
from ocr_pipeline.review.workflow import CatalogReview

GROUP = "review"


def unavailable_reason(review: ReviewResource, error: ReviewError | EndpointConnectionError
                       ) -> str:
    """Why human review cannot go on, in one line. Nothing answering at the local review
    console's endpoint means the console is not running: the line says how to start it."""
    refused = error if isinstance(error, EndpointConnectionError) else error.__cause__
    if not review.endpoint_url or not isinstance(refused, EndpointConnectionError):
        return str(error)  # Amazon A2I, or a service that answered with a refusal
    port = urlsplit(review.endpoint_url).port or 80
    return (f"no review console answers at {review.endpoint_url} ({refused}); start it with "
            f"`ocr-pipeline review-console --port {port}` and the pipeline's "
            "OCR_PIPELINE_HOME; the records wait for review until then")


def _unavailable_metadata(context: dg.AssetExecutionContext, review: ReviewResource,
                          error: ReviewError | EndpointConnectionError | None) -> dict[str, str]:
    """``review_unavailable`` (and a warning) when the review service did not answer; nothing
    when it did."""
    if error is None:
        return {}
    reason = unavailable_reason(review, error)
    context.log.warning(f"human review unavailable: {reason}")
    return {"review_unavailable": reason}


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
    if pending:  # review unavailable: auto-accepted records go on; the nightly run asks again
        catalog_review = CatalogReview(catalog_id=catalog_id, store=store,
                                       reviews=review.reviews(store))
        started = catalog_review.request(pending, crop=lambda r: stages.render_crop(
            catalog_id=catalog_id, record=r, store=store))
        unavailable = catalog_review.unavailable
    return dg.MaterializeResult(metadata={
        "records_for_review": len(pending), "loops_started": started,
        "review_rate": round(len(pending) / len(records), 4) if records else 0.0,
        **_unavailable_metadata(context, review, unavailable),
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
    catalog_review = CatalogReview(catalog_id=catalog_id, store=store,
                                   reviews=review.reviews(store))
    summary = catalog_review.collect()  # the review service down: the records wait
    return dg.MaterializeResult(metadata={
        **summary.metadata(), **_unavailable_metadata(context, review, catalog_review.unavailable),
    })

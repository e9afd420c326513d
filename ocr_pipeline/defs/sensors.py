"""The landing sensor: a new PDF (by content) becomes a catalog partition and a run."""

import json

import dagster as dg
from botocore.exceptions import EndpointConnectionError

from ocr_pipeline import intake
from ocr_pipeline.defs.jobs import collect_reviews, process_catalog
from ocr_pipeline.defs.partitions import catalogs
from ocr_pipeline.defs.resources import (
    LandingResource,
    ObjectStoreResource,
    RegistryResource,
    ReviewResource,
)
from ocr_pipeline.defs.review_assets import unavailable_reason
from ocr_pipeline.review.workflow import OPEN, CatalogReview


@dg.sensor(job=process_catalog, minimum_interval_seconds=30,
           default_status=dg.DefaultSensorStatus.RUNNING)
def landing_sensor(
    context: dg.SensorEvaluationContext, registry: RegistryResource, landing: LandingResource,
    objects: ObjectStoreResource,
) -> dg.SensorResult | dg.SkipReason:
    """Watch the landing folder or S3 prefix. The cursor remembers each file's fingerprint
    (size and mtime, or size and ETag), so only new or changed files are hashed; the registry
    remembers content hashes, so the same bytes under another name are not a new catalog. A new
    content's bytes are kept at once (``intake``); an entry that cannot be read is logged and
    tried again on the next tick, and the others go on."""
    place = landing.get()
    if not place.available():
        return dg.SkipReason(f"landing place {place.describe()} does not exist")
    seen: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    catalog_registry = registry.get()
    taken = intake.take_in(place=place, registry=catalog_registry, store=objects.get(),
                           seen=seen)
    for line in taken.skipped:
        context.log.warning(line)
    new = list(taken.registered)
    runs = [dg.RunRequest(partition_key=key, run_key=key) for key in new]
    # Registered on an earlier tick that never returned its partition request: do it now.
    known = set(context.instance.get_dynamic_partitions(catalogs.name))
    for entry in catalog_registry.list(statuses=["new"]):
        if entry.catalog_id not in known and entry.catalog_id not in new:
            new.append(entry.catalog_id)
            runs.append(dg.RunRequest(partition_key=entry.catalog_id, run_key=entry.catalog_id))
    if not new:
        reason = "; ".join(taken.skipped) or "no new catalogs"
        return dg.SensorResult(skip_reason=reason, cursor=json.dumps(seen))
    return dg.SensorResult(
        run_requests=runs,
        dynamic_partitions_requests=[catalogs.build_add_request(new)],
        cursor=json.dumps(seen),
    )


@dg.sensor(job=collect_reviews, minimum_interval_seconds=30,
           default_status=dg.DefaultSensorStatus.RUNNING)
def review_sensor(
    context: dg.SensorEvaluationContext, registry: RegistryResource,
    objects: ObjectStoreResource, review: ReviewResource,
) -> dg.SensorResult | dg.SkipReason:
    """Poll the open human loops of catalogs waiting on review; when some have ended (or are
    gone: the listing no longer has them), or a record is neither decided nor in an open loop
    (``CatalogReview.stalled_loops``), ask for review_results (and validated_courses) of that
    catalog. The run key names those loops, so the same state asks once. While the review
    service cannot be reached, each tick is skipped with one warning saying what to do."""
    store = objects.get()
    reviews = review.reviews(store)
    waiting = registry.get().list(statuses=["waiting_review"])
    if not waiting:
        return dg.SkipReason("no catalog is waiting on review")
    # states read before the listing: a loop they have that the listing lacks is gone
    catalog_reviews = [CatalogReview(catalog_id=entry.catalog_id, store=store, reviews=reviews)
                       for entry in waiting]
    try:  # one paged listing per flow instead of a call per loop
        loops = [loop for role in ("round1", "round2", "expert")
                 for loop in reviews.list(role=role)]
    except EndpointConnectionError as exc:
        reason = unavailable_reason(review, exc)
        context.log.warning(reason)
        return dg.SkipReason(reason)
    status = {loop["HumanLoopName"]: loop["HumanLoopStatus"] for loop in loops}
    age = review.report_backlog(loops)
    context.log.info(f"oldest open human loop: {age / 3600:.1f} h")
    runs = []
    for catalog_review in catalog_reviews:
        catalog_id = catalog_review.catalog_id
        finished = sorted(name for name in catalog_review.open_loops()
                          if status.get(name, "Deleted") not in OPEN)
        stalled = sorted(catalog_review.stalled_loops())
        if finished:
            context.log.info(f"{catalog_id}: {len(finished)} loop(s) finished")
            runs.append(dg.RunRequest(partition_key=catalog_id,
                                      run_key=f"{catalog_id}:{','.join(finished)}"))
        elif stalled:
            context.log.info(f"{catalog_id}: {len(stalled)} record(s) undecided with no open "
                             "loop")
            runs.append(dg.RunRequest(partition_key=catalog_id,
                                      run_key=f"{catalog_id}:stalled:{','.join(stalled)}"))
    return (dg.SensorResult(run_requests=runs) if runs
            else dg.SkipReason("no finished loops and no stalled records"))

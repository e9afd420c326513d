"""Nightly: re-run every catalog that is new, failed, interrupted or waiting on review.

A custom schedule, since dynamic partitions cannot use build_schedule_from_partitioned_job.
A catalog whose run died is first made retryable (``run_health``); one whose run still works
is left to it.
"""

import dagster as dg

from ocr_pipeline.defs.jobs import process_catalog
from ocr_pipeline.defs.resources import RegistryResource
from ocr_pipeline.defs.run_health import interrupted_catalogs, is_running

UNFINISHED = ("new", "processing", "failed", "waiting_review")


@dg.schedule(cron_schedule="0 2 * * *", job=process_catalog, execution_timezone="UTC",
             default_status=dg.DefaultScheduleStatus.RUNNING)
def nightly_catalogs(
    context: dg.ScheduleEvaluationContext, registry: RegistryResource
) -> list[dg.RunRequest] | dg.SkipReason:
    interrupted_catalogs(context.instance, registry)
    entries = [e for e in registry.get().list(statuses=UNFINISHED)
               if not is_running(context.instance, e.catalog_id)]
    if not entries:
        return dg.SkipReason("no catalog to retry: every catalog is done or has a run working it")
    night = context.scheduled_execution_time.strftime("%Y-%m-%d")
    return [dg.RunRequest(partition_key=e.catalog_id, run_key=f"{e.catalog_id}:{night}",
                          tags={"ocr_pipeline/reason": e.status}) for e in entries]

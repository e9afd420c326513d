"""Runs that died leave nothing stuck.

A catalog is ``processing`` while a run of it works. When that run dies without saying so (its
worker killed, the daemon or the machine lost), the catalog's state and the run's disagree:
the catalog says processing, while its latest run has ended, or is still recorded as started
although its worker process is gone. ``interrupted_catalogs`` finds those, marks such a run
failed in Dagster (which frees what it held), and returns the catalog to ``failed`` with the
reason, so the nightly schedule retries it. It runs in ``run_health_sensor`` (every two
minutes) and in the nightly schedule, before it picks the catalogs to retry.

A run records its worker (host and pid) when it starts (``mark_worker``); a worker on this host
is checked directly. Elsewhere (ECS tasks), Dagster's run monitoring (docker/dagster.yaml)
fails runs whose worker died, and the run's end is seen here.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence

import dagster as dg

from ocr_pipeline.defs.jobs import process_catalog
from ocr_pipeline.defs.resources import RegistryResource

WORKER_TAG = "ocr_pipeline/worker"
LIVE = frozenset({dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED,
                  dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED,
                  dg.DagsterRunStatus.CANCELING})


def mark_worker(context: dg.AssetExecutionContext) -> None:
    """Tag the run with the process working it, so its death can be told from outside."""
    context.instance.add_run_tags(context.run.run_id,
                                  {WORKER_TAG: f"{socket.gethostname()}:{os.getpid()}"})


def latest_run(instance: dg.DagsterInstance, catalog_id: str) -> dg.DagsterRun | None:
    runs = instance.get_runs(
        filters=dg.RunsFilter(job_name=process_catalog.name,
                              tags={"dagster/partition": catalog_id}), limit=1)
    return runs[0] if runs else None


def why_dead(run: dg.DagsterRun | None) -> str | None:
    """Why ``run`` no longer works its catalog, or None while it may."""
    if run is None:
        return "no run of it is recorded"
    if run.status not in LIVE:
        return f"its run {run.run_id} ended {run.status.value} without finishing it"
    host, _, pid = run.tags.get(WORKER_TAG, "").rpartition(":")
    if host == socket.gethostname() and pid.isdigit() and not _alive(int(pid)):
        return f"the worker of its run {run.run_id} (pid {pid}) is gone"
    return None


def interrupted_catalogs(instance: dg.DagsterInstance, registry: RegistryResource
                         ) -> Sequence[str]:
    """Catalogs found processing with no live run, now ``failed`` (retryable); their dead runs
    are marked failed."""
    catalogs = registry.get()
    released = []
    for entry in catalogs.list(statuses=["processing"]):
        run = latest_run(instance, entry.catalog_id)
        why = why_dead(run)
        if why is None:
            continue
        if run is not None and run.status in LIVE:
            instance.report_run_failed(run, message=f"{entry.catalog_id}: {why}")
        catalogs.set_status(entry.catalog_id, "failed", error=f"interrupted: {why}")
        released.append(entry.catalog_id)
    return released


def is_running(instance: dg.DagsterInstance, catalog_id: str) -> bool:
    run = latest_run(instance, catalog_id)
    return run is not None and why_dead(run) is None


@dg.sensor(minimum_interval_seconds=120, default_status=dg.DefaultSensorStatus.RUNNING)
def run_health_sensor(context: dg.SensorEvaluationContext,
                      registry: RegistryResource) -> dg.SkipReason:
    """Return catalogs whose run died to a retryable state (the nightly schedule retries)."""
    released = interrupted_catalogs(context.instance, registry)
    for catalog_id in released:
        context.log.warning(f"{catalog_id}: its run died; failed, to be retried")
    return dg.SkipReason(f"{len(released)} interrupted catalog(s) made retryable: "
                         f"{', '.join(released)}" if released else "no run died")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True

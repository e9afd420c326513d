"""EcsLauncher: page reading as ECS tasks on the GPU capacity provider, through Dagster Pipes.

A catalog of more than ``pages_per_task`` pages (``config.EcsSettings``, variables
``OCR_ECS_*``) is split into page ranges; the ranges with a scanned page run as parallel
worker tasks (``ecs_task.WorkerTask``, at most ``max_tasks`` at once), the others are read from
their text layer in the step; then the ranges' indexes are joined. Pipes messages come back
through the tasks' CloudWatch streams; a context too large for the ECS overrides goes
through S3.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import dagster as dg
from botocore.exceptions import WaiterError
from dagster_aws.pipes import (
    PipesCloudWatchMessageReader,
    PipesECSClient,
    PipesS3ContextInjector,
)
from dagster_aws.pipes.clients.utils import WaiterConfig

from ocr_pipeline import aws, stages
from ocr_pipeline.config import EcsSettings
from ocr_pipeline.defs.ecs_task import WorkerTask, context_size
from ocr_pipeline.defs.launcher import ReadingOptions
from ocr_pipeline.defs.resources import ObjectStoreResource

REQUIRED = ("cluster", "task_definition", "capacity_provider")
"""Settings without a default that ``run_task`` cannot do without."""


@dataclass(frozen=True, kw_only=True)
class EcsLauncher:
    """Reads the pages as ECS worker tasks, per page range."""

    settings: EcsSettings
    reading: ReadingOptions
    region: str
    """Of the ECS, CloudWatch Logs and S3 clients (empty: boto3's default)."""
    context_bucket: str = ""
    """Bucket for Pipes contexts too large for the environment (empty: such a context fails)."""
    env_context_limit: int = 4096
    """Bytes of compressed extras above which the Pipes context goes through S3: ECS refuses
    container overrides over 8 KiB, and the rest of the context needs room too."""
    poll_seconds: int = 6
    """How often to ask whether a task has stopped."""
    ecs_client: Any = None
    """The ECS API (None: a boto3 client of ``region`` with adaptive retries)."""

    def read_pages(self, context: dg.AssetExecutionContext, *, catalog_id: str,
                   objects: ObjectStoreResource) -> dg.MaterializeResult:
        self._check_settings()
        store = objects.get()
        manifest = stages.PageManifest.from_dict(store.get_json(stages.manifest_key(catalog_id)))
        ranges = stages.page_ranges(len(manifest.pages), size=self.settings.pages_per_task)
        # A GPU task is only worth its start-up for pages that need OCR: ranges of born-digital
        # pages are read here from their text layer (milliseconds a page).
        scanned = {entry.page for entry in manifest.pages if entry.kind == "scanned"}
        on_gpu = [r for r in ranges if any(r[0] <= page <= r[1] for page in scanned)]
        context.log.info(f"{catalog_id}: {len(manifest.pages)} pages ({len(scanned)} scanned); "
                         f"{len(on_gpu)} ECS task(s), at most {self.settings.max_tasks} at once")
        here = [stages.read_all_pages(manifest=manifest, store=store,
                                      workers=self.reading.workers, pages=r).metadata()
                for r in ranges if r not in on_gpu]
        extras = self.reading.extras(catalog_id=catalog_id, objects=objects)
        tasks = self._fan_out(context, extras=extras, ranges=on_gpu)
        index_uri = stages.merge_range_indexes(manifest=manifest, ranges=ranges, store=store)
        return dg.MaterializeResult(metadata=_joined_metadata(
            pages=len(manifest.pages), here=here, tasks=tasks, index_uri=index_uri))

    def _check_settings(self) -> None:
        missing = [name for name in REQUIRED if not getattr(self.settings, name)]
        if missing:
            raise dg.Failure(f"OcrLauncher ecs mode needs {', '.join(missing)} "
                             f"({', '.join(map(EcsSettings.variable, REQUIRED))})")

    def _fan_out(self, context: dg.AssetExecutionContext, *, extras: dict[str, Any],
                 ranges: list[stages.PageRange]) -> list[dict[str, Any]]:
        """One worker task per range, at most ``max_tasks`` at once; their summaries."""
        if not ranges:
            return []
        region = self.region or None
        ecs = self.ecs_client or aws.client("ecs", region=region)
        logs = aws.client("logs", region=region)  # the tasks' awslogs streams

        def one(pages: stages.PageRange) -> dict[str, Any]:
            task = WorkerTask(catalog_id=extras["catalog_id"], pages=pages,
                              started_by=f"dagster-{context.run.run_id[:8]}-p{pages[0]}")
            return self._run(context, task, extras={**extras, "pages": list(pages)},
                             ecs=ecs, logs=logs)

        with ThreadPoolExecutor(max_workers=min(self.settings.max_tasks, len(ranges)),
                                thread_name_prefix="ecs-ocr") as pool:
            return list(pool.map(one, ranges))

    def _run(self, context: dg.AssetExecutionContext, task: WorkerTask, *,
             extras: dict[str, Any], ecs: Any, logs: Any) -> dict[str, Any]:
        """Run one worker task to its end; its summary (the materialization's metadata)."""
        client = PipesECSClient(client=ecs, context_injector=self._injector(context, extras),
                                message_reader=PipesCloudWatchMessageReader(client=logs))
        timeout = self.settings.timeout_seconds
        attempts = max(1, math.ceil(timeout / self.poll_seconds))
        try:
            invocation = client.run(
                context=context,
                run_task_params=task.run_task_params(self.settings),  # type: ignore[arg-type]
                extras=extras, pipes_container_name=self.settings.container,
                waiter_config=WaiterConfig(Delay=self.poll_seconds, MaxAttempts=attempts),
            )
        except WaiterError as exc:
            task.stop(ecs, cluster=self.settings.cluster)
            raise dg.Failure(f"{task.name}: the ECS task did not finish in {timeout} s and was "
                             f"stopped ({exc})") from exc
        except RuntimeError as exc:  # the task stopped with a non-zero exit code
            raise dg.Failure(f"{task.name}: {exc}") from exc
        results = invocation.get_results()
        if not results:
            raise dg.Failure(f"{task.name}: the ECS task ended without reporting its pages")
        return {key: getattr(value, "value", value)
                for key, value in results[0].metadata.items()}  # type: ignore[union-attr]

    def _injector(self, context: dg.AssetExecutionContext,
                  extras: dict[str, Any]) -> PipesS3ContextInjector | None:
        """The S3 injector when the extras alone would crowd the ECS overrides (None: the
        context goes in the task's environment)."""
        size = context_size(extras)
        if size <= self.env_context_limit:
            return None
        if not self.context_bucket:
            raise dg.Failure(f"the Pipes context ({size} bytes compressed) is too large for "
                             "ECS container overrides and no context bucket is configured")
        context.log.info(f"Pipes context ({size} bytes compressed) goes through "
                         f"s3://{self.context_bucket}/pipes/")
        return PipesS3ContextInjector(bucket=self.context_bucket,
                                      client=aws.client("s3", region=self.region or None),
                                      key_prefix="pipes/")


def _joined_metadata(*, pages: int, here: list[dict[str, Any]], tasks: list[dict[str, Any]],
                     index_uri: str) -> dict[str, Any]:
    """The step's summary from the ranges read here and those read by tasks."""
    both = [*here, *tasks]
    turned = [t for r in both if (t := str(r.get("turned_pages", "none"))) != "none"]
    return {
        "pages": pages,
        "cached_pages": sum(int(r.get("cached_pages", 0)) for r in both),
        "ecs_tasks": len(tasks),
        "task_seconds": round(sum(float(r.get("seconds", 0.0)) for r in tasks), 2),
        "index_uri": index_uri,
        "turned_pages": ", ".join(turned) or "none",
        "deskewed_pages": sum(int(r.get("deskewed_pages", 0)) for r in both),
    }

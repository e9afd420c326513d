"""The OcrLauncher resource: where page reading runs.

- ``in_process``: in the step's own process.
- ``subprocess``: ``python -m ocr_pipeline.worker`` through ``PipesSubprocessClient``.
- ``ecs``: the same worker as ECS tasks on the GPU capacity provider through
  ``PipesECSClient``; a catalog of more than ``pages_per_task`` pages is split into page
  ranges run as parallel tasks (at most ``max_tasks`` at once), then their indexes are joined.
"""

from __future__ import annotations

import base64
import json
import math
import sys
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
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
from ocr_pipeline.defs.resources import ObjectStoreResource

PROGRESS_EVERY = 10
"""Log OCR progress every this many pages."""
WORKER_COMMAND = ["python", "-m", "ocr_pipeline.worker"]


class OcrLauncher(dg.ConfigurableResource):
    mode: str = "in_process"
    workers: int | None = None
    """Tesseract processes per worker (None: one per core)."""
    engine: str = "tesseract"
    """Engine for scanned pages (OCR_ENGINE); remote reads its API key from OCR_API_KEY."""
    service_url: str = ""
    model_path: str = ""
    region: str = ""
    cluster: str = ""
    task_definition: str = ""
    capacity_provider: str = ""
    container: str = "ocr-worker"
    subnets: list[str] = []
    security_groups: list[str] = []
    max_tasks: int = 10
    pages_per_task: int = 50
    timeout_seconds: int = 3600
    poll_seconds: int = 6
    context_bucket: str = ""
    """Bucket for Pipes contexts too large for the environment."""
    env_context_limit: int = 4096
    """Bytes of compressed extras above which the Pipes context goes through S3: ECS refuses
    container overrides over 8 KiB, and the rest of the context needs room too."""

    def read_pages(self, context: dg.AssetExecutionContext, *, catalog_id: str,
                   objects: ObjectStoreResource) -> dg.MaterializeResult:
        extras = {"catalog_id": catalog_id, "store": objects.spec(), "workers": self.workers,
                  "engine": self.engine, "service_url": self.service_url,
                  "model_path": self.model_path}
        if self.mode == "in_process":
            store = objects.get()
            manifest = stages.PageManifest.from_dict(
                store.get_json(stages.manifest_key(catalog_id)))
            engine = stages.scanned_page_engine(self.engine, workers=self.workers,
                                                service_url=self.service_url,
                                                model_path=self.model_path)
            summary = stages.read_all_pages(manifest=manifest, store=store,
                                            workers=self.workers, engine=engine,
                                            progress=_progress_logger(context.log))
            return dg.MaterializeResult(metadata=summary.metadata())
        if self.mode == "subprocess":
            return dg.PipesSubprocessClient().run(
                context=context, command=[sys.executable, "-m", "ocr_pipeline.worker"],
                extras=extras,
            ).get_materialize_result()
        if self.mode == "ecs":
            return self._read_on_ecs(context, extras=extras, objects=objects)
        raise dg.Failure(f"OcrLauncher mode {self.mode!r}: expected in_process, subprocess, ecs")

    def run_task_params(self, *, catalog_id: str, pages: stages.PageRange,
                        started_by: str) -> dict[str, Any]:
        """``run_task`` arguments of one worker task (the Pipes client adds its environment)."""
        params: dict[str, Any] = {
            "cluster": self.cluster,
            "taskDefinition": self.task_definition,
            "count": 1,
            "startedBy": started_by,
            "capacityProviderStrategy": [
                {"capacityProvider": self.capacity_provider, "weight": 1, "base": 0}],
            "overrides": {"containerOverrides": [{
                "name": self.container,
                "command": WORKER_COMMAND,
                "environment": [{"name": "OCR_CATALOG_ID", "value": catalog_id},
                                {"name": "OCR_PAGES", "value": f"{pages[0]}-{pages[1]}"}],
            }]},
            "tags": [{"key": "catalog_id", "value": catalog_id},
                     {"key": "pages", "value": f"{pages[0]}-{pages[1]}"}],
        }
        if self.subnets:
            params["networkConfiguration"] = {"awsvpcConfiguration": {
                "subnets": list(self.subnets), "securityGroups": list(self.security_groups),
                "assignPublicIp": "DISABLED"}}
        return params

    def ecs_client(self) -> Any:
        """The ECS API (a boto3 client with adaptive retries)."""
        return aws.client("ecs", region=self.region or None)

    def logs_client(self) -> Any:
        """CloudWatch Logs, where the worker's Pipes messages arrive (awslogs driver)."""
        return aws.client("logs", region=self.region or None)

    def _read_on_ecs(self, context: dg.AssetExecutionContext, *, extras: dict[str, Any],
                     objects: ObjectStoreResource) -> dg.MaterializeResult:
        missing = [name for name in ("cluster", "task_definition", "capacity_provider")
                   if not getattr(self, name)]
        if missing:
            raise dg.Failure(f"OcrLauncher ecs mode needs {', '.join(missing)} "
                             "(OCR_ECS_CLUSTER, OCR_ECS_TASK_DEFINITION, "
                             "OCR_ECS_CAPACITY_PROVIDER)")
        store = objects.get()
        catalog_id = extras["catalog_id"]
        manifest = stages.PageManifest.from_dict(store.get_json(stages.manifest_key(catalog_id)))
        ranges = stages.page_ranges(len(manifest.pages), size=self.pages_per_task)
        # A GPU task is only worth its start-up for pages that need OCR: ranges of born-digital
        # pages are read here from their text layer (milliseconds a page).
        scanned = {entry.page for entry in manifest.pages if entry.kind == "scanned"}
        on_gpu = [r for r in ranges if any(r[0] <= page <= r[1] for page in scanned)]
        context.log.info(f"{catalog_id}: {len(manifest.pages)} pages ({len(scanned)} scanned); "
                         f"{len(on_gpu)} ECS task(s), at most {self.max_tasks} at once")
        here = [stages.read_all_pages(manifest=manifest, store=store, workers=self.workers,
                                      pages=r).metadata()
                for r in ranges if r not in on_gpu]

        def one(pages: stages.PageRange) -> dict[str, Any]:
            return self._run_one(context, extras={**extras, "pages": list(pages)},
                                 pages=pages, catalog_id=catalog_id)

        tasks: list[dict[str, Any]] = []
        if on_gpu:
            with ThreadPoolExecutor(max_workers=min(self.max_tasks, len(on_gpu)),
                                    thread_name_prefix="ecs-ocr") as pool:
                tasks = list(pool.map(one, on_gpu))
        index_uri = stages.merge_range_indexes(manifest=manifest, ranges=ranges, store=store)
        return dg.MaterializeResult(metadata={
            "pages": len(manifest.pages),
            "cached_pages": sum(int(r.get("cached_pages", 0)) for r in [*here, *tasks]),
            "ecs_tasks": len(on_gpu),
            "task_seconds": round(sum(float(r.get("seconds", 0.0)) for r in tasks), 2),
            "index_uri": index_uri,
            "turned_pages": ", ".join(t for r in [*here, *tasks]
                                      if (t := str(r.get("turned_pages", "none"))) != "none")
                            or "none",
            "deskewed_pages": sum(int(r.get("deskewed_pages", 0)) for r in [*here, *tasks]),
        })

    def _run_one(self, context: dg.AssetExecutionContext, *, extras: dict[str, Any],
                 pages: stages.PageRange, catalog_id: str) -> dict[str, Any]:
        ecs = self.ecs_client()
        started_by = f"dagster-{context.run.run_id[:8]}-p{pages[0]}"
        client = PipesECSClient(
            client=ecs, context_injector=self._injector(context, extras),
            message_reader=PipesCloudWatchMessageReader(client=self.logs_client()),
        )
        attempts = max(1, math.ceil(self.timeout_seconds / self.poll_seconds))
        try:
            invocation = client.run(
                context=context,
                run_task_params=self.run_task_params(catalog_id=catalog_id, pages=pages,
                                                     started_by=started_by),  # type: ignore[arg-type]
                extras=extras, pipes_container_name=self.container,
                waiter_config=WaiterConfig(Delay=self.poll_seconds, MaxAttempts=attempts),
            )
        except WaiterError as exc:
            _stop_tasks(ecs, cluster=self.cluster, started_by=started_by)
            raise dg.Failure(
                f"{catalog_id} pages {pages[0]}-{pages[1]}: the ECS task did not finish in "
                f"{self.timeout_seconds} s and was stopped ({exc})") from exc
        except RuntimeError as exc:  # the task stopped with a non-zero exit code
            raise dg.Failure(f"{catalog_id} pages {pages[0]}-{pages[1]}: {exc}") from exc
        results = invocation.get_results()
        if not results:
            raise dg.Failure(f"{catalog_id} pages {pages[0]}-{pages[1]}: the ECS task ended "
                             "without reporting its pages")
        return {key: getattr(value, "value", value)
                for key, value in results[0].metadata.items()}  # type: ignore[union-attr]

    def _injector(self, context: dg.AssetExecutionContext,
                  extras: dict[str, Any]) -> PipesS3ContextInjector | None:
        """The S3 injector when the extras alone would crowd the ECS overrides."""
        size = len(base64.b64encode(zlib.compress(json.dumps(extras).encode())))
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


def _stop_tasks(ecs: Any, *, cluster: str, started_by: str) -> None:
    for arn in ecs.list_tasks(cluster=cluster, startedBy=started_by).get("taskArns", []):
        ecs.stop_task(cluster=cluster, task=arn, reason="timed out waiting for the OCR worker")


def _progress_logger(log: Any) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        if done == total or done % PROGRESS_EVERY == 0:
            log.info(f"read {done}/{total} pages")

    return report
